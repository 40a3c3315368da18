"""Every draft renders whatever a person skipped, left empty or never reached (property tests).

Answers are generated from the flow's own questions and kinds: each may be missing, None, empty, or
a value of its kind; each field of a list item too. Every template (letters, the summary card, the
prep sheet, the negotiation note, the feedback request, insights, export) and every nudge and
closing must render without an exception and without "None" in the text.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jinja2 import StrictUndefined

from bot import engine, letters
from bot.engine import your_data
from bot.flow import Question, load_flow
from bot.insights import common_thread
from bot.messages import Reply
from bot.model import Input, Interview, Snapshot
from bot.nudges import CANCELLED, DONE, IN_PROGRESS, UPCOMING
from bot.templating import environment

FLOW = load_flow()
PRACTICE = FLOW.lists["practice"]
NOW = datetime(2026, 11, 26, 14, 10, tzinfo=UTC)
TZ = ZoneInfo("Europe/Berlin")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

words = st.one_of(
    st.sampled_from(
        ["idk", "Dr. Priya Natarajan", "short staffing on nights", "ok", "🤷", "n/a", "  ", "$50/hr"]
    ),
    st.text(max_size=30),
).filter(lambda s: "None" not in s)
moments = st.datetimes(
    min_value=datetime(2026, 9, 1), max_value=datetime(2027, 6, 1), timezones=st.just(UTC)
).map(lambda d: d.isoformat())
days = st.dates(min_value=datetime(2026, 9, 1).date(), max_value=datetime(2027, 6, 1).date()).map(
    lambda d: d.isoformat()
)


def value_of(q: Question) -> st.SearchStrategy[Any]:
    """A value of the question's kind, as the engine stores it."""
    if q.kind == "list":  # a person field brings its own keys (name, email), as the engine stores it
        fields = {f.id: blank_or(value_of(f)) for f in q.fields if f.kind != "person"}
        if any(f.kind == "person" for f in q.fields):
            fields |= {"name": blank_or(words), "email": st.just("dana@acme.com")}
        return st.lists(st.fixed_dictionaries({}, optional=fields), max_size=3)
    if q.per_interviewer or q.id == "letter_edit":
        return st.dictionaries(st.sampled_from(["0", "1", "2"]), blank_or(words), max_size=3)
    if q.kind == "person":
        return st.fixed_dictionaries({"name": blank_or(words)}, optional={"email": st.just("dana@acme.com")})
    if q.kind == "datetime":
        return moments
    if q.kind == "date":
        return days
    if q.kind == "scale":
        return st.integers(1, 5)
    if q.kind == "yesno":
        return st.sampled_from(["yes", "no"])
    if q.kind in ("choice", "letters"):
        values = [o.value for o in q.options]
        return st.one_of(st.sampled_from(values), words) if q.other_allowed else st.sampled_from(values)
    return words


def blank_or(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), st.just(""), strategy)


# What the code stores beside the answers to questions.
EXTRA = {
    "news": st.sampled_from(["second", "offer", "rejected", "not_yet"]),
    "news_at": moments,
    "letter_sent_at": moments,
    "upcoming_start": moments,
    "upcoming_end": moments,
    "feedback_requested": st.booleans(),
    "checkin_cycle": st.integers(0, 3),
    "checkin_from": moments,
}
answers_st = st.fixed_dictionaries(
    {}, optional={**{q.id: blank_or(value_of(q)) for q in FLOW.by_id.values()}, **EXTRA}
)


def interview(answers: dict[str, Any], status: str = DONE, pos: dict | None = None, n: int = 1) -> Interview:
    return Interview(
        id=f"{n:032x}",
        status=status,
        created_at=NOW - timedelta(days=n),
        answers=answers,
        cursor={"pos": pos},
    )


def texts(replies: list[Reply]) -> str:
    return "\n".join(r.text + (r.attachment.body if r.attachment else "") for r in replies)


# Labels of the content that say "None" on purpose.
MEANT = [o.label for q in FLOW.by_id.values() for o in q.options if "None" in o.label]


