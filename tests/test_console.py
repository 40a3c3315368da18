"""The console chat as a person uses it: the real `debrief` command in a subprocess, and a restart."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from adapters.console import render
from bot.messages import Attachment, Button, Reply
from storage.db import Database
from tests.helpers import TO_THE_LETTER, env_for

TIMEOUT_S = 60


def debrief(*args: str, url: str, stdin: str = "", **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "debrief.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env_for(url, **extra),
        timeout=TIMEOUT_S,
    )


class LiveChat:
    """A running `debrief chat` we type into line by line, reading its output as it comes."""

    def __init__(self, url: str, *args: str, **env: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "debrief.cli", "chat", "--user", "Maya", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env_for(url, **env),
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, text: str) -> str:
        seen, deadline = [], time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                seen.append(self.lines.get(timeout=1))
            except queue.Empty:
                continue
            if text in seen[-1]:
                return "".join(seen)
        raise AssertionError(f"never saw {text!r}; got:\n{''.join(seen)}")

    def send(self, line: str) -> None:
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=TIMEOUT_S)


def test_piped_chat_prints_plain_text_numbers_options_and_exits_0_at_end_of_input(sqlite_url):
    result = debrief("chat", "--user", "Maya", url=sqlite_url, stdin="hi\nACME\nDesigner\ndone\n1\nskip\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Which company was the interview with?" in out
    assert "  1) Just now" in out
    assert "  1) Email\n  2) Post" in out
    assert "\033[" not in out and "**" not in out


def test_run_without_tokens_starts_the_console_and_says_how_to_connect(sqlite_url):
    result = debrief("run", "--user", "Maya", url=sqlite_url, stdin="help\n")
    assert result.returncode == 0
    assert "No Slack or Discord token is set" in result.stderr
    assert ".env.example" in result.stderr
    assert "What I can do" in result.stdout


def test_a_killed_chat_resumes_at_the_pending_question(sqlite_url):
    first = LiveChat(sqlite_url)
    first.wait_for("Say hi when you're ready")
    for line, reply in [
        ("hi", "Which company"),
        ("ACME", "which role"),
        ("Product Designer", "Who interviewed you?"),
        ("Dana Lee", "Anyone else?"),
        ("done", "When did the interview take place?"),
        ("just now", "Did they say when you'd hear back?"),
        ("next Friday", "by email or by post?"),
        ("1", "What was one question they asked you?"),
        ("Tell me about yourself", "What did you answer?"),
    ]:
        first.send(line)
        first.wait_for(reply)
    first.kill()  # no goodbye, no flush: as if the machine lost power

    second = LiveChat(sqlite_url)
    greeting = second.wait_for("What did you answer?")
    assert "Welcome back! We were debriefing ACME" in greeting
    assert "“Tell me about yourself.”" in greeting
    second.send("My career story in two minutes")
    second.wait_for("How did the interviewer react")
    second.send("status")
    status = second.wait_for("Next:")
    assert "ACME · Product Designer" in status
    assert "Step 1 of 6 · Make notes" in status
    second.process.stdin.close()
    assert second.process.wait(timeout=TIMEOUT_S) == 0


def test_a_bad_setting_stops_start_up_naming_it_but_not_its_value(sqlite_url):
    result = debrief("chat", url=sqlite_url, DEBRIEF_TIMEZONE="Secret/Value42")
    assert result.returncode == 2
    assert "DEBRIEF_TIMEZONE" in result.stderr
    assert "Secret/Value42" not in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unopenable_database_is_one_line_with_no_traceback(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = debrief("chat", url=f"sqlite:///{blocker}/debrief.sqlite3", stdin="hi\n")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("debrief:")


def test_the_database_password_never_reaches_the_output():
    url = "postgresql+psycopg://bot:Pa55word@127.0.0.1:1/none"
    result = debrief("chat", url=url, stdin="hi\n")
    assert result.returncode == 1
    assert "Pa55word" not in result.stderr + result.stdout
    assert "***" in result.stderr


@pytest.mark.parametrize("pretty", [False, True])
def test_render_numbers_buttons_across_replies_and_frames_letters(pretty):
    replies = [
        Reply("Pick **one**", (Button("Email", "a"), Button("Post", "b"))),
        Reply("Here", attachment=Attachment("Letter to Dana", "Dear Dana,", "d@x.example", "Thanks")),
        Reply("More", (Button("Done", "c"),)),
    ]
    out = render(replies, pretty=pretty)
    assert "  1) Email\n  2) Post" in out and "  3) Done" in out
    assert "----- Letter to Dana (to: d@x.example) -----\nSubject: Thanks\n\nDear Dana," in out
    assert ("\033[1mone\033[0m" in out) is pretty


class Recorder:
    """A service double that records what the console hands it and answers "ok"."""

    def __init__(self) -> None:
        self.seen = []

    def handle(self, incoming):
        self.seen.append(incoming)
        return [Reply("ok")]

    def on_forget(self, listener):
        """The console registers its export clean-up here; this double keeps no data to forget."""


def test_on_a_terminal_a_pasted_letter_arrives_as_one_message():
    import asyncio
    import io

    from adapters.console import ConsoleAdapter

    master, slave = os.openpty()
    service = Recorder()
    with os.fdopen(slave, "r") as terminal:
        os.write(master, b"Dear Dana,\nThank you for today.\nBest, Maya\n\x04\x04")
        adapter = ConsoleAdapter(
            service=service, user_name="Maya", stdin=terminal, stdout=io.StringIO(), pretty=True
        )
        asyncio.run(asyncio.wait_for(adapter.start(), timeout=TIMEOUT_S))
    os.close(master)
    texts = [i.text for i in service.seen if i.kind == "message"]
    assert texts == ["Dear Dana,\nThank you for today.\nBest, Maya"]


def test_a_pasted_letter_keeps_its_last_line_that_arrives_only_with_enter():
    """A terminal marks a paste (bracketed paste); its last line, with no newline of its own, arrives
    when Enter is pressed, long after the others: it is still part of the same message."""
    import asyncio
    import io
    import threading
    import time

    from adapters.console import ConsoleAdapter

    master, slave = os.openpty()
    service = Recorder()
    out = io.StringIO()

    def type_it() -> None:
        os.write(master, b"\x1b[200~Dear Dana,\nThank you for today.\nBest, Maya\x1b[201~")
        time.sleep(0.3)  # reading the paste over before pressing Enter
        os.write(master, b"\nnext\n\x04\x04")

    with os.fdopen(slave, "r") as terminal:
        adapter = ConsoleAdapter(service=service, user_name="Maya", stdin=terminal, stdout=out, pretty=True)
        typist = threading.Thread(target=type_it)
        typist.start()
        asyncio.run(asyncio.wait_for(adapter.start(), timeout=TIMEOUT_S))
        typist.join()
    os.close(master)
    texts = [i.text for i in service.seen if i.kind == "message"]
    assert texts == ["Dear Dana,\nThank you for today.\nBest, Maya", "next"]
    assert out.getvalue().startswith("\033[?2004h") and out.getvalue().endswith("\033[?2004l")


def test_without_a_name_the_login_is_not_offered_as_a_signature(sqlite_url):
    login = __import__("getpass").getuser()
    lines = ["hi", "ACME", *TO_THE_LETTER]
    result = debrief("chat", url=sqlite_url, stdin="\n".join(lines) + "\n")
    assert "How should I sign your letters?" in result.stdout
    assert f"  1) {login}" not in result.stdout
    named = debrief(
        "chat",
        "--user",
        "Maya",
        url=sqlite_url.replace(".sqlite3", "-2.sqlite3"),
        stdin="\n".join(lines) + "\n",
    )
    assert "  1) Maya" in named.stdout


def test_export_in_the_console_writes_a_private_file_and_says_where(sqlite_url, tmp_path):
    result = debrief("chat", "--user", "Maya", url=sqlite_url, stdin="hi\nACME\nDesigner\nexport\n")
    assert result.returncode == 0, result.stderr
    saved = [line for line in result.stdout.splitlines() if line.startswith("Saved to ")]
    assert len(saved) == 1
    path = Path(saved[0].removeprefix("Saved to "))
    assert path.read_text(encoding="utf-8").startswith("# Your Debrief data")
    assert "## 1. ACME · Designer" in path.read_text(encoding="utf-8")
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_with_a_faster_clock_tomorrows_reminder_arrives_in_the_console_within_seconds(sqlite_url):
    # An hour a second; no quiet hours, so the reminder is not held until morning.
    chat = LiveChat(sqlite_url, "--time-scale", "3600", DEBRIEF_QUIET_HOURS="00:00-00:00")
    chat.wait_for("Say hi when you're ready")
    for line, reply in [
        ("hi", "Which company"),
        ("ACME", "which role"),
        ("Designer", "Who interviewed you?"),
    ]:
        chat.send(line)
        chat.wait_for(reply)
    # Three hours after the interview (three seconds here), the first thank-you reminder comes.
    nudge = chat.wait_for("Remind me in 2 hours")
    assert "Your thank-you to ACME isn't drafted yet" in nudge
    # The question's own option keeps number 1; the reminder's options are numbered after it.
    assert "  1) Done" in nudge
    finish = re.search(r"  (\d+)\) Finish my debrief", nudge).group(1)
    assert finish != "1"
    chat.send(finish)
    chat.wait_for("Back to ACME")
    chat.process.stdin.close()
    assert chat.process.wait(timeout=TIMEOUT_S) == 0


def test_the_first_prompt_needs_neither_the_date_reader_nor_the_name_reader(tmp_path):
    """Both load in the background once the first prompt is up (bot/warming.py), and so do the
    drafts' templates (Jinja2); the reminders' scheduler (APScheduler) starts after it: a start pays
    for none of them; a turn that needs one imports it on the spot. On SQLite, neither Alembic (the
    database is current) nor SQLAlchemy's PostgreSQL module loads at all."""
    check = (
        "import sys\n"
        "import adapters.console, debrief.cli\n"
        "from bot.messages import Incoming, UserKey\n"
        "from bot.service import ConversationService\n"
        "from storage.db import Database\n"
        "db = Database(sys.argv[1]); db.migrate()\n"
        "service = ConversationService(database=db)\n"
        "service.handle(Incoming(user=UserKey('console', 'local', 'maya'), kind='open'))\n"
        "heavy = ('dateparser', 'nameparser', 'jinja2', 'apscheduler', 'alembic', 'sqlalchemy.dialects.postgresql')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
        "service.handle(Incoming(user=UserKey('console', 'local', 'maya'), text='hi'))\n"
        "service.handle(Incoming(user=UserKey('console', 'local', 'maya'), text='ACME'))\n"
        "service.handle(Incoming(user=UserKey('console', 'local', 'maya'), text='Designer'))\n"
        "service.handle(Incoming(user=UserKey('console', 'local', 'maya'), text='dr. priya natarajan'))\n"
        "print(sorted(m for m in ('dateparser', 'nameparser') if m in sys.modules))\n"
    )
    url = f"sqlite:///{tmp_path / 'start.sqlite3'}"
    Database(url).migrate()  # a database that exists already, as on every start after the first
    ran = subprocess.run([sys.executable, "-c", check, url], capture_output=True, text=True, check=True)
    assert ran.stdout.splitlines() == ["[]", "['nameparser']"]
