"""The thank-you timing advice never contradicts itself and never suggests the night."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot import dates
from bot.timing import email_advice, post_advice

BERLIN = dates.zone("Europe/Berlin")


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=BERLIN)


def test_right_after_an_afternoon_interview_it_names_a_moment_a_few_hours_later():
    advice = email_advice(interview_at=local(26, 15, 10), now=local(26, 15, 20), tz=BERLIN)
    assert advice.key == "timing_email_later"
    assert advice.moment == local(26, 17, 10)
    assert advice.deadline == local(27, 15, 10)


def test_once_the_best_hours_have_come_it_says_now():
    advice = email_advice(interview_at=local(26, 10), now=local(26, 13), tz=BERLIN)
    assert advice.key == "timing_email_now"
    assert advice.deadline == local(27, 10)


def test_an_evening_interview_gets_a_morning_suggestion_not_midnight():
    advice = email_advice(interview_at=local(26, 19, 30), now=local(26, 21, 26), tz=BERLIN)
    assert advice.key == "timing_email_later"
    assert advice.moment.astimezone(BERLIN) == local(27, 8)
    assert advice.moment < advice.deadline


def test_after_24_hours_it_says_as_soon_as_you_can_without_a_deadline():
    advice = email_advice(interview_at=local(23, 9), now=local(26, 5, 26), tz=BERLIN)
    assert advice.key == "timing_email_late"
    assert advice.deadline is None


def test_advice_is_never_in_the_past_nor_after_the_deadline_nor_at_night():
    for interview_hour in (7, 9, 13, 17, 20, 23):
        for hours_after in range(30):
            interview_at = local(20, interview_hour).astimezone(UTC)
            now = interview_at + timedelta(hours=hours_after)
            advice = email_advice(interview_at=interview_at, now=now, tz=BERLIN)
            if advice.moment is not None:
                assert now <= advice.moment < advice.deadline, (interview_hour, hours_after)
                assert 8 <= advice.moment.astimezone(BERLIN).hour < 21, (interview_hour, hours_after)
            if advice.deadline is not None:
                assert advice.deadline > now, (interview_hour, hours_after)


def test_post_mentions_the_decision_only_when_known():
    assert post_advice(decision=None).key == "timing_post"
    assert post_advice(decision=date(2026, 12, 10)).key == "timing_post_decision"
