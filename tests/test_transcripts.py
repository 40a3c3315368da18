"""Whole conversations, read like the chat they specify (tests/transcripts/*.txt)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.chat import Chat, run_transcript

TRANSCRIPTS = sorted((Path(__file__).parent / "transcripts").glob("*.txt"))


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=[p.stem for p in TRANSCRIPTS])
def test_transcript(path, service):
    run_transcript(path, Chat(service))
