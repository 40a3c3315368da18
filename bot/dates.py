"""Natural dates and times ("tomorrow 2pm", "next Friday") in a person's own time zone."""

from __future__ import annotations

import contextlib
import os
import re
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from types import ModuleType
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

Prefer = Literal["past", "future"]


@cache
def _dateparser() -> ModuleType:
    """dateparser, imported the first time a date is read: it is a tenth of a second of every start,
    and the first prompt needs no date (`warm_up` imports it in the background meanwhile)."""
    import dateparser
    import dateparser.search

    return dateparser


def warm_up() -> None:
    """Import the date reader ahead of the first date typed; run it in a background thread."""
    _dateparser()


def zone(name: str | None, fallback: str = "UTC") -> ZoneInfo:
    """The ZoneInfo for `name`, or for `fallback` when the name is missing or unknown."""
    for candidate in (name, fallback, "UTC"):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def local_zone_name() -> str:
    """This machine's IANA zone name (from TZ or /etc/localtime), or "UTC" when it cannot be told."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        target = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    for name in candidates:
        if name and zone(name, fallback="").key == name:
            return name
    return "UTC"


_BARE_NUMBER = re.compile(r"^\d{1,2}$")
_PART_OF_MONTH = re.compile(r"^(early|mid|middle of|late|end of)[ -](\w+)$")
_PART_DAYS = {"early": 5, "mid": 15, "middle of": 15, "late": 25, "end of": 28}
_FEW = {"a few": 3, "a couple of": 2, "a couple": 2, "several": 4}
_WITHIN = re.compile(r"^(?:within|in) (a few|a couple of|a couple|several) days$")
_WITHIN_SPAN = re.compile(r"^within (?:the next )?(\w+) (days?|weeks?)$")


# Times of day as people say them, in words dateparser reads ("half past 2" -> "2:30").
_CLOCK_WORDS = {
    "midday": "12:00",
    "noon": "12:00",
    "lunchtime": "12:30",
    "lunch time": "12:30",
    "end of day": "17:00",
    "end of the day": "17:00",
    "eod": "17:00",
    "close of business": "17:00",
    "cob": "17:00",
}
_PAST_HOUR = re.compile(r"\b(half|quarter) past (\d{1,2})\b")
_TO_HOUR = re.compile(r"\bquarter to (\d{1,2})\b")
# A bare hour after "at", or after a day word: "at 10", "Friday 10", "tomorrow at 9:30".
_AT_HOUR = re.compile(
    r"(?:\bat |(?<=day )|(?<=tomorrow )|(?<=tonight ))"
    r"(\d{1,2})(?::(\d{2}))?\b(?!\s*(?:am|pm|a\.m|p\.m|/|\.\d))"
)
# A time given roughly: "around 10", "abt 3", "10ish", "10-ish" name the hour itself.
_ROUGHLY = re.compile(r"\b(?:at\s+)?(?:around|about|abt|approx\.?|approximately|roughly|circa|~)\s*(?=\d)")
_ISH = re.compile(r"(\d)\s*-?\s*ish\b")
# An hour right after a part of the day: "this morning 10".
_AFTER_PART = re.compile(r"\b(morning|afternoon|evening) (\d{1,2})(?::(\d{2}))?\b(?!\s*(?:am|pm|:))")
# A clock time with no am or pm: "2:30" at an interview is the afternoon.
_CLOCK_TIME = re.compile(r"(?<![\d:/.])(\d{1,2}):(\d{2})\b(?!\s*(?:am|pm|a\.m|p\.m))")
_MONTH_PART = re.compile(r"\b(early|mid|middle of|late|end of)[ -](next month|this month)\b")
_FEW_WEEKS = re.compile(r"\b(?:in )?(a few|a couple of|a couple|several) (days|weeks|months)\b")
EARLIEST_WORK_HOUR = 8  # "at 2" with no am or pm means 2pm: interviews keep working hours


def names_a_time(text: str) -> bool:
    """Whether words name a time of day too ("noon", "this afternoon"), not only a day."""
    said = text.casefold()
    return any(
        re.search(rf"\b{words}\b", said)
        for words in (*_CLOCK_WORDS, "morning", "afternoon", "evening", "tonight")
    )


def _clock(hour: int, minute: int = 0, *, morning: bool = False) -> str:
    """ "at 2" means 14:00, "at 10" means 10:00: an hour before the working day reads as the afternoon,
    unless the words say it was the morning ("this morning at 7")."""
    if 1 <= hour < EARLIEST_WORK_HOUR and not morning:
        hour += 12
    return f"{hour}:{minute:02d}"


def _times_of_day(text: str) -> str:
    for words, clock in _CLOCK_WORDS.items():
        text = re.sub(rf"\b{words}\b", clock, text)
    morning = "morning" in text
    text = re.sub(r"^(\d{1,2})\s*-?\s*ish\b", r"at \1", text)  # "10ish" first is an hour, never the 10th
    text = _ISH.sub(r"\1", _ROUGHLY.sub("at ", text))
    text = _AFTER_PART.sub(lambda m: f"{m[1]} at {m[2]}" + (f":{m[3]}" if m[3] else ""), text)
    text = _PAST_HOUR.sub(lambda m: _clock(int(m[2]), 30 if m[1] == "half" else 15, morning=morning), text)
    text = _TO_HOUR.sub(lambda m: _clock(int(m[1]) - 1, 45, morning=morning), text)
    text = _AT_HOUR.sub(
        lambda m: _clock(int(m[1]), int(m[2] or 0), morning=morning) if int(m[1]) <= 23 else m[0], text
    )
    return _CLOCK_TIME.sub(
        lambda m: _clock(int(m[1]), int(m[2]), morning=morning) if int(m[2]) < 60 else m[0], text
    )


def _rewrite(text: str, local_now: datetime) -> str:
    """Phrases people use for "when they'll decide" that dateparser does not read, in words it does."""
    text = _times_of_day(text)
    today = local_now.date()
    if match := _MONTH_PART.fullmatch(text):
        month = today.replace(day=1) + (timedelta(days=32) if match[2] == "next month" else timedelta(0))
        return month.replace(day=_PART_DAYS[match[1]]).isoformat()
    if match := _FEW_WEEKS.fullmatch(text):
        return f"in {_FEW[match[1]]} {match[2]}"
    # Weeks run Monday to Sunday: on a Sunday, "next week" starts tomorrow, and "this week" is over,
    # so its end means the Friday coming.
    this_friday = today - timedelta(days=today.weekday()) + timedelta(days=4)
    next_friday = this_friday + timedelta(days=7)
    if text in ("end of the week", "end of this week", "by the end of the week", "this week"):
        return (this_friday if today <= this_friday else next_friday).isoformat()
    if text in ("end of next week", "by the end of next week", "next week sometime"):
        return next_friday.isoformat()
    if match := _WITHIN.match(text):
        return (today + timedelta(days=_FEW[match.group(1)])).isoformat()
    if match := _WITHIN_SPAN.match(text):
        return f"in {match.group(1)} {match.group(2)}"
    if text in ("within a week", "within the week"):
        return "in 1 week"
    if match := _PART_OF_MONTH.match(text):
        return f"{_PART_DAYS[match.group(1)]} {match.group(2)}"
    return text


# What _rewrite reads that dateparser's own search would not find inside a sentence, longest first.
_KNOWN_PHRASES = (
    "by the end of next week", "end of next week", "next week sometime", "by the end of the week",
    "end of this week", "end of the week", "early next month", "mid next month", "middle of next month",
    "late next month", "end of next month", "in a couple of weeks", "in a few weeks", "a couple of weeks",
    "a few weeks", "in a couple of days", "in a few days", "within a few days", "within a week",
)  # fmt: skip

# Two days inside the range a datetime can hold, so that showing them in any zone still works.
_EDGE_LATE = datetime.max.replace(tzinfo=UTC) - timedelta(days=2)
_EDGE_EARLY = datetime.min.replace(tzinfo=UTC) + timedelta(days=2)


def parse_when(
    text: str, *, now: datetime, tz: ZoneInfo, prefer: Prefer, order: str | None = None
) -> datetime | None:
    """The moment `text` names, as an aware UTC datetime, or None when it names none.

    `now` anchors relative words, so the result depends only on the arguments.
    """
    local_now = now.astimezone(tz).replace(tzinfo=None)
    text = " ".join(text.casefold().split())
    if _BARE_NUMBER.match(text):  # "1" is a button number or a slip, not the 1st of some month
        return None
    settings: dict[str, object] = {
        "TIMEZONE": tz.key,
        "RETURN_AS_TIMEZONE_AWARE": True,
        "RELATIVE_BASE": local_now,
        "PREFER_DATES_FROM": prefer,
        "PREFER_DAY_OF_MONTH": "first",
        "DATE_ORDER": order or date_order(tz),
    }
    parsed = _dateparser().parse(_rewrite(text, local_now), languages=["en"], settings=settings)
    if parsed is None:
        parsed = _in_a_sentence(text, local_now, settings)
    if parsed is None:
        return None
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # "Dec 31 9999 11pm" west of UTC: past the last moment a datetime holds
        return _EDGE_LATE if parsed.year > 1 else _EDGE_EARLY  # which every caller's limits refuse


# Where a short date like 4/12 is month first; everywhere else it is day first.
_MONTH_FIRST_ZONES = ("America/", "US/", "Pacific/Honolulu", "Asia/Manila", "Canada/")
_DAY_FIRST_IN_AMERICA = (
    "America/Sao_Paulo", "America/Argentina", "America/Bogota", "America/Lima",
    "America/Santiago", "America/Mexico_City", "America/Caracas", "America/Montevideo",
)  # fmt: skip


def date_order(tz: ZoneInfo) -> str:
    """How the person's part of the world writes 4/12: "MDY" (the US, Canada, the Philippines) or "DMY"."""
    key = tz.key
    if key.startswith(_DAY_FIRST_IN_AMERICA):
        return "DMY"
    return "MDY" if key.startswith(_MONTH_FIRST_ZONES) else "DMY"