def typed_none(value: Any) -> bool:
    """Whether the person typed the word "none" somewhere, which a draft may show capitalised as theirs."""
    if isinstance(value, dict):
        return any(typed_none(v) for v in value.values())
    if isinstance(value, list):
        return any(typed_none(v) for v in value)
    return isinstance(value, str) and re.search(r"\bnone\b", value, re.IGNORECASE) is not None


def assert_readable(text: str, *, typed: bool = False) -> None:
    for label in MEANT:
        text = text.replace(label, "")
    assert typed or "None" not in text, text
    assert "went wrong" not in text, text


def said(command: str, *answer_sets: dict[str, Any]) -> str:
    """What a command over all of a person's interviews (export, insights, offers) replies."""
    snapshot = Snapshot(
        timezone="Europe/Berlin",
        conversation={**engine.new_conversation(), "welcomed": True},
        active=None,
        everything=tuple(interview(a, n=n) for n, a in enumerate(answer_sets, start=1)),
        nudges=(),
    )
    return step(snapshot, Input(kind="message", text=command))


def step(snapshot: Snapshot, incoming: Input) -> str:
    outcome = engine.step(snapshot, incoming, now=NOW, new_id="f" * 32, flow=FLOW)
    assert not outcome.needs, outcome.needs
    return texts(outcome.replies)


@SETTINGS
@given(answers_st, st.one_of(st.none(), words))
def test_every_letter_and_card_renders_from_any_answers(answers, sender):
    drafts = [letter.body for letter in letters.thank_you_letters(answers, sender=sender, tz=TZ)]
    drafts += [
        letters.debrief_summary(answers, title="Your debrief"),
        letters.prep_sheet(answers, when=None, practice=PRACTICE),
        letters.prep_sheet(answers, when="Tue 8 Dec, 10:00", practice=PRACTICE),
        letters.negotiation_letter(answers, sender=sender),
        letters.feedback_request(answers, sender=sender),
    ]
    for draft in drafts:
        assert draft.strip()
        assert_readable(draft, typed=typed_none(answers))


@SETTINGS
@given(st.lists(answers_st, min_size=1, max_size=3))
def test_insights_export_and_offers_render_from_any_answers(many):
    everything = [interview(a, n=n) for n, a in enumerate(many, start=1)]
    assert common_thread(everything).interviews <= len(many)  # announced-only interviews are left out
    for command in ("insights", "export", "offers"):
        assert_readable(said(command, *many))


NUDGE_KINDS = [
    "unfinished_20261126", "thank_you_1", "thank_you_2", "thank_you_last", "thank_you_2#1", "checkin_1",
    "checkin_2_s", "checkin_stop", "second_prep_evening", "second_prep_morning", "offer_deadline_1",
    "offer_deadline_2", "feedback", "upcoming_prep", "upcoming_debrief",
]  # fmt: skip


@SETTINGS
@given(answers_st, st.sampled_from(NUDGE_KINDS), st.sampled_from([DONE, IN_PROGRESS, UPCOMING, CANCELLED]))
def test_every_nudge_renders_from_any_answers(answers, kind, status):
    subject = interview(answers, status=status, pos={"q": "feelings", "item": None, "field": None})
    snapshot = Snapshot(
        timezone="Europe/Berlin", conversation=engine.new_conversation(), active=None, subject=subject
    )
    assert_readable(step(snapshot, Input(kind="nudge", action=kind)))


# The last question of each section that closes with a coach's word: skipping it closes the section.
CLOSINGS = {"second": "second_focus", "offer": "offer_decision", "rejection": "rejection_liked", "feedback": "feedback_received"}  # fmt: skip


@SETTINGS
@given(answers_st, st.sampled_from(sorted(CLOSINGS)))
def test_every_closing_renders_from_any_answers(answers, section):
    last = FLOW.section_of[CLOSINGS[section]].questions[-1]
    active = interview(answers, status=IN_PROGRESS, pos={"q": last.id, "item": None, "field": None})
    snapshot = Snapshot(
        timezone="Europe/Berlin",
        conversation={**engine.new_conversation(), "active": active.id, "welcomed": True},
        active=active,
    )
    assert_readable(step(snapshot, Input(kind="message", text="skip")))


