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
    texts = [r.text for r in chat.replies]
    assert texts[-1].startswith("Do you know who you'll meet")  # the next question comes after the file


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


def test_an_invitation_as_a_first_message_is_welcomed_and_its_debrief_asks_only_the_rest(service):
    service.clock.now = NOW
    chat = Chat(service)
    chat.replies = service.handle(Incoming(user=chat.user, text="", calendar=_file("outlook.ics")))
    assert chat.replies[0].text.startswith("Hi! I'm **Debrief**")
    chat.click("Keep it")
    service.clock.now = datetime(2026, 12, 11, 9, 50, tzinfo=UTC)  # a quarter of an hour after it
    assert "How did it go at Mercy General?" in chat.deliver_nudges()
    chat.click("Start my debrief")
    assert "Did they say when you'd hear back?" in chat.last  # role, people and time came with it
    for line in ("skip", "email", "tell me about a time you advocated for a patient", "skip", "skip", "done"):
        chat.say(line)
        assert "Hi! I'm" not in chat.last  # the welcome was said once, at the start


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


# ------------------------------------------------------------------ what a first review found


def test_the_employer_question_takes_no_command_idk_or_number_for_a_name(service):
    service.clock.now = NOW
    nameless = ZOOM_TEXT.replace("Initech shift lead interview", "Shift lead interview")
    chat = Chat(service)
    chat.say(nameless)
    chat.say("1")
    assert "Just the organisation's name" in chat.last
    chat.say("cancel")
    assert "I haven't kept it" in chat.last and not _interviews(service, chat)
    chat.say(nameless)
    chat.say("idk")
    assert "Then I won't keep it for now" in chat.last
    chat.say(nameless)
    chat.say("help")
    assert "What I can do" in chat.last or "help" in chat.last.casefold()
    assert "An invitation for an interview at Help" not in chat.last and not _interviews(service, chat)


def test_notes_that_mention_a_time_and_teams_are_an_answer_not_an_invitation(service):
    chat = Chat(service)
    for line in (
        "hi",
        "ACME",
        "Designer",
        "done",
        "just now",
        "skip",
        "Email",
        "How would you settle a class?",
    ):
        chat.say(line)
    chat.say(
        "I said I would give them a quiet job first.\n"
        "Time: 5 mins with the head teacher on teams after\n"
        "meeting id stuff was confusing"
    )
    assert "How did the interviewer react" in chat.last  # taken as the answer it is
    assert "invitation" not in chat.last


def test_a_keep_button_of_an_older_invitation_changes_nothing(service):
    service.clock.now = NOW
    chat = Chat(service)
    chat.replies = service.handle(Incoming(user=chat.user, text="", calendar=_file("outlook.ics")))
    older = next(b.action for r in chat.replies for b in r.buttons if b.label == "Keep it")
    chat.replies = service.handle(Incoming(user=chat.user, text="", calendar=_file("google.ics")))
    chat.press(older)
    assert "belongs to an earlier invitation" in chat.last and not _interviews(service, chat)
    chat.replies = service.handle(Incoming(user=chat.user, text="", calendar=_file("google.ics")))
    chat.click("Keep it")
    assert [i.company for i in _interviews(service, chat)] == ["Northside Primary"]
    chat.replies = service.handle(Incoming(user=chat.user, text="", calendar=_file("google.ics")))
    assert "already on your list" in chat.last  # shared twice, kept once
    assert len(_interviews(service, chat)) == 1


@pytest.mark.parametrize(
    "broken",
    [
        "DTSTART:2026XX11T140000Z",
        "DTSTART:99991231T230000Z\nDURATION:PT1H",
        "DTSTART:20261211T140000Z\nDURATION:PXYZ",
        "DTSTART;VALUE=DATE:2026-13-45",
    ],
)
def test_a_malformed_invitation_gets_a_clear_word_not_a_crash(service, broken):
    service.clock.now = NOW
    text = f"BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:x\nSUMMARY:Interview with ACME\n{broken}\nEND:VEVENT\nEND:VCALENDAR\n"
    chat = Chat(service)
    chat.replies = service.handle(Incoming(user=chat.user, text="", calendar=text))
    assert "went wrong" not in chat.last
    assert (
        "couldn't find a date" in chat.last or "more than a year away" in chat.last or "Keep it" in chat.last
    )


