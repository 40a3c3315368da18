"""The one Jinja2 environment for every text the bot drafts (letters, cards, sheets, export).

A draft is built from answers a person may have skipped, left empty or never reached, so a
missing value renders as nothing (never "None", never a crash); the templates say what to do
when a value is absent. Tests render every template with a strict environment too, so a name
misspelt in a template is still caught.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from bot.answers import short

if TYPE_CHECKING:  # Jinja2 itself loads with the first template compiled, not with the bot
    from jinja2 import Environment, Template, Undefined


def _blank_none(value: object) -> object:
    """What a `{{ ... }}` prints: None (a skipped answer) prints as nothing."""
    return "" if value is None else value


def environment(undefined: type[Undefined] | None = None) -> Environment:
    """An environment over bot/templates; `StrictUndefined` for tests that look for misspelt names.
    `short(n)` shows a person's long words in a line, cut after a whole word."""
    from jinja2 import ChainableUndefined, Environment, PackageLoader

    env = Environment(
        loader=PackageLoader("bot", "templates"),
        undefined=undefined or ChainableUndefined,
        finalize=_blank_none,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,  # plain text and Markdown for chat; adapters escape for their platform
    )
    env.filters["short"] = lambda text, limit: short(str(text or ""), limit)
    return env


class Drafted:
    """A template of bot/templates, compiled the first time it renders (or when `load_all` runs in
    the background at start-up), so starting the bot compiles none of them."""

    def __init__(self, name: str) -> None:
        self.name = name

    def render(self, **values: Any) -> str:
        return _compiled(self.name).render(**values)


@cache
def _drafting() -> Environment:
    return environment()


@cache
def _compiled(name: str) -> Template:
    return _drafting().get_template(name)


_MADE: list[str] = []


def template(name: str) -> Drafted:
    """A template of bot/templates; callers name theirs at import, and `load_all` compiles them."""
    _MADE.append(name)
    return Drafted(name)


def load_all() -> None:
    """Compile every template named so far: run in the background once the first prompt is up."""
    for name in tuple(_MADE):
        _compiled(name)
