"""Texts drafted from a person's own answers: thank-you letters and the step-2 summary (Jinja2)."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, utils

from bot import voice
from bot.flow import Flow, load_flow
from bot.insights import SIMILAR
from bot.model import QuestionId
from bot.people import name_parts
from bot.templating import template
from bot.themes import themes_of

# Loaded once at import, so drafting a letter during a turn reads no file.
_THANK_YOU = template("thank_you.txt.j2")
_SUMMARY = template("summary.txt.j2")
_PREP_SHEET = template("prep_sheet.txt.j2")
_NEGOTIATION = template("negotiation.txt.j2")
_FEEDBACK_REQUEST = template("feedback_request.txt.j2")
_FOLLOW_UP = template("follow_up.txt.j2")
_SECOND_THANKS = template("second_thanks.txt.j2")

# Word caps keep every letter within 100-180 words whatever the person typed.
TOPIC_WORDS = 12
CLARIFY_WORDS = 22
QUESTION_WORDS = 12
WANTED_WORDS = 14


@dataclass(frozen=True)
class Letter:
    to_name: str
    to_email: str | None
    subject: str | None  # None for a letter sent by post
    body: str


def _text(value: object) -> str:
    """An answer as one trimmed string; a skipped (None) or odd value is ""."""
    return value.strip() if isinstance(value, str) else ""


def _moment(value: object) -> datetime | None:
    """A stored ISO moment, or None when it is missing or unreadable."""
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _items(answers: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The items of a list answer; a skipped list, or an item that is not a dict, gives nothing."""
    value = answers.get(key)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in ".!?…" else text + "."


def _people(answers: dict[str, Any]) -> list[dict[str, Any]]:
    """The interviewers, in the order given (per-interviewer answers follow it); one without a name is
    addressed by their role where it is a title ("Dear Principal,"), else as the hiring team."""
    return [
        {
            **p,
            "name": _text(p.get("name")) or _role_title(p.get("role")) or "Hiring Team",
            "greeting": salutation(_text(p.get("name"))) if _text(p.get("name")) else "",
        }
        for p in _items(answers, QuestionId.INTERVIEWERS)
    ]


_VAGUE = {"someone", "somebody", "guy", "woman", "man", "person", "interviewer", "other", "another"}


def _role_title(role: object) -> str:
    """ "hiring manager" -> "Hiring Manager"; "someone from hr" is no title to write after Dear."""
    words = _text(role).split()
    if not words or len(words) > 4 or _VAGUE & set(words) or "from" in words:
        return ""
    return " ".join(w if w in ("of", "and", "the") else w[:1].upper() + w[1:] for w in words)


def _per_person(answers: dict[str, Any], key: str) -> dict[str, str]:
    """A per-interviewer answer ({"0": text, "1": None}) with only the answers given."""
    value = answers.get(key)
    if not isinstance(value, dict):
        return {}
    return {str(k): _text(v) for k, v in value.items() if _text(v)}


