"""Settings from the environment and `.env` (pydantic-settings). Errors name the setting, never its value."""

from __future__ import annotations

import logging
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from platformdirs import user_data_dir
from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.dates import local_zone_name
from bot.model import QuietHours


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it and says how to fix it."""


def default_database_url() -> str:
    return f"sqlite:///{Path(user_data_dir('debrief', appauthor=False)) / 'debrief.sqlite3'}"


class Settings(BaseSettings):
    """Everything Debrief reads from its environment. See .env.example for each one."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    # Storage and behaviour
    database_url: str = Field(default_factory=default_database_url, validation_alias="DEBRIEF_DATABASE_URL")
    timezone: str = Field(default_factory=local_zone_name, validation_alias="DEBRIEF_TIMEZONE")
    log_level: str = Field(default="WARNING", validation_alias="DEBRIEF_LOG_LEVEL")
    quiet_hours: str = Field(default="21:00-08:00", validation_alias="DEBRIEF_QUIET_HOURS")
    export_dir: Path = Field(
        default_factory=lambda: Path(user_data_dir("debrief", appauthor=False)) / "exports",
        validation_alias="DEBRIEF_EXPORT_DIR",
    )
    sweep_seconds: float = Field(default=30.0, gt=0, le=3600, validation_alias="DEBRIEF_SWEEP_SECONDS")

    # Platforms: a bot starts only for the platforms whose tokens are set.
    slack_bot_token: SecretStr | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_app_token: SecretStr | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, validation_alias="SLACK_SIGNING_SECRET")
    slack_api_url: str | None = Field(default=None, validation_alias="SLACK_API_URL")
    discord_token: SecretStr | None = Field(default=None, validation_alias="DISCORD_TOKEN")
    discord_api_url: str | None = Field(default=None, validation_alias="DISCORD_API_URL")
    discord_gateway_url: str | None = Field(default=None, validation_alias="DISCORD_GATEWAY_URL")
    # Only one process may hold the gateway (DMs arrive on shard 0); others send reminders over REST.
    discord_gateway: bool = Field(default=True, validation_alias="DEBRIEF_DISCORD_GATEWAY")
    port: int = Field(default=3000, ge=1, le=65535, validation_alias=AliasChoices("PORT", "DEBRIEF_PORT"))
    # Operators: GET /health and /metrics on this port, for every platform (unset: not served).
    health_port: int | None = Field(default=None, ge=1, le=65535, validation_alias="DEBRIEF_HEALTH_PORT")

    @field_validator("health_port", mode="before")
    @classmethod
    def _unset_when_empty(cls, value: object) -> object:
        """ "DEBRIEF_HEALTH_PORT=" (left empty in .env) means not served, not a mistake."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("not a known time zone; use an IANA name such as Europe/Berlin") from None
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours_shape(cls, value: str) -> str:
        QuietHours.parse(value)  # raises ValueError with the reason
        return value

    def quiet(self) -> QuietHours:
        return QuietHours.parse(self.quiet_hours)

    @model_validator(mode="after")
    def _slack_complete(self) -> Settings:
        if self.slack_bot_token is not None and not (self.slack_app_token or self.slack_signing_secret):
            raise ValueError(
                "SLACK_BOT_TOKEN needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)"
            )
        if self.slack_api_url is not None and not self.slack_api_url.startswith(("http://", "https://")):
            raise ValueError("SLACK_API_URL must start with https:// (e.g. https://slack.com/api/)")
        return self

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in logging.getLevelNamesMapping():
            raise ValueError("use DEBUG, INFO, WARNING or ERROR")
        return level

    @field_validator("database_url")
    @classmethod
    def _url_shape(cls, value: str) -> str:
        if "://" not in value:
            raise ValueError("must be a database URL such as sqlite:///path/to/debrief.sqlite3")
        return value


_ALIASES = {
    name: str(
        field.validation_alias.choices[0]
        if isinstance(field.validation_alias, AliasChoices)
        else field.validation_alias
    )
    for name, field in Settings.model_fields.items()
}


def load_settings() -> Settings:
    """The settings, or a ConfigError whose message names each bad setting and never its value."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_input=False, include_url=False):
            reason = error["msg"].removeprefix("Value error, ")
            if not error["loc"]:  # a rule across settings names them in its own words
                problems.append(reason)
                continue
            field = str(error["loc"][0])
            problems.append(f"{_ALIASES.get(field, field.upper())}: {reason}")
        raise ConfigError("invalid setting: " + "; ".join(problems)) from None
