"""One turn from start to end: what kind of input it is, and which handler answers it."""

from __future__ import annotations

import re
from datetime import datetime

from bot import actions, calendars
from bot.answers import short
from bot.commands import Command, UnknownCommand, parse_command
from bot.engine import registry
from bot.engine.answering import answer_option_index, answer_text, start_new
from bot.engine.asking import ask, idle, idle_buttons, retry, stale
from bot.engine.conversation import cmd_help, confirm_cancel, edit_pick, run_command
from bot.engine.cursor import button_token
from bot.engine.invitations import calendar_files, invite_answer, invite_click, on_invitation, read_invitation
from bot.engine.news import pick_told, tell_news
from bot.engine.reminders import PAUSE_ANSWERS, confirm_pause, pause_answer
from bot.engine.resuming import note_upcoming, read_announcement
from bot.engine.turn import Turn
from bot.engine.your_data import answer_priorities, confirm_forget
from bot.flow import Flow, load_flow
from bot.inputs import MAX_MESSAGE_CHARS, clean_text, loose
from bot.messages import Attachment
from bot.model import Input, Outcome, Snapshot
from bot.nudges import IN_PROGRESS, base_kind, family

# "I just had an interview at ACME for the designer role" names the company.
_COMPANY_HINT = re.compile(
    r"\binterview(?:ed)?\s+(?:at|with)\s+(?P<company>[^.,!?;:\n]{1,80}?)"
    r"(?=\s+(?:for|today|this|just|yesterday|earlier|and|about)\b|\s*[.,!?;:\n]|\s*$)",
    re.IGNORECASE,
)


def run(t: Turn, incoming: Input) -> Outcome:
    if incoming.calendar is not None:  # a calendar file shared: whatever came with it is about it
        on_invitation(t, read_invitation(t, incoming.calendar))
    elif incoming.kind == "open":
        on_open(t)
    elif incoming.kind == "nudge":
        on_nudge(t, incoming.action or "")
    elif actions.parse(incoming.action).kind == "interview":
        on_subject_action(t, incoming.action or "")
    elif incoming.kind == "action":
        on_action(t, incoming.action or "", incoming.text)
    else:
        on_message(t, incoming.text or "")
    if t.needs:
        return Outcome(t.snap.conversation, [], needs=t.needs)
    calendar_files(t)
    if not t.replies and t.follow_up is None:  # every turn answers something
        idle(t)
    return t.outcome()


def on_open(t: Turn) -> None:
    t.conv["mode"] = None  # a half-answered menu does not survive leaving the chat
    if t.iv is not None:
        t.say(t.msg("open_resume", company=t.subject.company))
        ask(t)
    elif t.snap.interviews:
        t.say(t.msg("open_idle"), idle_buttons(t))
    else:
        t.say(t.msg("first_welcome"))
        t.say(t.msg("open_first"))
        t.conv["welcomed"] = True


def on_action(t: Turn, action: str, text: str | None = None) -> None:
    clicked = actions.parse(action)
    if clicked.kind == "answer" and clicked.index == actions.FORM_TEXT:
        answer_from_form(t, clicked.token, text or "")
        return
    # The answer to an "are you sure?": its replies, and what each one does.
    confirms = {
        "cancel": (("yes", "no"), lambda reply: confirm_cancel(t, reply == "yes")),
        "forget": (("yes", "no"), lambda reply: confirm_forget(t, reply == "yes")),
        "pause": (PAUSE_ANSWERS, lambda reply: confirm_pause(t, reply)),
    }
    if clicked.kind == "confirm" and clicked.name.startswith("invite"):
        invite_click(t, clicked.name.removeprefix("invite"), clicked.reply)
        return
    if clicked.kind == "confirm" and clicked.name in confirms and clicked.reply in confirms[clicked.name][0]:
        if t.conv.get("mode") != f"confirm_{clicked.name}":
            stale(t)  # the question was answered or dropped meanwhile
        else:
            confirms[clicked.name][1](clicked.reply)
        return
    if clicked.kind == "command" and clicked.name in t.flow.commands:
        if not (clicked.name == "cancel" and t.conv.get("mode") == "edit_pick"):
            t.conv["mode"] = None
        run_command(t, Command(clicked.name, clicked.number))
        return
    if (
        clicked.kind == "answer"
        and t.iv is not None
        and t.pos is not None
        and clicked.token == button_token(t)
    ):
        t.conv["mode"] = None
        if clicked.index == actions.OPEN_FORM:  # no box here (a pipe): the question, to answer by typing
            ask(t)
        else:
            answer_option_index(t, clicked.index)
        return
    stale(t)


def answer_from_form(t: Turn, token: str, raw: str) -> None:
    """What was typed in a form: the answer to the question that offered it. If that question was
    answered meanwhile, the text is handed back to copy, never silently dropped."""
    if len(raw) > MAX_MESSAGE_CHARS:
        retry(t, "too_long", limit=f"{MAX_MESSAGE_CHARS:,}", length=f"{len(raw):,}")
        return
    text = clean_text(raw)
    if t.iv is None or t.pos is None or token != button_token(t):
        if not text:
            stale(t)
            return
        t.say(t.msg("form_late"), attachment=Attachment(t.label("form_late_title"), text))
        if t.iv is not None and t.pos is not None:
            ask(t)
        return
    if not text:
        retry(t, "empty")
        return
    t.conv["mode"] = None
    answer_text(t, text)