_SHORT_DATE = re.compile(r"(?<![\d/.-])(\d{1,2})[/.](\d{1,2})(?![\d/.])")


def reads_both_ways(text: str) -> str | None:
    """A short date that means two days, day first or month first ("4/12"), as typed; else None."""
    found = _SHORT_DATE.search(text)
    if found is None:
        return None
    first, second = int(found.group(1)), int(found.group(2))
    return found.group(0) if 1 <= first <= 12 and 1 <= second <= 12 and first != second else None


def _in_a_sentence(text: str, local_now: datetime, settings: dict[str, object]) -> datetime | None:
    """A date inside a sentence ("Tom said they're hoping to decide by end of next week"): the first
    phrase that names one, the rest ignored; a bare number alone is never taken for a date."""
    for phrase in _KNOWN_PHRASES:
        if re.search(rf"\b{phrase}\b", text):
            return _dateparser().parse(_rewrite(phrase, local_now), languages=["en"], settings=settings)
    found = _dateparser().search.search_dates(_times_of_day(text), languages=["en"], settings=settings) or []
    for said, moment in found:
        if not _BARE_NUMBER.match(said.strip()) and not _NOT_A_DAY.match(said.strip()):
            return moment
    return None


# What dateparser's search takes for a moment but people mean otherwise: "a second round", "the 2nd".
_NOT_A_DAY = re.compile(
    r"^(?:an?|one|the|my)?\s*(?:second|sec|minute|min|moment|2nd|3rd|third)s?$", re.IGNORECASE
)


