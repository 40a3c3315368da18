"""The days after the debrief: what a nudge says, and what its buttons do.

A mixin of the engine's turn (bot.engine._Turn): the same pure rules, no I/O. Buttons on a nudge
carry the interview they are about ("iv:<id>:<verb>"), so they work whatever is active meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any, ClassVar

from bot import actions, dates, letters
from bot.cursor import step_of
from bot.flow import Flow
from bot.messages import Attachment, Button, Reply
from bot.model import Fact, Interview, QuestionId
from bot.nudges import DONE, IN_PROGRESS, base_kind, family, planned, waking

NEWS = ("second", "offer", "rejected", "not_yet")
SNOOZES = {"1h": timedelta(hours=1), "2h": timedelta(hours=2), "3h": timedelta(hours=3)}
MORNING = time(9, 0)
THANK_YOU_WINDOW = timedelta(hours=24)  # a thank-you matters most within a day of the interview
BEFORE_DEADLINE = timedelta(hours=2)
MIN_SNOOZE = timedelta(minutes=5)


def fallback_nudge(interview: Interview, kind: str, flow: Flow) -> list[Reply]:
    """A reminder of `kind` worded from nothing but the company: what is sent when the usual
    wording fails, so that a broken template never costs the person the reminder itself."""
    text = flow.message("nudge_fallback", what=flow.label(f"kind_{family(kind)}"), company=interview.company)
    return [Reply(text, (Button(flow.label("resume_debrief"), actions.about(interview.id, "resume")),))]


class DaysAfter:
    """Nudges and their buttons. Relies on the turn's state: iv, answers, cursor, conv, now, tz."""

    # The engine's tables of handlers (bot.engine.VERBS, CLOSINGS), set where they are defined.
    verbs: ClassVar[dict[str, Callable[..., None]]]
    closings: ClassVar[dict[str, Callable[..., None]]]
    iv: Interview | None
    answers: dict[str, Any]
    cursor: dict[str, Any]
    conv: dict[str, Any]
    now: datetime
    changed: bool

    # ------------------------------------------------------------ nudges

    def on_nudge(self, kind: str) -> None:
        if self.iv is None:
            return
        renderers = {
            "unfinished": self.nudge_unfinished,
            "thank": self.nudge_thank_you,
            "checkin": self.nudge_checkin,
            "second": self.nudge_second_prep,
            "offer": self.nudge_offer_deadline,
            "feedback": self.nudge_feedback,
            "upcoming": self.nudge_upcoming,
        }
        renderers[family(kind)](base_kind(kind))

    def nudge_fallback(self, kind: str) -> None:
        """A plain reminder of its kind, for when the usual wording lacks what it needs."""
        self.replies.extend(fallback_nudge(self.iv, kind, self.flow))

    def iv_buttons(self, *pairs: tuple[str, str]) -> tuple[Button, ...]:
        """Buttons about this interview, from (label key, verb) pairs."""
        return tuple(
            Button(self.label(key), actions.about(self.iv.id, *verb.split(":"))) for key, verb in pairs
        )

    def nudge_values(self) -> dict[str, str]:
        names = self.interviewer_names()
        return {
            "company": self.iv.company,
            "role": self.answers.get(QuestionId.ROLE) or "the role",
            "names": " and ".join(names) if names else "the hiring team",
        }

    def nudge_unfinished(self, kind: str) -> None:
        self.say(
            self.msg("nudge_unfinished", step=step_of(self.iv, self.flow), **self.nudge_values()),
            self.iv_buttons(
                ("resume_debrief", "resume"),
                ("tomorrow", f"snooze:{kind}:tomorrow"),
            ),
        )

    def nudge_thank_you(self, kind: str) -> None:
        drafted = QuestionId.LETTER_TOPIC in self.answers
        key = "nudge_thank_you_last" if kind == "thank_you_last" else "nudge_thank_you"
        if not drafted:
            key = "nudge_thank_you_draft"
        pairs = (
            [("mark_sent", "sent"), ("show_letter", "letter")] if drafted else [("resume_debrief", "resume")]
        )
        if kind != "thank_you_last":
            pairs.append(("in_two_hours", f"snooze:{kind}:2h"))
        self.say(self.msg(key, **self.nudge_values()), self.iv_buttons(*pairs))

    def nudge_checkin(self, kind: str) -> None:
        if kind.startswith("checkin_stop"):
            self.say(
                self.msg("nudge_checkin_stop", **self.nudge_values()),
                self.iv_buttons(
                    ("keep_asking", "checkins:keep"),
                    ("stop_asking", "checkins:stop"),
                ),
            )
            return
        self.say(
            self.msg("nudge_checkin", **self.nudge_values()),
            # Each button carries the news as it stood when asked, so an old check-in clicked
            # later cannot overwrite what has been told since.
            self.iv_buttons(
                *((f"news_{news}", f"news:{news}:{self.answers.get('news') or 'none'}") for news in NEWS)
            ),
        )

    # ------------------------------------------------------------ buttons on nudges

    def on_subject_action(self, action: str) -> None:
        self.conv["mode"] = None  # another button ends a pending "are you sure?" or menu
        clicked = actions.parse(action)
        verb, args = clicked.verb, clicked.args
        if self.iv is None or self.iv.id != clicked.interview_id:
            self.stale()
            return
        handler = self.verbs.get(verb)
        if handler is None:
            self.stale()
            return
        handler(self, *args)
        self.remind_of_active()

    def remind_of_active(self) -> None:
        """After a reminder's button, point back to a debrief still waiting for an answer."""
        active = self.conv.get("active")
        if not active or active == self.iv.id or self.follow_up is not None:
            return
        waiting = next((i for i in self.snap.interviews if i.id == active and i.status == IN_PROGRESS), None)
        if waiting is not None:
            self.say(self.msg("still_debriefing", company=waiting.company or self.label("unnamed")))

    def do_resume(self) -> None:
        if self.conv.get("active") != self.iv.id:
            self.conv["active"] = self.iv.id
        self.resume_here()

    def do_sent(self) -> None:
        if self.answers.get(QuestionId.LETTER_REVIEW) == "sent":
            self.say(self.msg("already_sent"))
            return
        self.answers[QuestionId.LETTER_REVIEW] = "sent"
        self.answers[Fact.LETTER_SENT_AT] = self.now.isoformat()
        self.changed = True
        self.say(self.msg("letter_sent"))
        if self.pos and self.pos["q"] == QuestionId.LETTER_REVIEW and self.conv.get("active") == self.iv.id:
            self.advance()  # they were at the letter step: on to the break

    def do_letter(self) -> None:
        self.show_letters(self.msg("letter_again", company=self.iv.company))

    def do_snooze(self, kind: str, spec: str) -> None:
        self.snooze(kind, waking(self.snooze_until(spec), self.tz, self.snap.quiet_hours))

    def snooze_until(self, spec: str) -> datetime:
        if spec in SNOOZES:
            return self.now + SNOOZES[spec]
        tomorrow = self.now.astimezone(self.tz).date() + timedelta(days=1)
        return datetime.combine(tomorrow, MORNING, tzinfo=self.tz)

    def still_planned(self, kind: str) -> bool:
        """Whether the policy still wants this reminder (not once the letter is marked sent)."""
        return any(base_kind(k) == base_kind(kind) for k in self.planned_now())

    def deadline_of(self, kind: str) -> datetime | None:
        """The moment a reminder of this kind is about: the thank-you's 24 hours, the offer's day."""
        if family(kind) == "thank" and (at := dates.stored_moment(self.answers.get(QuestionId.INTERVIEW_AT))):
            return at + THANK_YOU_WINDOW
        if family(kind) == "offer" and (day := dates.stored_day(self.answers.get(QuestionId.OFFER_DEADLINE))):
            return datetime.combine(day, MORNING, tzinfo=self.tz)
        return None

    def snooze(self, kind: str, until: datetime, *, anyway: bool = False) -> None:
        """Move a reminder: it becomes a new nudge ("kind#n") due at `until`.

        A snooze past the deadline the reminder is about says so first, and offers an earlier time.
        """
        base = base_kind(kind)
        if not self.still_planned(base):  # e.g. the letter is sent by now
            self.say(self.msg("snooze_moot"))
            return
        deadline = self.deadline_of(base)
        if not anyway and deadline is not None and self.now < deadline < until:
            self.warn_past_deadline(base, until, deadline)
            return
        snoozed = self.cursor.setdefault("snoozed", {})
        count = snoozed.get(base, {}).get("n", 0) + 1
        snoozed[base] = {"n": count, "due": until.isoformat()}
        self.changed = True
        self.say(self.msg("snoozed", when=dates.show_moment(until, self.tz)))

    def warn_past_deadline(self, kind: str, until: datetime, deadline: datetime) -> None:
        before = waking(deadline - BEFORE_DEADLINE, self.tz, self.snap.quiet_hours)
        buttons = []
        if self.now + MIN_SNOOZE <= before < deadline:
            label = self.label("snooze_before", when=dates.show_moment(before, self.tz))
            buttons.append(
                Button(label, actions.about(self.iv.id, "snooze_to", kind, int(before.timestamp())))
            )
        buttons.append(
            Button(
                self.label("snooze_anyway"),
                actions.about(self.iv.id, "snooze_to", kind, int(until.timestamp()), "anyway"),
            )
        )
        buttons.append(Button(self.label("snooze_keep"), actions.about(self.iv.id, "keep")))
        self.say(
            self.msg(
                "snooze_past_deadline",
                what=self.kind_label(kind),
                when=dates.show_moment(until, self.tz),
                deadline=dates.show_moment(deadline, self.tz),
            ),
            tuple(buttons),
        )

    def do_keep(self) -> None:
        self.say(self.msg("snooze_kept"))

    def do_checkins(self, choice: str) -> None:
        started = self.answers.get(Fact.CHECKIN_FROM)
        if choice == "keep" and started and datetime.fromisoformat(started) > self.now - timedelta(days=1):
            self.say(self.msg("checkins_kept", company=self.iv.company))  # the same click twice
            return
        if choice == "stop":
            self.answers[Fact.CHECKINS_STOPPED] = True
            self.say(self.msg("checkins_stopped", company=self.iv.company))
        else:
            self.answers[Fact.CHECKIN_CYCLE] = self.answers.get(Fact.CHECKIN_CYCLE, 0) + 1
            self.answers[Fact.CHECKIN_FROM] = self.now.isoformat()
            self.say(self.msg("checkins_kept", company=self.iv.company))
        self.changed = True

    # ------------------------------------------------------------ news: steps 4-6

    def do_news(self, news: str, asked_when: str | None = None) -> None:
        """The answer to "any news?": a second interview, an offer, a rejection, or not yet."""
        current = self.answers.get(Fact.NEWS) or "none"
        if asked_when is not None and asked_when != current and current != "not_yet":
            self.say(self.msg("news_outdated", company=self.iv.company))  # an old check-in's button
            return
        if news != "not_yet" and self.answers.get(Fact.NEWS) == news:  # the same button twice
            self.say(self.msg("news_known"))
            self.conv["active"] = self.iv.id
            self.resume_here()
            return
        self.answers[Fact.NEWS] = news
        self.answers[Fact.NEWS_AT] = self.now.isoformat()
        self.changed = True
        if news == "not_yet":
            self.say(self.msg("news_not_yet", company=self.iv.company))
            return
        section = {"second": "second", "offer": "offer", "rejected": "rejection"}[news]
        self.open_section(section)

    def do_feedback(self, choice: str) -> None:
        if choice == "sent":
            self.answers[Fact.FEEDBACK_REQUESTED] = True
            self.changed = True
            self.say(self.msg("feedback_sent", company=self.iv.company))
        elif choice == "received":
            self.open_section("feedback")
        else:
            self.show_feedback_request()

    def open_section(self, section_id: str) -> None:
        """Make this interview active again at the start of one of steps 4-6."""
        active = self.conv.get("active")
        if active and active != self.iv.id:
            self.say(self.msg("paused_previous"))
        self.conv["active"] = self.iv.id
        self.status = IN_PROGRESS
        self.cursor.pop("return_to", None)
        self.set_pos(self.section_start(section_id))
        self.ask(intro=True)

    # ------------------------------------------------------------ closings

    def finish(self, closing: str) -> None:
        """A section is done: the debrief's break, or the end of one of steps 4-6."""
        self.status = DONE
        self.conv["active"] = None
        self.changed = True
        self.closings[closing](self)

    def planned_now(self) -> dict[str, datetime]:
        return planned(
            status=self.status,
            answers=self.answers,
            cursor=self.cursor,
            created_at=self.iv.created_at,
            tz=self.tz,
            quiet=self.snap.quiet_hours,
            step=self.flow.section_of[self.pos["q"]].step if self.pos else 1,
        )

    def next_checkin(self) -> str:
        checkins = sorted(due for kind, due in self.planned_now().items() if kind.startswith("checkin_1"))
        return dates.show_day(checkins[0].astimezone(self.tz).date()) if checkins else ""

    def close_break(self) -> None:
        company = self.iv.company
        checkin = self.next_checkin()
        if not checkin:  # the news came already (the letter was only being marked sent)
            self.say(self.msg("letter_closed", company=company))
            return
        self.say(self.msg("break_message", company=company, checkin=checkin))
        if "timezone" not in self.conv and not self.conv.get("timezone_noted"):
            self.conv["timezone_noted"] = True  # said once, when reminders first matter
            self.say(self.msg("timezone_note", zone=self.tz.key))
        if self.answers.get(QuestionId.LETTER_REVIEW) != "sent":
            self.say(self.msg("break_letter_unsent", company=company))

    def close_second(self) -> None:
        second_at = dates.stored_moment(self.answers.get(QuestionId.SECOND_AT))
        when = dates.show_moment(second_at, self.tz) if second_at else None
        self.say(letters.prep_sheet(self.answers, when=when, practice=self.flow.lists["practice"]))
        if when is None:
            self.say(self.msg("second_done_undated", company=self.iv.company))
        elif any(kind.startswith("second_prep_morning") for kind in self.planned_now()):
            self.say(self.msg("second_done", company=self.iv.company, when=when))
        else:  # too early in the day for a morning-of copy
            self.say(self.msg("second_done_evening", company=self.iv.company, when=when))

    def close_offer(self) -> None:
        base, target, floor = (
            letters.amount(self.answers.get(k))
            for k in (QuestionId.OFFER_BASE, QuestionId.OFFER_TARGET, QuestionId.OFFER_WALKAWAY)
        )
        if base and target:
            self.say(self.compare("offer_vs_target", base, target))
        if base and floor:
            self.say(self.compare("offer_vs_walkaway", base, floor))
        others = [i for i in self.snap.interviews if i.news == "offer" and i.id != self.iv.id]
        if others:
            self.say(
                self.msg("offers_compare", count=len(others) + 1),
                (Button(self.label("compare"), actions.command("offers")),),
            )
        decision = self.answers.get(QuestionId.OFFER_DECISION) or "think"
        if decision == "negotiate":
            self.say(
                self.msg("offer_negotiate"),
                attachment=Attachment(
                    title=self.label("negotiation_title"),
                    body=letters.negotiation_letter(self.answers, sender=self.sender()),
                ),
            )
        else:
            self.say(self.msg(f"offer_{decision}", company=self.iv.company))

    def compare(self, key: str, base: float, other: float) -> str:
        percent = round((base - other) / other * 100)
        side = self.label("above" if percent >= 0 else "below")
        return self.msg(key, percent=abs(percent), side=side)

    def close_rejection(self) -> None:
        self.show_feedback_request()
        self.say(self.msg("rejection_done", company=self.iv.company))

    def show_feedback_request(self) -> None:
        self.say(
            self.msg("feedback_draft"),
            attachment=Attachment(
                title=self.label("feedback_title"),
                body=letters.feedback_request(self.answers, sender=self.sender()),
            ),
        )

    def close_feedback(self) -> None:
        self.answers[Fact.FEEDBACK_REQUESTED] = True
        self.say(self.msg("feedback_done"))

    # ------------------------------------------------------------ nudges for steps 4-6

    def nudge_second_prep(self, kind: str) -> None:
        second_at = dates.stored_moment(self.answers.get(QuestionId.SECOND_AT))
        if second_at is None:
            self.nudge_fallback(kind)
            return
        when = dates.show_moment(second_at, self.tz)
        key = "nudge_second_evening" if kind.endswith("evening") else "nudge_second_morning"
        self.say(self.msg(key, company=self.iv.company, when=when))
        self.say(letters.prep_sheet(self.answers, when=when, practice=self.flow.lists["practice"]))

    def nudge_offer_deadline(self, kind: str) -> None:
        day = dates.stored_day(self.answers.get(QuestionId.OFFER_DEADLINE))
        if day is None:
            self.nudge_fallback(kind)
            return
        deadline = dates.show_day(day)
        # On the deadline day itself, "tomorrow" would be too late.
        later = (
            ("in_two_hours", f"snooze:{kind}:2h")
            if kind.endswith("_2")
            else ("tomorrow", f"snooze:{kind}:tomorrow")
        )
        self.say(
            self.msg("nudge_offer_deadline", company=self.iv.company, deadline=deadline),
            self.iv_buttons(
                ("decided_accept", "decided:accept"),
                ("decided_decline", "decided:decline"),
                later,
            ),
        )

    def do_decided(self, decision: str) -> None:
        self.answers[QuestionId.OFFER_DECISION] = decision
        self.changed = True
        self.say(self.msg(f"offer_{decision}", company=self.iv.company))

    def nudge_feedback(self, kind: str) -> None:
        self.say(
            self.msg("nudge_feedback", company=self.iv.company),
            self.iv_buttons(
                ("show_note", "feedback:show"),
                ("feedback_sent", "feedback:sent"),
                ("feedback_received", "feedback:received"),
            ),
        )

    # ------------------------------------------------------------ an interview announced beforehand

    def nudge_upcoming(self, kind: str) -> None:
        start = dates.stored_moment(self.answers.get(Fact.UPCOMING_START))
        if kind == "upcoming_prep":
            if start is None:
                self.nudge_fallback(kind)
                return
            when = dates.show_moment(start, self.tz)
            self.say(self.msg("nudge_upcoming_prep", company=self.iv.company, when=when))
            return
        self.say(
            self.msg("nudge_upcoming_debrief", company=self.iv.company),
            self.iv_buttons(("start_debrief", "start"), ("in_an_hour", f"snooze:{kind}:1h")),
        )
