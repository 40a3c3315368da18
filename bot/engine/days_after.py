"""After the debrief: the buttons about the letter, check-ins, feedback and offers, and how steps end."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot import actions, dates, letters, money
from bot.engine import registry
from bot.engine.answering import advance, open_section
from bot.engine.asking import iv_buttons, planned_now, practice_for, sender, show_letters
from bot.engine.turn import Turn
from bot.messages import Attachment, Button
from bot.model import Fact, QuestionId
from bot.themes import themes_of


@registry.verb("sent")
def do_sent(t: Turn) -> None:
    if t.answers.get(QuestionId.LETTER_REVIEW) == "sent":
        t.say(t.msg("already_sent"))
        return
    t.answers[QuestionId.LETTER_REVIEW] = "sent"
    t.answers[Fact.LETTER_SENT_AT] = t.now.isoformat()
    t.say(t.msg("letter_sent"))
    if t.pos and t.at["q"] == QuestionId.LETTER_REVIEW and t.conv.get("active") == t.subject.id:
        advance(t)  # they were at the letter step: on to the break


@registry.verb("letter")
def do_letter(t: Turn) -> None:
    show_letters(t, t.msg("letter_again", company=t.subject.company))


@registry.verb("checkins")
def do_checkins(t: Turn, choice: str) -> None:
    started = t.answers.get(Fact.CHECKIN_FROM)
    if choice == "keep" and started and datetime.fromisoformat(started) > t.now - timedelta(days=1):
        t.say(t.msg("checkins_kept", company=t.subject.company))  # the same click twice
        return
    if choice == "stop":
        t.answers[Fact.CHECKINS_STOPPED] = True
        t.say(t.msg("checkins_stopped", company=t.subject.company))
    else:
        t.answers[Fact.CHECKIN_CYCLE] = t.answers.get(Fact.CHECKIN_CYCLE, 0) + 1
        t.answers[Fact.CHECKIN_FROM] = t.now.isoformat()
        t.say(t.msg("checkins_kept", company=t.subject.company))


@registry.verb("feedback")
def do_feedback(t: Turn, choice: str) -> None:
    if choice == "sent":
        t.answers[Fact.FEEDBACK_REQUESTED] = True
        t.say(t.msg("feedback_sent", company=t.subject.company))
    elif choice == "received":
        open_section(t, "feedback")
    else:
        show_feedback_request(t)


def next_checkin(t: Turn) -> str:
    checkins = sorted(due for kind, due in planned_now(t).items() if kind.startswith("checkin_1"))
    return dates.show_day(checkins[0].astimezone(t.tz).date()) if checkins else ""


@registry.closing("break")
def close_break(t: Turn) -> None:
    company = t.subject.company
    checkin = next_checkin(t)
    if not checkin:  # the news came already (the letter was only being marked sent)
        t.say(t.msg("letter_closed", company=company))
        return
    t.say(t.msg("break_message", company=company, checkin=checkin))
    if "timezone" not in t.conv and not t.conv.get("timezone_noted"):
        t.conv["timezone_noted"] = True  # said once, when reminders first matter
        t.say(t.msg("timezone_note", zone=t.tz.key))
    if t.answers.get(QuestionId.LETTER_REVIEW) != "sent":
        t.say(t.msg("break_letter_unsent", company=company))


@registry.closing("second")
def close_second(t: Turn) -> None:
    second_at = dates.stored_moment(t.answers.get(QuestionId.SECOND_AT))
    when = dates.show_moment(second_at, t.tz) if second_at else None
    t.say(letters.prep_sheet(t.answers, when=when, practice=practice_for(t), thread=t.conv.get("thread")))
    if when is None:
        t.say(t.msg("second_done_undated", company=t.subject.company))
    elif any(kind.startswith("second_prep_morning") for kind in planned_now(t)):
        t.say(t.msg("second_done", company=t.subject.company, when=when))
    else:  # too early in the day for a morning-of copy
        t.say(t.msg("second_done_evening", company=t.subject.company, when=when))


@registry.closing("offer")
def close_offer(t: Turn) -> None:
    base, target, floor = (
        money.amount(t.answers.get(k))
        for k in (QuestionId.OFFER_BASE, QuestionId.OFFER_TARGET, QuestionId.OFFER_WALKAWAY)
    )
    if base and target:
        t.say(compare(t, "offer_vs_target", base, target))
    if base and floor:
        t.say(compare(t, "offer_vs_walkaway", base, floor))
    others = [i for i in t.snap.interviews if i.news == "offer" and i.id != t.subject.id]
    if others:
        t.say(
            t.msg("offers_compare", count=len(others) + 1),
            (Button(t.label("compare"), actions.command("offers")),),
        )
    decision = t.answers.get(QuestionId.OFFER_DECISION) or "think"
    if decision == "accept" and base and target and base < target:
        below = round((target - base) / target * 100)
        t.answers[QuestionId.OFFER_DECISION] = (
            "think"  # not yet: they choose with the figure in front of them
        )
        t.say(
            t.msg("offer_accept_below", percent=below),
            iv_buttons(t, ("counter_first", "decided:negotiate"), ("accept_anyway", "decided:accept")),
        )
        return
    say_decision(t, decision)


def say_decision(t: Turn, decision: str) -> None:
    """What to do now that they lean one way: a counter draft to send, or a word for the choice made."""
    if decision == "negotiate":
        t.say(
            t.msg("offer_negotiate"),
            attachment=Attachment(
                title=t.label("negotiation_title"),
                body=letters.negotiation_letter(t.answers, sender=sender(t)),
            ),
        )
    else:
        t.say(t.msg(f"offer_{decision}", company=t.subject.company))


def compare(t: Turn, key: str, base: float, other: float) -> str:
    percent = round((base - other) / other * 100)
    side = t.label("above" if percent >= 0 else "below")
    return t.msg(key, percent=abs(percent), side=side)


@registry.closing("rejection")
def close_rejection(t: Turn) -> None:
    show_feedback_request(t)
    t.say(t.msg("rejection_done", company=t.subject.company))


def show_feedback_request(t: Turn) -> None:
    t.say(
        t.msg("feedback_draft"),
        attachment=Attachment(
            title=t.label("feedback_title"),
            body=letters.feedback_request(t.answers, sender=sender(t)),
        ),
    )


@registry.closing("feedback")
def close_feedback(t: Turn) -> None:
    """Feedback recorded, and turned into one thing to do (it joins the common thread as well)."""
    t.answers[Fact.FEEDBACK_REQUESTED] = True
    t.say(t.msg("feedback_done"))
    found = themes_of(str(t.answers.get(QuestionId.FEEDBACK_RECEIVED) or ""), t.flow.themes)
    theme = next((th for th in t.flow.themes if found and th.id == found[0]), None)
    if theme is None:
        t.say(t.msg("feedback_action_general"))
    else:
        t.say(t.msg("feedback_action", name=theme.name.lower(), step=theme.step))


@registry.verb("decided")
def do_decided(t: Turn, decision: str) -> None:
    t.answers[QuestionId.OFFER_DECISION] = decision
    say_decision(t, decision)
