"""Several processes sharing one PostgreSQL deliver every due nudge exactly once."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from storage.models import Nudge
from tests.helpers import SWEEP_AT, seed_due_nudges


@pytest.mark.postgres
def test_two_schedulers_in_two_processes_deliver_1000_due_nudges_exactly_once(
    postgres_db, postgres_url, tmp_path
):
    seed_due_nudges(postgres_db, 1000)
    outputs = [tmp_path / f"sent-{n}.txt" for n in range(2)]
    go = tmp_path / "go"
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.nudge_sweeper",
                postgres_url,
                SWEEP_AT.isoformat(),
                str(out),
                str(go),
            ],
            stderr=subprocess.PIPE,
            text=True,
        )
        for out in outputs
    ]
    deadline = time.monotonic() + 60
    while not all(out.exists() for out in outputs) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()  # both are connected and waiting: start them together
    for process in processes:
        _, errors = process.communicate(timeout=300)
        assert process.returncode == 0, errors
    sent = [line for out in outputs for line in out.read_text().split()]
    per_process = [len(out.read_text().split()) for out in outputs]
    assert len(sent) == 1000, f"{len(sent)} sends for 1000 nudges"
    assert len(set(sent)) == 1000, "a nudge was sent twice"
    assert all(count > 0 for count in per_process), f"one process did all the work: {per_process}"
    with postgres_db.transaction() as session:
        assert session.scalar(select(func.count()).where(Nudge.status == "sent")) == 1000


@pytest.mark.postgres
def test_a_claim_takes_no_more_than_its_limit_from_a_table_the_planner_knows_nothing_about(postgres_db):
    """Fresh tables have no statistics; `id IN (SELECT … LIMIT 200 FOR UPDATE SKIP LOCKED)` was then
    run again for each row compared, and one claim took all 1,000 due nudges."""
    from datetime import timedelta

    from storage import nudge_store

    seed_due_nudges(postgres_db, 1000)
    with postgres_db.transaction() as session:
        claimed = nudge_store.claim_due(
            session, now=SWEEP_AT, limit=200, lease=timedelta(minutes=5), platforms=("console",)
        )
    assert len(claimed) == 200 and len({c.id for c in claimed}) == 200
    with postgres_db.transaction() as session:
        assert session.scalar(select(func.count()).where(Nudge.status == "sending")) == 200
        first = session.scalars(select(Nudge.due_at).where(Nudge.status == "pending").order_by(Nudge.due_at))
        assert all(c.due_at <= next(iter(first)) for c in claimed)  # the earliest due were taken
