"""Button actions are built and read back in one place (bot/actions.py), and adapters route by its pattern."""

from __future__ import annotations

import re

import pytest

from adapters.discord_bot import ActionButton
from bot import actions


def test_each_kind_of_action_reads_back_as_built():
    assert actions.parse(actions.command("resume", 2)) == actions.Action("command", name="resume", number=2)
    assert actions.parse(actions.command("help")) == actions.Action("command", name="help")
    assert actions.parse(actions.confirm("pause", "keep")) == actions.Action(
        "confirm", name="pause", reply="keep"
    )
    token = "0000abcd/questions/0/reaction"
    assert actions.parse(actions.answer(token, 3)) == actions.Action("answer", token=token, index="3")
    clicked = actions.parse(actions.about("f" * 32, "snooze_to", "thank_you_1", 1764000000, "anyway"))
    assert (clicked.kind, clicked.interview_id, clicked.verb) == ("interview", "f" * 32, "snooze_to")
    assert clicked.args == ("thank_you_1", "1764000000", "anyway")
    assert actions.subject_of(actions.about("abc", "resume")) == "abc"
    assert actions.subject_of(actions.command("list")) is None


@pytest.mark.parametrize("junk", [None, "", "hello", "iv:", "iv::resume", "iv:abc", "cmd", "x:cmd:help"])
def test_anything_else_is_unknown(junk):
    assert actions.parse(junk).kind == "unknown"


def test_the_discord_adapter_routes_every_action_by_the_one_pattern():
    template = ActionButton.__discord_ui_compiled_template__
    for action in (actions.command("new"), actions.answer("t/q//", "done"), actions.about("abc", "sent")):
        assert template.fullmatch(action)
    assert not template.fullmatch("open_mail")
    assert re.fullmatch(actions.PATTERN, "cmd:help")
