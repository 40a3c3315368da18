"""ConversationService: the one seam adapters call. One turn is one database transaction.

It also prepares nudges for the scheduler: claim the due ones, check each is still relevant,
let the engine word it, and record whether the adapter delivered it.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot import actions, engine
from bot.dates import find_zone, zone
from bot.engine.cursor import nudge_plan, step_of
from bot.flow import Flow, load_flow
from bot.logs import log_failure
from bot.messages import Incoming, Reply
from bot.metrics import Metrics
from bot.model import Input, Interview, LoadedOnRead, NudgeView, QuietHours, Snapshot, UserKey
from storage import nudge_store, repository
from storage.db import Database, retry_transient
from storage.repository import Person

log = logging.getLogger(__name__)

_LOCK_STRIPES = 64  # fixed, so memory does not grow with the number of people seen
_MAX_FOLLOW_UPS = 2
RECENT_SENT = timedelta(hours=24)  # what "snooze" can still refer to


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_interview_id() -> str:
    return uuid.uuid4().hex


def _interview(
    session: Session, user: Person, interview_id: str | None, loaded: Interview | None
) -> Interview | None:
    """One of the person's interviews: `loaded` when it is that one, else read from the database."""
    if loaded is not None and loaded.id == interview_id:
        return loaded
    return repository.load_interview(session, user, interview_id)


