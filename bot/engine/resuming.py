"""Coming back to an interview: `resume`, a reminder's resume button, and an interview announced beforehand.

A command that acts on another interview than the active one hands over to a button action
("iv:<id>:<verb>") as a follow-up, so the service loads that interview first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import actions, dates
from bot.commands import Command
from bot.engine import registry
from bot.engine.answering import answer_text, open_section
from bot.engine.asking import ask, idle_buttons, retry, show_letters
from bot.engine.cursor import find_pos, first_pos, next_in_order
from bot.engine.snoozing import MAX_AHEAD, MORNING
from bot.engine.turn import Turn
from bot.model import Fact, Input, Interview, InterviewSummary, QuestionId
from bot.nudges import CANCELLED, DONE, IN_PROGRESS, UPCOMING
from bot.voice import capitalised


@registry.command("resume")
def cmd_resume(t: Turn, command: Command) -> None:
    number = command.number
    target = resume_target(t, number)
    if target is None:
        return
    if t.iv is None or target.id != t.subject.id:
        if t.iv is not None and t.status == IN_PROGRESS and target.status == DONE:
            t.conv["back_to"] = t.subject.id  # only a look at a finished one: come back after
        t.conv["active"] = target.id
        t.follow_up = Input(kind="action", action=actions.command("resume"))
        return
    resume_here(t)


def resume_here(t: Turn) -> None:
    """Continue the loaded interview: where it stopped, at its unsent letter, or show it."""
    if t.status == IN_PROGRESS and t.pos is not None:
        t.say(t.msg("resumed", company=t.subject.company))
        ask(t, intro=False)
    elif t.status == UPCOMING:
        do_start(t)
    elif t.answers.get(Fact.FEEDBACK_REQUESTED) and QuestionId.FEEDBACK_RECEIVED not in t.answers:
        open_section(t, "feedback")  # "say resume and tell me what they said"
    elif t.answers.get(QuestionId.LETTER_REVIEW) == "later" or t.status == CANCELLED:
        t.status = IN_PROGRESS
        t.set_pos(t.pos or find_pos(t, QuestionId.LETTER_REVIEW))
        t.say(t.msg("resumed", company=t.subject.company))
        ask(t, intro=False)
    else:
        t.say(t.msg("resume_finished", company=t.subject.company))
        if QuestionId.LETTER_REVIEW in t.answers:  # the letter is what people come back for
            show_letters(t, t.msg("letter_again", company=t.subject.company))
        t.conv["active"] = t.conv.pop("back_to", None)
        if t.conv["active"]:
            t.follow_up = Input(kind="action", action=actions.command("resume"))
        else:
            t.say(t.msg("idle"), idle_buttons(t))


def resume_target(t: Turn, number: int | None) -> InterviewSummary | None:
    """The interview `resume [number]` means, or None after saying why there is none."""
    items = t.snap.interviews
    if number is not None:
        if not 1 <= number <= len(items):
            retry(t, "resume_unknown", number=number)
            return None
        return items[number - 1]
    if t.iv is not None:
        return next((i for i in items if i.id == t.subject.id), None) or InterviewSummary(
            t.subject.id, None, None, t.status or IN_PROGRESS, 1, t.subject.created_at
        )
    paused = [i for i in items if i.status == IN_PROGRESS]
    if paused:
        return paused[-1]
    unsent = [i for i in items if i.status == DONE and i.letter_status == "later"]
    if unsent:  # "say resume when it's out": back to the letter
        return unsent[-1]
    t.say(t.msg("nothing_active"), idle_buttons(t))
    return None


@registry.verb("resume")
def do_resume(t: Turn) -> None:
    if t.conv.get("active") != t.subject.id:
        t.conv["active"] = t.subject.id
    resume_here(t)


def words_or_answer(t: Turn, command: Command, problem: str) -> None:
    """Words after a command that make no sense: an answer, if a question is waiting for one."""
    if t.iv is not None and t.pos is not None:
        answer_text(t, t.text)
    else:
        t.say(t.msg(problem))


@registry.command("upcoming")
def cmd_upcoming(t: Turn, command: Command) -> None:
    announced = read_announcement(f"interview {command.words or ''}", now=t.now, tz=t.tz)
    if announced is None:
        words_or_answer(t, command, "upcoming_how")
        return
    note_upcoming(t, announced)


@dataclass(frozen=True)
class Announced:
    """An interview still to come, as a message named it."""

    company: str
    start: datetime
    end: datetime | None


def read_announcement(text: str, *, now: datetime, tz: ZoneInfo) -> Announced | None:
    """The interview to come that `text` announces, in any word order ("interview tomorrow with ACME",
    "I've got an interview at Mercy General tomorrow at 9:30", "second round at Initech next Tue 2-3pm"),
    or None when it names no company, no time, or a time already past."""
    said = " ".join(text.split())
    lead = _ANNOUNCES.search(said)
    if lead is None:
        return None
    rest = (said[: lead.start()] + " " + said[lead.end() :]).strip(" ,.!")
    named = _WITH_COMPANY.search(rest)
    if named is not None:
        company = named["company"].strip(" ,.!")
        when = (rest[: named.start()] + " " + rest[named.end() :]).strip(" ,.!")
    else:
        company, when = _split_company(rest)
    span = dates.parse_span(when, now=now, tz=tz) if company and when else None
    if span is None:
        return None
    start, end = span
    if not any(ch.isdigit() for ch in when) and not dates.names_a_time(when):
        start = datetime.combine(start.astimezone(tz).date(), MORNING, tzinfo=tz)  # a day: its morning
    return Announced(company[:200], start, end)


def note_upcoming(t: Turn, announced: Announced) -> None:
    """Keep an interview to come: a prep note before it, and its debrief offered after it."""
    start, end, company = announced.start, announced.end, announced.company
    if start > t.now + MAX_AHEAD:
        retry(t, "upcoming_too_far", when=dates.show_moment(start, t.tz, year=True))
        return
    t.iv = Interview(id=t.new_id, status=UPCOMING, created_at=t.now)
    t.answers = {QuestionId.COMPANY: company, Fact.UPCOMING_START: start.isoformat()}
    if end is not None:
        t.answers[Fact.UPCOMING_END] = end.isoformat()
    t.cursor, t.status = {"pos": None, "history": []}, UPCOMING
    t.say(t.msg("upcoming_set", company=capitalised(company), when=dates.show_moment(start, t.tz)))


@registry.verb("start")
def do_start(t: Turn) -> None:
    """The debrief of an interview announced beforehand: it took place, let's go."""
    if t.status != UPCOMING:  # started already (the button clicked twice)
        t.conv["active"] = t.subject.id
        resume_here(t)
        return
    t.status = "in_progress"
    t.answers[QuestionId.INTERVIEW_AT] = t.answers.get(Fact.UPCOMING_END) or t.answers[Fact.UPCOMING_START]
    t.conv["active"] = t.subject.id
    pos = first_pos(t)
    while pos is not None and pos["q"] in t.answers:  # what was told beforehand is not asked again
        pos = next_in_order(t, t.flow.order.index(pos["q"]))
    t.set_pos(pos)
    t.say(t.flow.section_of[QuestionId.COMPANY].intro)
    ask(t)


