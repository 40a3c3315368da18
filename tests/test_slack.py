"""The Slack adapter: the real slack-bolt app over signed HTTP, against a loopback fake of Slack."""

from __future__ import annotations

import asyncio
import json
import time

from aiohttp import ClientSession
from sqlalchemy import select

from adapters.slack_blocks import escape, message, unescape
from adapters.slack_bot import SlackAdapter
from bot.messages import Attachment, Button, Reply, UserKey
from storage.models import Interview, ProcessedEvent
from tests.helpers import slack_bot, slack_http_run, texts
from tests.helpers import slack_say as say
from tests.helpers import slack_settled as settled
from tests.slack_fake import TEAM, FakeSlack, wait_for


def test_a_whole_debrief_in_a_slack_dm(service):
    async def scenario():
        async with slack_bot(service) as (fake, _, client):
            assert "Which company" in await say(fake, client, "hi")
            assert "which role was it for at ACME?" in await say(fake, client, "ACME")
            for line in ["Product Designer", "Dana Lee dana@acme.com", "done", "just now", "skip"]:
                reply = await say(fake, client, line)
            assert "by email or by post?" in reply
            before = len(fake.of("chat.postMessage"))
            await client.click(reply.button("Email"))
            assert "Step 1 of 6" in texts(await settled(fake, before))
            for line in ["Tell me about yourself", "My path", "Smiled", "done", "Good", "skip", "4", "yes", "2",
                         "done", "yes", "Rapport", "Pace", "skip", "skip"]:  # fmt: skip
                reply = await say(fake, client, line)
            assert "How should I sign your letters?" in reply and "Maya Rivera" in reply  # from users.info
            reply = await say(fake, client, "Maya Rivera")
            reply = await say(fake, client, "the onboarding plan")
            assert "```Dear Dana," in reply  # copy-ready
            assert "mailto:dana@acme.com?subject=Thank%20you" in reply
            before = len(fake.of("chat.postMessage"))
            await client.click(reply.button("Mark as sent"))
            assert "well-earned break" in texts(await settled(fake, before))
        with service.db.transaction() as session:
            interview = session.scalars(select(Interview)).one()
            assert interview.status == "done" and interview.answers["letter_review"] == "sent"

    asyncio.run(scenario())


def test_forged_or_stale_requests_get_401_and_touch_nothing(service):
    async def scenario():
        async with slack_bot(service) as (fake, _, client):
            body = json.dumps({"type": "event_callback", "team_id": TEAM, "event_id": "EvX",
                               "event": {"type": "message", "channel_type": "im", "user": "U1", "text": "hi",
                                         "channel": "DU1"}}).encode()  # fmt: skip
            forged = {"X-Slack-Signature": "v0=" + "0" * 64}
            assert await client.post(body, "application/json", **forged) == 401
            stale = str(int(time.time()) - 600)
            from tests.slack_fake import sign

            assert await client.post(body, "application/json", **sign(body, timestamp=int(stale))) == 401
            await asyncio.sleep(0.3)
            assert fake.of("chat.postMessage") == []
        with service.db.transaction() as session:
            assert session.scalars(select(ProcessedEvent)).all() == []

    asyncio.run(scenario())


def test_a_retried_event_is_handled_once(service):
    async def scenario():
        async with slack_bot(service) as (fake, _, client):
            await say(fake, client, "hi")
            before = len(fake.of("chat.postMessage"))
            assert await client.dm("ACME", event_id="EvRetry") == 200
            await settled(fake, before)
            after_first = len(fake.of("chat.postMessage"))
            assert await client.dm("ACME", event_id="EvRetry", **{"X-Slack-Retry-Num": "1",
                                                                   "X-Slack-Retry-Reason": "http_timeout"}) == 200  # fmt: skip
            await asyncio.sleep(0.5)
            assert len(fake.of("chat.postMessage")) == after_first
            assert "Who interviewed you?" in await say(fake, client, "Designer")

    asyncio.run(scenario())


