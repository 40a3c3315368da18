"""Cleaning what people type: odd unicode, control characters, sizes, and loose word matching."""

from __future__ import annotations

import re
import unicodedata

MAX_MESSAGE_CHARS = 4000

# Bidi embeddings, overrides and isolates can reorder text shown back to the person; plain
# right-to-left letters are kept as they are.
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_ANSI = re.compile(r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u3000]+")
_EDGE_PUNCT = ".,!?;:'\"“”‘’()[]*_~` "


def clean_text(raw: str) -> str:
    """NFC-normalised text without control characters, with runs of spaces folded and ends trimmed."""
    text = _ANSI.sub("", unicodedata.normalize("NFC", raw)).translate(_BIDI_CONTROLS)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def loose(text: str) -> str:
    """A form for comparing words: case-folded, straight apostrophes, no edge punctuation.

    >>> loose("  Done!! ")
    'done'
    """
    text = text.casefold().replace("’", "'").replace("‘", "'")
    text = _SPACES.sub(" ", text.replace("\n", " ")).strip(_EDGE_PUNCT)
    return text
