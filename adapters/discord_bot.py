"""The Discord adapter (discord.py 2.x): DMs in, messages with buttons out, /debrief, nudges in DMs.

It translates only. Notes are taken in DMs alone: a mention in a server channel gets a short reply
pointing to the DM, and nothing a person wrote is posted there. `allowed_mentions` is "none" for
every message, so nothing the bot echoes can ping @everyone or anyone.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import re
from typing import Any

import discord
import yarl
from discord import app_commands

from adapters.base import Turns
from bot import actions, calendars
from bot.messages import Form, Incoming, Reply, UserKey
from bot.service import ConversationService

log = logging.getLogger(__name__)

PLATFORM = "discord"
WORKSPACE = "global"  # a Discord account is the same person in every server
MESSAGE_MAX = 2000
BUTTONS_PER_MESSAGE = 25  # five rows of five
LABEL_MAX = 80
CUSTOM_ID_MAX = 100
NO_PINGS = discord.AllowedMentions.none()
# A modal: a title and a field label of 45 characters, a placeholder of 100, a paragraph of 4,000.
MODAL_LABEL_MAX = 45
PLACEHOLDER_MAX = 100
TEXT_INPUT_MAX = 4000
FORM_PREFIX = "debrief-form:"  # a form's custom id: this, then the action its text answers
FORM_INPUT = "text"
FORM_KEPT_S = 900.0  # how long discord.py keeps a form it opened (its submission is handled by id)


class FormModal(discord.ui.Modal):
    """The box for a longer answer, prefilled. Its submission is handled by custom id (see
    `DebriefClient.on_interaction`), so a form sent after a restart is answered too."""

    def __init__(self, form: Form) -> None:
        super().__init__(
            title=form.title[:MODAL_LABEL_MAX], custom_id=FORM_PREFIX + form.submit, timeout=FORM_KEPT_S
        )
        hint = form.hint.replace("**", "").strip()
        self.add_item(
            discord.ui.TextInput(
                label=form.label[:MODAL_LABEL_MAX],
                style=discord.TextStyle.paragraph,
                custom_id=FORM_INPUT,
                default=form.initial or None,
                placeholder=(hint[: PLACEHOLDER_MAX - 1] + "…" if len(hint) > PLACEHOLDER_MAX else hint)
                or None,
                max_length=min(form.max_length, TEXT_INPUT_MAX),
                required=True,
            )
        )


async def _calendar_file(attachments: list[discord.Attachment]) -> str | None:
    """The text of a calendar invitation (.ics) attached to a DM, or None."""
    shared = next((a for a in attachments if calendars.is_calendar_file(a.filename, a.content_type)), None)
    if shared is None or shared.size > calendars.ICS_MAX_BYTES:
        return None
    try:
        data = await shared.read()
    except discord.HTTPException as exc:
        log.warning("Discord: a shared calendar file could not be read (%s)", type(exc).__name__)
        return None
    return data[: calendars.ICS_MAX_BYTES].decode("utf-8", errors="replace")


def _data(interaction: discord.Interaction) -> dict[str, Any]:
    """An interaction's data as plain JSON (discord.py types it as a union of payload shapes)."""
    return dict(interaction.data or {})


def fits_a_modal(form: Form) -> bool:
    return len(FORM_PREFIX + form.submit) <= CUSTOM_ID_MAX and len(form.initial) <= TEXT_INPUT_MAX


def submitted_text(components: list[dict[str, Any]]) -> str | None:
    """The text typed in a submitted form: in an action row (type 1) or a label (type 18)."""
    for component in components:
        inner = component.get("components") or ([component["component"]] if "component" in component else [])
        if component.get("custom_id") == FORM_INPUT and "value" in component:
            return str(component["value"])
        found = submitted_text(inner)
        if found is not None:
            return found
    return None


def _gateway_ended(task: asyncio.Task[None]) -> None:
    """The gateway connection ended by itself: DMs stop arriving, which an operator must know."""
    if not task.cancelled() and task.exception() is not None:
        name = type(task.exception()).__name__
        log.error("Discord: the gateway connection ended (%s); DMs are no longer received", name)


