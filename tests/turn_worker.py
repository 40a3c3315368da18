"""A stand-alone bot process for the scale-out test: one JSON command per line in, one result out.

Commands: {"turn": [user_id, text, event_id]} -> {"texts": [...]}; {"sweep": true} -> {"sent": [...]}.
Usage: python -m tests.turn_worker DATABASE_URL CLOCK_ISO
"""

from __future__ import annotations

import json
import sys
from datetime import datetime

from bot.messages import Incoming, UserKey
from bot.service import ConversationService
from storage.db import Database


def main() -> None:
    url, clock_iso = sys.argv[1:3]
    now = [datetime.fromisoformat(clock_iso)]
    database = Database(url)
    database.migrate()
    service = ConversationService(database=database, default_timezone="Europe/Berlin", clock=lambda: now[0])
    for line in sys.stdin:
        command = json.loads(line)
        if "clock" in command:
            now[0] = datetime.fromisoformat(command["clock"])
            result: dict = {}
        elif "sweep" in command:
            sent = []
            for nudge in service.prepare_due(platforms=("scale",)):
                service.record_delivery(nudge.nudge_id, delivered=True, attempts=nudge.attempts)
                sent.append([nudge.user.user_id, nudge.nudge_id])
            result = {"sent": sent}
        else:
            user_id, text, event_id = command["turn"]
            replies = service.handle(
                Incoming(user=UserKey("scale", "w", user_id), text=text, event_id=event_id)
            )
            result = {"texts": [r.text for r in replies]}
        print(json.dumps(result), flush=True)
    database.dispose()


if __name__ == "__main__":
    main()
