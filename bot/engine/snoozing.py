"""Moving a reminder later: `snooze 3h`, a nudge's snooze buttons, and the deadlines it must not miss."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot import actions, dates
from bot.commands import Command
from bot.engine import registry
from bot.engine.answering import hand_over
from bot.engine.asking import kind_label, pending_nudges, planned_now, retry
from bot.engine.turn import Turn
from bot.messages import Button
from bot.model import NudgeView, QuestionId
from bot.nudges import base_kind, family, waking

SNOOZES = {"1h": timedelta(hours=1), "2h": timedelta(hours=2), "3h": timedelta(hours=3)}
MORNING = time(9, 0)
THANK_YOU_WINDOW = timedelta(hours=24)  # a thank-you matters most within a day of the interview
BEFORE_DEADLINE = timedelta(hours=2)
MIN_SNOOZE = timedelta(minutes=5)
DEFAULT_SNOOZE = timedelta(hours=2)
MIN_AHEAD, MAX_AHEAD = timedelta(minutes=5), timedelta(days=366)
RECENT_NUDGE = timedelta(hours=24)  # "snooze" means the nudge just received, if there was one


@registry.verb("snooze")
def do_snooze(t: Turn, kind: str, spec: str) -> None:
    snooze(t, kind, waking(snooze_until(t, spec), t.tz, t.snap.quiet_hours))


def snooze_until(t: Turn, spec: str) -> datetime:
    if spec in SNOOZES:
        return t.now + SNOOZES[spec]
    tomorrow = t.now.astimezone(t.tz).date() + timedelta(days=1)
    return datetime.combine(tomorrow, MORNING, tzinfo=t.tz)


def still_planned(t: Turn, kind: str) -> bool:
    """Whether the policy still wants this reminder (not once the letter is marked sent)."""
    return any(base_kind(k) == base_kind(kind) for k in planned_now(t))


def deadline_of(t: Turn, kind: str) -> datetime | None:
    """The moment a reminder of this kind is about: the thank-you's 24 hours, the offer's day."""
    if family(kind) == "thank" and (at := dates.stored_moment(t.answers.get(QuestionId.INTERVIEW_AT))):
        return at + THANK_YOU_WINDOW
    if family(kind) == "offer" and (day := dates.stored_day(t.answers.get(QuestionId.OFFER_DEADLINE))):
        return datetime.combine(day, MORNING, tzinfo=t.tz)
    return None


def snooze(t: Turn, kind: str, until: datetime, *, anyway: bool = False) -> None:
    """Move a reminder: it becomes a new nudge ("kind#n") due at `until`.

    A snooze past the deadline the reminder is about says so first, and offers an earlier time.
    """
    base = base_kind(kind)
    if not still_planned(t, base):  # e.g. the letter is sent by now
        t.say(t.msg("snooze_moot"))
        return
    deadline = deadline_of(t, base)
    if not anyway and deadline is not None and t.now < deadline < until:
        warn_past_deadline(t, base, until, deadline)
        return
    snoozed = t.cursor.setdefault("snoozed", {})
    count = snoozed[base]["n"] + 1 if base in snoozed else 1
    snoozed[base] = {"n": count, "due": until.isoformat()}
    t.say(t.msg("snoozed", when=dates.show_moment(until, t.tz)))


def warn_past_deadline(t: Turn, kind: str, until: datetime, deadline: datetime) -> None:
    before = waking(deadline - BEFORE_DEADLINE, t.tz, t.snap.quiet_hours)
    buttons = []
    if t.now + MIN_SNOOZE <= before < deadline:
        label = t.label("snooze_before", when=dates.show_moment(before, t.tz))
        buttons.append(Button(label, actions.about(t.subject.id, "snooze_to", kind, int(before.timestamp()))))
    buttons.append(
        Button(
            t.label("snooze_anyway"),
            actions.about(t.subject.id, "snooze_to", kind, int(until.timestamp()), "anyway"),
        )
    )
    buttons.append(Button(t.label("snooze_keep"), actions.about(t.subject.id, "keep")))
    t.say(
        t.msg(
            "snooze_past_deadline",
            what=kind_label(t, kind),
            when=dates.show_moment(until, t.tz),
            deadline=dates.show_moment(deadline, t.tz),
        ),
        tuple(buttons),
    )


@registry.verb("keep")
def do_keep(t: Turn) -> None:
    t.say(t.msg("snooze_kept"))


@registry.command("snooze")
def cmd_snooze(t: Turn, command: Command) -> None:
    if t.need("nudges"):
        return
    until = later(t, command, default=DEFAULT_SNOOZE, problem="snooze")
    if until is None:
        return
    target = snooze_target(t)
    if target is None:
        say_next_reminder(t)
        return
    stamp = int(waking(until, t.tz, t.snap.quiet_hours).timestamp())
    hand_over(t, target.interview_id, f"snooze_to:{base_kind(target.kind)}:{stamp}:typed")


def snooze_target(t: Turn) -> NudgeView | None:
    """The nudge received last, in the last day: what "snooze 3h" right after it means. Whether
    its matter is still open is for its interview to tell (a letter marked sent since: moot)."""
    recent = [n for n in t.nudges if n.sent_at and n.sent_at >= t.now - RECENT_NUDGE]
    return max(recent, key=lambda n: n.sent_at or t.now) if recent else None


def later(t: Turn, command: Command, *, default: timedelta, problem: str) -> datetime | None:
    """The moment "snooze 3h" or "pause until Monday" names: ahead of now, and within a year."""
    if not command.words:
        return t.now + default
    until = dates.parse_later(command.words, now=t.now, tz=t.tz)
    if until is not None and until > t.now + MAX_AHEAD:  # clear words, too far: say the limit
        retry(t, f"{problem}_too_far")
        return None
    if until is None or until < t.now + MIN_AHEAD:  # "snooze -3h" is no answer to a question
        retry(t, f"{problem}_how")
        return None
    return until


@registry.verb("snooze_to")
def do_snooze_to(t: Turn, kind: str, stamp: str, *flags: str) -> None:
    """ "snooze 3h" typed ("typed"), or a button of "that's past the deadline" ("anyway")."""
    until = datetime.fromtimestamp(int(stamp), tz=t.tz)
    if "typed" in flags and not still_planned(t, kind):
        say_next_reminder(t)  # the one just received is answered by now: what comes next
        return
    snooze(t, kind, until, anyway="anyway" in flags)


def say_next_reminder(t: Turn) -> None:
    if t.need("nudges"):
        return
    pending = pending_nudges(t)
    if pending:  # snoozing never brings the next one forward: say when it comes instead
        when = dates.show_moment(pending[0].due_at, t.tz)
        t.say(t.msg("snooze_next", what=kind_label(t, pending[0].kind), when=when))
    else:
        t.say(t.msg("snooze_nothing"))