def thank_you_letters(
    answers: dict[str, Any], *, sender: str | None, tz: ZoneInfo, flow: Flow | None = None
) -> list[Letter]:
    """One letter per interviewer (or one to the hiring team), each written for its reader: addressed
    by convention, the topic in their voice, its own sentences; the person's own edits kept."""
    flow = flow or load_flow()
    interviewers = _people(answers) or [{"name": "Hiring Team", "email": None}]
    edits = _per_person(answers, QuestionId.LETTER_EDIT)
    topics = _per_person(answers, QuestionId.LETTER_TOPIC)
    by_post = answers.get(QuestionId.THANK_YOU_BY) == "post"
    interview_at = _moment(answers.get(QuestionId.INTERVIEW_AT))
    company = voice.capitalised(_text(answers.get(QuestionId.COMPANY))) or "your organisation"
    role = _text(answers.get(QuestionId.ROLE)) or "open"
    subject = f"Thank you: {voice.capitalised(role)} interview"
    shorthand = _shorthand(flow)
    correction = _correction(answers, flow, shorthand)
    wanted = None if correction else _wanted(answers, flow, shorthand)
    seed = zlib.crc32(company.casefold().encode())  # the same letters every time they are drafted
    letters = []
    for index, person in enumerate(interviewers):
        name = _text(person.get("name"))
        topic = _topic_for(index, topics, interviewers, flow, shorthand)

        def pick(bank: str, offset: int = 0, index: int = index) -> str:
            choices = flow.lists.get(bank) or ("",)
            return choices[(seed + index + offset) % len(choices)]

        values = {
            "when": f" on {interview_at.astimezone(tz):%A}" if interview_at else "",
            "role": role,
            "company": company,
            "topic": topic,
        }
        body = edits.get(str(index)) or _THANK_YOU.render(
            salutation=person.get("greeting") or name,
            opening=pick("letter_openings").format(**values),
            topic_line=pick("letter_topic_lines", 1).format(**values),
            correction_line=_corrected(pick("letter_corrections", 2), correction)
            if correction
            else pick("letter_offers_more", 2).format(**wanted)
            if wanted
            else "",
            closing=pick("letter_closings", 3),
            thanks=pick("letter_thanks", 1),
            signoff=pick("letter_signoffs"),
            sender=_text(sender) or "[Your name]",
        )
        email = None if by_post else person.get("email")
        letters.append(Letter(name, email, None if by_post else subject, body.strip()))
    return letters


def _shorthand(flow: Flow) -> dict[str, str]:
    """The content's phone shorthand, "u" -> "you"; each as written wins over its apostrophe-free copy."""
    shorthand: dict[str, str] = {}
    for pair in flow.words.get("shorthand", ()):
        short_form, _, full = pair.partition("=")
        shorthand.setdefault(short_form, full)
    return shorthand


def salutation(name: str) -> str:
    """How a letter greets its reader: title and surname when there is a title ("Dr. Natarajan"),
    else the first name as given ("Tom"), as interviewers in most fields introduce themselves; a
    role ("Principal") or the hiring team as it is. Never title + first + last."""
    parts = name_parts(name)
    if parts.title and parts.last:
        return f"{parts.title} {parts.last}"
    if parts.first and parts.last and name not in ("Hiring Team",):
        return parts.first
    return name


def _topic_for(
    index: int,
    topics: dict[str, str],
    interviewers: list[dict[str, Any]],
    flow: Flow,
    shorthand: dict[str, str],
) -> str:
    """This reader's topic in the letter's voice: "her plan" to her is "your plan"; a topic first
    given for someone else ("same") keeps them in the third person by name ("Dr. Natarajan's plan")."""
    own = topics.get(str(index))
    first = topics.get("0")
    text = own or first or "the role and the team"
    text = voice.without_lead_in(voice.written_out(text, shorthand), flow.words.get("topic_lead_ins", ()))
    text = voice.first_clause(text.rstrip(".!?"), TOPIC_WORDS).rstrip(".!?")
    if index > 0 and (not own or own == first) and first:
        owner = interviewers[0].get("greeting") or _text(interviewers[0].get("name"))
        text = voice.about_someone(text, owner)
    else:
        name = _text(interviewers[index].get("name")) if index < len(interviewers) else ""
        text = voice.to_the_reader(text, names=(name, *name.split()))
    return voice.lowered(text)


def _correction(answers: dict[str, Any], flow: Flow, shorthand: dict[str, str]) -> dict[str, str] | None:
    """The answer they would give now, as one sentence in the letter, with the question it answers."""
    improve = _text(answers.get(QuestionId.ANSWER_TO_IMPROVE))
    how = _text(answers.get(QuestionId.IMPROVE_HOW))
    if not improve or improve == "none" or not how:
        return None
    written = voice.written_out(how, shorthand)
    # "I'd also mention how I loop in parents early" is said in a letter as what was left out.
    mentioned = voice.without_lead_in(written, flow.words.get("mention_lead_ins", ()))
    said = voice.without_lead_in(written, flow.words.get("correction_lead_ins", ()))
    said = voice.first_clause(mentioned if mentioned != written.strip() else said, CLARIFY_WORDS)
    if not said:
        return None
    if mentioned != written.strip():
        said = flow.label("letter_mentioned", what=voice.lowered(said.rstrip(".!?")))
    question = voice.as_question(voice.first_clause(voice.written_out(improve, shorthand), QUESTION_WORDS))
    return {"question": question, "correction": _sentence(said[:1].upper() + said[1:])}


