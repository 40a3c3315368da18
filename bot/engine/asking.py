"""What the bot says about the pending question and the interview: prompts, options, letters, idle replies."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from bot import actions, dates, timing, voice
from bot.answers import short
from bot.engine.cursor import button_token, current_value, interviewer_names, nudge_plan, pending_question
from bot.engine.kinds import BUTTON_LABEL_MAX, Offering, kind_of
from bot.engine.turn import Turn
from bot.flow import Option, Question, Section, ThemeWords
from bot.inputs import MAX_MESSAGE_CHARS
from bot.letters import Letter, as_asked, thank_you_letters
from bot.messages import Attachment, Button, Form
from bot.model import NudgeView, QuestionId
from bot.nudges import family
from bot.themes import themes_of


class _Values(dict[str, str]):
    """Prompt values; an unknown {name} stays visible instead of crashing the turn."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def idle(t: Turn) -> None:
    t.say(t.msg("idle"), idle_buttons(t))


def idle_buttons(t: Turn) -> tuple[Button, ...]:
    return (
        Button(t.label("new_debrief"), actions.command("new")),
        Button(t.label("my_interviews"), actions.command("list")),
        Button(t.label("help"), actions.command("help")),
    )


def stale(t: Turn) -> None:
    if t.iv is not None and t.pos is not None:
        t.say(t.msg("stale_button"))
        ask(t, intro=False)
    else:
        idle(t)


def prompt_values(t: Turn) -> _Values:
    names = interviewer_names(t)
    item, last, person = "", "", names[0] if names else None
    if t.pos and t.pos.get("item") is not None:
        index = t.item
        q = t.flow.question(t.at["q"])
        items = t.answers.get(q.id) or []
        if q.kind == "list" and index < len(items):
            item = items[index].get(q.fields[0].id) or ""
            # A question they were asked, echoed written out: "u" is "you", and it ends with "?".
            item = as_asked(item, t.flow, words=16) if q.fields[0].id == "question" else short(item, 80)
        if q.kind == "list" and 0 < index <= len(items):
            added = items[max(0, index - t.cursor.get("added", 1)) : index]  # several named at once
            last = short(join_names(t, [_titled(t, one, q.fields[0].id) for one in added]), 120)
        if (q.per_interviewer or q.id == QuestionId.LETTER_EDIT) and index < len(names):
            person = names[index]
    return _Values(
        company=voice.capitalised(str(t.answers.get(QuestionId.COMPANY) or "")) or t.label("some_company"),
        role=t.answers.get(QuestionId.ROLE) or t.label("some_role"),
        interviewer=person or t.label("your_interviewer"),
        name=person or t.label("hiring_team"),
        item=item,
        last=last,
    )


def prompt_text(t: Turn) -> str:
    q, fq = pending_question(t)
    if (q.kind == "list" and fq is q.fields[0]) or q.per_interviewer:
        template = q.prompt if t.item == 0 else (q.next_item_prompt or q.prompt)
    else:
        template = fq.prompt
    return template.format_map(prompt_values(t))


def options_for(t: Turn, fq: Question) -> list[tuple[str, Option]]:
    """The pending question's choices as (action suffix, option); the suffix is the index."""
    opts: list[Option] = []
    if fq.options_from == "questions":
        for item in t.answers.get(QuestionId.QUESTIONS) or []:
            if item.get("question"):
                label = short(as_asked(item["question"], t.flow, words=16), BUTTON_LABEL_MAX)
                opts.append(Option(value=item["question"], label=label))
    opts.extend(fq.options)
    offering = Offering(
        declared=opts,
        flow=t.flow,
        display_name=t.snap.display_name,
        item=t.pos["item"] if t.pos else None,
        letter_names=lambda: [letter.to_name for letter in drafted_letters(t)],
    )
    return [(str(i), o) for i, o in enumerate(kind_of(fq).options(fq, offering))]


def ask(t: Turn, *, intro: bool = False, brief: bool = False) -> None:
    """Ask the pending question; `brief` leaves out what was just shown (the letters)."""
    if t.pos is None:
        return
    q, fq = pending_question(t)
    if intro:
        section = t.flow.section_of[q.id]
        if section.intro:
            t.say(section_intro(t, section))
    text = prompt_text(t)
    current = current_value(t)
    if current is not None and fq.kind != "letters":
        text += "\n" + t.label("currently", value=show_raw(t, fq, current))
    token = button_token(t)
    buttons = [Button(o.label, actions.answer(token, i)) for i, o in options_for(t, fq)]
    if q.kind == "list" and fq is q.fields[0]:
        buttons.append(Button(t.label("done"), actions.answer(token, "done")))
    if fq.kind == "letters":
        if not brief:
            show_letters(t, text)
        t.say(timing_advice(t), tuple(buttons))
        return
    form = answer_form(t, fq, token, hint=text)
    if form is not None:
        buttons.append(Button(fq.form_button, form.open))
    t.say(text, tuple(buttons), form=form)


# A form's labels: Discord allows 45 characters for a modal's title and its field's label.
FORM_LABEL_MAX = 45


def answer_form(t: Turn, fq: Question, token: str, *, hint: str) -> Form | None:
    """A box to type a longer answer in, prefilled with what there is (the letter being edited)."""
    if not fq.form_button:
        return None
    initial = current_value(t)
    if fq.id == QuestionId.LETTER_EDIT:
        letters = drafted_letters(t)
        initial = letters[t.item].body if t.item < len(letters) else ""
    values = prompt_values(t)
    return Form(
        title=short(fq.form_title.format_map(values), FORM_LABEL_MAX),
        label=short(fq.form_label.format_map(values), FORM_LABEL_MAX),
        open=actions.answer(token, actions.OPEN_FORM),
        submit=actions.answer(token, actions.FORM_TEXT),
        initial=initial if isinstance(initial, str) else "",
        max_length=min(fq.max_length or MAX_MESSAGE_CHARS, MAX_MESSAGE_CHARS),
        hint=hint,
        at_once=fq.form_at_once,
    )


