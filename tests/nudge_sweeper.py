"""A stand-alone process whose scheduler delivers due nudges until none are left (exactly-once test).

Usage: python -m tests.nudge_sweeper DATABASE_URL CLOCK_ISO OUTPUT_FILE GO_FILE
It creates OUTPUT_FILE when ready and starts when GO_FILE exists, so that all sweepers start together.
It sweeps with the real NudgeScheduler; each message it sends is appended to OUTPUT_FILE as the
person's id (each person is owed exactly one nudge).
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import datetime
from pathlib import Path

from bot.scheduler import NudgeScheduler
from bot.service import ConversationService
from storage.db import Database


def main() -> None:
    url, clock_iso, output, go = sys.argv[1:5]
    now = datetime.fromisoformat(clock_iso)
    database = Database(url)
    service = ConversationService(database=database, default_timezone="Europe/Berlin", clock=lambda: now)
    Path(output).touch()
    deadline = time.monotonic() + 60
    while not Path(go).exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    with open(output, "a", encoding="utf-8") as sent:

        async def send(user, replies) -> None:  # the adapter: one line per message delivered
            sent.write(f"{user.user_id}\n")
            sent.flush()

        async def sweep_until_idle() -> None:
            scheduler, idle = NudgeScheduler(service=service, senders={"console": send}), 0
            while idle < 3:
                idle = 0 if await scheduler.sweep() else idle + 1

        asyncio.run(sweep_until_idle())
    database.dispose()


if __name__ == "__main__":
    main()
