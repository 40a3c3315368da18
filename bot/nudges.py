"""The nudge policy: which reminders and check-ins an interview wants, and when, in waking hours.

Pure: `planned(interview, ...)` is recomputed after every turn and again just before a nudge is
sent, so a reminder that has become irrelevant (the letter was marked sent) is never delivered.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.dates import add_business_days
from bot.model import Fact, InterviewStatus, News, QuestionId, QuietHours

IN_PROGRESS, DONE = InterviewStatus.IN_PROGRESS, InterviewStatus.DONE
CANCELLED, UPCOMING = InterviewStatus.CANCELLED, InterviewStatus.UPCOMING
OUTCOMES = (News.SECOND, News.OFFER, News.REJECTED)

UNFINISHED_AFTER = timedelta(hours=2)
DEBRIEF_STEPS = 3  # notes, assessment, letter: what "finish your debrief" is about
THANK_YOU = {
    "email": (("thank_you_1", timedelta(hours=3)), ("thank_you_2", timedelta(hours=20))),
    # A letter by post should leave the same day, so its reminders come sooner.
    "post": (("thank_you_1", timedelta(hours=1)), ("thank_you_2", timedelta(hours=6))),
}
THANK_YOU_LAST = timedelta(hours=48)
CHECKIN_AT = time(10, 0)
CHECKIN_REPEAT = timedelta(days=7)
FEEDBACK_AFTER = timedelta(hours=24)
PREP_EVENING, PREP_MORNING = time(18, 0), time(8, 0)
UPCOMING_PREP_BEFORE = timedelta(hours=2)
UPCOMING_DEBRIEF_AFTER = timedelta(minutes=15)


def waking(moment: datetime, tz: ZoneInfo, quiet: QuietHours) -> datetime:
    """`moment`, or the end of the quiet hours that contain it, in the person's zone."""
    local = moment.astimezone(tz)
    if not quiet.is_quiet(local.time().replace(tzinfo=None)):
        return moment
    day = local.date()
    if quiet.start > quiet.end and local.time() >= quiet.start:  # evening: wake up tomorrow
        day += timedelta(days=1)
    return datetime.combine(day, quiet.end, tzinfo=tz)


def before_quiet(moment: datetime, tz: ZoneInfo, quiet: QuietHours) -> datetime:
    """For a moment in the quiet hours, the last waking half hour before they began (20:30)."""
    local = moment.astimezone(tz)
    if not quiet.is_quiet(local.time().replace(tzinfo=None)):
        return moment
    day = local.date()
    if quiet.start > quiet.end and local.time() < quiet.start:  # after midnight: they began last night
        day -= timedelta(days=1)
    return datetime.combine(day, quiet.start, tzinfo=tz) - timedelta(minutes=30)


def _next_quarter(moment: datetime) -> datetime:
    extra = -moment.minute % 15
    return (moment + timedelta(minutes=extra)).replace(second=0, microsecond=0)


def at_local(day: date, clock: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=tz)


def family(kind: str) -> str:
    """Nudges of one family replace each other: only the latest due one is worth sending.

    >>> family("thank_you_2#1"), family("checkin_stop"), family("second_prep_morning")
    ('thank', 'checkin', 'second')
    """
    return kind.split("_")[0].split("#")[0]


def base_kind(kind: str) -> str:
    """ "thank_you_2#1" (a snoozed thank_you_2) -> "thank_you_2"."""
    return kind.split("#")[0]


def _iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _checkins(
    answers: dict[str, Any], *, interview_at: datetime, second_at: datetime | None, tz: ZoneInfo
) -> dict[str, datetime]:
    """ "Any news?" two business days after the stated decision date (else five after the interview
    or the second interview), again a week later, then "shall I stop asking?". A person who says
    "keep asking" starts a new round a week on, with new kinds so earlier rounds stay history."""
    cycle = answers.get(Fact.CHECKIN_CYCLE, 0)
    decision = answers.get(QuestionId.DECISION_EXPECTED)
    kept_from = _iso(answers.get(Fact.CHECKIN_FROM)) if cycle else None
    if kept_from is not None and (second_at is None or kept_from > second_at):
        first = kept_from.astimezone(tz).date() + CHECKIN_REPEAT
    elif second_at is not None:
        first = add_business_days(second_at.astimezone(tz).date(), 5)
    elif decision:
        first = add_business_days(date.fromisoformat(decision), 2)
    else:
        first = add_business_days(interview_at.astimezone(tz).date(), 5)
    start = at_local(first, CHECKIN_AT, tz)
    # New kinds for each round, and for the round after a second interview: earlier ones are history.
    suffix = ("_s" if second_at is not None else "") + (f"_r{cycle}" if cycle else "")
    return {
        f"checkin_1{suffix}": start,
        f"checkin_2{suffix}": start + CHECKIN_REPEAT,
        f"checkin_stop{suffix}": start + 2 * CHECKIN_REPEAT,
    }


def _apply_choices(wanted: dict[str, datetime], cursor: dict[str, Any]) -> None:
    """The person's own changes: reminders they cancelled, and snoozed ones (still relevant) moved."""
    for kind in cursor.get("dropped", []):
        wanted.pop(kind, None)
    for kind, snooze in (cursor.get("snoozed") or {}).items():
        if wanted.pop(kind, None) is not None:
            wanted[f"{kind}#{snooze['n']}"] = datetime.fromisoformat(snooze["due"])


