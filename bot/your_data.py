"""Commands over all of a person's data: insights (the common thread), export, and forget me.

A mixin of the engine's turn (bot.engine._Turn), pure like it: these commands ask the service for
every interview (Outcome.needs = "everything"); "forget me" asks it to delete (Outcome.forget).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot import actions, dates
from bot.commands import Command
from bot.insights import MIN_INTERVIEWS, common_thread
from bot.letters import thank_you_letters
from bot.messages import Attachment, Button
from bot.model import Fact, Interview, QuestionId
from bot.templating import template

_INSIGHTS = template("insights.txt.j2")
_EXPORT = template("export.md.j2")


class YourData:
    """Relies on the turn's state and helpers (see bot.engine._Turn)."""

    snap: Any
    conv: dict[str, Any]
    now: datetime
    forget: bool

    def cmd_insights(self, _: Command) -> None:
        if self.need("everything"):
            return
        thread = common_thread(list(self.snap.everything))
        if thread.interviews < MIN_INTERVIEWS:
            self.say(self.msg("insights_too_few", count=thread.interviews))
            return
        names = {k: self.label(f"outcome_{k}") for k in ("second", "offer", "rejected", "waiting")}
        self.say(_INSIGHTS.render(thread=thread, outcome_names=names).strip())

    def cmd_export(self, _: Command) -> None:
        if self.need("everything") or self.need("nudges"):
            return
        paused = self.paused_until()
        reminders = [
            self.label(
                "reminder_line",
                number=n,
                when=dates.show_moment(nudge.due_at, self.tz),
                what=self.kind_label(nudge.kind),
                company=nudge.company or self.label("unnamed"),
            )
            for n, nudge in enumerate(self.pending(), start=1)
        ]
        body = _EXPORT.render(
            exported=dates.show_moment(self.now, self.tz, year=True),
            zone=self.tz.key,
            paused=dates.show_moment(paused, self.tz) if paused else None,
            signature=self.profile().get(QuestionId.SIGNATURE),
            reminders=reminders,
            interviews=[self.exported(i) for i in self.snap.everything],
        )
        stamp = f"{self.now.astimezone(self.tz):%Y-%m-%d-%H%M}"
        self.say(
            self.msg("export_ready", count=len(self.snap.everything)),
            attachment=Attachment(
                title=self.label("export_title"), body=body, filename=f"debrief-{stamp}.md"
            ),
        )

    def exported(self, interview: Interview) -> dict[str, Any]:
        """One interview as export sections: every answered question with its label, in full."""
        answers = interview.answers
        sections = []
        for section in self.flow.sections:
            items = []
            for q in section.questions:
                value = answers.get(q.id)
                if (
                    value in (None, "") or q.kind == "letters" or q.id == QuestionId.LETTER_EDIT
                ):  # the letters follow
                    continue
                if q.kind == "list" and isinstance(value, list):
                    lines = [
                        " · ".join(str(v) for v in item.values() if v)
                        for item in value
                        if isinstance(item, dict)
                    ]
                    lines = [line for line in lines if line] or [self.label("none_value")]
                    items.append({"label": q.label, "lines": lines})
                elif isinstance(value, dict):  # one answer per interviewer
                    lines = [str(v) for v in value.values() if v] or [self.label("skipped_value")]
                    items.append({"label": q.label, "lines": lines})
                else:
                    items.append({"label": q.label, "value": self.full_value(q, value), "lines": None})
            if items:
                sections.append({"title": section.title, "entries": items})
        title = " · ".join(
            p for p in (answers.get(QuestionId.COMPANY), answers.get(QuestionId.ROLE)) if p
        ) or self.label("unnamed")
        letters = []
        if QuestionId.LETTER_TOPIC in answers:
            for letter in thank_you_letters(answers, sender=self.sender(), tz=self.tz):
                letters.append(
                    {"title": self.label("letter_title", name=letter.to_name), "body": letter.body}
                )
        sent_at = dates.stored_moment(answers.get(Fact.LETTER_SENT_AT))
        news = (
            answers.get(Fact.NEWS) if answers.get(Fact.NEWS) in ("second", "offer", "rejected") else "waiting"
        )
        letter = dates.show_moment(sent_at, self.tz) if sent_at else None
        facts = {
            self.label("export_status"): self.label(f"export_status_{interview.status}"),
            self.label("export_news"): self.label(f"outcome_{news}"),
            self.label("export_letter"): letter or self.label("export_letter_unsent"),
        }
        return {"title": title, "facts": facts, "sections": sections, "letters": letters}

    def full_value(self, q: Any, value: Any) -> str:
        if q.kind in ("datetime", "date", "scale", "yesno", "choice"):
            return self.show_raw(q, value).strip("“”")
        return str(value)

    def cmd_offers(self, _: Command) -> None:
        """Every offer side by side: base pay, the rest, the deadline, and where you stand."""
        if self.need("everything"):
            return
        offers = [i for i in self.snap.everything if i.answers.get(Fact.NEWS) == "offer"]
        if not offers:
            self.say(self.msg("offers_none"))
            return
        lines = [self.msg("offers_header")]
        for interview in offers:
            answers = interview.answers
            deadline = dates.stored_day(answers.get(QuestionId.OFFER_DEADLINE))
            lines.append(
                self.label(
                    "offer_line",
                    company=answers.get(QuestionId.COMPANY) or self.label("unnamed"),
                    base=answers.get(QuestionId.OFFER_BASE) or "?",
                    extras=answers.get(QuestionId.OFFER_EXTRAS) or "—",
                    deadline=dates.show_day(deadline) if deadline else "—",
                    decision=self.label(f"decision_{answers.get('offer_decision') or 'think'}"),
                )
            )
        self.say("\n".join(lines))

    def cmd_forget(self, _: Command) -> None:
        self.conv["mode"] = "confirm_forget"
        self.say(
            self.msg("forget_confirm"),
            (
                Button(self.label("forget_yes"), actions.confirm("forget", "yes")),
                Button(self.label("forget_no"), actions.confirm("forget", "no")),
            ),
        )

    def confirm_forget(self, yes: bool) -> None:
        self.conv["mode"] = None
        if yes:
            self.forget = True
            self.say(self.msg("forgotten"))
        else:
            self.say(self.msg("not_forgotten"))
