"""A person's notes put into the voice of a letter to the interviewer: phone shorthand written out
("u" -> "you"), the addressee in the second person ("her plan" -> "your plan"), a lowercase company
capitalised, a long answer summed up by its first clause. Pure string rules; the word lists (the
shorthand, the lead-ins to drop) live in the content file."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

_WORD = re.compile(r"[A-Za-z']+|[^A-Za-z']+")
# Words after "her" that show it is the object ("with her", "asked her about"), not "her plan".
_AFTER_OBJECT = {
    "about", "and", "at", "for", "from", "in", "on", "that", "to", "with", "if", "how", "what", "why",
    "when", "because", "so", "but", "or", "too", "again", "",
}  # fmt: skip
_SUBJECT_VERBS = {
    "is": "are", "was": "were", "has": "have", "does": "do", "isn't": "aren't", "wasn't": "weren't",
    "hasn't": "haven't", "doesn't": "don't",
}  # fmt: skip
_SMALL = {"of", "and", "the", "for", "at", "in", "on", "de", "la", "du", "von", "van"}


def written_out(text: str, shorthand: Mapping[str, str]) -> str:
    """Phone shorthand written out, word by word: "what would u do w/o 2 RNs b4 nights" -> "what would
    you do without 2 RNs before nights"; a lone "i" is "I"; "id done" is "I had done", not "I would"."""
    parts = []
    words = _words_of(text, tuple(k for k in shorthand if not re.fullmatch(r"[A-Za-z']+", k)))
    for at, part in enumerate(words):
        lower = part.casefold()
        if (
            part in (lower, lower.capitalize())  # "u", "U"; never "R&D" or "ID"
            and lower in shorthand
            and (lower not in _ALSO_WORDS or _starts_clause(words, at))
        ):
            full = shorthand[lower]
            if full == "I would" and _participle(next((w for w in words[at + 1 :] if w.strip()), "")):
                full = "I had"
            part = full[:1].upper() + full[1:] if part[:1].isupper() else full
        elif part == "i":
            part = "I"
        parts.append(part)
    return "".join(parts)


# Shorthand that is also a word ("bring my id", "she was ill"): written out only where a clause starts.
_ALSO_WORDS = {"id", "ill", "wont", "cant"}
_CLAUSE_STARTERS = {
    "and", "but", "then", "that", "think", "thought", "guess", "said", "say", "hope", "if", "when",
    "because", "cause", "bc", "maybe", "probably", "prob", "tbh", "honestly", "though", "tho", "where",
    "what", "how", "why", "which", "who", "or", "like", "now", "next", "time", "reckon", "know", "sure",
}  # fmt: skip


def _starts_clause(words: list[str], at: int) -> bool:
    """Whether the word at `at` opens a clause and is followed by another: "ill send it", "and id say"."""
    before = next((w for w in reversed(words[:at]) if w.strip()), "")
    after = next((w for w in words[at + 1 :] if w.strip()), "")
    opens = not before or not before[0].isalpha() or before.casefold() in _CLAUSE_STARTERS
    return opens and after[:1].isalpha()


_PARTICIPLES = {
    "done",
    "been",
    "gone",
    "seen",
    "had",
    "taken",
    "given",
    "made",
    "met",
    "run",
    "led",
    "taught",
    "known",
}


def _participle(word: str) -> bool:
    """ "done", "worked": what follows "I had", never "I would" ("id done nights" is "I'd done")."""
    lower = word.casefold()
    return lower in _PARTICIPLES or (len(lower) > 3 and lower.endswith("ed") and lower != "need")


@lru_cache(maxsize=8)
def _splitter(odd_keys: tuple[str, ...]) -> re.Pattern[str]:
    """Words, with the shorthand that holds a non-letter ("w/o", "b4") kept as one word."""
    odd = "|".join(re.escape(k) for k in sorted(odd_keys, key=len, reverse=True))
    return re.compile((rf"(?<![\w/])(?:{odd})(?![\w/])|" if odd else "") + r"[A-Za-z']+|[^A-Za-z']")


def _words_of(text: str, odd_keys: tuple[str, ...]) -> list[str]:
    return _splitter(odd_keys).findall(text)