def parse_day(
    text: str, *, now: datetime, tz: ZoneInfo, prefer: Prefer, order: str | None = None
) -> date | None:
    """The calendar day `text` names, in the person's zone."""
    moment = parse_when(text, now=now, tz=tz, prefer=prefer, order=order)
    return None if moment is None else moment.astimezone(tz).date()


def add_business_days(day: date, count: int) -> date:
    """`day` moved forward by `count` weekdays (Saturdays and Sundays skipped)."""
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def stored_moment(value: object) -> datetime | None:
    """A moment the engine stored (ISO text), or None when it is missing, empty or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def stored_day(value: object) -> date | None:
    """A day the engine stored ("2026-12-04", or a moment's ISO text), or None."""
    moment = stored_moment(value)
    return moment.date() if moment is not None else None


def show_moment(moment: datetime, tz: ZoneInfo, *, year: bool = False) -> str:
    """A moment as a person reads it in their zone: 'Thu 26 Nov, 20:00' (or 'Thu 26 Nov 2026, 20:00')."""
    local = moment.astimezone(tz)
    shown_year = f" {local.year}" if year else ""
    return f"{local:%a} {local.day} {local:%b}{shown_year}, {local:%H:%M}"


def show_day(day: date) -> str:
    """A day as a person reads it: 'Fri 4 Dec'."""
    return f"{day:%a} {day.day} {day:%b}"


_DURATION = re.compile(
    r"^(?:for |in )?(?:(?P<n>\d+|an?|one|two|three)\s*)?"
    r"(?P<unit>m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?)$"
)
FAR_AHEAD = timedelta(days=100 * 366)  # stands for a duration too long to compute
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_SMALL = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3}


