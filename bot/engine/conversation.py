"""Commands about the debrief in hand: help, new, list, status, back, skip, edit, cancel."""

from __future__ import annotations

from dataclasses import dataclass

from bot import actions, dates
from bot.answers import short
from bot.commands import Command, parse_command
from bot.engine import registry
from bot.engine.answering import advance, answer_letters, end_list, start_new, store
from bot.engine.asking import BUTTON_LABEL_MAX, ask, idle, idle_buttons, prompt_text, show_value
from bot.engine.cursor import (
    current_value,
    editable_questions,
    first_field_pos,
    first_pos,
    pending_question,
    progress_bar,
)
from bot.engine.turn import Turn
from bot.flow import TOTAL_STEPS
from bot.inputs import loose
from bot.messages import Button
from bot.model import QuestionId
from bot.nudges import CANCELLED, DONE, IN_PROGRESS, UPCOMING

LIST_LIMIT = 20  # interviews shown by `list` (and so buttons: Slack and Discord allow 25)


def run_command(t: Turn, command: Command) -> None:
    if not t.conv.get("welcomed") and command.name not in ("new", "help"):
        if t.status != IN_PROGRESS:  # a first message can be a command, too; "skip" mid-debrief is none
            t.say(t.msg("first_welcome"))
        t.conv["welcomed"] = True
    registry.COMMANDS[command.name](t, command)


@registry.command("help")
def cmd_help(t: Turn, _: Command) -> None:
    t.say(t.flow.help_text, () if t.iv else idle_buttons(t))
    if t.iv is not None:
        ask(t, intro=False)


@registry.command("new")
def cmd_new(t: Turn, _: Command) -> None:
    if t.iv is not None and t.status == IN_PROGRESS and not t.answers:
        t.set_pos(first_pos(t))  # nothing to keep: start this one over
        ask(t, intro=True)
        return
    if t.iv is not None and t.status == IN_PROGRESS:
        t.say(t.msg("paused_other", company=t.subject.company))
    start_new(t)


@registry.command("list")
def cmd_list(t: Turn, _: Command) -> None:
    """Every interview, numbered for `resume N`, each with a button in the same order."""
    items = t.snap.interviews
    if not items:
        t.say(t.msg("list_empty"), (Button(t.label("new_debrief"), actions.command("new")),))
        return
    lines = [t.msg("list_header")]
    if len(items) > LIST_LIMIT:
        lines.append(t.label("list_more", count=len(items) - LIST_LIMIT))
    rows = interview_rows(t, LIST_LIMIT)
    lines += [row.line for row in rows]
    lines.append(t.msg("list_footer"))
    t.say("\n".join(lines), tuple(row.button for row in rows))


@dataclass(frozen=True)
class InterviewRow:
    """One interview as `list` (`line`, numbered) and `home` (`entry`) show it, and the button that
    opens it."""

    line: str
    entry: str
    button: Button


def interview_rows(t: Turn, limit: int) -> list[InterviewRow]:
    """The latest `limit` interviews, numbered as `resume N` counts them."""
    rows = []
    for number, item in list(enumerate(t.snap.interviews, start=1))[-limit:]:
        title = " · ".join(p for p in (item.company, item.role) if p) or t.label("unnamed")
        day = dates.show_day((item.interview_at or item.created_at).astimezone(t.tz).date())
        if item.status == IN_PROGRESS:
            where = "state_in_progress" if item.id == t.conv.get("active") else "state_paused"
            state = t.label("state_step", step=item.step, total=TOTAL_STEPS, state=t.label(where))
            verb = "resume_button"
        elif item.status == UPCOMING:
            state, verb = t.label("state_upcoming"), "start_button"
        else:
            state = t.label("state_done" if item.status == DONE else "state_cancelled")
            verb = "open_button" if item.status == DONE else "reopen_button"
        company = short(item.company or t.label("unnamed"), 40)
        entry = t.label("interview_entry", title=short(title, 80), day=day, state=state)
        rows.append(
            InterviewRow(
                t.label("list_line", number=number, entry=entry),
                entry,
                Button(t.label(verb, number=number, company=company), actions.command("resume", number)),
            )
        )
    return rows


@registry.command("status")
def cmd_status(t: Turn, _: Command) -> None:
    if t.iv is None or t.pos is None:
        t.say(t.msg("nothing_active"), idle_buttons(t))
        return
    section = t.flow.section_of[t.at["q"]]
    title = " · ".join(p for p in (t.answers.get(QuestionId.COMPANY), t.answers.get(QuestionId.ROLE)) if p)
    head = f"**{title}**\n" if title else ""
    t.say(
        t.label(
            "status",
            head=head,
            step=section.step,
            total=TOTAL_STEPS,
            title=section.title,
            bar=progress_bar(section.step),
            prompt=prompt_text(t),
        )
    )


