"""Which option a person means, the way people refer to one: "2", "the second one", "last one", "the staffing
one", "emial", "email i think". Pure; the words it knows (ordinals, hedges, filler) come from the content.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.flow import Option
from bot.inputs import loose

TYPO_SCORE = 80  # rapidfuzz ratio from which a word reads as a typo of another ("emial" ~ "email": 80)
MAX_REFERENCE_WORDS = 4  # more meaningful words than this is an answer in its own words, not a reference
_NUMBERED = re.compile(r"^(?:#|no\.? ?|number |option )?(\d{1,2})(?:st|nd|rd|th)?$")
_WORD = re.compile(r"[\w']+")


@dataclass(frozen=True)
class Ambiguous:
    """Two options fit equally well: ask which, naming both."""

    first: Option
    second: Option


def choose(
    options: Sequence[Option], text: str, words: Mapping[str, tuple[str, ...]]
) -> Option | Ambiguous | None:
    """The option `text` refers to, `Ambiguous` when two fit equally, or None when it names none."""
    said = loose(text)
    exact = _exactly(options, said)
    if exact is not None:
        return exact
    core = _without_hedges(said, words)
    if not core:
        return None
    exact = _exactly(options, " ".join(core)) or _by_position(options, core, words)
    if exact is not None:
        return exact
    return _by_keywords(options, core, words)


def _exactly(options: Sequence[Option], said: str) -> Option | None:
    numbered = _NUMBERED.match(said)
    if numbered and 1 <= int(numbered.group(1)) <= len(options):
        return options[int(numbered.group(1)) - 1]
    for option in options:
        if said in (loose(option.label), loose(option.value)) or said in option.aliases:
            return option
    return None


def _without_hedges(said: str, words: Mapping[str, tuple[str, ...]]) -> list[str]:
    """The words that carry meaning: hedges ("i think", "probably") and filler ("the ... one") taken out."""
    for hedge in sorted(words.get("hedges", ()), key=len, reverse=True):
        said = re.sub(rf"(?<![\w']){re.escape(hedge)}(?![\w'])", " ", said)
    filler = set(words.get("filler", ()))
    return [w for w in _WORD.findall(said) if w not in filler]


def _by_position(
    options: Sequence[Option], core: list[str], words: Mapping[str, tuple[str, ...]]
) -> Option | None:
    if len(core) != 1 or not options:
        return None
    ordinals = words.get("ordinals", ())
    if core[0] in words.get("last", ()):
        return options[-1]
    if core[0] in ordinals and ordinals.index(core[0]) < len(options):
        return options[ordinals.index(core[0])]
    return None


def _by_keywords(
    options: Sequence[Option], core: list[str], words: Mapping[str, tuple[str, ...]]
) -> Option | Ambiguous | None:
    """The option whose label shares the most of the meaningful words, typos allowed; all of them for a
    one- or two-word reference, at least half of a longer one."""
    if len(core) > MAX_REFERENCE_WORDS:
        return None
    filler = set(words.get("filler", ()))
    scored = []
    for option in options:
        names = [option.label, option.value, *option.aliases]
        vocabulary = {w for name in names for w in _WORD.findall(loose(name)) if w not in filler}
        hits = sum(1 for w in core if any(_same_word(w, v) for v in vocabulary))
        scored.append((hits, option))
    needed = len(core) if len(core) <= 2 else (len(core) + 1) // 2
    best = max((hits for hits, _ in scored), default=0)
    if best < needed:
        return None
    winners = [option for hits, option in scored if hits == best]
    return winners[0] if len(winners) == 1 else Ambiguous(winners[0], winners[1])


def _same_word(said: str, known: str) -> bool:
    if said == known:
        return True
    if len(said) >= 3 and known.startswith(said):  # a word cut short ("tel", "staff")
        return True
    if min(len(said), len(known)) < 4:  # short words differ in one letter too easily ("post", "most")
        return False
    return said.startswith(known) or fuzz.ratio(said, known) >= TYPO_SCORE
