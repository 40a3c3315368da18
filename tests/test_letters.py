"""Thank-you letters written for one reader: salutation by convention, the person's notes in the
letter's voice, sentences of its own for each reader of a panel, 100-180 words whatever was typed."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import dates, voice
from bot.letters import salutation, thank_you_letters

BERLIN = dates.zone("Europe/Berlin")


def nurse(**changes: object) -> dict:
    answers = {
        "company": "mercy general",
        "role": "charge nurse",
        "interview_at": "2026-12-06T10:00:00+00:00",
        "interviewers": [
            {"name": "Dr. Priya Natarajan", "email": None},
            {"name": "Tom O'Brien", "email": None},
        ],
        "letter_topic": {"0": "her plan to improve nurse retention", "1": "the night shift rota"},
        "answer_to_improve": "what would u do if u were 2 RNs short on nights",
        "improve_how": "id say id also escalate to the house supervisor straight away",
    }
    return {**answers, **changes}


@pytest.mark.parametrize(
    ("name", "greeting"),
    [
        ("Dr. Priya Natarajan", "Dr. Natarajan"),
        ("Ms. Helen Park", "Ms. Park"),
        ("Mr Smith", "Mr Smith"),
        ("Tom O'Brien", "Tom"),
        ("Tom", "Tom"),
        ("Principal", "Principal"),
        ("Hiring Team", "Hiring Team"),
        ("Jean de la Fontaine", "Jean"),
    ],
)
def test_a_reader_is_greeted_by_convention_never_title_first_and_last(name, greeting):
    assert salutation(name) == greeting


@pytest.mark.parametrize(
    ("notes", "letter"),
    [
        ("her plan to improve nurse retention", "your plan to improve nurse retention"),
        ("his vision for the new ward", "your vision for the new ward"),
        ("what she said about ratios", "what you said about ratios"),
        ("she wants more nurses on nights", "you want more nurses on nights"),
        ("their phonics programme", "your phonics programme"),
        ("the time I talked with her about the rota", "the time I talked with you about the rota"),
        ("he is rebuilding the team", "you are rebuilding the team"),
        ("the night shift rota", "the night shift rota"),
    ],
)
def test_the_reader_is_written_to_in_the_second_person(notes, letter):
    assert voice.to_the_reader(notes) == letter


def test_the_readers_own_name_in_a_topic_becomes_your():
    """Noted as "tom's question about night shifts", the letter to Tom says "your question"."""
    _, tom = thank_you_letters(
        nurse(
            letter_topic={
                "0": "her plan to improve nurse retention",
                "1": "tom's question about night shifts",
            }
        ),
        sender="Maya Rivera",
        tz=BERLIN,
    )
    assert "your question about night shifts" in tom.body and "tom's" not in tom.body.casefold()


def test_the_nurses_letters_read_as_written_for_each_reader():
    priya, tom = thank_you_letters(nurse(), sender="Maya Rivera", tz=BERLIN)
    assert priya.body.startswith("Dear Dr. Natarajan,") and tom.body.startswith("Dear Tom,")
    assert "your plan to improve nurse retention" in priya.body and "her plan" not in priya.body
    assert "Mercy General" in priya.body and "mercy general" not in priya.body
    assert priya.subject == "Thank you: Charge Nurse interview"
    # The correction is one sentence in the letter's voice: shorthand written out, the question whole.
    assert "“What would you do if you were 2 RNs short on nights?”" in priya.body
    assert re.search(r"I would (also )?escalate to the house supervisor straight away\.", priya.body)
    assert " u " not in priya.body and "id say" not in priya.body.casefold()


FOLLOW_UPS = [
    {"question": "would u float to ICU", "hint": "interest", "looking_for": "idk"},
    {
        "question": "how long have u been a charge nurse",
        "hint": "concern",
        "looking_for": "i think they wanted to know if id done it on nights w/o a supervisor",
    },
]


def test_what_they_wanted_to_know_becomes_an_offer_to_say_more_when_nothing_is_corrected():
    priya, tom = thank_you_letters(
        nurse(answer_to_improve="none", improve_how=None, follow_ups=FOLLOW_UPS), sender="Maya", tz=BERLIN
    )
    for letter in (priya, tom):
        # The concern's question first, their own note written out: lead-ins gone, "if" is "whether".
        assert "“How long have you been a charge nurse?”" in letter.body
        assert "say more about whether I had done it on nights without a supervisor." in letter.body
        assert "ICU" not in letter.body and "wanted to know" not in letter.body


def test_a_corrected_answer_takes_the_place_of_the_offer_to_say_more():
    [letter] = thank_you_letters(
        nurse(interviewers=[{"name": "Tom", "email": None}], follow_ups=FOLLOW_UPS), sender="Maya", tz=BERLIN
    )
    assert "escalate to the house supervisor" in letter.body and "say more" not in letter.body


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("what would u do w/o 2 RNs b4 nights", "what would you do without 2 RNs before nights"),
        ("id done nights b/c of cover", "I had done nights because of cover"),
        ("i think id say no", "I think I would say no"),
        ("ill send it tonight", "I will send it tonight"),
        ("bring my photo id", "bring my photo id"),  # a word, not shorthand
        ("my mum was ill that week", "my mum was ill that week"),
        ("ID badge and DBS", "ID badge and DBS"),
    ],
)
def test_phone_shorthand_is_written_out_and_words_that_look_like_it_are_kept(typed, written):
    from bot.flow import load_flow
    from bot.letters import _shorthand

    assert voice.written_out(typed, _shorthand(load_flow())) == written


def test_a_topic_first_given_for_someone_else_names_them():
    _, tom = thank_you_letters(
        nurse(
            letter_topic={
                "0": "her plan to improve nurse retention",
                "1": "her plan to improve nurse retention",
            }
        ),
        sender="Maya",
        tz=BERLIN,
    )
    assert "Dr. Natarajan's plan to improve nurse retention" in tom.body and "your plan" not in tom.body


def sentences(text: str) -> set[str]:
    body = text.split("\n", 1)[1].rsplit("\n", 2)[0]  # without the greeting, sign-off and name
    return {s.strip() for s in re.split(r"(?<=[.!?])\s+", body) if s.strip()}


def test_letters_to_one_panel_share_few_sentences():
    panel = [{"name": n, "email": None} for n in ("Sam Ortiz", "Priya Nair", "Dana Lee", "Ms. Kim")]
    letters = thank_you_letters(
        nurse(interviewers=panel, letter_topic={"0": "the data warehouse", "1": "same", "2": "x", "3": "y"}),
        sender="Maya",
        tz=BERLIN,
    )
    for at, one in enumerate(letters):
        for other in letters[at + 1 :]:
            shared = sentences(one.body) & sentences(other.body)
            # The corrected answer itself is the person's one shared point; nothing else repeats.
            assert len(shared) <= 1, shared


words = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "Zs", "P")), min_size=0, max_size=400
).map(lambda s: " ".join(s.split()))
person = st.fixed_dictionaries(
    {
        "name": st.one_of(
            st.just(""), words, st.sampled_from(["Dr. Priya Natarajan", "tom o'brien", "Ms. Park"])
        )
    }
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    company=words,
    role=words,
    people=st.lists(person, min_size=0, max_size=4),
    topics=st.lists(words, max_size=4),
    improve=st.one_of(st.none(), words),
    how=st.one_of(st.none(), words),
    wanted=st.one_of(st.none(), words),
    sender=st.one_of(st.none(), st.text(min_size=1, max_size=100).map(lambda s: " ".join(s.split()) or "M")),
)
def test_every_letter_is_100_to_180_words_and_never_cut_mid_word(
    company, role, people, topics, improve, how, wanted, sender
):
    answers = nurse(
        company=company,
        role=role,
        interviewers=people,
        letter_topic={str(i): t for i, t in enumerate(topics)},
        answer_to_improve=improve,
        improve_how=how,
        follow_ups=[{"question": improve or "why us", "hint": "concern", "looking_for": wanted}],
    )
    names = [p["name"] for p in people]
    typed = set(" ".join(filter(None, [company, role, improve, how, wanted, *topics, *names])).split())
    for letter in thank_you_letters(answers, sender=sender, tz=BERLIN):
        body = letter.body
        count = len(body.split()) - len((sender or "").split())  # the signature is the person's own
        assert 100 <= count <= 180, body
        assert "None" not in body or "none" in {t.casefold().strip(".,") for t in typed}  # their own word
        for token in re.findall(r"(\S+)…", body):  # what is cut is cut after a whole word
            token = token.strip("“”\"'(")
            assert token in typed or not any(t.startswith(token) for t in typed), token


def test_a_topic_noted_as_we_talked_about_reads_as_a_topic():
    [letter] = thank_you_letters(
        nurse(
            interviewers=[{"name": "Helen Park", "email": None}],
            letter_topic={"0": "we talked about her phonics programme"},
        ),
        sender="Maya",
        tz=BERLIN,
    )
    assert "your phonics programme" in letter.body and "talked about we" not in letter.body


def test_a_name_with_a_backslash_is_only_a_character():
    people = [{"name": "Dr. A\\1 Natarajan", "email": None}, {"name": "Tom", "email": None}]
    _, tom = thank_you_letters(
        nurse(interviewers=people, letter_topic={"0": "her plan", "1": "her plan"}), sender="Maya", tz=BERLIN
    )
    assert "Dr. Natarajan's plan" in tom.body  # the name's backslash never reaches a regex replacement


@pytest.mark.parametrize("topics", [{}, {"0": "her plan to improve nurse retention"}, {"0": "word " * 80}])
@pytest.mark.parametrize("people", [[], [{"name": "Dr. Priya Natarajan", "email": None}]])
def test_the_thank_you_after_a_second_interview_is_100_to_180_words(topics, people):
    from bot.letters import second_thank_you

    letter = second_thank_you(nurse(interviewers=people, letter_topic=topics), sender="Maya Rivera")
    assert 100 <= len(letter.split()) <= 180, letter
    assert letter.startswith("Dear Dr. Natarajan," if people else "Dear Hiring Team,")


def test_an_answer_that_names_what_was_left_out_reads_as_what_should_have_been_mentioned():
    [letter] = thank_you_letters(
        nurse(
            interviewers=[{"name": "Ms. Helen Park", "email": None}],
            answer_to_improve="how do u handle disruptive students",
            improve_how="id also mention how i loop in parents early",
        ),
        sender="Maya",
        tz=BERLIN,
    )
    assert re.search(r"I should (also )?have mentioned how I loop in parents early\.", letter.body)
    assert "I would also mention" not in letter.body


def test_the_card_says_the_persons_own_notes_back_to_them():
    from bot.letters import debrief_summary

    card = debrief_summary(
        nurse(
            positives="my phonics answer, i had real examples",
            could_be_better="i rambled when they asked about assessment data",
        ),
        title="Your debrief",
    )
    assert "Your phonics answer, you had real examples." in card
    assert "You rambled when they asked about assessment data." in card
    # What they would say now is their own sentence, so it stays in their voice.
    assert "This time: I would also escalate to the house supervisor" in card


def test_a_counter_offer_argues_from_an_answer_they_liked_never_the_one_to_improve():
    from bot.letters import negotiation_letter

    questions = [
        {"question": "how do u handle disruptive students", "reaction": "she smiled and wrote notes"},
        {"question": "how would you teach phonics", "reaction": "the principal nodded"},
    ]
    counter = negotiation_letter(
        nurse(
            questions=questions,
            answer_to_improve="how do u handle disruptive students",
            offer_target="44,000",
        ),
        sender="Maya",
    )
    assert "“How would you teach phonics?”" in counter and "disruptive" not in counter
    assert "closer to 44,000" in counter


def test_the_prep_sheet_puts_the_fields_own_practice_first_and_skips_what_was_asked():
    from bot.letters import prep_sheet

    sheet = prep_sheet(
        nurse(
            questions=[{"question": "how do you use assessment data to plan your teaching"}],
            recurring="behaviour management, every school asks",
        ),
        when=None,
        practice=(
            "How do you adapt a lesson for a mixed-ability class?",
            "How do you use assessment data to plan your teaching?",
            "Tell me about yourself, in two minutes.",
        ),
    )
    practise = sheet.split("**Practise out loud**", 1)[1].split("**", 1)[0]
    assert practise.strip().splitlines() == [
        "• How do you adapt a lesson for a mixed-ability class?",
        "• Tell me about yourself, in two minutes.",
    ]
    # Every heading stands apart from the section above it.
    assert re.findall(r"[^\n]\n\*\*", sheet) == []


def test_also_is_said_once_when_the_bank_sentence_already_says_it():
    panel = [{"name": n, "email": None} for n in ("Sam Ortiz", "Priya Nair", "Dana Lee", "Ms. Kim")]
    letters = thank_you_letters(nurse(interviewers=panel), sender="Maya", tz=BERLIN)
    lines = [line for letter in letters for line in letter.body.splitlines() if "house supervisor" in line]
    assert any("I also wanted to add" in line for line in lines)  # the bank's sentence that says it
    for line in lines:
        assert len(re.findall(r"\balso\b", line)) == 1, line
