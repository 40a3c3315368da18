"""The Slack adapter (slack-bolt AsyncApp): DMs in, Block Kit out; Socket Mode or HTTP mode.

It translates only. Notes are taken in direct messages alone: a mention in a channel gets a short
threaded pointer and a DM is opened, and nothing a person wrote is ever posted to a channel.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

import aiohttp
import yarl
from aiohttp import web
from aiohttp.typedefs import Handler
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from adapters import slack_blocks
from adapters.base import Turns
from bot import actions, calendars
from bot.messages import Form, Incoming, Reply, UserKey
from bot.service import ConversationService

if TYPE_CHECKING:  # imported when Socket Mode starts: HTTP mode never loads it
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

log = logging.getLogger(__name__)

PLATFORM = "slack"
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/health"
PROFILE_CACHE = 1000  # people whose name and zone are remembered between messages
ACK_WAIT_S = 3.0  # Slack's own limit for an answer; stop() gives requests being answered no longer
RATE_LIMIT_RETRIES = 3  # 429 answers waited out (Retry-After) before a send counts as failed
# Messages a person typed. Edits, deletions, joins and bots' posts are not answers.
ANSWER_SUBTYPES = {None, "file_share", "thread_broadcast", "me_message"}
# Slack's request signing: a Unix timestamp in seconds and v0= with a hex HMAC-SHA256.
TIMESTAMP_SHAPE = re.compile(r"[0-9]{1,15}")
SIGNATURE_SHAPE = re.compile(r"v0=[0-9a-f]{64}")
MAX_REQUEST_AGE_S = 300  # Slack's own advice: older requests may be replays
TRIGGER_FRESH_S = 2.5  # a click's trigger_id opens a modal within 3 seconds of the click
FILE_TIMEOUT = aiohttp.ClientTimeout(total=10)  # a shared file: the person's next messages wait for it


class SlackAdapter:
    """Slack for Debrief. With `app_token` it uses Socket Mode; otherwise it serves HTTP on `port`.

    Every listener only takes the event's place in the person's line of turns (see `Turns`) and
    returns; Bolt answers Slack after that (`process_before_response`), so an event Slack was told
    "received" is always one the adapter holds, and `stop()` can finish it.
    """

    def __init__(
        self,
        *,
        service: ConversationService,
        bot_token: str,
        signing_secret: str | None = None,
        app_token: str | None = None,
        api_url: str | None = None,
        host: str = "0.0.0.0",
        port: int = 3000,
    ) -> None:
        if app_token is None and not signing_secret:
            raise ValueError(
                "Slack HTTP mode needs SLACK_SIGNING_SECRET (or set SLACK_APP_TOKEN for Socket Mode)"
            )
        self.service = service
        self.app_token = app_token
        self.host, self.port = host, port
        # Slack answers 429 with Retry-After; the SDK's handler waits that long and tries again.
        self.client = AsyncWebClient(
            token=bot_token,
            base_url=api_url or AsyncWebClient.BASE_URL,
            retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)],
        )
        self.app = AsyncApp(
            client=self.client,
            # Socket Mode needs no signature; Bolt still wants a value to start.
            signing_secret=signing_secret or "socket-mode",
            request_verification_enabled=app_token is None,
            # The listeners below return at once (the work runs in `self._turns`), so answering
            # after them is still fast, and no event is acknowledged before the adapter has it.
            process_before_response=True,
        )
        self._turns = Turns(PLATFORM)
        self._signing_secret = signing_secret or ""
        self._profiles: OrderedDict[str, tuple[str | None, str | None]] = OrderedDict()
        self._homes: OrderedDict[str, str] = OrderedDict()  # the App Home last published, by person
        self._runner: web.AppRunner | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._more_routes: list[Callable[[web.Application], None]] = []
        self._register()

    def serve_also(self, add_routes: Callable[[web.Application], None]) -> None:
        """HTTP mode: serve these routes on the events port too (the operator's /health and
        /metrics, when DEBRIEF_HEALTH_PORT is this port); they replace the plain /health."""
        self._more_routes.append(add_routes)

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Connect (Socket Mode) or start serving (HTTP mode); returns once listening."""
        if self.app_token:
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            self._socket = AsyncSocketModeHandler(self.app, self.app_token)
            await self._socket.connect_async()
            log.info("Slack: connected in Socket Mode")
            return
        web_app = self.app.web_app(path=EVENTS_PATH)
        for add_routes in self._more_routes:
            add_routes(web_app)
        if not self._more_routes:
            web_app.router.add_get(HEALTH_PATH, _health)
        web_app.middlewares.append(self._signed_only)
        self._runner = web.AppRunner(web_app, shutdown_timeout=ACK_WAIT_S)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]  # the real one, when 0 asked for any free port
        log.info("Slack: listening on %s:%s%s", self.host, self.port, EVENTS_PATH)

    async def stop(self) -> None:
        """Take no new events (close the socket, or the listening port once the requests being
        answered are answered), then finish every accepted turn and its replies."""
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await self._turns.finish()

    async def connected(self) -> bool:
        """Socket Mode: the socket is open and answers pings; HTTP mode: the port is listening."""
        if self._socket is not None:
            return await self._socket.client.is_connected()
        return self._runner is not None

    @web.middleware
    async def _signed_only(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Answer 401 to an event request Slack did not sign, before Bolt reads it.

        Bolt checks signatures too, but `int()`s the timestamp header (so `abc`, an empty value or
        `1e10` end in a traceback and a 500) and decodes the body first (so bytes that are no
        UTF-8 do as well); here a request is bytes and headers until it is known to be Slack's.
        """
        if request.method != "POST" or request.path != EVENTS_PATH:
            return await handler(request)
        refused = _unsigned_because(
            secret=self._signing_secret,
            body=await request.read(),  # kept by aiohttp: Bolt reads the same bytes afterwards
            timestamp=request.headers.get("X-Slack-Request-Timestamp", ""),
            signature=request.headers.get("X-Slack-Signature", ""),
            now=time.time(),
        )
        if refused:
            log.info("Slack: refused a request (401): %s", refused)
            return web.json_response({"error": "invalid request"}, status=401)
        return await handler(request)

    # ------------------------------------------------------------------ sending

    async def send(self, user: UserKey, replies: list[Reply]) -> None:
        """Post to the person's DM (opened if needed). Raises when Slack refuses, so it is retried."""
        await self._post(await self._dm(user), replies)

    async def _dm(self, user: UserKey) -> str:
        """The channel id of the person's DM with the bot, opened if needed."""
        opened = await self.client.conversations_open(users=user.user_id)
        return str(opened["channel"]["id"])

    async def _post(self, channel: str, replies: list[Reply], *, thread_ts: str | None = None) -> None:
        for reply in replies:
            attachment = reply.attachment
            if attachment is not None and attachment.filename:  # an export: a file in the DM, not blocks
                await self.client.files_upload_v2(
                    channel=channel,
                    content=attachment.body,
                    filename=attachment.filename,
                    title=attachment.title,
                    initial_comment=slack_blocks.escape(slack_blocks.plain(reply.text)),
                )
                continue
            # The SDK leaves out arguments that are None, so a reply outside a thread has no thread_ts.
            await self.client.chat_postMessage(
                channel=channel, thread_ts=thread_ts or None, **slack_blocks.message(reply)
            )

    # ------------------------------------------------------------------ events

    def _register(self) -> None:
        app = self.app
        app.event("message")(self._on_message)
        app.event("app_mention")(self._on_mention)
        app.event("app_home_opened")(self._on_home)
        app.action("open_mail")(self._ack_only)  # a link button: the browser does the work
        app.action(re.compile(r"^debrief_\d+$"))(self._on_action)
        app.view(slack_blocks.FORM_CALLBACK)(self._on_form)
        app.command("/debrief")(self._on_command)

    def _later(self, user_id: str, work: Coroutine[Any, Any, None]) -> None:
        """Queue the work behind the person's earlier events. Call it before any `await`: arrival
        order is the order of these calls. While stopping it raises, so Bolt answers Slack with an
        error instead of "received" and Slack delivers the event again (to another process)."""
        if not self._turns.start(user_id, work):
            raise RuntimeError("Slack: stopping; the event is left for Slack to deliver again")

    async def _turn(self, incoming: Incoming) -> list[Reply]:
        return await asyncio.to_thread(self.service.handle, incoming)

    async def _profile(self, user_id: str) -> tuple[str | None, str | None]:
        """The person's name and time zone from users.info, remembered for the next messages."""
        if user_id in self._profiles:
            self._profiles.move_to_end(user_id)
            return self._profiles[user_id]
        try:
            info = (await self.client.users_info(user=user_id))["user"]
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
            log.warning("Slack: users.info failed (%s); going on without name and zone", type(exc).__name__)
            return None, None  # not remembered: the next message tries again
        profile = info.get("profile", {})
        found = (profile.get("real_name") or info.get("real_name") or None, info.get("tz"))
        self._profiles[user_id] = found
        if len(self._profiles) > PROFILE_CACHE:
            self._profiles.popitem(last=False)
        return found

    async def _on_message(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        # Only direct messages carry notes; edits, deletions and other bots' posts are not answers.
        if (
            event.get("channel_type") != "im"
            or event.get("subtype") not in ANSWER_SUBTYPES
            or event.get("bot_id")
        ):
            return
        if not event.get("user"):
            return
        self._later(event["user"], self._answer(event, body))

    async def _answer(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        """A message in the DM: the person's profile (asked once), the turn, the replies."""
        name, tz = await self._profile(event["user"])
        incoming = Incoming(
            user=UserKey(PLATFORM, body.get("team_id") or event.get("team") or "-", event["user"]),
            text=slack_blocks.unescape(event.get("text") or ""),
            event_id=body.get("event_id"),
            display_name=name,
            timezone=tz,
            calendar=await self._calendar_file(event.get("files") or []),
        )
        await self._post(event["channel"], await self._turn(incoming))
        await self._show_home(incoming.user, tz)

    async def _calendar_file(self, files: list[dict[str, Any]]) -> str | None:
        """The text of a calendar invitation (.ics) shared with the message, fetched from its private
        URL with the bot token (sent only to Slack's own hosts); None when there is none."""
        shared = next(
            (f for f in files if calendars.is_calendar_file(str(f.get("name") or ""), f.get("mimetype"))),
            None,
        )
        url = (shared or {}).get("url_private_download") or (shared or {}).get("url_private")
        if shared is None or not url or not self._slack_host(url):
            return None
        if int(shared.get("size") or 0) > calendars.ICS_MAX_BYTES:
            return None
        headers = {"Authorization": f"Bearer {self.client.token}"}
        try:
            async with (
                aiohttp.ClientSession(timeout=FILE_TIMEOUT) as session,
                session.get(url, headers=headers) as response,
            ):
                response.raise_for_status()
                data = await response.content.read(calendars.ICS_MAX_BYTES + 1)
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("Slack: a shared calendar file could not be read (%s)", type(exc).__name__)
            return None
        if len(data) > calendars.ICS_MAX_BYTES:
            return None
        return data.decode("utf-8", errors="replace")

    def _slack_host(self, url: str) -> bool:
        host = yarl.URL(url).host or ""
        api_host = yarl.URL(self.client.base_url).host or ""
        return host == api_host or host == "slack.com" or host.endswith(".slack.com")

    async def _on_mention(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        """In a channel: a short threaded pointer, then the conversation moves to a DM."""
        if event.get("bot_id"):
            return
        self._later(event["user"], self._point_to_dm(event, body))

    async def _point_to_dm(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        key = UserKey(PLATFORM, body.get("team_id") or "-", event["user"])
        name, tz = await self._profile(event["user"])
        greeting = Incoming(
            user=key, kind="open", event_id=body.get("event_id"), display_name=name, timezone=tz
        )
        replies = await self._turn(greeting)  # claims the event id: a redelivery stops here
        if not replies:
            return
        await self.client.chat_postMessage(
            channel=event["channel"],
            thread_ts=event.get("thread_ts") or event.get("ts"),
            text=self.service.flow.message("dm_pointer"),
        )
        await self.send(key, replies)

    async def _on_home(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("tab") not in (None, "home"):
            return
        self._later(event["user"], self._publish_home(event, body))

    async def _publish_home(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        key = UserKey(PLATFORM, body.get("team_id") or "-", event["user"])
        _, tz = await self._profile(event["user"])
        await self._show_home(key, tz, force=True)

    async def _show_home(self, key: UserKey, tz: str | None = None, *, force: bool = False) -> None:
        """The App Home as a dashboard (`home`, looked at: nothing saved). After a turn it is published
        again only for people who have opened it, and only if it changed."""
        if not force and key.user_id not in self._homes:
            return
        look = Incoming(user=key, kind="action", action=actions.command("home"), timezone=tz)
        view = slack_blocks.home_view(await asyncio.to_thread(self.service.look, look))
        shown = json.dumps(view, sort_keys=True)
        if not force and self._homes.get(key.user_id) == shown:
            return
        try:
            await self.client.views_publish(user_id=key.user_id, view=view)
        except SlackApiError as exc:  # the Home tab is a view of the DM: never worth failing a turn for
            log.info("Slack: App Home not updated (%s)", exc.response.get("error"))
            return
        self._homes[key.user_id] = shown
        self._homes.move_to_end(key.user_id)
        while len(self._homes) > PROFILE_CACHE:
            self._homes.popitem(last=False)

    async def _ack_only(self, ack: AsyncAck) -> None:
        await ack()

    async def _on_action(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        clicked = time.monotonic()  # a modal may open within 3 seconds of the click (its trigger_id)
        if actions.opens_form(action.get("value")):
            self._later(body["user"]["id"], self._open_form(body, action, clicked))
        else:
            self._later(body["user"]["id"], self._click(body, action, clicked))
        await ack()  # within 3 seconds; the work follows

    async def _open_form(self, body: dict[str, Any], action: dict[str, Any], clicked: float) -> None:
        """ "Type a longer answer": the box, prefilled, in a modal; nothing is saved until it is sent.
        If the question was answered meanwhile, the click is a turn like any other (it says so)."""
        key = _clicker(body)
        now = Incoming(user=key, kind="open")  # a look at where the debrief stands, saving nothing
        form = next((r.form for r in await asyncio.to_thread(self.service.look, now) if r.form), None)
        if form is None or form.open != action.get("value"):
            await self._click(body, action, clicked)
            return
        if not await self._show_form(body, form, clicked):  # the click must not come to nothing
            await self.send(_clicker(body), [Reply(self.service.flow.message("form_retry"))])

    async def _show_form(self, body: dict[str, Any], form: Form, clicked: float) -> bool:
        """Open the form's modal with the click's trigger_id, still fresh. False if it came too late
        (the button stays in the DM); a text too long for a Slack box gets a word instead."""
        flow = self.service.flow
        view = slack_blocks.form_view(form, save=flow.label("form_save"), cancel=flow.label("form_cancel"))
        if view is None:  # more than a Slack box holds: pasting it as a message still works
            await self.send(_clicker(body), [Reply(flow.message("form_too_long"))])
            return True
        if time.monotonic() - clicked > TRIGGER_FRESH_S or not body.get("trigger_id"):
            return False
        try:
            await self.client.views_open(trigger_id=body["trigger_id"], view=view)
        except SlackApiError as exc:  # expired_trigger_id after a slow turn
            log.info("Slack: no modal (%s)", exc.response.get("error"))
            return False
        return True

    async def _on_form(self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        """A submitted form: an empty box is refused in the modal itself; the text is the answer to
        the question that offered the box, handled once (the view's id is the event's)."""
        text = slack_blocks.form_text(view)
        if not text.strip():
            await ack(
                response_action="errors",
                errors={slack_blocks.FORM_BLOCK: self.service.flow.message("form_empty")},
            )
            return
        key = _clicker(body)
        submit = view.get("private_metadata") or ""
        incoming = Incoming(
            user=key, kind="action", action=submit, text=text, event_id=_event_id("form", key, view.get("id"))
        )
        self._later(key.user_id, self._answer_form(incoming))
        await ack()  # closes the modal

    async def _answer_form(self, incoming: Incoming) -> None:
        await self.send(incoming.user, await self._turn(incoming))
        await self._show_home(incoming.user)

    async def _click(self, body: dict[str, Any], action: dict[str, Any], clicked: float = 0.0) -> None:
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
        key = _clicker(body)
        incoming = Incoming(
            user=key,
            kind="action",
            action=action.get("value") or "",
            # action_ts is a time, not an id: two people's clicks can carry the same one.
            event_id=_event_id("action", key, action.get("action_ts")),
        )
        replies = await self._turn(incoming)
        if channel and body.get("container", {}).get("type") != "view":
            await self._post(channel, replies)
        else:  # a button on the App Home: answer in the DM
            await self.send(incoming.user, replies)
        await self._show_home(incoming.user)
        # "Edit letter": the box opens at once, as well as the message with its button.
        form = next((r.form for r in replies if r.form and r.form.at_once), None)
        if form is not None:
            await self._show_form(body, form, clicked)

    async def _on_command(self, ack: AsyncAck, command: dict[str, Any]) -> None:
        """/debrief [help|new|status|…], answered in the person's own DM with the bot: never in a
        shared channel, and the bot is no member of a DM between two people where it may be typed."""
        self._later(command["user_id"], self._command(command))
        await ack()

    async def _command(self, command: dict[str, Any]) -> None:
        key = UserKey(PLATFORM, command.get("team_id") or "-", command["user_id"])
        name, tz = await self._profile(command["user_id"])
        text = slack_blocks.unescape(command.get("text") or "").strip() or "help"
        incoming = Incoming(
            user=key,
            text=text,
            # Unique to one invocation, and the same in a replayed request: handled once.
            event_id=_event_id("command", key, command.get("trigger_id")),
            display_name=name,
            timezone=tz,
        )
        replies = await self._turn(incoming)
        dm = await self._dm(key)
        await self._post(dm, replies)
        if command.get("channel_id") != dm:  # typed in a channel: a word there that only they see
            await self._pointer(command.get("response_url"))
        await self._show_home(key, tz)

    async def _pointer(self, response_url: str | None) -> None:
        """ "Answered in your DM", ephemeral, through the command's response_url (which needs the bot in
        no channel); nothing of what they asked or what was answered."""
        if not response_url:
            return
        message = {"response_type": "ephemeral", "text": self.service.flow.message("answered_in_dm")}
        try:
            async with (
                aiohttp.ClientSession() as session,
                session.post(response_url, json=message) as response,
            ):
                response.raise_for_status()
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.info("Slack: no pointer to the DM (%s)", type(exc).__name__)


async def _health(_: web.Request) -> web.Response:
    return web.json_response({"ok": True})


def _clicker(body: dict[str, Any]) -> UserKey:
    """Who clicked or submitted, from an interaction payload."""
    user = body["user"]
    return UserKey(PLATFORM, (body.get("team") or {}).get("id") or user.get("team_id") or "-", user["id"])


def _event_id(kind: str, user: UserKey, token: str | None) -> str | None:
    """A processed-event key for a click or a command, unique per workspace and person.

    >>> _event_id("action", UserKey("slack", "T1", "U1"), "1700000000.000100")
    'action:T1:U1:1700000000.000100'
    """
    return f"{kind}:{user.workspace}:{user.user_id}:{token}" if token else None


def _unsigned_because(*, secret: str, body: bytes, timestamp: str, signature: str, now: float) -> str | None:
    """Why a request is not signed by Slack with `secret`, or None when it is.

    Slack signs `v0:{timestamp}:{body}` with HMAC-SHA256; a timestamp over five minutes off
    may be a replay (or this machine's clock is wrong, which an operator should hear about).
    """
    if not TIMESTAMP_SHAPE.fullmatch(timestamp) or not SIGNATURE_SHAPE.fullmatch(signature):
        return "missing or malformed signature headers"
    if abs(now - int(timestamp)) > MAX_REQUEST_AGE_S:
        return "timestamp more than 5 minutes from this machine's clock"
    expected = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256)
    if not hmac.compare_digest("v0=" + expected.hexdigest(), signature):
        return "signature does not match SLACK_SIGNING_SECRET"
    return None
