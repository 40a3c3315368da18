"""The debrief's questions, order and wording, loaded from the content file into plain data."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for the annotation alone: importing bot.dates loads dateparser
    from bot.dates import Prefer

TOTAL_STEPS = 6


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    aliases: tuple[str, ...] = ()
    next: str | None = None


@dataclass(frozen=True)
class Question:
    """One thing the bot asks. A `list` question asks its `fields` for each item."""

    id: str
    kind: str
    prompt: str = ""
    label: str = ""
    required: bool = False
    hidden: bool = False
    next: str | None = None
    ask_if: dict[str, str] | None = None
    options: tuple[Option, ...] = ()
    options_from: str | None = None
    other_allowed: bool = False
    suggestions: tuple[str, ...] = ()
    skip_words: tuple[str, ...] = ()
    skip_means_now: bool = False
    prefer: Prefer = "past"  # which way an ambiguous date leans ("Friday")
    max_length: int | None = None
    max_items: int = 30
    next_item_prompt: str = ""
    fields: tuple[Question, ...] = ()
    edit_label: str = ""
    per_interviewer: bool = False
    profile: bool = False
    suggest_display_name: bool = False
    needs_words: bool = False
    # A feeling: the reply reflects it from the content's lists named `{listen}_low`, `_high`, `_mixed`
    # ("listen" for most; after a rejection, relief is not "confidence").
    listen: str = ""
    edit_aliases: tuple[str, ...] = ()
    # A longer answer may be typed in a box (a modal): the button's label, the box's title and label.
    form_button: str = ""
    form_title: str = ""
    form_label: str = ""
    form_at_once: bool = False

    def field(self, field_id: str) -> Question:
        for f in self.fields:
            if f.id == field_id:
                return f
        raise KeyError(f"{self.id} has no field {field_id!r}")


@dataclass(frozen=True)
class Section:
    id: str
    step: int
    title: str
    intro: str
    questions: tuple[Question, ...]
    summary_after: bool = False
    closing: str | None = None  # what ends the section, instead of going on to the next


@dataclass(frozen=True)
class ThemeWords:
    """A theme of the common thread (or a family of roles): its name, the words that mark it, and
    the advice: the next step for a theme, what to ask about an offer for a role family."""

    id: str
    name: str
    words: tuple[str, ...]
    step: str
    practice: tuple[str, ...] = ()  # a role family's own questions to practise for a second interview


@dataclass(frozen=True)
class Flow:
    """The whole debrief: sections in order, plus every message, help text and command word."""

    sections: tuple[Section, ...]
    messages: dict[str, str]
    help_text: str
    labels: dict[str, str]
    commands: dict[str, tuple[str, ...]]
    words: dict[str, tuple[str, ...]]
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)  # lines the bot writes in a list
    themes: tuple[ThemeWords, ...] = ()
    role_families: tuple[ThemeWords, ...] = ()
    priorities: tuple[ThemeWords, ...] = ()
    order: tuple[str, ...] = field(init=False)
    by_id: dict[str, Question] = field(init=False)
    section_of: dict[str, Section] = field(init=False)

    def __post_init__(self) -> None:
        order, by_id, section_of = [], {}, {}
        for section in self.sections:
            for q in section.questions:
                if q.id in by_id:
                    raise ValueError(f"content: question id {q.id!r} is used twice")
                order.append(q.id)
                by_id[q.id] = q
                section_of[q.id] = section
        object.__setattr__(self, "order", tuple(order))
        object.__setattr__(self, "by_id", by_id)
        object.__setattr__(self, "section_of", section_of)
        self._check_references()

    def _check_references(self) -> None:
        for q in self.by_id.values():
            targets = [q.next] + [o.next for o in q.options]
            if q.ask_if:
                targets.append(q.ask_if.get("answer"))
            for target in targets:
                if target is not None and target not in self.by_id:
                    raise ValueError(f"content: {q.id!r} refers to unknown question {target!r}")

    def question(self, question_id: str) -> Question:
        return self.by_id[question_id]

    def message(self, key: str, **values: Any) -> str:
        return self.messages[key].format(**values) if values else self.messages[key]

    def label(self, key: str, **values: Any) -> str:
        return self.labels[key].format(**values) if values else self.labels[key]


def typed_forms(phrases: Iterable[str]) -> tuple[str, ...]:
    """The phrases as written, then each without its apostrophes, as phones often type them
    ("thats it" for "that's it", "dont know"): one spelling in the content file is enough."""
    written = tuple(phrases)
    bare = (p.replace("'", "") for p in written if "'" in p)
    return written + tuple(dict.fromkeys(b for b in bare if b not in written))


def _option(raw: dict[str, Any]) -> Option:
    return Option(
        value=raw["value"],
        label=raw["label"],
        aliases=typed_forms(raw.get("aliases", ())),
        next=raw.get("next"),
    )


def _question(raw: dict[str, Any]) -> Question:
    kind = raw["kind"]  # checked against the engine's kinds by check_names
    simple = {
        k: raw[k]
        for k in (
            "prompt",
            "label",
            "required",
            "hidden",
            "next",
            "ask_if",
            "options_from",
            "other_allowed",
            "skip_means_now",
            "prefer",
            "max_length",
            "max_items",
            "next_item_prompt",
            "edit_label",
            "per_interviewer",
            "profile",
            "suggest_display_name",
            "needs_words",
            "listen",
            "form_button",
            "form_title",
            "form_label",
            "form_at_once",
        )
        if k in raw
    }
    return Question(
        id=raw["id"],
        kind=kind,
        options=tuple(_option(o) for o in raw.get("options", ())),
        suggestions=tuple(raw.get("suggestions", ())),
        skip_words=typed_forms(raw.get("skip_words", ())),
        edit_aliases=typed_forms(raw.get("edit_aliases", ())),
        fields=tuple(_question(f) for f in raw.get("fields", ())),
        **simple,
    )


def _vocabulary(raw: dict[str, Any], key: str) -> tuple[ThemeWords, ...]:
    """A list of named word groups in the content ([[themes]], [[role_families]], [[priorities]])."""
    return tuple(
        ThemeWords(t["id"], t["name"], tuple(t["words"]), t.get("step", ""), tuple(t.get("practice", ())))
        for t in raw.get(key, ())
    )


def parse_flow(raw: dict[str, Any]) -> Flow:
    """Build a Flow from the parsed content file, failing loudly on a mistake in it."""
    sections = tuple(
        Section(
            id=s["id"],
            step=int(s["step"]),
            title=s["title"],
            intro=s.get("intro", ""),
            questions=tuple(_question(q) for q in s["questions"]),
            summary_after=bool(s.get("summary_after", False)),
            closing=s.get("closing"),
        )
        for s in raw["sections"]
    )
    for s in sections:
        if not 1 <= s.step <= TOTAL_STEPS:
            raise ValueError(f"content: section {s.id!r} has step {s.step}, outside 1..{TOTAL_STEPS}")
    return Flow(
        sections=sections,
        messages=dict(raw["messages"]),
        help_text=raw["help"]["text"],
        labels=dict(raw["labels"]),
        commands={k: typed_forms(v) for k, v in raw["commands"].items()},
        words={k: typed_forms(v) for k, v in raw["words"].items()},
        lists={k: tuple(v) for k, v in raw.get("lists", {}).items()},
        themes=_vocabulary(raw, "themes"),
        role_families=_vocabulary(raw, "role_families"),
        priorities=_vocabulary(raw, "priorities"),
    )


def check_names(
    flow: Flow,
    *,
    commands: Mapping[str, object],
    closings: Mapping[str, object],
    question_ids: Iterable[str],
    kinds: Mapping[str, object],
) -> None:
    """Fail loudly when the content and the code disagree: a command without a handler (or a handler
    without words to call it by), a closing the code does not know, a question the code reads by
    name that the content no longer has, a kind of answer the code cannot read, replies to listen
    with that are missing."""
    problems = [f"command {name!r} has no handler" for name in flow.commands if name not in commands]
    problems += [
        f"question {str(q)!r} is read by the code but missing" for q in question_ids if q not in flow.by_id
    ]
    problems += [
        f"command {name!r} has no words in [commands]" for name in commands if name not in flow.commands
    ]
    problems += [
        f"section {s.id!r} closes with unknown closing {s.closing!r}"
        for s in flow.sections
        if s.closing is not None and s.closing not in closings
    ]
    problems += [
        f"question {q.id!r} has unknown kind {q.kind!r}"
        for top in flow.by_id.values()
        for q in (top, *top.fields)
        if q.kind not in kinds
    ]
    problems += [
        f"question {q.id!r} listens with {q.listen!r} but [lists] has no {q.listen}_{tone}"
        for q in flow.by_id.values()
        if q.listen
        for tone in ("low", "high", "mixed")
        if not flow.lists.get(f"{q.listen}_{tone}")
    ]
    if problems:
        raise ValueError("content: " + "; ".join(problems))


@cache
def load_flow() -> Flow:
    """The flow shipped with the package (bot/content/flow.toml), parsed once per process."""
    text = resources.files("bot").joinpath("content/flow.toml").read_text(encoding="utf-8")
    return parse_flow(tomllib.loads(text))