def test_a_mention_in_a_channel_stores_no_notes_and_opens_a_dm(service):
    async def scenario():
        async with slack_bot(service) as (fake, _, client):
            event = {"type": "app_mention", "user": "U1", "text": "<@UBOT> my salary at ACME is 95k",
                     "ts": "1700000000.000100", "channel": "C0001", "event_ts": "1700000000.000100"}  # fmt: skip
            assert await client.event(event) == 200
            await wait_for(lambda: len(fake.of("chat.postMessage")) >= 2)
            in_channel = [p for p in fake.of("chat.postMessage") if p["channel"] == "C0001"]
            assert len(in_channel) == 1 and in_channel[0]["thread_ts"] == "1700000000.000100"
            assert "95k" not in json.dumps(fake.calls)  # never echoed anywhere
            assert fake.of("conversations.open")[0]["users"] == "U1"
            assert any(p["channel"] == "DU1" for p in fake.of("chat.postMessage"))
        with service.db.transaction() as session:
            assert session.scalars(select(Interview)).all() == []

    asyncio.run(scenario())


def test_own_and_other_bots_messages_and_edits_are_ignored(service):
    async def scenario():
        async with slack_bot(service) as (fake, _, client):
            base = {"type": "message", "channel": "DU1", "channel_type": "im", "ts": "1.1"}
            await client.event({**base, "user": "U2", "bot_id": "B2", "text": "I am a bot"})
            await client.event({**base, "subtype": "message_changed", "message": {"text": "edited"}})
            await client.event({**base, "user": "UBOT", "text": "my own words"})
            await asyncio.sleep(0.5)
            assert fake.of("chat.postMessage") == []

    asyncio.run(scenario())


def test_a_nudge_is_posted_to_the_persons_dm_and_a_429_is_waited_out(service):
    async def scenario():
        async with slack_bot(service) as (fake, adapter, _):
            fake.rate_limited["chat.postMessage"] = 1
            started = time.monotonic()
            await adapter.send(UserKey("slack", TEAM, "U1"), [Reply("Any news from **ACME**?")])
            assert time.monotonic() - started >= 1.0  # Retry-After: 1
            assert [name for name, _ in fake.calls if name.startswith("chat")] == [
                "chat.postMessage:429",
                "chat.postMessage",
            ]
            [post] = fake.of("chat.postMessage")
            assert post["channel"] == "DU1" and "*ACME*" in json.dumps(post["blocks"])

    asyncio.run(scenario())


def test_the_slash_command_answers_in_the_dm_not_the_channel(service):
    async def scenario():
        async with slack_bot(service) as (fake, _, client):
            assert await client.command("status", channel="C0001") == 200
            await wait_for(lambda: fake.of("chat.postMessage"))
            await asyncio.sleep(0.2)
            assert all(p["channel"] == "DU1" for p in fake.of("chat.postMessage"))
            assert "no debrief in progress" in texts(fake.of("chat.postMessage"))

    asyncio.run(scenario())


def test_app_home_shows_interviews_and_reminders(service):
    async def scenario():
        async with slack_bot(service) as (fake, _, client):
            await say(fake, client, "hi")
            await say(fake, client, "ACME")
            await client.event({"type": "app_home_opened", "user": "U1", "channel": "DU1", "tab": "home",
                                "event_ts": "1.2"})  # fmt: skip
            await wait_for(lambda: fake.of("views.publish"))
            [publish] = fake.of("views.publish")
            assert publish["user_id"] == "U1"
            shown = json.dumps(publish["view"])
            assert "ACME" in shown and "Coming up" in shown

    asyncio.run(scenario())


def test_health_route(service):
    async def scenario():
        async with slack_bot(service) as (_, adapter, _client), ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{adapter.port}/health") as response:
                assert response.status == 200

    asyncio.run(scenario())


def test_echoed_text_never_pings_anyone():
    reply = Reply("Company: **<!channel> <@U999> & co**", (Button("<!here>", "x"),),
                  Attachment("Letter", "Dear <!everyone>,", "a@b.example", "Hi"))  # fmt: skip
    posted = json.dumps(message(reply))
    assert "<!channel>" not in posted and "<@U999>" not in posted and "<!everyone>" not in posted
    assert "&lt;!channel&gt;" in posted
    assert unescape(escape("a < b & c > d")) == "a < b & c > d"


