"""The local console chat: one message per line in, replies as plain text with numbered options."""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import io
import os
import re
import select
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot import calendars, warming
from bot.inputs import loose
from bot.messages import Button, Form, Incoming, Reply, UserKey
from bot.service import ConversationService

if TYPE_CHECKING:
    from adapters.console_prompt import TerminalPrompt

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
_ITALIC = re.compile(r"(?<![\w*])[*_](?!\s)(.+?)(?<!\s)[*_](?![\w*])", re.S)
REMINDERS_KEPT = 5  # reminders whose options can still be typed by their label
_SAFE_NAME = re.compile(r"[^\w.-]+")
_ANSI_BOLD, _ANSI_DIM, _ANSI_RESET = "\033[1m", "\033[2m", "\033[0m"
# Bracketed paste: a terminal that supports it wraps pasted text in these markers, so a paste is
# known to be one message however it ends (its last line arrives only when Enter is pressed).
_PASTE_ON, _PASTE_OFF = "\033[?2004h", "\033[?2004l"
_PASTE_START, _PASTE_END = "\x1b[200~", "\x1b[201~"


def _more_waiting(stream: TextIO, wait_s: float = 0.05) -> bool:
    """Whether more typed input is already on its way: pasted lines arrive within milliseconds."""
    try:
        ready, _, _ = select.select([stream], [], [], wait_s)
    except (OSError, ValueError, io.UnsupportedOperation):
        return False
    return bool(ready)


def console_user(name: str) -> UserKey:
    return UserKey("console", "local", name.strip().casefold() or "me")


