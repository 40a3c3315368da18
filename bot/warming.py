"""What a process loads in the background once it is up: the first prompt shows before the date
reader, the name reader and the drafts' templates are loaded, and the first answer that needs them
finds them ready."""

from __future__ import annotations

from bot import dates, people, templating


def warm_up() -> None:
    dates.warm_up()
    people.load()
    templating.load_all()
