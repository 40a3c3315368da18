"""Three bot processes on one PostgreSQL: 300 people's whole debriefs, each person's messages spread
across the processes, then the reminders swept by all three: nothing lost, nothing doubled."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.models import Interview, Nudge, ProcessedEvent

PEOPLE, WORKERS = 300, 3
STDERR_TAIL = 40  # lines of a failed worker's stderr quoted in the failure
START = datetime(2026, 11, 26, 14, 10, tzinfo=UTC)
# A whole steps 1-3 debrief with two questions asked, the letter left for later (so reminders follow).
SCRIPT = ["hi", "ACME", "Designer", "Dana Lee", "done", "just now", "skip", "Email",
          "Question one", "Answer one", "Reaction one", "Question two", "Answer two", "Reaction two", "done",
          "fine", "skip", "4", "yes", "None", "done", "yes", "good", "less", "skip", "skip",
          "Maya", "growth", "I'll send it later"]  # fmt: skip


class Worker:
    """One bot process; its stderr goes to a file, so a failure can quote what the process said."""

    def __init__(self, url: str, *, number: int, stderr_path: Path) -> None:
        self.number = number
        self.stderr_path = stderr_path
        with stderr_path.open("w") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.turn_worker", url, START.isoformat()],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
            )

    def send(self, command: dict) -> None:
        try:
            self.process.stdin.write(json.dumps(command) + "\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            raise AssertionError(self.report("ended before a command")) from None

    def receive(self, errors: list[str]) -> dict:
        """The next answer; the kind of any failed transaction behind it is added to `errors`."""
        line = self.process.stdout.readline()
        assert line, self.report("ended without an answer")
        result = json.loads(line)
        if "error" in result:
            errors.append(f"worker {self.number}: {result['error']}")
        return result

    def stop(self) -> int:
        """Close its input and wait for it to end (killing it if it hangs): no process outlives the
        test to hold locks on the schema being dropped."""
        try:
            self.process.stdin.close()
            return self.process.wait(timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            return self.process.wait()

    def report(self, what: str) -> str:
        """What went wrong, with the last lines the process wrote on stderr (error types, tracebacks)."""
        tail = self.stderr_path.read_text(errors="replace").strip().splitlines()[-STDERR_TAIL:]
        return f"worker {self.number} {what}; its stderr ends:\n" + "\n".join(tail)


@pytest.mark.postgres
def test_three_processes_complete_300_debriefs_and_deliver_every_reminder_once(
    postgres_db, postgres_url, tmp_path
):
    workers = [
        Worker(postgres_url, number=n, stderr_path=tmp_path / f"worker{n}.stderr") for n in range(WORKERS)
    ]
    errors: list[str] = []  # every failed transaction's kind, named in any failure below
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
                    texts = workers[worker].receive(errors).get("texts")
                    assert texts and not any("went wrong" in t for t in texts), workers[worker].report(
                        f"failed a turn at step {index} ({errors[-1:] or 'no error recorded'})"
                    )
        for worker in workers:  # two days on: every thank-you reminder of everyone is due
            worker.send({"clock": (START + timedelta(days=2, hours=1)).isoformat()})
            worker.receive(errors)
        sent, idle = [], 0
        while idle < 2:  # all three sweep at once, until nothing is left
            for worker in workers:
                worker.send({"sweep": True})
            results = [(worker, worker.receive(errors)) for worker in workers]
            for worker, result in results:
                assert "sent" in result, worker.report(f"failed a sweep ({errors[-1:]})")
            batch = [tuple(pair) for _, result in results for pair in result["sent"]]
            sent += batch
            idle = 0 if batch else idle + 1
    finally:
        exits = [worker.stop() for worker in workers]
    for worker, code in zip(workers, exits, strict=True):
        assert code == 0, worker.report(f"exited with {code}")
    with postgres_db.transaction() as session:
        interviews = session.scalars(select(Interview)).all()
        assert len(interviews) == PEOPLE
        assert all(i.status == "done" and i.answers["letter_review"] == "later" for i in interviews)
        for interview in interviews:  # every answer stored exactly once
            assert [q["question"] for q in interview.answers["questions"]] == ["Question one", "Question two"]
        assert session.scalar(select(func.count()).select_from(ProcessedEvent)) == PEOPLE * len(SCRIPT)
        sent_rows = session.scalar(select(func.count()).where(Nudge.status == "sent"))
    per_person = Counter(person for person, _ in sent)
    # One reminder each (the latest), once; a transaction that failed on the way is named.
    assert len(sent) == PEOPLE and set(per_person.values()) == {1}, errors
    assert sent_rows == PEOPLE, errors