def render(replies: list[Reply], *, pretty: bool = False, first_number: int = 1) -> str:
    """Replies as terminal text: markdown emphasis dropped (or bold on a terminal), options numbered."""
    blocks = []
    number = first_number - 1
    for reply in replies:
        text = _BOLD.sub(_ANSI_BOLD + r"\1" + _ANSI_RESET if pretty else r"\1", reply.text)
        text = _ITALIC.sub(r"\1", text)
        lines = [text]
        if reply.attachment is not None:
            to = f" (to: {reply.attachment.email_to})" if reply.attachment.email_to else ""
            subject = (
                f"Subject: {reply.attachment.email_subject}\n\n" if reply.attachment.email_subject else ""
            )
            lines += [f"----- {reply.attachment.title}{to} -----", subject + reply.attachment.body, "-----"]
        for button in reply.buttons:
            number += 1
            lines.append(f"  {number}) {button.label}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def write_private(folder: Path, name: str, text: str) -> Path:
    """Write `text` to a new file readable by its owner alone, in a folder only they can open.

    The mode is set when the file is created, not after; a name already taken gets "-2", "-3"…,
    so two exports in the same minute never overwrite each other.
    """
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    stem, suffix = Path(name).stem, Path(name).suffix
    for n in range(1, 1000):
        path = folder / (name if n == 1 else f"{stem}-{n}{suffix}")
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
        return path
    raise FileExistsError(f"no free name for {name} in {folder}")


class ConsoleAdapter:
    """Chat with Debrief in a terminal or through a pipe. Exits at end of input."""

    def __init__(
        self,
        *,
        service: ConversationService,
        user_name: str | None,
        export_dir: Path | None = None,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        pretty: bool | None = None,
        on_first_prompt: Callable[[], Awaitable[None]] | None = None,
        editor: str | None = None,
        prompt: TerminalPrompt | None = None,
        on_typing: Callable[[bool], None] | None = None,
    ) -> None:
        self.service = service
        self.on_first_prompt = on_first_prompt  # what can wait until the first prompt is up
        # Without a name given, the person is this machine's login, which is no name to sign with.
        self.user = console_user(user_name or getpass.getuser())
        self.display_name = (user_name or "").strip() or None
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.pretty = self.stdin.isatty() and self.stdout.isatty() if pretty is None else pretty
        # On a real terminal, prompt_toolkit's prompt; through a pipe (or in tests) plain lines.
        if prompt is None and self.pretty and _real_terminal(self.stdin, self.stdout):
            from adapters.console_prompt import TerminalPrompt

            prompt = TerminalPrompt(on_typing=on_typing)
        self.prompt = prompt
        self.export_dir = export_dir or Path.cwd()
        # What typing a number clicks: the latest option shown with that number. A reminder's options
        # keep their numbers until a later message shows options with the same numbers, and their
        # labels can be typed while it is one of the last few (a click twice is the engine's to tell).
        self.numbers: dict[int, Button] = {}
        self.reminder_options: list[tuple[Button, ...]] = []
        # A longer answer opens in the person's editor, on a terminal only (a pipe pastes instead).
        self.editor = (editor or default_editor()) if self.pretty else None
        self.forms: dict[str, Form] = {}  # the boxes on screen, by the action that opens each
        self._held: list[list[Reply]] = []  # reminders that came while the editor had the screen
        self._editing = False
        self._stopping = False
        service.on_forget(self._forget_files)

    async def start(self) -> None:
        marks_pastes = self.pretty and self.prompt is None  # prompt_toolkit marks pastes itself
        if marks_pastes:
            self.stdout.write(_PASTE_ON)
        try:
            await self._chat()
        finally:
            if marks_pastes:
                self.stdout.write(_PASTE_OFF)
                self.stdout.flush()

    async def _chat(self) -> None:
        await self._turn(Incoming(user=self.user, kind="open", display_name=self.display_name))
        # The first prompt is up: the date reader loads while the person reads it and types.
        threading.Thread(target=warming.warm_up, name="warm-up", daemon=True).start()
        if self.on_first_prompt is not None:
            await self.on_first_prompt()
        while not self._stopping:
            if self.prompt is not None:
                line = await self.prompt.line()
            else:
                if self.pretty:
                    self.stdout.write(f"{_ANSI_DIM}you ›{_ANSI_RESET} ")
                    self.stdout.flush()
                line = await self._next_line()
            if not line:  # end of input
                if self.pretty:
                    self.stdout.write(
                        "\nBye! Your notes are saved; run it again to pick up where you left off.\n"
                    )
                break
            path = calendar_path(line.rstrip("\n"))
            if path is not None:  # an invitation saved as .ics: shared by naming it
                calendar = read_calendar_file(path)
                if calendar is None:
                    self._print([Reply(self.service.flow.message("calendar_file_unread", name=path.name))])
                    continue
                incoming = Incoming(
                    user=self.user, text="", calendar=calendar, display_name=self.display_name
                )
            else:
                incoming = self._incoming(line.rstrip("\n"))
            form = self.forms.get(incoming.action or "")
            if form is not None:
                incoming = await self._edit(form) or incoming
            await self._turn(incoming)

    async def stop(self) -> None:
        self._stopping = True

    async def connected(self) -> bool:
        return not self._stopping

    async def send(self, user: UserKey, replies: list[Reply]) -> None:
        """A nudge. Its options are numbered after those already on screen, which keep their numbers."""
        if user == self.user and replies:
            if self._editing:  # the editor has the screen: shown once it is closed
                self._held.append(replies)
                return
            if self.prompt is not None:  # above the prompt, what is being typed kept
                await self.prompt.above(lambda: self._print(replies, reminder=True))
                return
            self._print(replies, reminder=True)

    async def _edit(self, form: Form) -> Incoming | None:
        """The form's text in the person's editor, prefilled, from a private file deleted after; the
        text saved there as the answer. None (the click as it is) if the editor would not run."""
        assert self.editor is not None  # forms are kept only when there is one
        self._editing = True
        marks_pastes = self.prompt is None
        if marks_pastes:
            self.stdout.write(_PASTE_OFF)
            self.stdout.flush()
        try:
            text = await asyncio.to_thread(edit_in, self.editor, form.initial)
        finally:
            if marks_pastes:
                self.stdout.write(_PASTE_ON)
            self._editing = False
            for held in self._held:
                self._print(held, reminder=True)
            self._held = []
        if text is None:
            self._print(
                [Reply(self.service.flow.message("editor_failed", editor=self.editor))], reminder=True
            )
            return None
        return Incoming(
            user=self.user, kind="action", action=form.submit, text=text, display_name=self.display_name
        )

    async def _next_line(self) -> str:
        """Wait for the next message without blocking the loop. A daemon thread reads it, so that
        Ctrl-C ends the chat at once instead of waiting for one more line."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[str] = loop.create_future()

        def read() -> None:
            try:
                line = self._read_message()
            except Exception as exc:  # handed to the waiting coroutine
                outcome: tuple[Callable[[Any], None], object] = (future.set_exception, exc)
            else:
                outcome = (future.set_result, line)
            with contextlib.suppress(RuntimeError):  # the loop is already gone: nothing waits
                loop.call_soon_threadsafe(lambda: future.done() or outcome[0](outcome[1]))

        threading.Thread(target=read, name="console-input", daemon=True).start()
        return await future

    def _read_message(self) -> str:
        """One message: a line, or on a terminal every line of a paste (such as a whole letter)."""
        message = self.stdin.readline()
        if not self.pretty or not message:
            return message
        if _PASTE_START in message:  # a marked paste: every line up to its end marker, the last included
            while _PASTE_END not in message:
                line = self.stdin.readline()
                if not line:
                    break
                message += line
            return message.replace(_PASTE_START, "").replace(_PASTE_END, "")
        while _more_waiting(self.stdin):  # a terminal without the markers: lines that came at once
            line = self.stdin.readline()
            if not line:
                break
            message += line
        return message

    def _incoming(self, line: str) -> Incoming:
        """A typed line; the number or label of an option on screen counts as clicking it, and the
        path of a calendar file (an invitation saved as .ics) shares that file."""
        word = loose(line)
        button = self.numbers.get(int(word)) if word.isdecimal() and len(word) < 4 else None
        if button is None and word:
            reminders = [b for group in reversed(self.reminder_options) for b in group]  # newest first
            typable = [*(b for b in self.numbers.values() if b not in reminders), *reminders]
            button = next((b for b in typable if word == loose(b.label)), None)
        if button is None:
            return Incoming(user=self.user, text=line, display_name=self.display_name)
        return Incoming(user=self.user, kind="action", action=button.action, display_name=self.display_name)

    async def _turn(self, incoming: Incoming) -> None:
        replies = await asyncio.to_thread(self.service.handle, incoming)
        self._print(replies)

    def _with_forms(self, replies: list[Reply], *, keep: bool) -> list[Reply]:
        """Remember the boxes offered, to open in the editor; without an editor, drop their buttons:
        the answer is typed or pasted as a message."""
        if not keep:
            self.forms = {}
        forms = {r.form.open: r.form for r in replies if r.form is not None}
        if self.editor is not None:
            self.forms.update(forms)
            return replies
        return [
            Reply(r.text, tuple(b for b in r.buttons if b.action not in forms), r.attachment) for r in replies
        ]

    def _save_files(self, replies: list[Reply]) -> list[Reply]:
        """A document (an export) is written to a file; the chat shows where it is."""
        shown = []
        for reply in replies:
            attachment = reply.attachment
            if attachment is None or attachment.filename is None:
                shown.append(reply)
                continue
            self.export_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # made here: private too
            path = write_private(self.person_dir(), Path(attachment.filename).name, attachment.body)
            shown.append(Reply(f"{reply.text}\nSaved to {path}", reply.buttons))
        return shown

    def person_dir(self) -> Path:
        """This person's own export folder: each console person's files apart, for `forget me`."""
        return self.export_dir / (_SAFE_NAME.sub("_", self.user.user_id).strip(".") or "me")

    def _forget_files(self, user: UserKey) -> None:
        """`forget me` leaves no export behind: the files this chat wrote for the person go too."""
        if user != self.user:
            return
        folder = self.person_dir()
        for pattern in ("debrief-*.md", "*.ics"):  # exports, and "Add to calendar" files
            for path in folder.glob(pattern):
                path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # a file of the person's own making stays, and the folder
            folder.rmdir()

    def _print(self, replies: list[Reply], *, reminder: bool = False) -> None:
        """Show replies. A turn's options are numbered from 1; a reminder's after every number on screen."""
        replies = self._save_files(self._with_forms(replies, keep=reminder))
        buttons = [b for r in replies for b in r.buttons]
        if reminder:
            first = max(self.numbers, default=0) + 1
            if buttons:
                self.reminder_options = [*self.reminder_options[-(REMINDERS_KEPT - 1) :], tuple(buttons)]
        else:
            first = 1
            live = {b for group in self.reminder_options for b in group}
            self.numbers = {n: b for n, b in self.numbers.items() if b in live and n > len(buttons)}
        self.numbers.update({first + i: b for i, b in enumerate(buttons)})
        prefix = f"{_ANSI_BOLD}Debrief{_ANSI_RESET}\n" if self.pretty else ""
        text = render(replies, pretty=self.pretty, first_number=first)
        self.stdout.write(prefix + text + "\n\n")
        self.stdout.flush()


def _real_terminal(stdin: TextIO, stdout: TextIO) -> bool:
    """The process's own terminal: prompt_toolkit draws on it (a test's fake tty is no terminal)."""
    return stdin is sys.__stdin__ and stdout is sys.__stdout__ and stdin.isatty() and stdout.isatty()


def calendar_path(line: str) -> Path | None:
    """The .ics file a line names: "~/Downloads/invite.ics", quoted, or dragged into the terminal
    ("/tmp/my\\ invite.ics"); None for any other line."""
    name = line.strip().strip("'\"").replace("\\ ", " ")
    if not name.casefold().endswith(".ics") or "\n" in name or len(name) > 4096:
        return None
    return Path(name).expanduser()


def read_calendar_file(path: Path) -> str | None:
    """Its text; None when it is not there, not readable, or bigger than any invitation."""
    try:
        if not path.is_file() or path.stat().st_size > calendars.ICS_MAX_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def default_editor() -> str | None:
    """$VISUAL, else $EDITOR, else an editor found on this machine."""
    for name in ("VISUAL", "EDITOR"):
        if os.environ.get(name, "").strip():
            return os.environ[name]
    return next((found for name in ("nano", "vim", "vi") if (found := shutil.which(name))), None)


def edit_in(editor: str, initial: str) -> str | None:
    """Open `initial` in `editor` (a command, e.g. "code --wait") and return what was saved; None if
    it could not start or failed. The file is the owner's alone and deleted afterwards."""
    folder = tempfile.mkdtemp(prefix="debrief-")  # mode 0700
    path = Path(folder) / "answer.txt"
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(initial)
        try:
            finished = subprocess.run([*shlex.split(editor), str(path)], check=False)
        except OSError:
            return None
        if finished.returncode != 0:
            return None
        return path.read_text(encoding="utf-8").rstrip("\n")
    finally:
        path.unlink(missing_ok=True)
        os.rmdir(folder)
