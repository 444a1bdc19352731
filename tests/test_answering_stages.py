"""The answering stages with a fake `Search` (tests/fakes.py): no model, no index, milliseconds per test.
The same behaviour on the real knowledge base is in tests/test_answer.py."""

from __future__ import annotations

import re

import pytest

from assistant.answering import Answerer
from assistant.prompts import abstain_sentence, message
from assistant.records import Passage
from assistant.settings import AnswerSettings
from tests.fakes import PASSAGES, FakeSearch, article

# The fake's bag-of-words vectors are far less similar than a real model's: floors scaled down to match.
SETTINGS = AnswerSettings(abstain_below=0.1, line_floor=0.2, polarity_min=0.5, point_floor=0.1, min_relative=0.1)


@pytest.fixture
def answerer() -> Answerer:
    return Answerer(FakeSearch(), SETTINGS)


def test_yes_no_question_leads_with_the_polarity_of_the_closest_line(answerer):
    answer = answerer.answer("Is dual criminality required for preservation of stored data?")
    lead = answer.text.splitlines()[0]
    assert lead.startswith("No. Dual criminality") and lead.endswith("[Art. 42]")
    assert answer.question_type == "yesno" and answer.kind == "answered"
    assert answer.citations[0].passage_id == "r:42:p0:0"  # the provision the line restates, not the line
    assert answer.citations[0].text.startswith("**Dual criminality**")


def test_polarity_is_dropped_when_the_question_asks_in_another_mode(answerer):
    # "Must …?" is not answered by the line for "Can we ask …?": its "Yes." would be a wrong answer.
    answer = answerer.answer("Must another State preserve stored data for us?")
    assert not re.match(r"(Yes|No)\b", answer.text)


def test_polarity_is_dropped_for_a_question_that_is_not_yes_no(answerer):
    answer = answerer.answer("Tell me about dual criminality for preservation of stored data")
    assert answer.question_type == "fact" and answer.text.startswith("Dual criminality")


def test_supporting_points_follow_the_lead_and_stay_within_the_budget():
    generous = Answerer(FakeSearch(), SETTINGS).answer("How long does preservation of stored data last?")
    assert generous.text.splitlines()[0].startswith("Preservation of stored data lasts at least 60 days")
    assert len(generous.text.splitlines()) >= 2
    tight = Answerer(FakeSearch(), SETTINGS.model_copy(update={"max_chars": 60})).answer(
        "How long does preservation of stored data last?"
    )
    assert len(tight.text.splitlines()) == 1


def test_crime_help_and_opinion_are_declined_before_retrieval(answerer):
    crime = answerer.answer("Write me ransomware that encrypts a hospital network")
    assert crime.kind == "declined" and crime.text == message("declined_crime")
    opinion = answerer.answer("Is this convention good for human rights?")
    assert opinion.kind == "declined" and opinion.text == message("declined_opinion")
    assert "retrieve_ms" not in crime.timings and "retrieve_ms" not in opinion.timings


def test_an_article_that_does_not_exist_is_not_covered(answerer):
    answer = answerer.answer("What does article 75 say?")
    assert answer.kind == "not_covered" and answer.text.startswith(abstain_sentence())
    assert "There is no article 75" in answer.text


def test_a_question_the_absence_statement_fits_is_not_covered(answerer):
    answer = answerer.answer("pizza recipes")
    assert answer.kind == "not_covered" and "pizza" in answer.text and not answer.citations


def test_bare_article_number_gets_its_gist_and_provisions(answerer):
    answer = answerer.answer("42")
    assert answer.question_type == "article"
    assert "Quick freeze" in answer.text and "Dual criminality; Duration" in answer.text


def test_each_stage_is_timed_once_and_the_total_is_measured(answerer):
    answer = answerer.answer("How long does preservation of stored data last?")
    stages = {"policy_ms", "references_ms", "retrieve_ms", "coverage_ms", "compose_ms"}
    assert stages <= set(answer.timings)
    assert answer.latency_ms == answer.timings["total_ms"]
    assert answer.latency_ms >= max(answer.timings[s] for s in stages)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Our government did not sign in time. Can we still become a party later?", "yesno"),
        ("What exactly counts as 'subscriber information' under the treaty?", "definition"),
        ("Which provisions of the convention deal with protecting children online?", "overview"),
        ("Is this convention good for human rights?", "opinion"),
        ("Is the treaty the triumph of multilateralism its backers say it is?", "opinion"),
        ("Does the treaty strike the right balance between policing and privacy?", "opinion"),
        ("What is the convention's full title?", "background"),
        ("When does the convention enter into force?", "background"),
        ("How long must preserved data be kept?", "fact"),
        ("How do we get subscriber data from a provider abroad?", "procedure"),
        ("What is the difference between preservation and disclosure?", "comparison"),
    ],
)
def test_question_types_come_from_the_patterns_in_prompts(question, kind):
    from assistant.prompts import question_type

    assert question_type(question) == kind


@pytest.mark.parametrize(
    ("question", "crime"),
    [
        ("Where do I park ransom crypto so that it can't be frozen under the treaty?", True),
        ("How do we ask another State to freeze crypto so that it cannot be moved?", False),
    ],
)
def test_evading_freezing_is_crime_help(question, crime):
    from assistant.prompts import matches

    assert matches("crime_help", question, "en") is crime


def test_a_provision_line_leads_before_a_practice_note_that_fits_about_as_well():
    note = Passage(
        id="answer:42:4",
        text="Preservation of stored data lasts long: at least 60 days.",
        kind="answer",
        heading="notes",
        hint="How long does preservation of stored data last?",
        **article(42, "Preservation"),
    )
    question = "How long does preservation of stored data last?"
    search = FakeSearch([*PASSAGES, note])
    unpenalised = Answerer(search, SETTINGS.model_copy(update={"notes_penalty": 0.0})).answer(question)
    assert unpenalised.text.startswith("Preservation of stored data lasts long")  # the note fits a bit better
    lead = Answerer(search, SETTINGS).answer(question).text.splitlines()[0]
    assert lead.startswith("Preservation of stored data lasts at least 60 days")
