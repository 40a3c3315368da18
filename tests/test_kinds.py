"""A new kind of answer is one class: registered, named in the content, and the engine reads, offers,
shows back, edits and exports it with no other change."""

from __future__ import annotations

import re
import tomllib
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import pytest

from bot import engine
from bot.answers import Parsed, Problem
from bot.engine.kinds import KINDS, Kind, Offering, Reading
from bot.engine.registry import CLOSINGS, COMMANDS
from bot.flow import Flow, Option, Question, check_names, parse_flow
from bot.model import Input, Interview, QuestionId, Snapshot

NOW = datetime(2026, 11, 26, 14, 10, tzinfo=UTC)
_MINUTES = re.compile(r"(\d{1,3})\s*(?:m|min|mins|minutes)?\b")


class MinutesKind(Kind):
    """A toy kind: how long something lasted, in minutes ("about 45 min", "an hour")."""

    name = "minutes"

    def parse(self, q: Question, text: str, ctx: Reading) -> Parsed | Problem:
        if "hour" in text.lower() and not any(ch.isdigit() for ch in text):
            return Parsed(60)
        match = _MINUTES.search(text)
        return Parsed(int(match.group(1))) if match else Problem("bad_scale")

    def options(self, q: Question, ctx: Offering) -> list[Option]:
        return [Option(str(n), f"{n} min") for n in (30, 45, 60)]

    def show(self, q: Question, value: Any, flow: Flow, tz: Any) -> str:
        return f"{value} minutes"

    def export(self, q: Question, value: Any, flow: Flow, tz: Any) -> str | list[str]:
        return f"{value} min"


def content_with_a_minutes_question() -> Flow:
    raw = tomllib.loads(resources.files("bot").joinpath("content/flow.toml").read_text(encoding="utf-8"))
    start = raw["sections"][0]["questions"]
    at = next(i for i, q in enumerate(start) if q["id"] == "company") + 1
    start.insert(
        at, {"id": "length", "kind": "minutes", "label": "Length", "prompt": "How long did it last?"}
    )
    return parse_flow(raw)


def check(flow: Flow) -> None:
    check_names(flow, commands=COMMANDS, closings=CLOSINGS, question_ids=QuestionId, kinds=KINDS)


class Person:
    """One person talking to the pure engine, state carried between turns as the service would."""

    def __init__(self, flow: Flow) -> None:
        self.flow, self.conversation, self.interview, self.turns = flow, engine.new_conversation(), None, 0

    def send(self, text: str = "", *, action: str | None = None) -> str:
        kind = "action" if action else "message"
        extra: dict[str, Any] = {}
        while True:
            snap = Snapshot(
                timezone="Europe/Berlin",
                conversation=self.conversation,
                active=self.interview,
                display_name="Maya",
                **extra,
            )
            outcome = engine.step(
                snap,
                Input(kind=kind, text=text, action=action),
                now=NOW,
                new_id=f"{self.turns:032d}",
                flow=self.flow,
            )
            if outcome.needs is None:
                break
            extra = {"nudges": (), "everything": (self.interview,) if self.interview else ()}
        self.turns += 1
        self.conversation = outcome.conversation
        if outcome.interview is not None:
            self.interview = outcome.interview
        self.replies = outcome.replies
        return "\n".join(r.text + (f"\n{r.attachment.body}" if r.attachment else "") for r in outcome.replies)

    def buttons(self) -> dict[str, str]:
        return {b.label: b.action for r in self.replies for b in r.buttons}


@pytest.fixture
def minutes(monkeypatch) -> Flow:
    monkeypatch.setitem(KINDS, "minutes", MinutesKind())
    return content_with_a_minutes_question()


def test_content_naming_a_kind_that_is_not_registered_fails_at_load():
    with pytest.raises(ValueError, match="question 'length' has unknown kind 'minutes'"):
        check(content_with_a_minutes_question())


def test_a_toy_kind_is_read_offered_shown_edited_and_exported(minutes):
    check(minutes)  # registered: the content may name it
    maya = Person(minutes)
    maya.send("hi")
    assert "How long did it last?" in maya.send("ACME")
    assert list(maya.buttons())[:3] == ["30 min", "45 min", "60 min"]  # the kind's own options
    maya.send("about 45 mins i think")
    assert isinstance(maya.interview, Interview) and maya.interview.answers["length"] == 45

    maya.send("edit")
    assert "Length: 45 minutes" in maya.buttons()  # shown back by the kind
    asked_again = maya.send("Length")
    assert "How long did it last?" in asked_again and "45 minutes" in asked_again
    maya.send(action=maya.buttons()["60 min"])  # a click on the kind's option reads like typed words
    assert maya.interview.answers["length"] == 60

    exported = maya.send("export")
    assert "Length" in exported and "60 min" in exported  # exported by the kind
