"""News typed or clicked: a second interview, an offer, a rejection, or not yet; each opens steps 4-6.

News told in words ("they went with someone else", "Lakeside offered me $50/hr!", "I accepted
Riverside!") is read by bot.told and routed to the interview it names, the one just asked about, or
the only one waiting; when several fit, the person is asked which."""

from __future__ import annotations

from typing import Any

from bot import actions, choosing, dates, letters
from bot.answers import Problem, short
from bot.commands import Command, parse_command
from bot.engine import registry
from bot.engine.answering import hand_over, open_section
from bot.engine.asking import idle_buttons, iv_buttons, sender, stale
from bot.engine.days_after import compare, do_decided
from bot.engine.kinds import parse_answer
from bot.engine.nudge_words import nudge_checkin
from bot.engine.resuming import resume_here
from bot.engine.turn import Turn
from bot.flow import Option
from bot.messages import Attachment, Button
from bot.model import Fact, Interview, InterviewSummary, QuestionId
from bot.money import amount
from bot.nudges import CANCELLED, DONE, IN_PROGRESS, UPCOMING
from bot.told import Told, best_named, named_company, read_news

SECTION_OF = {"second": "second", "offer": "offer", "rejected": "rejection"}
DECISION_OF = {"accepted": "accept", "declined": "decline"}


@registry.verb("news")
def do_news(t: Turn, news: str, asked_when: str | None = None, given: Any = None) -> None:
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
        decided = dates.stored_day(t.answers.get(QuestionId.DECISION_EXPECTED))
        if decided is not None and decided < t.now.astimezone(t.tz).date():
            t.say(
                t.msg("news_follow_up", day=dates.show_day(decided)),
                attachment=Attachment(
                    title=t.label("follow_up_title"),
                    body=letters.follow_up_letter(
                        t.answers, sender=sender(t), decided=dates.show_day(decided)
                    ),
                ),
            )
        t.say(t.msg("news_not_yet", company=t.subject.company))
        return
    open_section(t, SECTION_OF[news], given)


def waiting_for_news(t: Turn) -> list[InterviewSummary]:
    return [i for i in t.snap.interviews if i.status == DONE and i.news in (None, "not_yet", "second")]


def could_take(t: Turn, news: str) -> list[InterviewSummary]:
    """The interviews news of this kind may be about, most recent last."""
    if news in ("revised", "accepted", "declined"):
        offers = [i for i in t.snap.interviews if i.news == "offer" and i.status != CANCELLED]
        if offers or news == "revised":
            return offers
    return [
        i
        for i in t.snap.interviews
        if i.status in (DONE, IN_PROGRESS) and i.news in (None, "not_yet", "second") and i.company
    ] or waiting_for_news(t)


@registry.command("news")
def cmd_news(t: Turn, _: Command) -> None:
    news_for_one(t, None)


def news_for_one(t: Turn, news: str | None) -> None:
    """Ask which interview has news (or take `news` clicked) when more than one waits."""
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


def tell_news(t: Turn, text: str, just_asked: str | None = None) -> bool:
    """News typed in words: routed to the interview it names, else the one `just_asked` about, else
    the one waiting. False when `text` tells no news, or names a company with no debrief here in a
    way that announces an interview to come ("second round at Initech next Tue")."""
    told = read_news(text, t.flow.words)
    if told is None:
        return False
    told = _with_day(t, told, text)
    generic = t.flow.words["company_generic"]
    companies = {
        i.id: i.company for i in t.snap.interviews if i.company and i.status not in (CANCELLED, UPCOMING)
    }
    named = best_named(companies, text, generic)
    fits = could_take(t, told.news)
    if not named and (unknown := named_company(text, t.flow.words)):
        if told.news in ("second", "not_yet"):
            return False  # an interview to come at a company not yet debriefed: announced, not news
        _new_interview(t, unknown)
        apply_told(t, told)
        return True
    choices = [i for i in fits if i.id in named] or [i for i in t.snap.interviews if i.id in named]
    if not named:  # the interview just asked about, else those debriefed and waiting
        choices = [i for i in fits if i.id == just_asked] or [i for i in fits if i.status == DONE] or fits
    t.conv["told"] = {"news": told.news, "pay": told.pay, "second_at": told.second_at}
    if len(choices) == 1:
        hand_over(t, choices[0].id, "told")
    elif not choices:
        t.conv.pop("told", None)
        if not t.snap.interviews:
            return False  # a first message: the welcome, not "no interview is waiting"
        t.say(t.msg("news_none"), idle_buttons(t))
    else:
        t.conv["mode"] = "news_pick"
        t.conv["told"]["among"] = [i.id for i in choices[-5:]]
        t.say(
            t.msg("news_which_told", news=t.label(f"told_{told.news}")),
            tuple(Button(i.company or t.label("unnamed"), actions.about(i.id, "told")) for i in choices[-5:]),
        )
    return True


