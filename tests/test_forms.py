"""Edit in place: a longer answer (a letter, "what did you answer?") typed in a box of its own, a Slack
or Discord modal or the console's $EDITOR, prefilled, and sent back through the service as the
answer to exactly the question that offered it: once, whatever the platform replays, and never lost
when it arrives after the conversation moved on."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from bot import actions
from bot.messages import Form, Incoming
from tests.chat import Chat
from tests.helpers import TO_THE_REVIEW, discord_bot, discord_settled, discord_text, slack_bot, slack_say
from tests.slack_fake import wait_for

NEW_LETTER = (
    "Dear Hiring Team,\n\nThank you for the conversation about the Designer role. The growth plans you "
    "described are exactly the work I want to do next.\n\nBest wishes,\nMaya Rivera"
)


# From "hi" to the first question they asked, whose answer comes next.
TO_THE_FIRST_ANSWER = ("hi", "ACME", "Designer", "done", "just now", "skip", "Email")


def _at_the_letters(chat: Chat) -> None:
    for line in TO_THE_REVIEW:
        chat.say(line)


def _form(chat: Chat) -> Form:
    [form] = [r.form for r in chat.replies if r.form is not None]
    return form


def test_edit_letter_offers_a_box_prefilled_with_the_draft_and_keeps_what_comes_back(service):
    chat = Chat(service)
    _at_the_letters(chat)
    chat.click("Edit letter to Hiring Team")
    form = _form(chat)
    assert form.initial.startswith("Dear Hiring Team,") and "growth plans" in form.initial
    assert (
        form.at_once and form.title == "Edit your letter" and form.label == "Your letter to the hiring team"
    )
    assert "Edit in a text box" in chat.last

    chat.replies = service.handle(
        Incoming(user=chat.user, kind="action", action=form.submit, text=NEW_LETTER, event_id="form-2")
    )
    assert "exactly the work I want to do next" in chat.last  # the review shows their version
    # The platform delivers the same submission again: nothing happens twice.
    again = service.handle(
        Incoming(user=chat.user, kind="action", action=form.submit, text=NEW_LETTER, event_id="form-2")
    )
    assert again == []


def test_an_empty_box_is_asked_again_and_loses_nothing(service):
    chat = Chat(service)
    _at_the_letters(chat)
    chat.click("Edit letter to Hiring Team")
    form = _form(chat)
    chat.replies = service.handle(Incoming(user=chat.user, kind="action", action=form.submit, text="  \n "))
    assert "I didn't catch anything there" in chat.last
    assert _form(chat).submit == form.submit  # still at the same question, with its box


def test_a_box_sent_after_the_conversation_moved_on_is_handed_back_to_copy(service):
    chat = Chat(service)
    _at_the_letters(chat)
    chat.click("Edit letter to Hiring Team")
    late = _form(chat)
    chat.say(NEW_LETTER)  # pasted as a message instead: the question is answered
    chat.click("Mark as sent")
    chat.replies = service.handle(
        Incoming(user=chat.user, kind="action", action=late.submit, text="My own second version")
    )
    [handed_back] = [r.attachment for r in chat.replies if r.attachment is not None]
    assert handed_back.body == "My own second version"
    assert "arrived after we'd moved on" in chat.last


def test_a_long_free_text_answer_offers_the_box_too(service):
    chat = Chat(service)
    for line in (*TO_THE_FIRST_ANSWER, "Why this role?"):
        chat.say(line)
    form = _form(chat)
    assert "What did you answer?" in chat.last and "Type a longer answer" in chat.last
    assert form.label == "What did you answer?" and not form.at_once and form.initial == ""
    answer = "I said I like fixing messy onboarding; I gave the clinic booking example. " * 12
    chat.replies = service.handle(Incoming(user=chat.user, kind="action", action=form.submit, text=answer))
    assert "How did the interviewer react" in chat.last


def test_opening_the_box_where_there_is_none_asks_the_question_again(service):
    """A pipe has no editor: the click (typed as its number) just asks the question again."""
    chat = Chat(service)
    _at_the_letters(chat)
    chat.click("Edit letter to Hiring Team")
    chat.press(_form(chat).open)
    assert "Send me the whole letter to the hiring team" in chat.last
    assert actions.opens_form(_form(chat).open)


# ---------------------------------------------------------------------------------------- Slack


def test_slack_edit_letter_opens_a_modal_and_its_submission_is_the_answer(service):
    async def scenario():
        async with slack_bot(service) as (fake, _, client):
            for line in TO_THE_REVIEW:
                review = await slack_say(fake, client, line)
            before = len(fake.of("chat.postMessage"))
            assert await client.click(review.button("Edit letter to Hiring Team")) == 200
            await wait_for(lambda: fake.of("views.open"))
            [opened] = fake.of("views.open")
            view = json.loads(opened["view"]) if isinstance(opened["view"], str) else opened["view"]
            # The empty box is refused in the modal itself, with Slack's errors response.
            status, body = await client.submit_view(view, "   ", view_id="V1")
            assert status == 200 and json.loads(body)["response_action"] == "errors"
            posted = len(fake.of("chat.postMessage"))
            status, body = await client.submit_view(view, NEW_LETTER, view_id="V1")
            assert (status, body) == (200, "")  # closes the modal
            await wait_for(lambda: len(fake.of("chat.postMessage")) > posted)
            await asyncio.sleep(0.3)
            answered = len(fake.of("chat.postMessage"))
            status, _ = await client.submit_view(view, NEW_LETTER, view_id="V1")  # replayed
            await asyncio.sleep(0.5)
            return opened, view, before, posted, fake.of("chat.postMessage"), (status, answered)

    opened, view, before, posted, posts, (replay_status, answered) = asyncio.run(scenario())
    assert opened["trigger_id"] == "t"
    assert view["type"] == "modal" and view["callback_id"] == "debrief_form"
    assert view["title"]["text"] == "Edit your letter" and view["submit"]["text"] == "Save"
    [box] = [b for b in view["blocks"] if b["type"] == "input"]
    assert box["element"]["type"] == "plain_text_input" and box["element"]["multiline"] is True
    assert box["element"]["initial_value"].startswith("Dear Hiring Team,")
    assert box["element"]["max_length"] == 3000
    assert actions.parse(view["private_metadata"]).index == actions.FORM_TEXT
    # The click posted the prompt (with its button) too; the submission's answer went to the DM.
    assert any("Edit in a text box" in json.dumps(p["blocks"]) for p in posts[before:posted])
    after = posts[posted:]
    assert after and all(p["channel"] == "DU1" for p in after)
    assert "exactly the work I want to do next" in json.dumps([p["blocks"] for p in after])
    assert replay_status == 200 and len(posts) == answered  # the replay posted nothing more


async def _asked_what_they_answered(fake, client, question: str):
    """A debrief over Slack up to "What did you answer?" for `question`; that prompt's posts."""
    for line in TO_THE_FIRST_ANSWER:
        await slack_say(fake, client, line)
    return await slack_say(fake, client, question)


