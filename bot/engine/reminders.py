"""Commands over a person's reminders: list and drop them, pause and unpause, their time zone."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot import actions, dates
from bot.commands import Command
from bot.engine import registry
from bot.engine.answering import hand_over
from bot.engine.asking import kind_label, paused_line, paused_until, pending_nudges, planned_now, retry
from bot.engine.snoozing import later
from bot.engine.turn import Turn
from bot.inputs import loose
from bot.messages import Button
from bot.model import NudgeView
from bot.nudges import base_kind, family

DEFAULT_PAUSE = timedelta(days=7)
REMINDERS_SHOWN = 10
# Reminders about a deadline: a pause through one of them asks first (keep it, or pause it too).
DEADLINE_FAMILIES = ("thank", "offer")
PAUSE_ANSWERS = ("keep", "all", "no")


@registry.command("reminders")
def cmd_reminders(t: Turn, _: Command) -> None:
    if t.need("nudges"):
        return
    paused = paused_until(t)
    lines = [paused_line(t, paused)] if paused else []
    pending = pending_nudges(t)
    if not pending:
        lines.append(t.msg("reminders_none"))
        t.say("\n".join(lines))
        return
    lines.append(t.msg("reminders_header"))
    buttons = []
    for number, nudge in enumerate(pending[:REMINDERS_SHOWN], start=1):
        when = dates.show_moment(nudge.due_at, t.tz)
        what = kind_label(t, nudge.kind)
        lines.append(
            t.label(
                "reminder_line",
                number=number,
                when=when,
                what=what,
                company=nudge.company or t.label("unnamed"),
            )
        )
        drop = actions.about(nudge.interview_id, "drop", base_kind(nudge.kind))
        buttons.append(Button(t.label("drop_button", number=number), drop))
    # "cancel reminder 2" means the second one shown here, even if the list changes meanwhile
    t.conv["listed"] = [f"{n.interview_id}:{base_kind(n.kind)}" for n in pending[:REMINDERS_SHOWN]]
    lines.append(t.msg("reminders_footer"))
    t.say("\n".join(lines), tuple(buttons))


@registry.command("drop")
def cmd_drop(t: Turn, command: Command) -> None:
    if t.need("nudges"):
        return
    listed = t.conv.get("listed") or [f"{n.interview_id}:{base_kind(n.kind)}" for n in pending_nudges(t)]
    if command.number is None or not 1 <= command.number <= len(listed):
        t.say(t.msg("drop_which"))
        return
    interview_id, kind = listed[command.number - 1].split(":")
    hand_over(t, interview_id, f"drop:{kind}")


@registry.verb("drop")
def do_drop(t: Turn, kind: str) -> None:
    due = next((d for k, d in planned_now(t).items() if base_kind(k) == kind), None)
    if due is None:
        t.say(t.msg("drop_gone"))
        return
    t.cursor.setdefault("dropped", []).append(kind)
    when = dates.show_moment(due, t.tz)
    t.say(t.msg("dropped", what=kind_label(t, kind), company=t.subject.company, when=when))


@registry.command("pause")
def cmd_pause(t: Turn, command: Command) -> None:
    if t.need("nudges"):
        return
    until = later(t, command, default=DEFAULT_PAUSE, problem="pause")
    if until is None:
        return
    held = [n for n in pending_nudges(t) if family(n.kind) in DEADLINE_FAMILIES and n.due_at < until]
    if not held:
        set_pause(t, until, keep=[])
        return
    # A pause through a deadline would cost more than a quiet week: say so, and offer to keep those.
    t.conv["mode"] = "confirm_pause"
    t.conv["pause_offer"] = {
        "until": until.isoformat(),
        "keep": [f"{n.interview_id}:{base_kind(n.kind)}" for n in held],
    }
    # One line for each interview's reminders of one kind: the first one held.
    first: dict[tuple[str, str], NudgeView] = {}
    for n in held:
        first.setdefault((n.interview_id, family(n.kind)), n)
    lines = [
        t.label(
            "held_line",
            what=kind_label(t, n.kind),
            company=n.company or t.label("unnamed"),
            when=dates.show_moment(n.due_at, t.tz),
        )
        for n in first.values()
    ]
    t.say(
        t.msg("pause_holds_deadlines", until=dates.show_moment(until, t.tz), held="\n".join(lines)),
        (
            Button(t.label("pause_keep"), actions.confirm("pause", "keep")),
            Button(t.label("pause_all"), actions.confirm("pause", "all")),
            Button(t.label("pause_no"), actions.confirm("pause", "no")),
        ),
    )


def pause_answer(t: Turn, text: str) -> str | None:
    """What a typed answer to "pause, but keep those?" means ("keep them pls", "no dont"), if any."""
    words = set(text.replace("'", "").split())
    if text in t.flow.words["no"] or words & {"dont", "no", "nope", "cancel", "not"}:
        return "no"
    if "keep" in words or text in t.flow.words["yes"]:
        return "keep"
    if words & {"all", "too", "everything"}:
        return "all"
    return None


def confirm_pause(t: Turn, answer: str) -> None:
    t.conv["mode"] = None
    offer = t.conv.pop("pause_offer", None)
    if answer == "no" or offer is None:
        t.say(t.msg("pause_not_set"))
        return
    set_pause(t, datetime.fromisoformat(offer["until"]), keep=offer["keep"] if answer == "keep" else [])


def set_pause(t: Turn, until: datetime, *, keep: list[str]) -> None:
    """Pause reminders; `keep` ("interview id:kind") are sent all the same."""
    t.conv["paused_until"] = until.isoformat()
    t.conv["pause_keeps"] = keep
    t.say(paused_line(t, until) + ("\n" + t.msg("pause_kept") if keep else ""))


@registry.command("unpause")
def cmd_unpause(t: Turn, _: Command) -> None:
    was_paused = paused_until(t) is not None
    t.conv.pop("paused_until", None)
    t.conv.pop("pause_keeps", None)
    t.say(t.msg("unpaused" if was_paused else "not_paused"))


@registry.command("date_order")
def cmd_date_order(t: Turn, command: Command) -> None:
    """How short dates like 4/12 are read: day first or month first (by default, as where you are)."""
    said, words = loose(command.words or ""), t.flow.words
    chosen = next(
        (order for order in ("DMY", "MDY") if said in words[f"date_order_{order.lower()}"]),
        None,
    )
    if said and chosen is None and said not in words["date_order_auto"]:
        t.say(t.msg("date_order_how"))
        return
    if said:
        if chosen is None:
            t.conv.pop("date_order", None)
        else:
            t.conv["date_order"] = chosen
    order = t.conv.get("date_order") or dates.date_order(t.tz)
    example = t.label("date_order_example_" + order)
    key = "date_order_is" if not said else "date_order_set"
    t.say(t.msg(key, order=t.label(f"date_order_{order}"), example=example))


@registry.command("timezone")
def cmd_timezone(t: Turn, command: Command) -> None:
    if not command.words:
        local = dates.show_moment(t.now, t.tz)
        t.say(t.msg("timezone_is", zone=t.tz.key, now=local))
        return
    name = dates.find_zone(command.words)
    if name is None:
        retry(t, "timezone_unknown")
        return
    t.conv["timezone"] = name
    t.tz = dates.zone(name)
    t.say(t.msg("timezone_set", zone=name, now=dates.show_moment(t.now, t.tz)))