def full_answers() -> dict[str, Any]:
    """Every question answered: with these, a name misspelt in a template fails in the strict environment."""
    return {
        "company": "Mercy General", "role": "Charge Nurse", "interview_at": NOW.isoformat(),
        "interviewers": [{"name": "Dr. Priya Natarajan", "email": "priya@mercy.org"}, {"name": "Tom O'Brien"}],
        "questions": [{"question": "Two RNs short?", "answer": "Triage", "reaction": "nodded"}],
        "answer_to_improve": "Two RNs short?", "improve_how": "Name the escalation path",
        "follow_ups": [{"question": "Nights?", "hint": "concern"}], "positives": "Calm", "recurring": "staffing",
        "happy_with_answers": 4, "interviewer_satisfied": "yes", "could_be_better": "Shorter answers",
        "dressed_ok": "no", "dress_issue": "Scrubs", "letter_topic": {"0": "retention", "1": "rotas"},
        "offer_target": "$52/hr", "rejection_liked": "the unit tour", "second_focus": "leadership",
    }  # fmt: skip


def test_templates_use_no_undefined_name_when_every_answer_is_given(monkeypatch):
    strict = environment(StrictUndefined)
    for module in (letters, your_data):
        for name, value in vars(module).copy().items():
            if hasattr(value, "render") and getattr(value, "name", "").endswith(".j2"):
                monkeypatch.setattr(module, name, strict.get_template(value.name))
    answers = full_answers()
    drafts = [letter.body for letter in letters.thank_you_letters(answers, sender="Maya", tz=TZ)]
    drafts += [
        letters.debrief_summary(answers, title="Your debrief"),
        letters.prep_sheet(answers, when="Tue", practice=PRACTICE),
    ]
    drafts += [
        letters.negotiation_letter(answers, sender="Maya"),
        letters.feedback_request(answers, sender="Maya"),
    ]
    drafts += [said(command, answers, answers) for command in ("export", "insights")]
    assert all(d.strip() for d in drafts)
    assert "Mercy General" in drafts[-2] and "staffing" in drafts[-1]


def test_a_skipped_letter_topic_and_a_reaction_never_given_render():
    """The two crashes found: `letter_topic` stored as {'0': None}, a question item with no reaction."""
    answers = {
        **full_answers(),
        "letter_topic": {"0": None},
        "questions": [{"question": "Why nursing?", "answer": "My mum"}],
        "second_at": (NOW + timedelta(days=5)).isoformat(),
    }
    sheet = letters.prep_sheet(answers, when="Tue 1 Dec, 10:00", practice=PRACTICE)
    assert "Why nursing?" in sheet and "None" not in sheet
    export = said("export", answers)
    assert "Mercy General" in export and "None" not in export


def test_the_export_keeps_markdown_lists_apart_and_each_letter_once():
    answers = {**full_answers(), "letter_edit": {"0": "Dear Dr. Natarajan, thank you. Maya"}}
    export = said("export", answers)
    assert export.count("Dear Dr. Natarajan, thank you. Maya") == 1
    assert "\n\n**Interviewers**" in export  # a paragraph of its own, not a lazy line of the list above


def test_insights_write_the_persons_notes_out_as_the_card_does():
    mercy = {"company": "Mercy General", "questions": [{"question": "what would u do if u were 2 RNs short on nights"}],
             "recurring": "staffing"}  # fmt: skip
    marys = {
        "company": "St Marys",
        "questions": [{"question": "how do u cope when the unit is understaffed"}],
    }
    text = said("insights", mercy, marys)
    assert "**Short staffing** came up in 2 of your 2 interviews" in text
    assert "“What would you do if you were 2 RNs short on nights?”" in text
    assert "“How do you cope when the unit is understaffed?”" in text  # their words, shorthand written out
