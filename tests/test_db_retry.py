"""Transient database failures on PostgreSQL: told from real ones, named without their message, and a
transaction the server cut off is run again once rather than lost."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.messages import UserKey
from storage import repository
from storage.db import Database, describe_error, is_transient, retry_transient
from storage.models import User
from tests.conftest import POSTGRES_URL

NOW = datetime(2026, 11, 26, 14, 10, tzinfo=UTC)
KEY = UserKey("slack", "T1", "U1")


def _cut(pid: int) -> None:
    """End one session from outside, as a server restart would, and wait until it is gone."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            assert conn.execute(text("SELECT pg_terminate_backend(:pid, 10000)"), {"pid": pid}).scalar()
    finally:
        admin.dispose()


def _turn_cut_off_once(database, calls: list[int]) -> None:
    """A turn that creates Maya's row; the first time, the server ends its session half-way."""
    with database.transaction() as session:
        repository.lock_user(session, KEY, now=NOW)
        calls.append(1)
        if len(calls) == 1:
            _cut(session.execute(text("SELECT pg_backend_pid()")).scalar())
        session.execute(text("SELECT 1"))


@pytest.mark.postgres
def test_a_transaction_the_server_cut_off_is_run_again_and_saved_once(postgres_db):
    calls: list[int] = []
    retry_transient(lambda: _turn_cut_off_once(postgres_db, calls))
    assert len(calls) == 2
    with postgres_db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1


@pytest.mark.postgres
def test_a_cut_off_session_is_transient_and_named_by_its_sqlstate(postgres_db):
    with pytest.raises(DBAPIError) as caught:
        _turn_cut_off_once(postgres_db, [])
    assert is_transient(caught.value)
    assert describe_error(caught.value) == "OperationalError (AdminShutdown, SQLSTATE 57P01, connection lost)"


@pytest.mark.postgres
def test_a_deadlock_is_transient_and_named_by_its_sqlstate(postgres_db):
    with postgres_db.transaction() as session:
        first = repository.lock_user(session, UserKey("slack", "T1", "A"), now=NOW).id
        second = repository.lock_user(session, UserKey("slack", "T1", "B"), now=NOW).id
    both_hold_one = threading.Barrier(2)
    errors: list[BaseException] = []

    def lock_in_order(ids: tuple[int, int]) -> None:
        try:
            with postgres_db.transaction() as session:
                for index, pk in enumerate(ids):
                    session.execute(text("SELECT id FROM users WHERE id = :pk FOR UPDATE"), {"pk": pk})
                    if index == 0:
                        both_hold_one.wait(timeout=30)
        except DBAPIError as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=lock_in_order, args=(ids,)) for ids in ((first, second), (second, first))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(errors) == 1  # PostgreSQL picked one of the two to fail; the other went through
    assert is_transient(errors[0])
    assert describe_error(errors[0]) == "OperationalError (DeadlockDetected, SQLSTATE 40P01)"


@pytest.mark.postgres
def test_a_real_error_is_raised_at_once_and_not_run_again(postgres_db):
    calls: list[int] = []

    def duplicate() -> None:
        calls.append(1)
        with postgres_db.transaction() as session:
            session.add(
                User(
                    platform="x", workspace="w", user_id="u", conversation={}, created_at=NOW, updated_at=NOW
                )
            )
            session.flush()
            session.add(
                User(
                    platform="x", workspace="w", user_id="u", conversation={}, created_at=NOW, updated_at=NOW
                )
            )

    with pytest.raises(IntegrityError) as caught:
        retry_transient(duplicate)
    assert len(calls) == 1
    assert not is_transient(caught.value)
    assert not is_transient(ValueError("not a database error"))


@pytest.mark.postgres
def test_a_scratch_schemas_sessions_carry_its_name(postgres_db, postgres_url):
    schema = postgres_url.rsplit("application_name=", 1)[1]
    with postgres_db.engine.connect() as conn:
        assert conn.execute(text("SELECT current_setting('application_name')")).scalar() == schema
        assert conn.execute(text("SELECT current_schema()")).scalar() == schema


def test_a_turn_that_fails_transiently_is_run_again_not_apologised_for(service, monkeypatch):
    """A deadlock (or a connection the server dropped) in the middle of a turn: the person never sees it."""
    from sqlalchemy.exc import OperationalError

    from bot.messages import Incoming
    from storage import repository
    from tests.chat import MAYA

    real, failures = repository.lock_user, []

    def deadlocked_once(session, key, *, now):
        if not failures:
            failures.append(1)
            raise OperationalError(
                "SELECT ... FOR UPDATE", {}, Exception("deadlock"), connection_invalidated=True
            )
        return real(session, key, now=now)

    monkeypatch.setattr(repository, "lock_user", deadlocked_once)
    replies = service.handle(Incoming(user=MAYA, text="hi", event_id="ev-1"))
    assert failures and "Which company" in replies[-1].text
    assert service.handle(Incoming(user=MAYA, text="hi", event_id="ev-1")) == []  # saved once


def test_the_fair_lock_lets_waiters_in_in_the_order_they_came_and_the_holder_in_again():
    import time

    from storage.db import FairLock

    lock, entered = FairLock(), []
    with lock:
        with lock:  # the holder may take it again, without waiting for itself
            assert lock._depth == 2
        assert lock._depth == 1
        waiters = []

        def wait_then_enter(name: str) -> None:
            with lock:
                entered.append(name)

        for name in "BCD":
            waiter = threading.Thread(target=wait_then_enter, args=(name,))
            waiter.start()
            waiters.append(waiter)
            while len(lock._waiting) < len(waiters):  # queued behind the holder, in this order
                time.sleep(0.001)
    for waiter in waiters:
        waiter.join(timeout=5)
    assert entered == ["B", "C", "D"]


def test_threads_of_one_process_take_turns_on_sqlite_without_its_busy_handler(tmp_path, monkeypatch):
    """With no busy timeout at all, two threads' BEGIN IMMEDIATE would fail at once with "database is
    locked": every turn succeeding shows the threads queue in the process instead."""
    from bot.messages import Incoming
    from bot.service import ConversationService
    from storage import db as storage_db

    monkeypatch.setattr(storage_db, "SQLITE_BUSY_TIMEOUT_S", 0)
    database = Database(f"sqlite:///{tmp_path / 'busy.sqlite3'}")
    database.migrate()
    service = ConversationService(database=database, default_timezone="Europe/Berlin")
    failed: list[str] = []

    def drive(n: int) -> None:
        user = UserKey("slack", "T1", f"U{n}")
        for i, line in enumerate(["hi", "ACME", "Designer", "done", "just now", "skip", "Email"]):
            reply = service.handle(Incoming(user=user, text=line, event_id=f"{n}-{i}"))[-1].text
            if "went wrong" in reply:
                failed.append(line)

    threads = [threading.Thread(target=drive, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    database.dispose()
    assert failed == []
