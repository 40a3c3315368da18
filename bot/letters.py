"""Texts drafted from a person's own answers: thank-you letters and the step-2 summary (Jinja2)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined

_env = Environment(
    loader=PackageLoader("bot", "templates"),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
    autoescape=False,  # plain text for chat; adapters escape for their platform
)

# Loaded once at import, so drafting a letter during a turn reads no file.
_THANK_YOU = _env.get_template("thank_you.txt.j2")
_SUMMARY = _env.get_template("summary.txt.j2")
_PREP_SHEET = _env.get_template("prep_sheet.txt.j2")
_NEGOTIATION = _env.get_template("negotiation.txt.j2")
_FEEDBACK_REQUEST = _env.get_template("feedback_request.txt.j2")
_MONEY = re.compile(r"(\d[\d,.' ]*)\s*(k|K|thousand)?")

PRACTICE = (
    "Tell me about yourself, in two minutes.",
    "Why this role, and why now?",
    "Walk me through a result you are proud of: the situation, what you did, the outcome.",
    "What would you do in your first 90 days?",
    "What questions do you have for us?",
)

# Word caps keep every letter within 100-180 words whatever the person typed.
TOPIC_WORDS = 20
CLARIFY_WORDS = 25
QUESTION_WORDS = 10


@dataclass(frozen=True)
class Letter:
    to_name: str
    to_email: str | None
    subject: str | None  # None for a letter sent by post
    body: str


def _words(text: str, limit: int) -> str:
    """At most `limit` words of `text`, marked with an ellipsis when cut."""
    words = text.split()
    return " ".join(words) if len(words) <= limit else " ".join(words[:limit]) + "…"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in ".!?…" else text + "."


def _topic(text: str) -> str:
    text = _words(text.strip().rstrip(".!?"), TOPIC_WORDS)
    return text[:1].lower() + text[1:] if text[:2].istitle() and not text[:2].isupper() else text


def thank_you_letters(answers: dict[str, Any], *, sender: str | None, tz: ZoneInfo) -> list[Letter]:
    """One letter per interviewer (or one to the hiring team), with the person's own edits kept."""
    interviewers = answers.get("interviewers") or [{"name": "Hiring Team", "email": None}]
    edits: dict[str, str] = answers.get("letter_edit") or {}
    topics: dict[str, str] = answers.get("letter_topic") or {}
    by_post = answers.get("thank_you_by") == "post"
    interview_at = datetime.fromisoformat(answers["interview_at"])
    improve = answers.get("answer_to_improve")
    clarification = answers.get("improve_how") if improve and improve != "none" else None
    role = answers.get("role") or "open"
    subject = f"Thank you: {role} interview"
    letters = []
    for index, person in enumerate(interviewers):
        body = edits.get(str(index)) or _THANK_YOU.render(
            name=person["name"],
            weekday=f"{interview_at.astimezone(tz):%A}",
            role=role,
            company=answers.get("company") or "your company",
            topic=_topic(topics.get(str(index)) or topics.get("0") or "the role and the team"),
            clarification=_sentence(_words(clarification, CLARIFY_WORDS)) if clarification else None,
            clarify_question=_words(str(improve), QUESTION_WORDS) if clarification else "",
            sender=sender or "[Your name]",
        )
        email = None if by_post else person.get("email")
        letters.append(Letter(person["name"], email, None if by_post else subject, body.strip()))
    return letters


