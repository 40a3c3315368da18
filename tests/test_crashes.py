"""Crashes and outages: a killed process leaves whole turns only; a dropped database is survived."""

from __future__ import annotations

import contextlib
import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import create_engine, func, make_url, select, text

from bot.messages import Incoming, UserKey
from bot.service import ConversationService
from storage.db import Database
from storage.models import Interview, Nudge, ProcessedEvent
from tests.conftest import POSTGRES_URL, Clock

SETUP = ["hi", "ACME", "Designer", "done", "just now", "skip", "Email"]


def test_a_process_killed_mid_stream_leaves_only_whole_turns(sqlite_url, sqlite_db, tmp_path):
    """The killed database must equal a database that took exactly the turns it recorded, whole."""
    texts = SETUP + [f"Item {i}" for i in range(20_000)]
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.turn_worker", sqlite_url, "2026-11-26T14:10:00+00:00"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    commands = "".join(json.dumps({"turn": ["maya", t, f"e{i:05d}"]}) + "\n" for i, t in enumerate(texts))

    def feed() -> None:  # in the background: the pipe fills, and the turns must be counted meanwhile
        with contextlib.suppress(BrokenPipeError, ValueError):
            worker.stdin.write(commands)
            worker.stdin.flush()

    threading.Thread(target=feed, daemon=True).start()
    # Somewhere in the middle, mid-turn as likely as not: once a hundred turns are in, however fast.
    reader = sqlite3.connect(make_url(sqlite_url).database)  # a plain reader: never the write lock
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if reader.execute("SELECT count(*) FROM processed_events").fetchone()[0] >= 100:
            break
        time.sleep(0.01)
    reader.close()
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    with sqlite_db.transaction() as session:
        done = session.scalar(select(func.count()).select_from(ProcessedEvent))
        killed = session.scalars(select(Interview)).one()
    assert len(SETUP) < done < len(texts), "the kill should land mid-stream"

    replay = Database(f"sqlite:///{tmp_path / 'replay.sqlite3'}")
    replay.migrate()
    service = ConversationService(database=replay, default_timezone="Europe/Berlin", clock=Clock())
    for i, line in enumerate(texts[:done]):
        service.handle(Incoming(user=UserKey("scale", "w", "maya"), text=line, event_id=f"e{i:05d}"))
    with replay.transaction() as session:
        whole = session.scalars(select(Interview)).one()
    replay.dispose()
    assert killed.answers == whole.answers
    assert killed.cursor["pos"] == whole.cursor["pos"]


@pytest.mark.postgres
def test_the_database_dropping_every_connection_costs_no_message(postgres_db):
    service = ConversationService(database=postgres_db, default_timezone="Europe/Berlin", clock=Clock())
    user = UserKey("console", "local", "maya")
    assert "Which company" in service.handle(Incoming(user=user, text="hi"))[-1].text
    _cut_every_connection(postgres_db)
    replies = service.handle(Incoming(user=user, text="ACME"))
    assert "which role was it for at ACME?" in replies[-1].text  # answered, not "something went wrong"


def _cut_every_connection(database: Database) -> None:
    """As a PostgreSQL restart would: every session of this test is cut off. Only this test's (they
    carry its schema's name): the server is shared with other test runs, whose sessions are theirs."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = make_url(database.url).query["application_name"]
    with admin.connect() as conn:
        cut = conn.execute(text("SELECT count(pg_terminate_backend(pid, 10000)) FROM pg_stat_activity "
                                "WHERE application_name = :name"), {"name": name}).scalar()  # fmt: skip
    admin.dispose()
    assert cut >= 1


@pytest.mark.postgres
def test_a_reminder_sweep_after_the_database_dropped_every_connection_still_sends_and_records(postgres_db):
    from bot.delivery import NudgeDelivery
    from tests.helpers import finished

    clock = Clock()
    service = ConversationService(database=postgres_db, default_timezone="Europe/Berlin", clock=clock)
    finished(service, letter="later")
    clock.advance(hours=3, minutes=5)  # the first reminder to send the letter is due
    _cut_every_connection(postgres_db)
    delivery = NudgeDelivery(service)
    due = delivery.prepare_due(platforms=("console",))
    assert due, "a reminder was due"
    _cut_every_connection(postgres_db)  # and again between the send and its record
    delivery.record_delivery(due[0].nudge_id, delivered=True, attempts=due[0].attempts)
    with postgres_db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Nudge).where(Nudge.status == "sent")) == 1