def split_text(text: str, size: int = MESSAGE_MAX) -> list[str]:
    """Pieces of at most `size` characters, cut at line ends (or spaces) where possible."""
    pieces: list[str] = []
    while len(text) > size:
        cut = text.rfind("\n", 0, size)
        if cut <= 0:
            cut = text.rfind(" ", 0, size)
        if cut <= 0:
            cut = size
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip("\n")
    pieces.append(text)
    return [p for p in pieces if p] or [" "]


class ActionButton(discord.ui.DynamicItem[discord.ui.Button], template=f"(?P<action>{actions.PATTERN})"):
    """A button whose custom id is the engine's action: registered once at start, it keeps working
    for buttons sent before a restart (discord.py dispatches by the id's pattern, not by memory)."""

    def __init__(self, action: str, label: str = "…") -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:LABEL_MAX], custom_id=action[:CUSTOM_ID_MAX], style=discord.ButtonStyle.secondary
            )
        )
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ActionButton:
        label = item.label if isinstance(item, discord.ui.Button) else None  # discord.py passes a Button
        return cls(match["action"], label or "…")

    async def callback(self, interaction: discord.Interaction) -> None:
        client = interaction.client
        assert isinstance(client, DebriefClient)  # only DebriefClient registers this button
        await client.debrief.on_button(interaction, self.action)


def messages(reply: Reply) -> list[dict[str, Any]]:
    """One Reply as discord.py `send` arguments: split to 2,000 characters, buttons on the last part."""
    text, attachment = reply.text, reply.attachment
    if attachment is not None and not attachment.filename:
        body = attachment.body.replace("```", "'''")
        inline = f"{text}\n**{attachment.title}**\n```\n{body}\n```"
        if len(inline) <= MESSAGE_MAX:  # a code block must not be cut across two messages
            text, attachment = inline, None
    parts: list[dict[str, Any]] = [{"content": piece} for piece in split_text(text)]
    buttons = list(reply.buttons)
    while buttons:
        view = discord.ui.View(timeout=None)
        for button in buttons[:BUTTONS_PER_MESSAGE]:
            view.add_item(ActionButton(button.action, button.label))
        view.stop()  # render only: clicks are dispatched by ActionButton's pattern, never by this object
        buttons = buttons[BUTTONS_PER_MESSAGE:]
        if "view" in parts[-1]:
            parts.append({"content": "…"})
        parts[-1]["view"] = view
    if attachment is not None:  # an export, or a letter too long to show inline
        data = io.BytesIO(attachment.body.encode("utf-8"))
        parts[-1]["file"] = discord.File(data, filename=attachment.filename or f"{attachment.title}.txt")
    return parts


class DebriefClient(discord.Client):
    """discord.py's client, with the /debrief command and the buttons registered in setup_hook."""

    def __init__(self, adapter: DiscordAdapter) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        intents.dm_messages = True
        intents.guild_messages = True  # for mentions; their content is not needed, so no privileged intent
        super().__init__(
            intents=intents, allowed_mentions=NO_PINGS, guild_ready_timeout=adapter.ready_timeout
        )
        self.debrief = adapter
        self.tree = app_commands.CommandTree(self)

    async def setup_hook(self) -> None:
        # Persistent buttons: any "ans:…", "cmd:…" or "iv:…" custom id is routed to ActionButton.
        self.add_dynamic_items(ActionButton)
        adapter = self.debrief

        @self.tree.command(name="debrief", description="Your after-interview coach")
        @app_commands.describe(what="help, new, status, list or reminders")
        async def debrief_command(interaction: discord.Interaction, what: str = "help") -> None:
            await adapter.on_command(interaction, what)

        if adapter.sync_commands:
            await self.tree.sync()

    async def on_message(self, message: discord.Message) -> None:
        await self.debrief.on_message(message)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        custom_id = str(_data(interaction).get("custom_id") or "")
        if interaction.type == discord.InteractionType.modal_submit and custom_id.startswith(FORM_PREFIX):
            await self.debrief.on_form(interaction, custom_id.removeprefix(FORM_PREFIX))


