"""Commands about the days after: reminders, snooze, pause, time zone, news, an upcoming interview.

A mixin of the engine's turn (bot.engine._Turn), pure like it. A command that acts on another
interview than the active one hands over to a button action ("iv:<id>:<verb>") as a follow-up,
so the service loads that interview first.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from bot import actions, dates
from bot.commands import Command
from bot.messages import Button
from bot.model import Fact, Input, Interview, NudgeView, QuestionId
from bot.nudges import DONE, UPCOMING, base_kind, family, waking

DEFAULT_SNOOZE = timedelta(hours=2)
DEFAULT_PAUSE = timedelta(days=7)
MIN_AHEAD, MAX_AHEAD = timedelta(minutes=5), timedelta(days=366)
RECENT_NUDGE = timedelta(hours=24)  # "snooze" means the nudge just received, if there was one
REMINDERS_SHOWN = 10
# Reminders about a deadline: a pause through one of them asks first (keep it, or pause it too).
DEADLINE_FAMILIES = ("thank", "offer")
PAUSE_ANSWERS = ("keep", "all", "no")
_NEWS_HINTS = {
    "offer": re.compile(r"\b(got|have|received|made me) (an |the )?offer\b|\boffered me\b", re.I),
    "second": re.compile(r"\bsecond (interview|round)\b|\bnext round\b|\binvited (me )?back\b", re.I),
    "rejected": re.compile(
        r"\breject|\bturned (me )?down\b|\bdidn'?t get (it|the job)\b"
        r"|\bnot moving forward\b|\bunsuccessful\b",
        re.I,
    ),
}


def news_in(text: str) -> str | None:
    """The outcome a free message announces ("I got an offer!"), if it announces one."""
    return next((news for news, pattern in _NEWS_HINTS.items() if pattern.search(text)), None)


class ReminderCommands:
    """Relies on the turn's state and helpers (see bot.engine._Turn)."""

    snap: Any
    conv: dict[str, Any]
    now: datetime
    follow_up: Input | None

    # ------------------------------------------------------------ reminders

    def kind_label(self, kind: str) -> str:
        return self.label(f"kind_{family(kind)}")

    def pending(self) -> list[NudgeView]:
        return sorted((n for n in self.snap.nudges if n.status == "pending"), key=lambda n: n.due_at)

    def cmd_reminders(self, _: Command) -> None:
        if self.need("nudges"):
            return
        lines = [self.paused_line()] if self.paused_until() else []
        pending = self.pending()
        if not pending:
            lines.append(self.msg("reminders_none"))
            self.say("\n".join(lines))
            return
        lines.append(self.msg("reminders_header"))
        buttons = []
        for number, nudge in enumerate(pending[:REMINDERS_SHOWN], start=1):
            when = dates.show_moment(nudge.due_at, self.tz)
            what = self.kind_label(nudge.kind)
            lines.append(
                self.label(
                    "reminder_line",
                    number=number,
                    when=when,
                    what=what,
                    company=nudge.company or self.label("unnamed"),
                )
            )
            drop = actions.about(nudge.interview_id, "drop", base_kind(nudge.kind))
            buttons.append(Button(self.label("drop_button", number=number), drop))
        # "cancel reminder 2" means the second one shown here, even if the list changes meanwhile
        self.conv["listed"] = [f"{n.interview_id}:{base_kind(n.kind)}" for n in pending[:REMINDERS_SHOWN]]
        lines.append(self.msg("reminders_footer"))
        self.say("\n".join(lines), tuple(buttons))

    def cmd_drop(self, command: Command) -> None:
        if self.need("nudges"):
            return
        listed = self.conv.get("listed") or [f"{n.interview_id}:{base_kind(n.kind)}" for n in self.pending()]
        if command.number is None or not 1 <= command.number <= len(listed):
            self.say(self.msg("drop_which"))
            return
        interview_id, kind = listed[command.number - 1].split(":")
        self.hand_over(interview_id, f"drop:{kind}")

    def hand_over(self, interview_id: str, verb: str) -> None:
        self.follow_up = Input(kind="action", action=actions.about(interview_id, *verb.split(":")))

    def do_drop(self, kind: str) -> None:
        due = next((d for k, d in self.planned_now().items() if base_kind(k) == kind), None)
        if due is None:
            self.say(self.msg("drop_gone"))
            return
        self.cursor.setdefault("dropped", []).append(kind)
        self.changed = True
        when = dates.show_moment(due, self.tz)
        self.say(self.msg("dropped", what=self.kind_label(kind), company=self.iv.company, when=when))

    def cmd_snooze(self, command: Command) -> None:
        if self.need("nudges"):
            return
        until = self.later(command, default=DEFAULT_SNOOZE, problem="snooze")
        if until is None:
            return
        target = self.snooze_target()
        if target is None:
            self.say_next_reminder()
            return
        stamp = int(waking(until, self.tz, self.snap.quiet_hours).timestamp())
        self.hand_over(target.interview_id, f"snooze_to:{base_kind(target.kind)}:{stamp}:typed")

    def snooze_target(self) -> NudgeView | None:
        """The nudge received last, in the last day: what "snooze 3h" right after it means. Whether
        its matter is still open is for its interview to tell (a letter marked sent since: moot)."""
        recent = [n for n in self.snap.nudges if n.sent_at and n.sent_at >= self.now - RECENT_NUDGE]
        return max(recent, key=lambda n: n.sent_at) if recent else None

    def later(self, command: Command, *, default: timedelta, problem: str) -> datetime | None:
        """The moment "snooze 3h" or "pause until Monday" names: ahead of now, and within a year."""
        if not command.words:
            return self.now + default
        until = dates.parse_later(command.words, now=self.now, tz=self.tz)
        if until is not None and until > self.now + MAX_AHEAD:  # clear words, too far: say the limit
            self.retry(f"{problem}_too_far")
            return None
        if until is None or until < self.now + MIN_AHEAD:  # "snooze -3h" is no answer to a question
            self.retry(f"{problem}_how")
            return None
        return until

    def do_snooze_to(self, kind: str, stamp: str, *flags: str) -> None:
        """ "snooze 3h" typed ("typed"), or a button of "that's past the deadline" ("anyway")."""
        until = datetime.fromtimestamp(int(stamp), tz=self.tz)
        if "typed" in flags and not self.still_planned(kind):
            self.say_next_reminder()  # the one just received is answered by now: what comes next
            return
        self.snooze(kind, until, anyway="anyway" in flags)

    def say_next_reminder(self) -> None:
        if self.need("nudges"):
            return
        pending = self.pending()
        if pending:  # snoozing never brings the next one forward: say when it comes instead
            when = dates.show_moment(pending[0].due_at, self.tz)
            self.say(self.msg("snooze_next", what=self.kind_label(pending[0].kind), when=when))
        else:
            self.say(self.msg("snooze_nothing"))

    def words_or_answer(self, command: Command, problem: str) -> None:
        """Words after a command that make no sense: an answer, if a question is waiting for one."""
        if self.iv is not None and self.pos is not None:
            self.answer_text(self.text)
        else:
            self.say(self.msg(problem))

    # ------------------------------------------------------------ pause

    def paused_until(self) -> datetime | None:
        paused = self.conv.get("paused_until")
        moment = datetime.fromisoformat(paused) if paused else None
        return moment if moment and moment > self.now else None

    def paused_line(self) -> str:
        return self.msg("paused", until=dates.show_moment(self.paused_until(), self.tz))

    def cmd_pause(self, command: Command) -> None:
        if self.need("nudges"):
            return
        until = self.later(command, default=DEFAULT_PAUSE, problem="pause")
        if until is None:
            return
        held = [n for n in self.pending() if family(n.kind) in DEADLINE_FAMILIES and n.due_at < until]
        if not held:
            self.set_pause(until, keep=[])
            return
        # A pause through a deadline would cost more than a quiet week: say so, and offer to keep those.
        self.conv["mode"] = "confirm_pause"
        self.conv["pause_offer"] = {
            "until": until.isoformat(),
            "keep": [f"{n.interview_id}:{base_kind(n.kind)}" for n in held],
        }
        first = {}  # one line for each interview's reminders of one kind: the first one held
        for n in held:
            first.setdefault((n.interview_id, family(n.kind)), n)
        lines = [
            self.label(
                "held_line",
                what=self.kind_label(n.kind),
                company=n.company or self.label("unnamed"),
                when=dates.show_moment(n.due_at, self.tz),
            )
            for n in first.values()
        ]
        self.say(
            self.msg("pause_holds_deadlines", until=dates.show_moment(until, self.tz), held="\n".join(lines)),
            (
                Button(self.label("pause_keep"), actions.confirm("pause", "keep")),
                Button(self.label("pause_all"), actions.confirm("pause", "all")),
                Button(self.label("pause_no"), actions.confirm("pause", "no")),
            ),
        )

    def pause_answer(self, text: str) -> str | None:
        """What a typed answer to "pause, but keep those?" means ("keep them pls", "no dont"), if any."""
        words = set(text.replace("'", "").split())
        if text in self.flow.words["no"] or words & {"dont", "no", "nope", "cancel", "not"}:
            return "no"
        if "keep" in words or text in self.flow.words["yes"]:
            return "keep"
        if words & {"all", "too", "everything"}:
            return "all"
        return None

    def confirm_pause(self, answer: str) -> None:
        self.conv["mode"] = None
        offer = self.conv.pop("pause_offer", None) or {}
        if answer == "no" or "until" not in offer:
            self.say(self.msg("pause_not_set"))
            return
        self.set_pause(datetime.fromisoformat(offer["until"]), keep=offer["keep"] if answer == "keep" else [])

    def set_pause(self, until: datetime, *, keep: list[str]) -> None:
        """Pause reminders; `keep` ("interview id:kind") are sent all the same."""
        self.conv["paused_until"] = until.isoformat()
        self.conv["pause_keeps"] = keep
        self.say(self.paused_line() + ("\n" + self.msg("pause_kept") if keep else ""))

    def cmd_unpause(self, _: Command) -> None:
        was_paused = self.paused_until() is not None
        self.conv.pop("paused_until", None)
        self.conv.pop("pause_keeps", None)
        self.say(self.msg("unpaused" if was_paused else "not_paused"))

    # ------------------------------------------------------------ time zone

    def cmd_timezone(self, command: Command) -> None:
        if not command.words:
            local = dates.show_moment(self.now, self.tz)
            self.say(self.msg("timezone_is", zone=self.tz.key, now=local))
            return
        name = dates.find_zone(command.words)
        if name is None:
            self.retry("timezone_unknown")
            return
        self.conv["timezone"] = name
        self.tz = dates.zone(name)
        self.say(self.msg("timezone_set", zone=name, now=dates.show_moment(self.now, self.tz)))

    # ------------------------------------------------------------ news

    def waiting(self) -> list:
        return [i for i in self.snap.interviews if i.status == DONE and i.news in (None, "not_yet", "second")]

    def cmd_news(self, _: Command, news: str | None = None) -> None:
        waiting = self.waiting()
        if not waiting:
            self.say(self.msg("news_none"), self.idle_buttons())
        elif len(waiting) == 1:
            self.hand_over(waiting[0].id, f"news:{news}" if news else "ask_news")
        else:
            verb = f"news:{news}" if news else "ask_news"
            self.say(
                self.msg("news_which"),
                tuple(
                    Button(i.company or self.label("unnamed"), actions.about(i.id, *verb.split(":")))
                    for i in waiting[-5:]
                ),
            )

    def do_ask_news(self) -> None:
        self.nudge_checkin("checkin_1")

    # ------------------------------------------------------------ an interview to come

    def cmd_upcoming(self, command: Command) -> None:
        company, when = _split_company(command.words or "")
        span = dates.parse_span(when, now=self.now, tz=self.tz) if company and when else None
        if span is None:
            self.words_or_answer(command, "upcoming_how")
            return
        start, end = span
        if start > self.now + MAX_AHEAD:
            self.retry("upcoming_too_far", when=dates.show_moment(start, self.tz, year=True))
            return
        self.iv = Interview(id=self.new_id, status=UPCOMING, created_at=self.now)
        self.answers = {QuestionId.COMPANY: company, Fact.UPCOMING_START: start.isoformat()}
        if end is not None:
            self.answers[Fact.UPCOMING_END] = end.isoformat()
        self.cursor, self.status, self.changed = {"pos": None, "history": []}, UPCOMING, True
        self.say(self.msg("upcoming_set", company=company, when=dates.show_moment(start, self.tz)))

    def do_start(self) -> None:
        """The debrief of an interview announced beforehand: it took place, let's go."""
        if self.status != UPCOMING:  # started already (the button clicked twice)
            self.conv["active"] = self.iv.id
            self.resume_here()
            return
        self.status = "in_progress"
        self.answers[QuestionId.INTERVIEW_AT] = (
            self.answers.get(Fact.UPCOMING_END) or self.answers[Fact.UPCOMING_START]
        )
        self.conv["active"] = self.iv.id
        pos = self.first_pos()
        while pos is not None and pos["q"] in self.answers:  # what was told beforehand is not asked again
            pos = self.next_in_order(self.flow.order.index(pos["q"]))
        self.set_pos(pos)
        self.say(self.flow.section_of[QuestionId.COMPANY].intro)
        self.ask()


_WHEN_STARTS = re.compile(
    r"\b(?:today|tonight|tomorrow|yesterday|on|at|next|this|in|(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?|"
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b|\d",
    re.IGNORECASE,
)


def _split_company(words: str) -> tuple[str, str]:
    """Split "at ACME Corp tomorrow 3-4pm" into "ACME Corp" and "tomorrow 3-4pm", at the first day or time."""
    words = re.sub(r"^(?:at|with|for)\s+", "", words.strip(), flags=re.IGNORECASE)
    stop = _WHEN_STARTS.search(words)
    if stop is None:
        return "", ""
    return " ".join(words[: stop.start()].split())[:200], words[stop.start() :]
