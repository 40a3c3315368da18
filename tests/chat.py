"""A chat harness: send lines and clicks to the real service and read what the console would print."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from adapters.console import render
from bot.delivery import NudgeDelivery
from bot.inputs import loose
from bot.messages import Incoming, Reply, UserKey
from bot.service import ConversationService

MAYA = UserKey("console", "local", "maya")


class Talking(ABC):
    """What a chat does whatever answers it: type, click, open, and read the console's rendering.

    A subclass says how a turn is answered (`handle`), how due nudges arrive and how the clock moves.
    """

    user: UserKey
    display_name: str | None
    replies: list[Reply]

    @abstractmethod
    def handle(self, incoming: Incoming) -> list[Reply]: ...

    @abstractmethod
    def deliver_nudges(self) -> str:
        """One scheduler sweep: show every due nudge, so its buttons can be clicked."""

    @abstractmethod
    def advance(self, **delta: float) -> None: ...

    @property
    def last(self) -> str:
        return render(self.replies)

    def say(self, text: str, *, event_id: str | None = None) -> str:
        self.replies = self.handle(
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
        self.replies = self.handle(
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
        self.replies = self.handle(Incoming(user=self.user, kind="open", display_name=self.display_name))
        return self.last


@dataclass
class Chat(Talking):
    """One person talking to the real service; `last` is the rendered text of the latest turn."""

    service: ConversationService
    user: UserKey = MAYA
    display_name: str | None = "Maya"
    replies: list[Reply] = field(default_factory=list)

    def handle(self, incoming: Incoming) -> list[Reply]:
        return self.service.handle(incoming)

    def deliver_nudges(self) -> str:
        return self.receive(deliver_due(self.service))

    def advance(self, **delta: float) -> None:
        self.service.clock.advance(**delta)


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


TRANSCRIPTS = Path(__file__).parent / "transcripts"
SETUPS = TRANSCRIPTS / "setup"
_SERVICE_ONLY = "! service only:"


def transcripts() -> list[Path]:
    """Every transcript, by name (a set-up under transcripts/setup/ is not one)."""
    return sorted(TRANSCRIPTS.glob("*.txt"))


def service_only(path: Path) -> str | None:
    """Why the transcript needs the real service (its `! service only: why` line), or None."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(_SERVICE_ONLY):
            return line.removeprefix(_SERVICE_ONLY).strip()
    return None


def _lines(path: Path) -> Iterator[tuple[str, str]]:
    """The transcript's lines as (where, line), each `! setup NAME` replaced by that set-up's lines.

    A set-up only types and clicks: what it leads to is checked by the transcripts that use it.
    """
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line, where = raw.rstrip(), f"{path.name}:{lineno}"
        if line.startswith("! setup "):
            setup = SETUPS / f"{line.removeprefix('! setup ').strip()}.txt"
            for inner_where, inner in _lines(setup):
                if inner.startswith("<"):
                    raise ValueError(
                        f"{inner_where}: a set-up checks nothing; move {inner!r} to a transcript"
                    )
                yield inner_where, inner
        elif line.startswith(_SERVICE_ONLY):
            continue
        elif line and not line.startswith("#"):
            yield where, line


# Seams: where a text the bot wrote shows that it was glued together from parts.
SEAMS = {
    "a plural left to the reader": re.compile(r"\w\(s\)"),
    "a day after 'at'": re.compile(r"\bat (?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d"),
    "a missing value printed": re.compile(r"\bNone\b(?!, I'm happy)|\{[a-z_]+\}"),  # not the option's label
    "a space before punctuation": re.compile(r"\w [,.;:!?](?:\s|$)"),
    "doubled punctuation": re.compile(r"(?<!\.)[.,;:]\.(?!\.)|[?!]\.|\.,|,,"),
    "empty quotes or emphasis": re.compile(r"“\s*”|\*\*\s*\*\*|\(\s*\)"),
    "a doubled word": re.compile(r"\b(the|a|an|to|of|and|your|you|at|on|in) \1\b", re.IGNORECASE),
    "a heading glued to the line above": re.compile(r"[^\n]\n?\*\*[^*\n]+\*\*\n(?=\S)(?<=[.:!?]\n\*\*)"),
}


def find_seams(text: str) -> list[str]:
    """The seams in `text`, each as its name and the words around it."""
    found = []
    for name, pattern in SEAMS.items():
        for match in pattern.finditer(text):
            found.append(f"{name}: …{text[max(0, match.start() - 30) : match.end() + 30]!r}…")
    for line in text.splitlines():
        if re.search(r"\S {2,}\S", line.strip()):
            found.append(f"a doubled space: {line!r}")
    return found


def run_transcript(path: Path, chat: Talking) -> None:
    """Play a transcript file: `> text` is typed, `[Label]` is clicked, `< text` must appear in the reply.

    `<!` means the text must NOT appear; `~ 2h` moves the clock; `@ nudges` delivers the nudges due
    by then, as the scheduler would. `! setup NAME` plays transcripts/setup/NAME.txt first, and
    `! service only: why` says why the pure-engine runner (tests/engine_chat.py) cannot play it.
    """
    expected: list[tuple[str, str, bool]] = []
    sent = ""

    def check() -> None:
        seams = find_seams(chat.last) if sent else []
        if seams:
            raise AssertionError(f"after {sent!r} the bot wrote with a seam:\n" + "\n".join(seams))
        for where, want, present in expected:
            found = loose(want) in loose(chat.last)
            if found != present:
                verb = "missing" if present else "unexpected"
                raise AssertionError(f"{where}: {verb} {want!r} after {sent!r}; the bot said:\n{chat.last}")
        expected.clear()

    for where, line in _lines(path):
        if line.startswith(("> ", ">")) and not line.startswith(">>"):
            check()
            sent = line[2:] if line.startswith("> ") else line[1:]
            chat.say(_unescape(sent))
        elif re.fullmatch(r"\[.+\]", line):
            check()
            sent = line
            chat.click(line[1:-1])
        elif line.startswith("<! "):
            expected.append((where, line[3:].replace("\\n", "\n"), False))
        elif line.startswith("< "):
            expected.append((where, line[2:].replace("\\n", "\n"), True))
        elif line == "@ nudges":
            check()
            sent = line
            chat.deliver_nudges()
        elif line.startswith("~ "):
            check()
            amount, unit = re.fullmatch(r"(\d+)\s*([hmd])", line[2:].strip()).groups()
            chat.advance(**{{"h": "hours", "m": "minutes", "d": "days"}[unit]: int(amount)})
        else:
            raise ValueError(f"{where}: cannot read {line!r}")
    check()
