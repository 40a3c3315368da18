"""Natural dates and times ("tomorrow 2pm", "next Friday") in a person's own time zone."""

from __future__ import annotations

import contextlib
import os
from datetime import UTC, date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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


def parse_when(text: str, *, now: datetime, tz: ZoneInfo, prefer: Prefer) -> datetime | None:
    """The moment `text` names, as an aware UTC datetime, or None when it names none.

    `now` anchors relative words, so the result depends only on the arguments.
    """
    local_now = now.astimezone(tz).replace(tzinfo=None)
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
    return parsed.astimezone(UTC)


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


def show_moment(moment: datetime, tz: ZoneInfo) -> str:
    """A moment as a person reads it in their zone: 'Thu 26 Nov, 20:00'."""
    local = moment.astimezone(tz)
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"


def show_day(day: date) -> str:
    """A day as a person reads it: 'Fri 4 Dec'."""
    return f"{day:%a} {day.day} {day:%b}"
