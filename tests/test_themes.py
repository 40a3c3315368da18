"""The common thread by meaning: paraphrases of one worry meet in one theme, across interviews."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.flow import load_flow
from bot.insights import common_thread
from bot.model import Interview
from bot.themes import stem, themes_of

THEMES = load_flow().themes

PARAPHRASES = [
    ("staffing", "what would u do if u were 2 RNs short on nights"),
    ("staffing", "How do you cope when the unit is understaffed?"),
    ("staffing", "tell me about a short-staffed shift"),
    ("staffing", "we're often short handed, how'd you manage"),
    ("staffing", "what do you think about our staffing ratios?"),
    ("staffing", "staffng levels"),  # a typo
    ("staffing", "what would u do if 2 ppl called out on a peak day"),
    ("classroom", "How do you handle disruptive students?"),
    ("classroom", "what's your approach to behaviour management"),
    ("classroom", "tell me about discipline in your class"),
    ("classroom", "a kid keeps misbehaving what do u do"),
    ("pay", "what are your salary expectations"),
    ("pay", "what rate are you looking for"),
    ("pay", "compensation expectations?"),
    ("gaps", "can you explain the gap in your CV"),
    ("gaps", "why the career break"),
    ("gaps", "what did you do between jobs"),
    ("conflict", "how do u handle conflict w a colleague"),
    ("conflict", "tell me about a time you dealt with an upset family"),
    ("shifts", "have u worked nights before"),
    ("shifts", "can you start in January?"),
    ("nerves", "I rambled on the conflict one"),
    ("nerves", "my mind went blank on the second question"),
]


@pytest.mark.parametrize(("theme", "text"), PARAPHRASES, ids=[t for _, t in PARAPHRASES])
def test_paraphrases_of_one_worry_meet_in_its_theme(theme, text):
    assert theme in themes_of(text, THEMES)


@pytest.mark.parametrize(
    "text", ["Tell me about yourself", "Why do you want this job?", "the dress code", "hi"]
)
def test_a_note_about_nothing_in_the_vocabulary_has_no_theme(text):
    assert themes_of(text, THEMES) == []


def test_word_endings_meet():
    assert stem("staffed") == stem("staffing") == stem("staff")
    assert stem("ratios") == stem("ratio") and stem("rambled") == stem("ramble") == stem("rambling")


def interview(key: str, company: str, **answers: object) -> Interview:
    return Interview(key, "done", datetime(2026, 12, 1, tzinfo=UTC), {"company": company, **answers})


def test_the_thread_names_the_theme_its_evidence_and_a_next_step():
    mercy = interview(
        "m",
        "Mercy General",
        questions=[{"question": "what would u do if u were 2 RNs short on nights"}],
        recurring="staffing, every interview asks",
    )
    stmarys = interview(
        "s",
        "St Mary's",
        questions=[{"question": "Tell me about yourself"}],
        follow_ups=[{"question": "How do you cope when the unit is understaffed?", "hint": "concern"}],
    )
    [staffing, *_] = common_thread([mercy, stmarys], THEMES).themes
    assert (staffing.id, staffing.interviews) == ("staffing", 2)
    assert {(e.company, e.kind) for e in staffing.evidence} == {
        ("Mercy General", "asked"),
        ("Mercy General", "recurring"),
        ("St Mary's", "concern"),
    }
    assert "short-staffed shift" in staffing.step


def test_a_theme_in_one_interview_is_a_thread_only_when_the_person_says_it_keeps_coming_up():
    once = interview("a", "ACME", questions=[{"question": "what are your salary expectations"}])
    other = interview("b", "Globex", questions=[{"question": "Tell me about yourself"}])
    assert common_thread([once, other], THEMES).themes == []
    said = interview("a", "ACME", recurring="they always ask about pay")
    assert [f.id for f in common_thread([said, other], THEMES).themes] == ["pay"]


def test_what_they_would_improve_is_evidence_in_its_own_words_and_not_listed_twice():
    one = interview(
        "a", "ACME", questions=[{"question": "Tell me about yourself"}], could_be_better="rambled"
    )
    two = interview("b", "Globex", questions=[{"question": "Why us?"}], could_be_better="rambled a bit")
    thread = common_thread([one, two], THEMES)
    [nerves] = [f for f in thread.themes if f.id == "nerves"]
    assert {e.kind for e in nerves.evidence} == {"improve"}  # never "they asked “rambled”"
    assert thread.improvements == []  # the theme shows it; not again as a phrase