def parse_later(text: str, *, now: datetime, tz: ZoneInfo, morning: time = time(9, 0)) -> datetime | None:
    """A moment ahead from "3h", "2 days", "a week", "tomorrow", "until Monday", "Friday 9am"."""
    words = " ".join(text.casefold().split()).removeprefix("until ").removeprefix("till ").removeprefix("to ")
    if match := _DURATION.match(words):
        amount = match["n"] or "1"
        count = int(amount) if amount.isdecimal() else _SMALL[amount]
        try:
            return now + timedelta(**{_UNITS[match["unit"][0]]: count})
        except OverflowError:  # "snooze 99999999 days": far beyond any limit, so say it as that
            return now + FAR_AHEAD
    moment = parse_when(words, now=now, tz=tz, prefer="future")
    if moment is None or moment <= now:
        return None
    if not any(ch.isdigit() for ch in words):
        # "tomorrow", "Monday": a day without a time means its morning, not this minute or midnight
        return datetime.combine(moment.astimezone(tz).date(), morning, tzinfo=tz)
    return moment


@cache
def _zone_names() -> dict[str, str]:
    names = {}
    for key in available_timezones():
        names[key.casefold()] = key
        city = key.rsplit("/", 1)[-1].replace("_", " ").casefold()
        names.setdefault(city, key)
    return names


# Abbreviations name a place's clock, daylight saving included ("EST" in July means New York time).
_ABBREVIATIONS = {
    "utc": "UTC", "z": "UTC", "gmt": "Europe/London", "bst": "Europe/London", "wet": "Europe/Lisbon",
    "cet": "Europe/Berlin", "cest": "Europe/Berlin", "eet": "Europe/Athens", "eest": "Europe/Athens",
    "est": "America/New_York", "edt": "America/New_York",
    "cst": "America/Chicago", "cdt": "America/Chicago",
    "mst": "America/Denver", "mdt": "America/Denver",
    "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles",
    "ist": "Asia/Kolkata", "jst": "Asia/Tokyo", "aest": "Australia/Sydney", "aedt": "Australia/Sydney",
}  # fmt: skip


def find_zone(text: str) -> str | None:
    """The IANA zone a person means: "Europe/Berlin", "europe/berlin", "Berlin", "new york", "EST"."""
    words = " ".join(text.strip().split()).casefold()
    if words in _ABBREVIATIONS:
        return _ABBREVIATIONS[words]
    name = _zone_names().get(words) or _zone_names().get(words.replace(" ", "_"))
    return name if name and ("/" in name or name == "UTC") else None  # no fixed-offset legacy names


_SPAN = re.compile(
    r"(?P<start>\d{1,2}(?::\d{2})?)\s*(?P<start_half>am|pm)?\s*(?:-|–|—|to|until)\s*"
    r"(?P<end>\d{1,2}(?::\d{2})?)\s*(?P<end_half>am|pm)?"
)


def parse_span(text: str, *, now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime | None] | None:
    """The start (and end) of "tomorrow 3-4pm", "Friday 10:00-11:30", "Dec 3 2pm", ahead of now."""
    words = " ".join(text.casefold().split())
    match = _SPAN.search(words)
    if match is None:
        start = parse_when(words, now=now, tz=tz, prefer="future")
        return (start, None) if start is not None and start >= now - timedelta(minutes=30) else None
    day_words = (words[: match.start()] + words[match.end() :]).strip()
    end_half = match["end_half"] or ""
    end = parse_when(f"{day_words} {match['end']}{end_half}", now=now, tz=tz, prefer="future")
    # "11-12pm" is 11am to noon, "3-4pm" 3pm to 4pm: an unstated half is the one that comes first.
    halves = [match["start_half"]] if match["start_half"] else [end_half, "am" if end_half == "pm" else ""]
    start = None
    for half in halves:
        start = parse_when(f"{day_words} {match['start']}{half}", now=now, tz=tz, prefer="future")
        if start is not None and (end is None or start < end):
            break
    if start is None or start < now - timedelta(minutes=30):
        return None
    return start, end if end is not None and end > start else None
