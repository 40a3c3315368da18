"""Helpers the tests share: scripted answers, nudge sweeps by hand, a chat subprocess's environment,
and the real Slack and Discord adapters started against their loopback fakes. Test modules import
from here (and from the fakes and the chat harness), never from each other."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from adapters.console import render
from adapters.discord_bot import DiscordAdapter
from adapters.slack_bot import SlackAdapter
from bot.delivery import NudgeDelivery
from bot.service import ConversationService
from storage.db import Database
from storage.models import Interview, Nudge, User
from tests.chat import Chat
from tests.discord_fake import FakeDiscord
from tests.slack_fake import SIGNING_SECRET, FakeSlack, SlackClient, wait_for

# From the role to the end of step 2, with everything optional left out.
TO_THE_LETTER = [
    "Designer",
    "done",
    "just now",
    "skip",
    "Email",
    "done",
    "ok",
    "skip",
    "4",
    "yes",
    "None",
    "done",
    "yes",
    "good",
    "less",
    "skip",
    "skip",
]

# A whole debrief of ACME at 15:10 Berlin time, up to the letter step.
TO_THE_REVIEW = ["hi", "ACME", *TO_THE_LETTER, "Maya Rivera", "growth plans"]


def finished(service: ConversationService, *, letter: str) -> Chat:
    chat = Chat(service)
    for line in TO_THE_REVIEW:
        chat.say(line)
    chat.click("Mark as sent" if letter == "sent" else "I'll send it later")
    assert "well-earned break" in chat.last
    return chat


def due(service: ConversationService) -> list:
    return NudgeDelivery(service).prepare_due(platforms=("console",))


def deliver(service: ConversationService, chat: Chat | None = None) -> list[str]:
    """One sweep by hand: everything due is sent (and shown to `chat`); returns the texts."""
    texts = []
    for nudge in due(service):
        NudgeDelivery(service).record_delivery(nudge.nudge_id, delivered=True, attempts=nudge.attempts)
        if chat is not None:
            chat.receive(nudge.replies)
        texts.append(render(nudge.replies))
    return texts


def statuses(database) -> dict[str, str]:
    with database.transaction() as session:
        return {n.kind: n.status for n in session.scalars(select(Nudge))}


def env_for(url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DEBRIEF_", "SLACK_", "DISCORD_"))}
    exports = (
        str(Path(url.removeprefix("sqlite:///")).parent / "exports") if url.startswith("sqlite") else "/tmp"
    )
    base = {"DEBRIEF_DATABASE_URL": url, "DEBRIEF_TIMEZONE": "Europe/Berlin", "DEBRIEF_EXPORT_DIR": exports}
    return {**env, **base, **extra}


@asynccontextmanager
async def slack_bot(service):
    fake = FakeSlack()
    await fake.start()
    adapter = SlackAdapter(
        service=service,
        bot_token="xoxb-test-token",
        signing_secret=SIGNING_SECRET,
        api_url=fake.url,
        host="127.0.0.1",
        port=0,
    )
    await adapter.start()
    try:
        yield fake, adapter, SlackClient(f"http://127.0.0.1:{adapter.port}/slack/events")
    finally:
        await adapter.stop()
        await fake.stop()


async def slack_settled(fake: FakeSlack, before: int) -> list[dict]:
    """Wait for the bot's answer to one event: new posts, then a short quiet."""
    await wait_for(lambda: len(fake.of("chat.postMessage")) > before)
    count = -1
    while count != len(fake.of("chat.postMessage")):
        count = len(fake.of("chat.postMessage"))
        await asyncio.sleep(0.15)
    return fake.of("chat.postMessage")[before:]


def texts(posts: list[dict]) -> str:
    return "\n".join(json.dumps(p.get("blocks"), ensure_ascii=False) + p.get("text", "") for p in posts)


class Posts(list):
    """The bot's messages for one event; `str(posts)` is their blocks and fallback text."""

    def __str__(self) -> str:
        return texts(self)

    def __contains__(self, text: object) -> bool:
        return str(text) in str(self)

    def button(self, label: str) -> str:
        """The value Slack would send back when the button called `label` is clicked."""
        for post in reversed(self):
            for block in post.get("blocks") or []:
                for element in block.get("elements", []):
                    if element.get("text", {}).get("text") == label and "value" in element:
                        return element["value"]
        raise AssertionError(f"no button {label!r} in {self}")


