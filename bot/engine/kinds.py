"""One class per kind of answer: how it is read from words, which options it offers, how it is shown back
and how it is exported. A new kind is one subclass here, registered in `KINDS`; the content names it as a
question's `kind`, and the engine checks at import that every kind the content uses is registered.

Kinds are pure: what they need of the turn comes in as plain data (`Reading`, `Offering`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from bot import dates
from bot.answers import Parsed, Problem, person, short
from bot.choosing import Ambiguous, choose
from bot.flow import Flow, Option, Question
from bot.inputs import loose
from bot.people import people

BUTTON_LABEL_MAX = 75  # Slack's limit for a button's text; Discord allows 80
MAX_INTERVIEW_AGE = timedelta(days=60)  # older than this reads as a mistyped date
MAX_DECISION_AHEAD = timedelta(days=366)
FUTURE_SLACK = timedelta(minutes=30)  # "now" typed a little before the interview ended
_SCALE = re.compile(r"^([1-5])(?:\s*(?:/|out of|of)\s*5)?$")
_SCALE_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_ANSWER_THEN_DETAIL = re.compile(
    r"(?P<answer>[^,;:.!?\n—–]{1,30}?)\s*(?:[,;:.!?—–]+|\s-\s|\s+but\s+|\s+because\s+)\s*(?P<detail>\S.*)",
    re.DOTALL | re.IGNORECASE,
)
# "the staffing one", "that one": pointing at an option, not own words ("the one about my weekend
# job" describes a question in their own words).
_POINTING = re.compile(r"^(?:the|that|this)\b.{0,30}\bones?$")
_NUMBER_LIST = re.compile(r"^\s*\d+(\s*(,|and|&|\+)\s*\d+)+\s*$")


@dataclass(frozen=True)
class Reading:
    """What reading an answer may need besides the words: the options offered, and the moment."""

    options: list[Option]
    words: Mapping[str, tuple[str, ...]]  # the content's [words]: yes, no, now, hedges, ordinals…
    now: datetime
    tz: ZoneInfo
    order: str | None = None  # "DMY" or "MDY" when the person chose one (`date order`)


@dataclass(frozen=True)
class Offering:
    """What choosing the options to offer may need: the content's own, and a little of the turn."""

    declared: list[Option]  # the question's options (and the person's questions, where it picks one)
    flow: Flow
    display_name: str | None
    item: int | None  # which interviewer or list item is being asked about, if any
    letter_names: Callable[[], list[str]]  # whom the drafted letters go to (drafted only when asked)


def said_nothing(said: str, skip_words: tuple[str, ...]) -> bool:
    """Whether an answer is one of the question's ways of saying nothing, or any mix of their words:
    "nah all good", "not really sure"."""
    if said in skip_words:
        return True
    words = {w for phrase in skip_words for w in phrase.split()}
    return bool(said) and set(said.split()) <= words


class Kind:
    """A free-text answer; the base of every kind."""

    name: ClassVar[str] = "text"
    stores_option: ClassVar[bool] = False  # a click stores the option's value (else it reads as typed words)
    echoes: ClassVar[bool] = False  # say back how the words were read ("Noted: Thu 26 Nov, 14:00")
    editable: ClassVar[bool] = True  # offered by `edit`
    exported: ClassVar[bool] = True  # written into `export` with the other answers

    def parse(self, q: Question, text: str, ctx: Reading) -> Parsed | Problem:
        if q.needs_words and not any(ch.isalnum() for ch in text):
            return Problem("no_words")
        if said_nothing(loose(text), q.skip_words):  # "idk" where the question says what that means
            return Parsed(None)
        return Parsed(text)

    def options(self, q: Question, ctx: Offering) -> list[Option]:
        if q.suggest_display_name and ctx.display_name:
            return [Option(ctx.display_name, short(ctx.display_name, BUTTON_LABEL_MAX))]
        if q.per_interviewer and ctx.item:
            return [Option("same", ctx.flow.label("same_topic"), ctx.flow.words["same"])]
        return ctx.declared

    def show(self, q: Question, value: Any, flow: Flow, tz: ZoneInfo) -> str:
        """The answer on one short line, for "currently: …" and `edit`."""
        for option in q.options:
            if option.value == value:
                return option.label
        return f"“{short(str(value), 80)}”"

    def export(self, q: Question, value: Any, flow: Flow, tz: ZoneInfo) -> str | list[str]:
        """The answer in full, for `export`: one value, or one line per item."""
        return str(value)


