"""Natural dates and times ("tomorrow 2pm", "next Friday") in a person's own time zone."""

from __future__ import annotations

import contextlib
import os
import re
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import dateparser

Prefer = Literal["past", "future"]


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


def _rewrite(text: str, local_now: datetime) -> str:
    """Phrases people use for "when they'll decide" that dateparser does not read, in words it does."""
    today = local_now.date()
    friday = today + timedelta(days=(4 - today.weekday()) % 7)
    if text in ("end of the week", "end of this week", "by the end of the week", "this week"):
        return friday.isoformat()
    if text in ("end of next week", "by the end of next week", "next week sometime"):
        return (friday + timedelta(days=7)).isoformat()
    if match := _WITHIN.match(text):
        return (today + timedelta(days=_FEW[match.group(1)])).isoformat()
    if match := _WITHIN_SPAN.match(text):
        return f"in {match.group(1)} {match.group(2)}"
    if text in ("within a week", "within the week"):
        return "in 1 week"
    if match := _PART_OF_MONTH.match(text):
        return f"{_PART_DAYS[match.group(1)]} {match.group(2)}"
    return text


# Two days inside the range a datetime can hold, so that showing them in any zone still works.
_EDGE_LATE = datetime.max.replace(tzinfo=UTC) - timedelta(days=2)
_EDGE_EARLY = datetime.min.replace(tzinfo=UTC) + timedelta(days=2)


def parse_when(text: str, *, now: datetime, tz: ZoneInfo, prefer: Prefer) -> datetime | None:
    """The moment `text` names, as an aware UTC datetime, or None when it names none.

    `now` anchors relative words, so the result depends only on the arguments.
    """
    local_now = now.astimezone(tz).replace(tzinfo=None)
    text = " ".join(text.casefold().split())
    if _BARE_NUMBER.match(text):  # "1" is a button number or a slip, not the 1st of some month
        return None
    text = _rewrite(text, local_now)
    parsed = dateparser.parse(
        text,
        languages=["en"],
        settings={
            "TIMEZONE": tz.key,
            "RETURN_AS_TIMEZONE_AWARE": True,
            "RELATIVE_BASE": local_now,
            "PREFER_DATES_FROM": prefer,
            "PREFER_DAY_OF_MONTH": "first",
        },
    )
    if parsed is None:
        return None
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # "Dec 31 9999 11pm" west of UTC: past the last moment a datetime holds
        return _EDGE_LATE if parsed.year > 1 else _EDGE_EARLY  # which every caller's limits refuse


def parse_day(text: str, *, now: datetime, tz: ZoneInfo, prefer: Prefer) -> date | None:
    """The calendar day `text` names, in the person's zone."""
    moment = parse_when(text, now=now, tz=tz, prefer=prefer)
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
