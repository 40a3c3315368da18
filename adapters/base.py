"""The contract every platform adapter keeps (Slack, Discord, the console, test doubles).

An adapter MUST translate only: platform events become `Incoming`, `Reply` lists become platform
messages. It MUST NOT hold conversation logic; anything about interviews belongs in `bot/`.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.messages import Reply, UserKey


@runtime_checkable
class Adapter(Protocol):
    """A running connection to one platform."""

    async def start(self) -> None:
        """Connect and deliver incoming events to the service until `stop()` or end of input.

        It MUST acknowledge a platform event before slow work when the platform requires it
        (Slack and Discord: within 3 seconds), and SHOULD pass the platform's event id so a
        redelivery is a no-op.
        """

    async def stop(self) -> None:
        """Stop taking new events and let the turn in progress finish. MAY be called twice."""

    async def send(self, user: UserKey, replies: list[Reply]) -> None:
        """Deliver replies to the person's direct conversation (used for nudges).

        It MUST NOT post anything from a direct conversation into a shared channel, and SHOULD
        escape echoed text so it can never mention everyone or another person.
        """
