"""Nudges people can rely on: a broken wording still reminds, the night stays quiet after downtime and
after a failed send, and a sweep never brings back a person who asked to be forgotten."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.delivery import NudgeDelivery
from bot.engine import registry
from bot.service import ConversationService
from storage.models import Nudge, User
from tests.chat import Chat
from tests.helpers import deliver, due, finished, statuses

BERLIN = ZoneInfo("Europe/Berlin")


def local(service: ConversationService) -> datetime:
    return service.clock().astimezone(BERLIN)


def test_a_nudge_whose_wording_crashes_is_logged_once_and_still_reminds(
    service, clock, sqlite_db, monkeypatch, caplog
):
    finished(service, letter="later")

    def broken(t, kind):
        raise KeyError("a template bug")

    monkeypatch.setitem(registry.NUDGES, "thank", broken)
    clock.advance(hours=3, minutes=5)
    with caplog.at_level(logging.ERROR):
        [text] = deliver(service)
    assert "This is your thank-you reminder for ACME" in text  # the plain wording of its kind
    failures = [r for r in caplog.records if "nudge failed" in r.getMessage()]
    assert len(failures) == 1 and "kind=thank_you_1" in failures[0].getMessage()
    assert statuses(sqlite_db)["thank_you_1"] == "sent"  # delivered, so never retried with the same crash
    clock.advance(minutes=30)
    assert deliver(service) == []


def test_a_nudge_that_cannot_be_worded_at_all_is_given_up_at_once_not_five_times(
    service, clock, sqlite_db, monkeypatch
):
    finished(service, letter="later")
    monkeypatch.setitem(registry.NUDGES, "thank", lambda t, kind: 1 / 0)
    monkeypatch.setattr("bot.engine.fallback_nudge", lambda *a: 1 / 0)
    clock.advance(hours=3, minutes=5)
    assert deliver(service) == []
    assert statuses(sqlite_db)["thank_you_1"] == "failed"
    with sqlite_db.transaction() as session:
        assert session.scalar(select(Nudge.attempts).where(Nudge.kind == "thank_you_1")) == 1


def test_reminders_overdue_after_downtime_wait_for_the_morning(service, clock, sqlite_db):
    finished(service, letter="later")  # 15:10 Berlin; the first thank-you reminder is due at 18:10
    clock.now = datetime(2026, 11, 27, 1, 30, tzinfo=UTC)  # back up at 02:30 Berlin
    assert due(service) == []
    with sqlite_db.transaction() as session:
        waiting = session.scalars(select(Nudge).where(Nudge.status == "pending")).all()
        assert waiting and all(n.due_at.astimezone(BERLIN).hour >= 8 for n in waiting)
    clock.now = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)  # 08:00 Berlin
    [text] = deliver(service)
    assert "thank-you" in text
    assert local(service).hour == 8


def test_a_retry_after_a_failed_send_never_lands_in_the_night(service, clock, sqlite_db):
    clock.now = datetime(2026, 11, 26, 16, 55, tzinfo=UTC)  # 17:55 Berlin: the reminder is due at 20:55
    finished(service, letter="later")
    clock.advance(hours=3, minutes=1)
    [nudge] = due(service)
    NudgeDelivery(service).record_delivery(
        nudge.nudge_id, delivered=False, attempts=nudge.attempts
    )  # Slack was down
    for _ in range(12):  # the whole night, a sweep every hour
        clock.advance(hours=1)
        for ready in due(service):
            assert not local(service).hour >= 21 or local(service).hour < 8, local(service)
            NudgeDelivery(service).record_delivery(ready.nudge_id, delivered=True, attempts=ready.attempts)
    assert statuses(sqlite_db)["thank_you_1"] == "sent"


def test_a_sweep_that_claimed_a_nudge_never_brings_back_a_forgotten_person(service, clock, sqlite_db):
    chat = finished(service, letter="later")
    clock.advance(hours=3, minutes=5)
    with service.db.transaction() as session:  # the sweep's claim, committed before the wording
        from storage import nudge_store

        [claimed] = nudge_store.claim_due(
            session, now=clock(), limit=10, lease=timedelta(minutes=5), platforms=("console",)
        )
    chat.say("forget me")
    chat.click("Yes, delete")
    assert NudgeDelivery(service)._prepare_alone(claimed, now=clock()) == []
    with sqlite_db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0
        assert session.scalar(select(func.count()).select_from(Nudge)) == 0


def test_no_finish_your_debrief_reminder_about_an_interview_at_step_6(service, clock):
    chat = finished(service, letter="sent")
    clock.advance(days=7)
    deliver(service, chat)
    chat.click("Rejected")
    assert "Step 6 of 6" in chat.last and "How are you feeling" in chat.last
    clock.advance(hours=5)  # in the middle of step 6, quiet for hours
    assert not any("waiting at step" in text for text in deliver(service))


def test_no_finish_your_debrief_reminder_once_the_debrief_is_cancelled(service, clock):
    chat = Chat(service)
    for line in ("hi", "ACME", "Nurse"):
        chat.say(line)
    chat.say("cancel")
    chat.click("Yes")
    clock.advance(hours=5)
    assert not any("waiting at step" in text for text in deliver(service))
