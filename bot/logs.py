"""Logging set-up that keeps people's words out of the log, at every level.

Debrief's own log lines carry ids, counts and exception types, never a message's text. The
libraries under it are another matter: at DEBUG, slack_sdk logs every Web API request's
parameters (the replies, which quote people), slack_bolt logs the body of a request it refuses at
INFO, discord.py logs gateway payloads and REST bodies, and SQLAlchemy logs result rows (people's
answers). Those loggers get a floor that DEBRIEF_LOG_LEVEL cannot lower. Failure logs name a
database cause from a fixed list of phrases, never the driver's own message.
"""

from __future__ import annotations

import logging
import sys
import traceback
from typing import TextIO

from sqlalchemy.exc import DBAPIError

from storage.db import describe_error

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# The lowest level each library logs at without quoting what people wrote (read in their sources:
# slack_bolt's RequestVerification logs a refused body at INFO, and its Socket Mode client every
# envelope at DEBUG; slack_sdk and discord.py keep payloads to DEBUG; SQLAlchemy's INFO is every
# statement and its DEBUG every row, though it sets its own logger to WARNING on import).
FLOORS = {
    "slack_bolt": logging.WARNING,
    "slack_sdk": logging.INFO,
    "discord": logging.INFO,
    "sqlalchemy": logging.WARNING,
    # Not for privacy: its WARNING that a sweep was skipped while the last one still ran is the
    # intended max_instances=1, and it would print into the console chat.
    "apscheduler": logging.ERROR,
}

# Database failures an operator can act on, as the drivers word them (sqlite3, psycopg). Only
# these fixed phrases are logged: the rest of a driver's message can quote a stored value.
OPERATOR_CAUSES = (
    "database or disk is full",
    "attempt to write a readonly database",
    "database is locked",
    "unable to open database file",
    "disk i/o error",
    "database disk image is malformed",
    "file is not a database",
    "no such table",
    "no space left on device",
    "could not extend file",
    "read-only transaction",
    "connection refused",
    "the connection is closed",
    "server closed the connection unexpectedly",
    "terminating connection due to administrator command",
    "the database system is shutting down",
    "the database system is starting up",
    "too many clients already",
    "password authentication failed",
    "permission denied",
    "could not translate host name",
    "connection timeout expired",
    "deadlock detected",
    "canceling statement due to statement timeout",
)


class LibraryFloor(logging.Filter):
    """Drops a record from a payload-carrying library below that library's floor.

    Capping the libraries' loggers is not enough: Bolt copies the root logger's level onto each
    logger it makes (so `slack_bolt.AsyncApp` is at DEBUG when the root is). This filter on the
    handler holds whatever level a library gives its loggers.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= floor_of(record.name)


def floor_of(name: str) -> int:
    """The floor of the logger called `name` (0 for loggers that never carry payloads)."""
    for prefix, floor in FLOORS.items():
        if name == prefix or name.startswith(prefix + "."):
            return floor
    return logging.NOTSET


def setup(level: str | int, *, stream: TextIO | None = None) -> logging.Handler:
    """Log to stderr (or `stream`) at `level`, with the libraries' floors; returns the handler.

    Used instead of logging.basicConfig by `debrief`; tests pass a stream and remove the handler.
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(LibraryFloor())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    threshold = root.getEffectiveLevel()
    for name, floor in FLOORS.items():
        # Also spares the libraries building a payload string nobody will read.
        logging.getLogger(name).setLevel(max(floor, threshold))
    return handler


def operator_cause(exc: BaseException) -> str | None:
    """The known database cause behind `exc` ("database or disk is full"), or None.

    Follows the chain of causes to a driver error and returns only a phrase of OPERATOR_CAUSES
    found in its first line, never the line itself.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DBAPIError) and current.orig is not None:
            lines = str(current.orig).strip().splitlines()
            first = lines[0].lower() if lines else ""
            for cause in OPERATOR_CAUSES:
                if cause in first:
                    return cause
        current = current.__cause__ or current.__context__
    return None


def log_failure(logger: logging.Logger, what: str, exc: BaseException, **context: str) -> None:
    """Log a failure without the exception's message, which can quote what a person wrote; a known
    database cause an operator can act on ("database or disk is full") is named."""
    details = ", ".join(f"{k}={v}" for k, v in context.items())
    cause = operator_cause(exc)
    logger.error(
        "%s failed (%s): %s%s\n%s",
        what,
        details,
        describe_error(exc),
        f": {cause}" if cause else "",
        "".join(traceback.format_tb(exc.__traceback__)),
    )
