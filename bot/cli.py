"""The `debrief` command: `debrief run` starts the bot, `debrief chat` the local console chat."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot.config import ConfigError, Settings, load_settings
from storage.db import Database, DatabaseError

log = logging.getLogger("debrief")

CONNECT_HINT = (
    "No Slack or Discord token is set, so Debrief starts the local console chat.\n"
    "To connect a platform, put its tokens in .env (see .env.example and the README)."
)


def _open_database(settings: Settings) -> Database:
    database = Database(settings.database_url)
    database.migrate()
    return database


def _chat(settings: Settings, user_name: str | None) -> int:
    from adapters.console import ConsoleAdapter
    from bot.service import ConversationService

    database = _open_database(settings)
    service = ConversationService(database=database, default_timezone=settings.timezone)
    adapter = ConsoleAdapter(service=service, user_name=user_name)
    try:
        asyncio.run(adapter.start())
    except KeyboardInterrupt:
        print("\nBye! Your notes are saved; run it again to pick up where you left off.")
    finally:
        database.dispose()
    return 0


def _run(settings: Settings, user_name: str | None) -> int:
    configured = [
        name
        for name, token in (("Slack", settings.slack_bot_token), ("Discord", settings.discord_token))
        if token is not None
    ]
    if configured:
        names = " and ".join(configured)
        print(
            f"{names} is configured, but this version of Debrief has no adapter for it yet. "
            "Unset the token to use the console chat.",
            file=sys.stderr,
        )
        return 2
    print(CONNECT_HINT, file=sys.stderr)
    return _chat(settings, user_name)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="debrief", description="Your coach for the days after a job interview."
    )
    sub = parser.add_subparsers(dest="command")
    for name, help_text in (
        ("run", "start the bot (the console chat when no platform token is set)"),
        ("chat", "chat with Debrief in this terminal"),
    ):
        command = sub.add_parser(name, help=help_text)
        command.add_argument(
            "--user", default=None, help="who you are in the console chat (default: your login)"
        )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"debrief: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    user_name = getattr(args, "user", None)
    try:
        if args.command == "chat":
            return _chat(settings, user_name)
        return _run(settings, user_name)
    except DatabaseError as exc:
        print(f"debrief: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
