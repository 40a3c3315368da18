"""The console on a terminal (prompt_toolkit): a reminder prints above the prompt and the half-typed
line stays; the sped-up clock of `--time-scale` stands still while a line is being typed."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta

from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from adapters.console import ConsoleAdapter
from adapters.console_prompt import TerminalPrompt
from bot.clocks import ScaledClock
from bot.messages import Reply
from tests.slack_fake import wait_for


def test_a_reminder_prints_above_the_prompt_and_the_half_typed_answer_is_kept(service):
    typing: list[bool] = []
    out = io.StringIO()

    async def scenario() -> None:
        with create_pipe_input() as keys:
            prompt = TerminalPrompt(on_typing=typing.append, input=keys, output=DummyOutput())
            adapter = ConsoleAdapter(
                service=service, user_name="maya", stdout=out, pretty=True, prompt=prompt
            )
            chat = asyncio.create_task(adapter.start())
            await wait_for(lambda: "Debrief" in out.getvalue())  # the welcome
            keys.send_text("hi\r")
            await wait_for(lambda: "Which company was the interview with?" in out.getvalue())
            keys.send_text("ACM")  # half typed
            await wait_for(lambda: typing and typing[-1])
            await adapter.send(adapter.user, [Reply("Reminder: your notes fade within hours.")])
            assert "Reminder: your notes fade" in out.getvalue()
            keys.send_text("E\r")  # the rest of the word, and Enter
            await wait_for(lambda: "which role was it for at ACME?" in out.getvalue())
            keys.close()
            await asyncio.wait_for(chat, 10)

    asyncio.run(scenario())
    shown = out.getvalue()
    assert shown.index("Reminder: your notes fade") < shown.index("which role was it for at ACME?")
    assert typing[-1] is False  # the line was sent: no longer typing
    assert "Bye!" in shown  # Ctrl-D (end of input) ends the chat as before


def test_the_sped_up_clock_stands_still_while_a_line_is_typed():
    real = [datetime(2026, 12, 7, 9, 0, tzinfo=UTC)]
    clock = ScaledClock(3600, real=lambda: real[0])
    real[0] += timedelta(seconds=2)
    assert clock() == datetime(2026, 12, 7, 11, 0, tzinfo=UTC)  # two seconds: two hours
    clock.hold(True)
    real[0] += timedelta(seconds=30)  # half a minute typing an answer
    assert clock() == datetime(2026, 12, 7, 11, 0, tzinfo=UTC)
    clock.hold(True)  # still typing: no change
    clock.hold(False)
    real[0] += timedelta(seconds=1)
    assert clock() == datetime(2026, 12, 7, 12, 0, tzinfo=UTC)  # on from where it stood, no jump