def test_slack_type_a_longer_answer_opens_the_box_for_the_pending_question(service):
    async def scenario():
        async with slack_bot(service) as (fake, _, client):
            asked = await _asked_what_they_answered(fake, client, "Tell me about a project you led")
            assert await client.click(asked.button("Type a longer answer")) == 200
            await wait_for(lambda: fake.of("views.open"))
            return fake.of("views.open")[0]

    opened = asyncio.run(scenario())
    view = json.loads(opened["view"]) if isinstance(opened["view"], str) else opened["view"]
    [hint] = [b for b in view["blocks"] if b["type"] == "context"]
    assert "Tell me about a project you led" in hint["elements"][0]["text"]
    [box] = [b for b in view["blocks"] if b["type"] == "input"]
    assert box["label"]["text"] == "What did you answer?" and "initial_value" not in box["element"]


# -------------------------------------------------------------------------------------- Discord


def test_discord_box_opens_as_a_modal_and_its_submission_is_the_answer_once(service):
    async def scenario():
        async with discord_bot(service) as (fake, _):
            for line in TO_THE_REVIEW:
                before = len(fake.posts)
                await fake.dm(line)
                await discord_settled(fake, before)
            review = next(p for p in reversed(fake.posts) if p["components"])
            before = len(fake.posts)
            await fake.click(review, "Edit letter to Hiring Team")
            prompt = (await discord_settled(fake, before))[-1]
            assert "Send me the whole letter" in prompt["content"]
            opened = await fake.click(prompt, "Edit in a text box")
            await wait_for(
                lambda: any(c["interaction_id"] == opened and c["type"] == 9 for c in fake.callbacks)
            )
            modal = fake.modal(opened)
            before = len(fake.posts)
            submitted = await fake.submit_modal(modal, NEW_LETTER)
            answer = await discord_settled(fake, before)
            await fake.submit_modal(modal, NEW_LETTER, interaction_id=submitted)  # replayed
            await asyncio.sleep(0.5)
            acks = [c for c in fake.callbacks if c["interaction_id"] == submitted]
            return modal, answer, len(fake.posts) - before, acks

    modal, answer, posted, acks = asyncio.run(scenario())
    assert modal["title"] == "Edit your letter"
    assert modal["custom_id"].startswith("debrief-form:ans:") and modal["custom_id"].endswith(":text")
    [row] = modal["components"]
    field = row["components"][0] if row["type"] == 1 else row["component"]
    assert field["type"] == 4 and field["style"] == 2 and field["max_length"] == 4000
    assert field["value"].startswith("Dear Hiring Team,")  # prefilled with the draft
    assert "exactly the work I want to do next" in discord_text(answer)
    assert posted == len(answer)  # the replay posted nothing more
    assert acks and all(a["type"] in (5, 6) for a in acks)  # deferred, within Discord's 3 seconds


