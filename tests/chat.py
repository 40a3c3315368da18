"""A chat harness: send lines and clicks to the real service and read what the console would print."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from adapters.console import render
from bot.delivery import NudgeDelivery
from bot.inputs import loose
from bot.messages import Incoming, Reply, UserKey
from bot.service import ConversationService

MAYA = UserKey("console", "local", "maya")


@dataclass
class Chat:
    """One person talking to the service; `last` is the rendered text of the latest turn."""

    service: ConversationService
    user: UserKey = MAYA
    display_name: str | None = "Maya"
    replies: list[Reply] = field(default_factory=list)

    @property
    def last(self) -> str:
        return render(self.replies)

    def say(self, text: str, *, event_id: str | None = None) -> str:
        self.replies = self.service.handle(
            Incoming(user=self.user, text=text, event_id=event_id, display_name=self.display_name)
        )
        return self.last

    def click(self, label: str) -> str:
        """Click the button whose label starts with `label` among those the last turn showed."""
        buttons = [b for r in self.replies for b in r.buttons]
        matches = [b for b in buttons if loose(b.label).startswith(loose(label))]
        if not matches:
            raise AssertionError(f"no button {label!r} in: {[b.label for b in buttons]}")
        return self.press(matches[0].action)

    def press(self, action: str, *, event_id: str | None = None) -> str:
        self.replies = self.service.handle(
            Incoming(
                user=self.user,
                kind="action",
                action=action,
                event_id=event_id,
                display_name=self.display_name,
            )
        )
        return self.last

    def receive(self, replies: list[Reply]) -> str:
        """Show a nudge the scheduler delivered, so its buttons can be clicked."""
        self.replies = replies
        return self.last

    def open(self) -> str:
        self.replies = self.service.handle(
            Incoming(user=self.user, kind="open", display_name=self.display_name)
        )
        return self.last


def deliver_due(service: ConversationService) -> list[Reply]:
    """One scheduler sweep by hand: every due console nudge, recorded as sent."""
    replies: list[Reply] = []
    for nudge in NudgeDelivery(service).prepare_due(platforms=("console",)):
        NudgeDelivery(service).record_delivery(nudge.nudge_id, delivered=True, attempts=nudge.attempts)
        replies.extend(nudge.replies)
    return replies


def _unescape(text: str) -> str:
    """`\\n` and `\\uXXXX` in a transcript stand for a newline and any character."""
    text = text.replace("\\n", "\n")
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)


def run_transcript(path: Path, chat: Chat) -> None:
    """Play a transcript file: `> text` is typed, `[Label]` is clicked, `< text` must appear in the reply.

    `<!` means the text must NOT appear; `~ 2h` moves the clock (needs chat.service.clock.advance);
    `@ nudges` delivers the nudges due by then, as the scheduler would.
    """
    expected: list[tuple[int, str, bool]] = []
    sent = ""

    def check() -> None:
        for lineno, want, present in expected:
            found = loose(want) in loose(chat.last)
            if found != present:
                verb = "missing" if present else "unexpected"
                raise AssertionError(
                    f"{path.name}:{lineno}: {verb} {want!r} after {sent!r}; the bot said:\n{chat.last}"
                )
        expected.clear()

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(("> ", ">")) and not line.startswith(">>"):
            check()
            sent = line[2:] if line.startswith("> ") else line[1:]
            chat.say(_unescape(sent))
        elif re.fullmatch(r"\[.+\]", line):
            check()
            sent = line
            chat.click(line[1:-1])
        elif line.startswith("<! "):
            expected.append((lineno, line[3:].replace("\\n", "\n"), False))
        elif line.startswith("< "):
            expected.append((lineno, line[2:].replace("\\n", "\n"), True))
        elif line == "@ nudges":
            check()
            sent = line
            chat.receive(deliver_due(chat.service))
        elif line.startswith("~ "):
            check()
            amount, unit = re.fullmatch(r"(\d+)\s*([hmd])", line[2:].strip()).groups()
            chat.service.clock.advance(**{{"h": "hours", "m": "minutes", "d": "days"}[unit]: int(amount)})
        else:
            raise ValueError(f"{path.name}:{lineno}: cannot read {line!r}")
    check()
