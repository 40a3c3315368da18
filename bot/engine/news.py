"""News typed or clicked: a second interview, an offer, a rejection, or not yet; each opens steps 4-6."""

from __future__ import annotations

import re

from bot import actions
from bot.commands import Command
from bot.engine import registry
from bot.engine.answering import hand_over, open_section
from bot.engine.asking import idle_buttons
from bot.engine.nudge_words import nudge_checkin
from bot.engine.resuming import resume_here
from bot.engine.turn import Turn
from bot.messages import Button
from bot.model import Fact
from bot.nudges import DONE


@registry.verb("news")
def do_news(t: Turn, news: str, asked_when: str | None = None) -> None:
    """The answer to "any news?": a second interview, an offer, a rejection, or not yet."""
    current = t.answers.get(Fact.NEWS) or "none"
    if asked_when is not None and asked_when != current and current != "not_yet":
        t.say(t.msg("news_outdated", company=t.subject.company))  # an old check-in's button
        return
    if news != "not_yet" and t.answers.get(Fact.NEWS) == news:  # the same button twice
        t.say(t.msg("news_known"))
        t.conv["active"] = t.subject.id
        resume_here(t)
        return
    t.answers[Fact.NEWS] = news
    t.answers[Fact.NEWS_AT] = t.now.isoformat()
    if news == "not_yet":
        t.say(t.msg("news_not_yet", company=t.subject.company))
        return
    section = {"second": "second", "offer": "offer", "rejected": "rejection"}[news]
    open_section(t, section)


def waiting_for_news(t: Turn) -> list:
    return [i for i in t.snap.interviews if i.status == DONE and i.news in (None, "not_yet", "second")]


@registry.command("news")
def cmd_news(t: Turn, _: Command) -> None:
    news_for_one(t, None)


def news_for_one(t: Turn, news: str | None) -> None:
    """Ask which interview has news (or take `news` typed in words) when more than one waits."""
    waiting = waiting_for_news(t)
    if not waiting:
        t.say(t.msg("news_none"), idle_buttons(t))
    elif len(waiting) == 1:
        hand_over(t, waiting[0].id, f"news:{news}" if news else "ask_news")
    else:
        verb = f"news:{news}" if news else "ask_news"
        t.say(
            t.msg("news_which"),
            tuple(
                Button(i.company or t.label("unnamed"), actions.about(i.id, *verb.split(":")))
                for i in waiting[-5:]
            ),
        )


@registry.verb("ask_news")
def do_ask_news(t: Turn) -> None:
    nudge_checkin(t, "checkin_1")


_NEWS_HINTS = {
    "offer": re.compile(r"\b(got|have|received|made me) (an |the )?offer\b|\boffered me\b", re.I),
    "second": re.compile(r"\bsecond (interview|round)\b|\bnext round\b|\binvited (me )?back\b", re.I),
    "rejected": re.compile(
        r"\breject|\bturned (me )?down\b|\bdidn'?t get (it|the job)\b"
        r"|\bnot moving forward\b|\bunsuccessful\b",
        re.I,
    ),
}


def news_in(text: str) -> str | None:
    """The outcome a free message announces ("I got an offer!"), if it announces one."""
    return next((news for news, pattern in _NEWS_HINTS.items() if pattern.search(text)), None)
