"""The console's prompt on a terminal (prompt_toolkit): a reminder prints above the prompt and the
line being typed stays as it was; a paste (a whole letter) arrives as one message; and `on_typing`
hears when a line starts and stops being typed (the sped-up clock holds still meanwhile).

Only for a terminal: a pipe reads plain lines (adapters/console.py), exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.buffer import Buffer

PROMPT = "\033[2myou ›\033[0m "


class TerminalPrompt:
    """One prompt_toolkit session for the whole chat. `input`/`output` are prompt_toolkit's (tests
    give a pipe and a dummy screen); by default, the terminal."""

    def __init__(
        self, *, on_typing: Callable[[bool], None] | None = None, input: Any = None, output: Any = None
    ) -> None:
        from prompt_toolkit import PromptSession
        from prompt_toolkit.formatted_text import ANSI

        self.on_typing = on_typing
        self.session: PromptSession[str] = PromptSession(ANSI(PROMPT), input=input, output=output)
        if on_typing is not None:
            self.session.default_buffer.on_text_changed += self._changed

    def _changed(self, buffer: Buffer) -> None:
        assert self.on_typing is not None
        self.on_typing(bool(buffer.text))

    async def line(self) -> str:
        """The next message with its newline; "" at the end of input (Ctrl-D on an empty line)."""
        try:
            text = await self.session.prompt_async()
        except EOFError:
            return ""
        finally:
            if self.on_typing is not None:
                self.on_typing(False)
        return text + "\n"

    async def above(self, write: Callable[[], None]) -> None:
        """Print while the prompt may be up: above it, the line being typed kept as it was."""
        from prompt_toolkit.application import run_in_terminal

        if self.session.app.is_running:
            await run_in_terminal(write)
        else:
            write()
