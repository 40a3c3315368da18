"""The operator's view of a running Debrief: /health on DEBRIEF_HEALTH_PORT for every platform
(Socket Mode and Discord too), and Prometheus metrics that count turns, their latency, reminders
and redelivered events without ever carrying what a person wrote."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from datetime import timedelta

from aiohttp import ClientSession
from prometheus_client.parser import text_string_to_metric_families

from adapters.slack_bot import SlackAdapter
from bot.delivery import MAX_SEND_ATTEMPTS, NudgeDelivery
from bot.messages import Incoming, UserKey
from bot.metrics import NUDGE_OUTCOMES, PrometheusMetrics
from bot.scheduler import NudgeScheduler
from bot.service import ConversationService
from debrief.health import Health
from storage.db import Database
from storage.models import Interview, Nudge
from tests.discord_fake import FakeDiscord
from tests.helpers import SWEEP_AT, debrief_run, env_for, free_port, seed_due_nudges
from tests.slack_fake import SIGNING_SECRET, FakeSlack, SlackClient, dm_event, event_envelope, wait_for

START_S = 60  # a cold Python start on a busy machine
PRIVATE = "Zanzibar Children's Hospital"  # typed by the person: must never reach a metric


def samples(exposition: bytes) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a /metrics answer, by name and labels, read with Prometheus' own parser."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(exposition.decode())
        for sample in family.samples
    }


def value(figures: dict, name: str, **labels: str) -> float:
    return figures[(name, tuple(sorted(labels.items())))]


async def _get(port: int, path: str) -> tuple[int, bytes, str]:
    async with ClientSession() as session, session.get(f"http://127.0.0.1:{port}{path}") as response:
        return response.status, await response.read(), response.headers.get("Content-Type", "")


async def _healthy(port: int) -> dict:
    """Wait until the process answers /health with 200; its body."""
    async with ClientSession() as session:
        for _ in range(START_S * 10):
            with contextlib.suppress(OSError):
                async with session.get(f"http://127.0.0.1:{port}/health") as response:
                    if response.status == 200:
                        return await response.json()
            await asyncio.sleep(0.1)
    raise AssertionError("debrief run never answered /health with 200")


def test_debrief_run_on_socket_mode_and_discord_serves_health_and_metrics(tmp_path):
    """The two platforms with no HTTP port of their own: one process, one health port, both counted."""

    async def scenario() -> tuple[int | None, str, dict, dict, bytes, str]:
        slack, discord = FakeSlack(), FakeDiscord()
        await slack.start()
        await discord.start()
        port = free_port()
        env = env_for(
            f"sqlite:///{tmp_path / 'd.sqlite3'}",
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_APP_TOKEN="xapp-test",
            SLACK_API_URL=slack.url,
            DISCORD_TOKEN="discord-test-token",
            DISCORD_API_URL=discord.api_url,
            DISCORD_GATEWAY_URL=discord.gateway_url,
            DEBRIEF_HEALTH_PORT=str(port),
        )
        process = await debrief_run(env)
        try:
            health = await _healthy(port)
            await slack.push(event_envelope(dm_event("hi"), "Ev1"))
            await slack.push(event_envelope(dm_event("hi"), "Ev1"), retry_attempt=1)  # Slack's retry
            await wait_for(lambda: len(slack.of("chat.postMessage")) >= 1, timeout=START_S)
            await discord.dm("hi")
            await wait_for(lambda: len(discord.posts) >= 1, timeout=START_S)
            await slack.push(event_envelope(dm_event(PRIVATE), "Ev2"))
            await wait_for(lambda: len(slack.of("chat.postMessage")) >= 2, timeout=START_S)
            figures = samples((await _get(port, "/metrics"))[1])
            for _ in range(50):  # a turn is counted just after its replies are handed over
                if value(figures, "debrief_turns_total", platform="slack", outcome="answered") == 2:
                    break
                await asyncio.sleep(0.1)
                figures = samples((await _get(port, "/metrics"))[1])
            _, raw, content_type = await _get(port, "/metrics")
        finally:
            process.send_signal(signal.SIGTERM)
            _, errors = await asyncio.wait_for(process.communicate(), START_S)
            await slack.stop()
            await discord.stop()
        return process.returncode, errors.decode(), health, figures, raw, content_type

    code, errors, health, figures, raw, content_type = asyncio.run(scenario())
    assert code == 0, errors
    assert health == {
        "status": "ok",
        "database": "ok",
        "slack": "connected",
        "discord": "connected",
        "reminders": "ok",
    }
    assert "Health check and metrics: port" in errors
    assert value(figures, "debrief_turns_total", platform="slack", outcome="answered") == 2
    assert value(figures, "debrief_turns_total", platform="discord", outcome="answered") == 1
    assert value(figures, "debrief_turns_total", platform="slack", outcome="failed") == 0
    assert value(figures, "debrief_events_deduplicated_total", platform="slack") == 1  # the retry
    assert value(figures, "debrief_turn_seconds_count", platform="slack") == 2
    assert value(figures, "debrief_turn_seconds_sum", platform="slack") > 0
    assert ("debrief_last_sweep_timestamp_seconds", ()) in figures  # the scheduler swept
    assert content_type.startswith("text/plain")
    # Only platform names and fixed outcomes label anything: no words, no user ids.
    assert PRIVATE.encode() not in raw and b"U1" not in raw and b"maya" not in raw
    labels = {label for (_, pairs) in figures for label in pairs}
    assert {name for name, _ in labels} <= {"platform", "outcome", "le"}
    assert {v for name, v in labels if name == "platform"} <= {"slack", "discord"}
    assert {v for name, v in labels if name == "outcome"} <= {"answered", "failed", *NUDGE_OUTCOMES}


def test_slack_http_mode_shares_its_port_when_the_health_port_is_the_same(tmp_path):
    """PORT and DEBRIEF_HEALTH_PORT alike: one listener serves Slack's events, /health and /metrics."""

    async def scenario() -> tuple[int | None, str, dict, dict]:
        fake = FakeSlack()
        await fake.start()
        port = free_port()
        env = env_for(
            f"sqlite:///{tmp_path / 'd.sqlite3'}",
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=fake.url,
            PORT=str(port),
            DEBRIEF_HEALTH_PORT=str(port),
        )
        process = await debrief_run(env)
        try:
            health = await _healthy(port)
            assert await SlackClient(f"http://127.0.0.1:{port}/slack/events").dm("hi") == 200
            await wait_for(lambda: len(fake.of("chat.postMessage")) >= 1, timeout=START_S)
            figures: dict = {}
            for _ in range(50):
                figures = samples((await _get(port, "/metrics"))[1])
                if value(figures, "debrief_turns_total", platform="slack", outcome="answered") == 1:
                    break
                await asyncio.sleep(0.1)
        finally:
            process.send_signal(signal.SIGTERM)
            _, errors = await asyncio.wait_for(process.communicate(), START_S)
            await fake.stop()
        return process.returncode, errors.decode(), health, figures

    code, errors, health, figures = asyncio.run(scenario())
    assert code == 0, errors
    assert health == {"status": "ok", "database": "ok", "slack": "connected", "reminders": "ok"}
    assert value(figures, "debrief_turns_total", platform="slack", outcome="answered") == 1


