"""Reading one answer of a given kind from what a person typed: a value, or the problem with it.

Pure functions: the engine decides what to do with a Problem (say it and ask again).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot import dates
from bot.flow import Option, Question
from bot.inputs import loose

_EMAIL = re.compile(r"<?(?:mailto:)?([\w.+'-]+@[\w-]+(?:\.[\w-]+)+)>?")
_TITLE_SEPARATOR = re.compile(r",|\(|\s[-–—]\s|\|")
_SCALE = re.compile(r"^([1-5])(?:\s*(?:/|out of|of)\s*5)?$")
_SCALE_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_NUMBER_LIST = re.compile(r"^\s*\d+(\s*(,|and|&|\+)\s*\d+)+\s*$")
MAX_INTERVIEW_AGE = timedelta(days=60)  # older than this reads as a mistyped date
MAX_DECISION_AHEAD = timedelta(days=366)
FUTURE_SLACK = timedelta(minutes=30)  # "now" typed a little before the interview ended


@dataclass(frozen=True)
class Parsed:
    value: Any
    option: Option | None = None


@dataclass(frozen=True)
class Problem:
    """Why an answer cannot be taken: a message key of the content, with its values."""

    key: str
    values: dict[str, str] = field(default_factory=dict)


def short(text: str, limit: int) -> str:
    """`text` on one line, cut to `limit` characters with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def person(text: str) -> dict[str, str | None]:
    """A name and an optional email from "Dana Lee dana@acme.com" or "Tom O'Brien, head of data".

    A title after a comma, a parenthesis or a dash is left out: letters need only the name.
    """
    match = _EMAIL.search(text)
    email = match.group(1) if match else None
    rest = _EMAIL.sub(" ", text) if match else text
    name = " ".join(_TITLE_SEPARATOR.split(rest, maxsplit=1)[0].split()).strip(" -:;<>\"'")
    if not name and email:
        name = " ".join(part.capitalize() for part in re.split(r"[._-]+", email.split("@")[0]) if part)
    return {"name": name or "your interviewer", "email": email}


def match_option(options: list[Option], text: str) -> Option | None:
    """The option `text` names: by its number in the list, its label, its value or an alias."""
    word = loose(text)
    if word.isdecimal() and 1 <= int(word) <= len(options):
        return options[int(word) - 1]
    for option in options:
        if word in (loose(option.label), loose(option.value)) or word in option.aliases:
            return option
    return None


def parse_answer(
    question: Question,
    text: str,
    *,
    options: list[Option],
    now_words: tuple[str, ...],
    now: datetime,
    tz: ZoneInfo,
) -> Parsed | Problem:
    """Read `text` as an answer to `question` (or to the list field being asked)."""
    kind = question.kind
    if kind in ("choice", "letters", "yesno"):
        return _choice(question, text, options)
    if kind == "scale":
        return _scale(text)
    if kind == "datetime":
        return _moment(question, text, now_words=now_words, now=now, tz=tz)
    if kind == "date":
        return _day(question, text, now=now, tz=tz)
    if question.needs_words and not any(ch.isalnum() for ch in text):
        return Problem("no_words")
    if kind == "person":
        return Parsed(person(text))
    return Parsed(text)


def _choice(question: Question, text: str, options: list[Option]) -> Parsed | Problem:
    option = match_option(options, text)
    if option is not None:
        return Parsed(option.value, option)
    if question.kind == "yesno":
        return Problem("bad_yesno")
    if question.options_from and _NUMBER_LIST.match(text):
        return Problem("one_at_a_time")
    if loose(text).isdecimal():  # a number that is no option's: a slip, not an answer
        return Problem("bad_choice")
    if question.other_allowed:
        return Parsed(text)
    return Problem("bad_choice")


def _scale(text: str) -> Parsed | Problem:
    word = loose(text)
    match = _SCALE.match(word)
    number = int(match.group(1)) if match else _SCALE_WORDS.get(word)
    return Problem("bad_scale") if number is None else Parsed(number)


def _moment(
    question: Question, text: str, *, now_words: tuple[str, ...], now: datetime, tz: ZoneInfo
) -> Parsed | Problem:
    """When an interview took place (in the past, not long ago), or will take place (ahead)."""
    ahead = question.prefer == "future"
    if loose(text) in now_words and not ahead:
        return Parsed(now.isoformat())
    moment = dates.parse_when(text, now=now, tz=tz, prefer=question.prefer)
    shown = short(text, 60)
    if moment is None:
        return Problem("bad_date", {"text": shown, "example": "Tuesday 10am" if ahead else "today 2pm"})
    if ahead:
        if moment < now - FUTURE_SLACK:
            return Problem("date_past_upcoming")
        if moment > now + MAX_DECISION_AHEAD:
            return Problem("date_too_far", {"text": shown, "example": "Tuesday 10am"})
        return Parsed(moment.isoformat())
    if moment > now + FUTURE_SLACK:
        return Problem("date_future_interview")
    if moment < now - MAX_INTERVIEW_AGE:
        return Problem("date_too_old", {"text": shown, "when": dates.show_moment(moment, tz, year=True)})
    return Parsed(moment.isoformat())


def _day(question: Question, text: str, *, now: datetime, tz: ZoneInfo) -> Parsed | Problem:
    """A day still to come, such as when a decision is expected; "they didn't say" is None."""
    if loose(text) in question.skip_words or loose(text) in map(loose, question.suggestions):
        return Parsed(None)
    day = dates.parse_day(text, now=now, tz=tz, prefer=question.prefer)
    today = now.astimezone(tz).date()
    if day is None:
        return Problem("bad_date", {"text": short(text, 60), "example": "next Friday"})
    if day < today:
        return Problem("date_past_decision")
    if day > today + MAX_DECISION_AHEAD:
        return Problem("date_too_far", {"text": short(text, 60), "example": "Dec 4"})
    return Parsed(day.isoformat())
