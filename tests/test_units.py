"""Small pieces: input cleaning, commands, dates, letters and the content file."""

from __future__ import annotations

import string
import tomllib
from datetime import UTC, date, datetime
from importlib import resources

import pytest

from bot import dates
from bot.commands import Command, UnknownCommand, parse_command
from bot.flow import load_flow, parse_flow
from bot.inputs import clean_text, loose
from bot.letters import debrief_summary, thank_you_letters

BERLIN = dates.zone("Europe/Berlin")
NOW = datetime(2026, 11, 26, 14, 10, tzinfo=UTC)  # Thursday, 15:10 in Berlin


def test_clean_text_folds_spaces_and_drops_controls():
    assert clean_text("  a\u00a0\u00a0b \x1b[31mred\x1b[0m\r\n\r\n\r\n\r\nc\u202e ") == "a b red\n\nc"
    assert loose("  “Done!” ") == "done"
    assert loose("That’s ALL") == "that's all"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("help", Command("help")),
        ("/HELP", Command("help")),
        ("!status", Command("status")),
        ("Resume 2", Command("resume", 2)),
        ("edit #3", Command("edit", 3)),
        ("/frobnicate", UnknownCommand("frobnicate")),
        ("I need help with that", None),
        ("Tell me about yourself", None),
        ("", None),
    ],
)
def test_parse_command(text, expected):
    assert parse_command(text, load_flow()) == expected


@pytest.mark.parametrize(
    ("text", "prefer", "expected_local"),
    [
        ("today 2pm", "past", datetime(2026, 11, 26, 14, 0)),
        ("yesterday 10:30", "past", datetime(2026, 11, 25, 10, 30)),
        ("Tuesday 10am", "future", datetime(2026, 12, 1, 10, 0)),
        ("tomorrow 3pm", "future", datetime(2026, 11, 27, 15, 0)),
    ],
)
def test_parse_when_reads_the_persons_zone(text, prefer, expected_local):
    moment = dates.parse_when(text, now=NOW, tz=BERLIN, prefer=prefer)
    assert moment.tzinfo is not None
    assert moment.astimezone(BERLIN).replace(tzinfo=None) == expected_local


def test_parse_when_says_none_for_nonsense():
    assert dates.parse_when("blurday", now=NOW, tz=BERLIN, prefer="past") is None


def test_business_days_skip_weekends():
    assert dates.add_business_days(date(2026, 11, 26), 5) == date(2026, 12, 3)
    assert dates.add_business_days(date(2026, 11, 27), 2) == date(2026, 12, 1)


def test_zone_falls_back_for_unknown_names():
    assert dates.zone("Mars/Olympus").key == "UTC"
    assert dates.zone(None, "Europe/Paris").key == "Europe/Paris"


def _answers(**extra):
    base = {
        "company": "ACME",
        "role": "Product Designer",
        "interviewers": [{"name": "Dana Lee", "email": "dana@acme.com"}],
        "interview_at": NOW.isoformat(),
        "letter_topic": {"0": "the plan to rebuild onboarding"},
    }
    return {**base, **extra}


@pytest.mark.parametrize(
    "answers",
    [
        _answers(letter_topic={"0": "growth"}),
        _answers(),
        _answers(
            letter_topic={"0": "word " * 300},
            answer_to_improve="question " * 100,
            improve_how="clarification " * 500,
            interviewers=[{"name": "Dana Maria Lee-Smith", "email": None}],
        ),
    ],
)
def test_every_letter_is_between_100_and_180_words(answers):
    for letter in thank_you_letters(answers, sender="Maya Rivera", tz=BERLIN):
        assert 100 <= len(letter.body.split()) <= 180, letter.body


def test_one_letter_per_interviewer_and_edits_are_kept():
    answers = _answers(
        interviewers=[{"name": "Sam", "email": None}, {"name": "Priya", "email": "p@x.example"}],
        letter_edit={"1": "My own words"},
    )
    letters = thank_you_letters(answers, sender=None, tz=BERLIN)
    assert [letter.to_name for letter in letters] == ["Sam", "Priya"]
    assert letters[0].body.startswith("Dear Sam,") and letters[0].body.endswith("[Your name]")
    assert letters[1].body == "My own words"
    assert letters[1].to_email == "p@x.example"


def test_letter_without_interviewers_goes_to_the_hiring_team():
    letters = thank_you_letters(_answers(interviewers=[]), sender="Maya", tz=BERLIN)
    assert letters[0].body.startswith("Dear Hiring Team,")


def _card(**answers) -> tuple[str, str]:
    """The card for these answers, as its "Do again" half and the rest."""
    keep, rest = debrief_summary(_answers(**answers), title="Your debrief").split("Improve next time")
    return keep, rest


def test_summary_lists_concerns_and_improvements():
    follow_ups = [
        {"question": "Can you relocate?", "hint": "concern"},
        {"question": "When?", "hint": "interest"},
    ]
    keep, improve = _card(positives="Clear story", could_be_better="Pace", follow_ups=follow_ups)
    assert "Clear story" in keep and "Pace" in improve
    assert "Can you relocate?" in improve and "When?" in keep


