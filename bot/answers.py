"""What reading an answer gives (a value, or the problem with it), and the readings several kinds share.

Pure functions: each kind of answer (bot.engine.kinds) reads its own; the engine decides what to do with
a Problem (say it and ask again).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.flow import Option
from bot.inputs import loose

# An email address as people paste it, with or without <mailto:…>; group 1 is the address.
EMAIL = re.compile(r"<?(?:mailto:)?([\w.+'-]+@[\w-]+(?:\.[\w-]+)+)>?")
_TITLE_SEPARATOR = re.compile(r",|\(|\s[-–—]\s|\|")


@dataclass(frozen=True)
class Parsed:
    value: Any
    option: Option | None = None
    detail: str | None = None  # what followed the answer ("not really, I wore a full suit")


@dataclass(frozen=True)
class Problem:
    """Why an answer cannot be taken: a message key of the content, with its values."""

    key: str
    values: dict[str, str] = field(default_factory=dict)


def short(text: str, limit: int) -> str:
    """`text` on one line, at most `limit` characters: a long one summed up by its first sentence,
    or cut after a whole word, with an ellipsis; a word is cut only when it alone is that long."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    room = text[: limit - 1]
    sentence = max(room.rfind(". "), room.rfind("! "), room.rfind("? "))
    if sentence >= limit * 0.4:
        return room[: sentence + 1] + " …"
    space = room.rfind(" ")
    if space >= limit * 0.5 or (space > 0 and text[limit - 1] != " "):
        room = room[:space]
    return room.rstrip(" ,;:-–—") + "…"


def person(text: str) -> dict[str, str | None]:
    """A name and an optional email from "Dana Lee dana@acme.com" or "Tom O'Brien, head of data".

    A title after a comma, a parenthesis or a dash is left out: letters need only the name.
    """
    match = EMAIL.search(text)
    email = match.group(1) if match else None
    rest = EMAIL.sub(" ", text) if match else text
    name = " ".join(_TITLE_SEPARATOR.split(rest, maxsplit=1)[0].split()).strip(" -:;<>\"'")
    if not name and email:
        name = name_from_address(email.split("@")[0])
    return {"name": name or "your interviewer", "email": email}


def name_from_address(local: str) -> str:
    """ "dana.lee" (an email address before its @) -> "Dana Lee"."""
    return " ".join(part.capitalize() for part in re.split(r"[._-]+", local) if part)


def match_option(options: list[Option], text: str) -> Option | None:
    """The option `text` names: by its number in the list, its label, its value or an alias."""
    word = loose(text)
    if word.isdecimal() and 1 <= int(word) <= len(options):
        return options[int(word) - 1]
    for option in options:
        if word in (loose(option.label), loose(option.value)) or word in option.aliases:
            return option
    return None
