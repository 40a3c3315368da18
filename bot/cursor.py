"""Where an interview stands, read from its cursor: pure functions over plain data."""

from __future__ import annotations

from bot.flow import TOTAL_STEPS, Flow, load_flow
from bot.model import Interview, InterviewStatus


def step_of(interview: Interview, flow: Flow | None = None) -> int:
    """Which of the six steps an interview has reached (for `list` and `status`)."""
    flow = flow or load_flow()
    pos = interview.cursor.get("pos")
    if pos is None:
        return 3 if interview.status == InterviewStatus.DONE else 1
    return flow.section_of[pos["q"]].step


def progress_bar(step_number: int) -> str:
    return "▰" * step_number + "▱" * (TOTAL_STEPS - step_number)
