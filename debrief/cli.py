"""The `debrief` command: `debrief run` starts the bot, `debrief chat` the local console chat."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
import threading
from typing import TYPE_CHECKING

from pydantic import SecretStr

from bot import logs, warming
from bot.config import ConfigError, Settings, load_settings
from storage.db import Database, DatabaseError

if TYPE_CHECKING:  # the adapters and the service load only for the command that needs them
    from adapters.base import Adapter
    from adapters.slack_bot import SlackAdapter
    from bot.scheduler import NudgeScheduler
    from bot.service import ConversationService

log = logging.getLogger("debrief")
MIN_SWEEP_S = 0.2
HEALTH_HOST = "0.0.0.0"  # probes come from outside a container

CONNECT_HINT = (
    "No Slack or Discord token is set, so Debrief starts the local console chat.\n"
    "To connect a platform, put its tokens in .env (see .env.example and the README)."
)


def _open_database(settings: Settings) -> Database:
    database = Database(settings.database_url)
    database.migrate()
    return database


def _chat(settings: Settings, user_name: str | None, time_scale: float = 1.0) -> int:
    from adapters.console import ConsoleAdapter
    from bot.clocks import ScaledClock
    from bot.service import ConversationService, utc_now

    database = _open_database(settings)
    clock = ScaledClock(time_scale) if time_scale != 1 else None
    service = ConversationService(
        database=database,
        default_timezone=settings.timezone,
        quiet_hours=settings.quiet(),
        clock=clock or utc_now,
    )
    reminders: list[NudgeScheduler] = []

    async def start_reminders() -> None:
        """Once the first prompt is up: nothing is due in the moment before it, and it comes sooner."""
        from bot.scheduler import NudgeScheduler

        scheduler = NudgeScheduler(
            service=service,
            senders={"console": adapter.send},
            interval_s=max(MIN_SWEEP_S, settings.sweep_seconds / time_scale),
            only=adapter.user,
        )
        await scheduler.start()
        reminders.append(scheduler)

    adapter = ConsoleAdapter(
        service=service,
        user_name=user_name,
        export_dir=settings.export_dir,
        on_first_prompt=start_reminders,
        on_typing=clock.hold if clock is not None else None,  # a sped-up clock stands still mid-answer
    )

    async def chat() -> None:
        try:
            await adapter.start()
        finally:
            for scheduler in reminders:
                await scheduler.stop()

    try:
        asyncio.run(chat())
    except KeyboardInterrupt:
        print("\nBye! Your notes are saved; run it again to pick up where you left off.")
    finally:
        database.dispose()
    return 0


def _run(settings: Settings, user_name: str | None, time_scale: float = 1.0) -> int:
    if settings.slack_bot_token is None and settings.discord_token is None:
        print(CONNECT_HINT, file=sys.stderr)
        return _chat(settings, user_name, time_scale)
    return _serve(settings)


def _platforms(settings: Settings, service: ConversationService) -> dict[str, Adapter]:
    """An adapter for each platform whose token is set, by platform name."""
    adapters: dict[str, Adapter] = {}
    if settings.slack_bot_token is not None:
        from adapters.slack_bot import SlackAdapter

        adapters["slack"] = SlackAdapter(
            service=service,
            bot_token=settings.slack_bot_token.get_secret_value(),
            app_token=_secret(settings.slack_app_token),
            signing_secret=_secret(settings.slack_signing_secret),
            api_url=settings.slack_api_url,
            port=settings.port,
        )
    if settings.discord_token is not None:
        from adapters.discord_bot import DiscordAdapter

        adapters["discord"] = DiscordAdapter(
            service=service,
            token=settings.discord_token.get_secret_value(),
            api_url=settings.discord_api_url,
            gateway_url=settings.discord_gateway_url,
            gateway=settings.discord_gateway,
        )
    return adapters


def _platform_names(settings: Settings) -> tuple[str, ...]:
    names = ("slack", settings.slack_bot_token), ("discord", settings.discord_token)
    return tuple(name for name, token in names if token is not None)


def _slack_on_health_port(settings: Settings, adapters: dict[str, Adapter]) -> SlackAdapter | None:
    """Slack in HTTP mode listening on DEBRIEF_HEALTH_PORT already (it is PORT): /health and /metrics
    are then served there, beside the events. None otherwise (Socket Mode listens on no port)."""
    if settings.health_port != settings.port or "slack" not in adapters:
        return None
    from adapters.slack_bot import SlackAdapter

    slack = adapters["slack"]
    return slack if isinstance(slack, SlackAdapter) and not slack.app_token else None


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None


def _serve(settings: Settings) -> int:
    """Run the bot for the configured platforms, with the reminder scheduler, until SIGINT or SIGTERM;
    then stop taking events, finish the accepted ones, and exit 0."""
    from bot.metrics import Metrics, PrometheusMetrics
    from bot.scheduler import NudgeScheduler
    from bot.service import ConversationService
    from debrief.health import Health

    database = _open_database(settings)
    # Figures are kept only when someone can read them.
    metrics = PrometheusMetrics(_platform_names(settings)) if settings.health_port else Metrics()
    service = ConversationService(
        database=database, default_timezone=settings.timezone, quiet_hours=settings.quiet(), metrics=metrics
    )
    adapters = _platforms(settings, service)
    threading.Thread(target=warming.warm_up, name="warm-up", daemon=True).start()  # before the first date
    senders = {name: adapter.send for name, adapter in adapters.items()}
    scheduler = NudgeScheduler(service=service, senders=senders, interval_s=settings.sweep_seconds)
    health = Health(database=database, adapters=adapters, scheduler=scheduler, metrics=metrics)
    sharing = _slack_on_health_port(settings, adapters)
    if sharing is not None:
        sharing.serve_also(health.add_routes)
    health_server = settings.health_port is not None and sharing is None

    async def serve() -> None:
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signal_number, stopping.set)
        starting = asyncio.create_task(_start_all(adapters))
        stopped = asyncio.create_task(stopping.wait())
        try:
            # Ctrl-C works while connecting, too; a platform that refuses ends start-up with its reason.
            done, _ = await asyncio.wait({starting, stopped}, return_when=asyncio.FIRST_COMPLETED)
            if starting in done:
                starting.result()
                await scheduler.start()
                if health_server:
                    await health.start(HEALTH_HOST, settings.health_port or 0)
                names = " and ".join(name.capitalize() for name in adapters)
                print(f"Debrief is running on {names}. Press Ctrl-C to stop.", file=sys.stderr)
                if settings.health_port:
                    print(
                        f"Health check and metrics: port {settings.health_port}, /health and /metrics.",
                        file=sys.stderr,
                    )
                await stopped
        finally:
            starting.cancel()
            stopped.cancel()
            await health.stop()
            await scheduler.stop()  # its sweep in progress still sends through the adapters
            await _stop_all(adapters)

    try:
        asyncio.run(serve())
    except RuntimeError as exc:  # a platform refused us: one line, no traceback
        print(f"debrief: {exc}", file=sys.stderr)
        return 1
    finally:
        database.dispose()
    return 0


async def _start_all(adapters: dict[str, Adapter]) -> None:
    for adapter in adapters.values():
        await adapter.start()


async def _stop_all(adapters: dict[str, Adapter]) -> None:
    """Stop every adapter at once: each waits for its own turns in flight, so the waits overlap
    instead of adding up. A failure is raised once all have stopped."""
    results = await asyncio.gather(*(adapter.stop() for adapter in adapters.values()), return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result


def _doctor(settings: Settings) -> int:
    """One line per check; exit 1 if any failed, so a deploy script can stop on it."""
    from debrief.doctor import Check, run_checks

    checks = [
        Check("settings", True, "read from the environment and .env"),
        *asyncio.run(run_checks(settings)),
    ]
    for check in checks:
        print(check.line())
    return 0 if all(check.ok for check in checks) else 1


def _discord_invite(app_id: str | None) -> int:
    from adapters.discord_invite import application_id, invite_url

    if app_id is None:
        try:
            token = load_settings().discord_token
        except ConfigError as exc:
            print(f"debrief: {exc}", file=sys.stderr)
            return 2
        app_id = application_id(token.get_secret_value()) if token else None
    if app_id is None:
        print(
            "debrief: give the application id (Discord developer portal, General Information): "
            "debrief discord-invite --application-id 123456789012345678, or set DISCORD_TOKEN",
            file=sys.stderr,
        )
        return 2
    print(invite_url(app_id))
    return 0


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("give a number, e.g. 3600") from None
    if not 0 < value <= 1_000_000:
        raise argparse.ArgumentTypeError("give a number above 0 and at most 1,000,000")
    return value


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
        command.add_argument(
            "--time-scale",
            type=_positive,
            default=1.0,
            metavar="N",
            help="run the clock N times faster to watch reminders arrive (3600: an hour a second)",
        )
    invite = sub.add_parser("discord-invite", help="print the link that adds Debrief to a Discord server")
    invite.add_argument(
        "--application-id", default=None, help="your application's id (default: from DISCORD_TOKEN)"
    )
    sub.add_parser("doctor", help="check the settings, the database and each configured platform, with fixes")
    manifest = sub.add_parser(
        "slack-manifest", help="print the Slack app manifest to paste into api.slack.com"
    )
    manifest.add_argument(
        "--url",
        default=None,
        help="your public https URL ending in /slack/events (HTTP mode); omit for Socket Mode",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "discord-invite":
        return _discord_invite(args.application_id)
    if args.command == "slack-manifest":  # needs no settings and no database
        from adapters.slack_manifest import manifest_json

        print(manifest_json(request_url=args.url))
        return 0
    try:
        settings = load_settings()
    except ConfigError as exc:
        if args.command == "doctor":
            from debrief.doctor import Check

            print(Check("settings", False, str(exc), "see .env.example and the README").line())
            return 1
        print(f"debrief: {exc}", file=sys.stderr)
        return 2
    if args.command == "doctor":
        return _doctor(settings)
    logs.setup(settings.log_level)  # keeps the SDKs' payload logs out, whatever the level
    user_name = getattr(args, "user", None)
    try:
        time_scale = getattr(args, "time_scale", 1.0)
        if args.command == "chat":
            return _chat(settings, user_name, time_scale)
        return _run(settings, user_name, time_scale)
    except DatabaseError as exc:
        print(f"debrief: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
