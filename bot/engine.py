"""The pure conversation engine: (snapshot, input, now) -> (new state, replies). No I/O, no clock.

State is plain JSON-able data so it can be stored with the turn and resumed after any restart:
- the conversation (on the user): which interview is active and any pending mode (edit, cancel);
- the interview: its answers, and a cursor with the pending position and the history for `back`.
A position is {"q": question id, "item": list index or None, "field": list field id or None}.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from bot import actions, answers, dates, timing
from bot.answers import short
from bot.commands import Command, UnknownCommand, parse_command
from bot.cursor import progress_bar
from bot.days_after import DaysAfter
from bot.flow import TOTAL_STEPS, Flow, Option, Question, check_names, load_flow
from bot.inputs import MAX_MESSAGE_CHARS, clean_text, loose
from bot.insights import MIN_INTERVIEWS
from bot.letters import Letter, debrief_summary, thank_you_letters
from bot.messages import Attachment, Button, Reply
from bot.model import Fact, Input, Interview, InterviewSummary, Outcome, QuestionId, Snapshot
from bot.nudges import CANCELLED, DONE, IN_PROGRESS, UPCOMING
from bot.reminder_commands import PAUSE_ANSWERS, ReminderCommands, news_in
from bot.your_data import YourData

HISTORY_LIMIT = 200
LIST_LIMIT = 20  # interviews shown by `list` (and so buttons: Slack and Discord allow 25)
CHOICE_KINDS = ("choice", "yesno", "letters")
BUTTON_LABEL_MAX = 75  # Slack's limit for a button's text; Discord allows 80
# "I just had an interview at ACME for the designer role" names the company.
_COMPANY_HINT = re.compile(
    r"\binterview(?:ed)?\s+(?:at|with)\s+(?P<company>[^.,!?;:\n]{1,80}?)"
    r"(?=\s+(?:for|today|this|just|yesterday|earlier|and|about)\b|\s*[.,!?;:\n]|\s*$)",
    re.IGNORECASE,
)


def new_conversation() -> dict[str, Any]:
    return {"active": None, "mode": None, "welcomed": False}


def step(
    snapshot: Snapshot, incoming: Input, *, now: datetime, new_id: str, flow: Flow | None = None
) -> Outcome:
    """Run one turn of the conversation."""
    if now.tzinfo is None:
        raise ValueError("step() needs an aware `now`")
    return _Turn(flow or load_flow(), snapshot, now, new_id).run(incoming)


class _Values(dict[str, str]):
    """Prompt values; an unknown {name} stays visible instead of crashing the turn."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class _Turn(DaysAfter, ReminderCommands, YourData):
    """One turn's working copy of the state; `run` returns the Outcome built from it."""

    def __init__(self, flow: Flow, snap: Snapshot, now: datetime, new_id: str) -> None:
        self.flow = flow
        self.snap = snap
        self.now = now
        self.new_id = new_id
        self.tz = dates.zone(snap.timezone)
        self.conv = {**new_conversation(), **copy.deepcopy(snap.conversation)}
        active = snap.active if snap.active and snap.active.id == self.conv.get("active") else None
        if active is None:
            self.conv["active"] = None
        # The interview this turn works on: the one a nudge is about, or else the active one.
        self.iv: Interview | None = snap.subject or active
        self.answers: dict[str, Any] = copy.deepcopy(self.iv.answers) if self.iv else {}
        self.cursor: dict[str, Any] = copy.deepcopy(self.iv.cursor) if self.iv else {}
        self.status = self.iv.status if self.iv else None
        self.replies: list[Reply] = []
        self.follow_up: Input | None = None
        self.needs: str | None = None
        self.text = ""
        self.forget = False
        self.changed = False

    # ---------------------------------------------------------------- outcome

    def outcome(self) -> Outcome:
        interview = None
        if self.iv is not None and self.changed:
            self.cursor["touched_at"] = self.now.isoformat()  # the unfinished-debrief nudge counts from here
            interview = replace(self.iv, answers=self.answers, cursor=self.cursor, status=self.status)
        return Outcome(self.conv, self.replies, interview, self.follow_up, forget=self.forget)

    def say(self, text: str, buttons: tuple[Button, ...] = (), attachment: Attachment | None = None) -> None:
        self.replies.append(Reply(text, buttons, attachment))

    def msg(self, key: str, **values: Any) -> str:
        return self.flow.message(key, **values)

    def label(self, key: str, **values: Any) -> str:
        return self.flow.label(key, **values)

    @property
    def pos(self) -> dict[str, Any] | None:
        return self.cursor.get("pos")

    def set_pos(self, pos: dict[str, Any] | None) -> None:
        self.cursor["pos"] = pos
        self.changed = True

    # ---------------------------------------------------------------- dispatch

    def run(self, incoming: Input) -> Outcome:
        if incoming.kind == "open":
            self.on_open()
        elif incoming.kind == "nudge":
            self.on_nudge(incoming.action or "")
        elif actions.parse(incoming.action).kind == "interview":
            self.on_subject_action(incoming.action or "")
        elif incoming.kind == "action":
            self.on_action(incoming.action or "")
        else:
            self.on_message(incoming.text or "")
        if self.needs:
            return Outcome(self.snap.conversation, [], needs=self.needs)
        if not self.replies and self.follow_up is None:  # every turn answers something
            self.idle()
        return self.outcome()

    def need(self, what: str) -> bool:
        """True when the turn must stop and be run again with `what` loaded."""
        if getattr(self.snap, what) is None:
            self.needs = what
            return True
        return False

    def on_open(self) -> None:
        self.conv["mode"] = None  # a half-answered menu does not survive leaving the chat
        if self.iv is not None:
            self.say(self.msg("open_resume", company=self.iv.company))
            self.ask()
        elif self.snap.interviews:
            self.say(self.msg("open_idle"), self.idle_buttons())
        else:
            self.say(self.msg("first_welcome"))
            self.say(self.msg("open_first"))
            self.conv["welcomed"] = True

    def on_action(self, action: str) -> None:
        clicked = actions.parse(action)
        # The answer to an "are you sure?": its replies, and what each one does.
        confirms = {
            "cancel": (("yes", "no"), lambda reply: self.confirm_cancel(reply == "yes")),
            "forget": (("yes", "no"), lambda reply: self.confirm_forget(reply == "yes")),
            "pause": (PAUSE_ANSWERS, self.confirm_pause),
        }
        if (
            clicked.kind == "confirm"
            and clicked.name in confirms
            and clicked.reply in confirms[clicked.name][0]
        ):
            if self.conv.get("mode") != f"confirm_{clicked.name}":
                self.stale()  # the question was answered or dropped meanwhile
            else:
                confirms[clicked.name][1](clicked.reply)
            return
        if clicked.kind == "command" and clicked.name in self.flow.commands:
            if not (clicked.name == "cancel" and self.conv.get("mode") == "edit_pick"):
                self.conv["mode"] = None
            self.command(Command(clicked.name, clicked.number))
            return
        if (
            clicked.kind == "answer"
            and self.iv is not None
            and self.pos is not None
            and clicked.token == self.token()
        ):
            self.conv["mode"] = None
            self.answer_option_index(clicked.index)
            return
        self.stale()

    def on_message(self, raw: str) -> None:
        if len(raw) > MAX_MESSAGE_CHARS:
            self.retry("too_long", limit=f"{MAX_MESSAGE_CHARS:,}", length=f"{len(raw):,}")
            return
        text = self.text = clean_text(raw)
        if not text:
            self.retry("empty")
            return
        if self.answer_mode(text):
            return
        command = parse_command(text, self.flow)
        if isinstance(command, Command):
            self.command(command)
        elif isinstance(command, UnknownCommand):
            self.say(self.msg("unknown_command", command=command.word))
            self.cmd_help(Command("help"))
        elif self.iv is None:
            self.without_interview(text)
        else:
            self.answer_text(text)

    def answer_mode(self, text: str) -> bool:
        """A message while an "are you sure?" or a menu waits: True when it answered that."""
        mode, word = self.conv.get("mode"), loose(text)
        if mode == "confirm_forget":  # only a clear yes deletes; anything else keeps everything
            self.confirm_forget(word in self.flow.words["yes"] or word in ("delete", "delete everything"))
            return True
        if mode == "confirm_cancel":
            if word in self.flow.words["yes"] or word in self.flow.commands["cancel"]:
                self.confirm_cancel(True)
                return True
            self.conv["mode"] = None
            if word in self.flow.words["no"]:
                self.confirm_cancel(False)
                return True
        elif mode == "edit_pick":
            self.edit_pick(text)
            return True
        elif mode == "confirm_pause":
            answer = self.pause_answer(word)
            if answer is not None:
                self.confirm_pause(answer)
                return True
            self.conv["mode"] = None  # something else: say the pause is not set, then read it as usual
            self.conv.pop("pause_offer", None)
            self.say(self.msg("pause_not_set"))
        return False

    def without_interview(self, text: str) -> None:
        """A message when no debrief is active: a first-timer or a named interview starts one."""
        news = news_in(text)
        if news and self.waiting():
            self.cmd_news(Command("news"), news)
            return
        named = _COMPANY_HINT.search(text)
        if named or not self.snap.interviews:
            self.start_new(short(named.group("company").strip(), 200) if named else None)
        elif loose(text) in self.flow.words["greetings"]:
            self.say(self.msg("open_idle"), self.idle_buttons())
        else:
            self.idle()

    def idle(self) -> None:
        self.say(self.msg("idle"), self.idle_buttons())

    def idle_buttons(self) -> tuple[Button, ...]:
        return (
            Button(self.label("new_debrief"), actions.command("new")),
            Button(self.label("my_interviews"), actions.command("list")),
            Button(self.label("help"), actions.command("help")),
        )

    def stale(self) -> None:
        if self.iv is not None and self.pos is not None:
            self.say(self.msg("stale_button"))
            self.ask(intro=False)
        else:
            self.idle()

    # ---------------------------------------------------------------- commands

    def command(self, command: Command) -> None:
        if not self.conv.get("welcomed") and command.name not in ("new", "help"):
            self.say(self.msg("first_welcome"))  # a first message can be a command, too
            self.conv["welcomed"] = True
        COMMANDS[command.name](self, command)

    def cmd_help(self, _: Command) -> None:
        self.say(self.flow.help_text, () if self.iv else self.idle_buttons())
        if self.iv is not None:
            self.ask(intro=False)

    def cmd_new(self, _: Command) -> None:
        if self.iv is not None and self.status == IN_PROGRESS and not self.answers:
            self.set_pos(self.first_pos())  # nothing to keep: start this one over
            self.ask(intro=True)
            return
        if self.iv is not None and self.status == IN_PROGRESS:
            self.say(self.msg("paused_other", company=self.iv.company))
        self.start_new()

    def start_new(self, company: str | None = None) -> None:
        """Open a new debrief; a company already named ("I had an interview at ACME") is taken."""
        if not self.conv.get("welcomed"):
            self.say(self.msg("first_welcome"))
            self.conv["welcomed"] = True
        self.iv = Interview(id=self.new_id, status=IN_PROGRESS, created_at=self.now)
        self.answers, self.cursor, self.status = {}, {"pos": None, "history": []}, IN_PROGRESS
        self.conv["active"] = self.iv.id
        self.set_pos(self.first_pos())
        if company is None:
            self.ask(intro=True)
            return
        self.say(self.flow.section_of[self.pos["q"]].intro)
        self.say(self.msg("company_noted", company=company))
        self.store(company)
        self.advance()

    def cmd_list(self, _: Command) -> None:
        """Every interview, numbered for `resume N`, each with a button in the same order."""
        items = self.snap.interviews
        if not items:
            self.say(self.msg("list_empty"), (Button(self.label("new_debrief"), actions.command("new")),))
            return
        lines, buttons = [self.msg("list_header")], []
        shown = list(enumerate(items, start=1))[-LIST_LIMIT:]
        if len(items) > LIST_LIMIT:
            lines.append(self.label("list_more", count=len(items) - LIST_LIMIT))
        for number, item in shown:
            title = " · ".join(p for p in (item.company, item.role) if p) or self.label("unnamed")
            day = dates.show_day((item.interview_at or item.created_at).astimezone(self.tz).date())
            if item.status == IN_PROGRESS:
                where = "state_in_progress" if item.id == self.conv.get("active") else "state_paused"
                state = self.label("state_step", step=item.step, total=TOTAL_STEPS, state=self.label(where))
                verb = "resume_button"
            elif item.status == UPCOMING:
                state, verb = self.label("state_upcoming"), "start_button"
            else:
                state = self.label("state_done" if item.status == DONE else "state_cancelled")
                verb = "open_button" if item.status == DONE else "reopen_button"
            lines.append(self.label("list_line", number=number, title=short(title, 80), day=day, state=state))
            company = short(item.company or self.label("unnamed"), 40)
            buttons.append(
                Button(self.label(verb, number=number, company=company), actions.command("resume", number))
            )
        lines.append(self.msg("list_footer"))
        self.say("\n".join(lines), tuple(buttons))

    def cmd_status(self, _: Command) -> None:
        if self.iv is None or self.pos is None:
            self.say(self.msg("nothing_active"), self.idle_buttons())
            return
        section = self.flow.section_of[self.pos["q"]]
        title = " · ".join(
            p for p in (self.answers.get(QuestionId.COMPANY), self.answers.get(QuestionId.ROLE)) if p
        )
        head = f"**{title}**\n" if title else ""
        self.say(
            self.label(
                "status",
                head=head,
                step=section.step,
                total=TOTAL_STEPS,
                title=section.title,
                bar=progress_bar(section.step),
                prompt=self.prompt_text(),
            )
        )

    def cmd_resume(self, command: Command) -> None:
        number = command.number
        target = self.resume_target(number)
        if target is None:
            return
        if self.iv is None or target.id != self.iv.id:
            if self.iv is not None and self.status == IN_PROGRESS and target.status == DONE:
                self.conv["back_to"] = self.iv.id  # only a look at a finished one: come back after
            self.conv["active"] = target.id
            self.follow_up = Input(kind="action", action=actions.command("resume"))
            return
        self.resume_here()

    def resume_here(self) -> None:
        """Continue the loaded interview: where it stopped, at its unsent letter, or show it."""
        if self.status == IN_PROGRESS and self.pos is not None:
            self.say(self.msg("resumed", company=self.iv.company))
            self.ask(intro=False)
        elif self.status == UPCOMING:
            self.do_start()
        elif self.answers.get(Fact.FEEDBACK_REQUESTED) and QuestionId.FEEDBACK_RECEIVED not in self.answers:
            self.open_section("feedback")  # "say resume and tell me what they said"
        elif self.answers.get(QuestionId.LETTER_REVIEW) == "later" or self.status == CANCELLED:
            self.status = IN_PROGRESS
            self.set_pos(self.pos or self.find_pos(QuestionId.LETTER_REVIEW))
            self.say(self.msg("resumed", company=self.iv.company))
            self.ask(intro=False)
        else:
            self.say(self.msg("resume_finished", company=self.iv.company))
            if QuestionId.LETTER_REVIEW in self.answers:  # the letter is what people come back for
                self.show_letters(self.msg("letter_again", company=self.iv.company))
            self.conv["active"] = self.conv.pop("back_to", None)
            if self.conv["active"]:
                self.follow_up = Input(kind="action", action=actions.command("resume"))
            else:
                self.say(self.msg("idle"), self.idle_buttons())

    def resume_target(self, number: int | None) -> InterviewSummary | None:
        """The interview `resume [number]` means, or None after saying why there is none."""
        items = self.snap.interviews
        if number is not None:
            if not 1 <= number <= len(items):
                self.retry("resume_unknown", number=number)
                return None
            return items[number - 1]
        if self.iv is not None:
            return next((i for i in items if i.id == self.iv.id), None) or InterviewSummary(
                self.iv.id, None, None, self.status or IN_PROGRESS, 1, self.iv.created_at
            )
        paused = [i for i in items if i.status == IN_PROGRESS]
        if paused:
            return paused[-1]
        unsent = [i for i in items if i.status == DONE and i.letter_status == "later"]
        if unsent:  # "say resume when it's out": back to the letter
            return unsent[-1]
        self.say(self.msg("nothing_active"), self.idle_buttons())
        return None

    def cmd_back(self, _: Command) -> None:
        if self.iv is None or self.pos is None:
            self.say(self.msg("nothing_active"), self.idle_buttons())
            return
        history = self.cursor.setdefault("history", [])
        if not history:
            self.say(self.msg("nothing_to_go_back"))
            self.ask(intro=False)
            return
        previous = history.pop()
        if previous == self.cursor.get("return_to"):  # backing out of an edit ends it
            self.cursor.pop("return_to")
        self.set_pos(previous)
        self.say(self.msg("back"))
        self.ask(intro=False)

    def cmd_skip(self, _: Command) -> None:
        if self.iv is None or self.pos is None:
            self.say(self.msg("nothing_active"), self.idle_buttons())
            return
        q, fq = self.current()
        if (
            self.current_value() is not None or q.id == QuestionId.LETTER_EDIT
        ):  # skipping keeps what was there
            self.say(self.msg("skipped"))
            self.advance()
        elif q.kind == "list" and self.pos["field"] == q.fields[0].id:
            self.say(self.msg("list_empty_skipped"))
            self.end_list(q)
        elif fq.required:
            self.say(self.msg("required"))
            self.ask(intro=False)
        elif fq.kind == "letters":
            self.answer_letters("later")
        else:
            self.store(self.now.isoformat() if fq.skip_means_now else None)
            self.say(self.msg("skipped"))
            self.advance()

    def cmd_edit(self, command: Command) -> None:
        number = command.number
        if self.iv is None or self.pos is None:
            self.say(self.msg("nothing_active"), self.idle_buttons())
            return
        editable = self.editable()
        if not editable:
            self.say(self.msg("edit_none"))
            self.ask(intro=False)
            return
        if number is not None:
            self.start_edit(number)
            return
        self.conv["mode"] = "edit_pick"
        buttons = tuple(
            Button(short(f"{q.label}: {self.show_value(q)}", BUTTON_LABEL_MAX), actions.command("edit", n))
            for n, q in enumerate(editable, 1)
        )
        self.say(
            self.msg("edit_pick"), (*buttons[:24], Button(self.label("cancel"), actions.command("cancel")))
        )

    def cmd_cancel(self, _: Command) -> None:
        if self.conv.get("mode") == "edit_pick":
            self.conv["mode"] = None
            self.say(self.msg("cancel_edit"))
            self.ask(intro=False)
        elif self.cursor.get("return_to"):
            self.set_pos(self.cursor.pop("return_to"))
            self.say(self.msg("edit_stopped"))
            self.ask(intro=False)
        elif self.iv is None:
            self.say(self.msg("nothing_active"), self.idle_buttons())
        else:
            self.conv["mode"] = "confirm_cancel"
            self.say(
                self.msg("cancel_confirm", company=self.iv.company),
                (
                    Button(self.label("cancel_yes"), actions.confirm("cancel", "yes")),
                    Button(self.label("cancel_no"), actions.confirm("cancel", "no")),
                ),
            )

    def confirm_cancel(self, stop: bool) -> None:
        self.conv["mode"] = None
        if self.iv is None:
            self.idle()
        elif stop:
            self.status = CANCELLED
            self.changed = True
            self.conv["active"] = None
            self.say(self.msg("cancelled", company=self.iv.company), self.idle_buttons())
        else:
            self.say(self.msg("cancel_kept"))
            self.ask(intro=False)

    # ---------------------------------------------------------------- editing

    def editable(self) -> list[Question]:
        return [
            self.flow.question(qid)
            for qid in self.flow.order
            if qid in self.answers
            and not self.flow.question(qid).hidden
            and self.flow.question(qid).kind != "letters"
        ]

    def edit_pick(self, text: str) -> None:
        """The answer to "which answer would you like to change?": a number, a label or a command."""
        command = parse_command(text, self.flow)
        if isinstance(command, Command) and command.name in ("cancel", "back"):
            self.cmd_cancel(Command("cancel"))
            return
        if isinstance(command, Command) and not (command.name == "edit" and command.number is None):
            self.conv["mode"] = None
            self.command(command)
            return
        editable = self.editable()
        word = loose(text)
        by_label = (n for n, q in enumerate(editable, 1) if word in (loose(q.label), q.id))
        number = int(word) if word.isdecimal() else next(by_label, None)
        if number is None:
            self.retry_edit_pick()
        else:
            self.start_edit(number)

    def retry_edit_pick(self) -> None:
        self.say(self.msg("edit_unknown"))
        self.cmd_edit(Command("edit"))

    def start_edit(self, number: int) -> None:
        editable = self.editable()
        if not 1 <= number <= len(editable):
            self.retry_edit_pick()
            return
        self.conv["mode"] = None
        q = editable[number - 1]
        self.cursor.setdefault("return_to", self.pos)
        self.cursor.setdefault("history", []).append(self.pos)  # so `back` returns to where they were
        self.set_pos(self.first_field_pos(q))
        self.ask(intro=False)

    # ---------------------------------------------------------------- positions

    def first_pos(self) -> dict[str, Any] | None:
        return self.next_in_order(-1)

    def first_field_pos(self, q: Question) -> dict[str, Any]:
        if q.kind == "list":
            return {"q": q.id, "item": 0, "field": q.fields[0].id}
        return {"q": q.id, "item": 0 if q.per_interviewer else None, "field": None}

    def find_pos(self, question_id: str) -> dict[str, Any]:
        return self.first_field_pos(self.flow.question(question_id))

    def next_in_order(self, index: int) -> dict[str, Any] | None:
        """The next question to ask after flow position `index`; None where the section closes."""
        section = self.flow.section_of[self.flow.order[index]] if index >= 0 else None
        for qid in self.flow.order[index + 1 :]:
            q = self.flow.question(qid)
            if section is not None and self.flow.section_of[qid] is not section and section.closing:
                return None
            if not q.hidden and self.applies(q) and not (q.profile and self.profile().get(q.id)):
                return self.first_field_pos(q)
        return None

    def section_start(self, section_id: str) -> dict[str, Any] | None:
        """The first question of a section that applies (steps 4-6 are entered this way)."""
        for qid in self.flow.order:
            q = self.flow.question(qid)
            if self.flow.section_of[qid].id == section_id and not q.hidden and self.applies(q):
                return self.first_field_pos(q)
        return None

    def profile(self) -> dict[str, Any]:
        """What a person told once for all their interviews (such as the name to sign letters with)."""
        return self.conv.setdefault("profile", {})

    def interviewer_names(self) -> list[str]:
        """One name per interviewer item, in order (per-interviewer answers are indexed by it)."""
        people = self.answers.get(QuestionId.INTERVIEWERS)
        if not isinstance(people, list):
            return []
        return [
            (p.get("name") if isinstance(p, dict) else None) or self.label("your_interviewer") for p in people
        ]

    def applies(self, q: Question) -> bool:
        if not q.ask_if:
            return True
        value = self.answers.get(q.ask_if["answer"])
        if "is" in q.ask_if:
            return value == q.ask_if["is"]
        return value is not None and value != q.ask_if.get("is_not")

    def current(self) -> tuple[Question, Question]:
        """The pending question and, inside a list, the field being asked (else the question)."""
        q = self.flow.question(self.pos["q"])
        return q, (q.field(self.pos["field"]) if q.kind == "list" else q)

    def token(self) -> str:
        """Identifies the pending question on a button, so a click on an old one is recognised."""
        pos = self.pos or {}
        item = "" if pos.get("item") is None else pos["item"]
        return f"{self.iv.id[:8] if self.iv else ''}/{pos.get('q')}/{item}/{pos.get('field') or ''}"

    def current_value(self) -> Any:
        q, _ = self.current()
        if q.kind == "list":
            items = self.answers.get(q.id) or []
            item = self.pos["item"]
            return items[item].get(self.pos["field"]) if item < len(items) else None
        if q.id == QuestionId.LETTER_EDIT:
            return None
        if q.per_interviewer:
            return (self.answers.get(q.id) or {}).get(str(self.pos["item"]))
        return self.answers.get(q.id)

    def store(self, value: Any) -> None:
        q, _ = self.current()
        if q.kind == "list":
            items = list(self.answers.get(q.id) or [])
            item = self.pos["item"]
            while len(items) <= item:
                items.append({})
            # A person answer brings its own keys ({"name", "email"}); others fill the field.
            fields = value if isinstance(value, dict) else {self.pos["field"]: value}
            items[item] = {**items[item], **fields}
            self.answers[q.id] = items
        elif q.per_interviewer or q.id == QuestionId.LETTER_EDIT:
            self.answers[q.id] = {**(self.answers.get(q.id) or {}), str(self.pos["item"]): value}
        else:
            self.answers[q.id] = value
            if q.profile and value:
                self.profile()[q.id] = value
        self.changed = True

    def advance(self, *, end_list: bool = False, goto: str | None = None) -> None:
        """Move to the next position, saying the section intro or summary when a section ends."""
        old = self.pos
        history = self.cursor.setdefault("history", [])
        history.append(old)
        del history[:-HISTORY_LIMIT]
        q = self.flow.question(old["q"])
        nxt: dict[str, Any] | None
        if goto:
            nxt = self.find_pos(goto)
        elif q.kind == "list" and not end_list:
            fields = [f.id for f in q.fields]
            at = fields.index(old["field"])
            if at + 1 < len(fields):
                nxt = {**old, "field": fields[at + 1]}
            elif old["item"] + 1 >= q.max_items:
                self.say(self.msg("list_full", limit=q.max_items))
                nxt = self.after(q)
            else:
                nxt = {**old, "item": old["item"] + 1, "field": fields[0]}
        elif q.per_interviewer and old["item"] + 1 < len(self.interviewer_names()):
            nxt = {**old, "item": old["item"] + 1}
        elif q.next:
            nxt = self.find_pos(q.next)
        else:
            nxt = self.after(q)
        if (
            nxt is not None
            and nxt["q"] != q.id
            and self.cursor.get("return_to")
            and not self.opened_branch(nxt)
        ):
            nxt = self.cursor.pop("return_to")  # an edit is complete: back to where they were
            self.say(self.msg("edit_done"))
            self.set_pos(nxt)
            self.ask(intro=False)
            return
        old_section = self.flow.section_of[q.id]
        if old_section.summary_after and (nxt is None or self.flow.section_of[nxt["q"]] is not old_section):
            self.say(debrief_summary(self.relevant_answers(), title=self.msg("summary_title")))
            if len(self.snap.interviews) >= MIN_INTERVIEWS:
                self.say(
                    self.msg("insights_offer"),
                    (Button(self.label("see_insights"), actions.command("insights")),),
                )
        self.set_pos(nxt)
        if nxt is None:
            self.finish(old_section.closing or "break")
        else:
            self.ask(intro=self.flow.section_of[nxt["q"]] is not old_section)

    def opened_branch(self, pos: dict[str, Any]) -> bool:
        """Whether an edit made a follow-up question apply that was never answered (dress: no)."""
        q = self.flow.question(pos["q"])
        return bool(q.ask_if) and q.id not in self.answers

    def after(self, q: Question) -> dict[str, Any] | None:
        return self.next_in_order(self.flow.order.index(q.id))

    def relevant_answers(self) -> dict[str, Any]:
        """Answers whose question still applies (an edit can make an earlier branch moot)."""
        return {
            k: v
            for k, v in self.answers.items()
            if k not in self.flow.by_id or self.applies(self.flow.question(k))
        }

    # ---------------------------------------------------------------- asking

    def values(self) -> _Values:
        names = self.interviewer_names()
        item, last, person = "", "", names[0] if names else None
        if self.pos and self.pos.get("item") is not None:
            index = self.pos["item"]
            q = self.flow.question(self.pos["q"])
            items = self.answers.get(q.id) or []
            if q.kind == "list" and index < len(items):
                item = short(items[index].get(q.fields[0].id) or "", 80)
            if q.kind == "list" and 0 < index <= len(items):
                last = short(items[index - 1].get(q.fields[0].id) or "", 80)
            if (q.per_interviewer or q.id == QuestionId.LETTER_EDIT) and index < len(names):
                person = names[index]
        return _Values(
            company=self.answers.get(QuestionId.COMPANY) or "the company",
            role=self.answers.get(QuestionId.ROLE) or "the role",
            interviewer=person or "your interviewer",
            name=person or "the hiring team",
            item=item,
            last=last,
        )

    def prompt_text(self) -> str:
        q, fq = self.current()
        if (q.kind == "list" and fq is q.fields[0]) or q.per_interviewer:
            template = q.prompt if self.pos["item"] == 0 else (q.next_item_prompt or q.prompt)
        else:
            template = fq.prompt
        return template.format_map(self.values())

    def options(self, fq: Question) -> list[tuple[str, Option]]:
        """The pending question's choices as (action suffix, option); the suffix is the index."""
        opts: list[Option] = []
        if fq.options_from == "questions":
            for item in self.answers.get(QuestionId.QUESTIONS) or []:
                if item.get("question"):
                    opts.append(
                        Option(value=item["question"], label=short(item["question"], BUTTON_LABEL_MAX))
                    )
        opts.extend(fq.options)
        if fq.kind == "yesno":
            opts = [
                Option("yes", self.label("yes"), self.flow.words["yes"]),
                Option("no", self.label("no"), self.flow.words["no"]),
            ]
        elif fq.kind == "scale":
            opts = [Option(str(n), str(n)) for n in range(1, 6)]
        elif fq.kind == "letters":
            letters = self.letters()
            edits = [
                Option(
                    f"edit:{i}",
                    short(fq.edit_label.format(name=letter.to_name), BUTTON_LABEL_MAX),
                    fq.edit_aliases if len(letters) == 1 else (),
                )
                for i, letter in enumerate(letters)
            ]
            opts = [opts[0], *edits, *opts[1:]]
        elif fq.kind in ("datetime", "date"):
            opts = [Option(s, s) for s in fq.suggestions]
        elif fq.suggest_display_name and self.snap.display_name:
            opts = [Option(self.snap.display_name, short(self.snap.display_name, BUTTON_LABEL_MAX))]
        elif fq.per_interviewer and self.pos and self.pos["item"] > 0:
            opts = [Option("same", self.label("same_topic"), self.flow.words["same"])]
        return [(str(i), o) for i, o in enumerate(opts)]

    def ask(self, *, intro: bool = False, brief: bool = False) -> None:
        """Ask the pending question; `brief` leaves out what was just shown (the letters)."""
        if self.pos is None:
            return
        q, fq = self.current()
        if intro:
            section = self.flow.section_of[q.id]
            if section.intro:
                self.say(section.intro)
        text = self.prompt_text()
        current = self.current_value()
        if current is not None and fq.kind != "letters":
            text += "\n" + self.label("currently", value=self.show_raw(fq, current))
        token = self.token()
        buttons = [Button(o.label, actions.answer(token, i)) for i, o in self.options(fq)]
        if q.kind == "list" and fq is q.fields[0]:
            buttons.append(Button(self.label("done"), actions.answer(token, "done")))
        if fq.kind == "letters":
            if not brief:
                self.show_letters(text)
            self.say(self.timing_advice(), tuple(buttons))
            return
        self.say(text, tuple(buttons))

    def show_letters(self, text: str) -> None:
        letters = self.letters()
        for letter in letters:
            self.say(
                self.label("letter_to", name=letter.to_name) if len(letters) > 1 else text,
                attachment=Attachment(
                    title=self.label("letter_title", name=letter.to_name),
                    body=letter.body,
                    email_to=letter.to_email,
                    email_subject=letter.subject,
                ),
            )

    def sender(self) -> str | None:
        return (
            self.answers.get(QuestionId.SIGNATURE)
            or self.profile().get(QuestionId.SIGNATURE)
            or self.snap.display_name
        )

    def letters(self) -> list[Letter]:
        return thank_you_letters(self.answers, sender=self.sender(), tz=self.tz)

    def timing_advice(self) -> str:
        if self.answers.get(QuestionId.THANK_YOU_BY) == "post":
            decision = self.answers.get(QuestionId.DECISION_EXPECTED)
            day = datetime.fromisoformat(decision).date() if decision else None
            return self.msg(timing.post_advice(decision=day).key, decision=day and dates.show_day(day))
        interview_at = datetime.fromisoformat(
            self.answers.get(QuestionId.INTERVIEW_AT) or self.now.isoformat()
        )
        advice = timing.email_advice(interview_at=interview_at, now=self.now, tz=self.tz)
        shown = {
            k: v and dates.show_moment(v, self.tz)
            for k, v in (("moment", advice.moment), ("deadline", advice.deadline))
        }
        return self.msg(advice.key, **shown)

    def show_value(self, q: Question) -> str:
        return self.show_raw(q, self.answers.get(q.id))

    def show_raw(self, q: Question, value: Any) -> str:
        if value is None:
            return self.label("skipped_value")
        if q.kind == "list":
            return short(
                "; ".join(str(i.get(q.fields[0].id, "")) for i in value) or self.label("none_value"), 80
            )
        if isinstance(value, dict):  # one answer per interviewer
            return "“" + short("; ".join(str(v) for v in value.values() if v), 80) + "”"
        if q.kind == "datetime" and (moment := dates.stored_moment(value)):
            return dates.show_moment(moment, self.tz)
        if q.kind == "date" and (day := dates.stored_day(value)):
            return dates.show_day(day)
        if q.kind == "scale":
            return self.label("scale_value", value=value)
        if q.kind == "yesno":
            return self.label("yes" if value == "yes" else "no")
        for option in q.options:
            if option.value == value:
                return option.label
        return f"“{short(str(value), 80)}”"

    # ---------------------------------------------------------------- answering

    def answer_option_index(self, index: str) -> None:
        q, fq = self.current()
        if index == "done" and q.kind == "list" and fq is q.fields[0]:
            self.end_list(q)
            return
        option = dict(self.options(fq)).get(index)
        if option is None:
            self.stale()
        elif fq.kind in CHOICE_KINDS:
            self.take_value(fq, option.value, option)
        else:  # a suggestion on a scale, date or text question reads like the same words typed
            self.answer_text(option.value)

    def answer_text(self, text: str) -> None:
        q, fq = self.current()
        word = loose(text)
        if self.pos["q"] == self.flow.order[0] and word in self.flow.words["greetings"]:
            self.retry("greeting_again")  # "hi" twice is a greeting, not a company called Hi
            return
        if q.kind == "list" and (
            (fq is q.fields[0] and word in self.flow.words["done"]) or word in self.flow.words["finished"]
        ):
            self.end_list(q)  # "done" later in an item also ends the list; the item keeps what it has
            return
        limit = fq.max_length or (q.max_length if q.kind != "list" else None) or MAX_MESSAGE_CHARS
        if len(text) > limit:
            self.retry("field_too_long", limit=f"{limit:,}", length=f"{len(text):,}")
            return
        options = [o for _, o in self.options(fq)]
        if fq.per_interviewer and (same := answers.match_option(options, text)) and same.value == "same":
            text = (self.answers.get(fq.id) or {}).get(str(self.pos["item"] - 1)) or text
        result = answers.parse_answer(
            fq, text, options=options, now_words=self.flow.words["now"], now=self.now, tz=self.tz
        )
        if isinstance(result, answers.Problem):
            self.retry(result.key, **result.values)
        else:
            self.take_value(fq, result.value, result.option)

    def end_list(self, q: Question) -> None:
        if q.id not in self.answers:
            self.answers[q.id] = []
            self.changed = True
        self.advance(end_list=True)

    def take_value(self, fq: Question, value: Any, option: Option | None = None) -> None:
        if fq.kind == "letters":
            self.answer_letters(value)
            return
        if fq.kind in ("datetime", "date") and value is not None:  # show how the words were read
            self.say(self.msg("noted", value=self.show_raw(fq, value)))
        self.store(value)
        self.advance(goto=option.next if option else None)

    def retry(self, key: str, **values: Any) -> None:
        """Say what was wrong with the answer, then ask the same question again, buttons and all."""
        self.say(self.msg(key, **values))
        if self.iv is not None and self.pos is not None:
            self.ask(intro=False, brief=True)

    def answer_letters(self, value: str) -> None:
        if value.startswith("edit:"):
            self.advance_to({"q": QuestionId.LETTER_EDIT, "item": int(value.split(":")[1]), "field": None})
            return
        self.answers[QuestionId.LETTER_REVIEW] = value
        if value == "sent":
            self.answers[Fact.LETTER_SENT_AT] = self.now.isoformat()
            self.say(self.msg("letter_sent"))
        else:
            self.say(self.msg("letter_later"))
        self.changed = True
        self.advance()

    def advance_to(self, pos: dict[str, Any]) -> None:
        history = self.cursor.setdefault("history", [])
        history.append(self.pos)
        self.set_pos(pos)
        self.ask(intro=False)


