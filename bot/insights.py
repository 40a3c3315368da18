"""The common thread across a person's interviews: questions and concerns that keep coming up.

Pure: it reads interviews' answers and groups near-identical phrasings with rapidfuzz, so
"Tell me about yourself" and "tell me a bit about yourself" count as one question.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from statistics import mean
from typing import Any

from rapidfuzz import fuzz

from bot.model import Fact, Interview, QuestionId

SIMILAR = 75  # token-set similarity (0-100) from which two phrasings count as the same thing
MIN_INTERVIEWS = 2


@dataclass(frozen=True)
class Theme:
    """One thing that came up in several interviews, in the words it was first written."""

    text: str
    interviews: int


@dataclass(frozen=True)
class Thread:
    interviews: int
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


def common_thread(interviews: list[Interview]) -> Thread:
    """What a person's debriefs have in common. Interviews that were only announced are left out."""
    debriefed = [
        i for i in interviews if i.answers.get(QuestionId.QUESTIONS) is not None or i.status == "done"
    ]
    questions, concerns, improvements, feedback, ratings = [], [], [], [], []
    outcomes: Counter[str] = Counter()
    for index, interview in enumerate(debriefed):
        answers = interview.answers
        questions += [
            (index, text) for q in _items(answers, QuestionId.QUESTIONS) if (text := _text(q.get("question")))
        ]
        concerns += [
            (index, text)
            for f in _items(answers, QuestionId.FOLLOW_UPS)
            if f.get("hint") == "concern" and (text := _text(f.get("question")))
        ]
        if _text(answers.get(QuestionId.RECURRING)):
            concerns.append((index, _text(answers[QuestionId.RECURRING])))
        for key in (QuestionId.COULD_BE_BETTER, QuestionId.IMPROVE_HOW, QuestionId.DRESS_ISSUE):
            if _text(answers.get(key)):
                improvements.append((index, _text(answers[key])))
        if _text(answers.get(QuestionId.FEEDBACK_RECEIVED)):
            feedback.append(_text(answers[QuestionId.FEEDBACK_RECEIVED]))
        if isinstance(answers.get(QuestionId.HAPPY_WITH_ANSWERS), int):
            ratings.append(answers[QuestionId.HAPPY_WITH_ANSWERS])
        news = answers.get(Fact.NEWS)
        outcomes[news if news in ("second", "offer", "rejected") else "waiting"] += 1
    return Thread(
        interviews=len(debriefed),
        outcomes=dict(outcomes),
        questions=recurring(questions),
        concerns=recurring(concerns),
        improvements=recurring(improvements),
        feedback=feedback,
        average_rating=round(mean(ratings), 1) if ratings else None,
    )