def test_long_replies_and_many_buttons_stay_within_slack_limits():
    reply = Reply("x" * 7000, tuple(Button(f"Option {n} " + "y" * 100, f"v{n}") for n in range(30)))
    rendered = message(reply)
    sections = [b for b in rendered["blocks"] if b["type"] == "section"]
    assert all(len(b["text"]["text"]) <= 3000 for b in sections) and len(sections) == 3
    actions = [b for b in rendered["blocks"] if b["type"] == "actions"]
    assert [len(b["elements"]) for b in actions] == [25, 5]
    assert all(len(e["text"]["text"]) <= 75 for b in actions for e in b["elements"])


def test_socket_mode_receives_over_the_websocket_acks_and_dedupes_a_redelivery(service):
    from tests.slack_fake import dm_event, event_envelope

    async def scenario():
        fake = FakeSlack()
        await fake.start()
        adapter = SlackAdapter(
            service=service, bot_token="xoxb-test", app_token="xapp-test", api_url=fake.url
        )
        await adapter.start()
        try:
            await wait_for(lambda: fake.sockets)
            first = await fake.push(event_envelope(dm_event("hi"), "EvS1"))
            await wait_for(lambda: fake.of("chat.postMessage"))
            assert first in fake.acks
            assert "Which company" in texts(await settled(fake, 0))
            count = len(fake.of("chat.postMessage"))
            await fake.push(event_envelope(dm_event("hi"), "EvS1"), retry_attempt=1)  # Slack redelivers
            await asyncio.sleep(0.5)
            assert len(fake.of("chat.postMessage")) == count
        finally:
            await adapter.stop()
            await fake.stop()

    asyncio.run(scenario())


def test_debrief_run_serves_slack_over_http_and_stops_cleanly_without_leaking_the_token(tmp_path):
    async def scenario():
        secret = {"SLACK_BOT_TOKEN": "xoxb-very-secret-token", "DEBRIEF_LOG_LEVEL": "INFO"}
        async with slack_http_run(tmp_path / "d.sqlite3", **secret) as run:
            assert "Which company" in texts(run.fake.of("chat.postMessage"))  # "hi" answered over HTTP
        assert run.process.returncode == 0, run.errors.decode()
        assert b"very-secret" not in run.errors and b"Debrief is running on Slack." in run.errors
        assert b"Slack: listening on" in run.errors  # HTTP mode

    asyncio.run(scenario())


def test_export_arrives_as_a_file_in_the_dm(service):
    async def scenario():
        async with slack_bot(service) as (fake, _, client):
            await say(fake, client, "hi")
            await say(fake, client, "ACME")
            before = len(fake.of("files.completeUploadExternal"))
            assert await client.dm("export") == 200
            await wait_for(lambda: len(fake.of("files.completeUploadExternal")) > before)
            [complete] = fake.of("files.completeUploadExternal")
            assert complete["channel_id"] == "DU1"
            [content] = fake.uploads.values()
            assert content.decode().startswith("# Your Debrief data") and b"## 1. ACME" in content

    asyncio.run(scenario())


def test_bold_and_italic_become_slack_mrkdwn():
    from adapters.slack_blocks import mrkdwn

    assert mrkdwn("I'm **Debrief**, say *today 2pm*.") == "I'm *Debrief*, say _today 2pm_."


def test_slack_markup_in_what_people_type_becomes_plain_words():
    assert unescape("Dana Lee <mailto:dana@acme.com|dana@acme.com>") == "Dana Lee dana@acme.com"
    assert unescape("see <https://acme.io|acme.io> and <https://x.example/a?b=1&amp;c=2>") == (
        "see acme.io and https://x.example/a?b=1&c=2"
    )
    assert unescape("ask <@U123|dana> in <#C42|design> &lt;3") == "ask @dana in #design <3"
    assert unescape("<!here> hi") == "@here hi"


