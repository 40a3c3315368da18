"""Reading and writing one person's conversation, interviews and processed events."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    CursorResult,
    Executable,
    Table,
    bindparam,
    delete,
    func,
    literal,
    select,
    true,
    update,
)
from sqlalchemy.orm import Session

from bot import model as domain
from bot.model import Fact, QuestionId, UserKey
from storage.models import Interview, ProcessedEvent, User

if TYPE_CHECKING:
    from sqlalchemy.dialects.postgresql import Insert as PostgresInsert
    from sqlalchemy.dialects.sqlite import Insert as SqliteInsert

    Insert = PostgresInsert | SqliteInsert

USERS = cast(Table, User.__table__)
INTERVIEWS = cast(Table, Interview.__table__)
EVENTS = cast(Table, ProcessedEvent.__table__)


@dataclass
class Person:
    """A person's row as a turn reads it: locked until the transaction ends."""

    id: int
    conversation: dict[str, Any]
    display_name: str | None


def _connection(session: Session) -> Connection:
    """The session's connection: a turn's statements are Core statements built once (below), run
    without the ORM's unit of work, which cost more than the database itself."""
    return session.connection()


def _insert_for(dialect: str) -> Callable[[Table], Insert]:
    """The dialect's INSERT (with ON CONFLICT), imported when its first turn runs: a bot on SQLite
    never loads SQLAlchemy's PostgreSQL module (15 ms of every start)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


@cache
def _statements(dialect: str) -> dict[str, Executable]:
    """Every statement of a turn, built once per dialect with bound parameters, so SQLAlchemy
    compiles each once and reuses it."""
    insert = _insert_for(dialect)
    identity = (
        (USERS.c.platform == bindparam("platform"))
        & (USERS.c.workspace == bindparam("workspace"))
        & (USERS.c.user_id == bindparam("user_id"))
    )
    interview = insert(INTERVIEWS).values(
        {name: bindparam(name) for name in (*_INTERVIEW_COLUMNS, "created_at")}
    )
    statements: dict[str, Executable] = {
        "claim": insert(EVENTS)
        .values(platform=bindparam("platform"), event_id=bindparam("event_id"), processed_at=bindparam("now"))
        .on_conflict_do_nothing()
        .returning(EVENTS.c.event_id),
        "lock": select(USERS.c.id, USERS.c.conversation, USERS.c.display_name)
        .where(identity)
        .with_for_update(),
        "create": insert(USERS)
        .values(
            platform=bindparam("platform"),
            workspace=bindparam("workspace"),
            user_id=bindparam("user_id"),
            conversation={},
            created_at=bindparam("now"),
            updated_at=bindparam("now"),
        )
        .on_conflict_do_nothing(),
        "interview": select(*_interview_read()).where(
            INTERVIEWS.c.id == bindparam("id"), INTERVIEWS.c.user_pk == bindparam("user_pk")
        ),
        # Insert or update in one statement; an id that belongs to someone else is left alone.
        "save": interview.on_conflict_do_update(
            index_elements=[INTERVIEWS.c.id],
            set_={
                name: interview.excluded[name] for name in _INTERVIEW_COLUMNS if name not in ("id", "user_pk")
            },
            where=INTERVIEWS.c.user_pk == interview.excluded.user_pk,
        ).returning(INTERVIEWS.c.id),
        # A reminder's person, locked, with the interview it is about, in one statement.
        "person_with": select(
            USERS.c.id,
            USERS.c.conversation,
            USERS.c.display_name,
            *_interview_read(),
        )
        .select_from(
            USERS.outerjoin(
                INTERVIEWS,
                (INTERVIEWS.c.id == bindparam("interview_id")) & (INTERVIEWS.c.user_pk == USERS.c.id),
            )
        )
        .where(identity)
        .with_for_update(of=USERS),
        "conversation": update(USERS)
        .where(USERS.c.id == bindparam("pk"))
        .values(
            conversation=bindparam("conversation"),
            updated_at=bindparam("now"),
            paused_until=bindparam("paused_until"),
        ),
        "display_name": update(USERS)
        .where(USERS.c.id == bindparam("pk"))
        .values(display_name=bindparam("display_name")),
    }
    if dialect == "postgresql":
        statements["open"] = _open_in_one(identity)
    return statements


def _open_in_one(identity: ColumnElement[bool]) -> Executable:
    """PostgreSQL: claim the event, lock the person and load their open interview in one round trip.
    One row always comes back: whether the event was new, then the person and interview, or NULLs."""
    claimed = (
        _insert_for("postgresql")(EVENTS)
        .values(platform=bindparam("platform"), event_id=bindparam("event_id"), processed_at=bindparam("now"))
        .on_conflict_do_nothing()
        .returning(EVENTS.c.event_id)
        .cte("claimed")
    )
    opened = INTERVIEWS.c.id == USERS.c.conversation["active"].as_string()
    person = (
        select(
            USERS.c.id,
            USERS.c.conversation,
            USERS.c.display_name,
            *_interview_read(),
        )
        .select_from(USERS.outerjoin(INTERVIEWS, opened & (INTERVIEWS.c.user_pk == USERS.c.id)))
        .where(identity)
        .with_for_update(of=USERS)
        .cte("person")
    )
    fresh = select(func.count()).select_from(claimed).scalar_subquery().label("fresh")
    one = select(literal(1).label("one")).subquery("one")
    return select(fresh, person).select_from(one.outerjoin(person, true()))


_INTERVIEW_COLUMNS = (
    "id", "user_pk", "status", "step", "company", "role", "letter_status", "news", "interview_at", "answers",
    "cursor", "updated_at",
)  # fmt: skip


def _interview_read() -> tuple[ColumnElement[Any], ...]:
    """The interview's columns the engine reads, as a joined row names them."""
    c = INTERVIEWS.c
    return (c.id.label("interview_id"), c.status, c.created_at, c.answers, c.cursor)