def to_the_reader(text: str, names: tuple[str, ...] = ()) -> str:
    """Third person about the letter's reader becomes second person: "her plan to improve retention"
    -> "your plan to improve retention", "what she said about ratios" -> "what you said about ratios";
    and, given the reader's `names`, "sam's question about nights" -> "your question about nights"."""
    for name in sorted(filter(None, names), key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(name)}['’]s\b", "your", text, flags=re.IGNORECASE)
    words = _WORD.findall(text)
    out: list[str] = []
    for at, part in enumerate(words):
        lower = part.casefold()
        following = next((w.casefold() for w in words[at + 1 :] if w.strip()), "")
        if lower in ("his", "their", "hers", "theirs"):
            part = "yours" if lower in ("hers", "theirs") else "your"
        elif lower == "her":
            part = "you" if following in _AFTER_OBJECT or not following.isalpha() else "your"
        elif lower in ("him", "them"):
            part = "you"
        elif lower in ("he", "she", "they"):
            part = "you"
            if at + 2 < len(words):
                words[at + 2] = _verb_for_you(words[at + 2])
        elif lower in ("he's", "she's"):
            part = "you're"
        out.append(_like(part, words[at]))
    return "".join(out)


_TO_THE_PERSON = {
    "i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself", "i'm": "you're",
    "i've": "you've", "i'd": "you'd", "i'll": "you'll", "am": "are",
}  # fmt: skip


def to_the_person(text: str) -> str:
    """A person's own note, reported back to them: "whether I had done nights" -> "whether you had
    done nights", "my gap year" -> "your gap year", "I was" -> "you were"."""
    words = _WORD.findall(text)
    out: list[str] = []
    for at, part in enumerate(words):
        lower = part.casefold()
        before = next((w.casefold() for w in reversed(words[:at]) if w.strip()), "")
        if lower == "was" and before == "i":
            part = "were"
        elif lower in _TO_THE_PERSON and (lower != "am" or before == "i"):
            part = _like(_TO_THE_PERSON[lower], part) if part != "I" or at == 0 else _TO_THE_PERSON[lower]
        out.append(part)
    return "".join(out)


def about_someone(text: str, owner: str) -> str:
    """A topic first given for another interviewer, written to this one: "her plan" -> "Dr.
    Natarajan's plan"; "their" is the organisation's, so "your" to anyone who works there."""
    possessive = f"{owner}'s"  # a function, so that a backslash in a name is only a character
    text = re.sub(r"\b(?:her|his)\b(?=\s+[a-z])", lambda _: possessive, text, flags=re.IGNORECASE)
    return re.sub(r"\btheir\b", "your", text)


def _verb_for_you(verb: str) -> str:
    """ "she wants" -> "you want", "he is" -> "you are"; a past tense or an adverb stays as it is."""
    lower = verb.casefold()
    if lower in _SUBJECT_VERBS:
        return _SUBJECT_VERBS[lower]
    if not lower.isalpha() or len(lower) < 4 or not lower.endswith("s") or lower.endswith(("ss", "us", "ly")):
        return verb
    if lower.endswith("ies"):
        return verb[:-3] + "y"
    if lower.endswith(("shes", "ches", "xes", "sses", "oes")):
        return verb[:-2]
    return verb[:-1]


def _like(new: str, old: str) -> str:
    return new[:1].upper() + new[1:] if old[:1].isupper() else new


def capitalised(name: str) -> str:
    """A company or role typed all in lowercase, as it is written: "mercy general" -> "Mercy
    General", "st marys" -> "St Marys"; anything with a capital is left as typed ("eBay", "ACME")."""
    if name != name.casefold():
        return name
    words = name.split(" ")
    return " ".join(w if (w in _SMALL and at) else w[:1].upper() + w[1:] for at, w in enumerate(words))


def first_clause(text: str, max_words: int) -> str:
    """A long answer summed up: its first sentence, or its first clause when that is still too long,
    or its first `max_words` words, cut after a whole word and marked "…"."""
    text = " ".join(text.split())
    sentence = re.split(r"(?<=[.!?])\s+", text, maxsplit=1)[0]
    if len(sentence.split()) <= max_words:
        return sentence
    for clause in re.split(r"(?<=[,;:—–])\s+|\s+-\s+", sentence):
        if 4 <= len(clause.split()) <= max_words:
            return clause.rstrip(",;:—–")
        break
    return " ".join(sentence.split()[:max_words]).rstrip(",;:—–") + "…"


def without_lead_in(text: str, lead_ins: tuple[str, ...]) -> str:
    """ "we talked about the night rota" -> "the night rota": the words that introduce a topic in
    notes, which the letter's own sentence already says."""
    stripped = text.strip()
    for lead in sorted(lead_ins, key=len, reverse=True):
        if re.match(rf"{re.escape(lead)}\b", stripped, re.IGNORECASE):
            return stripped[len(lead) :].lstrip(" ,:")
    return stripped


def wanted_topic(text: str, lead_ins: tuple[str, ...]) -> str:
    """What someone wanted to know, as what follows "more about": "i think they wanted to know if id
    done nights" -> "whether I'd done nights"; every lead-in goes, however many were typed."""
    while (shorter := without_lead_in(text, lead_ins)) != text.strip():
        text = shorter
    text = text.strip()
    return re.sub(r"^if\b", "whether", text, flags=re.IGNORECASE)


_ASKING = re.compile(
    r"^(?:what|how|why|when|where|who|whom|whose|which|do|does|did|can|could|would|will|should|shall|are|is|"
    r"was|were|have|has|had|may|might)\b",
    re.IGNORECASE,
)


def as_question(text: str) -> str:
    """A question as noted, written out whole: first letter capitalised, ended with "?" when it asks
    ("What would you do…?") and with "." when it is a prompt ("Tell me about a project.")."""
    text = text.strip().rstrip(".!?…,;:")
    if not text:
        return ""
    return text[:1].upper() + text[1:] + ("?" if _ASKING.match(text) else ".")


# Words that begin a phrase without being a name, so "The new ward" reads "the new ward" mid-sentence.
_PLAIN_STARTS = {
    "the", "a", "an", "your", "our", "my", "their", "his", "her", "its", "this", "that", "these", "those",
    "how", "what", "why", "when", "where", "which", "who", "about", "working", "we", "some", "all", "any",
    "new", "next", "plans", "plan", "ways", "making", "building", "improving", "managing", "supporting",
    "whether", "if", "more", "nodded", "smiled", "said", "asked", "seemed", "liked", "laughed",
    "he", "she", "they", "it", "he's", "she's", "they're", "it's", "both",
}  # fmt: skip


def lowered(text: str) -> str:
    """A phrase to set inside a sentence: its first letter lowercased when its first word is a plain
    word ("The new ward" -> "the new ward"), never a name or an acronym ("Priya's plan", "NHS targets")."""
    first = text.split(" ", 1)[0]
    plain = first.casefold() in _PLAIN_STARTS or first.casefold().endswith("ing")
    return text[:1].lower() + text[1:] if plain and not first.isupper() else text
