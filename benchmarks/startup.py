"""Start-up: how long `debrief chat` takes to show its first prompt, on a database that exists
already (every start after the first), against the floor measured in the same run: a Python
process that only imports what any start needs (SQLAlchemy's ORM, pydantic-settings) and opens
the same SQLite file. Runs are alternated so that a busy machine slows both alike. Not a test.
Usage: .venv/bin/python benchmarks/startup.py [--runs 9]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOOR = (
    "import sqlite3, sys, sqlalchemy.orm, pydantic_settings\n"
    "sqlite3.connect(sys.argv[1]).execute('select 1')\n"
    "print('ready', flush=True)\n"
)


def first_line(command: list[str], env: dict[str, str]) -> float:
    """Seconds from spawning `command` to its first line on stdout (its first prompt)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    elapsed = time.perf_counter() - started
    process.kill()
    process.wait()
    assert line.strip(), "no prompt came"
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    path = Path(tempfile.mkdtemp()) / "startup.sqlite3"
    # As on a person's machine: compiled bytecode is kept between runs.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["DEBRIEF_DATABASE_URL"] = f"sqlite:///{path}"
    chat = [sys.executable, "-m", "debrief", "chat"]
    floor = [sys.executable, "-c", FLOOR, str(path)]
    first_line(chat, env)  # the first run creates the database and compiles the bytecode
    first_line(floor, env)
    chats, floors = [], []
    for _ in range(args.runs):
        chats.append(first_line(chat, env))
        floors.append(first_line(floor, env))
    chat_ms, floor_ms = statistics.median(chats) * 1000, statistics.median(floors) * 1000
    print(
        f"debrief chat, first prompt: median {chat_ms:.0f} ms over {args.runs} runs (min {min(chats) * 1000:.0f})"
    )
    print(
        f"floor: importing SQLAlchemy's ORM and pydantic-settings, opening the file: median {floor_ms:.0f} ms"
    )
    print(f"ratio: first prompt / floor = {chat_ms / floor_ms:.2f}x")


if __name__ == "__main__":
    main()
