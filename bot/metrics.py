"""What an operator graphs and alerts on: turns, their latency, reminders sent, failed and skipped,
the due backlog, redelivered events.

`Metrics` records nothing (the console chat, most tests); `PrometheusMetrics` keeps the figures in a
registry of its own, served on `/metrics` by `debrief run` (see debrief/health.py). Labels are only
a platform name and an outcome from the fixed lists here, never an id, a name or a person's words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # prometheus-client loads only in a process that serves metrics
    from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

PLATFORMS = ("slack", "discord", "console")
TURN_OUTCOMES = ("answered", "failed")
# A reminder sent; its send failed and it will be tried again; given up; no longer worth sending.
NUDGE_OUTCOMES = ("sent", "retrying", "failed", "skipped")
# Seconds: a typical turn takes milliseconds; one that reads a date or writes a letter, more.
TURN_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def platform_label(platform: str) -> str:
    """The platform's name if it is one Debrief knows, else "other": a label never takes free text."""
    return platform if platform in PLATFORMS else "other"


class Metrics:
    """Records nothing. The service, the delivery and the scheduler call these at each event."""

    counts_backlog = False  # whether a sweep should count the due reminders (a query) for `swept`

    def turn(self, platform: str, *, failed: bool, seconds: float) -> None:
        """A turn ran (answered, or failed and apologised) in `seconds`."""

    def deduplicated(self, platform: str) -> None:
        """A platform delivered an event again that was already handled: ignored."""

    def nudges(self, platform: str, outcome: str, count: int = 1) -> None:
        """What became of `count` reminders: one of NUDGE_OUTCOMES."""

    def swept(self, *, due: int, at: float) -> None:
        """A sweep began with `due` reminders due and unsent, at Unix time `at`."""

    def exposition(self) -> tuple[bytes, str]:
        """The figures in Prometheus' text format, and that format's content type."""
        return b"", "text/plain; charset=utf-8"


class PrometheusMetrics(Metrics):
    """The figures, in a registry of this object's own (two in one test never mix)."""

    counts_backlog = True

    def __init__(self, platforms: tuple[str, ...] = PLATFORMS) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        self.registry: CollectorRegistry = CollectorRegistry()
        self.turns: Counter = Counter(
            "debrief_turns",
            "Turns run: a message, click or command answered, or failed and apologised for.",
            ["platform", "outcome"],
            registry=self.registry,
        )
        self.turn_seconds: Histogram = Histogram(
            "debrief_turn_seconds",
            "Seconds from an event's arrival at the service to its replies.",
            ["platform"],
            buckets=TURN_BUCKETS,
            registry=self.registry,
        )
        self.events_deduplicated: Counter = Counter(
            "debrief_events_deduplicated",
            "Events a platform delivered again after they were handled; ignored.",
            ["platform"],
            registry=self.registry,
        )
        self.nudges_total: Counter = Counter(
            "debrief_nudges",
            "Reminders: sent, send failed and retrying, given up (failed), or skipped as no longer relevant.",
            ["platform", "outcome"],
            registry=self.registry,
        )
        self.nudges_due: Gauge = Gauge(
            "debrief_nudges_due",
            "Reminders due and not yet sent when the last sweep began: a rising figure means falling behind.",
            registry=self.registry,
        )
        self.last_sweep: Gauge = Gauge(
            "debrief_last_sweep_timestamp_seconds",
            "Unix time the last reminder sweep began.",
            registry=self.registry,
        )
        for platform in map(platform_label, platforms):  # every series from the start: rates right from zero
            for outcome in TURN_OUTCOMES:
                self.turns.labels(platform, outcome)
            for outcome in NUDGE_OUTCOMES:
                self.nudges_total.labels(platform, outcome)
            self.events_deduplicated.labels(platform)

    def turn(self, platform: str, *, failed: bool, seconds: float) -> None:
        label = platform_label(platform)
        self.turns.labels(label, "failed" if failed else "answered").inc()
        self.turn_seconds.labels(label).observe(seconds)

    def deduplicated(self, platform: str) -> None:
        self.events_deduplicated.labels(platform_label(platform)).inc()

    def nudges(self, platform: str, outcome: str, count: int = 1) -> None:
        if outcome not in NUDGE_OUTCOMES:
            raise ValueError(f"unknown reminder outcome {outcome!r}")
        if count:
            self.nudges_total.labels(platform_label(platform), outcome).inc(count)

    def swept(self, *, due: int, at: float) -> None:
        self.nudges_due.set(due)
        self.last_sweep.set(at)

    def exposition(self) -> tuple[bytes, str]:
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        return generate_latest(self.registry), CONTENT_TYPE_LATEST
