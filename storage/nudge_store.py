"""Nudge rows: planning them from the policy, claiming due ones once, and recording the outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeAlias, cast

from sqlalchemy import ColumnElement, Integer, Row, Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from bot.model import NudgeStatus, NudgeView, UserKey
from storage.models import Interview, Nudge, User, UTCDateTime

PENDING, SENDING, SENT = NudgeStatus.PENDING, NudgeStatus.SENDING, NudgeStatus.SENT
SKIPPED, CANCELLED, FAILED = NudgeStatus.SKIPPED, NudgeStatus.CANCELLED, NudgeStatus.FAILED
# A nudge planned this long after it was due is already stale: it is recorded but never sent.
PLANNED_LATE = timedelta(minutes=1)
# id, user_pk, interview_id, kind, due_at, attempts
ClaimedRow: TypeAlias = "Row[int, int, str, str, datetime, int]"


@dataclass(frozen=True)
class Claimed:
    id: int
    user_pk: int
    interview_id: str
    kind: str
    due_at: datetime
    attempts: int
    user: UserKey


def plan(
    session: Session, *, user_pk: int, interview_id: str, wanted: dict[str, datetime], now: datetime
) -> None:
    """Make the interview's pending nudges match `wanted`. Sent ones are history and stay as they are;
    a cancelled one that is wanted again (the letter unmarked, the news changed back) comes back."""
    rows = {n.kind: n for n in session.scalars(select(Nudge).where(Nudge.interview_id == interview_id))}
    for kind, due in wanted.items():
        row = rows.get(kind)
        if row is not None and row.status in (CANCELLED, SKIPPED) and due > now:
            row.status, row.due_at, row.attempts = PENDING, due, 0
        elif row is None:
            status = PENDING if due > now - PLANNED_LATE else SKIPPED
            session.add(
                Nudge(
                    user_pk=user_pk,
                    interview_id=interview_id,
                    kind=kind,
                    due_at=due,
                    status=status,
                    attempts=0,
                    created_at=now,
                )
            )
        elif row.status == PENDING and row.due_at != due:
            row.due_at = due
    for kind, row in rows.items():
        if kind not in wanted and row.status == PENDING:
            row.status = CANCELLED


def claim_due(
    session: Session,
    *,
    now: datetime,
    limit: int,
    lease: timedelta,
    platforms: tuple[str, ...],
    only: UserKey | None = None,
) -> list[Claimed]:
    """Take up to `limit` due nudges of people on `platforms` (those this process can send to);
    another process skips the rows taken here (FOR UPDATE SKIP LOCKED on PostgreSQL).

    A claim older than `lease` belongs to a process that died before sending: it is taken again.
    """
    # A paused person's due nudge is claimed too: the service sends it if they chose to keep it
    # through the pause, and otherwise puts it back until the pause ends.
    # Checked row by row through the person's primary key, as the claim walks the due index: a plan
    # that stays cheap whatever the database knows of the tables' sizes (a new one knows nothing).
    person_platform = select(User.platform).where(User.id == Nudge.user_pk).scalar_subquery()
    sendable: ColumnElement[bool] = person_platform.in_(platforms)
    if only is not None:  # a console chat delivers only its own person's nudges
        person = select(User.id).where(
            User.platform == only.platform, User.workspace == only.workspace, User.user_id == only.user_id
        )
        sendable &= Nudge.user_pk == person.scalar_subquery()
    # Two claims, each walking its index in due order and stopping at the limit: the rare claims of
    # a process that died, then what is due. (One query with OR sorted every due row on each sweep.)
    abandoned = (Nudge.status == SENDING) & (Nudge.claimed_at < now - lease)
    claimed: list[ClaimedRow] = _claim(session, abandoned, sendable, now=now, limit=limit)
    if len(claimed) < limit:
        due = (Nudge.status == PENDING) & (Nudge.due_at <= now)
        claimed += _claim(session, due, sendable, now=now, limit=limit - len(claimed))
    pks = {row.user_pk for row in claimed}
    keys = {
        pk: UserKey(platform, workspace, user_id)
        for pk, platform, workspace, user_id in session.execute(
            select(User.id, User.platform, User.workspace, User.user_id).where(User.id.in_(pks))
        )
    }
    return sorted((Claimed(*row, user=keys[row.user_pk]) for row in claimed), key=lambda c: (c.due_at, c.id))


def count_due(session: Session, *, now: datetime) -> int:
    """How many nudges are due and waiting, whoever may send them (the metrics' backlog); counted
    on the `(status, due_at)` index."""
    due = (Nudge.status == PENDING) & (Nudge.due_at <= now)
    return session.execute(select(func.count()).select_from(Nudge).where(due)).scalar_one()


def _claim(
    session: Session, which: ColumnElement[bool], sendable: ColumnElement[bool], *, now: datetime, limit: int
) -> list[ClaimedRow]:
    """Mark up to `limit` rows that match `which`, in due order, as claimed now; their columns."""
    # Picked once, as a CTE PostgreSQL materializes: a plain `id IN (SELECT … LIMIT … SKIP LOCKED)`
    # may be run again for every row it is compared with, each run locking more rows than the limit.
    picked = (
        select(Nudge.id)
        .where(which, sendable)
        .order_by(Nudge.due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("picked")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    # The picked rows are locked (and on SQLite this process is the one writer): still `which`.
    ids = select(picked.c.id).scalar_subquery()
    rows = session.execute(
        update(Nudge)
        .where(Nudge.id.in_(ids))
        .values(status=SENDING, claimed_at=now, attempts=Nudge.attempts + 1)
        .returning(Nudge.id, Nudge.user_pk, Nudge.interview_id, Nudge.kind, Nudge.due_at, Nudge.attempts)
        .execution_options(synchronize_session=False)
    )
    return list(rows)


# Run once per nudge in a wave of thousands: built once, compiled once, run on the connection.
NUDGES = cast(Table, Nudge.__table__)
_FINISH = (
    update(NUDGES)
    .where(NUDGES.c.id == bindparam("nudge_id"))
    .values(
        status=bindparam("status"),
        sent_at=func.coalesce(bindparam("sent_at", type_=UTCDateTime()), NUDGES.c.sent_at),
    )
)
_RETRY = (
    update(NUDGES)
    .where(NUDGES.c.id == bindparam("nudge_id"))
    .values(
        status=PENDING,
        due_at=bindparam("due"),
        attempts=func.coalesce(bindparam("attempts", type_=Integer), NUDGES.c.attempts),
    )
)


def finish(session: Session, nudge_id: int, *, status: str, now: datetime) -> None:
    """Record what became of a claimed nudge: sent, skipped (no longer relevant) or failed."""
    sent_at = now if status == SENT else None
    session.connection().execute(_FINISH, {"nudge_id": nudge_id, "status": status, "sent_at": sent_at})


def retry_at(session: Session, nudge_id: int, *, due: datetime, attempts: int | None = None) -> None:
    """Put a claimed nudge back to be tried again at `due` (a failed send, a paused person, the night).

    `attempts` undoes the claim's count when nothing was tried (waiting is no failed attempt).
    """
    session.connection().execute(_RETRY, {"nudge_id": nudge_id, "due": due, "attempts": attempts})


def views_for(session: Session, user_pk: int, *, sent_since: datetime) -> tuple[NudgeView, ...]:
    """The person's pending nudges and those sent since `sent_since`, with each one's company."""
    rows = session.execute(
        select(Nudge.interview_id, Nudge.kind, Nudge.due_at, Nudge.status, Nudge.sent_at, Interview.company)
        .join(Interview, Interview.id == Nudge.interview_id)
        .where(
            Nudge.user_pk == user_pk,
            (Nudge.status == PENDING) | ((Nudge.status == SENT) & (Nudge.sent_at >= sent_since)),
        )
        .order_by(Nudge.due_at)
    )
    return tuple(NudgeView(*row) for row in rows)
