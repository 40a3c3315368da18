"""A loopback fake of Discord: the REST API the bot calls and a gateway speaking enough of the
protocol (HELLO, IDENTIFY, READY, heartbeats, dispatches) for the real discord.py client.

Payload shapes follow Discord's documentation (Message, Interaction, Gateway events).
"""

from __future__ import annotations

import asyncio
import itertools
import json
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

BOT = {
    "id": "1000",
    "username": "debrief",
    "discriminator": "0",
    "avatar": None,
    "bot": True,
    "global_name": None,
}
APP_ID = "2000"
FOLLOWUP = "1"  # the channel recorded for an interaction's follow-up messages
MAYA = {"id": "42", "username": "maya", "discriminator": "0", "avatar": None, "global_name": "Maya Rivera"}
_ids = itertools.count(900_000)


def _json(data: Any, status: int = 200) -> web.Response:
    # Exactly "application/json": with "; charset=utf-8" discord.py leaves the body unparsed.
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
    )


def snowflake() -> str:
    return str(next(_ids))


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


class FakeDiscord:
    """REST under /api/v10 and a gateway at /gateway; records messages the bot posts."""

    def __init__(self) -> None:
        self.posts: list[
            dict[str, Any]
        ] = []  # {"channel_id", "content", "components", "allowed_mentions", ...}
        self.calls: list[tuple[str, str]] = []
        self.sockets: list[web.WebSocketResponse] = []
        self.sequence = itertools.count(1)
        self.identified = asyncio.Event()
        self.commands: list[dict[str, Any]] = []
        self.refuse_with: int | None = None  # a close code to answer IDENTIFY with (4014: intents)
        self.guilds: list[dict[str, Any]] = [{"id": "900", "name": "Job club"}]  # the servers it is in
        self.refuse_token = False  # every REST call answered 401, as for a reset token
        self.callbacks: list[dict[str, Any]] = []
        self.cdn: dict[
            str, bytes
        ] = {}  # attachments people sent, by path  # interaction responses: {"interaction_id", "type", "data"}
        self._runner: web.AppRunner | None = None
        self.base = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway/", self._gateway)
        app.router.add_route("*", "/api/v10/{path:.*}", self._rest)
        app.router.add_get("/attachments/{path:.*}", self._attachment)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.base = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        for ws in self.sockets:
            await ws.close()
        if self._runner:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"{self.base}/api/v10"

    @property
    def gateway_url(self) -> str:
        return self.base.replace("http://", "ws://") + "/gateway/"

    # ------------------------------------------------------------------ gateway

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 45000}}))
        async for frame in ws:
            if frame.type.name != "TEXT":
                continue
            data = json.loads(frame.data)
            if data["op"] == 1:
                await ws.send_str(json.dumps({"op": 11}))
            elif data["op"] == 2 and self.refuse_with:
                await ws.close(code=self.refuse_with)
            elif data["op"] == 2:
                ready = {
                    "v": 10,
                    "user": BOT,
                    "guilds": [],
                    "session_id": "session-1",
                    "resume_gateway_url": self.gateway_url,
                    "application": {"id": APP_ID, "flags": 0},
                    "private_channels": [],
                    "relationships": [],
                }
                await self.dispatch("READY", ready)
                self.identified.set()
        return ws

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        frame = {"op": 0, "s": next(self.sequence), "t": event, "d": data}
        await self.sockets[-1].send_str(json.dumps(frame))

    async def dm(
        self,
        text: str,
        *,
        author: dict = MAYA,
        message_id: str | None = None,
        files: dict[str, bytes] | None = None,
    ) -> str:
        """MESSAGE_CREATE in the DM between `author` and the bot, with `files` attached (by name, served
        by this fake as Discord's CDN would); returns the message id."""
        message_id = message_id or snowflake()
        data = self.message(f"5{author['id']}", text, author, message_id)
        for name, content in (files or {}).items():
            attachment_id = snowflake()
            self.cdn[f"/attachments/{attachment_id}/{name}"] = content
            url = f"{self.base}/attachments/{attachment_id}/{name}"
            data["attachments"].append({"id": attachment_id, "filename": name, "size": len(content), "url": url,
                                        "proxy_url": url, "content_type": "text/calendar; charset=utf-8"})  # fmt: skip
        await self.dispatch("MESSAGE_CREATE", data)
        return message_id

    async def guild_message(self, text: str, *, mentions: list[dict], author: dict = MAYA) -> None:
        data = self.message("777", text, author, snowflake())
        data.update(guild_id="555", mentions=mentions, member={"roles": [], "joined_at": now_iso()})
        await self.dispatch("MESSAGE_CREATE", data)

    def message(self, channel_id: str, text: str, author: dict, message_id: str) -> dict[str, Any]:
        return {"id": message_id, "channel_id": channel_id, "author": author, "content": text,
                "timestamp": now_iso(), "edited_timestamp": None, "tts": False, "mention_everyone": False,
                "mentions": [], "mention_roles": [], "attachments": [], "embeds": [], "pinned": False, "type": 0}  # fmt: skip

    async def click(
        self, post: dict[str, Any], label: str, *, author: dict = MAYA, interaction_id: str | None = None
    ) -> str:
        """INTERACTION_CREATE for a button the bot posted (found by its label)."""
        custom_id = next(
            c["custom_id"] for row in post["components"] for c in row["components"] if c.get("label") == label
        )
        interaction_id = interaction_id or snowflake()
        message = {**self.message(post["channel_id"], post.get("content") or "", BOT, post["id"]),
                   "components": post["components"]}  # fmt: skip
        data = {"id": interaction_id, "application_id": APP_ID, "type": 3, "token": f"tok-{interaction_id}",
                "version": 1, "data": {"custom_id": custom_id, "component_type": 2},
                "channel_id": post["channel_id"], "channel": {"id": post["channel_id"], "type": 1},
                "user": author, "message": message, "locale": "en-US", "app_permissions": "0",
                "entitlements": [], "authorizing_integration_owners": {}, "context": 1,
                "attachment_size_limit": 10_485_760}  # fmt: skip
        await self.dispatch("INTERACTION_CREATE", data)
        return interaction_id

    def modal(self, interaction_id: str) -> dict[str, Any]:
        """The modal the bot answered an interaction with (callback type 9): its data."""
        return next(
            c["data"] for c in self.callbacks if c["interaction_id"] == interaction_id and c["type"] == 9
        )

    async def submit_modal(
        self, modal: dict[str, Any], text: str, *, author: dict = MAYA, interaction_id: str | None = None
    ) -> str:
        """INTERACTION_CREATE of type 5 (MODAL_SUBMIT): `text` typed in the modal's one text input,
        sent back the way Discord does, its custom ids and values in components."""
        interaction_id = interaction_id or snowflake()
        field = _text_input(modal["components"])
        data = {"id": interaction_id, "application_id": APP_ID, "type": 5, "token": f"tok-{interaction_id}",
                "version": 1, "locale": "en-US", "app_permissions": "0", "entitlements": [],
                "authorizing_integration_owners": {}, "attachment_size_limit": 10_485_760, "context": 1,
                "channel_id": f"5{author['id']}", "channel": {"id": f"5{author['id']}", "type": 1}, "user": author,
                "data": {"custom_id": modal["custom_id"],
                         "components": [{"type": 1, "components": [{"type": 4, "custom_id": field["custom_id"],
                                                                    "value": text}]}]}}  # fmt: skip
        await self.dispatch("INTERACTION_CREATE", data)
        return interaction_id

    async def slash(self, what: str, *, in_guild: bool, author: dict = MAYA) -> str:
        """INTERACTION_CREATE for /debrief <what>, typed in a server channel or in the DM."""
        interaction_id = snowflake()
        data = {"id": interaction_id, "application_id": APP_ID, "type": 2, "token": f"tok-{interaction_id}",
                "version": 1, "locale": "en-US", "app_permissions": "0", "entitlements": [],
                "authorizing_integration_owners": {}, "attachment_size_limit": 10_485_760,
                "data": {"id": "3100", "name": "debrief", "type": 1,
                         "options": [{"name": "what", "type": 3, "value": what}]}}  # fmt: skip
        if in_guild:
            data.update(guild_id="555", guild_locale="en-US", context=0, channel_id="777",
                        channel={"id": "777", "type": 0, "guild_id": "555", "name": "general", "position": 0,
                                 "permission_overwrites": [], "nsfw": False, "parent_id": None},
                        member={"user": author, "roles": [], "joined_at": now_iso(), "deaf": False, "mute": False,
                                "permissions": "0", "flags": 0})  # fmt: skip
        else:
            data.update(context=1, channel_id=f"5{author['id']}", channel={"id": f"5{author['id']}", "type": 1},
                        user=author)  # fmt: skip
        await self.dispatch("INTERACTION_CREATE", data)
        return interaction_id

    # ------------------------------------------------------------------ REST

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["path"]
        self.calls.append((request.method, path))
        if self.refuse_token:
            return _json({"message": "401: Unauthorized", "code": 0}, status=401)
        if request.method == "GET" and path == "/users/@me/guilds":
            return _json(self.guilds)
        if request.method == "GET" and path == "/users/@me":
            return _json(BOT)
        if request.method == "GET" and path == "/oauth2/applications/@me":
            return _json({"id": APP_ID, "name": "Debrief", "icon": None, "description": "",
                                      "bot_public": True, "bot_require_code_grant": False, "verify_key": "k",
                                      "flags": 0, "owner": {**MAYA, "id": "3000"}, "team": None, "summary": ""})  # fmt: skip
        if request.method == "PUT" and path.endswith("/commands"):
            self.commands = await request.json()
            return _json([{**c, "id": snowflake(), "application_id": APP_ID, "version": "1", "default_member_permissions": None,
                           "dm_permission": True, "nsfw": False} for c in self.commands])  # fmt: skip
        if request.method == "POST" and path == "/users/@me/channels":
            recipient = (await request.json())["recipient_id"]
            return _json({"id": f"5{recipient}", "type": 1, "last_message_id": None,
                                      "recipients": [{**MAYA, "id": str(recipient)}]})  # fmt: skip
        if request.method == "POST" and path.startswith("/channels/") and path.endswith("/messages"):
            return _json(await self._record(request, path.split("/")[2]))
        if request.method == "POST" and path.startswith("/interactions/"):
            interaction_id = path.split("/")[2]
            body = await request.json() if request.content_type == "application/json" else {}
            self.callbacks.append({"interaction_id": interaction_id, **body})
            return _json({"interaction": {"id": interaction_id, "type": 3}})
        if request.method == "POST" and path.startswith("/webhooks/"):
            return _json(await self._record(request, FOLLOWUP))
        if request.method == "PATCH" and path.startswith("/webhooks/"):
            return _json(await self._record(request, FOLLOWUP))
        return _json({"message": "Unknown route in the fake", "code": 0}, status=404)

    async def _attachment(self, request: web.Request) -> web.Response:
        content = self.cdn.get(request.path)
        return web.Response(body=content) if content is not None else web.Response(status=404)

    async def _record(self, request: web.Request, channel_id: str) -> dict[str, Any]:
        files = []
        if request.content_type.startswith("multipart/"):
            payload: dict[str, Any] = {}
            async for part in await request.multipart():
                if part.name == "payload_json":
                    payload = json.loads(await part.text())
                else:
                    files.append((part.filename, await part.read()))
        else:
            payload = await request.json()
        post = {"id": snowflake(), "channel_id": channel_id, "content": payload.get("content"),
                "components": payload.get("components") or [], "allowed_mentions": payload.get("allowed_mentions"),
                "flags": payload.get("flags"), "files": files}  # fmt: skip
        self.posts.append(post)
        return {
            **self.message(channel_id, post["content"] or "", BOT, post["id"]),
            "components": post["components"],
        }


def _text_input(components: list[dict[str, Any]]) -> dict[str, Any]:
    """The text input (type 4) of a modal's components, in an action row or a label."""
    for component in components:
        if component.get("type") == 4:
            return component
        inner = component.get("components") or ([component["component"]] if "component" in component else [])
        if inner:
            return _text_input(inner)
    raise AssertionError(f"no text input in {components}")
