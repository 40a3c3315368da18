"""Whole conversations, read like the chat they specify (tests/transcripts/*.txt).

Each transcript is played by two runners: the real service on a SQLite file (`service`), and the
pure engine over dicts (`engine`, tests/engine_chat.py), which needs no database and runs in
milliseconds. A transcript that reads what only the service keeps says `! service only: why`, and
only the service plays it. Time one runner with
`pytest tests/test_transcripts.py -k on_the_engine --durations=0`.
"""

from __future__ import annotations

import pytest

from tests.chat import SETUPS, Chat, run_transcript, service_only, transcripts
from tests.engine_chat import EngineChat, NeedsTheService, SideBySide

TRANSCRIPTS = transcripts()


BOTH = [p for p in TRANSCRIPTS if not service_only(p)]


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=[p.stem for p in TRANSCRIPTS])
def test_transcript_on_the_service(path, service):
    chat = Chat(service)
    run_transcript(path, chat)
    assert chat.replies  # the last turn said something (run_transcript checked what)


@pytest.mark.parametrize("path", BOTH, ids=[p.stem for p in BOTH])
def test_transcript_on_the_engine(path):
    chat = EngineChat()
    run_transcript(path, chat)
    assert chat.replies


@pytest.mark.parametrize("path", BOTH, ids=[p.stem for p in BOTH])
def test_the_engine_runner_answers_as_the_service_does(path, service):
    """Turn by turn, the engine runner's replies equal the service's, so its dicts keep what the
    database keeps (summaries, conversation, interviews) and it handles `needs` and follow-ups alike."""
    both = SideBySide(Chat(service))
    run_transcript(path, both)
    assert both.compared > 0 and both.replies


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


def test_a_service_only_transcript_does_need_the_service():
    """Each `! service only:` is true: the engine runner refuses the transcript, it does not just skip it."""
    marked = [p for p in TRANSCRIPTS if service_only(p)]
    assert marked
    for path in marked:
        with pytest.raises(NeedsTheService):
            run_transcript(path, EngineChat())
