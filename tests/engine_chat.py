"""A chat harness over the pure engine: the same transcripts, with one person's data kept in dicts.

`EngineChat` does per turn what ConversationService.handle does around `bot.engine.step`, without a
database: it builds the Snapshot from memory (the active interview, a subject named by an `iv:`
button, the summaries `list` reads), runs the turn again when the Outcome `needs` everything, steps
again after a `follow_up`, and keeps what the Outcome changed. Stored data goes through JSON, as the
database's JSON columns do, so a turn can neither share nor keep anything the store would not.

What only the service has is refused, not faked: the nudge store (a turn that reads the reminders,
and `@ nudges`) raises `NeedsTheService`; transcripts that need it say `! service only: why`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from bot import actions, engine
from bot.engine.cursor import step_of
from bot.flow import Flow, load_flow
from bot.messages import Incoming, Reply
from bot.model import Fact, Input, Interview, InterviewSummary, QuestionId, Snapshot, UserKey
from tests.chat import MAYA, Talking
from tests.conftest import Clock

MAX_FOLLOW_UPS = 2  # as the service: a follow-up may lead to one more, never to a loop
TIMEZONE = "Europe/Berlin"  # the service fixture's default_timezone


class NeedsTheService(Exception):
    """The turn reads what only the service keeps (planned and sent nudges)."""


def _stored(value: Any) -> Any:
    """What a JSON column gives back: a deep copy with tuples as lists; anything else fails loudly."""
    return json.loads(json.dumps(value))


def _column(answers: dict[str, Any], key: str) -> str | None:
    """A text column as repository.save_interview fills it: empty is NULL, at most 200 characters."""
    value = answers.get(key)
    return value[:200] if value else None


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value).astimezone(UTC) if value else None


@dataclass
class Memory:
    """One person's rows, in dicts: the conversation, each interview and its `list` summary."""

    conversation: dict[str, Any] = field(default_factory=dict)
    display_name: str | None = None
    interviews: dict[str, Interview] = field(default_factory=dict)
    summaries: dict[str, InterviewSummary] = field(default_factory=dict)

    def save(self, interview: Interview, flow: Flow) -> None:
        """Keep the interview, and its summary built as the service builds the row `list` reads."""
        kept = self.interviews.get(interview.id)
        created_at = kept.created_at if kept else interview.created_at  # the row keeps its first one
        interview = replace(
            interview,
            created_at=created_at,
            answers=_stored(interview.answers),
            cursor=_stored(interview.cursor),
        )
        self.interviews[interview.id] = interview
        answers = interview.answers
        self.summaries[interview.id] = InterviewSummary(
            id=interview.id,
            company=_column(answers, QuestionId.COMPANY),
            role=_column(answers, QuestionId.ROLE),
            status=str(interview.status),
            step=step_of(interview, flow),
            created_at=created_at,
            letter_status=answers.get(QuestionId.LETTER_REVIEW),
            news=answers.get(Fact.NEWS),
            interview_at=_moment(answers.get(QuestionId.INTERVIEW_AT) or answers.get(Fact.UPCOMING_START)),
        )

    def ordered(self) -> tuple[InterviewSummary, ...]:
        """Oldest first, as the service lists them."""
        return tuple(sorted(self.summaries.values(), key=lambda s: (s.created_at, s.id)))

    def everything(self) -> tuple[Interview, ...]:
        by_age = sorted(self.interviews.values(), key=lambda i: (i.created_at, i.id))
        return tuple(_stored_interview(i) for i in by_age)

    def load(self, interview_id: str | None) -> Interview | None:
        interview = self.interviews.get(interview_id or "")
        return _stored_interview(interview) if interview else None


def _stored_interview(interview: Interview) -> Interview:
    """A fresh copy each load, as a new read from the database is."""
    return replace(interview, answers=_stored(interview.answers), cursor=_stored(interview.cursor))


@dataclass
class EngineChat(Talking):
    """One person talking to `bot.engine.step` directly; `last` is what the console would print."""

    memory: Memory = field(default_factory=Memory)
    clock: Clock = field(default_factory=Clock)
    user: UserKey = MAYA
    display_name: str | None = "Maya"
    replies: list[Reply] = field(default_factory=list)
    flow: Flow = field(default_factory=load_flow)

    def __post_init__(self) -> None:
        ids = (f"{n:032x}" for n in range(1, 10_000))  # as the service fixture's new_id
        self.new_id = lambda: next(ids)

    def handle(self, incoming: Incoming) -> list[Reply]:
        memory = self.memory
        now = self.clock()
        conversation = _stored(memory.conversation) or engine.new_conversation()
        step_input = Input(kind=incoming.kind, text=incoming.text, action=incoming.action)
        subject_id = actions.subject_of(incoming.action)
        display_name = incoming.display_name or memory.display_name
        replies: list[Reply] = []
        loaded: dict[str, Any] = {}
        follow_ups = 0
        while True:
            active = memory.load(conversation.get("active"))
            subject = None
            if subject_id and (active is None or active.id != subject_id):
                subject = memory.load(subject_id)
            snapshot = Snapshot(
                timezone=conversation.get("timezone") or TIMEZONE,
                conversation=conversation,
                active=active,
                interviews=memory.ordered(),
                display_name=display_name,
                subject=subject,
                **loaded,
            )
            outcome = engine.step(snapshot, step_input, now=now, new_id=self.new_id(), flow=self.flow)
            if outcome.needs and outcome.needs not in loaded:
                loaded[outcome.needs] = self._load(outcome.needs)
                continue  # the same turn again, now with what it needed
            replies.extend(outcome.replies)
            if outcome.forget:  # every row of the person goes; the next turn starts afresh
                self.memory = Memory()
                return replies
            if outcome.interview is not None:
                memory.save(outcome.interview, self.flow)
            conversation = _stored(outcome.conversation)
            if outcome.follow_up is None or follow_ups == MAX_FOLLOW_UPS:
                break
            step_input, loaded, follow_ups = outcome.follow_up, {}, follow_ups + 1
            subject_id = actions.subject_of(step_input.action)
        memory.conversation = conversation
        memory.display_name = (incoming.display_name or memory.display_name or "")[:200] or None
        return replies

    def _load(self, what: str) -> tuple:
        if what == "everything":
            return self.memory.everything()
        raise NeedsTheService(
            f"the turn reads the {what}, which only the service keeps: mark the transcript "
            "`! service only: <why>`"
        )

    def deliver_nudges(self) -> str:
        raise NeedsTheService("`@ nudges` needs the service's nudge store and delivery")

    def advance(self, **delta: float) -> None:
        self.clock.advance(**delta)


@dataclass
class SideBySide(Talking):
    """Every turn sent to the service and to the engine runner alike; their replies must be equal,
    buttons and their actions included. What the engine runner keeps is then what the service keeps."""

    service_chat: Talking
    engine_chat: EngineChat = field(default_factory=EngineChat)
    user: UserKey = MAYA
    display_name: str | None = "Maya"
    replies: list[Reply] = field(default_factory=list)
    compared: int = 0  # turns whose replies were found equal

    def handle(self, incoming: Incoming) -> list[Reply]:
        expected = self.service_chat.handle(incoming)
        got = self.engine_chat.handle(incoming)
        assert got == expected, f"after {incoming.text or incoming.action!r} the engine runner said:\n{got}"
        self.compared += 1
        return expected

    def deliver_nudges(self) -> str:
        raise NeedsTheService("`@ nudges` needs the service's nudge store and delivery")

    def advance(self, **delta: float) -> None:
        self.service_chat.advance(**delta)
        self.engine_chat.advance(**delta)
