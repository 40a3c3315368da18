"""Slack request hygiene: malformed signatures refused quietly, clicks and commands handled once each."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
from sqlalchemy import select

from storage.models import ProcessedEvent
from storage.repository import event_key
from tests.helpers import slack_bot, texts
from tests.slack_fake import TEAM, dm_event, event_envelope, wait_for


class Recorder:
    """Wraps `service.handle` to keep what each turn answered: [] is a turn ignored as a replay."""

    def __init__(self, service) -> None:
        self.handle, self.answers = service.handle, []
        service.handle = self

    def __call__(self, incoming):
        replies = self.handle(incoming)
        self.answers.append(replies)
        return replies


def refused_quietly(records: list[logging.LogRecord]) -> bool:
    """No traceback and nothing at ERROR: a refused request is no failure of the bot."""
    return not [r for r in records if r.exc_info or r.levelno >= logging.ERROR]


async def _still_serving(fake, client) -> None:
    """A signed "hi" after the refused requests is answered as ever."""
    assert await client.dm("hi") == 200
    await wait_for(lambda: "Which company" in texts(fake.of("chat.postMessage")))


@pytest.mark.parametrize("timestamp", ["abc", "", "1e10", "9" * 5000])
def test_a_malformed_timestamp_gets_401_and_no_traceback(service, caplog, timestamp):
    async def scenario():
        async with slack_bot(service) as (fake, _, client):
            body = json.dumps(event_envelope(dm_event("hi"), "EvBadTs")).encode()
            assert await client.post(body, "application/json", timestamp=timestamp) == 401
            await _still_serving(fake, client)
        with service.db.transaction() as session:
            assert event_key("EvBadTs") not in session.scalars(select(ProcessedEvent.event_id)).all()

    with caplog.at_level(logging.DEBUG):
        asyncio.run(scenario())
    assert refused_quietly(caplog.records)


def test_a_malformed_signature_or_a_body_that_is_no_utf8_gets_401_and_no_traceback(service, caplog):
    async def scenario():
        async with slack_bot(service) as (fake, _, client):
            body = json.dumps(event_envelope(dm_event("hi"), "EvBadSig")).encode()
            assert await client.post(body, "application/json", **{"X-Slack-Signature": "v0=é"}) == 401
            assert await client.post(body, "application/json", **{"X-Slack-Signature": ""}) == 401
            garbage = b"\xff\xfe{not json"
            assert (
                await client.post(garbage, "application/json", **{"X-Slack-Signature": "v0=" + "0" * 64})
                == 401
            )
            await _still_serving(fake, client)
        with service.db.transaction() as session:
            assert event_key("EvBadSig") not in session.scalars(select(ProcessedEvent.event_id)).all()

    with caplog.at_level(logging.DEBUG):
        asyncio.run(scenario())
    assert refused_quietly(caplog.records)


def test_two_peoples_clicks_with_the_same_action_ts_are_both_handled(service):
    async def scenario():
        async with slack_bot(service) as (fake, _, client):
            recorder = Recorder(service)
            assert await client.click("cmd:help", user="U1", action_ts="1700000000.000100") == 200
            assert await client.click("cmd:help", user="U2", action_ts="1700000000.000100") == 200
            await wait_for(lambda: {"DU1", "DU2"} <= {p["channel"] for p in fake.of("chat.postMessage")})
            assert len(recorder.answers) == 2 and all(recorder.answers)
        with service.db.transaction() as session:
            assert set(session.scalars(select(ProcessedEvent.event_id))) == {
                event_key(f"action:{TEAM}:U1:1700000000.000100"),
                event_key(f"action:{TEAM}:U2:1700000000.000100"),
            }

    asyncio.run(scenario())


def test_a_replayed_click_is_handled_once(service):
    async def scenario():
        async with slack_bot(service) as (_fake, _, client):
            recorder = Recorder(service)
            for _ in range(2):
                assert await client.click("cmd:help", action_ts="1700000000.000200") == 200
            await wait_for(lambda: len(recorder.answers) == 2)
            assert sorted(bool(answer) for answer in recorder.answers) == [False, True]

    asyncio.run(scenario())


def test_a_replayed_slash_command_is_handled_once(service):
    async def scenario():
        async with slack_bot(service) as (fake, _, client):
            recorder = Recorder(service)
            for _ in range(2):  # the same signed body twice: Slack's one invocation, replayed
                assert await client.command("new", trigger_id="13345224609.738474920.8088930838d8") == 200
            await wait_for(lambda: len(recorder.answers) == 2)
            assert sorted(bool(answer) for answer in recorder.answers) == [False, True]
            replies = max(recorder.answers, key=len)
            await wait_for(lambda: len(fake.of("chat.postMessage")) == len(replies))
            assert "Which company" in texts(fake.of("chat.postMessage"))
            assert await client.command("status") == 200  # a new invocation is a new turn
            await wait_for(lambda: len(recorder.answers) == 3)
            assert recorder.answers[2]
            await wait_for(
                lambda: len(fake.of("chat.postMessage")) == len(replies) + len(recorder.answers[2])
            )
        with service.db.transaction() as session:
            stored = set(session.scalars(select(ProcessedEvent.event_id)))
            assert event_key(f"command:{TEAM}:U1:13345224609.738474920.8088930838d8") in stored

    asyncio.run(scenario())