async def slack_say(fake: FakeSlack, client: SlackClient, text: str) -> Posts:
    before = len(fake.of("chat.postMessage"))
    assert await client.dm(text) == 200
    return Posts(await slack_settled(fake, before))


@asynccontextmanager
async def discord_bot(service):
    fake = FakeDiscord()
    await fake.start()
    adapter = DiscordAdapter(
        service=service,
        token="fake-token",
        api_url=fake.api_url,
        gateway_url=fake.gateway_url,
        ready_timeout=0.1,
    )
    await asyncio.wait_for(adapter.start(), 20)
    try:
        yield fake, adapter
    finally:
        await adapter.stop()
        await fake.stop()


async def discord_settled(fake: FakeDiscord, before: int) -> list[dict]:
    await wait_for(lambda: len(fake.posts) > before)
    count = -1
    while count != len(fake.posts):
        count = len(fake.posts)
        await asyncio.sleep(0.15)
    return fake.posts[before:]


def discord_text(posts: list[dict]) -> str:
    return "\n".join(p["content"] or "" for p in posts)


async def discord_say(fake: FakeDiscord, line: str) -> list[dict]:
    before = len(fake.posts)
    await fake.dm(line)
    return await discord_settled(fake, before)


def free_port() -> int:
    """A port nothing listens on right now, for a `debrief run` in HTTP mode."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def debrief_run(env: dict[str, str]) -> asyncio.subprocess.Process:
    """The real `debrief run` in a subprocess, its output captured."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "debrief.cli", "run", env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


async def dm_once_listening(client: SlackClient, text: str) -> None:
    """Send a signed DM as soon as the starting bot accepts it (it may still be opening its port)."""
    for _ in range(100):
        try:
            if await client.dm(text) == 200:
                return
        except OSError:
            await asyncio.sleep(0.1)
    raise AssertionError("debrief run never took the DM")


@dataclass
class SlackRun:
    """A `debrief run` serving Slack over HTTP against a fake; `errors` is its stderr once stopped."""

    fake: FakeSlack
    client: SlackClient
    process: asyncio.subprocess.Process
    errors: bytes = b""


@asynccontextmanager
async def slack_http_run(database_file: Path, **settings: str) -> AsyncIterator[SlackRun]:
    """Start `debrief run` in Slack HTTP mode, say hi once it listens, and SIGTERM it at the end."""
    fake = FakeSlack()
    await fake.start()
    port = free_port()
    defaults = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SIGNING_SECRET}
    env = env_for(
        f"sqlite:///{database_file}", **{**defaults, **settings}, SLACK_API_URL=fake.url, PORT=str(port)
    )
    run = SlackRun(fake, SlackClient(f"http://127.0.0.1:{port}/slack/events"), await debrief_run(env))
    try:
        await dm_once_listening(run.client, "hi")
        await wait_for(lambda: "Which company" in texts(fake.of("chat.postMessage")))
        yield run
    finally:
        run.process.send_signal(signal.SIGTERM)
        _, run.errors = await asyncio.wait_for(run.process.communicate(), 30)
        await fake.stop()


INTERVIEW_AT = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # 10:00 in Berlin
SWEEP_AT = INTERVIEW_AT + timedelta(hours=3, minutes=5)  # just after the first thank-you reminder


def seed_due_nudges(database: Database, count: int) -> None:
    """`count` people, each after a debrief with the letter not sent, each owed one reminder now."""
    answers = {
        "company": "ACME",
        "interview_at": INTERVIEW_AT.isoformat(),
        "letter_review": "later",
        "thank_you_by": "email",
        "letter_topic": {"0": "growth"},
    }
    users, interviews, nudges = [], [], []
    for n in range(count):
        interview_id, times = f"{n:032x}", {"created_at": INTERVIEW_AT}
        users.append(dict(id=n + 1, platform="console", workspace="local", user_id=f"person{n}",
                          conversation={}, updated_at=INTERVIEW_AT, **times))  # fmt: skip
        interviews.append(dict(id=interview_id, user_pk=n + 1, status="done", step=3, company="ACME",
                               answers=answers, cursor={}, updated_at=INTERVIEW_AT, **times))  # fmt: skip
        nudges.append(dict(user_pk=n + 1, interview_id=interview_id, kind="thank_you_1", status="pending",
                           attempts=0, due_at=INTERVIEW_AT + timedelta(hours=3), **times))  # fmt: skip
    with database.transaction() as session:
        session.execute(insert(User), users)
        session.execute(insert(Interview), interviews)
        session.execute(insert(Nudge), nudges)