# Every command, button verb and closing the content can name, with its handler. Explicit tables, so
# a reader finds each handler with one search, and a name without a handler fails at import.
COMMANDS: dict[str, Callable[[_Turn, Command], None]] = {
    "help": _Turn.cmd_help,
    "new": _Turn.cmd_new,
    "list": _Turn.cmd_list,
    "status": _Turn.cmd_status,
    "resume": _Turn.cmd_resume,
    "back": _Turn.cmd_back,
    "skip": _Turn.cmd_skip,
    "edit": _Turn.cmd_edit,
    "cancel": _Turn.cmd_cancel,
    "reminders": _Turn.cmd_reminders,
    "snooze": _Turn.cmd_snooze,
    "drop": _Turn.cmd_drop,
    "pause": _Turn.cmd_pause,
    "unpause": _Turn.cmd_unpause,
    "timezone": _Turn.cmd_timezone,
    "news": _Turn.cmd_news,
    "upcoming": _Turn.cmd_upcoming,
    "insights": _Turn.cmd_insights,
    "offers": _Turn.cmd_offers,
    "export": _Turn.cmd_export,
    "forget": _Turn.cmd_forget,
}
# What a button about one interview ("iv:<id>:<verb>:<args>") does: reminders' buttons, hand-overs.
VERBS: dict[str, Callable[..., None]] = {
    "resume": _Turn.do_resume,
    "sent": _Turn.do_sent,
    "letter": _Turn.do_letter,
    "snooze": _Turn.do_snooze,
    "snooze_to": _Turn.do_snooze_to,
    "keep": _Turn.do_keep,
    "checkins": _Turn.do_checkins,
    "news": _Turn.do_news,
    "ask_news": _Turn.do_ask_news,
    "feedback": _Turn.do_feedback,
    "decided": _Turn.do_decided,
    "drop": _Turn.do_drop,
    "start": _Turn.do_start,
}
# How a section that ends the conversation for now closes (`closing = "..."` in the content).
CLOSINGS: dict[str, Callable[[_Turn], None]] = {
    "break": _Turn.close_break,
    "second": _Turn.close_second,
    "offer": _Turn.close_offer,
    "rejection": _Turn.close_rejection,
    "feedback": _Turn.close_feedback,
}
_Turn.verbs = VERBS
_Turn.closings = CLOSINGS
check_names(load_flow(), commands=COMMANDS, closings=CLOSINGS, question_ids=QuestionId)