def test_health_says_which_part_fails_with_503(sqlite_db):
    """A database that cannot be reached and a platform not connected: 503, each named."""

    async def scenario() -> tuple[int, dict, int, dict]:
        good = sqlite_db
        gone = Database("postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=1")
        try:
            service = ConversationService(database=good)
            slack = SlackAdapter(
                service=service, bot_token="xoxb-test", signing_secret=SIGNING_SECRET, port=0
            )
            scheduler = NudgeScheduler(service=service, senders={"slack": slack.send}, interval_s=30)
            metrics = PrometheusMetrics(("slack",))
            health = Health(database=gone, adapters={"slack": slack}, scheduler=scheduler, metrics=metrics)
            await health.start("127.0.0.1", 0)
            try:
                status, body, _ = await _get(health.port, "/health")
                await slack.start()  # HTTP mode: listening now
                health.database = good
                status_after, body_after, _ = await _get(health.port, "/health")
            finally:
                await slack.stop()
                await health.stop()
        finally:
            gone.dispose()
        return status, _json(body), status_after, _json(body_after)

    status, body, status_after, body_after = asyncio.run(scenario())
    assert status == 503
    assert body == {
        "status": "failing",
        "database": "unreachable",
        "slack": "disconnected",
        "reminders": "ok",
    }
    assert status_after == 200 and body_after["status"] == "ok"


def test_health_says_reminders_are_late_when_no_sweep_finished_for_long(sqlite_db):
    database = sqlite_db

    async def scenario() -> tuple[int, dict]:
        service = ConversationService(database=database)
        scheduler = NudgeScheduler(service=service, senders={}, interval_s=1)
        scheduler._last_swept -= 301
        health = Health(database=database, adapters={}, scheduler=scheduler, metrics=PrometheusMetrics())
        await health.start("127.0.0.1", 0)
        try:
            status, body, _ = await _get(health.port, "/health")
        finally:
            await health.stop()
        return status, _json(body)

    status, body = asyncio.run(scenario())
    assert (status, body) == (503, {"status": "failing", "database": "ok", "reminders": "late"})


