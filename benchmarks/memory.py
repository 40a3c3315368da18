"""Peak memory of a bot process with 1,000 and with 100,000 people stored: it must not grow with them.

For each size one process seeds the people (one interview each) and a fresh process then runs
2,000 turns spread over random people and reports its peak resident set. Not a test. Usage:
    .venv/bin/python benchmarks/memory.py [--turns 2000]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from storage.db import safe_url, scratch_schema

SIZES = (1_000, 100_000)


def seed(url: str, people: int) -> None:
    from sqlalchemy import insert

    from storage.db import Database
    from storage.models import Interview, User

    database = Database(url)
    database.migrate()
    at = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    answers = {"company": "ACME", "role": "Designer", "interview_at": at.isoformat(), "thank_you_by": "email"}
    with database.transaction() as session:
        for start in range(0, people, 10_000):
            batch = range(start, min(start + 10_000, people))
            session.execute(insert(User), [
                dict(id=n + 1, platform="bench", workspace="w", user_id=f"p{n}", created_at=at, updated_at=at,
                     conversation={"v": 1, "active": f"{n:032x}", "mode": None, "welcomed": True}) for n in batch
            ])  # fmt: skip
            session.execute(insert(Interview), [
                dict(id=f"{n:032x}", user_pk=n + 1, status="in_progress", step=1, company="ACME", answers=answers,
                     cursor={"pos": {"q": "questions", "item": 0, "field": "question"}, "history": []},
                     created_at=at, updated_at=at) for n in batch
            ])  # fmt: skip
    database.dispose()


def run_turns(url: str, people: int, turns: int) -> dict:
    from bot.messages import Incoming, UserKey
    from bot.service import ConversationService
    from storage.db import Database

    database = Database(url)
    database.migrate()
    service = ConversationService(database=database, default_timezone="Europe/Berlin")
    chooser = random.Random(7)
    started = time.perf_counter()
    for n in range(turns):
        person = UserKey("bench", "w", f"p{chooser.randrange(people)}")
        service.handle(Incoming(user=person, text=f"A question they asked, number {n}"))
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    database.dispose()
    return {"people": people, "peak_mib": peak, "turns_per_s": turns / elapsed}


def child(*args: str) -> str:
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=2000)
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)  # child: seed this many people
    parser.add_argument("--run", type=int, help=argparse.SUPPRESS)  # child: run turns over this many
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--url", default=None, help="a PostgreSQL URL (default: SQLite files)")
    args = parser.parse_args()
    if args.seed:
        seed(args.db, args.seed)
        return
    if args.run:
        print(json.dumps(run_turns(args.db, args.run, args.turns)))
        return
    results = []
    for people in SIZES:
        with ExitStack() as stack:
            if args.url:
                url = stack.enter_context(scratch_schema(args.url))
            else:
                url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'memory.sqlite3'}"
            child("--seed", str(people), "--db", url)
            results.append(json.loads(child("--run", str(people), "--db", url, "--turns", str(args.turns))))
    for r in results:
        print(
            f"{r['people']:>7,} people stored: peak RSS {r['peak_mib']:.0f} MiB, {r['turns_per_s']:.0f} turns/s"
        )
    print(f"database: {safe_url(args.url) if args.url else 'SQLite'}")
    small, large = results
    growth = (large["peak_mib"] - small["peak_mib"]) / small["peak_mib"] * 100
    print(f"peak memory growth from {small['people']:,} to {large['people']:,} people: {growth:+.1f}%")


if __name__ == "__main__":
    main()