def _interview_of(row: Any) -> domain.Interview | None:
    """The interview in a row that joined one (None when the join found none)."""
    if row.interview_id is None:
        return None
    return domain.Interview(
        id=row.interview_id,
        status=row.status,
        created_at=row.created_at,
        answers=row.answers,
        cursor=row.cursor,
    )


def _who(key: UserKey) -> dict[str, str]:
    """The parameters that name a person in the statements above."""
    return {"platform": key.platform, "workspace": key.workspace, "user_id": key.user_id}


def _run(session: Session, name: str, **params: Any) -> CursorResult[Any]:
    conn = _connection(session)
    return conn.execute(_statements(conn.dialect.name)[name], params)


def event_key(event_id: str) -> str:
    """What is stored of a platform event id: its SHA-256 digest."""
    return hashlib.sha256(event_id.encode()).hexdigest()


def claim_event(session: Session, *, platform: str, event_id: str, now: datetime) -> bool:
    """Record a platform event; False when it was recorded before (a redelivery to ignore).

    Only a digest of the id is kept: an id can name the person (a click's is workspace, user and
    time), and these rows outlive "forget me" by the days a platform may still redeliver.
    """
    return (
        _run(session, "claim", platform=platform, event_id=event_key(event_id), now=now).first() is not None
    )


@dataclass(frozen=True)
class Opened:
    """What a turn starts from: the person, locked, and the interview their conversation has open."""

    person: Person
    active: domain.Interview | None


def open_turn(session: Session, key: UserKey, *, event_id: str | None, now: datetime) -> Opened | None:
    """Claim the event (None when it was seen before: a redelivery), lock the person (created on
    first contact) and load their open interview. On PostgreSQL this is one statement."""
    conn = _connection(session)
    if conn.dialect.name == "postgresql" and event_id:
        row = _run(session, "open", **_who(key), event_id=event_key(event_id), now=now).one()
        if not row.fresh:
            return None
        if row.id is None:  # first contact: no interview yet
            return Opened(lock_user(session, key, now=now), None)
        return Opened(Person(row.id, row.conversation or {}, row.display_name), _interview_of(row))
    if event_id and not claim_event(session, platform=key.platform, event_id=event_id, now=now):
        return None
    person = lock_user(session, key, now=now)
    return Opened(person, load_interview(session, person, person.conversation.get("active")))


def prune_events(session: Session, *, before: datetime) -> int:
    """Forget processed event ids older than `before`; returns how many were removed."""
    # Session.execute is typed to return a Result, but a bulk DELETE gives the CursorResult that
    # has the row count (SQLAlchemy's own documentation suggests this cast).
    result = cast(
        CursorResult[Any], session.execute(delete(ProcessedEvent).where(ProcessedEvent.processed_at < before))
    )
    return result.rowcount


def _person(session: Session, key: UserKey) -> Person | None:
    row = _run(session, "lock", **_who(key)).first()
    return Person(row.id, row.conversation or {}, row.display_name) if row is not None else None


