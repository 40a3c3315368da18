"""Taking an answer: reading it, storing it, and moving the cursor on (closing a section when it ends)."""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping
from typing import Any

from bot import actions, answers, dates
from bot.answers import short
from bot.engine import registry
from bot.engine.asking import ask, options_for, retry, section_intro, show_raw, stale
from bot.engine.cursor import (
    after,
    find_pos,
    first_pos,
    interviewer_names,
    opened_branch,
    pending_question,
    relevant_answers,
    section_start,
)
from bot.engine.kinds import kind_of, parse_answer
from bot.engine.turn import Turn
from bot.engine.your_data import remember_thread, thread_now
from bot.flow import Option, Question
from bot.inputs import MAX_MESSAGE_CHARS, loose
from bot.insights import MIN_INTERVIEWS
from bot.letters import debrief_summary
from bot.messages import Button
from bot.model import Fact, Input, Interview, Position, QuestionId
from bot.nudges import DONE, IN_PROGRESS

HISTORY_LIMIT = 200
MAX_LISTENED = 2  # feelings reflected back per interview: listening, not a reflex


def start_new(t: Turn, company: str | None = None) -> None:
    """Open a new debrief; a company already named ("I had an interview at ACME") is taken."""
    if not t.conv.get("welcomed"):
        t.say(t.msg("first_welcome"))
        t.conv["welcomed"] = True
    t.iv = Interview(id=t.new_id, status=IN_PROGRESS, created_at=t.now)
    t.answers, t.cursor, t.status = {}, {"pos": None, "history": []}, IN_PROGRESS
    t.conv["active"] = t.subject.id
    t.set_pos(first_pos(t))
    if company is None:
        ask(t, intro=True)
        return
    t.say(t.flow.section_of[t.at["q"]].intro)
    t.say(t.msg("company_noted", company=company))
    store(t, company)
    advance(t)


def store(t: Turn, value: Any) -> None:
    q, _ = pending_question(t)
    if q.kind == "list":
        items = list(t.answers.get(q.id) or [])
        item = t.item
        # Several people in one message fill one item each, as many as the list still takes.
        told = (value if isinstance(value, list) else [value])[: max(1, q.max_items - item)]
        for at, one in enumerate(told, start=item):
            while len(items) <= at:
                items.append({})
            # A person answer brings its own keys ({"name", "email"}); others fill the field.
            fields = one if isinstance(one, dict) else {t.field: one}
            items[at] = {**items[at], **fields}
        t.answers[q.id] = items
        if len(told) > 1:
            t.set_pos({**t.at, "item": item + len(told) - 1})
            t.cursor["added"] = len(told)
        else:
            t.cursor.pop("added", None)
    elif q.per_interviewer or q.id == QuestionId.LETTER_EDIT:
        t.answers[q.id] = {**(t.answers.get(q.id) or {}), str(t.item): value}
    else:
        t.answers[q.id] = value
        if q.profile and value:
            t.profile()[q.id] = value


def advance(t: Turn, *, end_list: bool = False, goto: str | None = None) -> None:
    """Move to the next position, saying the section intro or summary when a section ends."""
    old = t.at
    history = t.cursor.setdefault("history", [])
    history.append(old)
    del history[:-HISTORY_LIMIT]
    q = t.flow.question(old["q"])
    nxt: Position | None
    if goto:
        nxt = find_pos(t, goto)
    elif q.kind == "list" and not end_list:
        fields = [f.id for f in q.fields]
        at = fields.index(t.field)
        if at + 1 < len(fields):
            nxt = {**old, "field": fields[at + 1]}
        elif t.item + 1 >= q.max_items:
            t.say(t.msg("list_full", limit=q.max_items))
            nxt = after(t, q)
        else:
            nxt = {**old, "item": t.item + 1, "field": fields[0]}
    elif q.per_interviewer and t.item + 1 < len(interviewer_names(t)):
        nxt = {**old, "item": t.item + 1}
    elif q.next:
        nxt = find_pos(t, q.next)
    else:
        nxt = after(t, q)
    if nxt is not None and nxt["q"] != q.id and t.cursor.get("return_to") and not opened_branch(t, nxt):
        nxt = t.cursor.pop("return_to", None)  # an edit is complete: back to where they were
        t.say(t.msg("edit_done"))
        t.set_pos(nxt)
        ask(t, intro=False)
        return
    old_section = t.flow.section_of[q.id]
    if old_section.summary_after and (nxt is None or t.flow.section_of[nxt["q"]] is not old_section):
        several = len(t.snap.interviews) >= MIN_INTERVIEWS
        if several and t.need("everything"):
            return  # the turn runs again with every interview loaded, for the common thread
        t.say(debrief_summary(relevant_answers(t), title=t.msg("summary_title")))
        if several:
            say_thread(t)
    t.set_pos(nxt)
    if nxt is None:
        _keep_detail(t)
        finish(t, old_section.closing or "break")
    else:
        ask_next(t, intro=t.flow.section_of[nxt["q"]] is not old_section)


