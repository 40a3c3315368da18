"""What a process loads in the background once it is up: the first prompt shows before the date
reader, the name reader and the drafts' templates (Jinja2) are loaded, and the first answer that
needs them finds them ready. Imported at start, so it imports them only when it runs."""

from __future__ import annotations


def warm_up() -> None:
    from bot import dates, people, templating

    dates.warm_up()
    people.load()
    templating.load_all()