def section_intro(t: Turn, section: Section) -> str:
    """A section's intro, its {company} filled in; the offer step's {offer_asks} lists what to ask
    about an offer for this kind of work."""
    intro = section.intro
    if "{offer_asks}" in intro:
        intro = intro.replace("{offer_asks}", role_family(t).step)
    company = voice.capitalised(str(t.answers.get(QuestionId.COMPANY) or "")) or t.label("them")
    return intro.replace("{company}", company)


def role_family(t: Turn) -> ThemeWords:
    """The family of work the role belongs to ("charge nurse": healthcare), else the general one."""
    role = str(t.answers.get(QuestionId.ROLE) or "")
    families = t.flow.role_families
    wanted = (themes_of(role, families) or ["general"])[0]
    return next((f for f in families if f.id == wanted), ThemeWords("general", "General", (), ""))


def practice_for(t: Turn) -> tuple[str, ...]:
    """Questions to practise for a second interview: the role family's own first (a nurse is asked
    about patients, a teacher about a mixed-ability class), then the ones every interview asks."""
    return role_family(t).practice + t.flow.lists["practice"]


def show_letters(t: Turn, text: str) -> None:
    letters = drafted_letters(t)
    for letter in letters:
        t.say(
            t.label("letter_to", name=letter.to_name) if len(letters) > 1 else text,
            attachment=Attachment(
                title=t.label("letter_title", name=letter.to_name),
                body=letter.body,
                email_to=letter.to_email,
                email_subject=letter.subject,
            ),
        )


def sender(t: Turn) -> str | None:
    return t.answers.get(QuestionId.SIGNATURE) or t.profile().get(QuestionId.SIGNATURE) or t.snap.display_name


def drafted_letters(t: Turn) -> list[Letter]:
    return thank_you_letters(t.answers, sender=sender(t), tz=t.tz)


def timing_advice(t: Turn) -> str:
    if t.answers.get(QuestionId.THANK_YOU_BY) == "post":
        decision = t.answers.get(QuestionId.DECISION_EXPECTED)
        day = datetime.fromisoformat(decision).date() if decision else None
        return t.msg(timing.post_advice(decision=day).key, decision=day and dates.show_day(day))
    interview_at = datetime.fromisoformat(t.answers.get(QuestionId.INTERVIEW_AT) or t.now.isoformat())
    advice = timing.email_advice(interview_at=interview_at, now=t.now, tz=t.tz)
    shown = {
        k: v and dates.show_moment(v, t.tz)
        for k, v in (("moment", advice.moment), ("deadline", advice.deadline))
    }
    return t.msg(advice.key, **shown)


def show_value(t: Turn, q: Question) -> str:
    return show_raw(t, q, t.answers.get(q.id))


def show_raw(t: Turn, q: Question, value: Any) -> str:
    if value is None:
        return t.label("skipped_value")
    if isinstance(value, dict):  # one answer per interviewer
        return "“" + short("; ".join(str(v) for v in value.values() if v), 80) + "”"
    return kind_of(q).show(q, value, t.flow, t.tz)


def retry(t: Turn, key: str, **values: Any) -> None:
    """Say what was wrong with the answer, then ask the same question again, buttons and all."""
    t.say(t.msg(key, **values))
    if t.iv is not None and t.pos is not None:
        ask(t, intro=False, brief=True)


def iv_buttons(t: Turn, *pairs: tuple[str, str]) -> tuple[Button, ...]:
    """Buttons about this interview, from (label key, verb) pairs."""
    return tuple(Button(t.label(key), actions.about(t.subject.id, *verb.split(":"))) for key, verb in pairs)


def nudge_values(t: Turn) -> dict[str, str]:
    names = interviewer_names(t)
    return {
        "company": t.subject.company,
        "role": t.answers.get(QuestionId.ROLE) or t.label("some_role"),
        "names": join_names(t, names) or t.label("hiring_team"),
    }


def planned_now(t: Turn) -> dict[str, datetime]:
    working = replace(t.subject, answers=t.answers, cursor=dict(t.cursor), status=t.status)
    return nudge_plan(working, tz=t.tz, quiet=t.snap.quiet_hours, flow=t.flow)


def kind_label(t: Turn, kind: str) -> str:
    return t.label(f"kind_{family(kind)}")


def pending_nudges(t: Turn) -> list[NudgeView]:
    return sorted((n for n in t.nudges if n.status == "pending"), key=lambda n: n.due_at)


def paused_until(t: Turn) -> datetime | None:
    paused = t.conv.get("paused_until")
    moment = datetime.fromisoformat(paused) if paused else None
    return moment if moment and moment > t.now else None


def paused_line(t: Turn, until: datetime) -> str:
    return t.msg("paused", until=dates.show_moment(until, t.tz))


def _titled(t: Turn, item: dict[str, Any], field: str) -> str:
    """What a list item is called: its first field, or for a nameless person their role."""
    if item.get(field):
        return str(item[field])
    return t.label("role_person", role=item["role"]) if item.get("role") else ""


def join_names(t: Turn, names: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    names = [n for n in names if n]
    if len(names) < 2:
        return "".join(names)
    return t.label("names_joined", names=", ".join(names[:-1]), last=names[-1])
