"""The content and the code must agree: a name the content uses without a handler fails at load."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from bot.engine import registry
from bot.engine.kinds import KINDS
from bot.engine.registry import CLOSINGS, COMMANDS
from bot.flow import check_names, parse_flow
from bot.model import QuestionId


def raw_content() -> dict:
    return tomllib.loads(resources.files("bot").joinpath("content/flow.toml").read_text(encoding="utf-8"))


def check(raw: dict) -> None:
    check_names(parse_flow(raw), commands=COMMANDS, closings=CLOSINGS, question_ids=QuestionId, kinds=KINDS)


def test_the_shipped_content_names_only_what_the_code_handles():
    check(raw_content())


def test_a_closing_the_code_does_not_know_fails_at_load():
    raw = raw_content()
    raw["sections"][-1]["closing"] = "celebrate"
    with pytest.raises(ValueError, match="unknown closing 'celebrate'"):
        check(raw)


def test_a_command_without_a_handler_fails_at_load_and_so_does_a_handler_without_words():
    raw = raw_content()
    raw["commands"]["dance"] = ["dance"]
    with pytest.raises(ValueError, match="command 'dance' has no handler"):
        check(raw)
    del raw["commands"]["dance"], raw["commands"]["export"]
    with pytest.raises(ValueError, match="command 'export' has no words"):
        check(raw)


def test_a_question_the_code_reads_by_name_renamed_in_the_content_fails_at_load():
    raw = raw_content()
    for section in raw["sections"]:
        for question in section["questions"]:
            if question["id"] == "decision_expected":
                question["id"] = "hear_back_by"
    with pytest.raises(ValueError, match="question 'decision_expected' is read by the code but missing"):
        check(raw)


def test_a_kind_of_answer_the_code_cannot_read_fails_at_load_even_in_a_list_field():
    raw = raw_content()
    fields = next(q for s in raw["sections"] for q in s["questions"] if q["id"] == "questions")["fields"]
    fields[0]["kind"] = "essay"
    with pytest.raises(ValueError, match="unknown kind 'essay'"):
        check(raw)


def test_a_feeling_question_whose_replies_are_missing_fails_at_load():
    raw = raw_content()
    del raw["lists"]["listen_rejection_mixed"]
    with pytest.raises(
        ValueError, match=r"listens with 'listen_rejection' but \[lists\] has no listen_rejection_mixed"
    ):
        check(raw)


def test_a_nudge_family_without_wording_fails_at_import(monkeypatch):
    registry.check_complete()  # the shipped code words every family
    monkeypatch.delitem(registry.NUDGES, "thank")
    with pytest.raises(ValueError, match="no wording for nudges of family thank"):
        registry.check_complete()


def test_a_handler_registered_twice_fails_at_import(monkeypatch):
    monkeypatch.setattr(registry, "COMMANDS", dict(registry.COMMANDS))
    with pytest.raises(ValueError, match="'help' has two handlers"):
        registry.command("help")(lambda t, command: None)
