"""Nudge delivery at scale: 100,000 pending nudges in SQLite, 10,000 of them due.

Prints the time to claim, word and deliver the due ones through the real scheduler to a no-op
adapter; the floor, measured in the same run: claiming and recording the same nudges with no
wording and no send; the scheduler's start-up time, and peak memory. Not a test. Usage:
    .venv/bin/python benchmarks/nudges.py [--people 10000] [--per-person 10] [--send-ms 50]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, update

from bot.scheduler import NudgeScheduler
from bot.service import ConversationService
from storage import nudge_store
from storage.db import Database
from storage.models import Interview, Nudge, User

INTERVIEW_AT = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
NOW = INTERVIEW_AT + timedelta(hours=3, minutes=5)  # the first thank-you reminder of everyone is due
# Everyone debriefed before, so their conversation is stored as it is between debriefs.
CONVERSATION = {"active": None, "mode": None, "welcomed": True}
FUTURE_KINDS = ("thank_you_2", "thank_you_last", "checkin_1", "checkin_2", "checkin_stop")


def seed(database: Database, people: int, per_person: int) -> None:
    """`people` debriefs with the letter unsent: one reminder due now each, the rest days ahead."""
    answers = {"company": "ACME", "interview_at": INTERVIEW_AT.isoformat(), "letter_review": "later",
               "thank_you_by": "email", "letter_topic": {"0": "growth"}}  # fmt: skip
    kinds = ["thank_you_1", *FUTURE_KINDS, *(f"checkin_1_r{n}" for n in range(1, per_person))][:per_person]
    with database.transaction() as session:
        for start in range(0, people, 5000):
            batch = range(start, min(start + 5000, people))
            session.execute(insert(User), [
                dict(id=n + 1, platform="bench", workspace="w", user_id=f"p{n}", conversation=CONVERSATION,
                     created_at=INTERVIEW_AT, updated_at=INTERVIEW_AT) for n in batch
            ])  # fmt: skip
            session.execute(insert(Interview), [
                dict(id=f"{n:032x}", user_pk=n + 1, status="done", step=3, company="ACME", answers=answers,
                     cursor={}, created_at=INTERVIEW_AT, updated_at=INTERVIEW_AT) for n in batch
            ])  # fmt: skip
            session.execute(insert(Nudge), [
                dict(user_pk=n + 1, interview_id=f"{n:032x}", kind=kind, status="pending", attempts=0,
                     due_at=NOW - timedelta(minutes=1) if i == 0 else NOW + timedelta(days=2 + i),
                     created_at=INTERVIEW_AT) for n in batch for i, kind in enumerate(kinds)
            ])  # fmt: skip


async def deliver_all(scheduler: NudgeScheduler) -> tuple[int, list[float]]:
    sent, sweeps = 0, []
    while True:
        started = time.perf_counter()
        count = await scheduler.sweep()
        sweeps.append(time.perf_counter() - started)
        if not count:
            return sent, sweeps
        sent += count


async def noop_send(user, replies) -> None:
    return None


def slow_send(seconds: float):
    """An adapter whose every send takes `seconds`, as a platform's API round trip does."""

    async def send(user, replies) -> None:
        await asyncio.sleep(seconds)

    return send


async def start_up(scheduler: NudgeScheduler) -> float:
    """From start() to the end of the scheduler's own first sweep (which finds nothing due any more)."""
    started = time.perf_counter()
    await scheduler.start()
    for _ in range(10_000):
        if scheduler.sweeps:
            break
        await asyncio.sleep(0.001)  # polling is fine here: this measures, it does not serve
    elapsed = time.perf_counter() - started
    await scheduler.stop()
    return elapsed


def floor(database: Database, count: int) -> float:
    """Put back the `count` nudges just delivered, then claim and record them as a sweep does
    (batches of 200, one transaction to claim and one to record each) with nothing worded or sent."""
    with database.transaction() as session:
        session.execute(update(Nudge).where(Nudge.status == "sent").values(status="pending", attempts=0))
    started = time.perf_counter()
    done = 0
    while True:
        with database.transaction() as session:
            claimed = nudge_store.claim_due(
                session, now=NOW, limit=200, lease=timedelta(minutes=5), platforms=("bench",)
            )
        if not claimed:
            break
        with database.transaction() as session:
            for nudge in claimed:
                nudge_store.finish(session, nudge.id, status="sent", now=NOW)
        done += len(claimed)
    assert done == count, (done, count)
    return time.perf_counter() - started


def resident_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--per-person", type=int, default=10)
    parser.add_argument("--send-ms", type=float, default=0, help="how long each send takes (0: no-op)")
    args = parser.parse_args()
    path = Path(tempfile.mkdtemp()) / "nudges.sqlite3"
    database = Database(f"sqlite:///{path}")
    database.migrate()
    started = time.perf_counter()
    seed(database, args.people, args.per_person)
    with database.transaction() as session:
        pending = session.scalar(select(func.count()).where(Nudge.status == "pending"))
        due = session.scalar(select(func.count()).where(Nudge.status == "pending", Nudge.due_at <= NOW))
    print(f"seeded {pending:,} pending nudges ({due:,} due) in {time.perf_counter() - started:.1f} s")

    service = ConversationService(database=database, default_timezone="Europe/Berlin", clock=lambda: NOW)
    send = slow_send(args.send_ms / 1000) if args.send_ms else noop_send
    scheduler = NudgeScheduler(service=service, senders={"bench": send})
    before = resident_mib()
    started = time.perf_counter()
    sent, sweeps = asyncio.run(deliver_all(scheduler))
    elapsed = time.perf_counter() - started
    print(
        f"delivered {sent:,} due nudges in {elapsed:.2f} s with {args.send_ms:g} ms a send "
        f"({sent / elapsed:,.0f} nudges/s; "
        f"median sweep of up to 200: {statistics.median(sweeps) * 1000:.0f} ms)"
    )
    bare = floor(database, sent)
    print(
        f"floor: claiming and recording them with no wording: {bare:.2f} s; delivery / floor = {elapsed / bare:.1f}x"
    )
    startup = asyncio.run(start_up(NudgeScheduler(service=service, senders={"bench": noop_send})))
    print(f"scheduler start-up to its first sweep ({pending - sent:,} pending): {startup * 1000:.0f} ms")
    print(f"peak resident memory: {resident_mib():.0f} MiB ({before:.0f} MiB before delivery)")
    database.dispose()


if __name__ == "__main__":
    main()
