"""Turn latency and throughput of the real service on a database, against the floor of one bare upsert.

Prints figures; it is not a test. Usage:
    .venv/bin/python benchmarks/turns.py [--users 200] [--url sqlite:////tmp/bench.sqlite3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, String, Table, select
from sqlalchemy.dialects import postgresql, sqlite

from bot.messages import Incoming, UserKey
from bot.metrics import Metrics, PrometheusMetrics
from bot.service import ConversationService
from storage.db import Database, safe_url, scratch_schema

# One complete steps 1-3 debrief, as a person types it.
SCRIPT = """hi|ACME|Product Designer|Dana Lee dana@acme.com|done|just now|next Friday|Email
|Tell me about a project|The checkout redesign|Took notes|Why us?|Your design system|Nodded|done
|Friendly|skip|4|yes|1|Lead with the research|How do you handle conflict?|A concern|done|yes
|Rapport|Rambled once|Better than last time|skip|Maya|The onboarding plan|Mark as sent""".replace(
    "\n", ""
).split("|")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure_turns(database: Database, users: int, metrics: Metrics | None = None) -> list[float]:
    service = ConversationService(database=database, default_timezone="Europe/Berlin", metrics=metrics)
    timings = []
    for n in range(users):
        user = UserKey("bench", "w", f"user{n}")
        for i, line in enumerate(SCRIPT):
            incoming = Incoming(user=user, text=line, event_id=f"{n}-{i}", display_name="Bench")
            start = time.perf_counter()
            replies = service.handle(incoming)
            timings.append(time.perf_counter() - start)
            if not replies or "went wrong" in replies[0].text:
                raise SystemExit(f"turn failed for {line!r}")
    finished = finished_debriefs(database)
    if finished != users:  # the script must walk whole debriefs, or the figures measure something else
        raise SystemExit(f"only {finished} of {users} debriefs finished: the script is out of step")
    return timings


def finished_debriefs(database: Database) -> int:
    """How many benchmark people's debriefs reached the end of step 3 with the letter sent."""
    from sqlalchemy import func

    from storage.models import Interview, User

    with database.transaction() as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(Interview)
                .join(User, User.id == Interview.user_pk)
                .where(
                    User.platform == "bench", Interview.status == "done", Interview.letter_status == "sent"
                )
            )
            or 0
        )


def measure_threads(database: Database, threads: int, people: int) -> tuple[list[float], float]:
    """`threads` threads in one process, each driving its share of `people` through the script (a
    person is only ever driven by one thread, so their turns stay in order). Returns each turn's
    latency and the wall time."""
    service = ConversationService(database=database, default_timezone="Europe/Berlin")
    users = [UserKey("bench", f"t{threads}", f"user{n}") for n in range(people)]
    timings: list[float] = []

    def drive(mine: list[UserKey]) -> None:
        for i, line in enumerate(SCRIPT):
            for user in mine:
                incoming = Incoming(user=user, text=line, event_id=f"{user}-{i}", display_name="Bench")
                start = time.perf_counter()
                service.handle(incoming)
                timings.append(time.perf_counter() - start)  # list.append is atomic under the GIL

    workers = [threading.Thread(target=drive, args=(users[t::threads],)) for t in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return timings, time.perf_counter() - started


def seed_people(database: Database, count: int) -> None:
    """`count` other people with a debrief each, so the tables are not toy-sized."""
    from datetime import UTC, datetime

    from sqlalchemy import insert

    from storage.models import Interview, User

    at = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    answers = {"company": "ACME", "role": "Designer", "interview_at": at.isoformat(), "thank_you_by": "email"}
    with database.transaction() as session:
        for start in range(0, count, 10_000):
            batch = range(start, min(start + 10_000, count))
            session.execute(insert(User), [
                dict(platform="stored", workspace="w", user_id=f"s{n}", conversation={}, created_at=at, updated_at=at)
                for n in batch
            ])  # fmt: skip
            pks = session.scalars(
                select(User.id).where(User.platform == "stored").order_by(User.id).offset(start)
            ).all()
            session.execute(insert(Interview), [
                dict(id=f"{pk:032x}", user_pk=pk, status="done", step=3, company="ACME", answers=answers, cursor={},
                     created_at=at, updated_at=at) for pk in pks
            ])  # fmt: skip


def measure_floor(database: Database, count: int) -> list[float]:
    """One bare SQLAlchemy Core transaction that upserts one row: the least a stored turn can cost."""
    table = Table(
        "bench_floor", MetaData(), Column("id", Integer, primary_key=True), Column("value", String(100))
    )
    table.create(database.engine)
    insert = postgresql.insert if database.dialect == "postgresql" else sqlite.insert
    timings = []
    for n in range(count):
        statement = insert(table).values(id=n % 1000, value=f"v{n}")
        statement = statement.on_conflict_do_update(
            index_elements=["id"], set_={"value": statement.excluded.value}
        )
        start = time.perf_counter()
        with database.engine.begin() as conn:
            conn.execute(statement)
        timings.append(time.perf_counter() - start)
    table.drop(database.engine)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--threads", type=int, default=8, help="threads for the concurrent run")
    parser.add_argument("--people", type=int, default=20, help="people the threads drive")
    parser.add_argument("--stored", type=int, default=10_000, help="other people already stored")
    parser.add_argument("--url", default=None, help="database URL (default: a new SQLite file)")
    parser.add_argument(
        "--metrics",
        action="store_true",
        help="count turns in Prometheus metrics, as with DEBRIEF_HEALTH_PORT",
    )
    args = parser.parse_args()
    url = args.url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    if url.startswith("postgresql"):
        with scratch_schema(url) as scoped_url:
            run(scoped_url, args.users, args.stored, args.threads, args.people, metrics=args.metrics)
    else:
        run(url, args.users, args.stored, args.threads, args.people, metrics=args.metrics)


def run(url: str, users: int, stored: int, threads: int, people: int, *, metrics: bool = False) -> None:
    database = Database(url)
    database.migrate()
    seed_people(database, stored)
    print(
        f"database: {safe_url(url)}; {stored:,} people stored; {users} users x {len(SCRIPT)} turns (a whole steps 1-3 debrief each)"
    )
    if metrics:
        print(
            "metrics: every turn counted and timed in Prometheus metrics (as `debrief run` serving /metrics)"
        )
    started = time.perf_counter()
    turns = measure_turns(database, users, PrometheusMetrics() if metrics else None)
    elapsed = time.perf_counter() - started
    floor = measure_floor(database, 2000)
    p50, p99 = statistics.median(turns), percentile(turns, 0.99)
    f50 = statistics.median(floor)
    rate = len(turns) / elapsed
    print(f"turn:  p50 {p50 * 1000:.2f} ms   p99 {p99 * 1000:.2f} ms   {rate:.0f} turns/s (one thread)")
    print(f"floor: p50 {f50 * 1000:.2f} ms   (one upsert transaction)")
    print(f"ratio: turn p50 / floor p50 = {p50 / f50:.1f}x")
    together, wall = measure_threads(database, threads, people)
    t50, t99 = statistics.median(together), percentile(together, 0.99)
    print(
        f"{threads} threads, {people} people: p50 {t50 * 1000:.2f} ms   p99 {t99 * 1000:.2f} ms   "
        f"max {max(together) * 1000:.1f} ms   {len(together) / wall:.0f} turns/s; "
        f"p99 = {t99 / p99:.1f}x the one-thread p99"
    )
    database.dispose()


if __name__ == "__main__":
    main()
