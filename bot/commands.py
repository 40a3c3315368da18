"""Recognising the commands a person can type at any point ("help", "resume 2", "/status")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.flow import Flow
from bot.inputs import loose

# Commands that take a number: "resume 2", "edit 5", "cancel reminder 1".
_NUMBERED = {"resume", "edit", "drop"}
# Commands followed by words: "snooze 3h", "pause until Monday", "timezone Europe/Berlin",
# "interview ACME tomorrow 3-4pm". The engine falls back to an answer when the words make no sense.
_WITH_WORDS = ("snooze", "pause", "timezone", "date_order", "upcoming")
_WITH_NUMBER = re.compile(r"^(?P<word>.+?)\s*#?(?P<number>\d{1,3})$")


@dataclass(frozen=True)
class Command:
    name: str
    number: int | None = None
    words: str | None = None


@dataclass(frozen=True)
class UnknownCommand:
    word: str


def parse_command(text: str, flow: Flow) -> Command | UnknownCommand | None:
    """The command `text` is, an UnknownCommand for "/word" that is none, or None for an answer.

    Only a whole message is a command, so an answer that merely contains "help" stays an answer.
    """
    if text.strip() in ("?", "/", "/?", "!"):  # loose() would strip these to nothing
        return Command("help")
    slashed = text.lstrip()[:1] in ("/", "!")
    phrase = loose(text.lstrip().lstrip("/!"))
    if not phrase:
        return None
    for name, words in flow.commands.items():
        if phrase in words:
            return Command(name)
    match = _WITH_NUMBER.match(phrase)
    if match:
        for name in _NUMBERED:
            if match["word"] in flow.commands[name]:
                return Command(name, int(match["number"]))
    original = " ".join(text.lstrip().lstrip("/!").split())
    for name in _WITH_WORDS:
        for word in flow.commands[name]:
            if phrase.startswith(word + " "):
                return Command(name, words=original[len(word) + 1 :].strip())
    if slashed and " " not in phrase:
        return UnknownCommand(phrase)
    return None
