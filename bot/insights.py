"""The common thread across a person's interviews: the themes that keep coming up, and the
questions and concerns asked again.

Pure: it reads interviews' answers, finds their themes by meaning (bot.themes: "2 RNs short on
nights" and "how do you cope when understaffed?" are both short staffing) and groups near-identical
phrasings with rapidfuzz, so "Tell me about yourself" and "tell me a bit about yourself" count as one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from statistics import mean
from typing import Any

from rapidfuzz import fuzz

from bot.flow import ThemeWords
from bot.model import Fact, Interview, QuestionId
from bot.themes import themes_of

SIMILAR = 75  # token-set similarity (0-100) from which two phrasings count as the same thing
MIN_INTERVIEWS = 2


@dataclass(frozen=True)
class Theme:
    """One thing that came up in several interviews, in the words it was first written."""

    text: str
    interviews: int


@dataclass(frozen=True)
class Evidence:
    """Where a theme came up: which interview, as what ("asked", "asked_weak": asked and the answer
    they would improve, "concern", "improve", "recurring", "feedback"), in the person's words."""

    interview_id: str
    company: str
    kind: str
    text: str


@dataclass(frozen=True)
class Found:
    """A theme of the common thread, with the evidence for it and the step to take."""

    id: str
    name: str
    step: str
    interviews: int
    evidence: list[Evidence]


@dataclass(frozen=True)
class Thread:
    interviews: int
    themes: list[Found] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)
    questions: list[Theme] = field(default_factory=list)
    concerns: list[Theme] = field(default_factory=list)
    improvements: list[Theme] = field(default_factory=list)
    feedback: list[str] = field(default_factory=list)
    average_rating: float | None = None


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _items(answers: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = answers.get(key)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def recurring(mentions: list[tuple[int, str]]) -> list[Theme]:
    """Group (interview index, text) mentions by similarity; keep groups seen in two interviews or more."""
    groups: list[tuple[str, set[int]]] = []
    for index, text in mentions:
        text = " ".join(text.split())
        if not text:
            continue
        for first, seen in groups:
            if fuzz.token_set_ratio(first.casefold(), text.casefold()) >= SIMILAR:
                seen.add(index)
                break
        else:
            groups.append((text, {index}))
    themes = [Theme(text, len(seen)) for text, seen in groups if len(seen) >= MIN_INTERVIEWS]
    return sorted(themes, key=lambda t: -t.interviews)


def common_thread(interviews: list[Interview], vocabulary: tuple[ThemeWords, ...] = ()) -> Thread:
    """What a person's debriefs have in common. Interviews that were only announced are left out."""
    debriefed = [
        i for i in interviews if i.answers.get(QuestionId.QUESTIONS) is not None or i.status == "done"
    ]
    questions, concerns, improvements, feedback, ratings = [], [], [], [], []
    outcomes: Counter[str] = Counter()
    noted: list[tuple[int, str, str]] = []  # (interview, kind, text) for the themes
    for index, interview in enumerate(debriefed):
        answers = interview.answers
        asked = [text for q in _items(answers, QuestionId.QUESTIONS) if (text := _text(q.get("question")))]
        worried = [
            text
            for f in _items(answers, QuestionId.FOLLOW_UPS)
            if f.get("hint") == "concern" and (text := _text(f.get("question")))
        ]
        questions += [(index, text) for text in asked]
        concerns += [(index, text) for text in worried]
        noted += [(index, "asked", text) for text in asked] + [(index, "concern", text) for text in worried]
        if _text(answers.get(QuestionId.RECURRING)):
            concerns.append((index, _text(answers[QuestionId.RECURRING])))
            noted.append((index, "recurring", _text(answers[QuestionId.RECURRING])))
        weak = _text(answers.get(QuestionId.ANSWER_TO_IMPROVE))
        if weak and weak != "none":
            noted.append((index, "improve", weak))
        for key in (QuestionId.COULD_BE_BETTER, QuestionId.IMPROVE_HOW, QuestionId.DRESS_ISSUE):
            if _text(answers.get(key)):
                improvements.append((index, _text(answers[key])))
        if _text(answers.get(QuestionId.COULD_BE_BETTER)):
            noted.append((index, "improve", _text(answers[QuestionId.COULD_BE_BETTER])))
        if _text(answers.get(QuestionId.FEEDBACK_RECEIVED)):
            feedback.append(_text(answers[QuestionId.FEEDBACK_RECEIVED]))
            noted.append((index, "feedback", _text(answers[QuestionId.FEEDBACK_RECEIVED])))
        if isinstance(answers.get(QuestionId.HAPPY_WITH_ANSWERS), int):
            ratings.append(answers[QuestionId.HAPPY_WITH_ANSWERS])
        news = answers.get(Fact.NEWS)
        outcomes[news if news in ("second", "offer", "rejected") else "waiting"] += 1
    found = _themes(noted, debriefed, vocabulary)
    covered = {ev.text for theme in found for ev in theme.evidence}
    return Thread(
        interviews=len(debriefed),
        themes=found,
        outcomes=dict(outcomes),
        questions=recurring([m for m in questions if m[1] not in covered]),
        concerns=recurring([m for m in concerns if m[1] not in covered]),
        improvements=recurring([m for m in improvements if m[1] not in covered]),
        feedback=feedback,
        average_rating=round(mean(ratings), 1) if ratings else None,
    )


def _themes(
    noted: list[tuple[int, str, str]], debriefed: list[Interview], vocabulary: tuple[ThemeWords, ...]
) -> list[Found]:
    """The themes seen in two interviews or more, or named by the person as one that keeps coming up."""
    about = [set(themes_of(text, vocabulary)) for _, _, text in noted]  # each note read once
    found = []
    for theme in vocabulary:
        hits = [note for note, ids in zip(noted, about, strict=True) if theme.id in ids]
        seen = {index for index, _, _ in hits}
        if len(seen) < MIN_INTERVIEWS and not any(kind == "recurring" for _, kind, _ in hits):
            continue
        asked = {(index, text) for index, kind, text in hits if kind == "asked"}
        weak = {(index, text) for index, kind, text in hits if kind == "improve"}
        evidence = [
            Evidence(
                debriefed[index].id,
                debriefed[index].company,
                "asked_weak" if kind == "asked" and (index, text) in weak else kind,
                text,
            )
            for index, kind, text in hits
            if not (kind == "improve" and (index, text) in asked)  # said once, as the weak answer
        ]
        found.append(Found(theme.id, theme.name, theme.step, len(seen), evidence))
    return sorted(found, key=lambda f: (-f.interviews, -len(f.evidence)))
