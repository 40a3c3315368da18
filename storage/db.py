"""Opening the database: engine, SQLite pragmas, write-locking turns, migrations on start, and
telling a transient failure (worth one more try) from a real one."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_S = 30
# PostgreSQL errors after which the same transaction, run again from its start, can succeed:
# serialization failure, deadlock detected, and the server ending the session (shutdown, restart,
# pg_terminate_backend, not yet accepting connections). Class 08 (connection exceptions) too.
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "57P01", "57P02", "57P03"})

log = logging.getLogger(__name__)
T = TypeVar("T")


@contextmanager
def scratch_schema(url: str) -> Iterator[str]:
    """A URL whose search path is a new, empty PostgreSQL schema, dropped afterwards.

    For tests and benchmarks that share one server: each gets its own tables and leaves none behind.
    Every connection made through the URL is labelled with the schema's name (its application_name),
    so a test can find, or cut, exactly its own sessions and never another test run's on the server.
    """
    schema = f"scratch_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            joiner = "&" if "?" in url else "?"
            yield f"{url}{joiner}options=-csearch_path%3D{schema}&application_name={schema}"
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


class DatabaseError(Exception):
    """The database cannot be used; the message is one line an operator can act on, with no secret."""


def safe_url(url: str) -> str:
    """The URL with any password hidden, fit for a log or an error message."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(unparseable URL)"


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE code of a database error (PostgreSQL's five characters), if the driver gave one."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    return getattr(orig, "sqlstate", None)


def is_transient(exc: BaseException) -> bool:
    """Whether a failed transaction is worth running once more from its start: a deadlock, a
    serialization failure, or a connection the server dropped. Never a constraint or a bad value."""
    if not isinstance(exc, DBAPIError):
        return False
    code = sqlstate(exc) or ""
    return exc.connection_invalidated or code in TRANSIENT_SQLSTATES or code.startswith("08")


def describe_error(exc: BaseException) -> str:
    """A failure's kind without its message, which can quote what a person wrote: fit for any log,
    e.g. "OperationalError (DeadlockDetected, SQLSTATE 40P01)"."""
    if not isinstance(exc, DBAPIError) or exc.orig is None:
        return type(exc).__name__
    details = [type(exc.orig).__name__] if type(exc.orig).__name__ != type(exc).__name__ else []
    if code := sqlstate(exc):
        details.append(f"SQLSTATE {code}")
    if exc.connection_invalidated:  # the driver lost the connection, often with no SQLSTATE to say so
        details.append("connection lost")
    return f"{type(exc).__name__} ({', '.join(details)})" if details else type(exc).__name__


def retry_transient(work: Callable[[], T], *, attempts: int = 2) -> T:
    """`work()`, run again (up to `attempts` times in all) while it fails transiently.

    `work` must be one whole transaction, begun and committed inside it: after a deadlock or a dropped
    connection it was rolled back, so running it again from the start is safe. (A connection lost
    during COMMIT itself may have saved it: a turn is safe even then, its event id is claimed once.)
    A real error, such as a constraint, is raised at once.
    """
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    for attempt in range(1, attempts):
        try:
            return work()
        except DBAPIError as exc:
            if not is_transient(exc):
                raise
            log.warning(
                "transaction failed transiently (%s), attempt %d; trying again", describe_error(exc), attempt
            )
    return work()


def _sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
    # Let SQLAlchemy, not the driver, decide when transactions begin (see _sqlite_begin).
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # A deleted row's bytes are overwritten with zeros, so "forget me" leaves no words in the file.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _private_sqlite_file(path: Path) -> None:
    """Create the database file readable by its owner alone before SQLite opens it (SQLite gives its
    -wal and -shm files the same mode), and tighten the mode of files made before."""
    folder = path.parent
    try:
        if not folder.exists():
            folder.mkdir(mode=0o700, parents=True)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if file.exists() and file.stat().st_mode & 0o077:
                file.chmod(0o600)
    except OSError as exc:
        raise DatabaseError(f"cannot create the database file {path}: {exc.strerror}") from exc


def _sqlite_begin(conn: Connection) -> None:
    # BEGIN IMMEDIATE takes the write lock at the start of a turn, so two processes' turns never
    # interleave and a read-then-write never fails half-way with "database is locked".
    conn.exec_driver_sql("BEGIN IMMEDIATE")


# The newest migration (storage/migrations/versions); a test checks Alembic agrees. A database already
# there is opened without importing Alembic, which is a tenth of a second of every start.
SCHEMA_HEAD = "0002"


def _reason(exc: DBAPIError) -> str:
    """The driver's first line of why: enough for an operator, and no secret."""
    return str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__


def _schema_version(connection: Connection) -> str | None:
    """The migration a database is at, or None for a new one."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _upgrade(connection: Connection) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


class FairLock:
    """A re-entrant lock that lets waiting threads in in the order they came, so a turn waits for
    the turns ahead of it and never longer (threading.Lock wakes waiters in no particular order).
    Each waiter sleeps on its own gate, opened by the thread before it: no thundering herd."""

    _HANDED_OVER = -1  # the owner as a gate opens: a newcomer queues rather than jump ahead

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._waiting: deque[threading.Lock] = deque()
        self._owner: int | None = None
        self._depth = 0

    def __enter__(self) -> FairLock:
        me = threading.get_ident()
        with self._guard:
            if self._owner == me:
                self._depth += 1
                return self
            if self._owner is None:
                self._owner, self._depth = me, 1
                return self
            gate = threading.Lock()
            gate.acquire()
            self._waiting.append(gate)
        gate.acquire()  # opened by the thread before this one, which handed the lock over
        with self._guard:
            self._owner, self._depth = me, 1
        return self

    def __exit__(self, *_: object) -> None:
        with self._guard:
            self._depth -= 1
            if self._depth:
                return
            if self._waiting:
                self._owner = self._HANDED_OVER
                self._waiting.popleft().release()
            else:
                self._owner = None


class Database:
    """One database: an engine and a session factory. `migrate()` brings the schema up to date."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            raise DatabaseError(
                "DEBRIEF_DATABASE_URL is not a database URL (e.g. sqlite:///path.db)"
            ) from exc
        self.dialect = parsed.get_backend_name()
        # hide_parameters: an error message must never carry what people wrote into a log.
        # No ping before each checkout (a round trip per turn): a connection the server dropped fails
        # the turn's first statement, which invalidates the pool, and retry_transient runs it again.
        options: dict[str, Any] = {"echo": echo, "hide_parameters": True}
        if self.dialect == "sqlite":
            database = parsed.database
            if database and database != ":memory:" and not database.startswith("file:"):
                _private_sqlite_file(Path(database).expanduser())
            options["connect_args"] = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S}
        try:
            self.engine: Engine = create_engine(url, **options)
        except (NoSuchModuleError, ImportError) as exc:
            raise DatabaseError(f"no driver for database {safe_url(url)}: {exc}") from exc
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite lets one writer in at a time. Threads of this process queue here, in order, instead
        # of in SQLite's busy handler, which sleeps in steps of up to 100 ms and lets p99 soar; the
        # busy timeout still covers other processes.
        self._writer: AbstractContextManager[Any] = FairLock() if self.dialect == "sqlite" else nullcontext()

    def writing(self) -> AbstractContextManager[Any]:
        """Held around a transaction: SQLite's one writer of this process; nothing on PostgreSQL."""
        return self._writer

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work commits together at the end, or not at all."""
        with self._writer, self.sessions.begin() as session:
            yield session

    def migrate(self) -> None:
        """Apply every Alembic migration not yet applied; raise DatabaseError with a one-line reason."""
        try:
            with self.engine.begin() as connection:
                if _schema_version(connection) != SCHEMA_HEAD:
                    _upgrade(connection)  # Alembic is imported only when there is work for it
                # A read-only database opens and migrates nothing without complaint; find out
                # now, at start-up, rather than on someone's first message.
                connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
        except DBAPIError as exc:
            raise DatabaseError(f"cannot open the database {safe_url(self.url)}: {_reason(exc)}") from exc

    def migration(self) -> str | None:
        """The migration this database is at (None: empty), after a write rolled back has shown it
        is writable; DatabaseError with a one-line reason if it cannot be used. Changes nothing: for
        `debrief doctor`, which only reports."""
        try:
            with self.engine.connect() as connection:
                version = _schema_version(connection)
                if version is not None:
                    connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
                connection.rollback()
        except DBAPIError as exc:
            raise DatabaseError(f"cannot use {safe_url(self.url)}: {_reason(exc)}") from exc
        return version

    def ping(self) -> None:
        """One round trip to the database (the health check); DatabaseError with a one-line reason."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except DBAPIError as exc:
            raise DatabaseError(f"cannot reach {safe_url(self.url)}: {_reason(exc)}") from exc

    def erase_deleted(self) -> None:
        """After a person was deleted: leave none of their words in the database's files.

        SQLite zeroes deleted rows (secure_delete), but older page images stay in the -wal file until
        a checkpoint copies the database back and truncates it. PostgreSQL keeps deleted rows until
        VACUUM (see `vacuum`, run by the daily upkeep, and the README).
        """
        if self.dialect == "sqlite":
            raw = self.engine.raw_connection()  # outside any transaction, which a checkpoint needs
            try:
                driver = raw.driver_connection
                assert driver is not None  # None only for a connection already closed or invalidated
                driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.close()

    def vacuum(self) -> None:
        """PostgreSQL: make the space of deleted rows free for reuse (daily upkeep); SQLite: nothing."""
        if self.dialect != "postgresql":
            return
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM users, interviews, nudges, processed_events")

    def dispose(self) -> None:
        self.engine.dispose()
