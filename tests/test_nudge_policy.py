"""The nudge policy alone: which reminders an interview wants, when, and never at night."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from bot import dates
from bot.model import QuietHours
from bot.nudges import family, planned, waking

BERLIN = dates.zone("Europe/Berlin")
NEW_YORK = dates.zone("America/New_York")
QUIET = QuietHours()
INTERVIEW = datetime(2026, 11, 26, 14, 10, tzinfo=UTC)  # Thu 15:10 in Berlin


def plan(status="done", tz=BERLIN, cursor=None, **answers):
    answers = {"interview_at": INTERVIEW.isoformat(), "thank_you_by": "email", **answers}
    return planned(
        status=status, answers=answers, cursor=cursor or {}, created_at=INTERVIEW, tz=tz, quiet=QUIET
    )


def local(moment: datetime, tz=BERLIN) -> datetime:
    return moment.astimezone(tz).replace(tzinfo=None)


def test_thank_you_reminders_by_email_until_the_letter_is_sent():
    wanted = plan(letter_review="later")
    assert local(wanted["thank_you_1"]) == datetime(2026, 11, 26, 18, 10)  # 3 hours after
    assert local(wanted["thank_you_2"]) == datetime(2026, 11, 27, 11, 10)  # 20 hours after
    assert local(wanted["thank_you_last"]) == datetime(2026, 11, 28, 15, 10)  # 48 hours after
    assert not any(k.startswith("thank") for k in plan(letter_review="sent"))


def test_post_reminds_sooner():
    wanted = plan(letter_review="later", thank_you_by="post")
    assert wanted["thank_you_1"] - INTERVIEW == timedelta(hours=1)
    # six hours after is 21:10 in Berlin, in the quiet hours: first thing next morning instead
    assert local(wanted["thank_you_2"]) == datetime(2026, 11, 27, 8, 0)


def test_a_cancelled_debrief_wants_nothing():
    assert plan(status="cancelled", letter_review="later") == {}


def test_unfinished_debrief_reminder_follows_the_last_answer_but_not_next_to_a_thank_you():
    touched = INTERVIEW + timedelta(hours=22)
    wanted = plan(status="in_progress", cursor={"pos": {"q": "feelings"}, "touched_at": touched.isoformat()})
    assert wanted["unfinished_20261127"] == touched + timedelta(hours=2, minutes=5)  # the next quarter hour
    near = plan(status="in_progress", cursor={"pos": {"q": "feelings"}, "touched_at": INTERVIEW.isoformat()})
    assert not any(k.startswith("unfinished") for k in near)  # the thank-you reminder offers to finish it


def test_checkins_five_business_days_after_or_two_after_the_decision_date():
    wanted = plan(letter_review="sent")
    assert local(wanted["checkin_1"]) == datetime(2026, 12, 3, 10, 0)  # Thu + 5 business days
    assert local(wanted["checkin_2"]) == datetime(2026, 12, 10, 10, 0)
    assert local(wanted["checkin_stop"]) == datetime(2026, 12, 17, 10, 0)
    with_date = plan(letter_review="sent", decision_expected="2026-12-04")  # a Friday
    assert local(with_date["checkin_1"]) == datetime(2026, 12, 8, 10, 0)  # the Tuesday after


def test_checkins_stop_with_news_or_when_asked_and_start_a_new_round_when_kept():
    assert not any(k.startswith("checkin") for k in plan(letter_review="sent", news="offer"))
    assert not any(k.startswith("checkin") for k in plan(letter_review="sent", checkins_stopped=True))
    kept = plan(letter_review="sent", checkin_cycle=1, checkin_from="2026-12-17T09:00:00+00:00")
    assert local(kept["checkin_1_r1"]) == datetime(2026, 12, 24, 10, 0)


def test_second_interview_prep_the_evening_before_and_the_morning_of():
    second = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # Tue 10:00 Berlin
    wanted = plan(letter_review="sent", news="second", second_at=second.isoformat())
    assert local(wanted["second_prep_evening"]) == datetime(2026, 11, 30, 18, 0)
    assert local(wanted["second_prep_morning"]) == datetime(2026, 12, 1, 8, 0)


def test_feedback_nudge_not_before_24_hours_after_a_rejection():
    news_at = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    wanted = plan(letter_review="sent", news="rejected", news_at=news_at.isoformat())
    assert wanted["feedback"] >= news_at + timedelta(hours=24)
    assert "feedback" not in plan(letter_review="sent", news="rejected", news_at=news_at.isoformat(),
                                  feedback_requested=True)  # fmt: skip


def test_offer_deadline_reminders_until_decided():
    wanted = plan(letter_review="sent", news="offer", offer_deadline="2026-12-11", offer_decision="think")
    assert local(wanted["offer_deadline_1"]) == datetime(2026, 12, 9, 10, 0)
    assert local(wanted["offer_deadline_2"]) == datetime(2026, 12, 11, 9, 0)
    assert not any(k.startswith("offer") for k in plan(news="offer", offer_deadline="2026-12-11",
                                                         offer_decision="accept"))  # fmt: skip


def test_a_snooze_replaces_the_reminder_with_a_new_one_and_a_drop_removes_it():
    later = INTERVIEW + timedelta(hours=4)
    cursor = {"snoozed": {"thank_you_1": {"n": 1, "due": later.isoformat()}}, "dropped": ["thank_you_last"]}
    wanted = plan(letter_review="later", cursor=cursor)
    assert "thank_you_1" not in wanted and wanted["thank_you_1#1"] == later
    assert "thank_you_last" not in wanted


def test_nothing_is_due_in_quiet_hours():
    evening = datetime(2026, 11, 26, 21, 30, tzinfo=BERLIN)
    assert local(waking(evening, BERLIN, QUIET)) == datetime(2026, 11, 27, 8, 0)
    small_hours = datetime(2026, 11, 27, 3, 0, tzinfo=BERLIN)
    assert local(waking(small_hours, BERLIN, QUIET)) == datetime(2026, 11, 27, 8, 0)
    noon = datetime(2026, 11, 27, 12, 0, tzinfo=BERLIN)
    assert waking(noon, BERLIN, QUIET) == noon


def test_quiet_hours_hold_across_daylight_saving_changes():
    # Berlin springs forward on 29 Mar 2026 and falls back on 25 Oct 2026; New York on 8 Mar / 1 Nov.
    for tz, nights in ((BERLIN, ("2026-03-28", "2026-10-24")), (NEW_YORK, ("2026-03-07", "2026-10-31"))):
        for night in nights:
            late = datetime.fromisoformat(f"{night}T22:30").replace(tzinfo=tz)
            woken = waking(late, tz, QUIET).astimezone(tz)
            assert woken.time() == time(8, 0) and woken.date() > late.date(), (tz, night)
    # A check-in a week after a clock change is still at 10:00 local.
    before = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
    wanted = planned(status="done", answers={"interview_at": before.isoformat(), "letter_review": "sent"},
                     cursor={}, created_at=before, tz=BERLIN, quiet=QUIET)  # fmt: skip
    assert wanted["checkin_1"].astimezone(BERLIN).time() == time(10, 0)
    assert wanted["checkin_2"].astimezone(BERLIN).time() == time(10, 0)


def test_custom_quiet_hours_and_their_errors():
    assert QuietHours.parse("22:00-07:30") == QuietHours(time(22, 0), time(7, 30))
    assert QuietHours.parse("01:00-05:00").is_quiet(time(3, 0))
    try:
        QuietHours.parse("late")
    except ValueError as exc:
        assert "21:00-08:00" in str(exc)
    else:
        raise AssertionError("a malformed value must be refused")


def test_families_group_what_replaces_what():
    assert family("thank_you_1") == family("thank_you_last") == family("thank_you_2#3") == "thank"
    assert family("checkin_stop_r2") == family("checkin_1") == "checkin"
    assert family("feedback") != family("unfinished")


def test_a_nudge_loses_its_point_once_its_moment_has_passed():
    from bot.nudges import expired

    second = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
    answers = {"second_at": second.isoformat(), "offer_deadline": "2026-12-18"}
    due = second - timedelta(hours=1)
    assert not expired("second_prep_morning", answers=answers, due=due, now=due, tz=BERLIN)
    assert expired("second_prep_morning", answers=answers, due=due, now=second + timedelta(days=7), tz=BERLIN)
    deadline_due = datetime(2026, 12, 18, 8, 0, tzinfo=UTC)
    assert not expired("offer_deadline_2", answers=answers, due=deadline_due, now=deadline_due, tz=BERLIN)
    assert expired(
        "offer_deadline_2", answers=answers, due=deadline_due, now=deadline_due + timedelta(days=1), tz=BERLIN
    )
    assert expired(
        "thank_you_1", answers={}, due=due, now=due + timedelta(days=8), tz=BERLIN
    )  # a week's outage
