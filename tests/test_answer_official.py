"""Answers quote the official text in their own language where the user has ingested it: over the tiny
knowledge base, a numpy index and a fake embedder, with made-up "official" wording of art. 42 in English and
French (our own words, not the authentic text)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from assistant.answering import Answerer
from assistant.chunking import ingested_language
from assistant.knowledge import KnowledgeBase, load_knowledge
from assistant.records import Article, Paragraph
from assistant.retrieve import HybridRetriever
from assistant.settings import PROJECT_ROOT, AnswerSettings
from assistant.translations import Language, check_language
from tests.fakes import FakeEmbedder, numpy_retriever

WORDING = {
    "en": ("Preservation of stored data", "A State may ask another State to keep stored data quickly and safely."),
    "fr": (
        "Conservation des données stockées",
        "Un État peut demander à un autre État de conserver rapidement les données stockées sur son territoire.",
    ),
}


def _official(lang: str) -> Article:
    title, text = WORDING[lang]
    return Article(
        number=42,
        title=title,
        chapter="V",
        paragraphs=(Paragraph(number="1", heading="1", text=text),),
        confidence="high",
        source="official",
        language=lang,
    )


@cache
def _language(code: str) -> Language:
    # The words, fixed sentences and titles of the language; its answer lines need the real knowledge base.
    language, _ = check_language(code, KnowledgeBase((), ()), PROJECT_ROOT / "knowledge", PROJECT_ROOT / "prompts")
    return language


@pytest.fixture
def retriever(tiny_knowledge: Path) -> HybridRetriever:
    kb = load_knowledge(tiny_knowledge)
    articles = [_official("en"), _official("fr"), *kb.articles]
    return numpy_retriever(articles, kb.guidance, kb.answers)


def _in(retriever: HybridRetriever, code: str) -> HybridRetriever:
    return retriever.localized(code, FakeEmbedder(), lambda query: [], lambda query: [], 0.5)


def test_each_language_quotes_its_own_official_text_else_the_english_one(retriever):
    def languages(search: HybridRetriever) -> set[str | None]:
        return {ingested_language(p.source, p.id) for p in search.article_passages(42)}

    assert languages(retriever) == {"en"}
    assert languages(_in(retriever, "fr")) == {"fr"}
    assert languages(_in(retriever, "ru")) == {"en"}  # no Russian text ingested: the English one
    assert {p.source for p in retriever.article_passages(37)} == {"restatement"}  # nothing ingested for art. 37
    hits = _in(retriever, "fr").retrieve("conserver les données stockées", 3)
    assert ingested_language(hits[0].source, hits[0].id) == "fr"  # shown first among the article's passages


def test_an_answer_in_french_quotes_the_french_official_paragraph(retriever):
    french = _language("fr")
    answer = Answerer(_in(retriever, "fr"), AnswerSettings(), language=french).answer(
        "Un État peut-il demander de conserver rapidement les données stockées sur son territoire ?"
    )
    assert answer.kind == "answered" and answer.language == "fr"
    (cited,) = answer.citations
    assert cited.source == "official" and cited.passage_id.startswith("official-fr:42:")
    assert cited.text == WORDING["fr"][1] and cited.title == WORDING["fr"][0]  # the document's own title
    assert cited.label == "art. 42(1)"  # verified by the official text, labelled in French
    assert f"({french.message('source_official')})" in answer.text  # "(texte officiel)"
    assert french.words["untranslated"] not in answer.text  # it is French: not marked as shown in English


def test_an_answer_in_a_language_without_its_official_text_quotes_the_english_one(retriever):
    russian = _language("ru")
    answer = Answerer(_in(retriever, "ru"), AnswerSettings(), language=russian).answer(
        "May a State ask another State to keep stored data quickly?"
    )
    (cited,) = answer.citations
    assert cited.passage_id.startswith("official-en:42:") and cited.label == "ст. 42(1)"
    assert russian.words["untranslated"] in answer.text  # English wording in a Russian answer, marked so
