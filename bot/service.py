"""ConversationService: the one seam adapters call. One turn is one database transaction."""

from __future__ import annotations

import logging
import threading
import traceback
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from bot import engine
from bot.flow import Flow, load_flow
from bot.messages import Incoming, Reply
from storage import repository
from storage.db import Database

log = logging.getLogger(__name__)

_LOCK_STRIPES = 64  # fixed, so memory does not grow with the number of people seen
_MAX_FOLLOW_UPS = 2


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_interview_id() -> str:
    return uuid.uuid4().hex


class ConversationService:
    """Runs turns: dedupe the event, lock the person, load, step the engine, save, return replies."""

    def __init__(
        self,
        *,
        database: Database,
        default_timezone: str = "UTC",
        clock: Callable[[], datetime] = utc_now,
        new_id: Callable[[], str] = new_interview_id,
        flow: Flow | None = None,
    ) -> None:
        self.db = database
        self.default_timezone = default_timezone
        self.clock = clock
        self.new_id = new_id
        self.flow = flow or load_flow()
        self._locks = [threading.Lock() for _ in range(_LOCK_STRIPES)]

    def handle(self, incoming: Incoming) -> list[Reply]:
        """One turn. A failure is logged (never the person's text) and answered with an apology."""
        try:
            # One turn per person at a time in this process; the database lock covers other processes.
            with self._locks[hash(incoming.user) % _LOCK_STRIPES], self.db.transaction() as session:
                return self._turn(session, incoming)
        except Exception as exc:
            log.error(
                "turn failed (platform=%s, kind=%s): %s\n%s",
                incoming.user.platform,
                incoming.kind,
                type(exc).__name__,
                "".join(traceback.format_tb(exc.__traceback__)),  # frames only: messages can quote input
            )
            return [Reply(self.flow.message("crash"))]

    def _turn(self, session: Session, incoming: Incoming) -> list[Reply]:
        now = self.clock()
        key = incoming.user
        if incoming.event_id and not repository.claim_event(
            session, platform=key.platform, event_id=incoming.event_id, now=now
        ):
            log.info("ignored a redelivered event (platform=%s)", key.platform)
            return []
        user = repository.lock_user(session, key, now=now)
        conversation = user.conversation or engine.new_conversation()
        step_input = engine.Input(kind=incoming.kind, text=incoming.text, action=incoming.action)
        replies: list[Reply] = []
        for _ in range(1 + _MAX_FOLLOW_UPS):
            active = repository.load_interview(session, user, conversation.get("active"))
            snapshot = engine.Snapshot(
                timezone=user.timezone or self.default_timezone,
                conversation=conversation,
                active=repository.to_domain(active),
                interviews=repository.summaries(session, user),
                display_name=incoming.display_name or user.display_name,
            )
            outcome = engine.step(snapshot, step_input, now=now, new_id=self.new_id(), flow=self.flow)
            replies.extend(outcome.replies)
            if outcome.interview is not None:
                step_number = engine.step_of(outcome.interview, self.flow)
                repository.save_interview(session, user, outcome.interview, step=step_number, now=now)
            conversation = outcome.conversation
            if outcome.follow_up is None:
                break
            step_input = outcome.follow_up
        repository.save_conversation(session, user, conversation, display_name=incoming.display_name, now=now)
        return replies
