"""Commands over all of a person's data: insights (the common thread), offers, export, and forget me.

These ask the service for every interview (Outcome.needs = "everything"); "forget me" asks it to
delete (Outcome.forget).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot import actions, dates, letters, money
from bot.commands import Command
from bot.engine import registry
from bot.engine.asking import kind_label, paused_until, pending_nudges, sender
from bot.engine.kinds import kind_of
from bot.engine.turn import Turn
from bot.inputs import loose
from bot.insights import MIN_INTERVIEWS, Thread, common_thread
from bot.letters import thank_you_letters
from bot.messages import Attachment, Button
from bot.model import Fact, Interview, QuestionId
from bot.templating import template
from bot.themes import themes_of

_INSIGHTS = template("insights.txt.j2")
_EXPORT = template("export.md.j2")


@registry.command("insights")
def cmd_insights(t: Turn, _: Command) -> None:
    if t.need("everything"):
        return
    thread = common_thread(list(t.everything), t.flow.themes)
    remember_thread(t, thread)
    if thread.interviews < MIN_INTERVIEWS and not thread.themes:  # a "keeps coming up" note is a theme
        t.say(t.msg("insights_too_few", count=thread.interviews))
        return
    names = {k: counted(t, f"counted_{k}", n) for k, n in thread.outcomes.items()}
    t.say(
        _INSIGHTS.render(
            thread=thread,
            outcome_names=names,
            asked=lambda text: letters.as_asked(text, t.flow),
            said=lambda text: letters.as_said(text, t.flow),
        ).strip()
    )


def counted(t: Turn, key: str, count: int) -> str:
    """ "1 offer" or "2 offers": the label `key`_one or `key`_many, never "offer(s)"."""
    return t.label(f"{key}_{'one' if count == 1 else 'many'}", count=count)


def remember_thread(t: Turn, thread: Thread) -> None:
    """Keep the common thread's top themes, for the prep sheet and the note before an interview."""
    t.conv["thread"] = [
        {"name": f.name, "step": f.step, "interviews": f.interviews} for f in thread.themes[:2]
    ]


def thread_now(t: Turn) -> Thread:
    """The common thread across every interview, this one as it stands in the turn (once loaded)."""
    current = t.iv.id if t.iv else None
    everything = [replace(i, answers=t.answers) if i.id == current else i for i in t.everything]
    return common_thread(everything, t.flow.themes)


@registry.command("export")
def cmd_export(t: Turn, _: Command) -> None:
    if t.need("everything") or t.need("nudges"):
        return
    paused = paused_until(t)
    reminders = [
        t.label(
            "reminder_line",
            number=n,
            when=dates.show_moment(nudge.due_at, t.tz),
            what=kind_label(t, nudge.kind),
            company=nudge.company or t.label("unnamed"),
        )
        for n, nudge in enumerate(pending_nudges(t), start=1)
    ]
    body = _EXPORT.render(
        exported=dates.show_moment(t.now, t.tz, year=True),
        zone=t.tz.key,
        paused=dates.show_moment(paused, t.tz) if paused else None,
        signature=t.profile().get(QuestionId.SIGNATURE),
        reminders=reminders,
        interviews=[exported(t, i) for i in t.everything],
    )
    stamp = f"{t.now.astimezone(t.tz):%Y-%m-%d-%H%M}"
    t.say(
        t.msg("export_ready", interviews=counted(t, "interviews", len(t.everything))),
        attachment=Attachment(title=t.label("export_title"), body=body, filename=f"debrief-{stamp}.md"),
    )


def exported(t: Turn, interview: Interview) -> dict[str, Any]:
    """One interview as export sections: every answered question with its label, in full."""
    answers = interview.answers
    sections = []
    for section in t.flow.sections:
        items: list[dict[str, Any]] = []
        for q in section.questions:
            value = answers.get(q.id)
            kind = kind_of(q)
            if value in (None, "") or not kind.exported or q.id == QuestionId.LETTER_EDIT:
                continue  # the letters follow
            if isinstance(value, dict):  # one answer per interviewer
                lines = [str(v) for v in value.values() if v] or [t.label("skipped_value")]
                items.append({"label": q.label, "lines": lines})
                continue
            full = kind.export(q, value, t.flow, t.tz)
            said_too = (answers.get(Fact.DETAILS) or {}).get(q.id)  # "I think so, she smiled a lot"
            if said_too and isinstance(full, str):
                full = f"{full} — {said_too}"
            if isinstance(full, list):
                items.append({"label": q.label, "lines": full})
            else:
                items.append({"label": q.label, "value": full, "lines": None})
        if items:
            sections.append({"title": section.title, "entries": items})
    title = " · ".join(
        p for p in (answers.get(QuestionId.COMPANY), answers.get(QuestionId.ROLE)) if p
    ) or t.label("unnamed")
    letters = [
        {"title": t.label("letter_title", name=letter.to_name), "body": letter.body}
        for letter in (
            thank_you_letters(answers, sender=sender(t), tz=t.tz)
            if QuestionId.LETTER_TOPIC in answers
            else []
        )
    ]
    sent_at = dates.stored_moment(answers.get(Fact.LETTER_SENT_AT))
    news = answers.get(Fact.NEWS) if answers.get(Fact.NEWS) in ("second", "offer", "rejected") else "waiting"
    sent = dates.show_moment(sent_at, t.tz) if sent_at else None
    facts = {
        t.label("export_status"): t.label(f"export_status_{interview.status}"),
        t.label("export_news"): t.label(f"outcome_{news}"),
        t.label("export_letter"): sent or t.label("export_letter_unsent"),
    }
    return {"title": title, "facts": facts, "sections": sections, "letters": letters}


