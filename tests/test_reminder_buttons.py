"""Reminder buttons and commands keep working around a nudge: typed or clicked, before or after other
messages; and a pause or a snooze that would skip a deadline says so and offers to keep it."""

from __future__ import annotations

import asyncio
import io

from adapters.console import ConsoleAdapter
from bot.delivery import NudgeDelivery
from bot.messages import Button, Reply
from tests.chat import Chat
from tests.helpers import deliver, finished, statuses


def console(service) -> ConsoleAdapter:
    return ConsoleAdapter(service=service, user_name="Maya", stdin=io.StringIO(), stdout=io.StringIO())


def typed(adapter: ConsoleAdapter, line: str) -> str:
    """Type a line into the console as a person would, and return what it printed."""
    adapter.stdout = io.StringIO()
    adapter._print(adapter.service.handle(adapter._incoming(line)))
    return adapter.stdout.getvalue()


def nudge(adapter: ConsoleAdapter, replies: list[Reply]) -> str:
    adapter.stdout = io.StringIO()
    asyncio.run(adapter.send(adapter.user, replies))
    return adapter.stdout.getvalue()


def how_did_it_go(service, clock) -> tuple[ConsoleAdapter, str]:
    """An interview announced for 16:00-17:00, and at 17:20 its "How did it go?" nudge on the console."""
    adapter = console(service)
    typed(adapter, "interview ACME today 4-5pm")
    clock.advance(hours=2, minutes=10)
    [ready] = NudgeDelivery(service).prepare_due(platforms=("console",))
    NudgeDelivery(service).record_delivery(ready.nudge_id, delivered=True, attempts=ready.attempts)
    return adapter, nudge(adapter, ready.replies)


def test_snooze_typed_right_after_a_nudge_moves_that_nudge(service, clock):
    adapter, _ = how_did_it_go(service, clock)
    assert "I'll remind you Thu 26 Nov, 20:20" in typed(adapter, "snooze 3h")


def test_a_nudges_options_keep_their_numbers_and_labels_after_another_message(service, clock):
    adapter, shown = how_did_it_go(service, clock)
    assert "1) Start my debrief" in shown and "2) In an hour" in shown
    assert "1) New debrief" in typed(adapter, "help")  # another message, whose options take 1 and 2
    assert "I'll remind you" in typed(adapter, "in an hour")  # the label still clicks the nudge's button


def test_a_nudges_number_still_works_when_the_next_message_shows_no_options(service, clock):
    adapter, _ = how_did_it_go(service, clock)
    typed(adapter, "timezone")  # a reply with no options of its own
    assert "I'll remind you" in typed(adapter, "2")


def test_options_of_two_nudges_never_share_a_number(service):
    adapter = console(service)
    a = (Button("Mark as sent", "iv:a:sent"), Button("Remind me in 2 hours", "iv:a:snooze:x:2h"))
    b = (Button("Mark as sent", "iv:b:sent"), Button("Remind me in 2 hours", "iv:b:snooze:x:2h"))
    first, second = nudge(adapter, [Reply("one", a)]), nudge(adapter, [Reply("two", b)])
    assert "1) Mark as sent" in first and "2) Remind me in 2 hours" in first
    assert "3) Mark as sent" in second and "4) Remind me in 2 hours" in second
    assert adapter._incoming("remind me in 2 hours").action == "iv:b:snooze:x:2h"  # the latest first
    assert adapter._incoming("4").action == "iv:b:snooze:x:2h"
    assert adapter._incoming("2").action == "iv:a:snooze:x:2h"  # the earlier reminder's still work


