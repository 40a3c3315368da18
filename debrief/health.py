"""The health endpoint and the metrics of a `debrief run` process, for a load balancer, a container
orchestrator or Prometheus: GET /health and GET /metrics on DEBRIEF_HEALTH_PORT.

/health answers 200 when the database answers, every platform is connected and reminders go out,
and 503 with the failing part named otherwise. Neither says anything about a person.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web

from storage.db import Database, DatabaseError

if TYPE_CHECKING:
    from adapters.base import Adapter
    from bot.metrics import Metrics
    from bot.scheduler import NudgeScheduler

log = logging.getLogger(__name__)

HEALTH_PATH = "/health"
METRICS_PATH = "/metrics"
CHECK_TIMEOUT_S = 2.0  # a probe waits about this long; a database slower than that counts as down
MIN_LATE_S = 300.0  # reminders are late when no sweep finished for 10 intervals, and at least this


@dataclass(frozen=True)
class HealthReport:
    """Each part's state in a word ("ok", "connected", …), and whether all are well."""

    ok: bool
    parts: dict[str, str]


class Health:
    """Answers /health and /metrics from the parts of one running process."""

    def __init__(
        self,
        *,
        database: Database,
        adapters: Mapping[str, Adapter],
        scheduler: NudgeScheduler,
        metrics: Metrics,
    ) -> None:
        self.database = database
        self.adapters = dict(adapters)
        self.scheduler = scheduler
        self.metrics = metrics
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def report(self) -> HealthReport:
        parts: dict[str, str] = {"database": await self._database()}
        for name, adapter in self.adapters.items():
            parts[name] = "connected" if await _within(adapter.connected(), default=False) else "disconnected"
        late_after = max(MIN_LATE_S, 10 * self.scheduler.interval_s)
        parts["reminders"] = "ok" if self.scheduler.since_last_sweep_s() <= late_after else "late"
        ok = all(state in ("ok", "connected") for state in parts.values())
        return HealthReport(ok, parts)

    async def _database(self) -> str:
        try:
            await asyncio.wait_for(asyncio.to_thread(self.database.ping), CHECK_TIMEOUT_S)
        except TimeoutError:
            return "slow"
        except DatabaseError as exc:
            log.warning("health: %s", exc)  # the URL without its password, and the driver's reason
            return "unreachable"
        return "ok"

    def add_routes(self, app: web.Application) -> None:
        """Serve /health and /metrics from `app` (Slack's HTTP mode shares its port when asked to)."""
        app.router.add_get(HEALTH_PATH, self._health)
        app.router.add_get(METRICS_PATH, self._metrics)

    async def _health(self, _: web.Request) -> web.Response:
        report = await self.report()
        body = {"status": "ok" if report.ok else "failing", **report.parts}
        return web.json_response(body, status=200 if report.ok else 503)

    async def _metrics(self, _: web.Request) -> web.Response:
        body, content_type = self.metrics.exposition()
        return web.Response(body=body, headers={"Content-Type": content_type})

    async def start(self, host: str, port: int) -> None:
        """Listen on `port` (0: any free one, then `self.port` says which)."""
        app = web.Application()
        self.add_routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        self.port = self._runner.addresses[0][1]
        log.info("health and metrics on %s:%s", host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


async def _within(check: Awaitable[bool], *, default: bool) -> bool:
    """A check's answer, or `default` if it takes longer than a probe waits."""
    try:
        return await asyncio.wait_for(check, CHECK_TIMEOUT_S)
    except TimeoutError:
        return default
