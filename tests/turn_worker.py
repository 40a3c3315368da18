"""A stand-alone bot process for the scale-out test: one JSON command per line in, one result out.

Commands: {"turn": [user_id, text, event_id]} -> {"texts": [...]}; {"sweep": true} -> {"sent": [...]}.
A result carries "error" (the kind and SQLSTATE of a failed transaction, never its message) when a
transaction failed while it was worked out; a command that crashes the worker is answered with
{"error": ...} and a traceback on stderr before the worker exits 1. So a failure names its cause.
Usage: python -m tests.turn_worker DATABASE_URL CLOCK_ISO
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy.orm import Session

from bot.delivery import NudgeDelivery
from bot.messages import Incoming, UserKey
from bot.service import ConversationService
from storage.db import Database, DatabaseError, describe_error


class RecordingDatabase(Database):
    """The product's database, noting the kind of each failed transaction: the service answers a
    failed turn with an apology, and this is how the test still learns which error it was."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.errors: list[str] = []

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        try:
            with super().transaction() as session:
                yield session
        except Exception as exc:
            self.errors.append(describe_error(exc))
            raise


def serve(database: RecordingDatabase, clock_iso: str) -> None:
    now = [datetime.fromisoformat(clock_iso)]
    service = ConversationService(database=database, default_timezone="Europe/Berlin", clock=lambda: now[0])
    for line in sys.stdin:
        command = json.loads(line)
        database.errors = []
        if "clock" in command:
            now[0] = datetime.fromisoformat(command["clock"])
            result: dict = {}
        elif "sweep" in command:
            sent = []
            for nudge in NudgeDelivery(service).prepare_due(platforms=("scale",)):
                NudgeDelivery(service).record_delivery(
                    nudge.nudge_id, delivered=True, attempts=nudge.attempts
                )
                sent.append([nudge.user.user_id, nudge.nudge_id])
            result = {"sent": sent}
        else:
            user_id, text, event_id = command["turn"]
            replies = service.handle(
                Incoming(user=UserKey("scale", "w", user_id), text=text, event_id=event_id)
            )
            result = {"texts": [r.text for r in replies]}
        if database.errors:
            result["error"] = "; ".join(database.errors)
        print(json.dumps(result), flush=True)


def main() -> None:
    url, clock_iso = sys.argv[1:3]
    database = RecordingDatabase(url)
    try:
        database.migrate()
        serve(database, clock_iso)
    except Exception as exc:
        # migrate() wraps the driver's error in a DatabaseError: name the driver's.
        cause = exc.__cause__ if isinstance(exc, DatabaseError) and exc.__cause__ is not None else exc
        print(json.dumps({"error": describe_error(cause)}), flush=True)
        traceback.print_exc()
        sys.exit(1)
    finally:
        database.dispose()


if __name__ == "__main__":
    main()
