"""A loopback fake of the Slack Web API and a signed-request client for the real Bolt app.

Payload shapes follow Slack's documentation (Events API envelope, block_actions, slash commands).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import parse_qsl, urlencode

from aiohttp import ClientSession, web

from adapters.slack_manifest import BOT_SCOPES

SIGNING_SECRET = "test-signing-secret"
TEAM, BOT_USER = "T0001", "UBOT"


class FakeSlack:
    """Answers the Web API methods Debrief calls and records every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.rate_limited: dict[str, int] = {}  # method -> how many 429s to answer first
        self.slow: dict[str, list[float]] = {}  # method -> seconds to wait before each next answer
        self.users = {"U1": {"real_name": "Maya Rivera", "tz": "Europe/Berlin"}}
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.sockets: list[web.WebSocketResponse] = []
        self.uploads: dict[str, bytes] = {}
        self.acks: list[str] = []
        self.scopes = list(BOT_SCOPES)  # what auth.test says the bot token was granted
        self.refused_tokens: set[str] = set()  # tokens Slack answers with invalid_auth
        self.shared: dict[str, bytes] = {}  # files people shared, by id: fetched with the bot token
        self.downloads: list[str] = []  # the Authorization header of each file fetched
        self.responses: list[dict[str, Any]] = []  # what was posted to a command's response_url
        self.errors: dict[str, str] = {}  # method -> the error Slack answers it with ("expired_trigger_id")

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self._handle)
        app.router.add_get("/api/{method}", self._handle)  # users.info is a GET
        app.router.add_get("/socket", self._socket)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/files/{file_id}/{name}", self._download)
        app.router.add_post("/respond/{command}", self._respond)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/api/"

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    def of(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        raw = await request.text()
        if request.method == "GET":
            params = dict(request.query)
        elif request.content_type == "application/json":
            params = json.loads(raw or "{}")
        else:
            params = dict(parse_qsl(raw))
            for key in ("blocks", "view"):
                if isinstance(params.get(key), str):
                    params[key] = json.loads(params[key])
        params = {**dict(request.query), **params}  # some methods send their arguments in the URL
        if self.slow.get(method):
            await asyncio.sleep(self.slow[method].pop(0))  # a slow Slack: the bot's turns stay in flight
        if self.rate_limited.get(method):
            self.rate_limited[method] -= 1
            self.calls.append((f"{method}:429", params))
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "1"}
            )
        self.calls.append((method, params))
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token in self.refused_tokens:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        if method in self.errors:
            return web.json_response({"ok": False, "error": self.errors[method]})
        headers = {"x-oauth-scopes": ",".join(self.scopes)} if method == "auth.test" else None
        return web.json_response(self._answer(method, params), headers=headers)

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "files.getUploadURLExternal":
            file_id = f"F{len(self.uploads) + 1}"
            return {
                "ok": True,
                "file_id": file_id,
                "upload_url": self.url.replace("/api/", f"/upload/{file_id}"),
            }
        if method == "files.completeUploadExternal":
            return {
                "ok": True,
                "files": [{"id": f["id"], "title": f.get("title")} for f in json.loads(params["files"])],
            }
        if method == "apps.connections.open":
            return {"ok": True, "url": self.url.replace("http://", "ws://").replace("/api/", "/socket")}
        if method == "auth.test":
            return {"ok": True, "user_id": BOT_USER, "bot_id": "BBOT", "team_id": TEAM, "user": "debrief"}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": f"D{params.get('users', 'X')}"}}
        if method == "chat.postMessage":
            return {"ok": True, "channel": params.get("channel"), "ts": f"{time.time():.6f}"}
        if method == "users.info":
            user = self.users.get(params.get("user"), {})
            return {"ok": True, "user": {"id": params.get("user"), "tz": user.get("tz"),
                                         "profile": {"real_name": user.get("real_name")}}}  # fmt: skip
        return {"ok": True}

    def share(self, name: str, content: bytes, *, file_id: str = "F0ICS") -> dict[str, Any]:
        """A file a person shared in a message: the `files` item of a file_share event."""
        self.shared[file_id] = content
        url = self.url.replace("/api/", f"/files/{file_id}/{name}")
        return {"id": file_id, "name": name, "title": name, "mimetype": "text/calendar", "filetype": "ics",
                "size": len(content), "url_private": url, "url_private_download": url + "?download=1",
                "mode": "hosted", "is_external": False}  # fmt: skip

    async def _download(self, request: web.Request) -> web.Response:
        """A shared file, for a request bearing a bot token (Slack answers others with a login page)."""
        auth = request.headers.get("Authorization", "")
        self.downloads.append(auth)
        content = self.shared.get(request.match_info["file_id"])
        if content is None or not auth.startswith("Bearer xoxb-"):
            return web.Response(text="<html>sign in</html>", content_type="text/html")
        return web.Response(body=content, content_type="text/calendar")

    @property
    def response_url(self) -> str:
        """A slash command's response_url, answered by this fake."""
        return self.url.replace("/api/", "/respond/1")

    async def _respond(self, request: web.Request) -> web.Response:
        self.responses.append(await request.json())
        return web.Response(text="ok")

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file_id"]] = await request.read()
        return web.Response(text="OK - 1")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        """Socket Mode: hello, then envelopes pushed by `push`; the client acks each envelope id."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1}))
        async for frame in ws:
            if frame.type.name == "TEXT":
                self.acks.append(json.loads(frame.data).get("envelope_id"))
        return ws

    async def push(self, payload: dict[str, Any], *, kind: str = "events_api", retry_attempt: int = 0) -> str:
        envelope_id = f"env-{len(self.acks)}-{time.monotonic_ns()}"
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": False,
            "retry_attempt": retry_attempt,
            "retry_reason": "timeout" if retry_attempt else "",
        }
        await self.sockets[-1].send_str(json.dumps(envelope))
        return envelope_id


def event_envelope(event: dict[str, Any], event_id: str) -> dict[str, Any]:
    return {
        "token": "legacy",
        "team_id": TEAM,
        "api_app_id": "A0001",
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [{"enterprise_id": None, "team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
    }


def dm_event(text: str, user: str = "U1") -> dict[str, Any]:
    ts = f"{time.time():.6f}"
    return {
        "type": "message",
        "channel": f"D{user}",
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel_type": "im",
    }


def sign(body: bytes, *, secret: str = SIGNING_SECRET, timestamp: int | str | None = None) -> dict[str, str]:
    """Slack's headers for `body`; a `timestamp` string is sent as it is (`abc`, `1e10`), signed."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


