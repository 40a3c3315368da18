"""Several processes sharing one PostgreSQL deliver every due nudge exactly once."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from storage.db import Database
from storage.models import Interview, Nudge, User

INTERVIEW_AT = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # 10:00 in Berlin
SWEEP_AT = INTERVIEW_AT + timedelta(hours=3, minutes=5)  # just after the first thank-you reminder


def seed_due_nudges(database: Database, count: int) -> None:
    """`count` people, each after a debrief with the letter not sent, each owed one reminder now."""
    answers = {
        "company": "ACME",
        "interview_at": INTERVIEW_AT.isoformat(),
        "letter_review": "later",
        "thank_you_by": "email",
        "letter_topic": {"0": "growth"},
    }
    users, interviews, nudges = [], [], []
    for n in range(count):
        interview_id, times = f"{n:032x}", {"created_at": INTERVIEW_AT}
        users.append(dict(id=n + 1, platform="console", workspace="local", user_id=f"person{n}",
                          conversation={}, updated_at=INTERVIEW_AT, **times))  # fmt: skip
        interviews.append(dict(id=interview_id, user_pk=n + 1, status="done", step=3, company="ACME",
                               answers=answers, cursor={}, updated_at=INTERVIEW_AT, **times))  # fmt: skip
        nudges.append(dict(user_pk=n + 1, interview_id=interview_id, kind="thank_you_1", status="pending",
                           attempts=0, due_at=INTERVIEW_AT + timedelta(hours=3), **times))  # fmt: skip
    with database.transaction() as session:
        session.execute(insert(User), users)
        session.execute(insert(Interview), interviews)
        session.execute(insert(Nudge), nudges)


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
