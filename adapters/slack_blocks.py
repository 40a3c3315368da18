"""Replies as Slack Block Kit: sections, buttons, a copy-ready letter, and escaping that never pings.

Pure functions, so the rendering is tested without Slack. Limits from Slack's Block Kit reference:
a section's text is at most 3,000 characters, a button's text 75, its value 2,000, its URL 3,000,
and a message holds at most 50 blocks.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from bot.messages import Attachment, Form, Reply

SECTION_MAX = 3000
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
URL_MAX = 3000
BUTTONS_PER_BLOCK = 25
BLOCKS_MAX = 50
HOME_BLOCKS_MAX = 100  # a view holds up to 100 blocks

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", re.S)


def escape(text: str) -> str:
    """Slack's three escapes: after this, "<!channel>" or "<@U123>" is shown, never acted on."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")


def _readable(match: re.Match[str]) -> str:
    target, label = match.group(1), match.group(2)
    if target.startswith(("@", "#")):  # <@U123|maya>, <#C123|general>
        return target[0] + label if label else target
    if target.startswith("!"):  # <!here>, <!subteam^S1|@designers>
        return label or "@" + target[1:].split("^")[0]
    if target.startswith("mailto:"):
        return label or target.removeprefix("mailto:")
    return label or target


def unescape(text: str) -> str:
    """What a person typed, from Slack's message text: links, addresses and mentions as plain words.

    Slack turns "acme.io" into "<http://acme.io|acme.io>" and "dana@acme.com" into
    "<mailto:dana@acme.com|dana@acme.com>"; notes and letters want what the person wrote.
    """
    text = _LINK.sub(_readable, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def mrkdwn(text: str) -> str:
    """The engine's light markdown (**bold**, *italic*) in Slack's mrkdwn (*bold*, _italic_), escaped."""
    text = _BOLD.sub("\x01\\1\x01", escape(text))  # bold first, out of the italic rule's way
    text = _ITALIC.sub(r"_\1_", text)
    return text.replace("\x01", "*")


def plain(text: str) -> str:
    """Notification text: no markdown marks."""
    return _ITALIC.sub(r"\1", _BOLD.sub(r"\1", text))


def _chunks(text: str, size: int) -> list[str]:
    """Split at line ends where possible, so no section exceeds Slack's limit."""
    parts, current = [], ""
    for line in text.split("\n"):
        while len(line) > size:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:size])
            line = line[size:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > size:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current or not parts:
        parts.append(current)
    return parts


def _section(text: str) -> dict[str, Any]:
    # verbatim: Slack must not turn anything in the text into a mention or a link of its own.
    return {"type": "section", "text": {"type": "mrkdwn", "text": text or " ", "verbatim": True}}


def _mail_link(attachment: Attachment) -> str | None:
    """A mailto: link with subject and body, or with the subject only when the body makes it too long."""
    if not attachment.email_to:
        return None
    base = f"mailto:{quote(attachment.email_to, safe='@')}?subject={quote(attachment.email_subject or '')}"
    full = f"{base}&body={quote(attachment.body)}"
    return full if len(full) <= URL_MAX else base


def letter_blocks(attachment: Attachment) -> list[dict[str, Any]]:
    """The letter in a code block (one click copies it whole), and an "Open in email" button."""
    blocks = [_section(f"*{escape(attachment.title)}*")]
    body = escape(attachment.body).replace("```", "'''")
    blocks += [_section(f"```{chunk}```") for chunk in _chunks(body, SECTION_MAX - 6)]
    link = _mail_link(attachment)
    if link:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Open in email"},
                        "url": link,
                        "action_id": "open_mail",
                    }
                ],
            }
        )
    return blocks


def message(reply: Reply) -> dict[str, Any]:
    """One Reply as chat.postMessage arguments: blocks plus a plain-text fallback for notifications."""
    blocks: list[dict[str, Any]] = [_section(chunk) for chunk in _chunks(mrkdwn(reply.text), SECTION_MAX)]
    if reply.attachment is not None:
        blocks += letter_blocks(reply.attachment)
    buttons = [
        {
            "type": "button",
            "text": {"type": "plain_text", "text": button.label[:BUTTON_TEXT_MAX], "emoji": True},
            "value": button.action[:BUTTON_VALUE_MAX],
            "action_id": f"debrief_{index}",
        }
        for index, button in enumerate(reply.buttons)
    ]
    for start in range(0, len(buttons), BUTTONS_PER_BLOCK):
        blocks.append({"type": "actions", "elements": buttons[start : start + BUTTONS_PER_BLOCK]})
    return {"text": escape(plain(reply.text))[:SECTION_MAX], "blocks": blocks[:BLOCKS_MAX]}


def home_view(replies: list[Reply]) -> dict[str, Any]:
    """The App Home tab as a dashboard: a line per interview or reminder, each with its own buttons
    (one as the line's accessory); a line without buttons heads a part, after a divider."""
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": "Debrief"}}]
    for reply in replies:
        rendered = message(reply)["blocks"]
        if not reply.buttons:
            blocks += [{"type": "divider"}, *rendered]
        elif len(reply.buttons) == 1 and rendered[0]["type"] == "section" and len(rendered) == 2:
            [button] = rendered[1]["elements"]
            blocks.append({**rendered[0], "accessory": button})
        else:
            blocks += rendered
    return {"type": "home", "blocks": blocks[:HOME_BLOCKS_MAX]}


# Slack's limits for a modal: a title of 24 characters, an input's label 2,000, its text 3,000.
MODAL_TITLE_MAX = 24
INPUT_LABEL_MAX = 2000
MODAL_TEXT_MAX = 3000
FORM_CALLBACK = "debrief_form"
FORM_BLOCK = FORM_INPUT = "text"


def form_view(form: Form, *, save: str, cancel: str) -> dict[str, Any] | None:
    """A modal with one multiline box, prefilled; None when the text is more than a Slack box holds."""
    if len(form.initial) > MODAL_TEXT_MAX:
        return None
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": FORM_INPUT,
        "multiline": True,
        "max_length": min(form.max_length, MODAL_TEXT_MAX),
    }
    if form.initial:
        element["initial_value"] = form.initial
    blocks: list[dict[str, Any]] = []
    if form.hint:
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn(form.hint)[:SECTION_MAX]}]}
        )
    blocks.append(
        {
            "type": "input",
            "block_id": FORM_BLOCK,
            "label": {"type": "plain_text", "text": plain(form.label)[:INPUT_LABEL_MAX]},
            "element": element,
        }
    )
    return {
        "type": "modal",
        "callback_id": FORM_CALLBACK,
        "private_metadata": form.submit,  # the answer it is: comes back with the submission
        "title": {"type": "plain_text", "text": _cut(plain(form.title), MODAL_TITLE_MAX)},
        "submit": {"type": "plain_text", "text": save},
        "close": {"type": "plain_text", "text": cancel},
        "blocks": blocks,
    }


def form_text(view: dict[str, Any]) -> str:
    """What was typed in a submitted form_view ("" when the box was left empty)."""
    values = (view.get("state") or {}).get("values") or {}
    return ((values.get(FORM_BLOCK) or {}).get(FORM_INPUT) or {}).get("value") or ""


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
