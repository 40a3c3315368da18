"""When to send the thank-you: a short, honest piece of advice for the moment it is asked.

Email: best two to four hours after the interview and within 24 hours; never suggest the night.
Post: as soon as possible, since delivery takes days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

BEST_FROM = timedelta(hours=2)
BEST_UNTIL = timedelta(hours=4)
DEADLINE = timedelta(hours=24)
DAY_STARTS, DAY_ENDS = time(8, 0), time(21, 0)


@dataclass(frozen=True)
class Advice:
    """Which message to show (a key of the content's [messages]) and the moments it names."""

    key: str
    moment: datetime | None = None
    deadline: datetime | None = None


def _waking(moment: datetime, tz: ZoneInfo) -> datetime:
    """`moment`, or the next 08:00 local when it falls in the night."""
    local = moment.astimezone(tz)
    if DAY_STARTS <= local.time() < DAY_ENDS:
        return moment
    day = local.date() if local.time() < DAY_STARTS else local.date() + timedelta(days=1)
    return datetime.combine(day, DAY_STARTS, tzinfo=tz)


def email_advice(*, interview_at: datetime, now: datetime, tz: ZoneInfo) -> Advice:
    deadline = interview_at + DEADLINE
    if now >= deadline:
        return Advice("timing_email_late")
    best = _waking(max(interview_at + BEST_FROM, now), tz)
    if now >= interview_at + BEST_FROM and _waking(now, tz) == now:
        return Advice("timing_email_now", deadline=deadline)
    if best >= deadline:  # the best hours fall in the night before the deadline
        return Advice("timing_email_now", deadline=deadline)
    return Advice("timing_email_later", moment=best, deadline=deadline)


def post_advice(*, decision: date | None) -> Advice:
    return Advice("timing_post_decision" if decision else "timing_post")