@registry.command("offers")
def cmd_offers(t: Turn, _: Command) -> None:
    """Every offer side by side: base pay, the rest, the deadline, and where you stand."""
    if t.need("everything"):
        return
    offers = [i for i in t.everything if i.answers.get(Fact.NEWS) == "offer"]
    if not offers:
        t.say(t.msg("offers_none"))
        return
    lines = [t.msg("offers_header")]
    for interview in offers:
        answers = interview.answers
        deadline = dates.stored_day(answers.get(QuestionId.OFFER_DEADLINE))
        base = answers.get(QuestionId.OFFER_BASE) or "?"
        if answers.get(Fact.OFFER_FIRST):
            base = t.label("offer_base_revised", base=base, first=answers[Fact.OFFER_FIRST])
        lines.append(
            t.label(
                "offer_line",
                company=interview.company if answers.get(QuestionId.COMPANY) else t.label("unnamed"),
                base=base,
                extras=answers.get(QuestionId.OFFER_EXTRAS) or "—",
                deadline=dates.show_day(deadline) if deadline else "—",
                decision=t.label(f"decision_{answers.get(QuestionId.OFFER_DECISION) or 'think'}"),
            )
        )
    lines += compare_offers(t, offers)
    if len(offers) >= 2 and "priorities" not in t.profile():
        t.say("\n".join(lines))
        t.conv["mode"] = "priorities"  # the answer is read by answer_priorities
        t.say(t.label("offers_priorities_ask"))
        return
    lines += weigh_priorities(t, offers)
    t.say("\n".join(lines))


def answer_priorities(t: Turn, text: str) -> None:
    """What matters to them besides pay, kept for every offer; then the offers again, weighed by it."""
    t.conv["mode"] = None
    skipped = loose(text) in t.flow.commands["skip"] or loose(text) in t.flow.words["dont_know"]
    t.profile()["priorities"] = "" if skipped else text[:300]
    cmd_offers(t, Command("offers"))


def weigh_priorities(t: Turn, offers: list[Interview]) -> list[str]:
    """Each offer against what matters to the person: what it has, and what to ask about."""
    wanted = themes_of(str(t.profile().get("priorities") or ""), t.flow.priorities)
    if not wanted or len(offers) < 2:
        return []
    names = {p.id: p.name for p in t.flow.priorities}
    lines = ["", t.label("offers_priorities", names=", ".join(names[w] for w in wanted))]
    for interview in offers:
        has = set(themes_of(str(interview.answers.get(QuestionId.OFFER_EXTRAS) or ""), t.flow.priorities))
        found = [names[w] for w in wanted if w in has]
        missing = [names[w] for w in wanted if w not in has]
        lines.append(
            t.label(
                "offers_priority_line",
                company=interview.company,
                has=t.label("offers_priority_has", names=", ".join(found)) if found else "",
                sep="; " if found and missing else "",
                ask=t.label("offers_priority_ask", names=", ".join(missing)) if missing else "",
            )
        )
    return lines


def compare_offers(t: Turn, offers: list[Interview]) -> list[str]:
    """With two offers or more: which pays most per year, and which gives the most time off."""
    if len(offers) < 2:
        return []
    lines = []
    pay = {i.company: money.yearly(i.answers.get(QuestionId.OFFER_BASE)) for i in offers}
    known = {company: value for company, value in pay.items() if value}
    if len(known) >= 2:
        best = max(known, key=lambda company: known[company])
        lines.append(t.label("offers_most_pay", company=best, yearly=f"{known[best]:,.0f}"))
    time_off = {i.company: money.days_off(i.answers.get(QuestionId.OFFER_EXTRAS)) for i in offers}
    counted = {company: days for company, days in time_off.items() if days}
    if len(counted) >= 2:
        most = max(counted, key=lambda company: counted[company])
        lines.append(t.label("offers_most_time_off", company=most, days=counted[most]))
    if lines:
        lines.insert(0, "")
        lines.append(t.label("offers_beyond_figures"))
    return lines


@registry.command("forget")
def cmd_forget(t: Turn, _: Command) -> None:
    t.conv["mode"] = "confirm_forget"
    t.say(
        t.msg("forget_confirm"),
        (
            Button(t.label("forget_yes"), actions.confirm("forget", "yes")),
            Button(t.label("forget_no"), actions.confirm("forget", "no")),
        ),
    )


def confirm_forget(t: Turn, yes: bool) -> None:
    t.conv["mode"] = None
    if yes:
        t.forget = True
        t.say(t.msg("forgotten"))
    else:
        t.say(t.msg("not_forgotten"))
