"""The tables, as typed SQLAlchemy 2 models. Times are stored in UTC and read back aware."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every database (SQLite keeps no zone, so it is added on read)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; pass an aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


class User(Base):
    """A person on one platform; holds their conversation cursor. Locked for the length of a turn."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("platform", "workspace", "user_id", name="uq_users_identity"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    workspace: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str | None] = mapped_column(String(200))
    conversation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    paused_until: Mapped[datetime | None]  # copied from the conversation: reminders wait till then
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Interview(Base):
    """One debriefed interview: the answers as JSON, the cursor, and columns `list` shows."""

    __tablename__ = "interviews"
    __table_args__ = (Index("ix_interviews_user_created", "user_pk", "created_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_pk: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20))
    step: Mapped[int] = mapped_column(Integer, default=1)
    company: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(200))
    letter_status: Mapped[str | None] = mapped_column(String(20))  # None, "later" or "sent"
    news: Mapped[str | None] = mapped_column(String(20))  # second, offer, rejected, not_yet
    interview_at: Mapped[datetime | None]
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    cursor: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ProcessedEvent(Base):
    """A platform event already handled; its unique key makes a redelivery a no-op."""

    __tablename__ = "processed_events"

    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(index=True)


class Nudge(Base):
    """A message the bot will send on its own: the source of truth for reminders and check-ins.

    `kind` is unique per interview; a snoozed reminder becomes a new kind ("thank_you_2#1").
    Status: pending -> sending (claimed by one process) -> sent; or skipped, cancelled, failed.
    """

    __tablename__ = "nudges"
    __table_args__ = (
        UniqueConstraint("interview_id", "kind", name="uq_nudges_interview_kind"),
        Index("ix_nudges_due", "status", "due_at"),
        Index("ix_nudges_user", "user_pk", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_pk: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    interview_id: Mapped[str] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