def _corrected(line: str, correction: dict[str, str]) -> str:
    """The correction in its bank sentence, "also" said once: "I also wanted to add… I would escalate"."""
    if re.search(r"\balso\b", line):
        correction = {**correction, "correction": re.sub(r"\balso ", "", correction["correction"], count=1)}
    return line.format(**correction)


def _wanted(answers: dict[str, Any], flow: Flow, shorthand: dict[str, str]) -> dict[str, str] | None:
    """What an interviewer seemed to want to know behind a follow-up question (a concern's first), as
    an offer to say more: the letter adds nothing the person did not note, it only offers to go on."""
    follow_ups = sorted(_items(answers, QuestionId.FOLLOW_UPS), key=lambda f: f.get("hint") != "concern")
    for f in follow_ups:
        question, wanted = _text(f.get("question")), _text(f.get("looking_for"))
        if question and wanted:
            about = voice.first_clause(voice.to_the_reader(_wanted_bare(wanted, flow)), WANTED_WORDS)
            about = about.rstrip(".!?")
            if about:
                return {
                    "question": voice.as_question(
                        voice.first_clause(voice.written_out(question, shorthand), QUESTION_WORDS)
                    ),
                    "wanted": voice.lowered(about),
                }
    return None


def _wanted_bare(text: str, flow: Flow) -> str:
    """What they seemed to want to know, as noted, without "I think they wanted to know": "whether I
    had done nights", "my experience with IEPs"."""
    return voice.wanted_topic(
        voice.written_out(text, _shorthand(flow)), flow.words.get("wanted_lead_ins", ())
    )


_WH = ("whether", "how", "what", "why", "when", "where", "who", "which")


def _wanted_phrase(text: str, flow: Flow) -> str:
    """What follows "They wanted to know", said to the person: "whether you had done nights", "about your
    experience with IEPs"; "" for nothing noted."""
    bare = voice.first_clause(voice.to_the_person(_wanted_bare(text, flow)), 25).rstrip(".!?")
    bare = voice.lowered(bare)
    if not bare:
        return ""
    return bare if bare.split(" ", 1)[0].casefold() in _WH else f"about {bare}"


