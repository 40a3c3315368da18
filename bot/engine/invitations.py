"""Calendars in the chat: an invitation shared (an .ics file, or its text pasted) becomes an interview to
come once the person confirms it; a date told for an interview to come, a second interview or an offer
deadline comes back as an "Add to calendar" file."""

from __future__ import annotations

import zlib
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot import actions, calendars, dates
from bot.answers import person, short
from bot.commands import Command, UnknownCommand, parse_command
from bot.engine import registry
from bot.engine.asking import ask, idle_buttons, join_names
from bot.engine.resuming import Announced, note_upcoming
from bot.engine.turn import Turn
from bot.inputs import loose
from bot.messages import Attachment, Button, Reply
from bot.model import Fact, InterviewSummary, QuestionId
from bot.nudges import CANCELLED, IN_PROGRESS, UPCOMING
from bot.voice import capitalised

INVITE_ALARM = timedelta(hours=1)
# An offer deadline is a whole day: the alarm at 9:00 the day before (15 hours before its midnight).
DEADLINE_ALARM = timedelta(hours=15)


def read_invitation(t: Turn, raw: str) -> calendars.Invitation | None:
    return calendars.invitation_from(raw, now=t.now, tz=t.tz, me=t.snap.display_name)


def on_invitation(t: Turn, invitation: calendars.Invitation | None) -> None:
    """An invitation: what it says, and one button to keep it as an interview to come."""
    t.conv["mode"] = None
    if not t.conv.get("welcomed"):  # sharing an invitation can be someone's very first message
        t.say(t.msg("first_welcome"))
        t.conv["welcomed"] = True
    if invitation is None:
        t.say(t.msg("invite_unread"))
        _back_to_question(t)
        return
    if invitation.recurring:
        t.say(t.msg("invite_recurring"))
        _back_to_question(t)
        return
    when = calendars.show_span(invitation.start, invitation.end, t.tz, all_day=invitation.all_day)
    if invitation.cancelled:
        _called_off(t, invitation, when)
        return
    if invitation.start < t.now:
        t.say(t.msg("invite_past", when=when))
        _back_to_question(t)
        return
    known = _upcoming_like(t, invitation)
    if len(known) == 1 and known[0].interview_at == invitation.start:  # shared twice
        t.say(t.msg("invite_known", company=known[0].company or t.label("unnamed"), when=when))
        _back_to_question(t)
        return
    pending: dict[str, Any] = {
        "token": f"{zlib.crc32(f'{invitation.start}|{invitation.title}'.encode()):08x}",
        "title": invitation.title,
        "company": invitation.company,
        "role": invitation.role,
        "start": invitation.start.isoformat(),
        "end": invitation.end.isoformat() if invitation.end else None,
        "all_day": invitation.all_day,
        "people": [list(p) for p in invitation.people],
    }
    t.conv["invitation"] = pending
    if invitation.company is None:
        t.conv["mode"] = "invite_company"
        t.say(t.msg("invite_no_company", when=when))
        return
    moved = [
        i for i in known if i.interview_at and (i.company or "").casefold() == invitation.company.casefold()
    ]
    if moved:  # the employer's interview to come, at another time: most likely rescheduled
        _offer_move(t, pending, moved[0], when)
        return
    _offer(t, pending)


def _offer_move(t: Turn, pending: dict[str, Any], known: InterviewSummary, when: str) -> None:
    """An updated invitation: move the interview already kept, or keep both (a second round)."""
    assert known.interview_at is not None
    t.conv["mode"] = "confirm_invite"
    start = int(datetime.fromisoformat(pending["start"]).timestamp())
    end = int(datetime.fromisoformat(pending["end"]).timestamp()) if pending.get("end") else 0
    company = known.company or t.label("unnamed")
    t.say(
        t.msg("invite_moved", company=company, old=dates.show_moment(known.interview_at, t.tz), new=when),
        (
            Button(t.label("invite_move"), actions.about(known.id, "move_to", start, end)),
            Button(t.label("invite_both"), actions.confirm(f"invite{pending['token']}", "yes")),
            Button(t.label("invite_no"), actions.confirm(f"invite{pending['token']}", "no")),
        ),
    )


