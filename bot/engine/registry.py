"""Every command, button verb, closing and nudge wording the content or a button can name, with its handler.

Explicit tables, filled by a decorator where each handler is defined: a reader finds a handler with one
search, a name registered twice fails at import, and the package checks at import that the content names
no command or closing without a handler (bot.flow.check_names).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from bot.commands import Command
from bot.engine.turn import Turn
from bot.model import NudgeFamily

CommandHandler = Callable[[Turn, Command], None]
VerbHandler = Callable[..., None]  # (turn, *the button's arguments as strings)
ClosingHandler = Callable[[Turn], None]
NudgeHandler = Callable[[Turn, str], None]  # (turn, the nudge's kind)

# A typed command ("help", "snooze 3h") -> its handler.
COMMANDS: dict[str, CommandHandler] = {}
# What a button about one interview ("iv:<id>:<verb>:<args>") does: reminders' buttons, hand-overs.
VERBS: dict[str, VerbHandler] = {}
# How a section that ends the conversation for now closes (`closing = "..."` in the content).
CLOSINGS: dict[str, ClosingHandler] = {}
# What a nudge of each family says (bot.nudges.family: "thank", "checkin", ...).
NUDGES: dict[str, NudgeHandler] = {}

H = TypeVar("H", bound=Callable[..., None])


def _register(table: dict[str, H], name: str) -> Callable[[H], H]:
    def add(handler: H) -> H:
        if name in table:
            raise ValueError(f"{name!r} has two handlers: {table[name].__name__} and {handler.__name__}")
        table[name] = handler
        return handler

    return add


def command(name: str) -> Callable[[CommandHandler], CommandHandler]:
    return _register(COMMANDS, name)


def verb(name: str) -> Callable[[VerbHandler], VerbHandler]:
    return _register(VERBS, name)


def closing(name: str) -> Callable[[ClosingHandler], ClosingHandler]:
    return _register(CLOSINGS, name)


def nudge(family: NudgeFamily) -> Callable[[NudgeHandler], NudgeHandler]:
    return _register(NUDGES, family)


def check_complete() -> None:
    """Fail at import when a nudge family has no wording (a reminder that could never be sent)."""
    missing = [str(f) for f in NudgeFamily if f not in NUDGES]
    if missing:
        raise ValueError(f"no wording for nudges of family {', '.join(missing)}")
