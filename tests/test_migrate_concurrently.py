"""Several processes starting at once on one fresh PostgreSQL schema: they migrate one at a time, and
every one of them starts."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import text

from storage.db import Database

PROCESSES, ROUNDS = 4, 3
# Import and connect first, then wait for "go": the migrations themselves start together.
STARTER = """
import sys
from storage.db import Database
database = Database(sys.argv[1])
database.engine.connect().close()  # connected before "go", so only the migrations race
print("ready", flush=True)
sys.stdin.readline()
database.migrate()
print("migrated", flush=True)
"""


def _migrate_together(url: str) -> list[subprocess.CompletedProcess[str]]:
    """Start PROCESSES processes, let them all reach migrate(), then release them at the same moment."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", STARTER, url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    for process in processes:
        assert process.stdout.readline() == "ready\n", process.stderr.read()
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


@pytest.mark.postgres
@pytest.mark.parametrize("round_", range(ROUNDS))
def test_processes_starting_together_on_a_fresh_schema_all_migrate(postgres_url, round_):
    results = _migrate_together(postgres_url)  # a fresh, empty schema each round
    failures = [r.stderr.strip().splitlines()[-1] for r in results if r.returncode != 0]
    assert not failures, failures
    database = Database(postgres_url)
    try:
        with database.engine.connect() as conn:
            versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    finally:
        database.dispose()
    assert len(versions) == 1