class ConversationService:
    """Runs turns: dedupe the event, lock the person, load, step the engine, save, return replies."""

    def __init__(
        self,
        *,
        database: Database,
        default_timezone: str = "UTC",
        quiet_hours: QuietHours | None = None,
        clock: Callable[[], datetime] = utc_now,
        new_id: Callable[[], str] = new_interview_id,
        flow: Flow | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.db = database
        self.default_timezone = default_timezone
        self.quiet_hours = quiet_hours or QuietHours()
        self.clock = clock
        self.new_id = new_id
        self.flow = flow or load_flow()
        self.metrics = metrics or Metrics()  # records nothing unless a process serves /metrics
        self._locks = [threading.Lock() for _ in range(_LOCK_STRIPES)]
        self._forget_listeners: list[Callable[[UserKey], None]] = []

    def lock(self, user: UserKey) -> threading.Lock:
        return self._locks[hash(user) % _LOCK_STRIPES]

    @contextmanager
    def locks(self, users: Iterable[UserKey]) -> Iterator[None]:
        """Several people's locks at once (a batch of reminders), taken in one fixed order so two
        holders of several never wait for each other; a turn holds only its own person's."""
        stripes = sorted({hash(user) % _LOCK_STRIPES for user in users})
        with ExitStack() as held:
            for stripe in stripes:
                held.enter_context(self._locks[stripe])
            yield

    def handle(self, incoming: Incoming) -> list[Reply]:
        """One turn. A failure is logged (never the person's text) and answered with an apology."""
        started = time.perf_counter()
        platform = incoming.user.platform
        try:
            # One turn per person at a time in this process; the database lock covers other processes.
            with self.lock(incoming.user):
                # A deadlock or a connection the server dropped: the turn, rolled back, runs once more.
                replies, forgotten = retry_transient(lambda: self._turn_once(incoming))
                if forgotten:
                    self._erase(incoming.user)
        except Exception as exc:
            log_failure(log, "turn", exc, platform=platform, kind=incoming.kind)
            self.metrics.turn(platform, failed=True, seconds=time.perf_counter() - started)
            return [Reply(self.flow.message("crash"))]
        if replies is not None:  # None: the platform delivered it again, and it was ignored
            self.metrics.turn(platform, failed=False, seconds=time.perf_counter() - started)
            return replies
        self.metrics.deduplicated(platform)
        return []

    def _turn_once(self, incoming: Incoming) -> tuple[list[Reply] | None, bool]:
        with self.db.transaction() as session:
            return self._turn(session, incoming)

    def on_forget(self, listener: Callable[[UserKey], None]) -> None:
        """Call `listener(user)` once a person's data is deleted: an adapter deletes what it keeps
        of theirs outside the database (the console's export files)."""
        self._forget_listeners.append(listener)

    def _erase(self, user: UserKey) -> None:
        """After "forget me" committed: no trace in the database files, nor in an adapter's files.

        The rows are gone by now, so a failure here is logged for the operator, not told as a crash.
        """
        steps: list[Callable[[], None]] = [
            self.db.erase_deleted,
            *(partial(listener, user) for listener in self._forget_listeners),
        ]
        for step in steps:
            try:
                step()
            except Exception as exc:
                log_failure(log, "erasing after forget me", exc, platform=user.platform)

    def look(self, incoming: Incoming) -> list[Reply]:
        """A turn whose effects are thrown away: what `list` or `reminders` would say, saving nothing
        (the Slack App Home shows it every time it is opened)."""
        try:
            with self.lock(incoming.user), self.db.writing(), self.db.sessions() as session:
                try:
                    return self._turn(session, incoming)[0] or []
                finally:
                    session.rollback()
        except Exception as exc:
            log_failure(log, "look", exc, platform=incoming.user.platform, kind=incoming.kind)
            return [Reply(self.flow.message("crash"))]

    def _turn(self, session: Session, incoming: Incoming) -> tuple[list[Reply] | None, bool]:
        """The turn's replies (None for an event handled before), and whether the person was
        forgotten in it."""
        now = self.clock()
        key = incoming.user
        opened = repository.open_turn(session, key, event_id=incoming.event_id, now=now)
        if opened is None:
            log.info("ignored a redelivered event (platform=%s)", key.platform)
            return None, False
        user = opened.person
        start = user.conversation or engine.new_conversation()
        seeded = incoming.timezone and find_zone(incoming.timezone)
        if seeded and "timezone" not in start:  # the platform knows; a typed one wins
            start = {**start, "timezone": seeded}
        step_input = Input(
            kind=incoming.kind, text=incoming.text, action=incoming.action, calendar=incoming.calendar
        )
        conversation, replies = self.step(
            session,
            user,
            step_input,
            now=now,
            subject_id=actions.subject_of(incoming.action),
            display_name=incoming.display_name,
            opened=opened.active,
            conversation=start,
        )
        if conversation is None:
            return replies, True
        repository.save_conversation(session, user, conversation, display_name=incoming.display_name, now=now)
        return replies, False

    def step(
        self,
        session: Session,
        user: Person,
        step_input: Input,
        *,
        now: datetime,
        subject_id: str | None = None,
        display_name: str | None = None,
        opened: Interview | None = None,
        conversation: dict[str, Any] | None = None,
    ) -> tuple[dict[str, Any] | None, list[Reply]]:
        """Step the engine (again after a follow-up), saving every interview it changed.

        `opened` is an interview loaded already (the open one, with the person; or the one a nudge is
        about), not read again on the first pass; `conversation` the one to start from, when it is not
        the stored one (a time zone the platform gave). Returns the new conversation, or None when
        the person asked to be forgotten and was.
        """
        conversation = conversation or user.conversation or engine.new_conversation()
        replies: list[Reply] = []
        extra: dict[str, Any] = {}  # what a turn asked for (Outcome.needs): Snapshot fields by name
        steps = 0
        while steps <= _MAX_FOLLOW_UPS:
            loaded = opened if steps == 0 else None  # a follow-up pass reads what the first one saved
            active = _interview(session, user, conversation.get("active"), loaded)
            subject = None
            if subject_id and (active is None or active.id != subject_id):
                subject = _interview(session, user, subject_id, loaded)
            snapshot = Snapshot(
                timezone=self.timezone_of(conversation),
                conversation=conversation,
                active=active,
                # Read only when the engine looks (a typical answer never does), within this transaction.
                interviews=LoadedOnRead(partial(repository.summaries, session, user)),
                display_name=display_name or user.display_name,
                subject=subject,
                quiet_hours=self.quiet_hours,
                **extra,
            )
            outcome = engine.step(snapshot, step_input, now=now, new_id=self.new_id(), flow=self.flow)
            if outcome.needs and outcome.needs not in extra:
                extra[outcome.needs] = self._load(session, user, outcome.needs, now=now)
                continue  # the same turn again, now with what it needed
            replies.extend(outcome.replies)
            if outcome.forget:
                repository.delete_user(session, user)
                return None, replies
            if outcome.interview is not None:
                before = next(
                    (i for i in (snapshot.active, snapshot.subject) if i and i.id == outcome.interview.id),
                    None,
                )
                self._save_interview(
                    session, user, outcome.interview, outcome.conversation, before=before, now=now
                )
            if self.timezone_of(outcome.conversation) != self.timezone_of(conversation) or (
                outcome.conversation.get("paused_until") != conversation.get("paused_until")
            ):  # reminders held for a pause come back to their own times once it changes
                self._replan_all(session, user, outcome.conversation, now=now)
            conversation = outcome.conversation
            if outcome.follow_up is None:
                break
            step_input, extra, steps = outcome.follow_up, {}, steps + 1
            subject_id = actions.subject_of(step_input.action)
        return conversation, replies

    def _load(
        self, session: Session, user: Person, what: str, *, now: datetime
    ) -> tuple[NudgeView, ...] | tuple[Interview, ...]:
        if what == "nudges":
            return nudge_store.views_for(session, user.id, sent_since=now - RECENT_SENT)
        return repository.all_interviews(session, user)

    def _replan_all(
        self, session: Session, user: Person, conversation: dict[str, Any], *, now: datetime
    ) -> None:
        """A new time zone moves every reminder to the same local time in the new zone."""
        for interview in repository.all_interviews(session, user):
            self._plan(session, user, interview, conversation, now=now)

    def timezone_of(self, conversation: dict[str, Any]) -> str:
        return conversation.get("timezone") or self.default_timezone

    def _save_interview(
        self,
        session: Session,
        user: Person,
        interview: Interview,
        conversation: dict[str, Any],
        *,
        before: Interview | None,
        now: datetime,
    ) -> None:
        """Save the interview and make its pending nudges match what the policy now wants.

        Most answers change no reminder: then the nudges table is not even read.
        """
        repository.save_interview(session, user, interview, step=step_of(interview, self.flow), now=now)
        wanted = self._wanted(interview, conversation)
        if before is None or wanted != self._wanted(before, conversation):
            nudge_store.plan(session, user_pk=user.id, interview_id=interview.id, wanted=wanted, now=now)

    def _plan(
        self,
        session: Session,
        user: Person,
        interview: Interview,
        conversation: dict[str, Any],
        *,
        now: datetime,
    ) -> None:
        wanted = self._wanted(interview, conversation)
        nudge_store.plan(session, user_pk=user.id, interview_id=interview.id, wanted=wanted, now=now)

    def _wanted(self, interview: Interview, conversation: dict[str, Any]) -> dict[str, datetime]:
        return self.policy(interview, tz=zone(self.timezone_of(conversation)))

    def policy(self, interview: Interview, *, tz: ZoneInfo) -> dict[str, datetime]:
        return nudge_plan(interview, tz=tz, quiet=self.quiet_hours, flow=self.flow)

    def forget_events_before(self, before: datetime) -> int:
        """Daily upkeep: forget processed event ids from before `before`, then let PostgreSQL reuse
        the space of deleted rows. Returns how many ids were forgotten."""
        with self.db.transaction() as session:
            pruned = repository.prune_events(session, before=before)
        self.db.vacuum()  # PostgreSQL: the space of deleted people's rows is reused, not kept
        return pruned
