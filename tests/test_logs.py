"""Logs never hold what people write, at any level: the real SDKs run with DEBRIEF_LOG_LEVEL=DEBUG."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import event

from adapters.slack_bot import SlackAdapter
from bot import logs
from bot.messages import Incoming, UserKey
from bot.service import ConversationService
from storage.db import Database
from tests.helpers import (
    discord_bot,
    discord_say,
    slack_bot,
    slack_http_run,
    slack_say,
    texts,
)
from tests.slack_fake import FakeSlack, dm_event, event_envelope, wait_for

SECRET = "Quokka Lighthouse 7731"  # a company name: the bot echoes it in its questions


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    """Debrief's log set-up at DEBUG, writing to a string; the logging state is restored after."""
    root = logging.getLogger()
    saved = root.level, list(root.handlers), {name: logging.getLogger(name).level for name in logs.FLOORS}
    stream = io.StringIO()
    handler = logs.setup("DEBUG", stream=stream)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]
        for name, level in saved[2].items():
            logging.getLogger(name).setLevel(level)


def assert_debug_log_without_secret(stream: io.StringIO) -> None:
    written = stream.getvalue()
    assert " DEBUG " in written  # the level really was DEBUG (asyncio's selector line, at least)
    assert SECRET not in written and SECRET.replace(" ", "+") not in written  # also form-encoded


def test_slack_at_debug_logs_nothing_people_wrote(service, debug_log):
    async def scenario():
        async with slack_bot(service) as (fake, _, client):
            await slack_say(fake, client, "hi")
            assert SECRET in await slack_say(fake, client, SECRET)  # echoed in the next question
            await slack_say(fake, client, "Designer")  # the stored name is read back from the database
            forged = json.dumps(event_envelope(dm_event(SECRET), "EvForged")).encode()
            assert (
                await client.post(forged, "application/json", **{"X-Slack-Signature": "v0=" + "0" * 64})
                == 401
            )

    asyncio.run(scenario())
    assert "Slack: listening on" in debug_log.getvalue()
    assert_debug_log_without_secret(debug_log)


def test_slack_socket_mode_at_debug_logs_nothing_people_wrote(service, debug_log):
    async def scenario():
        fake = FakeSlack()
        await fake.start()
        adapter = SlackAdapter(
            service=service, bot_token="xoxb-test", app_token="xapp-test", api_url=fake.url
        )
        await adapter.start()
        try:
            await wait_for(lambda: fake.sockets)
            await fake.push(event_envelope(dm_event("hi"), "EvS1"))
            await wait_for(lambda: "Which company" in texts(fake.of("chat.postMessage")))
            await fake.push(event_envelope(dm_event(SECRET), "EvS2"))
            await wait_for(lambda: SECRET in texts(fake.of("chat.postMessage")))
        finally:
            await adapter.stop()
            await fake.stop()

    asyncio.run(scenario())
    assert "Slack: connected in Socket Mode" in debug_log.getvalue()
    assert_debug_log_without_secret(debug_log)


def test_discord_at_debug_logs_nothing_people_wrote(service, debug_log):
    async def scenario():
        async with discord_bot(service) as (fake, _):
            await discord_say(fake, "hi")
            posts = await discord_say(fake, SECRET)
            assert any(SECRET in (p["content"] or "") for p in posts)
            await discord_say(fake, "Designer")

    asyncio.run(scenario())
    assert "Discord: connected as" in debug_log.getvalue()
    assert_debug_log_without_secret(debug_log)


def _read_only_sqlite(dbapi_conn, _record) -> None:
    dbapi_conn.execute("PRAGMA query_only=ON")  # every write fails as on a read-only file


def _read_only_postgres(dbapi_conn, _record) -> None:
    dbapi_conn.autocommit = True  # a session setting, outside any transaction
    dbapi_conn.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")  # a hot standby
    dbapi_conn.autocommit = False


@pytest.mark.parametrize(
    ("url_fixture", "read_only", "cause"),
    [
        ("sqlite_url", _read_only_sqlite, "attempt to write a readonly database"),
        pytest.param(
            "postgres_url", _read_only_postgres, "read-only transaction", marks=pytest.mark.postgres
        ),
    ],
)
def test_a_failed_turn_names_the_database_cause_and_not_the_words(
    request, caplog, url_fixture, read_only, cause
):
    database = Database(request.getfixturevalue(url_fixture))
    database.migrate()
    database.engine.dispose()
    event.listen(database.engine, "connect", read_only)
    service = ConversationService(database=database, default_timezone="Europe/Berlin")
    try:
        with caplog.at_level(logging.ERROR, logger="bot.service"):
            replies = service.handle(Incoming(user=UserKey("console", "-", "maya"), text=SECRET))
    finally:
        database.dispose()
    assert "went wrong" in replies[0].text
    [failure] = [r for r in caplog.records if r.name == "bot.service"]
    assert f": {cause}\n" in failure.getMessage()  # "OperationalError: attempt to write ..."
    assert SECRET not in failure.getMessage()


def test_only_known_causes_are_named_never_the_rest_of_a_drivers_message():
    import sqlite3

    from sqlalchemy.exc import IntegrityError, OperationalError

    quoting = IntegrityError("INSERT ...", None, sqlite3.IntegrityError(f"UNIQUE failed: {SECRET}"))
    assert logs.operator_cause(quoting) is None
    full = OperationalError("INSERT ...", None, sqlite3.OperationalError("database or disk is full"))
    try:
        raise RuntimeError("the turn") from full
    except RuntimeError as wrapped:
        assert logs.operator_cause(wrapped) == "database or disk is full"
    refused = OperationalError(
        "SELECT 1", None, Exception(f'connection to server at "db" failed: Connection refused\n{SECRET}')
    )
    assert logs.operator_cause(refused) == "connection refused"


def test_debrief_run_at_debug_keeps_peoples_words_out_of_its_stderr(tmp_path):
    async def scenario() -> bytes:
        async with slack_http_run(tmp_path / "d.sqlite3", DEBRIEF_LOG_LEVEL="DEBUG") as run:
            assert await run.client.dm(SECRET) == 200
            await wait_for(lambda: SECRET in texts(run.fake.of("chat.postMessage")))
        assert run.process.returncode == 0, run.errors.decode()
        return run.errors

    written = asyncio.run(scenario()).decode()
    assert " DEBUG " in written and "Slack: listening on" in written
    assert SECRET not in written