def test_pasted_times_follow_the_zone_the_invitation_names_summer_and_winter():
    summer = OUTLOOK_TEXT.replace("Friday, December 11, 2026", "Thursday, June 10, 2027").replace(
        "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna",
        "(UTC+00:00) Dublin, Edinburgh, Lisbon, London",
    )
    invitation = read_pasted(summer, now=NOW, tz=BERLIN)
    assert invitation is not None and invitation.start == _utc(2027, 6, 10, 13)  # 14:00 BST, not GMT
    eastern = ZOOM_TEXT.replace(
        "05:00 PM Amsterdam, Berlin, Rome, Stockholm, Vienna", "02:00 PM Eastern Time (US and Canada)"
    )
    invitation = read_pasted(eastern, now=NOW, tz=BERLIN)
    assert invitation is not None and invitation.start == _utc(2026, 12, 14, 19)  # 14:00 in New York


def test_the_person_is_never_their_own_interviewer_and_a_first_name_drops_nobody():
    invitation = read_calendar(_file("utc.ics"), tz=BERLIN)  # no name known for the person
    assert invitation is not None and list(invitation.people) == [("Omar Haddad", "omar.haddad@initech.com")]
    as_omar = read_calendar(_file("utc.ics"), tz=BERLIN, me="Omar")
    assert as_omar is not None and ("Omar Haddad", "omar.haddad@initech.com") in as_omar.people


def test_console_forget_me_removes_calendar_files_too_and_reads_a_dragged_path(service, tmp_path):
    from adapters.console import ConsoleAdapter

    service.clock.now = NOW
    folder = tmp_path / "my invites"
    folder.mkdir()
    (folder / "Interview invite.ics").write_text(_file("outlook.ics"))
    dragged = str(folder / "Interview invite.ics").replace(" ", "\\ ")
    lines = [
        dragged,
        "keep it",
        f"{folder}/missing.ics",
        "I have an interview at Initech on monday 5pm",
        "forget me",
        "yes",
    ]
    out = io.StringIO()
    adapter = ConsoleAdapter(
        service=service, user_name="maya", export_dir=tmp_path / "ex",
        stdin=io.StringIO("".join(f"{line}\n" for line in lines)), stdout=out, pretty=False,
    )  # fmt: skip
    asyncio.run(adapter.start())
    shown = out.getvalue()
    assert "An invitation for an interview at Mercy General" in shown
    assert "I can't open missing.ics" in shown
    assert "Saved to" in shown and "interview-initech-2026-12-14.ics" in shown
    assert not list((tmp_path / "ex").rglob("*.ics"))  # forgotten: the calendar file too


def _kept(service, name: str) -> Chat:
    """A person who shared the invitation `name` on NOW and kept it."""
    service.clock.now = NOW
    chat = Chat(service)
    chat.replies = service.handle(Incoming(user=chat.user, text="", calendar=_file(name)))
    chat.click("Keep it")
    return chat


def test_an_updated_invitation_moves_the_interview_and_its_reminders(service):
    from storage import nudge_store

    chat = _kept(service, "outlook.ics")
    moved = (
        _file("outlook.ics")
        .replace("20261211T093000", "20261214T133000")
        .replace("20261211T103000", "20261214T143000")
    )
    chat.replies = service.handle(
        Incoming(user=chat.user, text="", calendar=moved.replace("SEQUENCE:0", "SEQUENCE:1"))
    )
    assert (
        "on your list for Fri 11 Dec, 09:30; this invitation says Mon 14 Dec, 13:30–14:30. Has it moved?"
        in chat.last
    )
    chat.click("Yes, move it")
    assert "Moved: Mercy General is now Mon 14 Dec, 13:30" in chat.last
    assert not any(r.attachment for r in chat.replies)  # the new time is in their calendar already
    [kept] = _interviews(service, chat)
    assert (kept.answers["upcoming_start"], kept.answers["upcoming_end"]) == (
        "2026-12-14T12:30:00+00:00",
        "2026-12-14T13:30:00+00:00",
    )
    with service.db.transaction() as session:
        person = repository.find_user(session, chat.user)
        due = [
            n.due_at
            for n in nudge_store.views_for(session, person.id, sent_since=NOW)
            if n.status == "pending"
        ]
    assert due and all(d > _utc(2026, 12, 13) for d in due)  # the prep and the debrief follow the new day


def test_an_invitation_from_the_same_employer_can_be_another_round(service):
    chat = _kept(service, "outlook.ics")
    later = (
        _file("outlook.ics")
        .replace("20261211T093000", "20261218T093000")
        .replace("20261211T103000", "20261218T103000")
    )
    chat.replies = service.handle(Incoming(user=chat.user, text="", calendar=later))
    chat.click("No, it's another one")
    assert "Noted: Mercy General, Fri 18 Dec, 09:30" in chat.last
    assert len(_interviews(service, chat)) == 2
