"""Reading and writing one person's conversation, interviews and processed events."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, cast, overload

from sqlalchemy import ColumnElement, CursorResult, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot import model as domain
from bot.model import Fact, QuestionId, UserKey
from storage.models import Base, Interview, ProcessedEvent, User


def _insert(session: Session, table: type[Base]) -> postgresql.Insert | sqlite.Insert:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def event_key(event_id: str) -> str:
    """What is stored of a platform event id: its SHA-256 digest."""
    return hashlib.sha256(event_id.encode()).hexdigest()


def claim_event(session: Session, *, platform: str, event_id: str, now: datetime) -> bool:
    """Record a platform event; False when it was recorded before (a redelivery to ignore).

    Only a digest of the id is kept: an id can name the person (a click's is workspace, user and
    time), and these rows outlive "forget me" by the days a platform may still redeliver.
    """
    statement = (
        _insert(session, ProcessedEvent)
        .values(platform=platform, event_id=event_key(event_id), processed_at=now)
        .on_conflict_do_nothing()
        .returning(ProcessedEvent.event_id)
    )
    return session.execute(statement).first() is not None


def prune_events(session: Session, *, before: datetime) -> int:
    """Forget processed event ids older than `before`; returns how many were removed."""
    # Session.execute is typed to return a Result, but a bulk DELETE gives the CursorResult that
    # has the row count (SQLAlchemy's own documentation suggests this cast).
    result = cast(
        CursorResult[Any], session.execute(delete(ProcessedEvent).where(ProcessedEvent.processed_at < before))
    )
    return result.rowcount


def _identity(key: UserKey) -> ColumnElement[bool]:
    return (User.platform == key.platform) & (User.workspace == key.workspace) & (User.user_id == key.user_id)


def find_user(session: Session, key: UserKey) -> User | None:
    """The person's row locked until the transaction ends, or None: never created (a sweep must not
    bring back a person who was just forgotten)."""
    return session.scalars(select(User).where(_identity(key)).with_for_update()).first()


def lock_user(session: Session, key: UserKey, *, now: datetime) -> User:
    """The person's row, created on first contact and locked until the transaction ends."""
    locked = select(User).where(_identity(key)).with_for_update()
    user = session.scalars(locked).first()
    if user is None:
        session.execute(
            _insert(session, User)
            .values(
                platform=key.platform,
                workspace=key.workspace,
                user_id=key.user_id,
                conversation={},
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing()
        )
        user = session.scalars(locked).one()
    return user


def load_interview(session: Session, user: User, interview_id: str | None) -> Interview | None:
    if not interview_id:
        return None
    return session.scalars(
        select(Interview).where(Interview.id == interview_id, Interview.user_pk == user.id)
    ).first()


@overload
def to_domain(row: Interview) -> domain.Interview: ...
@overload
def to_domain(row: None) -> None: ...
@overload
def to_domain(row: Interview | None) -> domain.Interview | None: ...
def to_domain(row: Interview | None) -> domain.Interview | None:
    """The plain interview the engine reads, for a row (or no interview for no row)."""
    if row is None:
        return None
    return domain.Interview(
        id=row.id, status=row.status, created_at=row.created_at, answers=row.answers, cursor=row.cursor
    )


def summaries(session: Session, user: User) -> tuple[domain.InterviewSummary, ...]:
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
    session: Session, user: User, interview: domain.Interview, *, step: int, now: datetime
) -> None:
    """Insert or update the interview the turn changed."""
    row = session.get(Interview, interview.id)
    if row is None:
        row = Interview(id=interview.id, user_pk=user.id, created_at=interview.created_at)
        session.add(row)
    elif row.user_pk != user.id:
        raise PermissionError("an interview can only be saved by its owner")
    row.status = interview.status
    row.step = step
    row.company = (interview.answers.get(QuestionId.COMPANY) or None) and interview.answers[
        QuestionId.COMPANY
    ][:200]
    row.role = (interview.answers.get(QuestionId.ROLE) or None) and interview.answers[QuestionId.ROLE][:200]
    row.letter_status = interview.answers.get(QuestionId.LETTER_REVIEW)
    row.news = interview.answers.get(Fact.NEWS)
    when = interview.answers.get(QuestionId.INTERVIEW_AT) or interview.answers.get(Fact.UPCOMING_START)
    row.interview_at = datetime.fromisoformat(when) if when else None
    row.answers = interview.answers
    row.cursor = interview.cursor
    row.updated_at = now


def save_conversation(
    session: Session, user: User, conversation: dict[str, Any], *, display_name: str | None, now: datetime
) -> None:
    """Store the conversation cursor (and the person's chat name) when they changed."""
    if conversation != user.conversation:
        user.conversation = conversation
        user.updated_at = now
        paused = conversation.get("paused_until")
        user.paused_until = datetime.fromisoformat(paused) if paused else None
    if display_name and display_name != user.display_name:
        user.display_name = display_name[:200]


def all_interviews(session: Session, user: User) -> tuple[domain.Interview, ...]:
    """Every interview of the person with all its answers, oldest first (export, insights)."""
    rows = session.scalars(
        select(Interview).where(Interview.user_pk == user.id).order_by(Interview.created_at, Interview.id)
    )
    return tuple(to_domain(row) for row in rows)


def delete_user(session: Session, user: User) -> None:
    """Delete the person and, by cascade, every interview and nudge of theirs."""
    session.execute(delete(Interview).where(Interview.user_pk == user.id))  # SQLite: no reliance on cascade
    session.delete(user)
