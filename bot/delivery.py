"""Nudge delivery: claim the due nudges, check each is still worth sending, word it through the
engine, and record whether the adapter delivered it. The scheduler drives it; turns are the
service's (bot/service.py), whose engine loop it uses to word a nudge.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from bot import dates, engine, nudges
from bot.dates import zone
from bot.logs import log_failure
from bot.messages import Reply
from bot.model import Input, Interview, NudgeStatus, UserKey
from storage import nudge_store, repository
from storage.db import retry_transient

if TYPE_CHECKING:
    from bot.service import ConversationService

log = logging.getLogger(__name__)

MAX_SEND_ATTEMPTS = 5
CLAIM_LEASE = timedelta(minutes=5)  # a claim older than this belongs to a process that died
# Nudges worded in one transaction. It holds SQLite's one writer, so a live turn waits at most for
# one batch (a few milliseconds); larger batches save little more.
WORDED_TOGETHER = 25
RETRYING = "retrying"  # a send failed: the nudge goes back to pending, due again after a wait
HELD = "held"  # a nudge put back until a pause or the person's night ends: neither sent nor skipped


def retry_delay(attempts: int) -> timedelta:
    """Wait before sending a failed nudge again: 1, 2, 4, 8 … minutes, at most an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


@dataclass(frozen=True)
class Sent:
    """What became of one send, to record: delivered or not, after how many attempts."""

    nudge_id: int
    delivered: bool
    attempts: int
    kind: str = ""
    platform: str = ""  # for the metrics' label


@dataclass(frozen=True)
class PreparedNudge:
    """A claimed, still relevant nudge, worded and ready for the adapter to send."""

    nudge_id: int
    user: UserKey
    replies: list[Reply]
    attempts: int
    kind: str = ""