def debrief_summary(answers: dict[str, Any], *, title: str, flow: Flow | None = None) -> str:
    """The end-of-step-2 card: "Do again" from their own strengths (what went well for them, answers
    the interviewer visibly liked, the interest behind follow-ups), "Improve" from weak answers and
    concerns, and what they learned about the employer kept apart. No filler lines."""
    flow = flow or load_flow()
    keep: list[dict[str, Any]] = []
    improve: list[dict[str, Any]] = []
    rating = answers.get(QuestionId.HAPPY_WITH_ANSWERS)
    to_improve = _text(answers.get(QuestionId.ANSWER_TO_IMPROVE))
    if _text(answers.get(QuestionId.POSITIVES)):
        keep.append({"kind": "own", "text": _told(_text(answers[QuestionId.POSITIVES]), flow)})
    for item in _items(answers, QuestionId.QUESTIONS):
        question, reaction = _text(item.get("question")), _text(item.get("reaction"))
        if question and to_improve != question and _went_well(reaction, flow):
            keep.append({"kind": "landed", "reaction": voice.lowered(_said(reaction, flow, 12).rstrip(".")),
                         "question": _asked(question, flow, QUESTION_WORDS)})  # fmt: skip
    follow_ups = [
        (f.get("hint"), _text(f.get("question")), _wanted_phrase(_text(f.get("looking_for")), flow))
        for f in _items(answers, QuestionId.FOLLOW_UPS)
    ]
    keep += [
        {"kind": "interest", "question": _asked(q, flow, QUESTION_WORDS)}
        for hint, q, _ in follow_ups
        if hint == "interest" and q
    ]
    if not keep and isinstance(rating, int) and rating >= 4:
        keep.append({"kind": "rated_high", "rating": rating})
    if to_improve and to_improve != "none":
        how = voice.without_lead_in(
            voice.written_out(_text(answers.get(QuestionId.IMPROVE_HOW)), _shorthand(flow)),
            flow.words.get("correction_lead_ins", ()),
        )
        improve.append({"kind": "better_answer", "question": _asked(to_improve, flow, QUESTION_WORDS),
                        "how": _said(how, flow)})  # fmt: skip
    if isinstance(rating, int) and rating <= 3:
        improve.append({"kind": "rated_low", "rating": rating})
    if answers.get(QuestionId.INTERVIEWER_SATISFIED) == "no":
        improve.append({"kind": "unconvinced"})
    improve += [
        # A concern and what they wanted to know behind it are one point: one line.
        {"kind": "concern" if hint == "concern" else "wanted", "question": _asked(q, flow, QUESTION_WORDS),
         "wanted": wanted}
        for hint, q, wanted in follow_ups
        if q and (hint == "concern" or wanted)
    ]  # fmt: skip
    if _text(answers.get(QuestionId.COULD_BE_BETTER)):
        improve.append({"kind": "own", "text": _told(_text(answers[QuestionId.COULD_BE_BETTER]), flow)})
    if _text(answers.get(QuestionId.DRESS_ISSUE)) or answers.get(QuestionId.DRESSED_OK) == "no":
        improve.append({"kind": "dress", "text": _told(_text(answers.get(QuestionId.DRESS_ISSUE)), flow)})
    return _SUMMARY.render(
        title=title,
        heading=_heading(answers),
        keep=keep,
        improve=improve,
        learned=_said(_text(answers.get(QuestionId.OBSERVATIONS)), flow),
    ).strip()


def _went_well(reaction: str, flow: Flow) -> bool:
    """Whether the interviewer's reaction, as noted, reads as a good one ("she nodded and smiled"),
    not a neutral or unclear one ("idk, they seemed neutral")."""
    said = set(re.findall(r"[\w']+", reaction.casefold()))
    good = set(flow.words.get("reaction_good", ()))
    unclear = set(flow.words.get("reaction_unclear", ()))
    plain = reaction.casefold()
    if any(re.search(rf"\b{re.escape(w)}\b", plain) for w in unclear):
        return False
    return bool(said & good) or any(" " in g and g in plain for g in good)


def _heading(answers: dict[str, Any]) -> str:
    """ "ACME, Product Designer", or whichever of the two is known, as written for people to read."""
    parts = (_text(answers.get(QuestionId.COMPANY)), _text(answers.get(QuestionId.ROLE)))
    return ", ".join(voice.capitalised(part) for part in parts if part)


def _first_name_or_team(answers: dict[str, Any]) -> str:
    """How the first interviewer is greeted ("Dr. Natarajan", "Tom", "Principal"), else the hiring team."""
    people = _people(answers)
    return (people[0]["greeting"] or people[0]["name"]) if people else "Hiring Team"


