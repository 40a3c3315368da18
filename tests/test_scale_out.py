"""Three bot processes on one PostgreSQL: 300 people's whole debriefs, each person's messages spread
across the processes, then the reminders swept by all three: nothing lost, nothing doubled."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from storage.models import Interview, Nudge, ProcessedEvent

PEOPLE, WORKERS = 300, 3
START = datetime(2026, 11, 26, 14, 10, tzinfo=UTC)
# A whole steps 1-3 debrief with two questions asked, the letter left for later (so reminders follow).
SCRIPT = ["hi", "ACME", "Designer", "Dana Lee", "done", "just now", "skip", "Email",
          "Question one", "Answer one", "Reaction one", "Question two", "Answer two", "Reaction two", "done",
          "fine", "skip", "4", "yes", "None", "done", "yes", "good", "less", "skip", "skip",
          "Maya", "growth", "I'll send it later"]  # fmt: skip


class Worker:
    def __init__(self, url: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.turn_worker", url, START.isoformat()],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def send(self, command: dict) -> None:
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()

    def receive(self) -> dict:
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        assert self.process.wait(timeout=60) == 0


@pytest.mark.postgres
def test_three_processes_complete_300_debriefs_and_deliver_every_reminder_once(postgres_db, postgres_url):
    workers = [Worker(postgres_url) for _ in range(WORKERS)]
    try:
        for index, text in enumerate(SCRIPT):
            # Step `index` of every person at once; a person's consecutive messages go to different processes.
            batches: dict[int, list[int]] = {w: [] for w in range(WORKERS)}
            for person in range(PEOPLE):
                worker = (person + index) % WORKERS
                workers[worker].send({"turn": [f"p{person}", text, f"ev-{person}-{index}"]})
                batches[worker].append(person)
            for worker, people in batches.items():
                for _ in people:
                    result = workers[worker].receive()
                    assert result["texts"] and not any("went wrong" in t for t in result["texts"])
        for worker in workers:  # two days on: every thank-you reminder of everyone is due
            worker.send({"clock": (START + timedelta(days=2, hours=1)).isoformat()})
            worker.receive()
        sent, idle = [], 0
        while idle < 2:  # all three sweep at once, until nothing is left
            for worker in workers:
                worker.send({"sweep": True})
            batch = [tuple(pair) for worker in workers for pair in worker.receive()["sent"]]
            sent += batch
            idle = 0 if batch else idle + 1
    finally:
        for worker in workers:
            worker.close()
    with postgres_db.transaction() as session:
        interviews = session.scalars(select(Interview)).all()
        assert len(interviews) == PEOPLE
        assert all(i.status == "done" and i.answers["letter_review"] == "later" for i in interviews)
        for interview in interviews:  # every answer stored exactly once
            assert [q["question"] for q in interview.answers["questions"]] == ["Question one", "Question two"]
        assert session.scalar(select(func.count()).select_from(ProcessedEvent)) == PEOPLE * len(SCRIPT)
        sent_rows = session.scalar(select(func.count()).where(Nudge.status == "sent"))
    per_person = Counter(person for person, _ in sent)
    assert len(sent) == PEOPLE and set(per_person.values()) == {1}  # one reminder each (the latest), once
    assert sent_rows == PEOPLE
