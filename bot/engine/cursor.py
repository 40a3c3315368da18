"""Where a debrief stands: positions in the flow, which questions apply, what the pending one holds.

A position is {"q": question id, "item": list index or None, "field": list field id or None}.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.engine.kinds import KINDS
from bot.engine.turn import Turn
from bot.flow import TOTAL_STEPS, Flow, Question, load_flow
from bot.model import Interview, InterviewStatus, Position, QuestionId, QuietHours
from bot.nudges import planned


def editable_questions(t: Turn) -> list[Question]:
    return [
        t.flow.question(qid)
        for qid in t.flow.order
        if qid in t.answers and not t.flow.question(qid).hidden and KINDS[t.flow.question(qid).kind].editable
    ]


def first_pos(t: Turn) -> Position | None:
    return next_in_order(t, -1)


def first_field_pos(t: Turn, q: Question) -> Position:
    if q.kind == "list":
        return {"q": q.id, "item": 0, "field": q.fields[0].id}
    return {"q": q.id, "item": 0 if q.per_interviewer else None, "field": None}


def find_pos(t: Turn, question_id: str) -> Position:
    return first_field_pos(t, t.flow.question(question_id))


def next_in_order(t: Turn, index: int) -> Position | None:
    """The next question to ask after flow position `index`; None where the section closes."""
    section = t.flow.section_of[t.flow.order[index]] if index >= 0 else None
    for qid in t.flow.order[index + 1 :]:
        q = t.flow.question(qid)
        if section is not None and t.flow.section_of[qid] is not section and section.closing:
            return None
        if not q.hidden and applies(t, q) and not (q.profile and t.profile().get(q.id)):
            return first_field_pos(t, q)
    return None


def section_start(t: Turn, section_id: str) -> Position | None:
    """The first question of a section that applies (steps 4-6 are entered this way)."""
    for qid in t.flow.order:
        q = t.flow.question(qid)
        if t.flow.section_of[qid].id == section_id and not q.hidden and applies(t, q):
            return first_field_pos(t, q)
    return None


def interviewer_names(t: Turn) -> list[str]:
    """One name per interviewer item, in order (per-interviewer answers are indexed by it)."""
    people = t.answers.get(QuestionId.INTERVIEWERS)
    if not isinstance(people, list):
        return []
    return [_called(t, p) for p in people]


def _called(t: Turn, person: object) -> str:
    if not isinstance(person, dict):
        return t.label("your_interviewer")
    if person.get("name"):
        return str(person["name"])
    return t.label("role_person", role=person["role"]) if person.get("role") else t.label("your_interviewer")


def applies(t: Turn, q: Question) -> bool:
    if not q.ask_if:
        return True
    value = t.answers.get(q.ask_if["answer"])
    if "is" in q.ask_if:
        return value == q.ask_if["is"]
    return value is not None and value != q.ask_if.get("is_not")


def pending_question(t: Turn) -> tuple[Question, Question]:
    """The pending question and, inside a list, the field being asked (else the question)."""
    q = t.flow.question(t.at["q"])
    return q, (q.field(t.field) if q.kind == "list" else q)


def button_token(t: Turn) -> str:
    """Identifies the pending question on a button, so a click on an old one is recognised."""
    pos = t.pos
    if pos is None:
        return f"{t.iv.id[:8] if t.iv else ''}/None//"
    item = "" if pos["item"] is None else pos["item"]
    return f"{t.iv.id[:8] if t.iv else ''}/{pos['q']}/{item}/{pos['field'] or ''}"


def current_value(t: Turn) -> Any:
    q, _ = pending_question(t)
    if q.kind == "list":
        items = t.answers.get(q.id) or []
        item = t.item
        return items[item].get(t.field) if item < len(items) else None
    if q.id == QuestionId.LETTER_EDIT:
        return None
    if q.per_interviewer:
        return (t.answers.get(q.id) or {}).get(str(t.item))
    return t.answers.get(q.id)


def opened_branch(t: Turn, pos: Position) -> bool:
    """Whether an edit made a follow-up question apply that was never answered (dress: no)."""
    q = t.flow.question(pos["q"])
    return bool(q.ask_if) and q.id not in t.answers


def after(t: Turn, q: Question) -> Position | None:
    return next_in_order(t, t.flow.order.index(q.id))


def relevant_answers(t: Turn) -> dict[str, Any]:
    """Answers whose question still applies (an edit can make an earlier branch moot)."""
    return {k: v for k, v in t.answers.items() if k not in t.flow.by_id or applies(t, t.flow.question(k))}


def step_of(interview: Interview, flow: Flow | None = None) -> int:
    """Which of the six steps an interview has reached (for `list` and `status`)."""
    flow = flow or load_flow()
    pos = interview.cursor.get("pos")
    if pos is None:
        return 3 if interview.status == InterviewStatus.DONE else 1
    return flow.section_of[pos["q"]].step


def progress_bar(step_number: int) -> str:
    return "▰" * step_number + "▱" * (TOTAL_STEPS - step_number)


def nudge_plan(
    interview: Interview, *, tz: ZoneInfo, quiet: QuietHours, flow: Flow | None = None
) -> dict[str, datetime]:
    """Every nudge this interview wants now, by kind: the one place the policy (bot.nudges.planned) is
    asked, by the engine about its working copy and by the service about what it saved."""
    return planned(
        status=interview.status,
        answers=interview.answers,
        cursor=interview.cursor,
        created_at=interview.created_at,
        tz=tz,
        quiet=quiet,
        step=step_of(interview, flow),
    )