class PersonKind(Kind):
    """Someone's name and optional email ("Dana Lee dana@acme.com")."""

    name = "person"

    def parse(self, q: Question, text: str, ctx: Reading) -> Parsed | Problem:
        read = super().parse(q, text, ctx)
        if not isinstance(read, Parsed):
            return read
        named = people(text, ctx.words) or [person(text)]
        return Parsed(named if len(named) > 1 else named[0])


class ListKind(Kind):
    """Items asked field by field until "done"; the fields have kinds of their own."""

    name = "list"

    def show(self, q: Question, value: Any, flow: Flow, tz: ZoneInfo) -> str:
        items = value if isinstance(value, list) else []
        first = q.fields[0].id
        return short("; ".join(str(i.get(first, "")) for i in items) or flow.label("none_value"), 80)

    def export(self, q: Question, value: Any, flow: Flow, tz: ZoneInfo) -> str | list[str]:
        items = value if isinstance(value, list) else []
        lines = [" · ".join(str(v) for v in item.values() if v) for item in items if isinstance(item, dict)]
        return [line for line in lines if line] or [flow.label("none_value")]


class ChoiceKind(Kind):
    """One of the content's options, by number, label or alias; free words where `other_allowed`."""

    name = "choice"
    stores_option = True

    def parse(self, q: Question, text: str, ctx: Reading) -> Parsed | Problem:
        # An option that means yes or no answers to every way of saying so ("kinda", "not really").
        options = [
            replace(o, aliases=(*o.aliases, *ctx.words.get(o.value, ()))) if o.value in ("yes", "no") else o
            for o in ctx.options
        ]
        chosen = choose(options, text, ctx.words)
        if isinstance(chosen, Ambiguous):
            return Problem("which_option", {"first": chosen.first.label, "second": chosen.second.label})
        if chosen is not None:
            return Parsed(chosen.value, chosen)
        # "not really, I wore a full suit": the answer first, then a detail worth keeping.
        told = None if _NUMBER_LIST.match(text) else _ANSWER_THEN_DETAIL.match(text.strip())
        if told and isinstance(first := choose(options, told["answer"], ctx.words), Option):
            return Parsed(first.value, first, detail=told["detail"].strip())
        return self.unmatched(q, text, ctx)

    def unmatched(self, q: Question, text: str, ctx: Reading) -> Parsed | Problem:
        if q.options_from and _NUMBER_LIST.match(text):
            return Problem("one_at_a_time")
        if loose(text).isdecimal():  # a number that is no option's: a slip, not an answer
            return Problem("bad_choice")
        said = loose(text)
        if q.options_from and _POINTING.match(said):
            return Problem("which_not_found", {"text": short(text, 60)})
        if q.other_allowed and not any(said in ctx.words[w] for w in ("yes", "dont_know", "done")):
            return Parsed(text)  # in their own words; but "yes" or "idk" answers nothing here
        return Problem("bad_choice")

    def export(self, q: Question, value: Any, flow: Flow, tz: ZoneInfo) -> str | list[str]:
        return self.show(q, value, flow, tz).strip("“”")


class YesNoKind(ChoiceKind):
    name = "yesno"

    def options(self, q: Question, ctx: Offering) -> list[Option]:
        words, label = ctx.flow.words, ctx.flow.label
        return [Option("yes", label("yes"), words["yes"]), Option("no", label("no"), words["no"])]

    def unmatched(self, q: Question, text: str, ctx: Reading) -> Parsed | Problem:
        return Problem("bad_yesno")

    def show(self, q: Question, value: Any, flow: Flow, tz: ZoneInfo) -> str:
        return flow.label("yes" if value == "yes" else "no")


class ScaleKind(Kind):
    """1 to 5, as a digit, "4/5", "4 out of 5" or a word."""

    name = "scale"

    def parse(self, q: Question, text: str, ctx: Reading) -> Parsed | Problem:
        word = loose(text)
        match = _SCALE.match(word)
        number = int(match.group(1)) if match else _SCALE_WORDS.get(word)
        return Problem("bad_scale") if number is None else Parsed(number)

    def options(self, q: Question, ctx: Offering) -> list[Option]:
        return [Option(str(n), str(n)) for n in range(1, 6)]

    def show(self, q: Question, value: Any, flow: Flow, tz: ZoneInfo) -> str:
        return flow.label("scale_value", value=value)

    def export(self, q: Question, value: Any, flow: Flow, tz: ZoneInfo) -> str | list[str]:
        return self.show(q, value, flow, tz)


