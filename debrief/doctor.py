"""`debrief doctor`: check a set-up before waiting for a DM that never comes. One line per check,
what was found and, when it is wrong, the fix. Reads settings, the database and each configured
platform; changes nothing (a database is never migrated here, only compared)."""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp

from bot.config import Settings
from storage.db import SCHEMA_HEAD, Database, DatabaseError, safe_url

DISCORD_API = "https://discord.com/api/v10"
TIMEOUT = aiohttp.ClientTimeout(total=10)


@dataclass(frozen=True)
class Check:
    """One line of the report: what was checked, whether it is fine, what was found, how to fix it."""

    name: str
    ok: bool
    found: str
    fix: str = ""

    def line(self) -> str:
        mark = "ok  " if self.ok else "FAIL"
        return f"{mark} {self.name}: {self.found}" + (
            f" -> fix: {self.fix}" if self.fix and not self.ok else ""
        )


async def run_checks(settings: Settings) -> list[Check]:
    """Every check that applies to these settings, in the order a newcomer would fix them."""
    checks = [check_database(settings)]
    if settings.slack_bot_token is not None:
        checks += await check_slack(settings)
    if settings.discord_token is not None:
        checks += await check_discord(settings)
    if settings.slack_bot_token is None and settings.discord_token is None:
        checks.append(
            Check("platforms", True, "no Slack or Discord token set: `debrief run` opens the console chat")
        )
    return checks


def check_database(settings: Settings) -> Check:
    where = safe_url(settings.database_url)
    try:
        database = Database(settings.database_url)
        try:
            version = database.migration()
        finally:
            database.dispose()
    except DatabaseError as exc:  # its message is one line, with no secret
        return Check(
            "database",
            False,
            str(exc),
            "check DEBRIEF_DATABASE_URL, that the server runs (or the folder can be made), "
            "and that this user may write there",
        )
    if version is None:
        return Check("database", True, f"{where} is empty; Debrief creates its tables on first start")
    if version != SCHEMA_HEAD:
        return Check(
            "database",
            False,
            f"{where} is at migration {version}, this Debrief needs {SCHEMA_HEAD}",
            "start Debrief once (`debrief run`): it migrates on start",
        )
    return Check("database", True, f"{where} at migration {version}, writable")


async def check_slack(settings: Settings) -> list[Check]:
    from slack_sdk.errors import SlackApiError
    from slack_sdk.web.async_client import AsyncWebClient

    from adapters.slack_manifest import BOT_SCOPES

    assert settings.slack_bot_token is not None
    base = settings.slack_api_url or AsyncWebClient.BASE_URL
    bot = AsyncWebClient(token=settings.slack_bot_token.get_secret_value(), base_url=base)
    checks: list[Check] = []
    try:
        auth = await bot.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error", "unknown error")
        return [
            Check(
                "slack bot token",
                False,
                f"auth.test said {error}",
                "copy the Bot User OAuth Token (xoxb-...) from OAuth & Permissions into SLACK_BOT_TOKEN",
            )
        ]
    except aiohttp.ClientError as exc:
        return [
            Check("slack bot token", False, f"cannot reach Slack ({type(exc).__name__})", "check the network")
        ]
    checks.append(
        Check("slack bot token", True, f"signed in as @{auth.get('user')} in team {auth.get('team_id')}")
    )
    granted = {s.strip() for s in str(auth.headers.get("x-oauth-scopes", "")).split(",") if s.strip()}
    missing = [scope for scope in BOT_SCOPES if scope not in granted]
    checks.append(
        Check(
            "slack scopes",
            not missing,
            f"missing {', '.join(missing)}" if missing else f"all {len(BOT_SCOPES)} the manifest asks for",
            "add them under OAuth & Permissions (or create the app from `debrief slack-manifest`), "
            "then reinstall the app",
        )
    )
    if settings.slack_app_token is not None:
        app_token = settings.slack_app_token.get_secret_value()
        try:
            await AsyncWebClient(base_url=base).apps_connections_open(app_token=app_token)
            checks.append(Check("slack socket mode", True, "the app-level token opens a connection"))
        except SlackApiError as exc:
            checks.append(
                Check(
                    "slack socket mode",
                    False,
                    f"apps.connections.open said {exc.response.get('error', 'unknown error')}",
                    "enable Socket Mode and put an app-level token (xapp-...) with connections:write "
                    "in SLACK_APP_TOKEN",
                )
            )
    else:
        checks.append(
            Check("slack http mode", True, "SLACK_SIGNING_SECRET is set; Slack posts to /slack/events")
        )
    return checks


async def check_discord(settings: Settings) -> list[Check]:
    assert settings.discord_token is not None
    base = (settings.discord_api_url or DISCORD_API).rstrip("/")
    headers = {"Authorization": f"Bot {settings.discord_token.get_secret_value()}"}
    async with aiohttp.ClientSession(headers=headers, timeout=TIMEOUT) as http:
        try:
            async with http.get(f"{base}/users/@me") as me:
                if me.status == 401:
                    return [
                        Check(
                            "discord token",
                            False,
                            "Discord refused the token (401)",
                            "reset the token on the developer portal's Bot tab and put it in DISCORD_TOKEN",
                        )
                    ]
                me.raise_for_status()
                bot = await me.json()
            async with http.get(f"{base}/oauth2/applications/@me") as app_response:
                app_response.raise_for_status()
                application = await app_response.json()
            async with http.get(f"{base}/users/@me/guilds") as guilds_response:
                guilds_response.raise_for_status()
                guilds = await guilds_response.json()
        except aiohttp.ClientError as exc:
            return [
                Check("discord", False, f"cannot reach Discord ({type(exc).__name__})", "check the network")
            ]
    checks = [
        Check("discord token", True, f"signed in as {bot.get('username')}"),
        Check("discord application", True, f"application id {application.get('id')}"),
    ]
    # A person can only DM a bot they share a server with (or one installed to their account).
    checks.append(
        Check(
            "discord direct messages",
            bool(guilds),
            f"in {len(guilds)} server(s): members can DM it"
            if guilds
            else "in no server yet: nobody can DM it",
            "add it to your server with the link from `debrief discord-invite`",
        )
    )
    return checks