def test_a_pause_through_a_deadline_asks_and_can_keep_those_reminders(service, clock, sqlite_db):
    chat = finished(service, letter="later")
    chat.say("pause for a week")
    assert "would hold back reminders about deadlines" in chat.last
    assert "thank-you reminder about ACME" in chat.last
    chat.click("Pause, but keep those")
    assert (
        "Reminders are paused" in chat.last and "I'll still send the reminders about deadlines" in chat.last
    )
    clock.advance(hours=3, minutes=5)
    [text] = deliver(service)  # the thank-you reminder comes through the pause
    assert "Have you sent your thank-you" in text
    clock.advance(days=5)
    assert not any("Any news" in t for t in deliver(service))  # the check-in waits for the pause's end
    assert statuses(sqlite_db)["checkin_1"] == "pending"


def test_a_pause_answer_typed_and_dont_pause(service, clock):
    chat = finished(service, letter="later")
    chat.say("pause for a week")
    chat.say("don't pause")
    assert "no pause" in chat.last
    assert "aren't paused" in chat.say("resume nudges")


def test_a_snooze_past_the_thank_you_window_says_so_and_offers_before(service, clock):
    chat = finished(service, letter="later")  # interview at 15:10 Thu; the window closes Fri 15:10
    clock.advance(hours=3, minutes=1)
    deliver(service, chat)
    chat.say("snooze 2 days")
    assert "is after the deadline this thank-you reminder is about (Fri 27 Nov, 15:10)" in chat.last
    chat.click("Remind me Fri 27 Nov, 13:10")
    assert "I'll remind you Fri 27 Nov, 13:10" in chat.last
    clock.advance(hours=19, minutes=5)  # Fri 13:16
    assert any("thank-you" in t for t in deliver(service))


def test_snooze_anyway_past_the_deadline(service, clock):
    chat = finished(service, letter="later")
    clock.advance(hours=3, minutes=1)
    deliver(service, chat)
    chat.say("snooze 2 days")
    chat.click("Snooze anyway")
    assert "I'll remind you Sat 28 Nov" in chat.last


def test_a_snooze_past_an_offer_deadline_says_so(service, clock):
    chat = finished(service, letter="sent")
    clock.advance(days=7)  # Thu 3 Dec
    deliver(service, chat)
    chat.click("Offer")
    for line in ["62,000 a year", "skip", "Dec 11", "70k", "55000"]:  # the answer is due Fri 11 Dec
        chat.say(line)
    chat.click("Still thinking")
    clock.advance(days=6)  # Wed 9 Dec 10:00: two days before
    [text] = deliver(service, chat)
    assert "is due by Fri 11 Dec" in text
    chat.say("snooze 3 days")
    assert "is after the deadline this offer deadline reminder is about (Fri 11 Dec, 09:00)" in chat.last
    chat.click("Keep it as it was")
    assert "stays as it was" in chat.last


def test_a_pause_answer_in_everyday_words(service, clock):
    chat = finished(service, letter="later")
    chat.say("pause for a week")
    chat.say("keep them pls")
    assert (
        "Reminders are paused" in chat.last and "I'll still send the reminders about deadlines" in chat.last
    )


def test_something_else_typed_at_the_pause_question_says_no_pause_was_set(service, clock):
    chat = finished(service, letter="later")
    chat.say("pause for a week")
    assert "no pause" in chat.say("list")
    assert "1. ACME" in chat.last


def test_a_bad_snooze_or_time_zone_during_a_debrief_is_never_taken_as_the_answer(service):
    chat = Chat(service)
    chat.say("hi")
    for line in ("snooze -3h", "pause until yesterday", "timezone Mars"):
        chat.say(line)
        assert "Which company was the interview with?" in chat.last, line
    chat.say("Mercy General")
    assert "which role was it for at Mercy General?" in chat.last


def test_an_early_interview_gets_its_prep_the_evening_before_not_after_it_began(service, clock):
    chat = Chat(service)
    chat.say("interview ACME tomorrow 7-8am")
    assert "the evening before" in chat.last
    assert "Thu 26 Nov, 20:30 · interview reminder" in chat.say("reminders")
    clock.advance(hours=5, minutes=25)  # 20:35 Berlin
    [text] = deliver(service)
    assert "Your interview at ACME is on Fri 27 Nov, 07:00" in text
