"""Whole conversations, read like the chat they specify (tests/transcripts/*.txt, one behaviour each)."""

from __future__ import annotations

import pytest

from tests.chat import SETUPS, Chat, run_transcript, transcripts

TRANSCRIPTS = transcripts()


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=[p.stem for p in TRANSCRIPTS])
def test_transcript(path, service):
    chat = Chat(service)
    run_transcript(path, chat)
    assert chat.replies  # the last turn said something (run_transcript checked what)


def test_every_transcript_and_set_up_says_what_it_is():
    for path in [*TRANSCRIPTS, *SETUPS.glob("*.txt")]:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# "), f"{path.name} starts with {first!r}, not a comment saying what it is"


def test_every_set_up_is_used():
    setups = sorted(SETUPS.glob("*.txt"))
    used = {
        line.removeprefix("! setup ").strip()
        for path in [*TRANSCRIPTS, *setups]
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("! setup ")
    }
    assert setups
    for setup in setups:
        assert setup.stem in used, f"no transcript plays the set-up {setup.name}"
