"""The Discord adapter: the real discord.py client against a loopback Discord (REST and gateway)."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from adapters.discord_bot import DiscordAdapter, split_text
from bot.messages import Reply, UserKey
from storage.models import Interview
from tests.discord_fake import BOT, FOLLOWUP, MAYA, FakeDiscord
from tests.helpers import debrief_run, discord_bot, env_for
from tests.helpers import discord_say as say
from tests.helpers import discord_settled as settled
from tests.helpers import discord_text as text
from tests.slack_fake import wait_for


def test_a_whole_debrief_in_a_discord_dm(service):
    async def scenario():
        async with discord_bot(service) as (fake, _):
            assert "Which company" in text(await say(fake, "hi"))
            for line in ["ACME", "Product Designer", "Dana Lee dana@acme.com", "done", "just now", "skip"]:
                posts = await say(fake, line)
            assert "by email or by post?" in text(posts)
            before = len(fake.posts)
            await fake.click(posts[-1], "Email")
            assert "Step 1 of 6" in text(await settled(fake, before))
            for line in ["Tell me about yourself", "My path", "Smiled", "done", "Good", "skip", "4", "yes", "2",
                         "done", "yes", "Rapport", "Pace", "skip", "skip", "Maya Rivera"]:  # fmt: skip
                posts = await say(fake, line)
            posts = await say(fake, "the onboarding plan")
            assert "```\nDear Dana," in text(posts)
            before = len(fake.posts)
            await fake.click(posts[-1], "Mark as sent")
            assert "well-earned break" in text(await settled(fake, before))
            assert all(p["allowed_mentions"] == {"parse": []} for p in fake.posts)
        with service.db.transaction() as session:
            assert session.scalars(select(Interview)).one().answers["letter_review"] == "sent"

    asyncio.run(scenario())


def test_a_pasted_answer_of_several_lines_arrives_whole_with_its_last_line(service):
    pasted = (
        "I said we'd swap one nurse from days.\nThen I'd call the agency.\nAnd I'd tell the family myself."
    )

    async def scenario():
        async with discord_bot(service) as (fake, _):
            for line in ["hi", "ACME", "Charge nurse", "done", "just now", "skip"]:
                posts = await say(fake, line)
            before = len(fake.posts)
            await fake.click(posts[-1], "Email")
            await settled(fake, before)
            await say(fake, "What would you do two RNs short?")
            await say(fake, pasted)
        with service.db.transaction() as session:
            [asked] = session.scalars(select(Interview)).one().answers["questions"]
            assert pasted in asked.values()

    asyncio.run(scenario())


def test_a_replayed_message_is_handled_once(service):
    async def scenario():
        async with discord_bot(service) as (fake, _):
            await say(fake, "hi")
            before = len(fake.posts)
            await fake.dm("ACME", message_id="4242")
            await settled(fake, before)
            after = len(fake.posts)
            await fake.dm("ACME", message_id="4242")  # replayed after a reconnect
            await asyncio.sleep(0.5)
            assert len(fake.posts) == after

    asyncio.run(scenario())


def test_a_mention_in_a_server_stores_no_notes_and_opens_a_dm(service):
    async def scenario():
        async with discord_bot(service) as (fake, _):
            await fake.guild_message("<@1000> my salary at ACME is 95k", mentions=[BOT])
            await wait_for(lambda: any(p["channel_id"] == "777" for p in fake.posts))  # the DM comes first
            in_server = [p for p in fake.posts if p["channel_id"] == "777"]
            assert len(in_server) == 1 and "sent you a direct message" in in_server[0]["content"]
            assert any(p["channel_id"] == "542" for p in fake.posts)
            assert "95k" not in text(fake.posts)
        with service.db.transaction() as session:
            assert session.scalars(select(Interview)).all() == []

    asyncio.run(scenario())


def test_bots_messages_are_ignored(service):
    async def scenario():
        async with discord_bot(service) as (fake, _):
            await fake.dm("hello", author={**MAYA, "id": "43", "bot": True})
            await fake.dm("my own words", author=BOT)
            await asyncio.sleep(0.5)
            assert fake.posts == []

    asyncio.run(scenario())


def test_a_nudge_arrives_in_the_dm_long_replies_split_and_nobody_is_pinged(service):
    async def scenario():
        async with discord_bot(service) as (fake, adapter):
            long = "\n".join(f"line {n} " + "x" * 40 for n in range(50))  # about 2,500 characters
            await adapter.send(
                UserKey("discord", "global", "42"), [Reply(long), Reply("Hey @everyone <@42>!")]
            )
            posts = fake.posts
            assert [p["channel_id"] for p in posts] == ["542"] * 3
            assert len(posts[0]["content"]) <= 2000 and len(posts[1]["content"]) <= 2000
            assert posts[0]["content"] + "\n" + posts[1]["content"] == long
            assert posts[2]["content"] == "Hey @everyone <@42>!" and posts[2]["allowed_mentions"] == {
                "parse": []
            }

    asyncio.run(scenario())


def test_split_text_cuts_at_lines():
    assert split_text("a" * 10 + "\n" + "b" * 10, size=15) == ["a" * 10, "b" * 10]
    assert all(len(p) <= 2000 for p in split_text("y" * 4500))


def test_slash_command_in_a_server_answers_privately(service):
    async def scenario():
        async with discord_bot(service) as (fake, _):
            await fake.slash("status", in_guild=True)
            await wait_for(lambda: fake.posts)
            await asyncio.sleep(0.3)
            assert all(p["channel_id"] == FOLLOWUP and p["flags"] == 64 for p in fake.posts)  # ephemeral
            assert "no debrief in progress" in text(fake.posts)

    asyncio.run(scenario())


def test_a_replayed_button_click_is_handled_once(service):
    async def scenario():
        async with discord_bot(service) as (fake, _):
            for line in ["hi", "ACME", "Designer", "done", "just now"]:
                await say(fake, line)
            posts = await say(fake, "skip")
            before = len(fake.posts)
            await fake.click(posts[-1], "Email", interaction_id="77001")
            await settled(fake, before)
            after = len(fake.posts)
            await fake.click(posts[-1], "Email", interaction_id="77001")  # replayed after a reconnect
            await asyncio.sleep(0.5)
            assert len(fake.posts) == after

    asyncio.run(scenario())


def test_a_process_without_the_gateway_still_sends_reminders_over_rest(service):
    async def scenario():
        fake = FakeDiscord()
        await fake.start()
        adapter = DiscordAdapter(
            service=service, token="t", api_url=fake.api_url, gateway_url=fake.gateway_url, gateway=False
        )
        await adapter.start()
        try:
            await adapter.send(UserKey("discord", "global", "42"), [Reply("Any news from **ACME**?")])
            assert fake.sockets == []  # never connected to the gateway
            assert [p["channel_id"] for p in fake.posts] == ["542"]
        finally:
            await adapter.stop()
            await fake.stop()

    asyncio.run(scenario())


def test_the_invite_link_asks_for_the_least_permissions():
    import base64
    from urllib.parse import parse_qs, urlparse

    from adapters.discord_invite import application_id, invite_url

    token = base64.b64encode(b"123456789012345678").decode().rstrip("=") + ".Gx.y"
    assert application_id(token) == "123456789012345678"
    assert application_id("not a token") is None
    query = parse_qs(urlparse(invite_url("123456789012345678")).query)
    assert query["scope"] == ["bot applications.commands"]
    assert int(query["permissions"][0]) == 1024 + 2048 + 65536 + (1 << 38)


def test_start_up_fails_clearly_when_discord_refuses_the_gateway(service):
    async def scenario():
        fake = FakeDiscord()
        fake.refuse_with = 4014  # "disallowed intents"
        await fake.start()
        adapter = DiscordAdapter(
            service=service, token="t", api_url=fake.api_url, gateway_url=fake.gateway_url
        )
        try:
            await asyncio.wait_for(adapter.start(), 20)
        except RuntimeError as exc:
            assert "Discord refused the connection" in str(exc)
        else:
            raise AssertionError("start() must fail, not wait forever")
        finally:
            await adapter.stop()
            await fake.stop()

    asyncio.run(scenario())


def test_debrief_run_on_discord_says_in_one_line_when_discord_refuses(tmp_path):

    async def scenario():
        fake = FakeDiscord()
        fake.refuse_with = 4004  # "authentication failed"
        await fake.start()
        env = env_for(
            f"sqlite:///{tmp_path / 'd.sqlite3'}",
            DISCORD_TOKEN="secret-token-value",
            DISCORD_API_URL=fake.api_url,
            DISCORD_GATEWAY_URL=fake.gateway_url,
        )
        process = await debrief_run(env)
        try:
            _, errors = await asyncio.wait_for(process.communicate(), 60)
        finally:
            await fake.stop()
        return process.returncode, errors.decode()

    code, errors = asyncio.run(scenario())
    assert code == 1
    assert "debrief: Discord refused the connection" in errors
    assert "secret-token-value" not in errors and "Traceback" not in errors


def test_a_persons_messages_are_answered_in_the_order_sent(service):
    import time

    real_handle, seen = service.handle, []

    def slow_first(incoming):  # the first turn is slow to get going (a busy thread pool, a slow disk)
        seen.append(incoming.text)
        if len(seen) == 1:
            time.sleep(0.5)
        return real_handle(incoming)

    service.handle = slow_first

    async def scenario():
        async with discord_bot(service) as (fake, _):
            await fake.dm("hi")
            await asyncio.sleep(0.1)  # she types the company name right away
            await fake.dm("ACME")

            def answers() -> list[str]:
                return [
                    p["content"]
                    for p in fake.posts
                    if "Which company" in p["content"] or "which role" in p["content"]
                ]

            await wait_for(
                lambda: len(answers()) >= 2
            )  # the role asked next, or (overtaken) the company twice
            assert "which role was it for at ACME?" in answers()[1], text(fake.posts)
        with service.db.transaction() as session:
            assert session.scalars(select(Interview.company)).one() == "ACME"

    asyncio.run(scenario())