def say_thread(t: Turn) -> None:
    """After the card: the common thread this interview shares with earlier ones, and its next step."""
    thread = thread_now(t)
    remember_thread(t, thread)
    shared = next((f for f in thread.themes if any(e.interview_id == t.subject.id for e in f.evidence)), None)
    button = (Button(t.label("see_insights"), actions.command("insights")),)
    if shared is None:
        t.say(t.msg("insights_offer"), button)
    else:
        t.say(t.msg("thread_here", name=shared.name, count=shared.interviews, step=shared.step), button)


def answer_option_index(t: Turn, index: str) -> None:
    q, fq = pending_question(t)
    if index == "done" and q.kind == "list" and fq is q.fields[0]:
        end_list(t, q)
        return
    option = dict(options_for(t, fq)).get(index)
    if option is None:
        stale(t)
    elif kind_of(fq).stores_option:
        take_value(t, fq, option.value, option)
    else:  # a suggestion on a scale, date or text question reads like the same words typed
        answer_text(t, option.value)


def answer_text(t: Turn, text: str) -> None:
    q, fq = pending_question(t)
    word = loose(text)
    if t.at["q"] == t.flow.order[0] and word in t.flow.words["greetings"]:
        retry(t, "greeting_again")  # "hi" twice is a greeting, not a company called Hi
        return
    if q.kind == "list" and (
        (fq is q.fields[0] and ends_list(word, t.flow.words)) or word in t.flow.words["finished"]
    ):
        end_list(t, q)  # "done" later in an item also ends the list; the item keeps what it has
        return
    if q.kind == "list" and fq is q.fields[0] and word in t.flow.words["yes"]:
        retry(t, "list_yes")  # "Did they ask any follow-up questions?" "yes": not a question they asked
        return
    limit = fq.max_length or (q.max_length if q.kind != "list" else None) or MAX_MESSAGE_CHARS
    if len(text) > limit:
        retry(t, "field_too_long", limit=f"{limit:,}", length=f"{len(text):,}")
        return
    options = [o for _, o in options_for(t, fq)]
    if fq.per_interviewer and (same := answers.match_option(options, text)) and same.value == "same":
        text = (t.answers.get(fq.id) or {}).get(str(t.item - 1)) or text
    order = t.conv.get("date_order")
    result = parse_answer(fq, text, options=options, words=t.flow.words, now=t.now, tz=t.tz, order=order)
    if isinstance(result, answers.Problem):
        retry(t, result.key, **result.values)
    else:
        say_reading(t, fq, text, result)
        take_value(t, fq, result.value, result.option, result.detail)


def say_reading(t: Turn, fq: Question, text: str, result: answers.Parsed) -> None:
    """Say back a reading that is a guess, so a misreading shows at once and `back` can fix it: an
    option read from other words ("emial i think"), a short date that reads two ways ("4/12")."""
    both_ways = dates.reads_both_ways(text) if fq.kind in ("date", "datetime") else None
    if both_ways and result.value is not None:
        order = t.conv.get("date_order") or dates.date_order(t.tz)
        t.say(t.msg("date_order_read", short=both_ways, order=t.label(f"date_order_{order}")))
        return
    option = result.option
    if option is None and fq.kind == "choice" and fq.other_allowed and isinstance(result.value, str):
        t.say(t.msg("noted_own_words", value=short(result.value, 120)))
        return
    if option is None or kind_of(fq).echoes or fq.kind == "letters":
        return
    said = loose(text)
    if said.isdecimal() or said in (loose(option.label), loose(option.value), *option.aliases):
        return  # its own name or number: nothing was guessed
    t.say(t.msg("noted_guess", value=option.label))


def ends_list(word: str, words: Mapping[str, tuple[str, ...]]) -> bool:
    """Whether an answer where a list's next item is asked ends the list: a phrase of `done`, or a
    mix of list-end words with one that ends ("nah thats everyone i think"); never stored as an item."""
    if word in words["done"]:
        return True
    said = re.findall(r"\w+", word.replace("'", ""))
    vocabulary = set(words["list_end_words"])
    return bool(said) and all(w in vocabulary for w in said) and any(w in words["list_enders"] for w in said)


def end_list(t: Turn, q: Question) -> None:
    if q.id not in t.answers:
        t.answers[q.id] = []
    advance(t, end_list=True)


