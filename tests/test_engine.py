"""The pure engine: same input, same output; buttons, limits and odd input handled in one place."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

from bot import engine
from bot.engine import step
from bot.engine.cursor import progress_bar, step_of
from bot.inputs import MAX_MESSAGE_CHARS
from bot.model import Input, InterviewSummary, Snapshot

NOW = datetime(2026, 11, 26, 14, 10, tzinfo=UTC)


def play(messages, *, snapshot=None):
    """Feed messages to the engine alone, carrying state as the service would; returns the last Outcome."""
    conversation, interview, summaries = engine.new_conversation(), None, ()
    outcome = None
    for n, message in enumerate(messages):
        snap = snapshot or Snapshot(
            timezone="Europe/Berlin",
            conversation=conversation,
            active=interview if interview and conversation["active"] == interview.id else None,
            interviews=summaries,
            display_name="Maya",
        )
        snapshot = None
        kind = "action" if message.startswith(("ans:", "cmd:")) else "message"
        outcome = step(snap, Input(kind=kind, text=message, action=message), now=NOW, new_id=f"{n:032d}")
        conversation = outcome.conversation
        if outcome.interview is not None:
            interview = outcome.interview
            summaries = (
                InterviewSummary(
                    interview.id,
                    interview.answers.get("company"),
                    None,
                    interview.status,
                    1,
                    interview.created_at,
                ),
            )
    return outcome, conversation, interview


def text_of(outcome):
    return "\n".join(r.text for r in outcome.replies)


def test_the_same_turn_gives_the_same_result_and_leaves_its_input_untouched():
    _, conversation, interview = play(["hi", "ACME"])
    snap = Snapshot(timezone="Europe/Berlin", conversation=conversation, active=interview)
    frozen = copy.deepcopy((conversation, interview.answers, interview.cursor))
    first = step(snap, Input(kind="message", text="Designer"), now=NOW, new_id="x")
    second = step(snap, Input(kind="message", text="Designer"), now=NOW, new_id="x")
    assert first == second
    assert (conversation, interview.answers, interview.cursor) == frozen


def test_state_is_plain_json():
    _, conversation, interview = play(["hi", "ACME", "Designer", "Dana dana@acme.com", "done", "just now"])
    assert json.loads(json.dumps(conversation)) == conversation
    assert json.loads(json.dumps(interview.answers)) == interview.answers
    assert json.loads(json.dumps(interview.cursor)) == interview.cursor
    assert interview.answers["interviewers"] == [{"name": "Dana", "email": "dana@acme.com"}]
    assert interview.answers["interview_at"] == NOW.isoformat()


def test_a_button_from_an_earlier_question_is_recognised_as_stale():
    outcome, conversation, interview = play(["hi", "ACME", "Designer", "done", "just now", "skip"])
    email_button = next(b for r in outcome.replies for b in r.buttons if b.label == "Email")
    snap = Snapshot(timezone="UTC", conversation=conversation, active=interview)
    first = step(snap, Input(kind="action", action=email_button.action), now=NOW, new_id="x")
    assert first.interview.answers["thank_you_by"] == "email"
    # The same click delivered again after the conversation moved on changes nothing.
    again = step(
        Snapshot(timezone="UTC", conversation=first.conversation, active=first.interview),
        Input(kind="action", action=email_button.action),
        now=NOW,
        new_id="x",
    )
    assert "earlier question" in text_of(again)
    assert again.interview is None


def test_a_message_over_the_limit_is_refused_with_the_limit_stated_and_nothing_stored():
    _, conversation, interview = play(["hi"])
    snap = Snapshot(timezone="UTC", conversation=conversation, active=interview)
    outcome = step(snap, Input(kind="message", text="x" * 50_000), now=NOW, new_id="x")
    assert f"{MAX_MESSAGE_CHARS:,}" in text_of(outcome)
    assert "50,000" in text_of(outcome)
    assert outcome.interview is None


def test_a_field_longer_than_its_own_limit_is_refused():
    _, conversation, interview = play(["hi"])
    snap = Snapshot(timezone="UTC", conversation=conversation, active=interview)
    outcome = step(snap, Input(kind="message", text="A" * 300), now=NOW, new_id="x")
    assert "under 200 characters" in text_of(outcome)
    assert outcome.interview is None


def test_control_characters_are_dropped_and_unicode_kept():
    _, _, interview = play(["hi", "Zürich\x00 AG\u202e 🚀", "שלום\x07 مرحبا"])
    assert interview.answers["company"] == "Zürich AG 🚀"
    assert interview.answers["role"] == "שלום مرحبا"


def test_every_turn_replies_something():
    for messages in (["thanks"], ["hi", "cmd:cancel-yes"], ["ans:nope:1"], ["cmd:resume"], ["hi", "   "]):
        outcome, _, _ = play(messages)
        assert outcome.replies and all(r.text.strip() for r in outcome.replies), messages


def test_returning_person_without_a_debrief_gets_a_menu_not_a_new_debrief():
    outcome, conversation, _ = play(["hi", "ACME", "cmd:cancel", "yes", "thanks!"])
    assert "What would you like to do?" in text_of(outcome)
    assert [b.action for r in outcome.replies for b in r.buttons] == ["cmd:new", "cmd:list", "cmd:help"]
    assert conversation["active"] is None


def test_a_number_typed_for_a_choice_picks_that_option():
    _, _, interview = play(["hi", "ACME", "Designer", "done", "just now", "skip", "2"])
    assert interview.answers["thank_you_by"] == "post"


def test_list_stops_at_its_maximum():
    messages = ["hi", "ACME", "Designer"] + [f"Person {n}" for n in range(10)]
    outcome, _, interview = play(messages)
    assert len(interview.answers["interviewers"]) == 10
    assert "Let's move on" in text_of(outcome)
    assert interview.cursor["pos"]["q"] == "interview_at"


def test_back_walks_history_and_skip_keeps_an_earlier_answer():
    _, _, interview = play(["hi", "ACME", "Designer", "back", "back", "skip", "skip"])
    assert interview.answers["company"] == "ACME"
    assert interview.answers["role"] == "Designer"
    assert interview.cursor["pos"]["q"] == "interviewers"


def test_step_of_and_progress_bar():
    _, _, interview = play(["hi", "ACME"])
    assert step_of(interview) == 1
    assert progress_bar(2) == "▰▰▱▱▱▱"