def _offer(t: Turn, pending: dict[str, Any]) -> None:
    t.conv["mode"] = "confirm_invite"
    start = datetime.fromisoformat(pending["start"])
    end = datetime.fromisoformat(pending["end"]) if pending.get("end") else None
    shown = calendars.show_span(start, end, t.tz, all_day=pending.get("all_day", False))
    names = [name or email for name, email in pending.get("people") or []]
    with_whom = t.msg("invite_with", people=join_names(t, names)) if names else ""
    role = f" ({pending['role']})" if pending.get("role") else ""
    company = capitalised(pending["company"])
    text = t.msg("invite_found", company=company, role=role, when=shown, with_whom=with_whom)
    if pending.get("all_day"):
        text += "\n" + t.msg("invite_all_day")
    t.say(
        text,
        (
            # The buttons name their invitation: a click on an older one's changes nothing.
            Button(t.label("invite_yes"), actions.confirm(f"invite{pending['token']}", "yes")),
            Button(t.label("invite_no"), actions.confirm(f"invite{pending['token']}", "no")),
        ),
    )


def invite_click(t: Turn, token: str, reply: str) -> None:
    """ "Keep it" or "Not now" on an invitation: the one waiting, or an older one (nothing changes)."""
    pending = t.conv.get("invitation") or {}
    if t.conv.get("mode") != "confirm_invite" or pending.get("token") != token or reply not in ("yes", "no"):
        t.say(t.msg("invite_stale"))
        return
    confirm_invite(t, reply == "yes")


def invite_answer(t: Turn, text: str, word: str) -> bool:
    """A message while an invitation waits for its company or for "keep it?": True when it answered;
    False when it is something else (a command, say), read as usual once the invitation is let go."""
    if t.conv.get("mode") == "invite_company":
        return invite_company(t, text, word)
    keep = (*t.flow.words["yes"], loose(t.label("invite_yes")))
    drop = (*t.flow.words["no"], loose(t.label("invite_no")))
    if word in keep or word in drop:
        confirm_invite(t, word in keep)
        return True
    t.conv["mode"] = None  # something else: the invitation is dropped, the message read as usual
    t.conv.pop("invitation", None)
    return False


def invite_company(t: Turn, text: str, word: str) -> bool:
    """The answer to "who is it with?" for an invitation that did not say. A command is no employer:
    the invitation is let go and the command runs; "idk" lets it go with a word on how to come back."""
    pending = t.conv.get("invitation")
    company = short(" ".join(text.split()).strip(" .,!"), 200)
    command = parse_command(text, t.flow)
    if isinstance(command, Command) and command.name in ("cancel", "skip"):  # "leave it"
        confirm_invite(t, False)
        return True
    if not pending or isinstance(command, (Command, UnknownCommand)):
        t.conv["mode"] = None
        t.conv.pop("invitation", None)
        return False
    if word in t.flow.words["dont_know"] or word in t.flow.words["no"]:
        t.conv["mode"] = None
        t.conv.pop("invitation", None)
        t.say(t.msg("invite_company_unknown"))
        _back_to_question(t)
        return True
    if len(word) < 2 or word.isdecimal():
        t.say(t.msg("invite_no_company_again"))
        return True
    pending["company"] = company
    pending["role"] = calendars.role_from(pending["title"], company)
    _offer(t, pending)
    return True


def confirm_invite(t: Turn, keep: bool) -> None:
    t.conv["mode"] = None
    pending = t.conv.pop("invitation", None)
    if not keep or not pending:
        t.say(t.msg("invite_dropped"))
        _back_to_question(t)
        return
    start = datetime.fromisoformat(pending["start"])
    if start < t.now:  # confirmed too late: it has begun
        t.say(t.msg("invite_past", when=dates.show_moment(start, t.tz)))
        return
    end = datetime.fromisoformat(pending["end"]) if pending.get("end") else None
    active = t.conv.get("active")
    note_upcoming(t, Announced(pending["company"], start, end))
    if t.status != UPCOMING:  # too far ahead: nothing was kept
        return
    t.in_calendar = True
    people = [person(f"{name} {email}".strip()) for name, email in pending.get("people") or []]
    if people:
        t.answers[QuestionId.INTERVIEWERS] = people
    if pending.get("role"):
        t.answers[QuestionId.ROLE] = pending["role"]
    if active:
        t.say(t.msg("still_debriefing", company=_company_of(t, active)))


def _called_off(t: Turn, invitation: calendars.Invitation, when: str) -> None:
    """A cancellation: offer to take the matching interview to come off the list."""
    matches = _upcoming_like(t, invitation)
    if not matches:
        t.say(t.msg("invite_cancelled_unknown", when=when))
        _back_to_question(t)
        return
    match = matches[0]
    t.say(
        t.msg("invite_cancelled", company=match.company, when=when),
        (Button(t.label("invite_drop"), actions.about(match.id, "called_off")),),
    )


