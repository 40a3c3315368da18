"""The platform-neutral messages that cross the one seam between adapters and the service."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.model import UserKey

__all__ = ["Attachment", "Button", "Form", "Incoming", "Reply", "UserKey"]


@dataclass(frozen=True)
class Incoming:
    """One thing a person did: typed text, clicked a button, or opened the chat. A form sent back
    is an action (the form's) with its text.

    `event_id` is the platform's id for the event; a second delivery of the same id is a no-op.
    """

    user: UserKey
    text: str | None = None
    action: str | None = None
    kind: Literal["message", "action", "open"] = "message"
    event_id: str | None = None
    display_name: str | None = None
    timezone: str | None = None  # the platform's idea of the person's zone, if it has one
    calendar: str | None = None  # the text of a calendar file (.ics) shared in the chat

    def __post_init__(self) -> None:
        if self.kind == "action" and self.action is None:
            raise ValueError("an action Incoming needs its action string")


@dataclass(frozen=True)
class Button:
    """A choice the person can click; `action` comes back verbatim in `Incoming.action`."""

    label: str
    action: str


@dataclass(frozen=True)
class Attachment:
    """A block of text meant to be copied whole, such as a letter draft."""

    title: str
    body: str
    email_to: str | None = None
    email_subject: str | None = None
    filename: str | None = None  # a document to hand over as a file (an export)


@dataclass(frozen=True)
class Form:
    """A longer answer typed in a box of its own: a Slack or Discord modal, the console's $EDITOR.

    The reply carrying it also has a button whose action is `open` (an adapter opens the box when it
    is clicked, instead of a turn); the text typed comes back as `Incoming(action=submit, text=…)`,
    the answer to exactly the question that offered the box.
    """

    title: str
    label: str
    open: str
    submit: str
    initial: str = ""
    max_length: int = 4000
    hint: str = ""  # the question, shown with the box where the platform has room
    at_once: bool = False  # opened as soon as the reply is shown, where a platform can (Edit letter)


@dataclass(frozen=True)
class Reply:
    """One message from the bot; adapters render it in their platform's idiom."""

    text: str
    buttons: tuple[Button, ...] = field(default_factory=tuple)
    attachment: Attachment | None = None
    form: Form | None = None
