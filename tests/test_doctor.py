"""`debrief doctor` against a good and a broken set-up: the loopback Slack and Discord fakes, a real
SQLite file, and the command itself. One line per check; a fix on every failed one."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from bot.config import Settings
from debrief.cli import main
from debrief.doctor import run_checks
from storage.db import Database
from tests.discord_fake import FakeDiscord
from tests.slack_fake import FakeSlack


def _settings(tmp_path, **values) -> Settings:
    values.setdefault("database_url", f"sqlite:///{tmp_path / 'doctor.sqlite3'}")
    return Settings(_env_file=None, **values)


def _against(tmp_path, slack: FakeSlack, discord: FakeDiscord, **tokens) -> Settings:
    """Settings whose Slack and Discord are the fakes, with these tokens."""
    return _settings(tmp_path, slack_api_url=slack.url, discord_api_url=discord.api_url, **tokens)


def _lines(checks) -> str:
    return "\n".join(check.line() for check in checks)


def test_a_good_slack_and_discord_set_up_passes_every_check(tmp_path):
    Database(f"sqlite:///{tmp_path / 'doctor.sqlite3'}").migrate()

    async def scenario():
        slack, discord = FakeSlack(), FakeDiscord()
        await slack.start()
        await discord.start()
        try:
            tokens = dict(
                slack_bot_token="xoxb-good", slack_app_token="xapp-good", discord_token="fake-token"
            )
            return await run_checks(_against(tmp_path, slack, discord, **tokens))
        finally:
            await slack.stop()
            await discord.stop()

    checks = asyncio.run(scenario())
    report = _lines(checks)
    assert all(check.ok for check in checks), report
    assert [c.name for c in checks] == [
        "database", "slack bot token", "slack scopes", "slack socket mode",
        "discord token", "discord application", "discord direct messages",
    ]  # fmt: skip
    assert "at migration 0002, writable" in report
    assert "signed in as @debrief" in report and "all 8 the manifest asks for" in report
    assert "in 1 server(s): members can DM it" in report
    assert "xoxb-good" not in report and "fake-token" not in report  # no secret in the report


def test_a_broken_set_up_names_each_problem_and_its_fix(tmp_path):
    url = f"sqlite:///{tmp_path / 'doctor.sqlite3'}"
    Database(url).migrate()
    with Database(url).engine.begin() as connection:  # a database an older Debrief left behind
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))

    async def scenario():
        slack, discord = FakeSlack(), FakeDiscord()
        await slack.start()
        await discord.start()
        slack.scopes.remove("im:history")  # the app was installed before the scope was added
        slack.refused_tokens.add("xapp-revoked")
        discord.guilds.clear()  # never invited to a server
        try:
            tokens = dict(
                slack_bot_token="xoxb-good", slack_app_token="xapp-revoked", discord_token="fake-token"
            )
            broken = await run_checks(_against(tmp_path, slack, discord, **tokens))
            slack.refused_tokens.add("xoxb-old")
            discord.refuse_token = True
            tokens = dict(slack_bot_token="xoxb-old", slack_signing_secret="s", discord_token="reset-token")
            refused = await run_checks(_against(tmp_path, slack, discord, **tokens))
            return broken, refused
        finally:
            await slack.stop()
            await discord.stop()

    broken, refused = asyncio.run(scenario())
    failed = {check.name: check for check in broken if not check.ok}
    assert set(failed) == {"database", "slack scopes", "slack socket mode", "discord direct messages"}
    assert "at migration 0001, this Debrief needs 0002" in failed["database"].line()
    assert "missing im:history" in failed["slack scopes"].line() and "reinstall" in failed["slack scopes"].fix
    assert "invalid_auth" in failed["slack socket mode"].found and "xapp-" in failed["slack socket mode"].fix
    assert "nobody can DM it" in failed["discord direct messages"].found
    assert "debrief discord-invite" in failed["discord direct messages"].fix
    assert all(" -> fix: " in check.line() for check in failed.values())
    names = {check.name: check for check in refused}
    assert not names["slack bot token"].ok and "SLACK_BOT_TOKEN" in names["slack bot token"].fix
    assert not names["discord token"].ok and "DISCORD_TOKEN" in names["discord token"].fix
    assert "xoxb-old" not in _lines(refused) and "reset-token" not in _lines(refused)


def test_the_command_prints_a_line_per_check_and_exits_1_on_a_failure(tmp_path, monkeypatch, capsys):
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "DISCORD_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env here
    url = f"sqlite:///{tmp_path / 'doctor.sqlite3'}"
    monkeypatch.setenv("DEBRIEF_DATABASE_URL", url)
    Database(url).migrate()
    assert main(["doctor"]) == 0
    good = capsys.readouterr().out.splitlines()
    assert good[0].startswith("ok   settings") and good[1].startswith("ok   database")
    assert "console chat" in good[2]

    (tmp_path / "a-file").write_text("")  # a folder that cannot be made: a file has its name
    monkeypatch.setenv("DEBRIEF_DATABASE_URL", f"sqlite:///{tmp_path / 'a-file' / 'x.sqlite3'}")
    assert main(["doctor"]) == 1
    assert "FAIL database: cannot create the database file" in capsys.readouterr().out

    monkeypatch.setenv("DEBRIEF_QUIET_HOURS", "late")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("FAIL settings: invalid setting: DEBRIEF_QUIET_HOURS") and "-> fix:" in out
