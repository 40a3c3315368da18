"""A stand-alone process that delivers due nudges until none are left (for the exactly-once test).

Usage: python -m tests.nudge_sweeper DATABASE_URL CLOCK_ISO OUTPUT_FILE GO_FILE
It creates OUTPUT_FILE when ready and starts when GO_FILE exists, so that all sweepers start together.
Each delivered nudge id is appended to OUTPUT_FILE, one per line, as the adapter would send it.
"""

from __future__ import annotations

import sys
import time
from datetime import datetime
from pathlib import Path

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
    idle = 0
    with open(output, "a", encoding="utf-8") as sent:
        while idle < 3:
            prepared = service.prepare_due(platforms=("console",), limit=25)
            idle = idle + 1 if not prepared else 0
            for nudge in prepared:
                sent.write(f"{nudge.nudge_id}\n")
                sent.flush()
                service.record_delivery(nudge.nudge_id, delivered=True, attempts=nudge.attempts)
    database.dispose()


if __name__ == "__main__":
    main()
