"""The clocks a process can run on: the real one, or one sped up to watch reminders arrive."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta


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
        self._stood = timedelta(0)  # real time spent held, which the scaled clock skips
        self._held_since: datetime | None = None

    def hold(self, held: bool) -> None:
        """While held (a line is being typed), the scaled time stands still, so a "your notes fade"
        reminder does not come due in the middle of an answer; it goes on from there after."""
        now = self.real()
        if held and self._held_since is None:
            self._held_since = now
        elif not held and self._held_since is not None:
            self._stood += now - self._held_since
            self._held_since = None

    def __call__(self) -> datetime:
        real = self._held_since or self.real()
        return self.start + (real - self.start - self._stood) * self.scale
