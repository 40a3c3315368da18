"""The Slack app manifest: exactly the scopes, events, slash command and interactivity Debrief uses."""

from __future__ import annotations

import json
from typing import Any

BOT_SCOPES = [
    "app_mentions:read",  # a mention in a channel, answered with a pointer to the DM
    "chat:write",  # replies and reminders
    "commands",  # /debrief
    "files:read",  # a calendar invitation (.ics) shared in the DM, to register the interview
    "files:write",  # `export` and "Add to calendar" hand over a file in the DM
    "im:history",  # direct messages: the debrief itself
    "im:write",  # opening the DM for reminders
    "users:read",  # a person's name (to sign letters) and time zone (for reminders)
]
BOT_EVENTS = ["app_home_opened", "app_mention", "message.im"]


def manifest(*, request_url: str | None = None) -> dict[str, Any]:
    """Socket Mode when no public URL is given; HTTP mode (events and interactivity at it) otherwise."""
    socket_mode = request_url is None
    events: dict[str, Any] = {"bot_events": BOT_EVENTS}
    interactivity: dict[str, Any] = {"is_enabled": True}
    command: dict[str, Any] = {
        "command": "/debrief",
        "description": "Your after-interview coach: help, new, status",
        "usage_hint": "help | new | status | reminders",
        "should_escape": False,
    }
    if not socket_mode:
        events["request_url"] = request_url
        interactivity["request_url"] = request_url
        command["url"] = request_url
    return {
        "display_information": {
            "name": "Debrief",
            "description": "Your coach for the hours and days after a job interview.",
            "background_color": "#2c2d30",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": "Debrief", "always_online": True},
            "slash_commands": [command],
        },
        "oauth_config": {"scopes": {"bot": BOT_SCOPES}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": socket_mode,
            "token_rotation_enabled": False,
        },
    }


def manifest_json(*, request_url: str | None = None) -> str:
    return json.dumps(manifest(request_url=request_url), indent=2)
