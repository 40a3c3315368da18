"""Nudges end to end on a real database with an injected clock: planned, claimed, worded, sent."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.delivery import NudgeDelivery
from bot.messages import UserKey
from bot.scheduler import NudgeScheduler
from bot.service import ConversationService
from storage.models import Interview, Nudge
from tests.chat import MAYA
from tests.helpers import deliver, due, finished, render, statuses


def test_a_thank_you_reminder_comes_three_hours_after_and_stops_once_marked_sent(service, clock, sqlite_db):
    chat = finished(service, letter="later")
    clock.advance(hours=2, minutes=50)
    assert deliver(service) == []
    clock.advance(minutes=15)
    [text] = deliver(service, chat)
    assert "Have you sent your thank-you to" in text and "ACME" in text
    chat.click("Mark as sent")
    assert "sent!" in chat.last
    clock.advance(days=3)
    assert deliver(service) == []  # no second or last reminder once it is sent
    kinds = statuses(sqlite_db)
    assert kinds["thank_you_1"] == "sent"
    assert kinds["thank_you_2"] == kinds["thank_you_last"] == "cancelled"


def test_nudges_missed_while_the_bot_was_down_are_sent_once_not_in_a_burst(service, clock, sqlite_db):
    finished(service, letter="later")
    clock.advance(days=2, hours=1)  # all three thank-you reminders fell due while we were down
    texts = deliver(service)
    assert len(texts) == 1 and "still worth sending" in texts[0]
    kinds = statuses(sqlite_db)
    assert kinds["thank_you_1"] == kinds["thank_you_2"] == "skipped"
    assert kinds["thank_you_last"] == "sent"
    assert deliver(service) == []  # and nothing more the next time round


def test_snooze_moves_a_reminder(service, clock):
    chat = finished(service, letter="later")
    clock.advance(hours=3, minutes=1)
    deliver(service, chat)
    chat.click("Remind me in 2 hours")
    assert "I'll remind you Thu 26 Nov, 20:11" in chat.last
    clock.advance(hours=1)
    assert deliver(service) == []
    clock.advance(hours=1)
    [text] = deliver(service)
    assert "Have you sent your thank-you" in text


def test_a_reminder_that_became_irrelevant_before_sending_is_skipped(service, clock, sqlite_db):
    finished(service, letter="later")
    with sqlite_db.transaction() as session:  # another process marked it sent without replanning
        row = session.scalars(select(Interview)).one()
        row.answers = {**row.answers, "letter_review": "sent"}
    clock.advance(hours=3, minutes=1)
    assert deliver(service) == []
    assert statuses(sqlite_db)["thank_you_1"] == "skipped"


def test_any_news_check_in_leads_to_step_5_and_a_negotiation_draft(service, clock):
    chat = finished(service, letter="sent")
    clock.advance(days=7)  # Thu 3 Dec, 10:00 is five business days after the interview
    [text] = deliver(service, chat)
    assert "Any news from ACME" in text
    assert [b.label for r in chat.replies for b in r.buttons] == [
        "Second interview",
        "Offer",
        "Rejected",
        "Not yet",
    ]
    chat.click("Offer")
    assert "Step 5 of 6 · Offer" in chat.last and "Worth asking before you accept" in chat.last
    for line in ["62,000 a year", "skip", "next Friday", "70k", "55000"]:
        chat.say(line)
    chat.click("Negotiate")
    assert "11% below the figure you hoped for" in chat.last
    assert "13% above your walk-away figure" in chat.last
    assert "closer to 70k" in chat.last and "A courteous counter rarely costs" in chat.last


def test_a_second_interview_gets_a_prep_sheet_and_reminders(service, clock):
    chat = finished(service, letter="sent")
    clock.advance(days=7)
    deliver(service, chat)
    chat.click("Second interview")
    assert "Step 4 of 6" in chat.last
    chat.say("Tuesday 10am")
    chat.say("a panel with the design team")
    chat.say("tell the onboarding story with numbers")
    assert "Prep sheet · ACME" in chat.last and "Tell the onboarding story with numbers." in chat.last
    clock.advance(days=4, hours=3)  # Mon 7 Dec 18:10: the evening before
    [evening] = deliver(service)
    assert "is tomorrow" in evening and "Prep sheet" in evening


def test_a_rejection_gets_a_human_word_a_feedback_note_and_a_nudge_a_day_later(service, clock):
    chat = finished(service, letter="sent")
    clock.advance(days=7)
    deliver(service, chat)
    chat.click("Rejected")
    assert "I'm sorry" in chat.last and "How are you feeling" in chat.last
    chat.say("Gutted, honestly")
    chat.say("Their care for accessibility")
    assert (
        "grateful for any feedback" in chat.last and "your care for accessibility" in chat.last
    )  # written to the reader
    clock.advance(hours=23)
    assert deliver(service) == []
    clock.advance(hours=2)
    [text] = deliver(service, chat)
    assert "Ready to ask for feedback?" in text
    chat.click("They replied")
    chat.say("Strong portfolio; go deeper on research methods")
    assert "insights" in chat.last


def test_a_failed_send_is_retried_with_backoff_then_given_up(service, clock, sqlite_db):
    finished(service, letter="later")
    clock.advance(hours=3, minutes=1)
    waits = []
    for attempt in range(1, 6):
        [nudge] = due(service)
        assert nudge.attempts == attempt
        NudgeDelivery(service).record_delivery(nudge.nudge_id, delivered=False, attempts=nudge.attempts)
        with sqlite_db.transaction() as session:
            row = session.get(Nudge, nudge.nudge_id)
            waits.append(row.due_at - clock.now if row.status == "pending" else row.status)
        clock.advance(minutes=20)  # every retry within waking hours (see test_nudge_trust for the night)
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8)] + ["failed"]


def test_the_scheduler_delivers_through_the_adapter_and_retries_a_failed_send(service, clock, sqlite_db):
    finished(service, letter="later")
    clock.advance(hours=3, minutes=1)
    received, fail = [], True

    async def send(user, replies):
        if fail:
            raise ConnectionError("platform down")
        received.append((user, replies))

    scheduler = NudgeScheduler(service=service, senders={"console": send})
    assert asyncio.run(scheduler.sweep()) == 0
    assert statuses(sqlite_db)["thank_you_1"] == "pending"
    fail = False
    clock.advance(minutes=2)
    assert asyncio.run(scheduler.sweep()) == 1
    assert received[0][0] == MAYA
    assert statuses(sqlite_db)["thank_you_1"] == "sent"


def test_the_scheduler_runs_its_sweep_on_its_own(service, clock):
    finished(service, letter="later")
    clock.advance(hours=3, minutes=1)

    async def main() -> list:
        received = []

        async def send(user, replies):
            received.append(replies)

        scheduler = NudgeScheduler(service=service, senders={"console": send}, interval_s=0.05)
        await scheduler.start()
        for _ in range(100):
            if received:
                break
            await asyncio.sleep(0.05)
        await scheduler.stop()
        return received

    assert len(asyncio.run(main())) == 1


def test_other_platforms_nudges_are_left_for_their_own_process(service, clock, sqlite_db):
    finished(service, letter="later")
    clock.advance(hours=3, minutes=1)
    assert NudgeDelivery(service).prepare_due(platforms=("slack",)) == []
    assert statuses(sqlite_db)["thank_you_1"] == "pending"


@pytest.mark.parametrize("scale", [3600.0])
def test_scaled_clock_runs_faster(scale):
    from datetime import UTC, datetime

    from bot.clocks import ScaledClock

    ticks = iter([datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, 0, 0, 2, tzinfo=UTC)])
    scaled = ScaledClock(scale, real=lambda: next(ticks))
    assert scaled() - scaled.start == timedelta(hours=2)


def test_typed_snooze_moves_the_reminder_just_received_and_never_brings_one_forward(service, clock):
    chat = finished(service, letter="later")
    assert "nothing to snooze just now" in chat.say("snooze 2h")  # nothing received yet
    clock.advance(hours=3, minutes=1)
    deliver(service, chat)
    assert "I'll remind you Thu 26 Nov, 21:11" not in chat.say("snooze 3h")  # 21:11 is in the quiet hours
    assert "I'll remind you Fri 27 Nov, 08:00" in chat.last
    clock.advance(hours=13, minutes=40)  # Fri 07:51 in Berlin
    assert deliver(service) == []
    clock.advance(minutes=20)
    [text] = deliver(service)
    assert "Have you sent your thank-you" in text


def test_cancel_reminder_drops_the_one_shown_with_that_number(service, clock):
    chat = finished(service, letter="later")
    listing = chat.say("reminders")
    assert "1. Thu 26 Nov, 18:10 · thank-you reminder · ACME" in listing
    clock.advance(hours=3, minutes=1)
    deliver(service)  # number 1 has been sent meanwhile
    assert "Fri 27 Nov, 11:10" in chat.say("cancel reminder 2")
    clock.advance(hours=20)
    assert deliver(service) == []  # the second reminder is gone


def test_pause_holds_reminders_and_resume_nudges_releases_them(service, clock):
    chat = finished(service, letter="later")
    chat.say("pause for 2 weeks")
    assert "would hold back reminders about deadlines" in chat.last
    chat.click("Pause those too")
    assert "Reminders are paused" in chat.last
    clock.advance(hours=3, minutes=1)
    assert deliver(service) == []
    chat.say("resume nudges")
    [text] = deliver(service)
    assert "Have you sent your thank-you" in text


def test_a_long_pause_ends_with_the_latest_relevant_nudge_only(service, clock, sqlite_db):
    chat = finished(service, letter="later")
    chat.say("pause for 3 weeks")
    chat.click("Pause those too")
    clock.advance(days=21, hours=1)
    texts = deliver(service)
    assert len(texts) == 1 and "Shall I keep asking" in texts[0]  # not a thank-you three weeks on
    kinds = statuses(sqlite_db)
    assert kinds["thank_you_last"] == "skipped" and kinds["checkin_1"] == "skipped"


def test_keep_asking_starts_a_new_round_of_checkins(service, clock):
    chat = finished(service, letter="sent")
    clock.advance(days=21)
    *_, last = deliver(service, chat)
    assert "Shall I keep asking" in last
    chat.click("Keep asking")
    clock.advance(days=7)
    [text] = deliver(service)
    assert "Any news from ACME" in text


def test_a_claim_whose_process_died_is_taken_again_after_the_lease(service, clock):
    finished(service, letter="later")
    clock.advance(hours=3, minutes=1)
    assert len(due(service)) == 1  # claimed, then the process died before sending
    clock.advance(minutes=2)
    assert due(service) == []  # still someone else's
    clock.advance(minutes=4)
    [again] = due(service)
    assert again.attempts == 2


def test_a_console_chat_claims_only_its_own_persons_nudges(service, clock, sqlite_db):
    finished(service, letter="later")
    clock.advance(hours=3, minutes=1)
    omar = UserKey("console", "local", "omar")
    assert NudgeDelivery(service).prepare_due(platforms=("console",), only=omar) == []
    assert statuses(sqlite_db)["thank_you_1"] == "pending"
    assert len(NudgeDelivery(service).prepare_due(platforms=("console",), only=MAYA)) == 1


def test_an_old_check_in_clicked_later_cannot_overwrite_newer_news(service, clock, sqlite_db):
    chat = finished(service, letter="sent")
    clock.advance(days=7)
    deliver(service, chat)
    old_buttons = chat.replies
    chat.click("Second interview")
    for line in ["Tuesday 10am", "skip", "be concise"]:
        chat.say(line)
    chat.receive(old_buttons)
    assert "That check-in is out of date" in chat.click("Rejected")
    assert statuses(sqlite_db)["second_prep_evening"] == "pending"
    with sqlite_db.transaction() as session:
        assert session.scalars(select(Interview)).one().answers["news"] == "second"


def test_a_nudge_whose_send_was_recorded_is_never_sent_again_after_a_crash(service, clock):
    finished(service, letter="later")
    clock.advance(hours=3, minutes=1)
    [nudge] = due(service)
    NudgeDelivery(service).record_delivery(
        nudge.nudge_id, delivered=True, attempts=nudge.attempts
    )  # sent, then the process died
    clock.advance(minutes=10)  # well past the lease
    assert due(service) == []


def test_a_wave_of_reminders_is_sent_side_by_side_bounded_and_each_recorded_after_its_send(sqlite_db):
    """40 people owed a reminder, through an adapter that takes 20 ms a send: they go out at most
    SENDS_AT_ONCE at a time (not one after another), and every one is marked sent, those that
    finished together in one transaction."""
    from bot import scheduler as scheduling
    from tests.helpers import SWEEP_AT, seed_due_nudges

    seed_due_nudges(sqlite_db, 40)
    service = ConversationService(
        database=sqlite_db, default_timezone="Europe/Berlin", clock=lambda: SWEEP_AT
    )
    in_flight, most = 0, 0

    async def send(user, replies):
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.02)
        in_flight -= 1

    scheduler = NudgeScheduler(service=service, senders={"console": send})
    groups, record = [], scheduler.delivery.record_deliveries
    scheduler.delivery.record_deliveries = lambda sends: groups.append(len(sends)) or record(sends)
    assert asyncio.run(scheduler.sweep()) == 40
    assert 1 < most <= scheduling.SENDS_AT_ONCE
    # Sends that finish together are recorded together: fewer transactions than sends, none left out.
    assert sum(groups) == 40 and len(groups) < 40
    with sqlite_db.transaction() as session:
        sent = session.scalar(select(func.count()).select_from(Nudge).where(Nudge.status == "sent"))
    assert sent == 40


def test_a_reminder_reads_its_interview_once_while_it_is_worded(service, clock, sqlite_db):
    from sqlalchemy import event

    finished(service, letter="later")
    clock.advance(hours=3, minutes=5)
    statements: list[str] = []
    event.listen(sqlite_db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    [nudge] = due(service)
    assert "thank-you" in " ".join(r.text for r in nudge.replies).casefold()
    reads = [s for s in statements if s.startswith("SELECT") and "interviews" in s.split("WHERE")[0]]
    assert len(reads) == 1, reads


def test_a_wave_is_worded_a_batch_per_transaction_not_a_transaction_per_reminder(sqlite_db):
    from sqlalchemy import event

    from bot.delivery import WORDED_TOGETHER
    from tests.helpers import SWEEP_AT, seed_due_nudges

    seed_due_nudges(sqlite_db, 60)
    service = ConversationService(
        database=sqlite_db, default_timezone="Europe/Berlin", clock=lambda: SWEEP_AT
    )
    commits: list[object] = []
    event.listen(sqlite_db.engine, "commit", commits.append)
    prepared = NudgeDelivery(service).prepare_due(platforms=("console",))
    assert len(prepared) == 60 and all("thank-you" in render(n.replies) for n in prepared)
    assert len(commits) == 1 + -(-60 // WORDED_TOGETHER)  # the claim, then one per batch
    assert len(commits) <= 1 + 60 // 10  # at least ten reminders a transaction


def test_a_reminder_whose_wording_crashes_costs_the_rest_of_its_batch_nothing(sqlite_db, monkeypatch):
    from bot.engine import registry
    from tests.helpers import SWEEP_AT, seed_due_nudges

    seed_due_nudges(sqlite_db, 10)
    service = ConversationService(
        database=sqlite_db, default_timezone="Europe/Berlin", clock=lambda: SWEEP_AT
    )
    words = registry.NUDGES["thank"]

    def broken_for_the_fifth(t, kind):
        if t.subject.id == f"{4:032x}":
            raise KeyError("a template bug")
        words(t, kind)

    monkeypatch.setitem(registry.NUDGES, "thank", broken_for_the_fifth)
    prepared = {
        n.user.user_id: render(n.replies) for n in NudgeDelivery(service).prepare_due(platforms=("console",))
    }
    assert len(prepared) == 10
    assert "This is your thank-you reminder for ACME" in prepared.pop("person4")  # the plain wording
    assert all("Have you sent your thank-you" in text for text in prepared.values())
    assert _each_status(sqlite_db) == ["sending"] * 10  # each claimed once, none skipped or lost


def test_a_batch_waits_for_its_people_before_it_takes_the_writer(sqlite_db):
    """A turn holds its person's lock, then waits for the database; a batch of reminders that took
    the database first and then waited for that person would never finish, nor would the turn."""
    import threading
    import time

    from tests.helpers import SWEEP_AT, seed_due_nudges

    seed_due_nudges(sqlite_db, 5)
    service = ConversationService(
        database=sqlite_db, default_timezone="Europe/Berlin", clock=lambda: SWEEP_AT
    )
    prepared: list[object] = []
    with service.lock(UserKey("console", "local", "person3")):  # a turn of person3 is under way
        sweep = threading.Thread(
            target=lambda: prepared.extend(NudgeDelivery(service).prepare_due(platforms=("console",)))
        )
        sweep.start()
        while _each_status(sqlite_db) != ["sending"] * 5:  # claimed: the batch is next
            time.sleep(0.01)
        time.sleep(0.1)
        saved = threading.Event()

        def the_turn_saves() -> None:
            with sqlite_db.transaction():
                saved.set()

        turn = threading.Thread(target=the_turn_saves, daemon=True)
        turn.start()
        assert saved.wait(10), "the batch took the database and waits for the person: a deadlock"
        assert not prepared
    sweep.join(10)
    assert len(prepared) == 5


def _each_status(database) -> list[str]:
    with database.transaction() as session:
        return list(session.scalars(select(Nudge.status).order_by(Nudge.id)))
