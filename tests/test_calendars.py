"""Calendars in and out: invitations in the shapes Google Calendar, Outlook (Exchange), an applicant
tracking system and Apple Calendar produce, read back as an interview to come and confirmed with one
button; interviews, second interviews and offer deadlines handed out as .ics files that a calendar
parser reads back at the right moment; the same through Slack, Discord and the console."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from bot.calendars import CalendarEntry, calendar_file, looks_like_invitation, read_calendar, read_pasted
from bot.messages import Incoming
from storage import repository
from tests.chat import Chat
from tests.helpers import discord_bot, discord_settled, discord_text, finished, slack_bot, slack_settled
from tests.slack_fake import dm_event, wait_for

FILES = Path(__file__).parent / "calendars"
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def _file(name: str) -> str:
    return (FILES / name).read_text()


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# ------------------------------------------------------------------------------------ reading


@pytest.mark.parametrize(
    ("name", "company", "role", "start", "end", "people"),
    [
        # Google: a VTIMEZONE for London, the organizer among the attendees, a guest on gmail and a room.
        ("google.ics", "Northside Primary", "Year 3 Teacher", _utc(2026, 12, 11, 14), _utc(2026, 12, 11, 15),
         [("Priya Shah", "priya.shah@northside-primary.org.uk"), ("Tom Baker", "t.baker@northside-primary.org.uk")]),
        # Outlook: a Windows zone name ("W. Europe Standard Time"), a recruiting mailbox as organizer.
        ("outlook.ics", "Mercy General", "Staff Nurse", _utc(2026, 12, 11, 8, 30), _utc(2026, 12, 11, 9, 30),
         [("Dana Lee", "dana.lee@mercy-general.org"), ("Sam Ortiz", "sam.ortiz@mercy-general.org")]),
        # An applicant tracking system: times in UTC, a no-reply organizer on the tool's own domain.
        ("utc.ics", "Initech", "Shift Lead", _utc(2026, 12, 14, 16), _utc(2026, 12, 14, 16, 45),
         [("Omar Haddad", "omar.haddad@initech.com")]),
    ],
)  # fmt: skip
def test_an_invitation_file_names_the_employer_the_time_and_who_will_be_there(
    name, company, role, start, end, people
):
    invitation = read_calendar(_file(name), tz=BERLIN, me="Maya Rivera")
    assert invitation is not None and not invitation.cancelled and not invitation.all_day
    assert (invitation.company, invitation.role) == (company, role)
    assert (invitation.start, invitation.end) == (start, end)
    assert list(invitation.people) == people  # never the person, a room, or a recruiting mailbox


def test_an_all_day_event_starts_at_nine_in_the_persons_zone():
    invitation = read_calendar(_file("all-day.ics"), tz=BERLIN)
    assert invitation is not None and invitation.all_day
    assert invitation.company == "Harbor Logistics"
    assert invitation.start == _utc(2026, 12, 16, 8)  # 09:00 in Berlin
    assert invitation.end is None


def test_a_recurring_event_is_no_interview_and_a_cancellation_says_so():
    recurring = read_calendar(_file("recurring.ics"), tz=BERLIN)
    assert recurring is not None and recurring.recurring
    cancelled = read_calendar(_file("cancelled.ics"), tz=BERLIN)
    assert cancelled is not None and cancelled.cancelled
    assert cancelled.title == "Staff Nurse interview - Ward 7"  # "Canceled: " left out
    assert read_calendar("BEGIN:VCALENDAR\nthis is not one", tz=BERLIN) is None


OUTLOOK_TEXT = """Subject: Interview: Staff Nurse, Ward 7
When: Friday, December 11, 2026 2:00 PM-3:00 PM (UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna.
Where: Microsoft Teams Meeting
Microsoft Teams meeting
Join on your computer, mobile app or room device"""
GOOGLE_TEXT = """Interview with Northside Primary School
Friday, December 11 · 2:00 – 3:00pm
Time zone: Europe/London
Google Meet joining info
Video call link: https://meet.google.com/abc-defg-hij"""
ZOOM_TEXT = """Topic: Initech shift lead interview
Time: Dec 14, 2026 05:00 PM Amsterdam, Berlin, Rome, Stockholm, Vienna
Join Zoom Meeting
https://us02web.zoom.us/j/123456789"""


@pytest.mark.parametrize(
    ("text", "company", "start", "end"),
    [
        (OUTLOOK_TEXT, None, _utc(2026, 12, 11, 13), _utc(2026, 12, 11, 14)),  # the stated +01:00
        (GOOGLE_TEXT, "Northside Primary School", _utc(2026, 12, 11, 14), _utc(2026, 12, 11, 15)),  # London
        (ZOOM_TEXT, None, _utc(2026, 12, 14, 16), None),  # in the person's zone
    ],
)
def test_invitation_text_pasted_from_outlook_google_or_zoom_is_read(text, company, start, end):
    assert looks_like_invitation(text)
    invitation = read_pasted(text, now=NOW, tz=BERLIN)
    assert invitation is not None
    assert (invitation.company, invitation.start, invitation.end) == (company, start, end)


def test_an_ordinary_message_is_no_invitation():
    for said in ("interview at ACME on friday 2pm", "When: I think friday\nthey said", "idk\nmaybe tuesday"):
        assert not looks_like_invitation(said)


# ------------------------------------------------------------------------------------ writing


def test_a_calendar_file_reads_back_at_the_same_moment_with_its_alarm():
    start = datetime(2026, 3, 29, 10, 30, tzinfo=BERLIN)  # the morning clocks go forward there
    text = calendar_file(
        CalendarEntry(uid="x-interview@debrief", summary="Interview: Mercy General", start=start,
                      end=start + timedelta(hours=1), alarm_text="Interview: Mercy General"),
        stamp=NOW,
    )  # fmt: skip
    [event] = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert event.decoded("DTSTART") == start.astimezone(UTC) == _utc(2026, 3, 29, 8, 30)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(hours=1)
    [alarm] = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(hours=-1) and str(alarm["ACTION"]) == "DISPLAY"
    assert str(event["UID"]) == "x-interview@debrief"


def test_a_deadline_is_a_whole_day_with_an_alarm_the_morning_before():
    text = calendar_file(
        CalendarEntry(uid="x-offer@debrief", summary="Reply to ACME's offer", start=date(2026, 12, 18),
                      alarm_before=timedelta(hours=15)),
        stamp=NOW,
    )  # fmt: skip
    [event] = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert event.decoded("DTSTART") == date(2026, 12, 18) and event.decoded("DTEND") == date(2026, 12, 19)
    assert event.walk("VALARM")[0].decoded("TRIGGER") == timedelta(hours=-15)  # 09:00 the day before


# ------------------------------------------------------------------------ through the service


def _interviews(service, chat):
    with service.db.transaction() as session:
        person = repository.find_user(session, chat.user)
        return repository.all_interviews(session, person)


def test_an_invitation_file_in_is_kept_as_an_interview_to_come_with_one_button(service):
    """Outlook's .ics in -> "Keep it" -> an interview to come with its people and role."""
    service.clock.now = NOW
    chat = Chat(service)
    chat.replies = service.handle(Incoming(user=chat.user, text="", calendar=_file("outlook.ics")))
    assert "An invitation for an interview at Mercy General (Staff Nurse)" in chat.last
    assert "Fri 11 Dec, 09:30–10:30" in chat.last and "Dana Lee and Sam Ortiz" in chat.last
    chat.click("Keep it")
    assert "Noted: Mercy General, Fri 11 Dec, 09:30" in chat.last
    assert not any(r.attachment for r in chat.replies)  # it is in their calendar already
    [kept] = _interviews(service, chat)
    assert kept.status == "upcoming" and kept.company == "Mercy General"
    assert kept.answers["role"] == "Staff Nurse"
    assert [p["name"] for p in kept.answers["interviewers"]] == ["Dana Lee", "Sam Ortiz"]
    assert kept.answers["upcoming_start"] == "2026-12-11T08:30:00+00:00"


def test_a_second_interview_comes_with_a_calendar_file(service):
    chat = finished(service, letter="sent")  # ACME, debriefed on Thu 26 Nov
    chat.say("ACME want a second interview next tuesday at 10am")
    [second] = [r.attachment for r in chat.replies if r.attachment is not None]
    assert second.filename == "second-acme-2026-12-01.ics"
    [event] = icalendar.Calendar.from_ical(second.body).walk("VEVENT")
    assert event.decoded("DTSTART") == _utc(2026, 12, 1, 9)  # 10:00 in Berlin
    assert str(event["SUMMARY"]) == "Second interview: ACME"
    assert str(event["UID"]).endswith("-second@debrief")  # told again, a calendar updates the same event


def test_an_offer_deadline_comes_with_a_whole_day_calendar_file(service):
    chat = finished(service, letter="sent")
    for line in ("they offered me the job! 52k", "25 days off"):
        chat.say(line)
    assert "By when do they need your answer?" in chat.last
    chat.say("dec 4")
    [offer] = [r.attachment for r in chat.replies if r.attachment is not None]
    [event] = icalendar.Calendar.from_ical(offer.body).walk("VEVENT")
    assert event.decoded("DTSTART") == date(2026, 12, 4) and str(event["SUMMARY"]) == "Reply to ACME's offer"
    assert event.walk("VALARM")[0].decoded("TRIGGER") == timedelta(hours=-15)


def test_an_interview_announced_in_words_comes_with_a_calendar_file(service):
    service.clock.now = NOW
    chat = Chat(service)
    chat.say("I've got an interview at Harbor Logistics on thursday 2-3pm")
    [file] = [r.attachment for r in chat.replies if r.attachment is not None]
    assert file.filename == "interview-harbor-logistics-2026-12-10.ics"
    [event] = icalendar.Calendar.from_ical(file.body).walk("VEVENT")
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (
        _utc(2026, 12, 10, 13),
        _utc(2026, 12, 10, 14),
    )


def test_an_invitation_without_an_employer_asks_who_it_is_with(service):
    service.clock.now = NOW
    chat = Chat(service)
    chat.say(ZOOM_TEXT.replace("Initech shift lead interview", "Shift lead interview"))
    assert "Who is the interview with?" in chat.last
    chat.say("initech")
    assert "an interview at Initech (Shift lead), Mon 14 Dec, 17:00" in chat.last
    chat.say("yes")
    assert "Noted:" in chat.last and _interviews(service, chat)[0].status == "upcoming"


def test_an_invitation_pasted_mid_debrief_is_no_answer_and_the_debrief_goes_on(service):
    service.clock.now = NOW
    chat = Chat(service)
    for line in ("hi", "ACME", "Designer"):
        chat.say(line)
    chat.say(GOOGLE_TEXT)
    assert "Northside Primary School" in chat.last
    chat.click("Not now")
    assert "I haven't kept it" in chat.last and "Who interviewed you?" in chat.last
    assert [i.company for i in _interviews(service, chat)] == ["ACME"]


def test_a_cancellation_offers_to_take_the_interview_off_the_list(service):
    service.clock.now = NOW
    chat = Chat(service)
    chat.replies = service.handle(Incoming(user=chat.user, text="", calendar=_file("outlook.ics")))
    chat.click("Keep it")
    chat.replies = service.handle(Incoming(user=chat.user, text="", calendar=_file("cancelled.ics")))
    assert "That's a cancellation of your interview at Mercy General" in chat.last
    chat.click("Take it off")
    assert "Taken off your list" in chat.last
    [gone] = _interviews(service, chat)
    assert gone.status == "cancelled"


def test_past_recurring_and_unreadable_invitations_get_a_clear_word(service):
    service.clock.now = datetime(2026, 12, 20, 9, 0, tzinfo=UTC)
    chat = Chat(service)
    chat.replies = service.handle(Incoming(user=chat.user, text="", calendar=_file("google.ics")))
    assert "which has passed" in chat.last
    chat.replies = service.handle(Incoming(user=chat.user, text="", calendar=_file("recurring.ics")))
    assert "repeating event" in chat.last
    chat.replies = service.handle(Incoming(user=chat.user, text="", calendar="BEGIN:VCALENDAR\n\x00\xff"))
    assert "couldn't find a date" in chat.last
    assert not _interviews(service, chat)


# ---------------------------------------------------------------------------------- platforms


def test_slack_an_ics_shared_in_the_dm_is_fetched_with_the_bot_token_and_kept(service):
    service.clock.now = NOW

    async def scenario():
        async with slack_bot(service) as (fake, _, client):
            event = {
                **dm_event(""),
                "subtype": "file_share",
                "files": [fake.share("invite.ics", _file("utc.ics").encode())],
            }
            assert await client.event(event) == 200
            posts = await slack_settled(fake, 0)
            return fake, posts

    fake, posts = asyncio.run(scenario())
    assert fake.downloads == ["Bearer xoxb-test-token"]
    text = str([p.get("blocks") for p in posts])
    assert "Initech" in text and "Shift Lead" in text and "Keep it" in text


def test_slack_never_sends_the_token_to_a_host_that_is_not_slack(service):
    async def scenario():
        async with slack_bot(service) as (fake, _, client):
            shared = {
                **fake.share("invite.ics", b"x"),
                "url_private_download": "http://127.0.0.2:9/steal.ics",
            }
            assert await client.event({**dm_event("here"), "subtype": "file_share", "files": [shared]}) == 200
            await slack_settled(fake, 0)
            return fake

    assert asyncio.run(scenario()).downloads == []


def test_slack_add_to_calendar_arrives_as_a_file_in_the_dm(service):
    service.clock.now = NOW

    async def scenario():
        async with slack_bot(service) as (fake, _, client):
            assert await client.dm("I have an interview at Initech on monday 5pm") == 200
            await wait_for(lambda: fake.of("files.completeUploadExternal"))
            return fake

    fake = asyncio.run(scenario())
    [content] = fake.uploads.values()
    [event] = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert event.decoded("DTSTART") == _utc(2026, 12, 14, 16)


def test_discord_an_ics_attached_to_a_dm_is_read(service):
    service.clock.now = NOW

    async def scenario():
        async with discord_bot(service) as (fake, _):
            await fake.dm("", files={"invite.ics": _file("google.ics").encode()})
            return await discord_settled(fake, 0)

    posts = asyncio.run(scenario())
    assert "Northside Primary" in discord_text(posts) and "Priya Shah and Tom Baker" in discord_text(posts)


def test_console_saves_the_calendar_file_and_shows_where(service, tmp_path):
    from adapters.console import ConsoleAdapter

    service.clock.now = NOW
    out = io.StringIO()
    adapter = ConsoleAdapter(
        service=service,
        user_name="maya",
        export_dir=tmp_path,
        stdin=io.StringIO("I have an interview at Initech on monday 5pm\n"),
        stdout=out,
        pretty=False,
    )
    asyncio.run(adapter.start())
    [saved] = tmp_path.glob("*/interview-initech-2026-12-14.ics")
    assert f"Saved to {saved}" in out.getvalue()
    [event] = icalendar.Calendar.from_ical(saved.read_text()).walk("VEVENT")
    assert event.decoded("DTSTART") == _utc(2026, 12, 14, 16)


def test_console_reads_an_invitation_from_its_path_and_a_whole_ics_pasted(service, tmp_path):
    from adapters.console import ConsoleAdapter

    service.clock.now = NOW
    invite = tmp_path / "Interview invite.ics"
    invite.write_text(_file("outlook.ics"))
    pasted = _file("google.ics").replace("DESCRIPTION:", "DESCRIPTION:" + "Directions and parking. " * 200)
    assert len(pasted) > 4000  # longer than any message may be: still read as the invitation it is
    out = io.StringIO()
    adapter = ConsoleAdapter(
        service=service,
        user_name="maya",
        stdin=io.StringIO(f"'{invite}'\nnot now\n"),
        stdout=out,
        pretty=False,
    )
    asyncio.run(adapter.start())
    assert "An invitation for an interview at Mercy General (Staff Nurse)" in out.getvalue()
    chat = Chat(service)
    chat.say(pasted)
    assert "An invitation for an interview at Northside Primary (Year 3 Teacher)" in chat.last