def test_turn_metrics_count_answers_failures_and_redeliveries(sqlite_db):
    database = sqlite_db
    metrics = PrometheusMetrics(("console",))
    service = ConversationService(database=database, metrics=metrics)
    maya = UserKey("console", "local", "maya")
    service.handle(Incoming(user=maya, kind="message", text="hi", event_id="e1"))
    service.handle(Incoming(user=maya, kind="message", text=PRIVATE, event_id="e2"))
    assert service.handle(Incoming(user=maya, kind="message", text=PRIVATE, event_id="e2")) == []

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError(PRIVATE)

    service.step = broken  # type: ignore[method-assign]
    service.handle(Incoming(user=maya, kind="message", text="and then", event_id="e3"))

    body, _ = metrics.exposition()
    figures = samples(body)
    assert value(figures, "debrief_turns_total", platform="console", outcome="answered") == 2
    assert value(figures, "debrief_turns_total", platform="console", outcome="failed") == 1
    assert value(figures, "debrief_events_deduplicated_total", platform="console") == 1
    assert value(figures, "debrief_turn_seconds_count", platform="console") == 3
    assert PRIVATE.encode() not in body and b"maya" not in body


def test_reminder_metrics_count_sent_retrying_failed_skipped_and_the_backlog(sqlite_db):
    """Five people owed a thank-you reminder: two sends succeed, one fails (tried again later), one
    fails for the last time, and one person sent their letter meanwhile (skipped, not sent)."""
    seed_due_nudges(sqlite_db, 5)
    with sqlite_db.transaction() as session:
        sent_letter = session.get(Interview, f"{4:032x}")
        sent_letter.answers = {**sent_letter.answers, "letter_review": "sent"}
    metrics = PrometheusMetrics(("console",))
    delivery = NudgeDelivery(ConversationService(database=sqlite_db, clock=lambda: SWEEP_AT, metrics=metrics))
    prepared = delivery.prepare_due(platforms=("console",))
    backlog_first = samples(metrics.exposition()[0])[("debrief_nudges_due", ())]
    assert len(prepared) == 4
    for number, nudge in enumerate(prepared):
        attempts = MAX_SEND_ATTEMPTS if number == 3 else nudge.attempts  # the fourth: its last try
        delivery.record_delivery(
            nudge.nudge_id, delivered=number < 2, attempts=attempts, kind=nudge.kind, platform="console"
        )
    an_hour_later = SWEEP_AT + timedelta(hours=1)
    retried = NudgeDelivery(
        ConversationService(database=sqlite_db, clock=lambda: an_hour_later, metrics=metrics)
    )
    assert len(retried.prepare_due(platforms=("console",))) == 1  # the failed send, due again

    body, _ = metrics.exposition()
    figures = samples(body)
    assert backlog_first == 5
    assert value(figures, "debrief_nudges_due") == 1  # at the second sweep: the retry alone
    assert value(figures, "debrief_nudges_total", platform="console", outcome="sent") == 2
    assert value(figures, "debrief_nudges_total", platform="console", outcome="retrying") == 1
    assert value(figures, "debrief_nudges_total", platform="console", outcome="failed") == 1
    assert value(figures, "debrief_nudges_total", platform="console", outcome="skipped") == 1


def test_a_reminder_overtaken_by_a_later_one_counts_as_skipped(sqlite_db):
    """After a long downtime two thank-you reminders of one interview are due: the later is sent,
    the earlier skipped, and the figures say so."""
    seed_due_nudges(sqlite_db, 1)
    with sqlite_db.transaction() as session:
        session.add(Nudge(user_pk=1, interview_id=f"{0:032x}", kind="thank_you_2", status="pending", attempts=0,
                          due_at=SWEEP_AT - timedelta(minutes=1), created_at=SWEEP_AT))  # fmt: skip
    metrics = PrometheusMetrics(("console",))
    later = SWEEP_AT + timedelta(hours=20)
    delivery = NudgeDelivery(ConversationService(database=sqlite_db, clock=lambda: later, metrics=metrics))
    [ready] = delivery.prepare_due(platforms=("console",))
    assert ready.kind == "thank_you_2"
    figures = samples(metrics.exposition()[0])
    assert value(figures, "debrief_nudges_total", platform="console", outcome="skipped") == 1
    assert value(figures, "debrief_nudges_due") == 2


def _json(body: bytes) -> dict:
    import json

    return json.loads(body)


def test_an_empty_health_port_in_env_means_not_served(monkeypatch):
    from bot.config import load_settings

    monkeypatch.setenv("DEBRIEF_HEALTH_PORT", "")
    assert load_settings().health_port is None
    monkeypatch.setenv("DEBRIEF_HEALTH_PORT", "9100")
    assert load_settings().health_port == 9100