def on_message(t: Turn, raw: str) -> None:
    if calendars.looks_like_calendar(raw) and len(raw) <= calendars.ICS_MAX_BYTES:  # a whole .ics pasted
        on_invitation(t, read_invitation(t, raw))
        return
    if len(raw) > MAX_MESSAGE_CHARS:
        retry(t, "too_long", limit=f"{MAX_MESSAGE_CHARS:,}", length=f"{len(raw):,}")
        return
    text = t.text = clean_text(raw)
    if not text:
        retry(t, "empty")
        return
    just_asked = t.conv.pop("asked_news", None)  # lives for the one message after an "any news?"
    # Pasted from a calendar: no answer to a question. (Unreadable as one, it is read as words.)
    if calendars.looks_like_invitation(raw) and (invitation := read_invitation(t, raw)) is not None:
        on_invitation(t, invitation)
        return
    if answer_mode(t, text):
        return
    command = parse_command(text, t.flow)
    if (
        t.iv is not None
        and just_asked
        and not isinstance(command, Command)
        and tell_news(t, text, just_asked)
    ):
        return  # the reply to a check-in, though another debrief is open
    if isinstance(command, Command):
        run_command(t, command)
    elif isinstance(command, UnknownCommand):
        t.say(t.msg("unknown_command", command=command.word))
        cmd_help(t, Command("help"))
    elif t.iv is None:
        without_interview(t, text, just_asked)
    else:
        answer_text(t, text)


def answer_mode(t: Turn, text: str) -> bool:
    """A message while an "are you sure?" or a menu waits: True when it answered that."""
    mode, word = t.conv.get("mode"), loose(text)
    if mode == "confirm_forget":  # only a clear yes deletes; anything else keeps everything
        confirm_forget(t, word in t.flow.words["yes"] or word in ("delete", "delete everything"))
        return True
    if mode == "confirm_cancel":
        if word in t.flow.words["yes"] or word in t.flow.commands["cancel"]:
            confirm_cancel(t, True)
            return True
        t.conv["mode"] = None
        if word in t.flow.words["no"]:
            confirm_cancel(t, False)
            return True
    elif mode == "edit_pick":
        edit_pick(t, text)
        return True
    elif mode in ("invite_company", "confirm_invite"):
        return invite_answer(t, text, word)
    elif mode == "news_pick":
        return pick_told(t, text)
    elif mode == "priorities":
        command = parse_command(text, t.flow)
        if isinstance(command, Command) and command.name != "skip":
            t.conv["mode"] = None  # another command: the question is dropped, asked again next time
            return False
        answer_priorities(t, text)
        return True
    elif mode == "confirm_pause":
        answer = pause_answer(t, word)
        if answer is not None:
            confirm_pause(t, answer)
            return True
        t.conv["mode"] = None  # something else: say the pause is not set, then read it as usual
        t.conv.pop("pause_offer", None)
        t.say(t.msg("pause_not_set"))
    return False


def without_interview(t: Turn, text: str, just_asked: str | None = None) -> None:
    """A message when no debrief is active: a first-timer or a named interview starts one."""
    if tell_news(t, text, just_asked):
        return
    announced = read_announcement(text, now=t.now, tz=t.tz)
    if announced is not None:  # an interview still to come: a prep note before it, the debrief after
        note_upcoming(t, announced)
        return
    named = _COMPANY_HINT.search(text)
    if named or not t.snap.interviews:
        start_new(t, short(named.group("company").strip(), 200) if named else None)
    elif loose(text) in t.flow.words["greetings"]:
        t.say(t.msg("open_idle"), idle_buttons(t))
    else:
        idle(t)


def on_nudge(t: Turn, kind: str) -> None:
    if t.iv is None:
        return
    registry.NUDGES[family(kind)](t, base_kind(kind))


def on_subject_action(t: Turn, action: str) -> None:
    t.conv["mode"] = None  # another button ends a pending "are you sure?" or menu
    clicked = actions.parse(action)
    verb, args = clicked.verb, clicked.args
    if t.iv is None or t.subject.id != clicked.interview_id:
        stale(t)
        return
    handler = registry.VERBS.get(verb)
    if handler is None:
        stale(t)
        return
    handler(t, *args)
    remind_of_active(t)


def remind_of_active(t: Turn) -> None:
    """After a reminder's button, point back to a debrief still waiting for an answer."""
    active = t.conv.get("active")
    if not active or active == t.subject.id or t.follow_up is not None:
        return
    waiting = next((i for i in t.snap.interviews if i.id == active and i.status == IN_PROGRESS), None)
    if waiting is not None:
        t.say(t.msg("still_debriefing", company=waiting.company or t.label("unnamed")))


def step(
    snapshot: Snapshot, incoming: Input, *, now: datetime, new_id: str, flow: Flow | None = None
) -> Outcome:
    """Run one turn of the conversation."""
    if now.tzinfo is None:
        raise ValueError("step() needs an aware `now`")
    return run(Turn(flow or load_flow(), snapshot, now, new_id), incoming)
