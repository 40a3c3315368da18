"""What each nudge says, with buttons that carry the interview they are about ("iv:<id>:<verb>"),
so they work whatever is active meanwhile.
"""

from __future__ import annotations

from bot import actions, dates, letters
from bot.engine import registry
from bot.engine.asking import iv_buttons, nudge_values, practice_for, sender
from bot.engine.cursor import step_of
from bot.engine.turn import Turn
from bot.flow import Flow
from bot.messages import Attachment, Button, Reply
from bot.model import Fact, Interview, NudgeFamily, QuestionId
from bot.nudges import family

NEWS = ("second", "offer", "rejected", "not_yet")


def nudge_fallback(t: Turn, kind: str) -> None:
    """A plain reminder of its kind, for when the usual wording lacks what it needs."""
    t.replies.extend(fallback_nudge(t.subject, kind, t.flow))


@registry.nudge(NudgeFamily.UNFINISHED)
def nudge_unfinished(t: Turn, kind: str) -> None:
    t.say(
        t.msg("nudge_unfinished", step=step_of(t.subject, t.flow), **nudge_values(t)),
        iv_buttons(
            t,
            ("resume_debrief", "resume"),
            ("tomorrow", f"snooze:{kind}:tomorrow"),
        ),
    )


@registry.nudge(NudgeFamily.THANK)
def nudge_thank_you(t: Turn, kind: str) -> None:
    drafted = QuestionId.LETTER_TOPIC in t.answers
    key = "nudge_thank_you_last" if kind == "thank_you_last" else "nudge_thank_you"
    if not drafted:
        key = "nudge_thank_you_draft"
    pairs = [("mark_sent", "sent"), ("show_letter", "letter")] if drafted else [("resume_debrief", "resume")]
    if kind != "thank_you_last":
        pairs.append(("in_two_hours", f"snooze:{kind}:2h"))
    t.say(t.msg(key, **nudge_values(t)), iv_buttons(t, *pairs))


@registry.nudge(NudgeFamily.CHECKIN)
def nudge_checkin(t: Turn, kind: str) -> None:
    if kind.startswith("checkin_stop"):
        t.say(
            t.msg("nudge_checkin_stop", **nudge_values(t)),
            iv_buttons(
                t,
                ("keep_asking", "checkins:keep"),
                ("stop_asking", "checkins:stop"),
            ),
        )
        return
    # Each button carries the news as it stood when asked, so an old check-in clicked
    # later cannot overwrite what has been told since.
    known = t.answers.get(Fact.NEWS) or "none"
    t.conv["asked_news"] = t.subject.id  # a reply in words ("they said no") is about this one
    buttons = iv_buttons(t, *((f"news_{news}", f"news:{news}:{known}") for news in NEWS))
    t.say(t.msg("nudge_checkin", **nudge_values(t)), buttons)


@registry.nudge(NudgeFamily.SECOND)
def nudge_second_prep(t: Turn, kind: str) -> None:
    second_at = dates.stored_moment(t.answers.get(QuestionId.SECOND_AT))
    if second_at is None:
        nudge_fallback(t, kind)
        return
    if kind == "second_thanks":
        t.say(
            t.msg("nudge_second_thanks", company=t.subject.company),
            attachment=Attachment(
                title=t.label("second_thanks_title"),
                body=letters.second_thank_you(t.answers, sender=sender(t), flow=t.flow),
            ),
        )
        return
    when = dates.show_moment(second_at, t.tz)
    if kind.endswith("evening"):  # the whole sheet once more, the evening before
        t.say(t.msg("nudge_second_evening", company=t.subject.company, when=when))
        t.say(letters.prep_sheet(t.answers, when=when, practice=practice_for(t), thread=t.conv.get("thread")))
        return
    # The morning of: not the sheet a third time, only what matters most today.
    t.say(t.msg("nudge_second_morning", company=t.subject.company, when=when))
    glance = letters.prep_glance(t.answers, flow=t.flow)
    if glance:
        t.say(glance)


@registry.nudge(NudgeFamily.OFFER)
def nudge_offer_deadline(t: Turn, kind: str) -> None:
    day = dates.stored_day(t.answers.get(QuestionId.OFFER_DEADLINE))
    if day is None:
        nudge_fallback(t, kind)
        return
    deadline = dates.show_day(day)
    # On the deadline day itself, "tomorrow" would be too late.
    later = (
        ("in_two_hours", f"snooze:{kind}:2h")
        if kind.endswith("_2")
        else ("tomorrow", f"snooze:{kind}:tomorrow")
    )
    t.say(
        t.msg("nudge_offer_deadline", company=t.subject.company, deadline=deadline),
        iv_buttons(
            t,
            ("decided_accept", "decided:accept"),
            ("decided_decline", "decided:decline"),
            later,
        ),
    )


@registry.nudge(NudgeFamily.FEEDBACK)
def nudge_feedback(t: Turn, kind: str) -> None:
    t.say(
        t.msg("nudge_feedback", company=t.subject.company),
        iv_buttons(
            t,
            ("show_note", "feedback:show"),
            ("feedback_sent", "feedback:sent"),
            ("feedback_received", "feedback:received"),
        ),
    )


@registry.nudge(NudgeFamily.UPCOMING)
def nudge_upcoming(t: Turn, kind: str) -> None:
    start = dates.stored_moment(t.answers.get(Fact.UPCOMING_START))
    if kind == "upcoming_prep":
        if start is None:
            nudge_fallback(t, kind)
            return
        when = dates.show_moment(start, t.tz)
        t.say(t.msg("nudge_upcoming_prep", company=t.subject.company, when=when))
        for theme in (t.conv.get("thread") or [])[:1]:  # what keeps coming up: be ready for it here too
            t.say(t.msg("upcoming_thread", name=theme.get("name", ""), step=theme.get("step", "")))
        return
    t.say(
        t.msg("nudge_upcoming_debrief", company=t.subject.company),
        iv_buttons(t, ("start_debrief", "start"), ("in_an_hour", f"snooze:{kind}:1h")),
    )


def fallback_nudge(interview: Interview, kind: str, flow: Flow) -> list[Reply]:
    """A reminder of `kind` worded from nothing but the company: what is sent when the usual
    wording fails, so that a broken template never costs the person the reminder itself."""
    text = flow.message("nudge_fallback", what=flow.label(f"kind_{family(kind)}"), company=interview.company)
    return [Reply(text, (Button(flow.label("resume_debrief"), actions.about(interview.id, "resume")),))]