def take_value(
    t: Turn, fq: Question, value: Any, option: Option | None = None, detail: str | None = None
) -> None:
    if fq.kind == "letters":
        answer_letters(t, value)
        return
    if kind_of(fq).echoes and value is not None:  # show how the words were read
        t.say(t.msg("noted", value=show_raw(t, fq, value)))
    store(t, value)
    if fq.listen and isinstance(value, str):
        listen(t, fq, value)
    t.detail = (fq.id, detail) if detail else None
    advance(t, goto=option.next if option else None)


def listen(t: Turn, fq: Question, said: str) -> None:
    """A few words that reflect a feeling just told ("gutted tbh"), chosen from the content and
    varied; nothing for a plain answer."""
    tone = tone_of(loose(said), t.flow.words["tone_low"], t.flow.words["tone_high"])
    said_before = t.cursor.get("listened", 0)
    if tone is None or said_before >= MAX_LISTENED:
        return
    replies = t.flow.lists[f"{fq.listen}_{tone}"]
    seed = zlib.crc32(str(t.answers.get(QuestionId.COMPANY)).encode())
    t.say(replies[(seed + said_before) % len(replies)])  # a different line each time
    t.cursor["listened"] = said_before + 1


def tone_of(plain: str, low: tuple[str, ...], high: tuple[str, ...]) -> str | None:
    """ "low", "high", "mixed" ("nervous at first but ok by the end") or None. A phrase inside a longer
    one heard counts only as the longer: "not bad" is high, never also "bad"."""
    heard = [
        (m.start(), m.end(), tone)
        for tone, words in (("low", low), ("high", high))
        for word in words
        for m in re.finditer(rf"\b{re.escape(word)}\b", plain)
    ]
    kept = {
        tone
        for start, end, tone in heard
        if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in heard)
    }
    return "mixed" if len(kept) > 1 else next(iter(kept), None)


def ask_next(t: Turn, *, intro: bool) -> None:
    """Ask the pending question, unless the last answer's detail answers it: "not really, I wore a
    full suit" answers "What was off?" too. A detail that answers nothing is kept beside its answer."""
    q, _ = pending_question(t)
    if t.detail is not None and q.ask_if and q.ask_if.get("answer") == t.detail[0] and q.kind == "text":
        words, t.detail = t.detail[1], None
        t.say(t.msg("noted_detail", question=q.label, value=short(words, 120)))
        answer_text(t, words)
        return
    _keep_detail(t)
    ask(t, intro=intro)


def _keep_detail(t: Turn) -> None:
    """A detail no question took is kept beside its answer (exported with it), never lost."""
    if t.detail is not None:
        source, words = t.detail
        t.answers.setdefault(Fact.DETAILS, {})[source] = words
        t.detail = None


def answer_letters(t: Turn, value: str) -> None:
    if value.startswith("edit:"):
        advance_to(t, {"q": QuestionId.LETTER_EDIT, "item": int(value.split(":")[1]), "field": None})
        return
    t.answers[QuestionId.LETTER_REVIEW] = value
    if value == "sent":
        t.answers[Fact.LETTER_SENT_AT] = t.now.isoformat()
        t.say(t.msg("letter_sent"))
    else:
        t.say(t.msg("letter_later"))
    advance(t)


def advance_to(t: Turn, pos: Position) -> None:
    history = t.cursor.setdefault("history", [])
    history.append(t.pos)
    t.set_pos(pos)
    ask(t, intro=False)


def open_section(t: Turn, section_id: str, given: Any = None) -> None:
    """Make this interview active again at the start of one of steps 4-6. `given` answers its first
    question when the news came with it ("they offered me 85k", "second round next Tue at 2")."""
    active = t.conv.get("active")
    if active and active != t.subject.id:
        t.say(t.msg("paused_previous"))
    t.conv["active"] = t.subject.id
    t.status = IN_PROGRESS
    t.cursor.pop("return_to", None)
    t.set_pos(section_start(t, section_id))
    if given is None:
        ask(t, intro=True)
        return
    q, _ = pending_question(t)
    if t.flow.section_of[q.id].intro:
        t.say(section_intro(t, t.flow.section_of[q.id]))
    if not kind_of(q).echoes:  # a kind that echoes says "Noted: …" itself
        t.say(t.msg("noted_detail", question=q.label, value=short(str(given), 120)))
    take_value(t, q, given)


def finish(t: Turn, closing: str) -> None:
    """A section is done: the debrief's break, or the end of one of steps 4-6."""
    t.status = DONE
    t.conv["active"] = None
    registry.CLOSINGS[closing](t)


def hand_over(t: Turn, interview_id: str, verb: str) -> None:
    t.follow_up = Input(kind="action", action=actions.about(interview_id, *verb.split(":")))
