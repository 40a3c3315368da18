"""One turn's context: the working copy of the state that every handler reads and changes, and what it says.

Handlers are plain functions of a `Turn` (see registry.py); what changed is derived at the end by comparing
the working copy with the snapshot it was copied from, so no handler has to remember to flag a change.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import datetime
from typing import Any, TypeVar, cast

from bot import dates
from bot.flow import Flow
from bot.messages import Attachment, Button, Form, Reply
from bot.model import Conversation, Cursor, Input, Interview, NudgeView, Outcome, Position, Snapshot


def new_conversation() -> dict[str, Any]:
    """A person's conversation before their first turn, in its stored form (plain JSON; see Conversation)."""
    return {"active": None, "mode": None, "welcomed": False}


T = TypeVar("T")


def _present(value: T | None, missing: str) -> T:
    if value is None:
        raise LookupError(missing)
    return value


class Turn:
    """The state one turn works on: the conversation, the interview it is about, and the replies so far."""

    def __init__(self, flow: Flow, snap: Snapshot, now: datetime, new_id: str) -> None:
        self.flow = flow
        self.snap = snap
        self.now = now
        self.new_id = new_id
        self.tz = dates.zone(snap.timezone)
        # Stored state is plain JSON: these casts name its shape (bot.model), they convert nothing.
        self.conv = cast(Conversation, {**new_conversation(), **copy.deepcopy(snap.conversation)})
        active = snap.active if snap.active and snap.active.id == self.conv.get("active") else None
        if active is None:
            self.conv["active"] = None
        # The interview this turn works on: the one a nudge is about, or else the active one.
        self.loaded: Interview | None = snap.subject or active
        self.iv: Interview | None = self.loaded
        self.answers: dict[str, Any] = copy.deepcopy(self.iv.answers) if self.iv else {}
        self.cursor = cast(Cursor, copy.deepcopy(self.iv.cursor) if self.iv else {})
        self.status: str = self.iv.status if self.iv else ""
        self.replies: list[Reply] = []
        self.follow_up: Input | None = None
        self.needs: str | None = None
        self.text = ""  # the message as typed (cleaned), for a command whose words turn out to be an answer
        self.forget = False
        self.in_calendar = False  # the interview came from an invitation: no file to add it again
        # A detail that came with the last answer (question id, words), for the question it opens.
        self.detail: tuple[str, str] | None = None

    def changed(self) -> bool:
        """Whether the interview differs from what was loaded (or is a new one)."""
        before = self.loaded
        if self.iv is None:
            return False
        if before is None or before.id != self.iv.id:
            return True
        return (self.answers, self.cursor, self.status) != (before.answers, before.cursor, before.status)

    def outcome(self) -> Outcome:
        interview = None
        if self.iv is not None and self.changed():
            self.cursor["touched_at"] = self.now.isoformat()  # the unfinished-debrief nudge counts from here
            interview = replace(self.iv, answers=self.answers, cursor=dict(self.cursor), status=self.status)
        return Outcome(dict(self.conv), self.replies, interview, self.follow_up, forget=self.forget)

    def say(
        self,
        text: str,
        buttons: tuple[Button, ...] = (),
        attachment: Attachment | None = None,
        form: Form | None = None,
    ) -> None:
        self.replies.append(Reply(text, buttons, attachment, form))

    def msg(self, key: str, **values: Any) -> str:
        return self.flow.message(key, **values)

    def label(self, key: str, **values: Any) -> str:
        return self.flow.label(key, **values)

    @property
    def pos(self) -> Position | None:
        return self.cursor.get("pos")

    def set_pos(self, pos: Position | None) -> None:
        self.cursor["pos"] = pos

    # What a handler that only runs in a certain situation reads; absent, it is a bug in that handler.
    @property
    def subject(self) -> Interview:
        """The interview this turn is about (nudges and their buttons always have one)."""
        return _present(self.iv, "this handler needs an interview")

    @property
    def at(self) -> Position:
        """The pending position, while a question waits."""
        return _present(self.pos, "this handler needs a pending question")

    @property
    def item(self) -> int:
        """The pending item (list entry or interviewer), for questions asked once per item."""
        return _present(self.at["item"], "the pending question is not asked per item")

    @property
    def field(self) -> str:
        """The pending field of a list question's item."""
        return _present(self.at["field"], "the pending question is not a list")

    @property
    def nudges(self) -> tuple[NudgeView, ...]:
        """The person's reminders, once `need("nudges")` has had them loaded."""
        return _present(self.snap.nudges, 'call need("nudges") first')

    @property
    def everything(self) -> tuple[Interview, ...]:
        """Every interview in full, once `need("everything")` has had them loaded."""
        return _present(self.snap.everything, 'call need("everything") first')

    def need(self, what: str) -> bool:
        """True when the turn must stop and be run again with `what` ("nudges", "everything") loaded."""
        loaded = {"nudges": self.snap.nudges, "everything": self.snap.everything}[what]
        if loaded is None:
            self.needs = what
            return True
        return False

    def profile(self) -> dict[str, Any]:
        """What a person told once for all their interviews (such as the name to sign letters with)."""
        profile: dict[str, Any] = self.conv.setdefault("profile", {})
        return profile