def prep_sheet(
    answers: dict[str, Any],
    *,
    when: str | None,
    practice: tuple[str, ...],
    thread: list[dict[str, Any]] | None = None,
    flow: Flow | None = None,
) -> str:
    """The second-interview prep sheet as clean prose and bullets, from the first interview's notes:
    who they meet, the concerns to address with an angle for each, the answer to improve, what went
    well, practice questions not asked yet, questions to ask them, and the common thread."""
    flow = flow or load_flow()
    shorthand = _shorthand(flow)

    def asked(text: str) -> str:
        return _asked(text, flow)

    def said(text: str) -> str:
        return _said(text, flow)

    concerns = []
    for f in _items(answers, QuestionId.FOLLOW_UPS):
        if f.get("hint") == "concern" and (question := _text(f.get("question"))):
            concerns.append(
                {
                    "question": asked(question),
                    "wanted": _wanted_phrase(_text(f.get("looking_for")), flow),
                    "angle": _step_for(question, flow),
                }
            )
    questions = [
        {
            "question": asked(q["question"]),
            # "You said: said I'd talk to them" reads twice: the note's own "said" goes.
            "answer": said(
                voice.without_lead_in(_text(q.get("answer")), flow.words.get("answer_lead_ins", ()))
            ),
            "reaction": said(_text(q.get("reaction"))),
        }
        for q in _items(answers, QuestionId.QUESTIONS)
        if _text(q.get("question"))
    ]
    to_improve = _text(answers.get(QuestionId.ANSWER_TO_IMPROVE))
    how = voice.without_lead_in(
        voice.written_out(_text(answers.get(QuestionId.IMPROVE_HOW)), shorthand),
        flow.words.get("correction_lead_ins", ()),
    )
    themes = [t for t in thread or () if isinstance(t, dict) and t.get("name")]
    return _PREP_SHEET.render(
        heading=_heading(answers),
        when=when,
        meeting=said(_text(answers.get(QuestionId.SECOND_WITH))),
        focus=_told(_text(answers.get(QuestionId.SECOND_FOCUS)), flow),
        questions=questions,
        concerns=concerns,
        better=asked(to_improve) if to_improve and to_improve != "none" else None,
        how=said(how),
        keep=_told(_text(answers.get(QuestionId.POSITIVES)), flow),
        practice=_not_asked_yet(
            practice, [q["question"] for q in questions] + [c["question"] for c in concerns]
        ),
        ask_them=flow.lists.get("ask_them", ()),
        thread=themes,
        # A theme seen in two interviews is a thread across them; one from a single interview is
        # what the person said keeps coming up.
        across=any(isinstance(t.get("interviews"), int) and t["interviews"] > 1 for t in themes),
        recurring="" if themes else said(_text(answers.get(QuestionId.RECURRING))),
        recurring_step=_step_for(_text(answers.get(QuestionId.RECURRING)), flow),
    ).strip()


PRACTICE_MAX = 6


def _not_asked_yet(practice: tuple[str, ...], asked: list[str]) -> list[str]:
    """Practice questions unlike any they were asked already, the first few: a sheet, not a bank."""
    return [p for p in practice if not any(_similar(p, q) for q in asked)][:PRACTICE_MAX]


def prep_glance(answers: dict[str, Any], *, flow: Flow | None = None) -> str:
    """The morning of a second interview: the focus and the first concern to meet, in two lines."""
    flow = flow or load_flow()
    lines = []
    if focus := _told(_text(answers.get(QuestionId.SECOND_FOCUS)), flow):
        lines.append(f"• {flow.label('glance_focus')} {focus}")
    concern = next(
        (
            q
            for f in _items(answers, QuestionId.FOLLOW_UPS)
            if f.get("hint") == "concern" and (q := _text(f.get("question")))
        ),
        "",
    )
    if concern:
        lines.append(f"• {flow.label('glance_concern')} “{_asked(concern, flow)}”")
    return "\n".join(lines)


def as_asked(text: str, flow: Flow | None = None, *, words: int = QUESTION_WORDS) -> str:
    """A question a person noted, written out whole for a text the bot shows (insights, the card)."""
    return _asked(text, flow or load_flow(), words)


def as_said(text: str, flow: Flow | None = None) -> str:
    """Words a person noted, written out as a sentence for a text the bot shows."""
    return _said(text, flow or load_flow(), 25)


def _asked(text: str, flow: Flow, words: int = 20) -> str:
    """A question as noted, written out whole: "how do u handle conflict" -> "How do you handle conflict?"."""
    return voice.as_question(voice.written_out(voice.first_clause(text, words), _shorthand(flow)))


def _said(text: str, flow: Flow, words: int = 30) -> str:
    """Words as noted, written out as a sentence: "id call the agency" -> "I would call the agency."."""
    text = voice.written_out(voice.first_clause(text, words), _shorthand(flow))
    return _sentence(text[:1].upper() + text[1:]) if text else ""


