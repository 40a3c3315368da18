"""The contract every platform adapter keeps (Slack, Discord, the console, test doubles), and the
line of turns that lets Slack and Discord keep it.

An adapter MUST translate only: platform events become `Incoming`, `Reply` lists become platform
messages. It MUST NOT hold conversation logic; anything about interviews belongs in `bot/`.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Awaitable, Coroutine, Hashable
from typing import Any, Protocol, runtime_checkable

from bot.messages import Reply, UserKey

log = logging.getLogger(__name__)

# How long stop() waits for accepted turns: within the 30 s a container is usually given after SIGTERM.
STOP_WAIT_S = 25.0


@runtime_checkable
class Adapter(Protocol):
    """A running connection to one platform."""

    async def start(self) -> None:
        """Connect and deliver incoming events to the service until `stop()` or end of input.

        It MUST acknowledge a platform event before slow work when the platform requires it
        (Slack and Discord: within 3 seconds), and SHOULD pass the platform's event id so a
        redelivery is a no-op. It MUST run one person's events one after another in the order
        they arrived (a slow first turn is not overtaken by the next message), and SHOULD run
        different people's side by side.
        """

    async def stop(self) -> None:
        """Stop taking new events, then let every event already acknowledged to the platform be
        handled and its replies sent, waiting at most `STOP_WAIT_S` (logged when exceeded), then
        disconnect. An event that arrives while stopping is not acknowledged, or is dropped where the
        platform cannot be told. MAY be called twice."""

    async def connected(self) -> bool:
        """True while it can take events and send (the health endpoint asks; it must answer fast)."""

    async def send(self, user: UserKey, replies: list[Reply]) -> None:
        """Deliver replies to the person's direct conversation (used for nudges).

        It MUST NOT post anything from a direct conversation into a shared channel, and SHOULD
        escape echoed text so it can never mention everyone or another person.
        """


class Turns:
    """The turns an adapter has accepted and not yet finished, each a task.

    One person's turns run one after another in the order `start` was called, different people's
    side by side. Slack and Discord run every event's handler concurrently, so without this a slow
    step of one message (Slack's users.info before a person's first turn) lets the next overtake it.
    `start` takes the place in line at once, so call it before the handler's first `await`.
    `finish` is what `stop()` waits on. Only people with a turn in flight are remembered.
    """

    def __init__(self, platform: str) -> None:
        self.platform = platform
        self._latest: dict[Hashable, asyncio.Task[None]] = {}  # each person's last turn, while in flight
        self._running: set[asyncio.Task[None]] = set()  # also keeps the tasks from being collected
        self._closed = False

    def start(
        self,
        person: Hashable,
        work: Coroutine[Any, Any, None],
        *,
        ack: Coroutine[Any, Any, object] | None = None,
    ) -> bool:
        """Run `work` once the person's earlier turns are done; `ack` (telling the platform the event
        arrived) runs at once, not behind them. False, running neither, once `finish` has begun."""
        if self._closed:
            log.info("%s: stopping; an event that arrived now is not taken", self.platform)
            work.close()
            if ack is not None:
                ack.close()
            return False
        task = asyncio.create_task(self._run(self._latest.get(person), work, ack))
        self._latest[person] = task
        self._running.add(task)
        task.add_done_callback(lambda done: self._done(person, done))
        return True

    async def _run(
        self,
        previous: asyncio.Task[None] | None,
        work: Coroutine[Any, Any, None],
        ack: Awaitable[object] | None,
    ) -> None:
        try:
            if ack is not None:
                await ack
            if previous is not None:
                await asyncio.wait({previous})  # its failure is its own: only its end matters here
        except BaseException:
            work.close()  # never started: no "never awaited" warning
            raise
        await work

    def _done(self, person: Hashable, task: asyncio.Task[None]) -> None:
        self._running.discard(task)
        if self._latest.get(person) is task:
            del self._latest[person]
        if not task.cancelled() and (exc := task.exception()) is not None:
            # Never the exception's message, which can quote what a person wrote.
            log.error(
                "%s: a turn failed: %s\n%s",
                self.platform,
                type(exc).__name__,
                "".join(traceback.format_tb(exc.__traceback__)),
            )

    async def finish(self, wait_s: float = STOP_WAIT_S) -> None:
        """Take no new turns; wait up to `wait_s` seconds for the accepted ones, queued ones included."""
        self._closed = True
        if not self._running:
            return
        log.info("%s: finishing %d turns in progress", self.platform, len(self._running))
        _, late = await asyncio.wait(set(self._running), timeout=wait_s)
        if late:
            log.warning(
                "%s: %d turns still running after %g s; stopping without their replies",
                self.platform,
                len(late),
                wait_s,
            )
            for task in late:
                task.cancel()
            await asyncio.wait(late)
