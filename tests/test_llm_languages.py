"""The LLM path in the question's language: the prompt names the language and gives the translated answer lines,
citations in the language's own labels are verified, and the abstention sentence is the language's. Over the
fake search of tests/fakes.py and langchain's fake chat model: no model, no index."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel

from assistant.answering import Answerer
from assistant.knowledge import KnowledgeBase
from assistant.llm import ChatBackend, build_messages
from assistant.settings import PROJECT_ROOT, AnswerSettings
from assistant.translations import Language, check_language
from tests.fakes import PASSAGES, FakeSearch

# Questions that share words with the fake passages (English), so that the fake search finds art. 42.
QUESTION = {
    "ru": "Требуется ли dual criminality для preservation of stored data?",
    "zh": "preservation of stored data 是否需要 dual criminality？",
}
TRANSLATED = {
    "ru": "Нет. Двойная криминальность не является условием сохранения данных.",
    "zh": "否。保全不以双重犯罪为条件。",
}


@cache
def _language(code: str) -> Language:
    """The language's words, fixed sentences and titles, with a translation of one fake answer line."""
    language, _ = check_language(code, KnowledgeBase((), ()), PROJECT_ROOT / "knowledge", PROJECT_ROOT / "prompts")
    return replace(language, lines={"42:1": TRANSLATED[code]})


def _answer(code: str, reply: str):
    backend = ChatBackend("fake", GenericFakeChatModel(messages=iter([reply])), "memory")
    return Answerer(FakeSearch(), AnswerSettings(), backend, language=_language(code)).answer(QUESTION[code])


def test_the_prompt_names_the_language_and_gives_translated_lines_and_labels():
    russian = _language("ru")
    lines = [p for p in PASSAGES if p.kind == "answer"]
    (_, system), (_, human) = build_messages(QUESTION["ru"], [*lines, PASSAGES[1]], russian)
    assert "Write the whole answer in Russian" in system and "Answer in Russian" in human
    title = russian.title(42, "")  # our Russian title of art. 42
    assert title and f"[1] [ст. 42] {title} (answer line, written for the question" in system
    assert TRANSLATED["ru"] in system and lines[0].text not in system  # the line as translated ...
    assert lines[1].text in system  # ... and an untranslated one in English
    assert 'Start it with "Да." or "Нет." only when' in system and "for example [ст. 42] or [ст. 65(1)]" in system
    assert f"nothing else: {russian.message('not_covered')}" in system
    assert "{" not in system and "{" not in human  # every placeholder filled


def test_a_russian_reply_with_russian_labels_is_verified_and_kept():
    reply = (
        "Нет. Двойная криминальность не требуется для сохранения данных. [ст. 42]\n"
        "- Сохранение длится не менее 60 дней. [ст. 42]"
    )
    answer = _answer("ru", reply)
    assert answer.kind == "answered" and answer.backend == "fake" and answer.language == "ru"
    assert answer.text == reply and not answer.notes  # the leading "Нет." stays with its sentence
    assert [(c.article, c.label) for c in answer.citations] == [(42, "ст. 42")]
    assert answer.as_json()["citations"][0]["label"] == "ст. 42"


def test_sentences_citing_an_article_not_retrieved_or_nothing_are_removed_in_russian():
    russian = _language("ru")
    reply = "Сохранение возможно. [ст. 42] Пошлина составляет 100 евро. [ст. 61] Это всё."
    answer = _answer("ru", reply)
    assert "[ст. 61]" not in answer.text and "Это всё" not in answer.text
    assert answer.notes == (russian.message("llm_unsupported", count=1), russian.message("llm_uncited", count=1))
    assert [c.article for c in answer.citations] == [42]


def test_a_chinese_reply_is_split_into_sentences_without_spaces():
    answer = _answer("zh", "保全不要求双重犯罪[第42条]。费用为100欧元[第61条]。这是全部。")
    assert answer.kind == "answered" and answer.text.startswith("保全不要求双重犯罪[第42条]。")
    assert "第61条" not in answer.text and "这是全部" not in answer.text
    assert [(c.article, c.label) for c in answer.citations] == [(42, "第42条")]


@pytest.mark.parametrize("code", ["ru", "zh"])
def test_an_english_label_in_another_language_is_read_and_shown_localized(code):
    answer = _answer(code, f"{TRANSLATED[code]} [Art. 42]")
    assert [c.label for c in answer.citations] == [_language(code).label(42)]


def test_the_abstention_sentence_of_the_language_is_respected():
    answer = _answer("ru", _language("ru").message("not_covered"))
    assert answer.abstained and answer.language == "ru"
