"""`home`: everything at a glance, one message per line so each has its own buttons: the interviews
(resume or open), the reminders to come (a day later, or cancel), and a new debrief or an export.
The Slack App Home shows it; typed, it is the same overview in the chat."""

from __future__ import annotations

from datetime import timedelta

from bot import actions, dates
from bot.commands import Command
from bot.engine import registry
from bot.engine.asking import kind_label, paused_line, paused_until, pending_nudges
from bot.engine.conversation import interview_rows
from bot.engine.turn import Turn
from bot.messages import Button
from bot.nudges import base_kind, family

# Ten of each keep the App Home within Slack's 100 blocks (each line is a section, its buttons, a divider).
HOME_INTERVIEWS = 10
HOME_REMINDERS = 10
SNOOZE_A_DAY = timedelta(days=1)
# A prep note before an interview, a second interview's reminders: a day later would be after it.
TIED_TO_A_MOMENT = frozenset({"upcoming", "second"})


@registry.command("home")
def cmd_home(t: Turn, _: Command) -> None:
    if t.need("nudges"):
        return
    t.say(
        t.msg("home_intro"),
        (
            Button(t.label("new_debrief"), actions.command("new")),
            Button(t.label("home_export"), actions.command("export")),
        ),
    )
    rows = interview_rows(t, HOME_INTERVIEWS)
    t.say(t.msg("home_interviews") if rows else t.msg("home_no_interviews"))
    for row in reversed(rows):  # the latest first
        t.say(row.entry, (row.button,))
    paused = paused_until(t)
    pending = pending_nudges(t)
    t.say(paused_line(t, paused) if paused else t.msg("home_reminders" if pending else "home_no_reminders"))
    for nudge in pending[:HOME_REMINDERS]:
        kind = base_kind(nudge.kind)
        buttons = [Button(t.label("home_cancel"), actions.about(nudge.interview_id, "drop", kind))]
        if family(kind) not in TIED_TO_A_MOMENT:
            later = int((max(nudge.due_at, t.now) + SNOOZE_A_DAY).timestamp())
            snooze = actions.about(nudge.interview_id, "snooze_to", kind, later)
            buttons.insert(0, Button(t.label("home_snooze"), snooze))
        t.say(
            t.label(
                "home_reminder",
                when=dates.show_moment(nudge.due_at, t.tz),
                what=kind_label(t, nudge.kind),
                company=nudge.company or t.label("unnamed"),
            ),
            tuple(buttons),
        )
