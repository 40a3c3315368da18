"""News told in a message: what happened ("they went with someone else", "Lakeside offered me
$50/hr!"), the figure it brings, and which of a person's interviews it names. Pure functions; the
phrases live in the content file's [words] (news_*, company_generic, not_a_company)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from bot.inputs import loose
from bot.money import pay_in

# Checked in this order: the first kind with a phrase in the message wins ("I said no to them" is
# declining before "said no" is a rejection; "offered me a second interview" is an invitation).
ORDER = ("not_yet", "declined", "accepted", "revised", "rejected", "invited", "offer", "second")
AS_NEWS = {"invited": "second"}  # phrase lists that tell the same news as another
NEEDS_PAY = {"revised"}  # "they came back with 92k" is a revised offer; "came back with questions" isn't

# Words that end a company's name in a sentence ("from Initech yesterday", "at ACME and they said").
_NAME_ENDS = re.compile(
    r"(?:today|tomorrow|yesterday|tonight|this|next|last|on|in|for|and|but|with|so|just|earlier|"
    r"called|said|says|offered|emailed|rang|phoned|(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?)",
    re.IGNORECASE,
)
NAME_MATCH = 85  # rapidfuzz ratio for one word of a company's name ("lakesid" names Lakeside)


@dataclass(frozen=True)
class Told:
    """What a message says happened: a News value, or "accepted", "declined", "revised"."""

    news: str
    pay: str | None = None  # the figure as typed: "$50/hr", "85k"
    second_at: str | None = None  # a second round's moment, when told with it (ISO)


def _plain(text: str) -> str:
    return loose(text).replace("'", "")


@lru_cache(maxsize=64)
def _pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    words = sorted({_plain(p) for p in phrases if _plain(p)}, key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
    return re.compile(rf"\b(?:{alternatives})\b")


def read_news(text: str, words: Mapping[str, tuple[str, ...]]) -> Told | None:
    """The news a message tells, or None when it tells none."""
    plain = _plain(text)
    pay = pay_in(text)
    for kind in ORDER:
        phrases = words.get(f"news_{kind}", ())
        if not phrases or (kind in NEEDS_PAY and pay is None):
            continue
        if _pattern(tuple(phrases)).search(plain):
            news = AS_NEWS.get(kind, kind)
            return Told(news, pay if news in ("offer", "accepted", "declined", "revised") else None)
    return None


def _tokens(text: str) -> list[str]:
    return re.findall(r"[\w&-]+", _plain(text))


def mention(company: str, text: str, generic: Iterable[str]) -> float:
    """How clearly `text` names `company`: 100 for its whole name, a little less for one
    distinctive word of it, typos allowed ("lakesid"); 0 when it doesn't."""
    name = _plain(company)
    if not name:
        return 0.0
    plain = _plain(text)
    if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", plain):
        return 100.0
    common = set(generic)
    distinctive = [w for w in _tokens(company) if w not in common and len(w) >= 3 and not w.isdigit()]
    said = [w.removesuffix("s") if w.endswith("s") and len(w) > 4 else w for w in _tokens(text)]
    best = 0.0
    for word in distinctive:
        for other in said:
            score = fuzz.ratio(word, other)
            if score >= NAME_MATCH:
                best = max(best, score * 0.9)
    return best


# Where a news message names a company: after "from"/"at"/"accepted", or before what they did.
_AFTER = re.compile(
    r"\b(?:from|at|accepted|declined|joining|join)\s+([^\s,!?;:()]+(?:\s+[^\s,!?;:()]+){0,2})", re.IGNORECASE
)
_BEFORE = re.compile(
    r"^\W*((?:[^\s,!?;:()]+\s+){1,4}?)(?:just\s+)?(?:called|emailed|rang|phoned|texted|wrote|said|says|"
    r"offered|went|came|rejected|invited|made|gave|turned|got\s+back|passed|decided|chose|picked|hired)\b",
    re.IGNORECASE,
)


def named_company(text: str, words: Mapping[str, tuple[str, ...]]) -> str | None:
    """The company a news message names ("an offer from Initech!", "Lakeside called back…",
    "I accepted Riverside"), if any: up to three words, not a pronoun ("from them", "they said no")
    nor only words common to company names ("the hospital called")."""
    stop = {_plain(w) for w in words.get("not_a_company", ())}
    generic = {_plain(w) for w in words.get("company_generic", ())}
    for pattern, leading in ((_AFTER, False), (_BEFORE, True)):
        found = pattern.search(text)
        if found is None:
            continue
        name = _name_words(found.group(1).split(), stop, skip_leading=leading)
        if name and any(_plain(w) not in generic for w in name.split()):
            return name
    return None


def _name_words(words: list[str], stop: set[str], *, skip_leading: bool) -> str | None:
    kept: list[str] = []
    for word in words:
        ended = word.endswith(".") and not re.fullmatch(r"(?:st|dr|mt)\.", word, re.IGNORECASE)
        word = word.rstrip(".") if ended else word
        if _plain(word) in stop or _NAME_ENDS.fullmatch(word) or pay_in(word) or word[0].isdigit():
            if skip_leading and not kept:
                continue  # "omg lakeside called": the name is what follows
            break
        kept.append(word)
        if ended:  # a full stop ends the sentence, and the name
            break
    return " ".join(kept) or None


def best_named(companies: Mapping[str, str], text: str, generic: Iterable[str]) -> list[str]:
    """The ids whose company `text` names most clearly (several when they tie), or none."""
    scores = {key: mention(name, text, generic) for key, name in companies.items()}
    top = max(scores.values(), default=0.0)
    return [key for key, score in scores.items() if score and score == top]
