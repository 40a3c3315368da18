"""The turns an adapter has accepted: one person's in the order sent, different people's side by
side, and none lost on stopping `debrief run` (SIGTERM from a deploy, Ctrl-C in a terminal): every
event the platform was told "received" is stored and answered before the process exits."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading

import pytest
from aiohttp import ClientSession
from sqlalchemy import func, select

from adapters.base import Turns
from storage.db import Database
from storage.models import ProcessedEvent, User
from storage.repository import event_key
from tests.discord_fake import MAYA
from tests.helpers import debrief_run, discord_bot, env_for, free_port
from tests.helpers import discord_text as text
from tests.slack_fake import SIGNING_SECRET, FakeSlack, SlackClient, dm_event, event_envelope, wait_for

PEOPLE = ["U1", "U2", "U3"]
START_S = 60  # a cold Python start on a busy machine


async def _serving(port: int) -> None:
    """Wait until the bot answers its health check."""
    async with ClientSession() as session:
        for _ in range(START_S * 10):
            with contextlib.suppress(OSError):  # not listening yet
                async with session.get(f"http://127.0.0.1:{port}/health") as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.1)
    raise AssertionError("debrief run never started serving")


@pytest.mark.parametrize(("mode", "stop_signal"), [("http", signal.SIGTERM), ("socket", signal.SIGINT)])
def test_stopping_right_after_the_acks_still_stores_and_answers_every_message(tmp_path, mode, stop_signal):
    url = f"sqlite:///{tmp_path / 'd.sqlite3'}"

    async def scenario() -> tuple[int | None, str, list[dict]]:
        fake = FakeSlack()
        fake.slow["chat.postMessage"] = [0.5] * 20  # each reply takes a while: the turns are in flight
        await fake.start()
        port = free_port()
        mode_env = (
            {"SLACK_SIGNING_SECRET": SIGNING_SECRET, "PORT": str(port)}
            if mode == "http"
            else {"SLACK_APP_TOKEN": "xapp-test"}
        )
        env = env_for(url, SLACK_BOT_TOKEN="xoxb-test", SLACK_API_URL=fake.url, DEBRIEF_LOG_LEVEL="INFO",
                      **mode_env)  # fmt: skip
        process = await debrief_run(env)
        try:
            if mode == "http":
                await _serving(port)
                client = SlackClient(f"http://127.0.0.1:{port}/slack/events")
                acks = await asyncio.gather(*(client.dm("hi", user=u, event_id=f"Ev{u}") for u in PEOPLE))
                assert acks == [200] * len(PEOPLE)
            else:
                await wait_for(lambda: fake.sockets, timeout=START_S)
                envelopes = [await fake.push(event_envelope(dm_event("hi", u), f"Ev{u}")) for u in PEOPLE]
                await wait_for(lambda: set(envelopes) <= set(fake.acks))
        finally:
            process.send_signal(stop_signal)  # right after Slack was told "received"
            _, errors = await asyncio.wait_for(process.communicate(), START_S)
            await fake.stop()
        return process.returncode, errors.decode(), fake.of("chat.postMessage")

    code, errors, posts = asyncio.run(scenario())
    assert code == 0, errors
    assert {p["channel"] for p in posts if "Which company" in p.get("text", "")} == {f"D{u}" for u in PEOPLE}
    database = Database(url)
    try:
        with database.transaction() as session:
            assert set(session.scalars(select(ProcessedEvent.event_id))) == {
                event_key(f"Ev{u}") for u in PEOPLE
            }
            assert session.scalar(select(func.count()).select_from(User)) == len(PEOPLE)
    finally:
        database.dispose()
    assert "Traceback" not in errors


def test_discord_stop_waits_for_the_turn_in_flight_and_its_reply(service):
    real_handle, entered, release = service.handle, threading.Event(), threading.Event()

    def held(incoming):  # the turn is in the middle of its work when the process is told to stop
        entered.set()
        release.wait(10)
        return real_handle(incoming)

    service.handle = held

    async def scenario():
        async with discord_bot(service) as (fake, adapter):
            await fake.dm("hi")
            await wait_for(entered.is_set)
            stopping = asyncio.create_task(adapter.stop())
            await asyncio.sleep(0.2)  # stop() has begun; the turn is still running
            release.set()
            await asyncio.wait_for(stopping, 30)
            assert "Which company" in text(fake.posts)
            assert {p["channel_id"] for p in fake.posts} == {f"5{MAYA['id']}"}

    asyncio.run(scenario())


def test_one_persons_turns_wait_for_each_other_and_nobody_waits_for_someone_else():
    async def scenario():
        turns, done, held = Turns("test"), [], asyncio.Event()

        async def turn(name: str, *, until: asyncio.Event | None = None) -> None:
            if until is not None:
                await until.wait()
            done.append(name)

        turns.start("maya", turn("maya 1", until=held))
        turns.start("maya", turn("maya 2"))
        turns.start("dana", turn("dana 1"))
        await wait_for(lambda: done)
        assert done == ["dana 1"]  # Maya's slow first turn holds up her own second one, not Dana
        held.set()
        await turns.finish()
        assert done == ["dana 1", "maya 1", "maya 2"]
        assert turns._latest == {}  # nobody is remembered once their turns are done

    asyncio.run(scenario())


def test_a_failed_turn_is_logged_without_its_message_and_the_next_one_runs(caplog):
    async def scenario():
        turns, done = Turns("test"), []

        async def fails(words: str) -> None:
            raise ValueError(words)  # an error quoting what a person wrote

        async def answers() -> None:
            done.append("answered")

        turns.start("maya", fails("ACME pays 95k"))
        turns.start("maya", answers())
        await turns.finish()
        assert done == ["answered"]

    asyncio.run(scenario())
    assert "a turn failed: ValueError" in caplog.text and "95k" not in caplog.text


def test_finish_takes_no_new_turn_and_gives_up_on_a_stuck_one_after_the_wait(caplog):
    async def scenario():
        turns, started = Turns("test"), asyncio.Event()

        async def stuck() -> None:
            started.set()
            await asyncio.Event().wait()

        async def never() -> None:
            raise AssertionError("a turn taken while stopping")

        turns.start("maya", stuck())
        await started.wait()
        finishing = asyncio.create_task(turns.finish(wait_s=0.2))
        await asyncio.sleep(0)
        assert turns.start("dana", never()) is False
        await asyncio.wait_for(finishing, 10)

    asyncio.run(scenario())
    assert "1 turns still running after 0.2 s" in caplog.text