PASTED = "I said we'd swap one nurse from days.\nThen I'd call the agency.\nAnd I'd tell the family myself."


def test_a_pasted_answer_of_several_lines_arrives_whole_with_its_last_line(service):
    async def scenario():
        async with slack_bot(service) as (fake, _, client):
            for line in ["hi", "ACME", "Charge nurse", "done", "just now", "skip"]:
                reply = await say(fake, client, line)
            before = len(fake.of("chat.postMessage"))
            await client.click(reply.button("Email"))
            await settled(fake, before)
            await say(fake, client, "What would you do two RNs short?")
            await say(fake, client, PASTED)
        with service.db.transaction() as session:
            [asked] = session.scalars(select(Interview)).one().answers["questions"]
            assert PASTED in asked.values()

    asyncio.run(scenario())


def test_an_emailed_interviewer_typed_in_slack_is_read_as_in_any_chat(service):
    async def scenario():
        async with slack_bot(service) as (fake, _, client):
            for line in ["hi", "ACME", "Designer"]:
                await say(fake, client, line)
            assert "Added *Dana Lee*" in await say(
                fake, client, "Dana Lee <mailto:dana@acme.com|dana@acme.com>"
            )
        with service.db.transaction() as session:
            interview = session.scalars(select(Interview)).one()
            assert interview.answers["interviewers"] == [{"name": "Dana Lee", "email": "dana@acme.com"}]

    asyncio.run(scenario())


def test_the_slash_command_in_a_dm_between_two_people_answers_in_the_bots_own_dm(service):
    async def scenario():
        async with slack_bot(service) as (fake, _, client):
            assert await client.command("help", channel="D999") == 200
            await wait_for(lambda: fake.of("chat.postMessage"))
            assert {p["channel"] for p in fake.of("chat.postMessage")} == {"DU1"}

    asyncio.run(scenario())


def test_opening_app_home_saves_nothing(service):
    async def scenario():
        async with slack_bot(service) as (fake, _, client):
            await client.event(
                {"type": "app_home_opened", "user": "U1", "channel": "DU1", "tab": "home", "event_ts": "1.2"}
            )
            await wait_for(lambda: fake.of("views.publish"))
            assert "I'm *Debrief*" in await say(fake, client, "hi")  # the first welcome is still to come

    asyncio.run(scenario())


def test_a_redelivered_mention_points_to_the_dm_once(service):
    async def scenario():
        async with slack_bot(service) as (fake, _, client):
            event = {
                "type": "app_mention",
                "user": "U1",
                "text": "<@UBOT> hello",
                "ts": "1.5",
                "channel": "C0001",
                "event_ts": "1.5",
            }
            await client.event(event, event_id="EvM")
            await wait_for(lambda: fake.of("chat.postMessage"))
            await client.event(event, event_id="EvM", **{"X-Slack-Retry-Num": "1"})
            await asyncio.sleep(0.5)
            assert len([p for p in fake.of("chat.postMessage") if p["channel"] == "C0001"]) == 1

    asyncio.run(scenario())


def test_a_persons_messages_are_answered_in_the_order_sent_while_users_info_is_slow(service):
    async def scenario():
        async with slack_bot(service) as (fake, _, client):
            fake.slow["users.info"] = [0.5]  # the profile fetched before Maya's first turn takes a while
            assert await client.dm("hi") == 200
            await asyncio.sleep(0.1)  # she types the company name right away
            assert await client.dm("ACME") == 200

            def posts() -> list[str]:
                return [texts([post]) for post in fake.of("chat.postMessage")]

            # Both answered: the role asked next, or (overtaken) the company asked twice.
            await wait_for(lambda: sum("Which company" in p or "which role" in p for p in posts()) >= 2)
            answers = [p for p in posts() if "Which company" in p or "which role" in p]
            assert "which role was it for at ACME?" in answers[1], posts()
        with service.db.transaction() as session:
            assert session.scalars(select(Interview.company)).one() == "ACME"

    asyncio.run(scenario())
