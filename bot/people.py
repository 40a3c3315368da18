"""People the way a person names them: "Dr. Priya Natarajan and Tom O'Brien", "dana@acme.com, Sam",
"Tom O'Brien, head of data", "just me and the hiring manager". Pure; the words for roles come from the
content, names are split into title, first and last by nameparser.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from bot.answers import EMAIL, person
from bot.inputs import loose

if TYPE_CHECKING:
    from nameparser import HumanName


@cache
def _human_name() -> type[HumanName]:
    """nameparser's HumanName, imported the first time a name is read (not at every start)."""
    from nameparser import HumanName

    return HumanName


def load() -> None:
    """Import the name reader ahead of the first name typed; run in the background at start-up."""
    _human_name()


Person = dict[str, str | None]  # {"name", "email"} and, when told, {"role"}; stored as plain JSON

# Between two people: a comma, a semicolon, "&", "+", "and", "plus", a new line.
_BETWEEN = re.compile(r"\s*([,;&+\n]|\band\b|\bplus\b)\s*", re.IGNORECASE)
_WORD = re.compile(r"[\w']+")


@dataclass(frozen=True)
class NameParts:
    title: str  # "Dr.", "Ms.", "Principal"; empty when none was given
    first: str
    last: str


def name_parts(name: str) -> NameParts:
    """ "Dr. Priya Natarajan" -> Dr. / Priya / Natarajan, for letters that address a person by convention."""
    parsed = _human_name()(name)
    return NameParts(parsed.title, parsed.first, parsed.last)


def people(text: str, words: Mapping[str, tuple[str, ...]]) -> list[Person]:
    """Everyone `text` names, in order, each email with its own person; a role after a name is that
    person's ("Tom, head of data"); a role alone is a nameless person the letter can address."""
    found: list[Person] = []
    # Emails are kept whole while splitting: "dana+jobs@acme.com" is one person.
    emails = [m[0] for m in EMAIL.finditer(text)]
    held = EMAIL.sub(lambda m: f"\x00{emails.index(m[0])}\x00", text.strip())
    pieces = _BETWEEN.split(held)  # part, separator, part, …
    for at in range(0, len(pieces), 2):
        part = re.sub("\x00(\\d+)\x00", lambda m: emails[int(m[1])], pieces[at])
        said = loose(EMAIL.sub(" ", part))
        has_email = EMAIL.search(part) is not None
        if not has_email and (not said or said in words.get("me", ())):
            continue  # "just me and …": the person themselves
        if not has_email and _is_role(said, words):
            role = " ".join(w for w in _WORD.findall(said) if w not in words.get("articles", ()))
            # "Tom, head of data" is Tom's role; "Tom and the principal" are two people.
            after_comma = at > 0 and pieces[at - 1].strip() == ","
            if after_comma and _named_last(found):
                found[-1]["role"] = role
            else:
                found.append({"name": None, "email": None, "role": role})
            continue
        one = dict(person(part))
        if one.get("name"):
            one["name"] = capitalised(one["name"] or "")
        found.append(one)
    return found


def capitalised(name: str) -> str:
    """A name typed all in lowercase on a phone, as it is written: "dr. priya natarajan" ->
    "Dr. Priya Natarajan", "tom o'brien" -> "Tom O'Brien"; a name with capitals is left as typed."""
    if name != name.lower() or not any(ch.isalpha() for ch in name):
        return name
    parsed = _human_name()(name)
    parsed.capitalize(force=True)
    return str(parsed) or name


def _named_last(found: list[Person]) -> bool:
    return bool(found) and bool(found[-1].get("name")) and not found[-1].get("role")


def _is_role(said: str, words: Mapping[str, tuple[str, ...]]) -> bool:
    """ "the hiring manager", "head of paediatrics", "someone from hr": role words before any "of" or
    "from", at least one of them a role's head word ("manager", "head"); what follows "of" is free."""
    before = _WORD.findall(re.split(r"\b(?:of|from|at|in)\b", said, maxsplit=1)[0])
    vocabulary = (
        set(words.get("roles", ())) | set(words.get("role_words", ())) | set(words.get("articles", ()))
    )
    return (
        bool(before)
        and all(w in vocabulary for w in before)
        and any(w in words.get("roles", ()) for w in before)
    )