# -------------------------------------------------------------------------------------- console


def test_console_opens_the_editor_on_a_terminal_and_hides_the_box_in_a_pipe(service, tmp_path):
    from adapters.console import ConsoleAdapter

    editor = tmp_path / "editor.py"
    seen = tmp_path / "seen.txt"
    editor.write_text(
        "import sys, pathlib\n"
        f"pathlib.Path({str(seen)!r}).write_text(pathlib.Path(sys.argv[1]).read_text())\n"
        f"pathlib.Path(sys.argv[1]).write_text({NEW_LETTER!r})\n"
    )

    def play(lines: list[str], *, pretty: bool) -> str:
        import io

        out = io.StringIO()
        adapter = ConsoleAdapter(
            service=service,
            user_name=f"maya-{pretty}",
            stdin=io.StringIO("".join(line + "\n" for line in lines)),
            stdout=out,
            pretty=pretty,
            editor=f"{sys.executable} {editor}",
        )
        asyncio.run(adapter.start())
        return out.getvalue()

    to_edit = [*TO_THE_REVIEW, "Edit letter to Hiring Team"]
    shown = play([*to_edit, "Edit in a text box"], pretty=True)
    assert seen.read_text().startswith("Dear Hiring Team,")  # the editor opened on the draft
    assert "exactly the work I want to do next" in shown  # and its text became the letter
    assert not list(Path(tmp_path).glob("debrief-*.txt"))  # no copy left behind

    piped = play(to_edit, pretty=False)
    assert "Edit in a text box" not in piped  # no editor through a pipe: paste the letter instead


def test_slack_a_box_that_cannot_open_in_time_says_so_in_the_dm(service):
    async def scenario():
        async with slack_bot(service) as (fake, _, client):
            asked = await _asked_what_they_answered(fake, client, "Why nursing?")
            fake.errors["views.open"] = "expired_trigger_id"
            before = len(fake.of("chat.postMessage"))
            assert await client.click(asked.button("Type a longer answer")) == 200
            await wait_for(lambda: len(fake.of("chat.postMessage")) > before)
            return fake.of("chat.postMessage")[before:]

    [said] = asyncio.run(scenario())
    assert "took too long to open" in said["text"] and said["channel"] == "DU1"


def test_console_says_when_the_editor_does_not_open(service, tmp_path):
    import io

    from adapters.console import ConsoleAdapter

    out = io.StringIO()
    lines = [*TO_THE_REVIEW, "Edit letter to Hiring Team", "Edit in a text box"]
    adapter = ConsoleAdapter(
        service=service, user_name="maya", export_dir=tmp_path, stdin=io.StringIO("".join(f"{x}\n" for x in lines)),
        stdout=out, pretty=True, editor="false",
    )  # fmt: skip
    asyncio.run(adapter.start())
    assert "Your editor (false) didn't open, so nothing changed." in out.getvalue()
