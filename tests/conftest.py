"""Shared fixtures: a folder of its own for each test, a real SQLite file, a fresh schema on the local PostgreSQL, a settable clock."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from bot.service import ConversationService
from storage.db import Database, scratch_schema

POSTGRES_URL = os.environ.get(
    "DEBRIEF_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("DEBRIEF_REQUIRE_POSTGRES") == "1"


ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _own_folder(tmp_path, monkeypatch) -> None:
    """Each test runs in a folder of its own: nothing it writes lands in the checkout (a console's
    default export folder is the current one), and no developer's .env is read. The processes a
    test starts still find the project's modules (`python -m tests.turn_worker`)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))


class Clock:
    """A clock the test moves by hand: Maya leaves ACME at 15:10 Berlin time."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 26, 14, 10, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'debrief.sqlite3'}"


def _migrated(url: str) -> Iterator[Database]:
    database = Database(url)
    database.migrate()
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(sqlite_url) -> Iterator[Database]:
    yield from _migrated(sqlite_url)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL whose search_path is a fresh, empty schema on the local PostgreSQL, dropped after the test."""
    try:
        with create_engine(POSTGRES_URL).connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        message = f"PostgreSQL is unreachable at DEBRIEF_TEST_POSTGRES_URL ({exc.orig})"
        if REQUIRE_POSTGRES:
            pytest.fail(message)
        pytest.skip(message)
    with scratch_schema(POSTGRES_URL) as url:
        yield url


@pytest.fixture
def postgres_db(postgres_url) -> Iterator[Database]:
    yield from _migrated(postgres_url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_url(request) -> str:
    """The same test on a SQLite file and on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def any_db(any_url) -> Iterator[Database]:
    yield from _migrated(any_url)


@pytest.fixture
def service(sqlite_db, clock) -> ConversationService:
    ids = (f"{n:032x}" for n in range(1, 10_000))
    return ConversationService(
        database=sqlite_db, default_timezone="Europe/Berlin", clock=clock, new_id=lambda: next(ids)
    )