@registry.command("back")
def cmd_back(t: Turn, _: Command) -> None:
    if t.iv is None or t.pos is None:
        t.say(t.msg("nothing_active"), idle_buttons(t))
        return
    history = t.cursor.setdefault("history", [])
    if not history:
        t.say(t.msg("nothing_to_go_back"))
        ask(t, intro=False)
        return
    previous = history.pop()
    if previous == t.cursor.get("return_to"):  # backing out of an edit ends it
        t.cursor.pop("return_to")
    t.set_pos(previous)
    t.say(t.msg("back"))
    ask(t, intro=False)


@registry.command("skip")
def cmd_skip(t: Turn, _: Command) -> None:
    if t.iv is None or t.pos is None:
        t.say(t.msg("nothing_active"), idle_buttons(t))
        return
    q, fq = pending_question(t)
    if current_value(t) is not None or q.id == QuestionId.LETTER_EDIT:  # skipping keeps what was there
        t.say(t.msg("skipped"))
        advance(t)
    elif q.kind == "list" and t.field == q.fields[0].id:
        t.say(t.msg("list_empty_skipped"))
        end_list(t, q)
    elif fq.required:
        t.say(t.msg("required"))
        ask(t, intro=False)
    elif fq.kind == "letters":
        answer_letters(t, "later")
    else:
        store(t, t.now.isoformat() if fq.skip_means_now else None)
        t.say(t.msg("skipped"))
        advance(t)


@registry.command("edit")
def cmd_edit(t: Turn, command: Command) -> None:
    number = command.number
    if t.iv is None or t.pos is None:
        t.say(t.msg("nothing_active"), idle_buttons(t))
        return
    editable = editable_questions(t)
    if not editable:
        t.say(t.msg("edit_none"))
        ask(t, intro=False)
        return
    if number is not None:
        start_edit(t, number)
        return
    t.conv["mode"] = "edit_pick"
    buttons = tuple(
        Button(short(f"{q.label}: {show_value(t, q)}", BUTTON_LABEL_MAX), actions.command("edit", n))
        for n, q in enumerate(editable, 1)
    )
    t.say(t.msg("edit_pick"), (*buttons[:24], Button(t.label("cancel"), actions.command("cancel"))))


@registry.command("cancel")
def cmd_cancel(t: Turn, _: Command) -> None:
    if t.conv.get("mode") == "edit_pick":
        t.conv["mode"] = None
        t.say(t.msg("cancel_edit"))
        ask(t, intro=False)
    elif t.cursor.get("return_to"):
        t.set_pos(t.cursor.pop("return_to"))
        t.say(t.msg("edit_stopped"))
        ask(t, intro=False)
    elif t.iv is None:
        t.say(t.msg("nothing_active"), idle_buttons(t))
    else:
        t.conv["mode"] = "confirm_cancel"
        t.say(
            t.msg("cancel_confirm", company=t.subject.company),
            (
                Button(t.label("cancel_yes"), actions.confirm("cancel", "yes")),
                Button(t.label("cancel_no"), actions.confirm("cancel", "no")),
            ),
        )


def confirm_cancel(t: Turn, stop: bool) -> None:
    t.conv["mode"] = None
    if t.iv is None:
        idle(t)
    elif stop:
        t.status = CANCELLED
        t.conv["active"] = None
        t.say(t.msg("cancelled", company=t.subject.company), idle_buttons(t))
    else:
        t.say(t.msg("cancel_kept"))
        ask(t, intro=False)


def edit_pick(t: Turn, text: str) -> None:
    """The answer to "which answer would you like to change?": a number, a label or a command."""
    command = parse_command(text, t.flow)
    if isinstance(command, Command) and command.name in ("cancel", "back"):
        cmd_cancel(t, Command("cancel"))
        return
    if isinstance(command, Command) and not (command.name == "edit" and command.number is None):
        t.conv["mode"] = None
        run_command(t, command)
        return
    editable = editable_questions(t)
    word = loose(text)
    by_label = (n for n, q in enumerate(editable, 1) if word in (loose(q.label), q.id))
    number = int(word) if word.isdecimal() else next(by_label, None)
    if number is None:
        retry_edit_pick(t)
    else:
        start_edit(t, number)


def retry_edit_pick(t: Turn) -> None:
    t.say(t.msg("edit_unknown"))
    cmd_edit(t, Command("edit"))


def start_edit(t: Turn, number: int) -> None:
    editable = editable_questions(t)
    if not 1 <= number <= len(editable):
        retry_edit_pick(t)
        return
    t.conv["mode"] = None
    q = editable[number - 1]
    t.cursor.setdefault("return_to", t.at)
    t.cursor.setdefault("history", []).append(t.at)  # so `back` returns to where they were
    t.set_pos(first_field_pos(t, q))
    ask(t, intro=False)