def _upcoming_like(t: Turn, invitation: calendars.Invitation) -> list[InterviewSummary]:
    """The interview to come an invitation is about: at its time and with its employer, else the one
    at its time, else the one with its employer; [] when none or several could be."""
    company = (invitation.company or "").casefold()
    upcoming = [i for i in t.snap.interviews if i.status == UPCOMING]
    same_time = [i for i in upcoming if i.interview_at == invitation.start]
    same_company = [i for i in upcoming if company and (i.company or "").casefold() == company]
    both = [i for i in same_time if i in same_company]
    return next((found for found in (both, same_time, same_company) if len(found) == 1), [])


@registry.verb("move_to")
def do_move_to(t: Turn, start: str, end: str) -> None:
    """A rescheduled interview to come: its new time, and its prep and debrief reminders with it."""
    t.conv["mode"] = None
    t.conv.pop("invitation", None)
    if t.status != UPCOMING:
        t.say(t.msg("invite_drop_gone"))
        return
    moment = datetime.fromtimestamp(int(start), tz=UTC)
    t.answers[Fact.UPCOMING_START] = moment.isoformat()
    if int(end):
        t.answers[Fact.UPCOMING_END] = datetime.fromtimestamp(int(end), tz=UTC).isoformat()
    else:
        t.answers.pop(Fact.UPCOMING_END, None)
    t.in_calendar = True  # the new time is in their calendar: the invitation said so
    t.say(t.msg("invite_rescheduled", company=t.subject.company, when=dates.show_moment(moment, t.tz)))


@registry.verb("called_off")
def do_called_off(t: Turn) -> None:
    """The employer cancelled an interview to come: off the list, and its reminders with it."""
    if t.status != UPCOMING:
        t.say(t.msg("invite_drop_gone"))
        return
    t.status = CANCELLED
    t.say(t.msg("invite_dropped_interview", company=t.subject.company), idle_buttons(t))


def calendar_files(t: Turn) -> None:
    """A date just told for an interview to come, a second interview or an offer deadline: a file to
    add it to a calendar (not for an invitation, which is in their calendar already)."""
    if t.iv is None or t.in_calendar:
        return
    before = t.iv.answers
    company = capitalised(str(t.answers.get(QuestionId.COMPANY) or "")) or t.label("some_company")
    upcoming = dates.stored_moment(t.answers.get(Fact.UPCOMING_START))
    if (
        t.status == UPCOMING
        and upcoming
        and t.answers.get(Fact.UPCOMING_START) != before.get(Fact.UPCOMING_START)
    ):
        end = dates.stored_moment(t.answers.get(Fact.UPCOMING_END))
        _file(t, "interview", t.label("calendar_interview", company=company), upcoming, end, INVITE_ALARM)
    second = dates.stored_moment(t.answers.get(QuestionId.SECOND_AT))
    if second and t.answers.get(QuestionId.SECOND_AT) != before.get(QuestionId.SECOND_AT):
        _file(t, "second", t.label("calendar_second", company=company), second, None, INVITE_ALARM)
    deadline = dates.stored_day(t.answers.get(QuestionId.OFFER_DEADLINE))
    if deadline and t.answers.get(QuestionId.OFFER_DEADLINE) != before.get(QuestionId.OFFER_DEADLINE):
        _file(t, "offer", t.label("calendar_offer", company=company), deadline, None, DEADLINE_ALARM)


def _file(
    t: Turn, what: str, summary: str, start: datetime | date, end: datetime | None, alarm: timedelta
) -> None:
    assert t.iv is not None
    entry = calendars.CalendarEntry(
        uid=f"{t.iv.id}-{what}@debrief",  # the same event each time: a calendar updates it, never doubles it
        summary=summary,
        start=start,
        end=end,
        description=t.msg("calendar_description"),
        alarm_before=alarm,
        alarm_text=summary,
    )
    day = (start.astimezone(t.tz).date() if isinstance(start, datetime) else start).isoformat()
    company = str(t.answers.get(QuestionId.COMPANY) or "").casefold()
    name = "-".join("".join(c if c.isalnum() else " " for c in company).split())
    attachment = Attachment(
        title=summary,
        body=calendars.calendar_file(entry, stamp=t.now),
        filename=f"{what}-{name[:40] or 'interview'}-{day}.ics",
    )
    # Beside what was said about the date: before the next question, when one was just asked.
    asking = t.status == IN_PROGRESS and t.pos is not None and bool(t.replies)
    t.replies.insert(len(t.replies) - asking, Reply(t.msg("calendar_file"), attachment=attachment))


def _back_to_question(t: Turn) -> None:
    """After a word about an invitation, the debrief in progress goes on where it was."""
    if t.iv is not None and t.status == IN_PROGRESS and t.pos is not None:
        ask(t)


def _company_of(t: Turn, interview_id: str) -> str:
    found = next((i for i in t.snap.interviews if i.id == interview_id), None)
    return (found.company if found else None) or t.label("unnamed")