class DateTimeKind(Kind):
    """When an interview took place (in the past, not long ago), or will take place (`prefer = "future"`)."""

    name = "datetime"
    echoes = True

    def parse(self, q: Question, text: str, ctx: Reading) -> Parsed | Problem:
        ahead, now = q.prefer == "future", ctx.now
        if loose(text) in ctx.words.get("now", ()) and not ahead:
            return Parsed(now.isoformat())
        hour = text.strip()
        # "10", asked when: an hour; but "1" while one option shows is that button's number, or a slip.
        if re.fullmatch(r"\d{1,2}", hour) and len(ctx.options) < int(hour) <= 23:
            text = f"at {hour}"
        moment = dates.parse_when(text, now=now, tz=ctx.tz, prefer=q.prefer, order=ctx.order)
        shown = short(text, 60)
        if moment is not None and not ahead:
            moment = _day_alone_in_the_morning(moment, text, ctx.tz)
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
            return Problem(
                "date_too_old", {"text": shown, "when": dates.show_moment(moment, ctx.tz, year=True)}
            )
        return Parsed(moment.isoformat())

    def options(self, q: Question, ctx: Offering) -> list[Option]:
        return [Option(s, s) for s in q.suggestions]

    def show(self, q: Question, value: Any, flow: Flow, tz: ZoneInfo) -> str:
        moment = dates.stored_moment(value)
        return dates.show_moment(moment, tz) if moment else super().show(q, value, flow, tz)

    def export(self, q: Question, value: Any, flow: Flow, tz: ZoneInfo) -> str | list[str]:
        return self.show(q, value, flow, tz).strip("“”")


def _day_alone_in_the_morning(moment: datetime, text: str, tz: ZoneInfo) -> datetime:
    """ "last Tuesday" is a day, not its midnight: an interview on a day alone is noted at 09:00."""
    local = moment.astimezone(tz)
    if local.time() != time(0, 0) or re.search(r"\d|midnight", text, re.IGNORECASE):
        return moment
    return datetime.combine(local.date(), time(9, 0), tzinfo=tz).astimezone(moment.tzinfo)


class DateKind(DateTimeKind):
    """A day still to come, such as when a decision is expected; "they didn't say" is None."""

    name = "date"

    def parse(self, q: Question, text: str, ctx: Reading) -> Parsed | Problem:
        said = loose(text)
        if (
            said in q.skip_words
            or said in ctx.words.get("dont_know", ())
            or said in map(loose, q.suggestions)
        ):
            return Parsed(None)
        day = dates.parse_day(text, now=ctx.now, tz=ctx.tz, prefer=q.prefer, order=ctx.order)
        today = ctx.now.astimezone(ctx.tz).date()
        if day is None:
            return Problem("bad_date", {"text": short(text, 60), "example": "next Friday"})
        if day < today:
            return Problem("date_past_decision")
        if day > today + MAX_DECISION_AHEAD:
            return Problem("date_too_far", {"text": short(text, 60), "example": "Dec 4"})
        return Parsed(day.isoformat())

    def show(self, q: Question, value: Any, flow: Flow, tz: ZoneInfo) -> str:
        day = dates.stored_day(value)
        return dates.show_day(day) if day else Kind.show(self, q, value, flow, tz)


class LettersKind(ChoiceKind):
    """The drafted thank-you letters: sent, later, or edit one of them (exported with the letters)."""

    name = "letters"
    editable = False
    exported = False

    def options(self, q: Question, ctx: Offering) -> list[Option]:
        names = ctx.letter_names()
        edits = [
            Option(
                f"edit:{i}",
                short(q.edit_label.format(name=name), BUTTON_LABEL_MAX),
                q.edit_aliases if len(names) == 1 else (),
            )
            for i, name in enumerate(names)
        ]
        return [ctx.declared[0], *edits, *ctx.declared[1:]]


# Every kind the content may name, by name.
KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(),
        PersonKind(),
        ListKind(),
        ChoiceKind(),
        YesNoKind(),
        ScaleKind(),
        DateTimeKind(),
        DateKind(),
        LettersKind(),
    )
}


def kind_of(q: Question) -> Kind:
    return KINDS[q.kind]


def parse_answer(
    question: Question,
    text: str,
    *,
    options: list[Option],
    words: Mapping[str, tuple[str, ...]],
    now: datetime,
    tz: ZoneInfo,
    order: str | None = None,
) -> Parsed | Problem:
    """Read `text` as an answer to `question` (or to the list field being asked)."""
    return kind_of(question).parse(question, text, Reading(options, words, now, tz, order))
