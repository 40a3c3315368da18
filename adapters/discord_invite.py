"""The OAuth2 link that adds Debrief to a Discord server, with the least it needs."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import urlencode

# View Channels (1 << 10) and Send Messages (1 << 11) to answer a mention, Send Messages in
# Threads (1 << 38) when it is in a thread, and Read Message History (1 << 16) because that answer
# is a reply to the mention. Everything else happens in DMs.
PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 16) | (1 << 38)
SCOPES = "bot applications.commands"


def application_id(token: str) -> str | None:
    """A bot token starts with its bot user's id in base64; for a bot that is the application id."""
    first = token.split(".", 1)[0]
    try:
        decoded = base64.b64decode(first + "=" * (-len(first) % 4), validate=False).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded if decoded.isdecimal() else None


def invite_url(app_id: str) -> str:
    query = urlencode({"client_id": app_id, "scope": SCOPES, "permissions": PERMISSIONS})
    return f"https://discord.com/oauth2/authorize?{query}"
