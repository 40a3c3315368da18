"""The plain data that crosses module lines inside the product: no logic, no I/O.

Storage and every other module import these types from here, never from the engine. Statuses are
`StrEnum`s, so they compare equal to (and are stored as) their plain string values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal, TypedDict, TypeVar, overload

from bot.voice import capitalised

T = TypeVar("T")

if TYPE_CHECKING:
    from bot.messages import Reply


class QuestionId(StrEnum):
    """The questions of the content (bot/content/flow.toml) that the code reads by name. The engine
    checks at import that each is in the content, so renaming one there fails at once, not later."""

    ANSWER_TO_IMPROVE = "answer_to_improve"
    COMPANY = "company"
    COULD_BE_BETTER = "could_be_better"
    DECISION_EXPECTED = "decision_expected"
    DRESS_ISSUE = "dress_issue"
    DRESSED_OK = "dressed_ok"
    FEEDBACK_RECEIVED = "feedback_received"
    FOLLOW_UPS = "follow_ups"
    HAPPY_WITH_ANSWERS = "happy_with_answers"
    IMPROVE_HOW = "improve_how"
    INTERVIEW_AT = "interview_at"
    INTERVIEWER_SATISFIED = "interviewer_satisfied"
    INTERVIEWERS = "interviewers"
    LETTER_EDIT = "letter_edit"
    LETTER_REVIEW = "letter_review"
    LETTER_TOPIC = "letter_topic"
    OFFER_BASE = "offer_base"
    OFFER_DEADLINE = "offer_deadline"
    OBSERVATIONS = "observations"
    OFFER_DECISION = "offer_decision"
    OFFER_EXTRAS = "offer_extras"
    OFFER_TARGET = "offer_target"
    OFFER_WALKAWAY = "offer_walkaway"
    POSITIVES = "positives"
    QUESTIONS = "questions"
    RECURRING = "recurring"
    REJECTION_LIKED = "rejection_liked"
    ROLE = "role"
    SECOND_AT = "second_at"
    SECOND_FOCUS = "second_focus"
    SECOND_WITH = "second_with"
    SIGNATURE = "signature"
    THANK_YOU_BY = "thank_you_by"


class Fact(StrEnum):
    """What the code records in an interview's answers beside the person's own: the news and when."""

    CHECKIN_CYCLE = "checkin_cycle"
    DETAILS = "details"  # words that came with an answer and answered nothing else, by question id
    CHECKIN_FROM = "checkin_from"
    CHECKINS_STOPPED = "checkins_stopped"
    FEEDBACK_REQUESTED = "feedback_requested"
    LETTER_SENT_AT = "letter_sent_at"
    NEWS = "news"
    NEWS_AT = "news_at"
    OFFER_FIRST = "offer_first"  # the first figure of an offer revised since ("they came back with 92k")
    OFFER_REVISED_AT = "offer_revised_at"
    UPCOMING_END = "upcoming_end"
    UPCOMING_START = "upcoming_start"


class InterviewStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"
    UPCOMING = "upcoming"  # announced beforehand ("interview ACME tomorrow 3-4pm"), not yet debriefed


class News(StrEnum):
    """What a person heard back, as the answer to "any news?" stores it."""

    SECOND = "second"
    OFFER = "offer"
    REJECTED = "rejected"
    NOT_YET = "not_yet"


class NudgeFamily(StrEnum):
    """What a nudge is about: the first word of its kind ("thank_you_2" is a "thank" nudge). Nudges of one
    family replace each other; the engine has one wording per family and checks so at import."""

    UNFINISHED = "unfinished"
    THANK = "thank"
    CHECKIN = "checkin"
    SECOND = "second"
    OFFER = "offer"
    FEEDBACK = "feedback"
    UPCOMING = "upcoming"


class NudgeStatus(StrEnum):
    """A nudge row: pending -> sending (claimed by one process) -> sent; or skipped, cancelled, failed."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"
    FAILED = "failed"


class Position(TypedDict):
    """Where a debrief stands: a question and, in a list or per-interviewer question, the item and field."""

    q: str
    item: int | None
    field: str | None


class Snoozed(TypedDict):
    n: int  # how often this reminder was moved ("kind#n" names the moved one)
    due: str  # ISO moment it is due now


class Cursor(TypedDict, total=False):
    """An interview's place in the flow, stored with it (every key the engine reads or writes)."""

    pos: Position | None  # the question waiting for an answer; None when no question waits
    history: list[Position | None]  # where `back` goes, newest last
    return_to: Position  # where an edit started: back there once the edited answer is taken
    touched_at: str  # ISO moment of the last change (the unfinished-debrief reminder counts from it)
    snoozed: dict[str, Snoozed]  # reminders moved by snooze, by base kind
    dropped: list[str]  # reminders the person cancelled, by base kind
    added: int  # how many list items the last answer added (several people named in one message)
    listened: int  # how many feelings were reflected back in this interview (at most two)


class PauseOffer(TypedDict):
    until: str  # ISO moment
    keep: list[str]  # "interview id:kind" of the deadline reminders the pause would hold