def _with_day(t: Turn, told: Told, text: str) -> Told:
    """A second round told with its day ("second interview next Tue at 2") brings that day."""
    if told.news != "second":
        return told
    q = t.flow.question(QuestionId.SECOND_AT)
    read = parse_answer(q, text, options=[], words=t.flow.words, now=t.now, tz=t.tz)
    return told if isinstance(read, Problem) or read.value is None else Told("second", second_at=read.value)


def _new_interview(t: Turn, company: str) -> None:
    """News from a company with no debrief here ("an offer from Initech!"): keep it as an interview."""
    if not t.conv.get("welcomed"):
        t.say(t.msg("first_welcome"))
        t.conv["welcomed"] = True
    answers: dict[str, Any] = {QuestionId.COMPANY: short(company, 200)}
    t.iv = Interview(id=t.new_id, status=DONE, created_at=t.now, answers=answers)
    t.answers, t.cursor, t.status = dict(answers), {"pos": None, "history": []}, DONE
    t.say(t.msg("news_new_company", company=t.subject.company))


def pick_told(t: Turn, text: str) -> bool:
    """The answer to "which interview is that news about?", typed: True when it named one."""
    among = (t.conv.get("told") or {}).get("among") or ()
    companies = {i.id: i.company for i in t.snap.interviews if i.id in among and i.company}
    named = best_named(companies, text, t.flow.words["company_generic"])
    options = [Option(key, company) for key, company in companies.items()]
    chosen = choosing.choose(options, text, t.flow.words) if not named else None
    picked = named[0] if len(named) == 1 else chosen.value if isinstance(chosen, Option) else None
    told = t.conv.get("told") or {}
    command = parse_command(text, t.flow) is not None
    if picked is None and not command and not told.get("asked_again"):
        told["asked_again"] = True  # an answer that names none of them: ask once more, news kept
        t.say(
            t.msg("news_which_again"),
            tuple(Button(company, actions.about(key, "told")) for key, company in companies.items()),
        )
        return True
    t.conv["mode"] = None
    if picked is None:  # a command, or a second answer naming none: the news is set aside, said so
        t.conv.pop("told", None)
        if not command:
            t.say(t.msg("news_set_aside"), idle_buttons(t))
        return not command
    hand_over(t, picked, "told")
    return True


@registry.verb("told")
def do_told(t: Turn) -> None:
    """Apply the news told in words (kept in the conversation) to this interview."""
    told = t.conv.pop("told", None)
    t.conv["mode"] = None
    if not told:
        stale(t)  # a "which interview?" button clicked twice
        return
    apply_told(t, Told(told["news"], told.get("pay"), told.get("second_at")))


def apply_told(t: Turn, told: Told) -> None:
    news, known = told.news, t.answers.get(Fact.NEWS)
    if news in DECISION_OF:
        if known != "offer":
            t.answers[Fact.NEWS], t.answers[Fact.NEWS_AT] = "offer", t.now.isoformat()
        if told.pay and not t.answers.get(QuestionId.OFFER_BASE):
            t.answers[QuestionId.OFFER_BASE] = told.pay
        do_decided(t, DECISION_OF[news])
    elif known == "offer" and told.pay and news in ("revised", "offer"):
        revise_offer(t, told.pay)
    elif news == "revised":
        do_news(t, "offer", given=told.pay)
    else:
        do_news(t, news, given=told.pay if news == "offer" else told.second_at)


def revise_offer(t: Turn, pay: str) -> None:
    """A new figure for an offer already known ("they came back with 92k"): kept on the same offer."""
    before = t.answers.get(QuestionId.OFFER_BASE)
    if before == pay:
        t.say(t.msg("news_known"))
        return
    t.answers.setdefault(Fact.OFFER_FIRST, before)
    t.answers[QuestionId.OFFER_BASE] = pay
    t.answers[Fact.OFFER_REVISED_AT] = t.now.isoformat()
    t.say(t.msg("offer_revised", company=t.subject.company, pay=pay, before=before or "?"))
    new, target = amount(pay), amount(t.answers.get(QuestionId.OFFER_TARGET))
    if new and target:
        t.say(compare(t, "offer_vs_target", new, target))
    t.say(
        t.msg("offer_revised_next"),
        iv_buttons(
            t,
            ("revised_accept", "decided:accept"),
            ("revised_decline", "decided:decline"),
            ("revised_think", "decided:think"),
        ),
    )
