"""Button actions: the one place that builds them and reads them back.

An action is the string a button carries; a click sends it back verbatim (Slack's value, Discord's
custom id, the console's numbered option). Four shapes:

- ``cmd:<name>[:<number>]``  a command, as if typed: ``cmd:resume:2``
- ``cmd:<asked>-<answer>``   the answer to an "are you sure?": ``cmd:forget-yes``
- ``ans:<token>:<index>``    an option of the pending question; the token names that question, so a
  click on a button of an earlier one is recognised as old. Two indexes are no option: ``form``
  asks for the box to type a longer answer in (see `Form`), ``text`` sends what was typed there
- ``iv:<interview id>:<verb>[:<arg>…]``  about one interview whatever is active (a reminder's
  buttons): ``iv:3f2a…:snooze:thank_you_1:2h``
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

# Every action, for adapters that route clicks by a pattern (Discord's persistent custom ids).
PATTERN = r"(?:ans|cmd|iv):.+"
_PATTERN = re.compile(PATTERN)


OPEN_FORM = "form"
FORM_TEXT = "text"


def command(name: str, number: int | None = None) -> str:
    return f"cmd:{name}" if number is None else f"cmd:{name}:{number}"


def confirm(asked: str, answer: str) -> str:
    return f"cmd:{asked}-{answer}"


def answer(token: str, index: int | str) -> str:
    return f"ans:{token}:{index}"


def about(interview_id: str, verb: str, *args: object) -> str:
    return ":".join(("iv", interview_id, verb, *(str(a) for a in args)))


@dataclass(frozen=True)
class Action:
    """An action read back. `kind` says which fields mean something."""

    kind: Literal["command", "confirm", "answer", "interview", "unknown"]
    name: str = ""  # command: its name; confirm: what was asked
    number: int | None = None  # command: "resume 2"
    reply: str = ""  # confirm: the answer given ("yes", "keep")
    token: str = ""  # answer: the question it answers
    index: str = ""  # answer: the option's index, or "done"
    interview_id: str = ""  # interview
    verb: str = ""  # interview: what to do ("snooze")
    args: tuple[str, ...] = ()  # interview: the verb's arguments


def parse(action: str | None) -> Action:
    """What a clicked action means; anything not made by this module is `unknown`."""
    if not action or not _PATTERN.fullmatch(action):
        return Action("unknown")
    kind, _, rest = action.partition(":")
    if kind == "iv":
        interview_id, _, tail = rest.partition(":")
        verb, *args = tail.split(":")
        if not interview_id or not verb:
            return Action("unknown")
        return Action("interview", interview_id=interview_id, verb=verb, args=tuple(args))
    if kind == "ans":
        token, _, index = rest.rpartition(":")
        return Action("answer", token=token, index=index)
    name, _, number = rest.partition(":")
    asked, dash, reply = name.partition("-")
    if dash:
        return Action("confirm", name=asked, reply=reply)
    return Action("command", name=name, number=int(number) if number.isdecimal() else None)


def opens_form(action: str | None) -> bool:
    """A click that asks for the box to type a longer answer in: adapters open it themselves."""
    parsed = parse(action)
    return parsed.kind == "answer" and parsed.index == OPEN_FORM


def subject_of(action: str | None) -> str | None:
    """The interview an ``iv:`` action is about (the service loads it before the turn)."""
    parsed = parse(action)
    return parsed.interview_id if parsed.kind == "interview" else None
