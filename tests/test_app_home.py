"""The Slack App Home as a dashboard, kept up to date after each turn that changes it, and the slash
command typed in a channel, answered in the DM with an ephemeral word where it was typed."""

from __future__ import annotations

import asyncio
import json

from adapters.slack_blocks import home_view
from bot import actions
from bot.messages import Incoming
from tests.chat import Chat
from tests.helpers import TO_THE_REVIEW, slack_bot, slack_say
from tests.slack_fake import wait_for

HOME = {"type": "app_home_opened", "user": "U1", "channel": "DU1", "tab": "home", "event_ts": "1.2"}


def _click_from_home(value: str) -> dict:
    """A block_actions payload from a button on the App Home (a view, no channel)."""
    return {"container": {"type": "view", "view_id": "VHOME"}, "value": value}


def _buttons(view: dict) -> list[dict]:
    found = []
    for block in view["blocks"]:
        if "accessory" in block:
            found.append(block["accessory"])
        found += block.get("elements", []) if block["type"] == "actions" else []
    return found


def test_the_home_tab_is_a_dashboard_with_buttons_for_each_interview_and_reminder(service):
    async def scenario():
        async with slack_bot(service) as (fake, _, client):
            for line in [*TO_THE_REVIEW]:
                await slack_say(fake, client, line)
            assert await client.event(HOME) == 200
            await wait_for(lambda: fake.of("views.publish"))
            return fake.of("views.publish")[0]

    published = asyncio.run(scenario())
    view = published["view"] if isinstance(published["view"], dict) else json.loads(published["view"])
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    labels = [b["text"]["text"] for b in _buttons(view)]
    assert labels[:2] == ["New debrief", "Export my data"]
    assert "Resume 1: ACME" in labels
    assert (
        labels.count("A day later") == labels.count("Don't send it") >= 1
    )  # each reminder: later, or not at all
    interview = next(b for b in view["blocks"] if "accessory" in b and "ACME" in b["text"]["text"])
    assert "step 3 of 6" in interview["text"]["text"]  # its step and status, the button beside it


def test_the_dashboard_stays_within_slacks_hundred_blocks(service):
    chat = Chat(service)
    for number in range(15):
        chat.say("new" if number else "hi")
        chat.say(f"Company {number}")
    replies = service.look(Incoming(user=chat.user, kind="action", action=actions.command("home")))
    view = home_view(replies)
    assert len(view["blocks"]) <= 100
    opens = [b["accessory"]["text"]["text"] for b in view["blocks"] if "accessory" in b]
    assert opens[0] == "Resume 15: Company 14" and len(opens) == 10  # the latest ten, the latest first
    assert "Resume 5: Company 4" not in opens


def test_the_home_tab_is_published_again_after_a_turn_that_changes_it_and_only_then(service):
    async def scenario():
        async with slack_bot(service) as (fake, _, client):
            await slack_say(fake, client, "hi")
            assert await client.event(HOME) == 200
            await wait_for(lambda: len(fake.of("views.publish")) == 1)
            await slack_say(fake, client, "ACME")  # the interview now has a name: the Home changes
            await wait_for(lambda: len(fake.of("views.publish")) == 2)
            await slack_say(fake, client, "help")  # changes nothing shown there
            await asyncio.sleep(0.3)
            return fake.of("views.publish")

    published = asyncio.run(scenario())
    assert len(published) == 2
    assert "ACME" in json.dumps(published[1]["view"]) and "ACME" not in json.dumps(published[0]["view"])


def test_cancel_on_the_home_tab_answers_in_the_dm_and_the_reminder_leaves_the_home(service):
    async def scenario():
        async with slack_bot(service) as (fake, _, client):
            for line in TO_THE_REVIEW:
                await slack_say(fake, client, line)
            await slack_say(fake, client, "later")
            assert await client.event(HOME) == 200
            await wait_for(lambda: fake.of("views.publish"))
            home = fake.of("views.publish")[-1]["view"]
            cancel = next(b for b in _buttons(home) if b["text"]["text"] == "Don't send it")
            before, published = len(fake.of("chat.postMessage")), len(fake.of("views.publish"))
            assert await client.click(cancel["value"], container="view") == 200
            await wait_for(lambda: len(fake.of("views.publish")) > published)
            return home, fake.of("chat.postMessage")[before:], fake.of("views.publish")[-1]["view"]

    home, answered, after = asyncio.run(scenario())
    assert answered and all(p["channel"] == "DU1" for p in answered)
    assert "Cancelled: the thank-you reminder about *ACME*" in json.dumps(answered)
    assert len(_buttons(after)) < len(_buttons(home))  # one reminder fewer


def test_slash_command_in_a_channel_answers_in_the_dm_with_an_ephemeral_pointer(service):
    async def scenario():
        async with slack_bot(service) as (fake, _, client):
            assert await client.command("status", channel="C0001", response_url=fake.response_url) == 200
            await wait_for(lambda: fake.responses)
            assert await client.command("help", channel="DU1", response_url=fake.response_url) == 200
            await wait_for(lambda: len(fake.of("chat.postMessage")) >= 2)
            await asyncio.sleep(0.3)
            return fake

    fake = asyncio.run(scenario())
    assert fake.responses == [
        {
            "response_type": "ephemeral",
            "text": "I've answered in our direct message, so your notes stay between us.",
        }
    ]  # once: typed in the DM itself, no pointer is needed
    assert {p["channel"] for p in fake.of("chat.postMessage")} == {"DU1"}


def test_a_reminder_tied_to_an_interview_offers_no_day_later(service):
    chat = Chat(service)
    chat.say("I have an interview at Initech on monday 5pm")
    replies = service.look(Incoming(user=chat.user, kind="action", action=actions.command("home")))
    tied = [r for r in replies if "interview reminder" in r.text]  # the prep before, the debrief after
    assert len(tied) == 2
    assert all([b.label for b in r.buttons] == ["Don't send it"] for r in tied)  # a day later: too late
