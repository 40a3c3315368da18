"""A person's words are theirs alone: private files from the first byte, and "forget me" leaves nothing.

Real SQLite files on disk (their raw bytes are searched), the real console adapter writing exports,
and the real PostgreSQL for the daily upkeep's VACUUM.
"""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from adapters.console import ConsoleAdapter, write_private
from bot.service import ConversationService
from storage.db import Database
from storage.models import ProcessedEvent
from tests.chat import Chat

SECRET = "zebra-orchid-4127"  # a phrase that appears nowhere else, to look for in the raw files


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask():
    """The usual umask, under which files are group- and world-readable unless made otherwise."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def raw_bytes(database_file: Path) -> bytes:
    files = [database_file, *database_file.parent.glob(database_file.name + "-*")]
    return b"".join(f.read_bytes() for f in files if f.exists())


def test_the_database_and_its_wal_and_shm_are_private_from_the_first_byte(tmp_path, loose_umask, clock):
    path = tmp_path / "data" / "debrief.sqlite3"
    database = Database(f"sqlite:///{path}")
    assert mode(path.parent) == 0o700 and mode(path) == 0o600  # before anything is written
    database.migrate()
    Chat(ConversationService(database=database, clock=clock)).say("hi")
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        assert file.exists() and mode(file) == 0o600, file
    database.dispose()


def test_a_database_file_made_before_with_a_loose_mode_is_tightened(tmp_path, loose_umask):
    path = tmp_path / "debrief.sqlite3"
    path.write_bytes(b"")
    path.chmod(0o644)
    Database(f"sqlite:///{path}").dispose()
    assert mode(path) == 0o600


def test_forget_me_leaves_no_word_in_the_sqlite_files(tmp_path, clock):
    path = tmp_path / "debrief.sqlite3"
    database = Database(f"sqlite:///{path}")
    database.migrate()
    chat = Chat(ConversationService(database=database, clock=clock))
    for line in ("hi", f"Mercy General {SECRET}", f"Charge Nurse {SECRET}", f"Dr. Priya {SECRET}", "done"):
        chat.say(line)
    assert SECRET.encode() in raw_bytes(path)
    with database.engine.connect() as connection:  # on every connection, whatever SQLite's build default
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    chat.say("forget me")
    chat.click("Yes, delete")
    assert "Everything is deleted" in chat.last
    assert SECRET.encode() not in raw_bytes(path)
    database.dispose()


def test_exports_are_private_never_overwrite_each_other_and_forget_me_deletes_them(
    tmp_path, clock, sqlite_db
):
    service = ConversationService(database=sqlite_db, clock=clock)
    exports = tmp_path / "exports"
    console = ConsoleAdapter(
        service=service, user_name="Maya", export_dir=exports, stdin=io.StringIO(), stdout=io.StringIO()
    )
    other = ConsoleAdapter(
        service=service, user_name="Tom", export_dir=exports, stdin=io.StringIO(), stdout=io.StringIO()
    )
    for adapter in (console, other):
        for line in ("hi", f"ACME {SECRET}", "export", "export"):  # two exports in the same minute
            adapter._print(service.handle(adapter._incoming(line)))
    mine = sorted(console.person_dir().iterdir())
    assert len(mine) == 2 and all(mode(p) == 0o600 for p in mine)
    assert mode(console.person_dir()) == 0o700 and mode(exports) == 0o700
    assert mine[0].read_text() != "" and SECRET in mine[1].read_text()
    console._print(service.handle(console._incoming("forget me")))
    console._print(service.handle(console._incoming("yes")))
    assert not console.person_dir().exists()
    assert len(list(other.person_dir().iterdir())) == 2  # another person's files are not touched


def test_write_private_picks_a_new_name_when_one_is_taken(tmp_path):
    first = write_private(tmp_path / "x", "debrief-2026-11-26-1510.md", "one")
    second = write_private(tmp_path / "x", "debrief-2026-11-26-1510.md", "two")
    assert first != second and first.read_text() == "one" and second.read_text() == "two"
    assert second.name == "debrief-2026-11-26-1510-2.md"


@pytest.mark.postgres
def test_the_daily_upkeep_vacuums_postgresql(postgres_db, clock):
    service = ConversationService(database=postgres_db, clock=clock)
    chat = Chat(service)
    chat.say("hi")
    chat.say("forget me")
    chat.click("Yes, delete")
    assert (
        service.forget_events_before(clock()) >= 0
    )  # prunes, then VACUUMs (it must not fail in a transaction)


def test_processed_event_ids_keep_no_name_of_the_person(service):
    chat = Chat(service)
    chat.press("cmd:help", event_id="action:T0001:U0MAYA:1700000000.000100")
    with service.db.transaction() as session:
        [stored] = session.scalars(select(ProcessedEvent.event_id)).all()
    assert "U0MAYA" not in stored and len(stored) == 64
    assert chat.press("cmd:help", event_id="action:T0001:U0MAYA:1700000000.000100") == ""  # still once