def test_content_file_parses_and_refers_only_to_known_questions():
    flow = load_flow()
    assert flow.order[0] == "company"
    raw = tomllib.loads(resources.files("bot").joinpath("content/flow.toml").read_text(encoding="utf-8"))
    raw["sections"][0]["questions"][0]["next"] = "no_such_question"
    with pytest.raises(ValueError, match="no_such_question"):
        parse_flow(raw)


def test_every_message_is_a_valid_template():
    flow = load_flow()
    for key, template in flow.messages.items():
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        assert flow.message(key, **dict.fromkeys(names, "x")), key


@pytest.mark.parametrize(
    ("text", "name", "email"),
    [
        ("Dana Lee dana@acme.com", "Dana Lee", "dana@acme.com"),
        ("Priya Nair <priya.nair@globex.example>", "Priya Nair", "priya.nair@globex.example"),
        ("Dr. Bill Lumbergh (VP Eng)", "Dr. Bill Lumbergh", None),
        ("Tom O'Brien, head of analytics", "Tom O'Brien", None),
        ("Sam Ortiz - CTO", "Sam Ortiz", None),
        ("samir.khan@x.example", "Samir Khan", "samir.khan@x.example"),
    ],
)
def test_person_takes_the_name_and_email_and_leaves_titles_out(text, name, email):
    from bot.answers import person

    assert person(text) == {"name": name, "email": email}


def test_letters_by_post_carry_no_email_or_subject_and_each_person_gets_their_topic():
    answers = _answers(
        thank_you_by="post",
        interviewers=[{"name": "Sam", "email": "s@x.example"}, {"name": "Priya", "email": None}],
        letter_topic={"0": "the data warehouse", "1": "mentoring juniors"},
    )
    sam, priya = thank_you_letters(answers, sender="Maya", tz=BERLIN)
    assert sam.to_email is None and sam.subject is None
    assert "the data warehouse" in sam.body and "mentoring juniors" not in sam.body
    assert "mentoring juniors" in priya.body


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("end of next week", date(2026, 12, 4)),
        ("end of the week", date(2026, 11, 27)),
        ("in a few days", date(2026, 11, 29)),
        ("within a week", date(2026, 12, 3)),
        ("within 2 weeks", date(2026, 12, 10)),
        ("mid December", date(2026, 12, 15)),
        ("early January", date(2027, 1, 5)),
        ("1", None),
    ],
)
def test_decision_phrases_people_use(text, expected):
    assert dates.parse_day(text, now=NOW, tz=BERLIN, prefer="future") == expected


def test_a_low_rating_an_unconvinced_interviewer_and_dress_always_reach_the_card():
    keep, improve = _card(happy_with_answers=2, interviewer_satisfied="no", dressed_ok="no")
    assert "2 of 5" in improve
    assert "unconvinced" in improve
    assert "Dress:" in improve
    assert "Nothing pressing" not in keep + improve


def test_a_good_interview_is_kept_in_do_again():
    keep, _ = _card(happy_with_answers=5, interviewer_satisfied="yes")
    assert "5 of 5" in keep and "Whatever won" not in keep  # no filler line


def test_do_again_holds_their_strengths_and_what_they_learned_about_the_employer_stays_apart():
    questions = [
        {"question": "Tell me about a hard shift", "reaction": "she nodded and smiled"},
        {"question": "How do you handle conflict?", "reaction": "idk, they both seemed neutral"},
    ]
    keep, rest = _card(
        positives="I stayed calm on the staffing question",
        observations="they lost 3 nurses this year",
        questions=questions,
    )
    assert "You stayed calm on the staffing question" in keep  # their note, said back to them
    assert (
        "Tell me about a hard shift" in keep and "handle conflict" not in keep
    )  # a neutral reaction isn't a strength
    assert (
        "they lost 3 nurses" not in keep
        and "What you learned about them" in rest
        and "They lost 3 nurses" in rest
    )


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("tomorrow 3-4pm", "2026-11-27 15:00", "2026-11-27 16:00"),
        ("tomorrow 11-12pm", "2026-11-27 11:00", "2026-11-27 12:00"),
        ("Friday 10:00-11:30", "2026-11-27 10:00", "2026-11-27 11:30"),
        ("Dec 3 2pm", "2026-12-03 14:00", None),
    ],
)
def test_parse_span_reads_an_interview_slot(text, start, end):
    found = dates.parse_span(text, now=NOW, tz=BERLIN)
    shown = [moment and f"{moment.astimezone(BERLIN):%Y-%m-%d %H:%M}" for moment in found]
    assert shown == [start, end]


@pytest.mark.parametrize(
    ("text", "zone_name"),
    [("Berlin", "Europe/Berlin"), ("new york", "America/New_York"), ("EST", "America/New_York"),
     ("europe/london", "Europe/London"), ("UTC", "UTC"), ("EST5EDT", None), ("Mars", None)],
)  # fmt: skip
def test_find_zone_prefers_places_with_daylight_saving(text, zone_name):
    assert dates.find_zone(text) == zone_name


def test_an_upcoming_interview_needs_a_time_ahead_and_the_company_stops_at_the_day():
    from bot.engine.resuming import _split_company

    assert _split_company("ACME yesterday 3pm") == ("ACME", "yesterday 3pm")
    assert _split_company("at Wayne Enterprises tomorrow 3-4pm") == ("Wayne Enterprises", "tomorrow 3-4pm")
    assert dates.parse_span("yesterday 3pm", now=NOW, tz=BERLIN) is None
