"""The clocks a process can run on: the real one, or one sped up to watch reminders arrive."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime


class ScaledClock:
    """A clock that runs `scale` times faster than real time from the moment it is made.

    `debrief chat --time-scale 3600` turns an hour into a second, to watch tomorrow's reminder arrive.
    """

    def __init__(self, scale: float, *, real: Callable[[], datetime] | None = None) -> None:
        if scale <= 0:
            raise ValueError("the time scale must be a positive number")
        self.scale = scale
        self.real = real or (lambda: datetime.now(UTC))
        self.start = self.real()

    def __call__(self) -> datetime:
        return self.start + (self.real() - self.start) * self.scale