class DiscordAdapter:
    """Discord for Debrief. With `gateway=False` it only sends (nudges) through the REST API: DMs
    arrive on one gateway connection, so exactly one process should hold it.

    discord.py runs each event's handler as its own task; the handlers here only take the event's
    place in the person's line of turns (see `Turns`), so one person's events run in arrival order
    and `stop()` can finish them.
    """

    def __init__(
        self,
        *,
        service: ConversationService,
        token: str,
        api_url: str | None = None,
        gateway_url: str | None = None,
        gateway: bool = True,
        sync_commands: bool | None = None,
        ready_timeout: float = 2.0,
    ) -> None:
        if api_url:
            discord.http.Route.BASE = api_url.rstrip("/")  # read whenever a request is built
        if gateway_url:
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url.rstrip("/") + "/")
        self.service = service
        self.token = token
        self.gateway = gateway
        # Only the gateway process registers /debrief: every start of every process would be too many.
        self.sync_commands = gateway if sync_commands is None else sync_commands
        self.ready_timeout = ready_timeout
        self.client = DebriefClient(self)
        self._task: asyncio.Task[None] | None = None
        self._turns = Turns(PLATFORM)

    async def start(self) -> None:
        """Log in (REST), and unless REST-only, connect to the gateway; returns once ready."""
        await self.client.login(self.token)
        if not self.gateway:
            return
        self._task = asyncio.create_task(self.client.connect(reconnect=True))
        ready = asyncio.create_task(self.client.wait_until_ready())
        done, _ = await asyncio.wait({ready, self._task}, return_when=asyncio.FIRST_COMPLETED)
        if self._task in done:  # refused (bad token, intents not allowed): say so instead of waiting forever
            ready.cancel()
            error = self._task.exception()
            raise RuntimeError(f"Discord refused the connection ({type(error).__name__})") from error
        self._task.add_done_callback(_gateway_ended)
        log.info("Discord: connected as %s", self.client.user)

    async def stop(self) -> None:
        """Ignore new events, finish the accepted turns and their replies, then disconnect.

        Discord redelivers nothing a bot ignored, so the gateway stays open until the turns are done
        (closing it first would close the connection their replies are sent on, too)."""
        await self._turns.finish()
        if self._task is not None:
            self._task.remove_done_callback(_gateway_ended)
        await self.client.close()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)

    async def connected(self) -> bool:
        """Logged in and, unless REST-only, on the gateway (discord.py reconnects by itself)."""
        if self.client.is_closed() or self.client.user is None:
            return False
        if not self.gateway:
            return True
        ws = self.client.ws  # the current socket; replaced on each reconnect
        return self.client.is_ready() and ws is not None and ws.open

    async def send(self, user: UserKey, replies: list[Reply]) -> None:
        """A nudge, in the person's DM (one REST call opens it; discord.py waits out rate limits)."""
        channel = await self.client.create_dm(discord.Object(id=int(user.user_id)))
        await self._post(channel, replies)

    async def _post(self, channel: discord.abc.Messageable, replies: list[Reply]) -> None:
        for reply in replies:
            for part in messages(reply):
                await channel.send(allowed_mentions=NO_PINGS, **part)

    async def _turn(self, incoming: Incoming) -> list[Reply]:
        return await asyncio.to_thread(self.service.handle, incoming)

    def key(self, user: discord.abc.User) -> UserKey:
        return UserKey(PLATFORM, WORKSPACE, str(user.id))

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.type not in (discord.MessageType.default, discord.MessageType.reply):
            return  # the bot itself, other bots, and system messages (pins, joins)
        if isinstance(message.channel, discord.DMChannel):  # strictly a DM: only there are notes taken
            self._turns.start(self.key(message.author), self._answer(message))
        elif self.client.user is not None and self.client.user in message.mentions:
            self._turns.start(self.key(message.author), self.on_mention(message))

    async def _answer(self, message: discord.Message) -> None:
        incoming = Incoming(
            user=self.key(message.author),
            text=message.content,
            event_id=f"message:{message.id}",
            display_name=message.author.global_name or message.author.name,
            calendar=await _calendar_file(message.attachments),
        )
        await self._post(message.channel, await self._turn(incoming))

    async def on_mention(self, message: discord.Message) -> None:
        """In a server: open the DM, then point to it. The message's words are never stored."""
        greeting = Incoming(
            user=self.key(message.author),
            kind="open",
            event_id=f"message:{message.id}",
            display_name=message.author.global_name or message.author.name,
        )
        replies = await self._turn(greeting)
        if not replies:  # a replay
            return
        try:  # the DM first: the pointer to it must be true
            await self.send(self.key(message.author), replies)
            pointer = self.service.flow.message("dm_pointer")
        except discord.Forbidden:  # the person takes no DMs from server members
            pointer = self.service.flow.message("dm_closed")
        with contextlib.suppress(discord.HTTPException):  # a thread without rights, a deleted message
            reference = message.to_reference(fail_if_not_exists=False)
            await message.channel.send(
                pointer, reference=reference, mention_author=False, allowed_mentions=NO_PINGS
            )

    async def on_button(self, interaction: discord.Interaction, action: str) -> None:
        if actions.opens_form(action):  # answered with the modal itself, so nothing is deferred first
            self._turns.start(self.key(interaction.user), self._open_form(interaction, action))
            return
        # The defer (within 3 seconds) goes at once; the work waits for the person's earlier turns.
        ack = interaction.response.defer()
        self._turns.start(self.key(interaction.user), self._click(interaction, action), ack=ack)

    async def _open_form(self, interaction: discord.Interaction, action: str) -> None:
        """ "Type a longer answer": the modal, prefilled; if the question was answered meanwhile, the
        click is a turn like any other (it says where things are now)."""
        look = Incoming(user=self.key(interaction.user), kind="open")  # saves nothing
        form = next((r.form for r in await asyncio.to_thread(self.service.look, look) if r.form), None)
        if form is not None and form.open == action and fits_a_modal(form):
            try:
                await interaction.response.send_modal(FormModal(form))
                return
            except discord.HTTPException as exc:  # too late (3 s): say so, the button is still there
                log.info("Discord: no modal (%s)", type(exc).__name__)
                await self.send(self.key(interaction.user), [Reply(self.service.flow.message("form_retry"))])
                return
        with contextlib.suppress(discord.HTTPException):
            await interaction.response.defer()
        await self._click(interaction, action)

    async def on_form(self, interaction: discord.Interaction, submit: str) -> None:
        """A submitted form: the text answers the question that offered it; handled once."""
        text = submitted_text(list(_data(interaction).get("components") or [])) or ""
        incoming = Incoming(
            user=self.key(interaction.user),
            kind="action",
            action=submit,
            text=text,
            event_id=f"interaction:{interaction.id}",
        )
        ack = interaction.response.defer()  # within 3 seconds; closes the modal
        self._turns.start(incoming.user, self._answer_form(interaction, incoming), ack=ack)

    async def _answer_form(self, interaction: discord.Interaction, incoming: Incoming) -> None:
        replies = await self._turn(incoming)
        if isinstance(interaction.channel, discord.DMChannel):
            await self._post(interaction.channel, replies)
        else:
            await self.send(incoming.user, replies)

    async def _click(self, interaction: discord.Interaction, action: str) -> None:
        incoming = Incoming(
            user=self.key(interaction.user),
            kind="action",
            action=action,
            event_id=f"interaction:{interaction.id}",
        )
        replies = await self._turn(incoming)
        if isinstance(interaction.channel, discord.DMChannel):
            await self._post(interaction.channel, replies)
        else:  # a button on a private reply in a server: answer in the DM
            await self.send(incoming.user, replies)

    async def on_command(self, interaction: discord.Interaction, what: str) -> None:
        """/debrief: in a DM, answered there; in a server, privately (ephemeral) to the person alone."""
        private = not isinstance(interaction.channel, discord.DMChannel)
        ack = interaction.response.defer(ephemeral=private, thinking=True)  # "thinking…" within 3 s
        self._turns.start(
            self.key(interaction.user), self._command(interaction, what, private=private), ack=ack
        )

    async def _command(self, interaction: discord.Interaction, what: str, *, private: bool) -> None:
        incoming = Incoming(
            user=self.key(interaction.user),
            text=what.strip() or "help",
            event_id=f"interaction:{interaction.id}",
        )
        try:
            for reply in await self._turn(incoming):
                for part in messages(reply):
                    await interaction.followup.send(ephemeral=private, allowed_mentions=NO_PINGS, **part)
        except discord.HTTPException as exc:  # never leave "thinking…" hanging for 15 minutes
            log.warning("Discord: /debrief answer failed (%s)", type(exc).__name__)
            with contextlib.suppress(discord.HTTPException):
                await interaction.followup.send(self.service.flow.message("try_again"), ephemeral=private)