def _upcoming(
    answers: dict[str, Any], *, tz: ZoneInfo, quiet: QuietHours, cursor: dict[str, Any]
) -> dict[str, datetime]:
    """An interview announced beforehand: a short prep two hours before, the debrief 15 minutes after."""
    start = datetime.fromisoformat(answers[Fact.UPCOMING_START])
    end = _iso(answers.get(Fact.UPCOMING_END)) or start + timedelta(hours=1)
    prep = start - UPCOMING_PREP_BEFORE
    if waking(prep, tz, quiet) >= start:  # a 7:00 interview: the prep comes the evening before
        prep = before_quiet(prep, tz, quiet)
    wanted = {"upcoming_prep": prep, "upcoming_debrief": end + UPCOMING_DEBRIEF_AFTER}
    _apply_choices(wanted, cursor)
    return {kind: waking(due, tz, quiet) for kind, due in wanted.items()}


def planned(
    *,
    status: str,
    answers: dict[str, Any],
    cursor: dict[str, Any],
    created_at: datetime,
    tz: ZoneInfo,
    quiet: QuietHours,
    step: int = 1,
) -> dict[str, datetime]:
    """Every nudge this interview wants, by kind, each due in waking hours (UTC datetimes).

    `step` is where the interview stands (1-6): "finish your debrief, notes fade" is about steps 1-3.
    """
    wanted: dict[str, datetime] = {}
    interview_at = _iso(answers.get(QuestionId.INTERVIEW_AT)) or created_at
    news = answers.get(Fact.NEWS)
    if status == CANCELLED:
        return {}
    if status == UPCOMING:
        return _upcoming(answers, tz=tz, quiet=quiet, cursor=cursor)

    touched = _iso(cursor.get("touched_at"))
    unfinished = ""
    if status == IN_PROGRESS and touched is not None and cursor.get("pos") and step <= DEBRIEF_STEPS:
        # On the quarter hour, so that answers given in a row do not move it each time.
        due = _next_quarter(touched + UNFINISHED_AFTER)
        # One a day at most: a new day of silence earns a new reminder, one already sent stays sent.
        unfinished = f"unfinished_{due.astimezone(tz):%Y%m%d}"
        wanted[unfinished] = due

    if answers.get(QuestionId.LETTER_REVIEW) != "sent" and news not in OUTCOMES:
        for kind, after in THANK_YOU["post" if answers.get(QuestionId.THANK_YOU_BY) == "post" else "email"]:
            wanted[kind] = interview_at + after
        wanted["thank_you_last"] = interview_at + THANK_YOU_LAST
        # One message at a time: a thank-you reminder already offers to finish the debrief.
        if unfinished in wanted and any(
            abs(wanted[k] - wanted[unfinished]) <= timedelta(hours=1) for k in wanted if k != unfinished
        ):
            del wanted[unfinished]

    second_at = _iso(answers.get(QuestionId.SECOND_AT))
    waiting = news in (None, "not_yet") or (news == "second" and second_at is not None)
    if status == DONE and waiting and not answers.get(Fact.CHECKINS_STOPPED):
        wanted.update(_checkins(answers, interview_at=interview_at, second_at=second_at, tz=tz))

    if news == "second" and second_at is not None:
        day = second_at.astimezone(tz).date()
        wanted["second_prep_evening"] = at_local(day - timedelta(days=1), PREP_EVENING, tz)
        if second_at.astimezone(tz).time() >= time(9, 30):
            wanted["second_prep_morning"] = at_local(day, PREP_MORNING, tz)
        wanted["second_thanks"] = second_at + SECOND_THANKS_AFTER  # a thank-you draft once it is over

    deadline = answers.get(QuestionId.OFFER_DEADLINE)
    if (
        news == "offer"
        and deadline
        and answers.get(QuestionId.OFFER_DECISION) in (None, "think", "negotiate")
    ):
        day = date.fromisoformat(deadline)
        wanted["offer_deadline_1"] = at_local(day - timedelta(days=2), CHECKIN_AT, tz)
        wanted["offer_deadline_2"] = at_local(day, time(9, 0), tz)

    news_at = _iso(answers.get(Fact.NEWS_AT))
    if news == "rejected" and news_at is not None and not answers.get(Fact.FEEDBACK_REQUESTED):
        wanted["feedback"] = news_at + FEEDBACK_AFTER

    _apply_choices(wanted, cursor)

    return {kind: waking(due, tz, quiet) for kind, due in wanted.items()}


SECOND_THANKS_AFTER = timedelta(hours=3)
STALE_AFTER = timedelta(days=7)  # any nudge this overdue (a long outage) is history, not news


def expired(kind: str, *, answers: dict[str, Any], due: datetime, now: datetime, tz: ZoneInfo) -> bool:
    """Whether a due nudge has lost its point by `now`: prep for a meeting that has begun, a
    deadline that has passed, or anything a week overdue. Checked just before sending."""
    if now - due > STALE_AFTER:
        return True
    base = base_kind(kind)
    moments = {
        "second_prep": _iso(answers.get(QuestionId.SECOND_AT)),
        "upcoming_prep": _iso(answers.get(Fact.UPCOMING_START)),
    }
    for prefix, moment in moments.items():
        if base.startswith(prefix) and moment is not None and now >= moment:
            return True
    deadline = answers.get(QuestionId.OFFER_DEADLINE)
    if not (base.startswith("offer_deadline") and deadline):
        return False
    today = now.astimezone(tz).date()  # the deadline is a day in the person's own calendar
    return today > date.fromisoformat(deadline)
