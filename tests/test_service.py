"""The service on a real database: one transaction a turn, replays ignored, turns never interleave."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select

from bot.messages import Incoming, UserKey
from bot.service import ConversationService
from storage.db import Database
from storage.models import Interview, ProcessedEvent, User
from tests.chat import MAYA, Chat
from tests.conftest import Clock
from tests.helpers import TO_THE_LETTER


def make_service(database: Database, clock: Clock | None = None) -> ConversationService:
    return ConversationService(database=database, default_timezone="Europe/Berlin", clock=clock or Clock())


def stored_answers(database: Database, user: UserKey = MAYA) -> dict:
    with database.transaction() as session:
        row = session.scalars(
            select(Interview)
            .join(User)
            .where(User.user_id == user.user_id)
            .order_by(Interview.created_at.desc())
        ).first()
        return dict(row.answers) if row else {}


def test_a_debrief_survives_a_new_service_on_the_same_database(any_db):
    Chat(make_service(any_db)).say("hi")
    Chat(make_service(any_db)).say("ACME")
    reply = Chat(make_service(any_db)).say("Product Designer")
    assert "Who interviewed you?" in reply
    assert stored_answers(any_db) == {"company": "ACME", "role": "Product Designer"}


def test_a_replayed_event_is_a_no_op(any_db):
    chat = Chat(make_service(any_db))
    chat.say("hi", event_id="Ev1")
    assert "which role" in chat.say("ACME", event_id="Ev2")
    assert chat.say("ACME", event_id="Ev2") == ""  # the platform delivered it again
    assert chat.replies == []
    assert "Who interviewed you?" in chat.say("Designer", event_id="Ev3")
    assert stored_answers(any_db) == {"company": "ACME", "role": "Designer"}
    with any_db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(ProcessedEvent)) == 3


def test_a_button_clicked_twice_counts_once(any_db):
    chat = Chat(make_service(any_db))
    for line in ("hi", "ACME", "Designer", "done", "just now", "skip"):
        chat.say(line)
    email = next(b.action for r in chat.replies for b in r.buttons if b.label == "Email")
    assert "Step 1 of 6" in chat.press(email, event_id="click-1")
    assert chat.press(email, event_id="click-1") == ""  # the platform delivered the click again
    assert "earlier question" in chat.press(email, event_id="click-2")  # the person clicked again
    assert stored_answers(any_db)["thank_you_by"] == "email"


def test_people_never_see_each_others_interviews(any_db):
    maya, omar = (
        Chat(make_service(any_db)),
        Chat(make_service(any_db), user=UserKey("console", "local", "omar")),
    )
    maya.say("hi")
    maya.say("Secret Corp")
    omar.say("hi")
    assert "Secret Corp" not in omar.say("list")
    assert "Secret Corp" not in omar.say("resume 1")


def test_a_failing_turn_apologises_stores_nothing_and_the_next_turn_works(sqlite_db, monkeypatch):
    service = make_service(sqlite_db)
    chat = Chat(service)
    chat.say("hi")
    import bot.engine

    real_step = bot.engine.step

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(bot.engine, "step", broken)
    assert "something went wrong on my side" in chat.say("ACME", event_id="E1")
    monkeypatch.setattr(bot.engine, "step", real_step)
    assert stored_answers(sqlite_db) == {}
    # The failed event was not recorded as processed, so the platform's retry is handled.
    assert "which role" in chat.say("ACME", event_id="E1")


def test_the_log_of_a_failed_turn_holds_no_message_text(sqlite_db, monkeypatch, caplog):
    import bot.engine

    def quoting(snapshot, incoming, **kwargs):
        raise ValueError(f"cannot read {incoming.text!r}")  # as int("²") or a parser would

    monkeypatch.setattr(bot.engine, "step", quoting)
    Chat(make_service(sqlite_db)).say("my secret salary is 95k")
    assert "turn failed" in caplog.text and "ValueError" in caplog.text
    assert "95k" not in caplog.text


def test_one_service_never_runs_two_turns_of_one_person_at_once(sqlite_db):
    """The in-process lock: a second turn waits in Python, not holding a connection in the database."""
    service = make_service(sqlite_db)
    open_turns, most = 0, 0
    guard = threading.Lock()
    real_transaction = sqlite_db.transaction

    @contextmanager
    def counting():
        nonlocal open_turns, most
        with guard:
            open_turns += 1
            most = max(most, open_turns)
        try:
            with real_transaction() as session:
                time.sleep(0.01)
                yield session
        finally:
            with guard:
                open_turns -= 1

    sqlite_db.transaction = counting
    threads = [threading.Thread(target=Chat(service).say, args=(f"message {n}",)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most == 1


def _add_items_concurrently(services: list[ConversationService], items: int) -> None:
    """Each service adds list items for the same person at the same time."""
    first = Chat(services[0])
    for line in ("hi", "ACME", "Designer", "done", "just now", "skip", "Email"):
        first.say(line)
    barrier = threading.Barrier(len(services), timeout=30)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        chat = Chat(services[n])
        try:
            barrier.wait()
            for i in range(items):
                for field in ("Question", "Answer", "Reaction"):
                    reply = chat.say(f"{field} {n}-{i}")
                    assert "went wrong" not in reply
        except BaseException as exc:
            errors.append(exc)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(len(services))]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=120)
    assert not errors, errors


@pytest.mark.parametrize("pools", [1, 4], ids=["one-service", "one-database-per-thread"])
def test_turns_of_one_person_never_interleave(any_url, pools):
    """With 4 pools, the threads are as separate as processes: only the database keeps order."""
    databases = [Database(any_url) for _ in range(pools)]
    databases[0].migrate()
    services = [make_service(databases[n % pools]) for n in range(4)]
    try:
        _add_items_concurrently(services, items=5)
        items = stored_answers(databases[0])["questions"]
    finally:
        for database in databases:
            database.dispose()
    # 60 messages fed one list: every one was stored exactly once, in whole turns.
    texts = sorted(v for item in items for v in item.values())
    assert len(texts) == 60 and len(set(texts)) == 60
    assert len(items) == 20


def test_the_signature_is_asked_once_and_remembered_for_the_next_interview(sqlite_db):
    chat = Chat(make_service(sqlite_db))
    for line in ["hi", "ACME", *TO_THE_LETTER]:
        chat.say(line)
    assert "How should I sign your letters?" in chat.last
    assert "Name one specific topic" in chat.say("Maya Rivera")
    chat.say("growth plans")
    chat.click("Mark as sent")
    for line in ["new", "Globex", *TO_THE_LETTER[:-1]]:
        chat.say(line)
    reply = chat.say(TO_THE_LETTER[-1])
    assert "How should I sign" not in reply
    assert "Name one specific topic" in reply
    assert ",\nMaya Rivera\n" in chat.say("the data platform")  # the sign-off, then the name


def test_forget_me_deletes_every_row_of_that_person_and_no_one_else(any_db):
    from storage.models import Nudge

    maya, omar = (
        Chat(make_service(any_db)),
        Chat(make_service(any_db), user=UserKey("console", "local", "omar")),
    )
    for chat in (maya, omar):
        for line in ["hi", "ACME", *TO_THE_LETTER, "Maya Rivera", "growth"]:
            chat.say(line)
        chat.click("I'll send it later")  # plans thank-you reminders and check-ins
    maya.say("forget me")
    maya.click("Yes, delete everything")
    with any_db.transaction() as session:
        people = session.scalars(select(User.user_id)).all()
        owners = {row.user_pk for row in session.scalars(select(Interview))}
        nudge_owners = {row.user_pk for row in session.scalars(select(Nudge))}
        omar_pk = session.scalars(select(User.id).where(User.user_id == "omar")).one()
    assert people == ["omar"]
    assert owners == nudge_owners == {omar_pk}


def test_the_platform_time_zone_is_used_until_the_person_sets_one(sqlite_db):
    service = make_service(sqlite_db)

    def ask() -> str:
        return service.handle(Incoming(user=MAYA, text="timezone", timezone="America/New_York"))[-1].text

    assert "America/New_York" in ask()
    Chat(service).say("timezone Berlin")
    assert "Europe/Berlin" in ask()