class SlackClient:
    """Sends what Slack would send to the bot's HTTP endpoint, correctly signed unless told not to."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.events = 0

    async def post(
        self, body: bytes, content_type: str, *, timestamp: str | None = None, **headers: str
    ) -> int:
        signed = {**sign(body, timestamp=timestamp), **headers}
        async with (
            ClientSession() as session,
            session.post(self.url, data=body, headers={"Content-Type": content_type, **signed}) as resp,
        ):
            return resp.status

    async def event(self, event: dict[str, Any], *, event_id: str | None = None, **headers: str) -> int:
        self.events += 1
        envelope = event_envelope(event, event_id or f"Ev{self.events:06d}")
        return await self.post(json.dumps(envelope).encode(), "application/json", **headers)

    async def dm(self, text: str, *, user: str = "U1", **kwargs: Any) -> int:
        return await self.event(dm_event(text, user), **kwargs)

    async def click(
        self, value: str, *, user: str = "U1", action_ts: str | None = None, container: str = "message"
    ) -> int:
        """A button clicked in the DM, or with `container="view"` on the App Home (no channel then)."""
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": "maya", "name": "maya", "team_id": TEAM},
            "api_app_id": "A0001",
            "token": "legacy",
            "container": {"type": "message", "message_ts": "1.1", "channel_id": f"D{user}",
                          "is_ephemeral": False},
            "trigger_id": "t",
            "team": {"id": TEAM, "domain": "acme"},
            "channel": {"id": f"D{user}", "name": "directmessage"},
            "actions": [{"action_id": "debrief_0", "block_id": "b", "type": "button", "value": value,
                         "text": {"type": "plain_text", "text": "x"},
                         "action_ts": action_ts or f"{time.time():.6f}"}],
        }  # fmt: skip
        if container == "view":
            payload["container"] = {"type": "view", "view_id": "VHOME"}
            del payload["channel"]
        return await self.post(
            urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded"
        )

    async def submit_view(
        self, view: dict[str, Any], text: str, *, user: str = "U1", view_id: str = "V1"
    ) -> tuple[int, str]:
        """A view_submission of a modal the bot opened, `text` typed in its one plain_text_input;
        Slack's status and the body the bot answered with ("" closes the modal)."""
        [block] = [b for b in view["blocks"] if b["type"] == "input"]
        state = {
            block["block_id"]: {block["element"]["action_id"]: {"type": "plain_text_input", "value": text}}
        }
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM, "domain": "acme"},
            "user": {"id": user, "username": "maya", "name": "maya", "team_id": TEAM},
            "api_app_id": "A0001",
            "token": "legacy",
            "trigger_id": f"{time.time_ns()}.{user}.t",
            "view": {**view, "id": view_id, "team_id": TEAM, "state": {"values": state}, "hash": "h1",
                     "app_id": "A0001", "bot_id": "BBOT"},
            "response_urls": [],
            "is_enterprise_install": False,
        }  # fmt: skip
        body = urlencode({"payload": json.dumps(payload)}).encode()
        async with (
            ClientSession() as session,
            session.post(
                self.url,
                data=body,
                headers={"Content-Type": "application/x-www-form-urlencoded", **sign(body)},
            ) as resp,  # fmt: skip
        ):
            return resp.status, await resp.text()

    async def command(
        self,
        text: str,
        *,
        user: str = "U1",
        channel: str = "C0001",
        trigger_id: str | None = None,
        response_url: str = "http://127.0.0.1:9/none",
    ) -> int:
        form = {"token": "legacy", "team_id": TEAM, "team_domain": "acme", "channel_id": channel,
                "channel_name": "general", "user_id": user, "user_name": "maya", "command": "/debrief",
                "text": text, "api_app_id": "A0001", "response_url": response_url,
                "trigger_id": trigger_id or f"{time.time_ns()}.{user}.t"}  # fmt: skip
        return await self.post(urlencode(form).encode(), "application/x-www-form-urlencoded")


async def wait_for(condition, *, timeout: float = 10.0) -> None:
    """Bolt answers Slack before the listener has finished: wait for the effect."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting for the bot")
        await asyncio.sleep(0.02)