def _told(text: str, flow: Flow, words: int = 30) -> str:
    """A person's own note said back to them by the bot: "my phonics answer, i had real examples" ->
    "Your phonics answer, you had real examples."; what they would say (a quote) stays as `_said`."""
    return _said(voice.to_the_person(voice.written_out(text, _shorthand(flow))), flow, words)


def _step_for(text: str, flow: Flow) -> str:
    """The next step for the first theme `text` is about, or "" when it is about none."""
    found = themes_of(text, flow.themes) if text else []
    return next((t.step for t in flow.themes if found and t.id == found[0]), "")


def _similar(one: str, other: str) -> bool:
    """Two phrasings of one question: "Tell me about yourself" and "Tell me about yourself, briefly"."""
    return fuzz.token_set_ratio(one, other, processor=utils.default_process) >= SIMILAR


def negotiation_letter(answers: dict[str, Any], *, sender: str | None, flow: Flow | None = None) -> str:
    """A polite counter that argues from their notes: the experience the interviewer asked more about
    (else an answer they visibly liked), and the figure they researched."""
    flow = flow or load_flow()
    interest = next(
        (
            q
            for f in _items(answers, QuestionId.FOLLOW_UPS)
            if f.get("hint") == "interest" and (q := _text(f.get("question")))
        ),
        "",
    ) or next(  # else an answer the interviewer visibly liked
        (
            q
            for item in _items(answers, QuestionId.QUESTIONS)
            if (q := _text(item.get("question")))
            and q != _text(answers.get(QuestionId.ANSWER_TO_IMPROVE))
            and _went_well(_text(item.get("reaction")), flow)
        ),
        "",
    )
    return _NEGOTIATION.render(
        **_addressed(answers, sender),
        interest=voice.as_question(
            voice.written_out(voice.first_clause(interest, QUESTION_WORDS), _shorthand(flow))
        )
        if interest
        else "",
        target=_text(answers.get(QuestionId.OFFER_TARGET)),
    ).strip()


def _addressed(answers: dict[str, Any], sender: str | None) -> dict[str, str]:
    """What every short letter names: who it greets, the role, the company, who signs it."""
    return {
        "name": _first_name_or_team(answers),
        "role": _text(answers.get(QuestionId.ROLE)) or "open",
        "company": voice.capitalised(_text(answers.get(QuestionId.COMPANY))) or "your organisation",
        "sender": _text(sender) or "[Your name]",
    }


def second_thank_you(answers: dict[str, Any], *, sender: str | None, flow: Flow | None = None) -> str:
    """A short thank-you after a second interview, to the person they met first."""
    flow = flow or load_flow()
    interviewers = _people(answers) or [{"name": "Hiring Team", "email": None, "greeting": ""}]
    topics = _per_person(answers, QuestionId.LETTER_TOPIC)
    topic = _topic_for(0, topics, interviewers, flow, _shorthand(flow)) if topics else ""
    return _SECOND_THANKS.render(
        **_addressed(answers, sender),
        topic=topic,
    ).strip()


def follow_up_letter(answers: dict[str, Any], *, sender: str | None, decided: str | None) -> str:
    """A short, polite note when the day they hoped to decide has passed without news."""
    return _FOLLOW_UP.render(
        **_addressed(answers, sender),
        decided=decided,
    ).strip()


def feedback_request(answers: dict[str, Any], *, sender: str | None, flow: Flow | None = None) -> str:
    """A gracious request for feedback, warm with the one thing they liked, written to the reader."""
    flow = flow or load_flow()
    liked = voice.written_out(
        _text(answers.get(QuestionId.REJECTION_LIKED)) or "meeting the team", _shorthand(flow)
    )
    liked = voice.lowered(voice.to_the_reader(voice.first_clause(liked, 25))).rstrip(".!")
    return _FEEDBACK_REQUEST.render(
        **{**_addressed(answers, sender), "role": _text(answers.get(QuestionId.ROLE))},
        liked=liked,
    ).strip()