_WHEN_STARTS = re.compile(
    r"\b(?:today|tonight|tomorrow|yesterday|on|at|next|this|in|(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?|"
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b|\d",
    re.IGNORECASE,
)


def _split_company(words: str) -> tuple[str, str]:
    """Split "at ACME Corp tomorrow 3-4pm" into "ACME Corp" and "tomorrow 3-4pm", at the first day or time."""
    words = re.sub(r"^(?:at|with|for)\s+", "", words.strip(), flags=re.IGNORECASE)
    stop = _WHEN_STARTS.search(words)
    if stop is None:
        return "", ""
    return " ".join(words[: stop.start()].split())[:200], words[stop.start() :]


# "I have an interview", "I've got a second round", "interview", "my final interview": the announcement.
_ANNOUNCES = re.compile(
    r"(?:\b(?:i(?:'ve| have)?|ive|i am|i'm|im)\s+)?(?:\b(?:got|have|having)\s+)?"
    r"(?:\b(?:an?|my|the|another)\s+)?"
    r"(?:\b(?:second|2nd|third|3rd|final|next|follow[- ]?up|first)\s+)?\b(?:interview|round)\b",
    re.IGNORECASE,
)
# "with ACME", "at Mercy General": the company, up to the first word of the time.
_WITH_COMPANY = re.compile(
    r"(?:\b(?:with|at)\s+|\bw/\s*)(?!\d)(?P<company>.+?)"
    r"(?=\s+(?:on|at|tomorrow|today|tonight|next|this|in|from"
    r"|(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?)\b"
    r"|\s*[,!?]|\.\s*$|\.\s+(?=(?-i:[A-Z]))|\s+\d|$)",  # "St. Mary's" goes on; ". Tomorrow" ends it
    re.IGNORECASE,
)
