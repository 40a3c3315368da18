"""Random conversations against the real service: never a crash, state always valid, never silence.

Hypothesis drives sequences of messages, commands, button clicks (current and stale), dates, clock
jumps, nudge sweeps and restarts (a new service on the same database), on a real SQLite file.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.delivery import NudgeDelivery
from bot.flow import load_flow
from bot.messages import Incoming
from bot.service import ConversationService
from storage.db import Database
from storage.models import Interview, User
from tests.chat import MAYA
from tests.conftest import Clock

FLOW = load_flow()
WORDS = ["hi", "ACME", "Designer", "done", "skip", "back", "edit", "1", "2", "3", "yes", "no", "none", "cancel",
         "list", "status", "resume", "resume 1", "new", "help", "reminders", "snooze 3h", "pause until Monday",
         "resume nudges", "timezone Tokyo", "news", "insights", "export", "forget me", "offers", "just now",
         "next Friday", "blurday", "tomorrow 9am", "end of next week", "Mark as sent", "later", "same",
         "interview Globex tomorrow 3-4pm", "I got an offer!", "/nope", "?", "", "   ", "🎉", "مرحبا",
         "x" * 5000, "Dana Lee dana@acme.com", "edit 3", "cancel reminder 1", "same topic",
         "pause 3000000 days", "snooze 99999999 days", "interview ACME Dec 31 9999 11pm", "Dec 31 9999 11pm",
         "timezone Etc/GMT+12", "timezone Pacific/Kiritimati", "pause for a week", "keep", "don't pause",
         "snooze 2 days", "in an hour", "I got invited back for a second interview"]  # fmt: skip

step = st.one_of(
    st.sampled_from(WORDS).map(lambda w: ("say", w)),
    st.text(max_size=40).map(lambda w: ("say", w)),
    st.integers(min_value=0, max_value=6).map(lambda i: ("click", i)),
    st.sampled_from(
        ["cmd:cancel-yes", "cmd:forget-no", "ans:deadbeef/company//:0", "iv:nope:resume", "cmd:x"]
    ).map(lambda a: ("press", a)),
    st.sampled_from([1, 3, 20, 30 * 24]).map(lambda h: ("wait", h)),
    st.just(("sweep", None)),
    st.just(("restart", None)),
)


def valid_state(database: Database) -> None:
    with database.transaction() as session:
        for user in session.scalars(select(User)):
            assert json.loads(json.dumps(user.conversation)) == user.conversation
        for interview in session.scalars(select(Interview)):
            assert json.loads(json.dumps(interview.answers)) == interview.answers
            pos = interview.cursor.get("pos")
            if pos is not None:
                assert pos["q"] in FLOW.by_id, pos
            assert interview.status in ("in_progress", "done", "cancelled", "upcoming")


@settings(
    max_examples=int(os.environ.get("DEBRIEF_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(step, min_size=1, max_size=40))
def test_random_conversations_never_crash_never_go_silent_and_keep_valid_state(steps):
    folder = Path(tempfile.mkdtemp())
    database = Database(f"sqlite:///{folder / 'fuzz.sqlite3'}")
    database.migrate()
    clock = Clock()

    def fresh() -> ConversationService:
        return ConversationService(database=database, default_timezone="Europe/Berlin", clock=clock)

    service, buttons = fresh(), []
    try:
        for kind, value in steps:
            replies = None
            if kind == "say":
                replies = service.handle(Incoming(user=MAYA, text=value, display_name="Maya"))
            elif kind == "click" and buttons:
                replies = service.handle(
                    Incoming(user=MAYA, kind="action", action=buttons[value % len(buttons)])
                )
            elif kind == "press":
                replies = service.handle(Incoming(user=MAYA, kind="action", action=value))
            elif kind == "wait":
                clock.advance(hours=value)
            elif kind == "sweep":
                for nudge in NudgeDelivery(service).prepare_due(platforms=("console",)):
                    assert nudge.replies and all(r.text.strip() for r in nudge.replies)
                    NudgeDelivery(service).record_delivery(
                        nudge.nudge_id, delivered=True, attempts=nudge.attempts
                    )
                    buttons = [b.action for r in nudge.replies for b in r.buttons] or buttons
            elif kind == "restart":
                service = fresh()
            if replies is not None:
                assert replies, f"no reply to {kind} {value!r}"
                assert all(r.text.strip() for r in replies), f"an empty reply to {kind} {value!r}"
                assert not any("something went wrong" in r.text for r in replies), (
                    f"a crash on {kind} {value!r}"
                )
                buttons = [b.action for r in replies for b in r.buttons] or buttons
        valid_state(database)
    finally:
        database.dispose()