def debrief_summary(answers: dict[str, Any], *, title: str) -> str:
    """The end-of-step-2 "do again / improve next time" card, built from the assessment."""
    keep: list[dict[str, Any]] = []
    improve: list[dict[str, Any]] = []
    rating = answers.get("happy_with_answers")
    to_improve = answers.get("answer_to_improve")
    if answers.get("positives"):
        keep.append({"kind": "own", "text": answers["positives"]})
    for item in answers.get("questions") or []:
        if item.get("reaction") and item.get("question") and to_improve != item["question"]:
            keep.append({**item, "kind": "landed", "question": _words(item["question"], QUESTION_WORDS)})
            break
    if isinstance(rating, int) and rating >= 4:
        keep.append({"kind": "rated_high", "rating": rating})
    if answers.get("interviewer_satisfied") == "yes":
        keep.append({"kind": "satisfied"})
    follow_ups = answers.get("follow_ups") or []
    keep += [{"kind": "interest", "question": _words(f["question"], QUESTION_WORDS)}
             for f in follow_ups if f.get("hint") == "interest" and f.get("question")]  # fmt: skip
    if to_improve not in (None, "none"):
        improve.append({"kind": "better_answer", "question": _words(to_improve, QUESTION_WORDS),
                        "how": answers.get("improve_how")})  # fmt: skip
    if isinstance(rating, int) and rating <= 3:
        improve.append({"kind": "rated_low", "rating": rating})
    if answers.get("interviewer_satisfied") == "no":
        improve.append({"kind": "unconvinced"})
    improve += [{"kind": "concern", "question": _words(f["question"], QUESTION_WORDS)}
                for f in follow_ups if f.get("hint") == "concern" and f.get("question")]  # fmt: skip
    if answers.get("could_be_better"):
        improve.append({"kind": "own", "text": answers["could_be_better"]})
    if answers.get("dress_issue") or answers.get("dressed_ok") == "no":
        improve.append({"kind": "dress", "text": answers.get("dress_issue")})
    return _SUMMARY.render(
        title=title,
        company=answers.get("company", ""),
        role=answers.get("role", ""),
        keep=keep,
        improve=improve,
    ).strip()


def _first_name_or_team(answers: dict[str, Any]) -> str:
    people = answers.get("interviewers") or []
    return people[0]["name"] if people else "Hiring Team"


def prep_sheet(answers: dict[str, Any], *, when: str | None) -> str:
    """The second-interview prep sheet, built from the first interview's notes and assessment."""
    to_improve = answers.get("answer_to_improve")
    concerns = [f["question"] for f in answers.get("follow_ups") or [] if f.get("hint") == "concern"]
    if answers.get("recurring"):
        concerns.append(answers["recurring"])
    return _PREP_SHEET.render(
        company=answers.get("company", ""),
        role=answers.get("role", ""),
        when=when,
        focus=answers.get("second_focus"),
        questions=[q for q in answers.get("questions") or [] if q.get("question")],
        concerns=concerns,
        better=to_improve if to_improve not in (None, "none") else None,
        how=answers.get("improve_how"),
        keep=answers.get("positives"),
        practice=PRACTICE,
    ).strip()


def amount(text: str | None) -> float | None:
    """The first sum of money in `text`: "62,000", "62k", "€62.5k a year" -> 62000.0."""
    match = _MONEY.search(text or "")
    if not match:
        return None
    digits = match.group(1).strip().replace(",", "").replace("'", "").replace(" ", "")
    try:
        value = float(digits)
    except ValueError:
        return None
    return value * 1000 if match.group(2) else value


def negotiation_letter(answers: dict[str, Any], *, sender: str | None) -> str:
    return _NEGOTIATION.render(
        name=_first_name_or_team(answers),
        role=answers.get("role") or "the",
        company=answers.get("company") or "your company",
        target=answers.get("offer_target"),
        sender=sender or "[Your name]",
    ).strip()


def feedback_request(answers: dict[str, Any], *, sender: str | None) -> str:
    liked = (answers.get("rejection_liked") or "meeting the team").strip().rstrip(".")
    return _FEEDBACK_REQUEST.render(
        name=_first_name_or_team(answers),
        role=answers.get("role") or "open",
        company=answers.get("company") or "your company",
        liked=liked[:1].lower() + liked[1:] if liked[:2].istitle() else liked,
        sender=sender or "[Your name]",
    ).strip()
