"""Reading answers of each kind, without the engine around them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot import dates
from bot.answers import Parsed, Problem
from bot.engine.kinds import parse_answer
from bot.flow import load_flow

NOW = datetime(2026, 11, 26, 14, 10, tzinfo=UTC)
BERLIN = dates.zone("Europe/Berlin")


def read(question_id: str, text: str, options=()):
    flow = load_flow()
    return parse_answer(
        flow.question(question_id),
        text,
        options=list(options),
        words=flow.words,
        now=NOW,
        tz=BERLIN,
    )


@pytest.mark.parametrize(("text", "value"), [("4", 4), ("4/5", 4), ("4 out of 5", 4), ("five", 5)])
def test_scale_reads_numbers_and_words(text, value):
    assert read("happy_with_answers", text) == Parsed(value)


@pytest.mark.parametrize("text", ["7", "0", "great", "4.5"])
def test_scale_refuses_anything_else(text):
    assert read("happy_with_answers", text) == Problem("bad_scale")


def test_choice_by_number_label_and_alias():
    options = list(load_flow().question("thank_you_by").options)
    assert read("thank_you_by", "2", options).value == "post"
    assert read("thank_you_by", "E-mail", options).value == "email"
    assert read("thank_you_by", "snail mail", options).value == "post"
    assert read("thank_you_by", "pigeon", options) == Problem("bad_choice")


def test_interview_time_in_the_past_only_and_recent():
    assert read("interview_at", "just now") == Parsed(NOW.isoformat())
    assert read("interview_at", "today 2pm").value == datetime(2026, 11, 26, 13, 0, tzinfo=UTC).isoformat()
    assert read("interview_at", "tomorrow 9am").key == "date_future_interview"
    assert read("interview_at", "March 3").key == "date_too_old"
    assert read("interview_at", "blurday").key == "bad_date"


def test_decision_day_ahead_only():
    assert read("decision_expected", "They didn't say") == Parsed(None)
    assert read("decision_expected", "next Friday") == Parsed("2026-11-27")
    assert read("decision_expected", "last Monday").key == "date_past_decision"
    assert read("decision_expected", "in 3 years").key == "date_too_far"


def test_several_numbers_for_a_pick_from_your_questions_ask_for_one():
    assert read("answer_to_improve", "1, 3") == Problem("one_at_a_time")
    # Pointing at an option that isn't there is asked again, never stored as own words.
    assert read("answer_to_improve", "the salary one") == Problem(
        "which_not_found", {"text": "the salary one"}
    )
    assert read("answer_to_improve", "the one about salary") == Parsed("the one about salary")


def test_a_number_that_is_no_option_is_refused_even_where_free_text_is_allowed():
    options = [load_flow().question("answer_to_improve").options[0]]
    assert read("answer_to_improve", "3", options) == Problem("bad_choice")
    assert read("answer_to_improve", "1", options).value == "none"