def find_user(session: Session, key: UserKey) -> Person | None:
    """The person's row locked until the transaction ends, or None: never created (a sweep must not
    bring back a person who was just forgotten)."""
    return _person(session, key)


def find_with_interview(
    session: Session, key: UserKey, interview_id: str
) -> tuple[Person | None, domain.Interview | None]:
    """The person locked (None if never created or forgotten), with one of their interviews (None
    if it is gone or someone else's): what a reminder reads, in one statement."""
    row = _run(session, "person_with", **_who(key), interview_id=interview_id).first()
    if row is None:
        return None, None
    return Person(row.id, row.conversation or {}, row.display_name), _interview_of(row)


def lock_user(session: Session, key: UserKey, *, now: datetime) -> Person:
    """The person's row, created on first contact and locked until the transaction ends."""
    person = _person(session, key)
    if person is None:
        _run(session, "create", **_who(key), now=now)
        person = _person(session, key)
        assert person is not None  # just created, or created by another process a moment ago
    return person


def load_interview(session: Session, person: Person, interview_id: str | None) -> domain.Interview | None:
    """One of the person's interviews, as the engine reads it; None for no id or another's."""
    if not interview_id:
        return None
    row = _run(session, "interview", id=interview_id, user_pk=person.id).first()
    return _interview_of(row) if row is not None else None


def to_domain(row: Interview) -> domain.Interview:
    """The plain interview the engine reads, for a row."""
    return domain.Interview(
        id=row.id, status=row.status, created_at=row.created_at, answers=row.answers, cursor=row.cursor
    )


def summaries(session: Session, user: Person) -> tuple[domain.InterviewSummary, ...]:
    """Every interview of the person, oldest first, without their answers."""
    rows = session.execute(
        select(
            Interview.id,
            Interview.company,
            Interview.role,
            Interview.status,
            Interview.step,
            Interview.created_at,
            Interview.letter_status,
            Interview.news,
            Interview.interview_at,
        )
        .where(Interview.user_pk == user.id)
        .order_by(Interview.created_at, Interview.id)
    )
    return tuple(domain.InterviewSummary(*row) for row in rows)


def save_interview(
    session: Session, user: Person, interview: domain.Interview, *, step: int, now: datetime
) -> None:
    """Insert or update the interview the turn changed, in one statement."""
    answers = interview.answers
    when = answers.get(QuestionId.INTERVIEW_AT) or answers.get(Fact.UPCOMING_START)
    saved = _run(
        session,
        "save",
        id=interview.id,
        user_pk=user.id,
        status=interview.status,
        step=step,
        company=(answers.get(QuestionId.COMPANY) or None) and answers[QuestionId.COMPANY][:200],
        role=(answers.get(QuestionId.ROLE) or None) and answers[QuestionId.ROLE][:200],
        letter_status=answers.get(QuestionId.LETTER_REVIEW),
        news=answers.get(Fact.NEWS),
        interview_at=datetime.fromisoformat(when) if when else None,
        answers=answers,
        cursor=interview.cursor,
        updated_at=now,
        created_at=interview.created_at,
    )
    if saved.first() is None:  # the id is someone else's: nothing was written
        raise PermissionError("an interview can only be saved by its owner")


def save_conversation(
    session: Session, user: Person, conversation: dict[str, Any], *, display_name: str | None, now: datetime
) -> None:
    """Store the conversation cursor (and the person's chat name) when they changed."""
    if conversation != user.conversation:
        paused = conversation.get("paused_until")
        _run(
            session,
            "conversation",
            pk=user.id,
            conversation=conversation,
            now=now,
            paused_until=datetime.fromisoformat(paused) if paused else None,
        )
        user.conversation = conversation
    if display_name and display_name[:200] != user.display_name:
        _run(session, "display_name", pk=user.id, display_name=display_name[:200])
        user.display_name = display_name[:200]


def all_interviews(session: Session, user: Person) -> tuple[domain.Interview, ...]:
    """Every interview of the person with all its answers, oldest first (export, insights)."""
    rows = session.scalars(
        select(Interview).where(Interview.user_pk == user.id).order_by(Interview.created_at, Interview.id)
    )
    return tuple(to_domain(row) for row in rows)


def delete_user(session: Session, user: Person) -> None:
    """Delete the person and, by cascade, every nudge of theirs."""
    session.execute(delete(Interview).where(Interview.user_pk == user.id))  # SQLite: no reliance on cascade
    session.execute(delete(User).where(User.id == user.id))
