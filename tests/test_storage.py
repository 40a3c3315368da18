"""Storage on SQLite and PostgreSQL: migrations, aware UTC times, dedupe keys, cascades."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, select

from bot.messages import UserKey
from storage import repository
from storage.db import Database, DatabaseError, safe_url
from storage.models import Interview, User

NOW = datetime(2026, 11, 26, 14, 10, 30, 123456, tzinfo=UTC)
KEY = UserKey("slack", "T1", "U1")


def test_migrations_create_the_tables_and_can_run_again(any_url):
    database = Database(any_url)
    try:
        database.migrate()
        database.migrate()  # a second start finds nothing to do
        tables = set(inspect(database.engine).get_table_names())
        assert {"users", "interviews", "processed_events", "alembic_version"} <= tables
    finally:
        database.dispose()


def test_times_come_back_aware_and_in_utc(any_db):
    with any_db.transaction() as session:
        user = repository.lock_user(session, KEY, now=NOW)
    with any_db.transaction() as session:
        again = session.scalars(select(User).where(User.id == user.id)).one()
        assert again.created_at == NOW
        assert again.created_at.tzinfo is not None


def test_a_naive_time_is_refused(any_db):
    with pytest.raises(Exception, match="naive datetime"), any_db.transaction() as session:
        repository.lock_user(session, KEY, now=datetime(2026, 1, 1))


def test_claim_event_is_true_once(any_db):
    with any_db.transaction() as session:
        assert repository.claim_event(session, platform="slack", event_id="Ev1", now=NOW)
        assert not repository.claim_event(session, platform="slack", event_id="Ev1", now=NOW)
        assert repository.claim_event(session, platform="discord", event_id="Ev1", now=NOW)


def test_lock_user_creates_once_per_identity(any_db):
    with any_db.transaction() as session:
        first = repository.lock_user(session, KEY, now=NOW)
    with any_db.transaction() as session:
        second = repository.lock_user(session, KEY, now=NOW)
        other = repository.lock_user(session, UserKey("discord", "T1", "U1"), now=NOW)
    assert first.id == second.id != other.id


def test_deleting_a_user_deletes_their_interviews(any_db):
    from bot.model import Interview as Domain

    with any_db.transaction() as session:
        user = repository.lock_user(session, KEY, now=NOW)
        repository.save_interview(
            session,
            user,
            Domain(id="a" * 32, status="done", created_at=NOW, answers={"company": "X"}),
            step=3,
            now=NOW,
        )
    with any_db.transaction() as session:
        session.delete(session.get(User, user.id))
    with any_db.transaction() as session:
        assert session.scalars(select(Interview)).all() == []


def test_an_unwritable_database_gives_a_one_line_reason(tmp_path):
    if os.geteuid() == 0:
        # root ignores file modes, so make the file read-only the way SQLite itself honours.
        url = f"sqlite:///file:{tmp_path / 'ro.sqlite3'}?mode=ro&uri=true"
    else:
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
        url = f"sqlite:///{folder / 'db.sqlite3'}"
    database = Database(url)
    with pytest.raises(DatabaseError) as caught:
        database.migrate()
    message = str(caught.value)
    assert message.startswith("cannot open the database")
    assert "\n" not in message


def test_safe_url_hides_the_password():
    assert "s3cret" not in safe_url("postgresql+psycopg://bot:s3cret@db/debrief")
    assert "***" in safe_url("postgresql+psycopg://bot:s3cret@db/debrief")


def test_a_read_only_database_is_refused_at_start_not_at_the_first_message(tmp_path):
    path = tmp_path / "existing.sqlite3"
    Database(f"sqlite:///{path}").migrate()
    read_only = Database(f"sqlite:///file:{path}?mode=ro&uri=true")
    with pytest.raises(DatabaseError, match="readonly"):
        read_only.migrate()
    read_only.dispose()


def test_errors_from_the_database_never_show_what_was_written(any_db):
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    row = {"platform": "x", "workspace": "w", "user_id": "u", "conversation": {"note": "my salary 95k"}}
    statement = insert(User).values(**row, created_at=NOW, updated_at=NOW)
    with pytest.raises(IntegrityError) as caught, any_db.transaction() as session:
        session.execute(statement)
        session.execute(statement)  # the same identity twice breaks the unique key
    assert "95k" not in str(caught.value)


def test_an_interview_id_of_someone_else_is_never_overwritten(any_db):
    from bot.model import Interview as Domain

    mine = Domain(id="b" * 32, status="done", created_at=NOW, answers={"company": "Mine"})
    with any_db.transaction() as session:
        owner = repository.lock_user(session, KEY, now=NOW)
        repository.save_interview(session, owner, mine, step=3, now=NOW)
    with pytest.raises(PermissionError), any_db.transaction() as session:
        other = repository.lock_user(session, UserKey("slack", "T1", "U2"), now=NOW)
        stolen = Domain(id="b" * 32, status="done", created_at=NOW, answers={"company": "Theirs"})
        repository.save_interview(session, other, stolen, step=3, now=NOW)
    with any_db.transaction() as session:
        assert session.scalars(select(Interview.company)).all() == ["Mine"]


def test_a_typical_answer_turn_is_few_statements_and_never_reads_the_interview_list(any_db):
    """An answer in the middle of a debrief: claim the event, lock the person, load the interview,
    save it (plus BEGIN on SQLite); on PostgreSQL the first three are one statement. The list of
    every interview is read only when the engine looks."""
    from sqlalchemy import event

    from bot.messages import Incoming
    from bot.service import ConversationService

    service = ConversationService(database=any_db, default_timezone="Europe/Berlin")
    for n, line in enumerate(["hi", "ACME", "Designer", "done", "just now", "skip", "Email"]):
        service.handle(Incoming(user=KEY, text=line, event_id=f"setup{n}"))
    statements: list[str] = []
    event.listen(any_db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    replies = service.handle(Incoming(user=KEY, text="Tell me about a project", event_id="answer"))
    assert "What did you answer?" in replies[-1].text
    writes_and_reads = [s for s in statements if not s.startswith("BEGIN")]
    # PostgreSQL claims the event, locks the person and loads the interview in one statement.
    assert len(writes_and_reads) == (2 if any_db.dialect == "postgresql" else 4), writes_and_reads
    assert not any("ORDER BY interviews.created_at" in s for s in statements)


def test_a_turn_opens_once_per_event_and_creates_the_person_on_first_contact(any_db):
    with any_db.transaction() as session:
        first = repository.open_turn(session, KEY, event_id="e1", now=NOW)
        assert first is not None and first.person.conversation == {} and first.active is None
    with any_db.transaction() as session:
        assert repository.open_turn(session, KEY, event_id="e1", now=NOW) is None  # a redelivery
        again = repository.open_turn(session, KEY, event_id="e2", now=NOW)
        assert again is not None and again.person.id == first.person.id
    with any_db.transaction() as session:
        assert session.scalars(select(User.id)).all() == [first.person.id]


def test_the_schema_head_the_start_up_checks_is_alembics_newest_migration():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from storage.db import MIGRATIONS, SCHEMA_HEAD

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_HEAD


def test_a_database_at_the_newest_migration_opens_without_alembic(tmp_path):
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'at_head.sqlite3'}"
    Database(url).migrate()
    check = (
        "import sys; from storage.db import Database; Database(sys.argv[1]).migrate(); "
        "print('alembic' in sys.modules)"
    )
    ran = subprocess.run([sys.executable, "-c", check, url], capture_output=True, text=True, check=True)
    assert ran.stdout.strip() == "False"