class NudgeDelivery:
    """Due nudges in, worded ones out; what became of each send recorded. Holds no state of its own."""

    def __init__(self, service: ConversationService) -> None:
        self.service = service

    def prepare_due(
        self, *, platforms: Iterable[str], only: UserKey | None = None, limit: int = 200
    ) -> list[PreparedNudge]:
        """Claim the due nudges of these platforms and word the ones still worth sending.

        Of several due nudges of one family (three missed thank-you reminders after a long
        downtime), only the latest is sent: never a burst of stale ones.
        """
        now = self.service.clock()

        def claim() -> tuple[int, list[nudge_store.Claimed]]:
            with self.service.db.transaction() as session:
                metrics = self.service.metrics
                backlog = nudge_store.count_due(session, now=now) if metrics.counts_backlog else 0
                return backlog, nudge_store.claim_due(
                    session, now=now, limit=limit, lease=CLAIM_LEASE, platforms=tuple(platforms), only=only
                )

        # A connection the server dropped: once more, on a new one.
        backlog, claimed = retry_transient(claim)
        self.service.metrics.swept(due=backlog, at=time.time())
        latest: dict[tuple[str, str], nudge_store.Claimed] = {}
        for nudge in claimed:  # sorted by due time, so the last one of a family wins
            latest[(nudge.interview_id, nudges.family(nudge.kind))] = nudge
        superseded = [n for n in claimed if latest[(n.interview_id, nudges.family(n.kind))] is not n]
        if superseded:
            self._finish(superseded, NudgeStatus.SKIPPED)
        current = [n for n in claimed if latest[(n.interview_id, nudges.family(n.kind))] is n]
        prepared: list[PreparedNudge] = []
        for start in range(0, len(current), WORDED_TOGETHER):
            prepared += self._prepare_batch(current[start : start + WORDED_TOGETHER], now=now)
        return prepared

    def _prepare_batch(self, batch: list[nudge_store.Claimed], *, now: datetime) -> list[PreparedNudge]:
        """Word a batch in one transaction (a wave costs a commit per batch, not per nudge); if any
        of it fails, word each on its own, so only the one that failed is affected."""
        try:
            with self.service.locks(n.user for n in batch), self.service.db.transaction() as session:
                worded = [self._word(session, nudge, now=now) for nudge in batch]
        except Exception:
            return [ready for nudge in batch for ready in self._prepare_alone(nudge, now=now)]
        skipped = Counter(
            n.user.platform for n, done in zip(batch, worded, strict=True) if done == NudgeStatus.SKIPPED
        )
        for platform, count in skipped.items():  # counted once committed: a batch rolled back is worded again
            self.service.metrics.nudges(platform, NudgeStatus.SKIPPED, count)
        return [ready for ready in worded if isinstance(ready, PreparedNudge)]

    def _prepare_alone(self, nudge: nudge_store.Claimed, *, now: datetime) -> list[PreparedNudge]:
        try:
            with self.service.lock(nudge.user), self.service.db.transaction() as session:
                worded = self._word(session, nudge, now=now)
        except DBAPIError as exc:  # the database, not the nudge: try again later
            log_failure(log, "nudge", exc, kind=nudge.kind)
            self.record_deliveries([Sent(nudge.id, False, nudge.attempts, nudge.kind, nudge.user.platform)])
            return []
        except Exception as exc:  # its wording crashed: the same crash would come back every retry
            log_failure(log, "nudge", exc, kind=nudge.kind)
            fallback = self._prepare_fallback(nudge, now=now)
            return [fallback] if fallback is not None else []
        if worded == NudgeStatus.SKIPPED:
            self.service.metrics.nudges(nudge.user.platform, NudgeStatus.SKIPPED)
        return [worded] if isinstance(worded, PreparedNudge) else []

    def _word(self, session: Session, nudge: nudge_store.Claimed, *, now: datetime) -> PreparedNudge | str:
        """The nudge worded through the engine; or why not, as its row now says: SKIPPED (no longer
        worth sending, or the person was forgotten) or HELD (until a pause or the night ends)."""
        key = nudge.user
        user, interview = repository.find_with_interview(session, key, nudge.interview_id)
        if user is None:  # forgotten since the claim: its nudges went with it
            return NudgeStatus.SKIPPED
        conversation = user.conversation or engine.new_conversation()
        tz = zone(self.service.timezone_of(conversation))
        if interview is None or not self._worth_sending(nudge, interview, tz=tz, now=now):
            nudge_store.finish(session, nudge.id, status=NudgeStatus.SKIPPED, now=now)
            return NudgeStatus.SKIPPED
        paused = dates.stored_moment(conversation.get("paused_until"))
        kept = f"{nudge.interview_id}:{nudges.base_kind(nudge.kind)}" in conversation.get("pause_keeps", [])
        if paused and paused > now and not kept:  # on holiday: it waits for the end of the pause
            nudge_store.retry_at(session, nudge.id, due=paused, attempts=nudge.attempts - 1)
            return HELD
        # Overdue after downtime, or a retry after a failed send, that falls in the person's night:
        # it waits for the end of their quiet hours, and is judged stale or not then.
        wake = nudges.waking(now, tz, self.service.quiet_hours)
        if wake > now:
            nudge_store.retry_at(session, nudge.id, due=wake, attempts=nudge.attempts - 1)
            return HELD
        stepped, replies = self.service.step(
            session,
            user,
            Input(kind="nudge", action=nudge.kind),
            now=now,
            subject_id=nudge.interview_id,
            opened=interview,
        )
        assert stepped is not None  # None only after a confirmed "forget me", never for a nudge
        repository.save_conversation(session, user, stepped, display_name=None, now=now)
        return PreparedNudge(nudge.id, key, replies, nudge.attempts, nudge.kind)

    def _prepare_fallback(self, nudge: nudge_store.Claimed, *, now: datetime) -> PreparedNudge | None:
        """The plain wording of a nudge whose own wording crashed; if even that fails, give it up."""
        try:
            with self.service.db.transaction() as session:
                user = repository.find_user(session, nudge.user)
                interview = repository.load_interview(session, user, nudge.interview_id) if user else None
                if interview is None:
                    nudge_store.finish(session, nudge.id, status=NudgeStatus.SKIPPED, now=now)
                    replies = None
                else:
                    replies = engine.fallback_nudge(interview, nudge.kind, self.service.flow)
        except Exception as exc:
            log_failure(log, "nudge fallback", exc, kind=nudge.kind)
            self._finish([nudge], NudgeStatus.FAILED)
            return None
        if replies is None:
            self.service.metrics.nudges(nudge.user.platform, NudgeStatus.SKIPPED)
            return None
        return PreparedNudge(nudge.id, nudge.user, replies, nudge.attempts, nudge.kind)

    def _worth_sending(
        self, nudge: nudge_store.Claimed, interview: Interview, *, tz: ZoneInfo, now: datetime
    ) -> bool:
        """Still wanted, not stale, and not overtaken by a later one of its family that is due too
        (which another process may have claimed: the check cannot rely on one claim's batch)."""
        wanted = self.service.policy(interview, tz=tz)
        due = wanted.get(nudge.kind)
        # Stale or not is judged from when the policy wanted it, not from when a night deferred it to.
        if due is None or nudges.expired(nudge.kind, answers=interview.answers, due=due, now=now, tz=tz):
            return False
        family = nudges.family(nudge.kind)
        return not any(
            nudges.family(kind) == family and due < other <= now
            for kind, other in wanted.items()
            if kind != nudge.kind
        )

    def record_delivery(
        self, nudge_id: int, *, delivered: bool, attempts: int, kind: str = "", platform: str = ""
    ) -> None:
        """After the adapter tried to send: mark it sent, or try again later, or give up (and say so)."""
        self.record_deliveries([Sent(nudge_id, delivered, attempts, kind, platform)])

    def record_deliveries(self, sends: list[Sent]) -> None:
        """Record sends that finished together, in one transaction (a group commit): the scheduler
        records each send as soon as the one writer is free, with those that finished meanwhile."""
        now = self.service.clock()

        def record() -> None:  # one whole transaction, so a dropped connection can run it again
            with self.service.db.transaction() as session:
                for sent in sends:
                    outcome = _outcome(sent)
                    if outcome == RETRYING:
                        nudge_store.retry_at(session, sent.nudge_id, due=now + retry_delay(sent.attempts))
                    else:
                        nudge_store.finish(session, sent.nudge_id, status=outcome, now=now)

        retry_transient(record)
        for sent in sends:
            outcome = _outcome(sent)
            self.service.metrics.nudges(sent.platform, outcome)
            if outcome == NudgeStatus.FAILED:
                log.error(
                    "nudge %s (kind=%s) given up after %s failed attempts",
                    sent.nudge_id,
                    sent.kind,
                    sent.attempts,
                )

    def _finish(self, claimed: list[nudge_store.Claimed], status: NudgeStatus) -> None:
        """Record several claimed nudges as skipped or failed without sending them."""

        def finish() -> None:
            with self.service.db.transaction() as session:
                for nudge in claimed:
                    nudge_store.finish(session, nudge.id, status=status, now=self.service.clock())

        retry_transient(finish)
        for platform, count in Counter(nudge.user.platform for nudge in claimed).items():
            self.service.metrics.nudges(platform, status, count)


def _outcome(sent: Sent) -> str:
    """What becomes of a nudge after its send: sent, tried again later, or given up (failed)."""
    if sent.delivered:
        return NudgeStatus.SENT
    return NudgeStatus.FAILED if sent.attempts >= MAX_SEND_ATTEMPTS else RETRYING
