"""Calendars in and out (icalendar): an "Add to calendar" file for an interview or a deadline, and an
invitation (an .ics file, or the text Google Calendar, Outlook, Teams or Zoom put in an email) read
back as an interview to come.

Pure functions of their arguments: nothing here reads the clock or the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, cast
from zoneinfo import ZoneInfo

from bot import dates
from bot.answers import name_from_address
from bot.inputs import clean_text

if TYPE_CHECKING:  # icalendar loads with the first calendar read or written, not with the bot
    import icalendar

PRODID = "-//Debrief//Debrief//EN"
ICS_MAX_BYTES = 512_000  # an invitation with a long HTML description is tens of kilobytes
# Mail and calendar providers: their domain says nothing about the employer.
SHARED_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "google.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "office365.com",
        "microsoft.com",
        "yahoo.com",
        "ymail.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.com",
        "zoho.com",
        "fastmail.com",
        "hey.com",
        "zoom.us",
        "calendly.com",
        "greenhouse.io",
        "lever.co",
        "workday.com",
        "myworkday.com",
        "smartrecruiters.com",
        "teams.microsoft.com",
        "nhs.net",
    }
)
# Second-level labels under a country code: "acme.co.uk" is Acme, not Co.
_SECOND_LEVEL = frozenset(["co", "com", "org", "net", "ac", "gov", "nhs", "edu", "ltd", "plc"])
# Addresses that are a mailbox, not a person who will interview.
_NOT_A_PERSON = re.compile(
    r"^(?:no-?reply|do-?not-?reply|recruit(?:ing|ment|er)?s?|careers?|jobs?|talent|hr|people|hiring|"
    r"calendar|notifications?|interviews?|scheduling|info)\b",
    re.IGNORECASE,
)
_TITLE_COMPANY = re.compile(
    r"\b(?:interview|call|chat|meeting|conversation|screen(?:ing)?)\s+(?:at|with)\s+(?P<company>[^,:|()\n]{2,80}?)"
    r"(?=\s+(?:for|about|re|-|–|—)\s|\s*[,:|()\n–—-]|\s*$)",
    re.IGNORECASE,
)
_TITLE_SEPARATORS = re.compile(r"\s+[-–—|:]\s+|\s*[|:]\s*")
_JOINED_PARTS = re.compile(r"\s+[-–—|]\s+|\s*\|\s*")
_HEADED = re.compile(r"^[^:]*\b(?:interview|screen|call|chat|meeting|assessment)[^:]*:", re.IGNORECASE)
_INTERVIEW_WORDS = re.compile(
    r"\b(?:(?:first|second|final|1st|2nd|3rd|phone|video|onsite|on-site|panel|technical|hr|"
    r"teams|zoom)\s+)*(?:interview|screen(?:ing)?|call|chat|meeting|invitation|invite|"
    r"assessment(?:\s+(?:day|centre|center))?)s?\b",
    re.IGNORECASE,
)
_CANCELLED_PREFIX = re.compile(r"^\s*(?:cancell?ed|canceled)\s*:\s*", re.IGNORECASE)
_ROLE_AFTER_FOR = re.compile(
    r"\bfor\s+(?:the\s+|a\s+|an\s+)?(?P<role>[^,:|()\n]{2,60}?)(?:\s+(?:role|position|post))?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CalendarEntry:
    """One event to add to a calendar: a moment (an interview) or a whole day (a deadline)."""

    uid: str
    summary: str
    start: datetime | date
    end: datetime | date | None = None
    description: str = ""
    alarm_before: timedelta = timedelta(hours=1)
    alarm_text: str = ""


def calendar_file(entry: CalendarEntry, *, stamp: datetime) -> str:
    """The entry as an .ics file any calendar imports: times in UTC (right wherever it is opened),
    a whole day as a date, a display alarm `alarm_before` the start."""
    import icalendar

    if isinstance(entry.start, datetime):
        start: datetime | date = entry.start.astimezone(UTC)
        end: datetime | date = (
            entry.end.astimezone(UTC)
            if isinstance(entry.end, datetime)
            else entry.start.astimezone(UTC) + timedelta(hours=1)
        )
    else:
        start = entry.start
        end = (
            entry.end
            if isinstance(entry.end, date) and not isinstance(entry.end, datetime)
            else start + timedelta(days=1)
        )
    event = icalendar.Event.new(
        uid=entry.uid,
        summary=entry.summary,
        start=start,
        end=end,
        stamp=stamp.astimezone(UTC),
        description=entry.description or None,
    )
    alarm = icalendar.Alarm.new(description=entry.alarm_text or entry.summary)
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -entry.alarm_before)
    event.add_component(alarm)
    calendar = icalendar.Calendar.new(
        prodid=PRODID, method="PUBLISH", uid=f"{entry.uid}-calendar", subcomponents=[event]
    )
    return calendar.to_ical().decode("utf-8")


@dataclass(frozen=True)
class Invitation:
    """An interview to come, as an invitation told it. `company` is None when nothing named it."""

    title: str
    company: str | None
    start: datetime
    end: datetime | None
    all_day: bool = False
    role: str | None = None
    people: tuple[tuple[str, str], ...] = ()  # (name, email) of who will be there for the employer
    cancelled: bool = False
    recurring: bool = False  # a series (a weekly meeting): no interview


def looks_like_calendar(text: str) -> bool:
    return "BEGIN:VCALENDAR" in text[:2000].upper()


def read_calendar(text: str, *, tz: ZoneInfo, me: str | None = None) -> Invitation | None:
    """The one-off event of an .ics invitation (a recurring series is no interview), or None.

    Times with a VTIMEZONE or in UTC are kept as they are; a floating time is read in `tz`; an
    all-day event starts at 9:00 in `tz`. `me` (the person's name) is left out of the people.
    """
    try:
        return _read_calendar(text, tz=tz, me=me)
    except Exception:
        return None


def _read_calendar(text: str, *, tz: ZoneInfo, me: str | None) -> Invitation | None:
    import icalendar

    calendar = icalendar.Calendar.from_ical(text)
    method = str(calendar.get("METHOD", "")).upper()
    events = calendar.walk("VEVENT")
    one_off = [e for e in events if "RRULE" not in e and "RDATE" not in e]
    if not one_off:
        if not events:
            return None
        title = clean_text(str(events[0].get("SUMMARY", "")))[:200]
        return Invitation(title, None, datetime.min.replace(tzinfo=UTC), None, recurring=True)
    event = one_off[0]
    raw_start = event.decoded("DTSTART", None)
    if not isinstance(raw_start, date):  # missing, or a value icalendar could not read
        return None
    all_day = not isinstance(raw_start, datetime)
    start = _moment(raw_start, tz)
    raw_end = event.decoded("DTEND", None)
    end = _moment(raw_end, tz) if isinstance(raw_end, datetime) and not all_day else None
    duration = event.decoded("DURATION", None) if "DURATION" in event else None
    if end is None and isinstance(duration, timedelta) and not all_day:
        end = start + duration
    title = _CANCELLED_PREFIX.sub("", clean_text(str(event.get("SUMMARY", ""))))[:200]
    organizer = _address(event.get("ORGANIZER"))
    people = _people(cast("icalendar.Event", event), organizer, me)
    cancelled = method == "CANCEL" or str(event.get("STATUS", "")).upper() == "CANCELLED"
    company = company_from(title, organizer)
    return Invitation(
        title=title,
        company=company,
        role=role_from(title, company),
        start=start,
        end=end if end is not None and end > start else None,
        all_day=all_day,
        people=people,
        cancelled=cancelled,
    )


def _moment(value: date | datetime, tz: ZoneInfo) -> datetime:
    if not isinstance(value, datetime):
        return datetime.combine(value, time(9, 0), tzinfo=tz).astimezone(UTC)
    if value.tzinfo is None:  # floating: the time wherever the person is
        return value.replace(tzinfo=tz).astimezone(UTC)
    return value.astimezone(UTC)


def _address(value: object) -> str:
    """A CAL-ADDRESS ("mailto:Dana.Lee@acme.com") as a lower-case email, or ""."""
    text = str(value or "").strip()
    return text.split(":", 1)[1].strip().casefold() if text.casefold().startswith("mailto:") else ""


def _people(event: icalendar.Event, organizer: str, me: str | None) -> tuple[tuple[str, str], ...]:
    """The employer's people: attendees (and an organizer who is a person) on the employer's domain,
    the organizer's when it is one, else any that is no mail provider's (a candidate invited by
    a scheduling tool comes with a personal address); rooms, mailboxes and the person left out."""
    attendees = event.get("ATTENDEE") or []
    if not isinstance(attendees, list):
        attendees = [attendees]
    domain = organizer.rpartition("@")[2]
    if not domain or domain in SHARED_DOMAINS:
        domain = ""
    addresses = [_address(a) for a in attendees]
    at_work = not domain and any(a and a.rpartition("@")[2] not in SHARED_DOMAINS for a in addresses)
    seen: dict[str, str] = {}  # email -> name
    for who in [event.get("ORGANIZER"), *attendees]:
        if who is None:
            continue
        params = getattr(who, "params", {})
        if str(params.get("CUTYPE", "INDIVIDUAL")).upper() not in ("INDIVIDUAL", ""):
            continue  # a room or a resource
        email = _address(who)
        name = clean_text(str(params.get("CN", ""))).strip("'\" ")
        if "@" in name:
            name = ""
        local, _, their_domain = email.partition("@")
        if not email or _NOT_A_PERSON.match(local):
            continue
        if (domain and their_domain != domain) or (at_work and their_domain in SHARED_DOMAINS):
            continue
        name = name or _name_from(local)
        if me and _same_name(name, me):
            continue
        seen.setdefault(email, name)
    return tuple((name, email) for email, name in seen.items())[:10]


def _name_from(local: str) -> str:
    """ "dana.lee" -> "Dana Lee"; "" when the address is no name ("dl42")."""
    return name_from_address(local) if re.fullmatch(r"[A-Za-z]+(?:[._-]+[A-Za-z]+)*", local) else ""


def _same_name(one: str, other: str) -> bool:
    """The same name, in any order and case ("Rivera Maya"); "Omar" is not "Omar Haddad"."""
    return bool(one.split()) and sorted(one.casefold().split()) == sorted(other.casefold().split())


def company_from(title: str, organizer: str = "") -> str | None:
    """The employer: named in the title ("Interview with ACME", "ACME – Designer interview"), else the
    organizer's domain when it is not a mail provider's ("talent@mercy-general.org": Mercy General)."""
    named = _TITLE_COMPANY.search(title)
    if named:
        return named["company"].strip(" .-–—")
    domain = organizer.rpartition("@")[2]
    if domain and domain not in SHARED_DOMAINS:
        labels = domain.split(".")
        while len(labels) > 2 and labels[-2] in _SECOND_LEVEL:
            labels = labels[:-1]
        name = labels[-2] if len(labels) >= 2 else labels[0]
        return " ".join(part.capitalize() for part in re.split(r"[-_]+", name) if part) or None
    # "ACME – Designer interview": the part that is not about the interview. (After a colon comes
    # the subject, most often the role: "Interview: Year 3 Teacher".)
    parts = [
        p
        for p in _JOINED_PARTS.split(title.partition(":")[2] if _HEADED.match(title) else title)
        if p.strip()
    ]
    # Only "<employer> - <…interview>": after "Interview - " most often comes the role.
    if len(parts) >= 2 and not _INTERVIEW_WORDS.search(parts[0]):
        leftover = [p.strip() for p in parts if not _INTERVIEW_WORDS.search(p)]
        if len(leftover) == 1:
            return leftover[0][:80]
    return None


def role_from(title: str, company: str | None) -> str | None:
    """The role an invitation's title names, if plainly: "… for Shift Lead", "Interview: Year 3
    Teacher", "Staff Nurse interview - Ward 7" (the first part left once the interview words go)."""
    after_for = _ROLE_AFTER_FOR.search(title)
    if after_for:
        return after_for["role"].strip(" .-–—")
    rest = title
    if company:
        rest = re.sub(rf"\b(?:at|with)?\s*{re.escape(company)}\b", " ", rest, flags=re.IGNORECASE)
    rest = _INTERVIEW_WORDS.sub(" ", rest)
    parts = [" ".join(p.split()) for p in _TITLE_SEPARATORS.split(rest)]
    first = next((p.strip(" .-–—") for p in parts if p.strip(" .-–—")), "")
    return (
        first
        if first and len(first.split()) <= 5 and not re.fullmatch(r"(?:at|with|for)", first, re.I)
        else None
    )


# ---------------------------------------------------------------------------- pasted invitations

_WHEN_LINE = re.compile(
    r"^\s*(?:when|time|date|date and time)\s*:\s*(?P<when>.+)$", re.IGNORECASE | re.MULTILINE
)
_GOOGLE_LINE = re.compile(r"^(?P<when>[^\n·]*\d[^\n·]*·[^\n]*\d[^\n]*)$", re.MULTILINE)
_ZONE_LINE = re.compile(r"^\s*time\s*zone\s*:\s*(?P<zone>[\w/+-]+)", re.IGNORECASE | re.MULTILINE)
_TITLE_LINE = re.compile(
    r"^\s*(?:subject|topic|title|event)\s*:\s*(?P<title>.+)$", re.IGNORECASE | re.MULTILINE
)
_ORGANIZER_LINE = re.compile(r"^\s*(?:organi[sz]er|from)\s*:\s*(?P<who>.+)$", re.IGNORECASE | re.MULTILINE)
_UTC_OFFSET = re.compile(r"\(\s*(?:UTC|GMT)\s*(?P<sign>[+-])(?P<hours>\d{1,2}):?(?P<minutes>\d{2})?\s*\)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A meeting's own marks: its link, or the words its calendar puts in every invitation.
_MEETING_SIGNS = re.compile(
    r"teams\.microsoft\.com/|zoom\.us/j/|meet\.google\.com/|webex\.com/|microsoft teams meeting|"
    r"join zoom meeting|google meet joining info|invitation from google calendar",
    re.IGNORECASE,
)
# A date line must name a day (a month, a weekday, or digits like 11/12) and a clock time.
_DAY_NAMED = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d|\d\s+(?:jan|feb|mar|apr|may|jun|"
    r"jul|aug|sep|oct|nov|dec)|\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b|\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b",
    re.IGNORECASE,
)
_CLOCK = re.compile(r"\b\d{1,2}(?::\d{2})?\s*(?:am|pm)\b|\b\d{1,2}:\d{2}\b", re.IGNORECASE)
# Zone names calendars print instead of an IANA name ("Eastern Time (US and Canada)").
_ZONE_NAMES = {
    "eastern time": "America/New_York",
    "central time": "America/Chicago",
    "mountain time": "America/Denver",
    "pacific time": "America/Los_Angeles",
    "alaska": "America/Anchorage",
    "hawaii": "Pacific/Honolulu",
}


def _date_line(text: str) -> re.Match[str] | None:
    """The line that says when: Outlook's "When:", Zoom's "Time:", or Google's "Friday … · 2:00 – 3:00pm"."""
    for pattern in (_WHEN_LINE, _GOOGLE_LINE):
        for match in pattern.finditer(text):
            if _DAY_NAMED.search(match["when"]) and _CLOCK.search(match["when"]):
                return match
    return None


def looks_like_invitation(text: str) -> bool:
    """Text pasted from a calendar invitation: several lines, a line with a day and a time, and a
    meeting's own marks (its link, its calendar's words) or a subject line. Notes that mention a
    time and Teams are no invitation."""
    if looks_like_calendar(text):
        return True
    lines = [line for line in text.splitlines() if line.strip()]
    return (
        len(lines) >= 2
        and _date_line(text) is not None
        and (_MEETING_SIGNS.search(text) is not None or _TITLE_LINE.search(text) is not None)
    )


def read_pasted(text: str, *, now: datetime, tz: ZoneInfo) -> Invitation | None:
    """The interview an invitation's text describes, in the zone it names (Google's "Time zone:"
    line; Outlook's cities after its UTC offset, which is the winter one all year; Zoom's zone
    name), else the person's. None without a day and time still to come."""
    match = _date_line(text)
    if match is None:
        return None
    when = match["when"]
    zone = _zone_named(text, when) or tz
    offset = _UTC_OFFSET.search(when)
    if offset is not None:
        when = when[: offset.start()]
    span = _span(_strip_zone_names(when), now=now, tz=zone)
    if span is None:
        return None
    start, end = span
    titled = _TITLE_LINE.search(text)
    title = clean_text(titled["title"] if titled else _first_line(text, match.start()))[:200]
    organizer_line = _ORGANIZER_LINE.search(text)
    organizer = ""
    if organizer_line and (email := _EMAIL.search(organizer_line["who"])):
        organizer = email.group(0).casefold()
    company = company_from(title, organizer)
    return Invitation(title=title, company=company, role=role_from(title, company), start=start, end=end)


def _zone_named(text: str, when: str) -> ZoneInfo | tzinfo | None:
    """The zone an invitation names: "Time zone: Europe/London", a zone's name or a city after the
    time, or else Outlook's bare UTC offset."""
    if (line := _ZONE_LINE.search(text)) and (found := dates.find_zone(line["zone"])):
        return ZoneInfo(found)
    lowered = when.casefold()
    for name, zone in _ZONE_NAMES.items():
        if name in lowered:
            return ZoneInfo(zone)
    offset = _UTC_OFFSET.search(when)
    after = when[offset.end() if offset else 0 :]
    for city in re.split(r"[,;/()]|\band\b", after):
        if len(city.strip()) > 2 and (found := dates.find_zone(city.strip(" ."))):
            return ZoneInfo(found)
    if offset is not None:
        minutes = int(offset["hours"]) * 60 + int(offset["minutes"] or 0)
        return timezone(timedelta(minutes=minutes if offset["sign"] == "+" else -minutes))
    return None


def _span(when: str, *, now: datetime, tz: tzinfo) -> tuple[datetime, datetime | None] | None:
    words = when.replace("·", " ").replace("–", "-").replace("—", "-")
    words = re.sub(r"\s*-\s*", "-", words).strip(" ,.")
    if isinstance(tz, ZoneInfo):
        return dates.parse_span(words, now=now, tz=tz)
    # A fixed offset: read the wall-clock time as if in UTC, then move it by the offset.
    shift = tz.utcoffset(None) or timedelta(0)
    span = dates.parse_span(words, now=now + shift, tz=ZoneInfo("UTC"))
    if span is None:
        return None
    start, end = span
    return start - shift, (end - shift if end is not None else None)


def _strip_zone_names(when: str) -> str:
    """ "Dec 11, 2026 02:00 PM Amsterdam, Berlin, Rome" -> the date and time alone."""
    cut = re.search(r"(?<=[ap]m)\s+[A-Z][a-z]+(?:[ ,/()]|$)", when, re.IGNORECASE)
    return when[: cut.start()] if cut else when


def _first_line(text: str, before: int) -> str:
    """The title Google puts first, above the date line."""
    lines = [line.strip() for line in text[:before].splitlines() if line.strip()]
    return lines[0] if lines else ""


def invitation_from(text: str, *, now: datetime, tz: ZoneInfo, me: str | None = None) -> Invitation | None:
    """An .ics file's or a pasted invitation's interview, whichever `text` is."""
    if looks_like_calendar(text):
        return read_calendar(text, tz=tz, me=me)
    return read_pasted(text, now=now, tz=tz)


def show_span(start: datetime, end: datetime | None, tz: ZoneInfo, *, all_day: bool = False) -> str:
    """ "Fri 11 Dec, 14:00-15:00" in the person's zone; a whole day: "Fri 11 Dec (all day)"."""
    local = start.astimezone(tz)
    if all_day:
        return f"{dates.show_day(local.date())} (all day)"
    shown = dates.show_moment(start, tz)
    if end is not None and end.astimezone(tz).date() == local.date():
        shown += f"–{end.astimezone(tz):%H:%M}"
    return shown


def is_calendar_file(name: str, content_type: str | None) -> bool:
    """An .ics file, by its name or its type (what Slack and Discord say of a file shared)."""
    return name.casefold().endswith(".ics") or (content_type or "").casefold().startswith("text/calendar")
