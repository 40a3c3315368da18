"""The pure conversation engine: (snapshot, input, now) -> Outcome. No I/O, no clock, no randomness.

State is plain JSON-able data so it can be stored with the turn and resumed after any restart:
- the conversation (on the user): which interview is active and any pending mode (edit, cancel);
- the interview: its answers, and a cursor with the pending position and the history for `back`.

`step` (dispatch.py) builds a `Turn` (turn.py) and hands it to the handler the input calls for; handlers
are plain functions of the turn, registered by name in registry.py by the modules below.
"""

from __future__ import annotations

# Each of these modules registers its commands, button verbs, closings and nudge wordings on import.
from bot.engine import (  # noqa: F401
    conversation,
    days_after,
    home,
    invitations,
    news,
    nudge_words,
    registry,
    reminders,
    resuming,
    snoozing,
    your_data,
)
from bot.engine.dispatch import step
from bot.engine.kinds import KINDS
from bot.engine.nudge_words import fallback_nudge
from bot.engine.registry import CLOSINGS, COMMANDS
from bot.engine.turn import new_conversation
from bot.flow import check_names, load_flow
from bot.model import QuestionId

__all__ = ["fallback_nudge", "new_conversation", "step"]

registry.check_complete()
check_names(load_flow(), commands=COMMANDS, closings=CLOSINGS, question_ids=QuestionId, kinds=KINDS)