class Conversation(TypedDict, total=False):
    """A person's conversation state, stored on the user (every key the engine reads or writes)."""

    active: str | None  # the interview being debriefed
    mode: str | None  # a question outside the flow that waits: "edit_pick", "confirm_cancel", ...
    welcomed: bool
    profile: dict[str, Any]  # given once for all interviews: the name letters are signed with, priorities
    timezone: str  # set by `timezone`; absent: the workspace's or the default
    date_order: str  # "DMY" or "MDY" chosen with `date order`; absent: as usual in the time zone
    timezone_noted: bool  # the time zone was mentioned once, when reminders first mattered
    paused_until: str  # ISO moment
    pause_keeps: list[str]  # "interview id:kind" sent all the same during the pause
    pause_offer: PauseOffer  # a pause that waits for "keep those reminders?"
    listed: list[str]  # "interview id:kind" as `reminders` numbered them, for "cancel reminder 2"
    back_to: str | None  # the interview to return to after a look at a finished one
    asked_news: str  # the interview the latest "any news?" asked about, until the next message
    thread: list[
        dict[str, Any]
    ]  # the common thread's top themes when last found ({"name", "step", "interviews"})
    told: dict[str, Any]  # news told in words, waiting for "which interview?" ({"news", "pay", "second_at"})
    invitation: dict[str, Any]  # an invitation shared, waiting for its company or "keep it?"


@dataclass(frozen=True)
class UserKey:
    """Who a person is, the same way on every platform: ("slack", team id, user id)."""

    platform: str
    workspace: str
    user_id: str

    def __post_init__(self) -> None:
        for name in ("platform", "workspace", "user_id"):
            if not getattr(self, name):
                raise ValueError(f"UserKey.{name} must not be empty")

    def __str__(self) -> str:
        return f"{self.platform}:{self.workspace}:{self.user_id}"


@dataclass(frozen=True)
class QuietHours:
    """No nudge from `start` to `end`, local time (default 21:00-08:00)."""

    start: time = time(21, 0)
    end: time = time(8, 0)

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """From "21:00-08:00"; raises ValueError with a readable reason."""
        try:
            start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
        except ValueError:
            raise ValueError("use two times like 21:00-08:00") from None
        return cls(start, end)

    def is_quiet(self, moment: time) -> bool:
        if self.start <= self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


@dataclass(frozen=True)
class Interview:
    """One interview being (or having been) debriefed, as plain data."""

    id: str
    status: str
    created_at: datetime
    answers: dict[str, Any] = field(default_factory=dict)
    cursor: dict[str, Any] = field(default_factory=dict)

    @property
    def company(self) -> str:
        """The company as written for people to read: "mercy general" typed is "Mercy General"."""
        return capitalised(str(self.answers.get(QuestionId.COMPANY) or "")) or "this interview"


@dataclass(frozen=True)
class InterviewSummary:
    """What `list` needs to know about each of a person's interviews."""

    id: str
    company: str | None
    role: str | None
    status: str
    step: int
    created_at: datetime
    letter_status: str | None = None
    news: str | None = None
    interview_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.company:  # as written for people to read, like Interview.company
            object.__setattr__(self, "company", capitalised(self.company))


class LoadedOnRead(Sequence[T]):
    """Rows read from the database the first time the engine looks at them, then kept: most turns
    never look at the person's list of interviews, so most turns never read it."""

    def __init__(self, load: Callable[[], tuple[T, ...]]) -> None:
        self._load = load
        self._rows: tuple[T, ...] | None = None

    def _all(self) -> tuple[T, ...]:
        if self._rows is None:
            self._rows = self._load()
        return self._rows

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...
    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self) -> Iterator[T]:
        return iter(self._all())


@dataclass(frozen=True)
class Snapshot:
    """Everything one turn may read, loaded by the service before it calls `step`."""

    timezone: str
    conversation: dict[str, Any]
    active: Interview | None
    interviews: Sequence[InterviewSummary] = ()
    display_name: str | None = None
    # The interview a nudge or a nudge's button is about, when it is not the active one.
    subject: Interview | None = None
    quiet_hours: QuietHours = field(default_factory=QuietHours)
    # Loaded only when a command asks for them (see Outcome.needs).
    nudges: tuple[NudgeView, ...] | None = None
    everything: tuple[Interview, ...] | None = None


@dataclass(frozen=True)
class NudgeView:
    """A planned or recently sent nudge, as `reminders` and `snooze` see it."""

    interview_id: str
    kind: str
    due_at: datetime
    status: str
    sent_at: datetime | None
    company: str | None


@dataclass(frozen=True)
class Input:
    """What happened: a message, a button (`action`), the chat opened, or a nudge falling due."""

    kind: Literal["message", "action", "open", "nudge"]
    text: str | None = None
    action: str | None = None
    calendar: str | None = None  # the text of a calendar file shared with the message (an invitation)


@dataclass(frozen=True)
class Outcome:
    """The turn's result. `interview` is the active interview to save when it changed.

    `follow_up` asks the service to reload (another interview became active) and step again.
    """

    conversation: dict[str, Any]
    replies: list[Reply]
    interview: Interview | None = None
    follow_up: Input | None = None
    needs: str | None = None  # "nudges" or "everything": load it and run the same turn again
    forget: bool = False  # delete every row of this person (confirmed "forget me")
