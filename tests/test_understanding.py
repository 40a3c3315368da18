"""A corpus of everyday answers, typed the way people type on a phone, and how each must be read.

Table-driven and run on the pure readers and engine, so it takes seconds; add a line whenever a
misreading is found. Each row: the question it answers, what was typed, and the reading expected
(a stored value, or `Problem:<message key>` for an answer that is asked again with that message).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot import dates
from bot.answers import Parsed, Problem
from bot.engine.answering import tone_of
from bot.engine.kinds import parse_answer
from bot.engine.resuming import read_announcement
from bot.flow import Option, load_flow
from bot.inputs import loose
from bot.letters import thank_you_letters
from bot.people import name_parts
from bot.told import best_named, named_company, read_news
from tests.chat import Chat, Talking
from tests.engine_chat import EngineChat

NOW = datetime(2026, 11, 26, 14, 10, tzinfo=UTC)  # Thu 26 Nov, 15:10 in Berlin
BERLIN = dates.zone("Europe/Berlin")
ASKED = [  # a nurse's questions, as the options of "Which of your answers could have been better?"
    "What would you do if you were two RNs short on a night shift?",
    "How do you handle conflict with a colleague?",
    "Tell me about your experience with staffing ratios",
    "How do you handle a patient's family who is upset?",
]


def reading(question_id: str, text: str) -> object:
    flow = load_flow()
    q = flow.question(question_id)
    options = [Option(value=a, label=a) for a in ASKED] if q.options_from else []
    options += list(q.options)
    if q.kind == "yesno":
        options = [Option("yes", "Yes", flow.words["yes"]), Option("no", "No", flow.words["no"])]
    result = parse_answer(q, text, options=options, words=flow.words, now=NOW, tz=BERLIN)
    return f"Problem:{result.key}" if isinstance(result, Problem) else result.value


CHOOSING = [  # an option the way people refer to one: number, ordinal, fragment, typo, hedge
    ("thank_you_by", "email", "email"),
    ("thank_you_by", "Email", "email"),
    ("thank_you_by", "EMAIL!!", "email"),
    ("thank_you_by", "emial", "email"),
    ("thank_you_by", "emali", "email"),
    ("thank_you_by", "email i think", "email"),
    ("thank_you_by", "probably email", "email"),
    ("thank_you_by", "by email pls", "email"),
    ("thank_you_by", "e-mail", "email"),
    ("thank_you_by", "1", "email"),
    ("thank_you_by", "#1", "email"),
    ("thank_you_by", "the first one", "email"),
    ("thank_you_by", "first", "email"),
    ("thank_you_by", "1st", "email"),
    ("thank_you_by", "post", "post"),
    ("thank_you_by", "Post.", "post"),
    ("thank_you_by", "postal", "post"),
    ("thank_you_by", "snail mail", "post"),
    ("thank_you_by", "2", "post"),
    ("thank_you_by", "2nd", "post"),
    ("thank_you_by", "the second one", "post"),
    ("thank_you_by", "the last one", "post"),
    ("thank_you_by", "last", "post"),
    ("thank_you_by", "by post i guess", "post"),
    ("thank_you_by", "pigeon", "Problem:bad_choice"),
    ("thank_you_by", "3", "Problem:bad_choice"),
    ("thank_you_by", "the third one", "Problem:bad_choice"),
    ("answer_to_improve", "the staffing one", ASKED[2]),
    ("answer_to_improve", "the weekend one", "Problem:which_not_found"),  # points at none: asked again
    ("answer_to_improve", "nah", "none"),
    ("answer_to_improve", "nope, happy with them", "none"),
    ("answer_to_improve", "yes", "Problem:bad_choice"),  # answers nothing here; never stored as own words
    ("answer_to_improve", "idk", "Problem:bad_choice"),
    ("answer_to_improve", "staffing", ASKED[2]),
    ("answer_to_improve", "the one about staffing ratios", ASKED[2]),
    ("answer_to_improve", "the conflict one", ASKED[1]),
    ("answer_to_improve", "conflict with a colleague", ASKED[1]),
    ("answer_to_improve", "the night shift one", ASKED[0]),
    ("answer_to_improve", "the RNs short question", ASKED[0]),
    ("answer_to_improve", "the upset family", ASKED[3]),
    ("answer_to_improve", "the second one", ASKED[1]),
    ("answer_to_improve", "2nd", ASKED[1]),
    ("answer_to_improve", "3", ASKED[2]),
    ("answer_to_improve", "the first", ASKED[0]),
    ("answer_to_improve", "the stafing one", ASKED[2]),
    ("answer_to_improve", "the handle one", "Problem:which_option"),  # two questions say "handle"
    ("answer_to_improve", "none", "none"),
    ("answer_to_improve", "all good", "none"),
    ("answer_to_improve", "1, 3", "Problem:one_at_a_time"),
    ("answer_to_improve", "9", "Problem:bad_choice"),
    # An answer in one's own words stays one's own words, never an option it happens to brush.
    (
        "answer_to_improve",
        "i rambled when they asked why i left my last job",
        "i rambled when they asked why i left my last job",
    ),
    ("answer_to_improve", "the one about my weekend job", "the one about my weekend job"),
    ("interviewer_satisfied", "yes", "yes"),
    ("interviewer_satisfied", "yes!!", "yes"),
    ("interviewer_satisfied", "yeah i think so", "yes"),
    ("interviewer_satisfied", "i think so", "yes"),
    ("interviewer_satisfied", "mostly", "yes"),
    ("interviewer_satisfied", "kinda", "yes"),
    ("interviewer_satisfied", "yep", "yes"),
    ("interviewer_satisfied", "nah", "no"),
    ("interviewer_satisfied", "i don't think so", "no"),
    ("interviewer_satisfied", "hard to say", "unsure"),
    ("interviewer_satisfied", "idk", "unsure"),
    ("interviewer_satisfied", "no idea", "unsure"),
    ("interviewer_satisfied", "i don't know", "unsure"),
    ("interviewer_satisfied", "maybe", "unsure"),
    ("interviewer_satisfied", "hard to tel", "unsure"),
    ("interviewer_satisfied", "not really", "no"),
    ("interviewer_satisfied", "nope", "no"),
    ("interviewer_satisfied", "the last one", "no"),
    ("offer_decision", "negotiate", "negotiate"),
    ("offer_decision", "negociate", "negotiate"),
    ("offer_decision", "i think i'll accept", "accept"),
    ("offer_decision", "accept it", "accept"),
    ("offer_decision", "still thinking", "think"),
    ("offer_decision", "idk yet", "think"),
    ("offer_decision", "not sure", "think"),
    ("offer_decision", "decline", "decline"),
    ("offer_decision", "turn it down", "decline"),
]

YES_OR_NO = [  # yes-ish and no-ish, with the exclamation marks and hedges people type
    ("dressed_ok", "yes", "yes"),
    ("dressed_ok", "yes!!", "yes"),
    ("dressed_ok", "Yes.", "yes"),
    ("dressed_ok", "yep", "yes"),
    ("dressed_ok", "yeah", "yes"),
    ("dressed_ok", "ya", "yes"),
    ("dressed_ok", "i think so", "yes"),
    ("dressed_ok", "kind of", "yes"),
    ("dressed_ok", "kinda", "yes"),
    ("dressed_ok", "pretty much", "yes"),
    ("dressed_ok", "mostly", "yes"),
    ("dressed_ok", "sure", "yes"),
    ("dressed_ok", "yes i think", "yes"),
    ("dressed_ok", "definitely", "yes"),
    ("dressed_ok", "no", "no"),
    ("dressed_ok", "nope", "no"),
    ("dressed_ok", "nah", "no"),
    ("dressed_ok", "not really", "no"),
    ("dressed_ok", "Not really.", "no"),
    ("dressed_ok", "not at all", "no"),
    ("dressed_ok", "i don't think so", "no"),
    ("dressed_ok", "dont think so", "no"),
    ("dressed_ok", "1", "yes"),
    ("dressed_ok", "2", "no"),
    ("dressed_ok", "purple", "Problem:bad_yesno"),
]

DONT_KNOW = [  # "I don't know" where a question has an answer for it
    ("decision_expected", "idk", None),
    ("decision_expected", "no idea", None),
    ("decision_expected", "not sure", None),
    ("decision_expected", "dunno", None),
    ("decision_expected", "they didn't mention it", None),
    ("decision_expected", "They didn't say", None),
    ("decision_expected", "nope", "Problem:bad_date"),  # no means nothing here: asked again, with the options
    ("offer_deadline", "idk", None),
    ("offer_deadline", "no deadline", None),
    ("decision_expected", "next Friday", "2026-11-27"),
    # "Nothing really" to what could have gone better (or went well) is no answer, never a card line.
    ("could_be_better", "nothing really", None),
    ("could_be_better", "nah all good", None),
    ("could_be_better", "rambled a bit", "rambled a bit"),
    ("positives", "idk", None),
]

TIMES = [  # when it happened (at 15:10 on Thu 26 Nov, Berlin) and when they'll decide, as people say it
    ("interview_at", "at 10", "2026-11-26T09:00:00+00:00"),
    (
        "interview_at",
        "10",
        "2026-11-26T09:00:00+00:00",
    ),  # asked when, a bare number is an hour, never a month
    ("interview_at", "noon", "2026-11-26T11:00:00+00:00"),
    ("interview_at", "midday", "2026-11-26T11:00:00+00:00"),
    ("interview_at", "half past 2", "2026-11-26T13:30:00+00:00"),
    ("interview_at", "2:30", "2026-11-26T13:30:00+00:00"),  # no am or pm at an interview: the afternoon
    ("interview_at", "9:30", "2026-11-26T08:30:00+00:00"),
    ("interview_at", "this morning", "2026-11-26T08:00:00+00:00"),
    ("interview_at", "this morning at 10", "2026-11-26T09:00:00+00:00"),
    ("interview_at", "an hour ago", "2026-11-26T13:10:00+00:00"),
    ("interview_at", "yesterday at 3", "2026-11-25T14:00:00+00:00"),
    ("interview_at", "last tuesday at 11", "2026-11-24T10:00:00+00:00"),
    ("interview_at", "last tuesday", "2026-11-24T08:00:00+00:00"),  # a day alone: its morning, not midnight
    ("interview_at", "on monday", "2026-11-23T08:00:00+00:00"),
    ("interview_at", "it was at 10 this morning", "2026-11-26T09:00:00+00:00"),
    ("interview_at", "earlier today", "2026-11-26T14:10:00+00:00"),
    ("interview_at", "at 4", "Problem:date_future_interview"),
    # A time given roughly, as tired people type it: the hour itself.
    ("interview_at", "this morning 10ish", "2026-11-26T09:00:00+00:00"),
    ("interview_at", "10ish", "2026-11-26T09:00:00+00:00"),
    ("interview_at", "around 10", "2026-11-26T09:00:00+00:00"),
    ("interview_at", "abt 10 i think", "2026-11-26T09:00:00+00:00"),
    ("interview_at", "at around 2", "2026-11-26T13:00:00+00:00"),
    ("interview_at", "yesterday around 3ish", "2026-11-25T14:00:00+00:00"),
    ("interview_at", "this morning at 7", "2026-11-26T06:00:00+00:00"),  # the morning said: not 19:00
    ("decision_expected", "end of next week", "2026-12-04"),
    ("decision_expected", "Tom said they're hoping to decide by end of next week", "2026-12-04"),
    ("decision_expected", "they said maybe Dec 4 or so", "2026-12-04"),
    ("decision_expected", "in a couple of weeks", "2026-12-10"),
    ("decision_expected", "within 2 weeks", "2026-12-10"),
    ("decision_expected", "in a few days", "2026-11-29"),
    ("decision_expected", "early next month", "2026-12-05"),
    ("decision_expected", "mid december", "2026-12-15"),
    ("decision_expected", "4/12", "2026-12-04"),  # day first in Berlin
    ("decision_expected", "by friday", "2026-11-27"),
    ("decision_expected", "next monday", "2026-11-30"),
]

CORPUS = CHOOSING + YES_OR_NO + DONT_KNOW + TIMES


@pytest.mark.parametrize(("question", "typed", "expected"), CORPUS, ids=[f"{q}:{t}" for q, t, _ in CORPUS])
def test_everyday_answers_are_read_as_meant(question, typed, expected):
    assert reading(question, typed) == expected


def answers_of(chat: EngineChat) -> dict:
    [interview] = chat.memory.interviews.values()
    return interview.answers


LIST_ENDS = [
    "done",
    "Done.",
    "nah",
    "no",
    "nope",
    "none",
    "nothing else",
    "that's all",
    "thats it",
    "there weren't any",
    "there were none",
    "that's everyone",
    "that's all i remember",
    "nope thats it",
    "nah thats everyone i think",
    "no one else",
    "thats all of them",
    "no thats all",
]


@pytest.mark.parametrize("typed", LIST_ENDS)
def test_the_ways_people_end_a_list_end_it_and_are_never_stored_as_an_item(typed):
    chat = EngineChat()
    for line in ("hi", "Mercy General", "charge nurse", "Priya Natarajan"):
        chat.say(line)
    after = chat.say(typed)
    assert "When did the interview take place?" in after
    assert [loose(p["name"]) for p in answers_of(chat)["interviewers"]] == ["priya natarajan"]


def test_two_options_that_fit_equally_are_named_both_and_nothing_is_stored():
    chat = EngineChat()
    notes = (
        "How do you handle conflict?",
        "calmly",
        "nodded",
        "How do you handle an upset family?",
        "ok",
        "smiled",
    )
    start = ("hi", "Mercy General", "charge nurse", "done", "just now", "they didn't say", "email")
    for line in (*start, *notes, "done", "calm", "nothing", "4", "yes"):
        chat.say(line)
    reply = chat.say("the handle one")
    assert "Two of them fit: How do you handle conflict? and How do you handle an upset family?" in reply
    assert "answer_to_improve" not in answers_of(chat)
    chat.say("the family one")
    assert answers_of(chat)["answer_to_improve"] == "How do you handle an upset family?"


PEOPLE = [  # several people in one message, each email with its own person, a role kept apart
    ("Dana Lee", [("Dana Lee", None, None)]),
    ("Dana Lee dana@acme.com", [("Dana Lee", "dana@acme.com", None)]),
    ("dana@acme.com", [("Dana", "dana@acme.com", None)]),
    (
        "Dr. Priya Natarajan and Tom O'Brien",
        [("Dr. Priya Natarajan", None, None), ("Tom O'Brien", None, None)],
    ),
    ("priya natarajan & tom obrien", [("Priya Natarajan", None, None), ("Tom Obrien", None, None)]),
    (
        "dr. priya natarajan and tom o'brien",
        [("Dr. Priya Natarajan", None, None), ("Tom O'Brien", None, None)],
    ),
    ("Ann, Bob and Cy", [("Ann", None, None), ("Bob", None, None), ("Cy", None, None)]),
    (
        "Dana Lee dana@acme.com, Sam Ortiz sam@acme.com",
        [("Dana Lee", "dana@acme.com", None), ("Sam Ortiz", "sam@acme.com", None)],
    ),
    (
        "dana@acme.com and sam.ortiz@acme.com",
        [("Dana", "dana@acme.com", None), ("Sam Ortiz", "sam.ortiz@acme.com", None)],
    ),
    ("Tom O'Brien, head of data", [("Tom O'Brien", None, "head of data")]),
    ("Dana dana+jobs@acme.com & Sam", [("Dana", "dana+jobs@acme.com", None), ("Sam", None, None)]),
    (
        "Ms. Helen Park, principal and Raj from IT",
        [("Ms. Helen Park", None, "principal"), ("Raj from IT", None, None)],
    ),
    ("just me and the hiring manager", [(None, None, "hiring manager")]),
    ("Ms. Helen Park and the principal", [("Ms. Helen Park", None, None), (None, None, "principal")]),
    ("Tom O'Brien, the head of data", [("Tom O'Brien", None, "head of data")]),
    ("the principal", [(None, None, "principal")]),
    ("someone from hr", [(None, None, "someone from hr")]),
    ("nurse manager Jo Smith", [("nurse manager Jo Smith", None, None)]),
    ("Principal Skinner", [("Principal Skinner", None, None)]),
]


@pytest.mark.parametrize(("typed", "expected"), PEOPLE, ids=[t for t, _ in PEOPLE])
def test_people_named_together_are_read_one_by_one(typed, expected):
    result = reading_field("interviewers", typed)
    told = result if isinstance(result, list) else [result]
    assert [(p["name"], p["email"], p.get("role")) for p in told] == expected


NAMES = [  # titles kept and split from first and last names, for letters that address people by convention
    ("Dr. Priya Natarajan", ("Dr.", "Priya", "Natarajan")),
    ("Tom O'Brien", ("", "Tom", "O'Brien")),
    ("Ms. Helen Park", ("Ms.", "Helen", "Park")),
    ("Principal Skinner", ("Principal", "", "Skinner")),
    ("Prof. Ada Lovelace-King", ("Prof.", "Ada", "Lovelace-King")),
]


@pytest.mark.parametrize(("name", "parts"), NAMES, ids=[n for n, _ in NAMES])
def test_a_name_is_split_into_title_first_and_last(name, parts):
    got = name_parts(name)
    assert (got.title, got.first, got.last) == parts


def reading_field(question_id: str, text: str) -> object:
    flow = load_flow()
    field = flow.question(question_id).fields[0]
    result = parse_answer(field, text, options=[], words=flow.words, now=NOW, tz=BERLIN)
    assert isinstance(result, Parsed)
    return result.value


def test_several_interviewers_in_one_message_are_added_and_said_back_together():
    chat = EngineChat()
    for line in ("hi", "Mercy General", "charge nurse"):
        chat.say(line)
    reply = chat.say("Dr. Priya Natarajan priya@mercy.org and Tom O'Brien, head of nursing")
    assert "Added Dr. Priya Natarajan and Tom O'Brien. Anyone else?" in reply
    assert "Added the hiring manager." in chat.say("and the hiring manager")
    chat.say("done")
    assert answers_of(chat)["interviewers"] == [
        {"name": "Dr. Priya Natarajan", "email": "priya@mercy.org"},
        {"name": "Tom O'Brien", "email": None, "role": "head of nursing"},
        {"name": None, "email": None, "role": "hiring manager"},
    ]


def start_assessing(chat: Talking) -> None:
    for line in (
        "hi",
        "mercy general",
        "charge nurse",
        "done",
        "just now",
        "idk",
        "email",
        "done",
        "ok",
        "nothing",
    ):
        chat.say(line)
    chat.say("3")


def test_a_yes_or_no_with_a_detail_takes_the_answer_and_the_detail_answers_the_question_it_opens():
    chat = EngineChat()
    start_assessing(chat)
    for line in ("yes", "none", "done"):
        chat.say(line)
    reply = chat.say("not really, I wore a full suit and everyone else was in scrubs")
    assert (
        "Noted for What was off with the dress: “I wore a full suit and everyone else was in scrubs”" in reply
    )
    assert "What went well for you?" in reply  # the question the detail answered is not asked again
    answers = answers_of(chat)
    assert answers["dressed_ok"] == "no"
    assert answers["dress_issue"] == "I wore a full suit and everyone else was in scrubs"


def test_a_detail_that_answers_no_question_is_kept_with_its_answer_and_exported(service):
    chat = Chat(service)
    start_assessing(chat)
    reply = chat.say("I think so, she smiled a lot")
    assert "Which of your answers could have been better?" in reply
    chat.say("export")
    [attachment] = [r.attachment for r in chat.replies if r.attachment]
    assert "Yes — she smiled a lot" in attachment.body


def test_a_short_date_is_read_the_way_the_persons_part_of_the_world_writes_it():
    later = {"now": NOW, "prefer": "future"}
    assert dates.parse_day("4/12", tz=dates.zone("Europe/Berlin"), **later) == date(2026, 12, 4)
    assert dates.parse_day("4/12", tz=dates.zone("America/New_York"), **later) == date(2027, 4, 12)
    assert dates.parse_day("4/12", tz=dates.zone("America/Sao_Paulo"), **later) == date(2026, 12, 4)


ANNOUNCED = [  # an interview still to come, in any word order (on Thu 26 Nov at 15:10, Berlin)
    ("interview tomorrow with ACME", ("ACME", "Fri 27 Nov, 09:00", None)),  # a day alone: its morning
    ("interview ACME tomorrow 3-4pm", ("ACME", "Fri 27 Nov, 15:00", "Fri 27 Nov, 16:00")),
    ("I have an interview with Globex on Friday at 10", ("Globex", "Fri 27 Nov, 10:00", None)),
    ("I've got an interview at Mercy General tomorrow at 9:30", ("Mercy General", "Fri 27 Nov, 09:30", None)),
    ("second round at Initech next Tue 2-3pm", ("Initech", "Tue 1 Dec, 14:00", "Tue 1 Dec, 15:00")),
    ("got an interview w/ lakeside on monday 2pm", ("lakeside", "Mon 30 Nov, 14:00", None)),
    ("interview with st. mary's hospital on dec 3 at 11", ("st. mary's hospital", "Thu 3 Dec, 11:00", None)),
    ("Interview with ACME. Tomorrow at 10", ("ACME", "Fri 27 Nov, 10:00", None)),
    ("interview ACME tomorrow afternoon", ("ACME", "Fri 27 Nov, 15:00", None)),
    ("my final interview is at Umbrella on Monday at 2", ("Umbrella", "Mon 30 Nov, 14:00", None)),
    ("I had an interview at ACME yesterday", None),  # that one is to debrief, not to come
    ("I just had an interview at ACME for the designer role", None),
    ("interview tomorrow", None),  # no company: asked how
]


@pytest.mark.parametrize(("typed", "expected"), ANNOUNCED, ids=[t for t, _ in ANNOUNCED])
def test_an_interview_to_come_is_read_in_any_word_order(typed, expected):
    announced = read_announcement(typed, now=NOW, tz=BERLIN)
    got = announced and (
        announced.company,
        dates.show_moment(announced.start, BERLIN),
        announced.end and dates.show_moment(announced.end, BERLIN),
    )
    assert got == expected


def test_an_interview_to_come_told_in_a_sentence_is_kept_for_later_not_debriefed_now():
    chat = EngineChat()
    reply = chat.say("I've got an interview at Mercy General tomorrow at 9:30")
    assert "Noted: Mercy General, Fri 27 Nov, 09:30" in reply
    [interview] = chat.memory.interviews.values()
    assert interview.status == "upcoming" and interview.answers["company"] == "Mercy General"


def test_a_nameless_interviewer_is_addressed_by_their_role_where_it_is_a_title():
    chat = EngineChat()
    for line in (
        "hi",
        "Lincoln Elementary",
        "teacher",
        "Ms. Helen Park and the principal",
        "and someone from hr",
    ):
        chat.say(line)
    letters = thank_you_letters(answers_of(chat), sender="Maya", tz=BERLIN)
    assert [letter.to_name for letter in letters] == ["Ms. Helen Park", "Principal", "Hiring Team"]
    assert "Dear Principal," in letters[1].body


NEWS = [  # news told in a message: what happened, and the figure it brings
    ("they said no :(", "rejected", None),
    ("they went with someone else", "rejected", None),
    ("They went with another candidate.", "rejected", None),
    ("didn't get it", "rejected", None),
    ("didnt get the job 😞", "rejected", None),
    ("unfortunately they decided not to move forward", "rejected", None),
    ("got the rejection email this morning", "rejected", None),
    ("the position has been filled", "rejected", None),
    ("it's a no from mercy", "rejected", None),
    ("I got an offer from lakeside", "offer", None),
    ("Lakeside called back, offered me $50/hr!", "offer", "$50/hr"),
    ("they offered me 85k", "offer", "85k"),
    ("got the offer: €60,000 a year", "offer", "€60,000 a year"),
    ("I GOT THE JOB!!!", "offer", None),
    ("they want to hire me at 31 an hour", "offer", "31 an hour"),
    ("they came back with 92k", "revised", "92k"),
    ("they raised it to £48k", "revised", "£48k"),
    ("they came back with some questions", None, None),
    ("second round next tuesday", "second", None),
    ("they want to see me again!", "second", None),
    ("they offered me a second interview", "second", None),
    ("invited back for a final round", "second", None),
    ("I accepted Riverside!", "accepted", None),
    ("I took the job", "accepted", None),
    ("accepted the offer at 88k", "accepted", "88k"),
    ("i said no to them", "declined", None),
    ("I turned down the offer", "declined", None),
    ("no news yet", "not_yet", None),
    ("still waiting 😩", "not_yet", None),
    ("nothing yet", "not_yet", None),
    ("the interview went well", None, None),
    ("hi", None, None),
]


@pytest.mark.parametrize(("typed", "news", "pay"), NEWS, ids=[t for t, _, _ in NEWS])
def test_news_told_in_plain_words_is_read(typed, news, pay):
    told = read_news(typed, load_flow().words)
    assert (told and told.news, told and told.pay) == (news, pay)


COMPANIES = {"m": "Mercy General Hospital", "l": "Lakeside Clinic", "r": "Riverside Elementary", "a": "ACME"}
NAMED = [  # which interview a message names: its whole name, a distinctive word, a typo; never a common word
    ("mercy said no", ["m"]),
    ("Mercy General Hospital went with someone else", ["m"]),
    ("lakesid offered me 50/hr", ["l"]),
    ("lakeside's offer came in", ["l"]),
    ("I accepted riverside!", ["r"]),
    ("acme!!! offered me the job", ["a"]),
    ("the hospital called, they said no", []),
    ("the school offered me the job", []),
    ("they said no", []),
]


@pytest.mark.parametrize(("typed", "ids"), NAMED, ids=[t for t, _ in NAMED])
def test_the_interview_news_is_about_is_found_by_its_name(typed, ids):
    assert best_named(COMPANIES, typed, load_flow().words["company_generic"]) == ids


UNKNOWN = [  # a company with no debrief yet, named in news: kept as a new interview
    ("I got an offer from Initech yesterday!", "Initech"),
    ("Lakeside called back, offered me $50/hr!", "Lakeside"),
    ("omg st. mary's just called, they want to hire me", "st. mary's"),
    ("an offer from St. Mary's Hospital", "St. Mary's Hospital"),
    ("got an offer from them!!", None),
    ("the hospital called, they want to hire me", None),
    ("they went with someone else", None),
]


@pytest.mark.parametrize(("typed", "company"), UNKNOWN, ids=[t for t, _ in UNKNOWN])
def test_a_company_named_in_news_is_read_without_the_words_around_it(typed, company):
    assert named_company(typed, load_flow().words) == company


LONG = [  # long answers shown in a line: summed up by a sentence or cut after a whole word
    "I talked about the time we were two nurses short on nights and how I rearranged the assignments",
    "We covered staffing first. Then she asked about my plan for retention and I rambled for ages",
    "Mrs. O'Neill's class—the one with the 32 kids—was the example I used for behaviour management",
    "naïve café résumé piñata jalapeño crème brûlée façade déjà vu über coöperate",
    "短い答えではなく、とても長い答えを書きました。それは面接の後すぐです。",
]


@pytest.mark.parametrize("text", LONG)
@pytest.mark.parametrize("limit", [20, 40, 60])
def test_a_long_answer_is_summed_up_never_cut_mid_word(text, limit):
    from bot.answers import short

    shown = short(text, limit)
    if len(text) <= limit:
        assert shown == text
        return
    assert len(shown) <= limit and shown.endswith("…")
    kept = shown.removesuffix("…").removesuffix(" ").rstrip()
    assert text.startswith(kept)
    rest = text[len(kept) :]
    assert (
        " " not in text[:limit]
        or rest[:1] in (" ", "", ",", ";", ":", "—", "-")
        or kept.endswith((".", "!", "?"))
    )


BOTH_WAYS = [("4/12", "4/12"), ("decide by 4/12 i think", "4/12"), ("12/4", "12/4"), ("13/4", None),
             ("4/4", None), ("4/12/2026", None), ("2.5", "2.5"), ("25/12", None), ("next friday", None)]  # fmt: skip


@pytest.mark.parametrize(("typed", "found"), BOTH_WAYS, ids=[t for t, _ in BOTH_WAYS])
def test_a_short_date_that_reads_two_ways_is_spotted_to_be_said_back(typed, found):
    assert dates.reads_both_ways(typed) == found


@pytest.mark.parametrize(
    ("today", "typed", "day"),
    [
        (date(2026, 12, 6), "end of next week", date(2026, 12, 11)),  # a Sunday: next week starts tomorrow
        (date(2026, 12, 6), "end of the week", date(2026, 12, 11)),  # this week is over: the coming Friday
        (date(2026, 12, 5), "end of next week", date(2026, 12, 11)),  # a Saturday
        (date(2026, 12, 7), "end of next week", date(2026, 12, 18)),  # a Monday
        (date(2026, 12, 7), "end of this week", date(2026, 12, 11)),
    ],
)
def test_weeks_run_monday_to_sunday(today, typed, day):
    noon = datetime(today.year, today.month, today.day, 12, tzinfo=BERLIN)
    assert dates.parse_day(typed, now=noon, tz=BERLIN, prefer="future") == day


PAY = [  # pay as typed, per year, so offers compare; time off in days
    ("$21/hr", 43680.0),
    ("50 an hour", 104000.0),
    ("3,500 a month", 42000.0),
    ("85k", 85000.0),
    ("€60,000 a year", 60000.0),
    ("900 per week", 46800.0),
]


@pytest.mark.parametrize(("typed", "per_year"), PAY, ids=[t for t, _ in PAY])
def test_pay_is_compared_per_year(typed, per_year):
    from bot.money import yearly

    assert yearly(typed) == per_year


@pytest.mark.parametrize(
    ("typed", "days"),
    [("25 days vacation", 25), ("3 weeks pto", 15), ("10 days pto, 401k", 10), ("remote fridays", None)],
)
def test_time_off_is_counted_in_days(typed, days):
    from bot.money import days_off

    assert days_off(typed) == days


FEELINGS = [  # how a feeling is heard, for the few words that reflect it: low, high, both, or nothing
    ("gutted tbh", "low"),
    ("honestly gutted", "low"),
    ("not great", "low"),
    ("not bad", "high"),
    ("good, felt confident", "high"),
    ("nervous at first but ok by the end", "mixed"),
    ("i bombed it but the people were great", "mixed"),
    ("meh", None),
    ("it was an interview", None),
]


@pytest.mark.parametrize(("typed", "tone"), FEELINGS, ids=[t for t, _ in FEELINGS])
def test_a_feeling_is_heard_as_low_high_or_mixed(typed, tone):
    words = load_flow().words
    assert tone_of(loose(typed), words["tone_low"], words["tone_high"]) == tone
