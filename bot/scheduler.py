"""APScheduler wiring: a sweep that delivers due nudges through the adapters, and daily upkeep.

The nudges themselves are rows (see storage/nudge_store.py); APScheduler only decides when to
look. Its own job store is never shared between processes (APScheduler 3 cannot do that safely).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.delivery import NudgeDelivery, PreparedNudge, Sent
from bot.messages import Reply, UserKey
from bot.service import ConversationService

log = logging.getLogger(__name__)

Send = Callable[[UserKey, list[Reply]], Awaitable[object]]  # an adapter's `async send(user, replies)`
EVENTS_KEPT = timedelta(days=7)  # platforms redeliver within minutes; a week is plenty
# Sends in flight at once in a sweep. Slack allows about one message a second per channel (each DM is
# one, and a person's sends go one at a time); discord.py waits out Discord's per-route buckets.
SENDS_AT_ONCE = 16


class _Recorder:
    """Group commit for a sweep's sends: a send waits until it is recorded; whoever takes the one
    writer records every send that finished meanwhile, in one transaction, so a wave of thousands
    costs a transaction per group, not per send."""

    def __init__(self, delivery: NudgeDelivery) -> None:
        self.delivery = delivery
        self.waiting: list[tuple[Sent, asyncio.Future[None]]] = []
        self.writer = asyncio.Lock()

    async def record(self, sent: Sent) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiting.append((sent, done))
        async with self.writer:
            if not done.done():  # not recorded by the group before: record this group now
                group, self.waiting = self.waiting, []
                try:
                    await asyncio.to_thread(self.delivery.record_deliveries, [s for s, _ in group])
                except Exception as exc:
                    for _, future in group:
                        if future is not done:
                            future.set_exception(exc)
                    raise
                for _, future in group:
                    future.set_result(None)
        await done


class NudgeScheduler:
    """Every `interval_s` seconds, claim due nudges and hand each to its platform's adapter."""

    def __init__(
        self,
        *,
        service: ConversationService,
        senders: Mapping[str, Send],
        interval_s: float = 30.0,
        only: UserKey | None = None,
    ) -> None:
        if interval_s <= 0:
            raise ValueError("the sweep interval must be positive")
        self.service = service
        self.delivery = NudgeDelivery(service)
        self.senders = dict(senders)
        self.interval_s = interval_s
        self.only = only
        self._scheduler: AsyncIOScheduler | None = None
        self._sweeping = asyncio.Lock()
        self._upkeeping = asyncio.Lock()
        self._stopping = False
        self.sweeps = 0  # completed sweeps, for start-up measurements and tests
        self._last_swept = time.monotonic()  # the last sweep that finished (or the start, before one)

    def since_last_sweep_s(self) -> float:
        """Seconds since a sweep last finished (since start, before the first): the health check's
        sign that reminders still go out."""
        return time.monotonic() - self._last_swept

    async def start(self) -> None:
        self._last_swept = time.monotonic()
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        # coalesce + max_instances=1: a slow sweep is never run twice at once nor caught up in a
        # burst; misfire_grace_time=None: a late sweep still runs (it only looks at the table).
        options = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}
        self._scheduler.add_job(
            self.sweep, "interval", seconds=self.interval_s, next_run_time=datetime.now(UTC), **options
        )
        self._scheduler.add_job(self.upkeep, "interval", hours=24, next_run_time=datetime.now(UTC), **options)
        self._scheduler.start()

    async def stop(self) -> None:
        """Stop claiming, let a running sweep finish its sends, then shut the scheduler down."""
        self._stopping = True
        async with self._sweeping, self._upkeeping:
            if self._scheduler is not None:
                self._scheduler.shutdown(wait=False)
                self._scheduler = None

    async def sweep(self) -> int:
        """Deliver what is due now; returns how many nudges were sent."""
        if self._stopping or self._sweeping.locked():  # one sweep at a time; stop() waits for it
            return 0
        async with self._sweeping:
            prepared = await asyncio.to_thread(
                self.delivery.prepare_due, platforms=tuple(self.senders), only=self.only
            )
            # Sends run side by side (at most SENDS_AT_ONCE), a person's own in order, one at a time:
            # a Monday wave takes seconds, not a network round trip per nudge one after another.
            at_once = asyncio.Semaphore(SENDS_AT_ONCE)
            recorder = _Recorder(self.delivery)
            by_person: dict[UserKey, list[PreparedNudge]] = {}
            for nudge in prepared:
                by_person.setdefault(nudge.user, []).append(nudge)
            results = await asyncio.gather(
                *(self._send_in_order(nudges, at_once, recorder) for nudges in by_person.values()),
                return_exceptions=True,
            )
            self.sweeps += 1
            self._last_swept = time.monotonic()
            failures = [r for r in results if isinstance(r, BaseException)]
            if failures:  # every other send finished and was recorded; the scheduler logs this one
                raise failures[0]
            return sum(r for r in results if isinstance(r, int))

    async def _send_in_order(
        self, nudges: list[PreparedNudge], at_once: asyncio.Semaphore, recorder: _Recorder
    ) -> int:
        sent = 0
        for nudge in nudges:
            async with at_once:
                delivered = await self._deliver(nudge)
            # Recorded right after its own send: a crash can then repeat at most the ones in flight.
            await recorder.record(
                Sent(nudge.nudge_id, delivered, nudge.attempts, nudge.kind, nudge.user.platform)
            )
            sent += delivered
        return sent

    async def _deliver(self, nudge: PreparedNudge) -> bool:
        try:
            await self.senders[nudge.user.platform](nudge.user, nudge.replies)
        except Exception as exc:  # the adapter failed: try again later, with backoff
            log.warning("nudge %s not delivered (%s); will retry", nudge.nudge_id, type(exc).__name__)
            return False
        return True

    async def upkeep(self) -> None:
        """Daily: forget processed event ids old enough that no platform will redeliver them."""
        if self._stopping or self._upkeeping.locked():
            return
        async with self._upkeeping:  # stop() waits for this as for a sweep
            await asyncio.to_thread(self.service.forget_events_before, self.service.clock() - EVENTS_KEPT)
