"""Which themes a note is about ("what would u do if u were 2 RNs short on nights" is short
staffing), by the words of a small vocabulary in the content file: word endings aside ("staffed",
"staffing"), small typos allowed. Pure; bot.insights uses it to find the common thread."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import fuzz

from bot.flow import ThemeWords

TYPO = 88  # rapidfuzz ratio from which a long word is a typo of a theme word ("staffng")
_SUFFIXES = ("ings", "ing", "ies", "ied", "ed", "es", "s", "ly")


def stem(word: str) -> str:
    """A word without its ending, so "staffed", "staffing" and "staff" meet; "ratios" is "ratio"."""
    word = word.casefold().replace("'", "").replace("’", "")
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)] + ("y" if suffix in ("ies", "ied") else "")
            break
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


def stems(text: str) -> list[str]:
    return [stem(w) for w in re.findall(r"[\w'’-]+", text.replace("-", " "))]


@lru_cache(maxsize=256)
def _phrase(words: str) -> tuple[str, ...]:
    return tuple(stems(words))


def themes_of(text: str, vocabulary: Iterable[ThemeWords]) -> list[str]:
    """The ids of the themes `text` is about, in the vocabulary's order."""
    typed = [w.casefold() for w in re.findall(r"[\w'’-]+", text.replace("-", " "))]
    said = [stem(w) for w in typed]
    found = []
    for theme in vocabulary:
        if any(_has(said, typed, _phrase(words), words.casefold()) for words in theme.words):
            found.append(theme.id)
    return found


def _has(said: list[str], typed: list[str], phrase: tuple[str, ...], word: str) -> bool:
    """Whether the stems `said` hold the phrase; a long single word also matches a typo of itself."""
    if not phrase:
        return False
    if len(phrase) == 1:
        return phrase[0] in said or (len(word) >= 6 and any(fuzz.ratio(w, word) >= TYPO for w in typed))
    width = len(phrase)
    return any(tuple(said[at : at + width]) == phrase for at in range(len(said) - width + 1))
