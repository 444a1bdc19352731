"""Hybrid retrieval over a numpy dense index and a fake embedder: the fusion, grouping and filters, without the
model or Chroma (tests/test_retrieve.py runs the real ones)."""

from __future__ import annotations

from assistant.knowledge import load_knowledge
from assistant.retrieve import HybridRetriever
from assistant.text import without_self_reference
from tests.fakes import numpy_retriever


def _retriever(knowledge) -> HybridRetriever:
    kb = load_knowledge(knowledge)
    return numpy_retriever(kb.articles, kb.guidance, kb.answers)


def test_fusion_groups_passages_by_article_best_first(tiny_knowledge):
    hits = _retriever(tiny_knowledge).retrieve("extradition of nationals and prosecution", 2)
    articles = [p.article for p in hits if p.article is not None]
    assert articles[0] == 37 and len(set(articles)) == 2


def test_filters_are_plain_values(tiny_knowledge):
    retriever = _retriever(tiny_knowledge)
    assert {p.article for p in retriever.retrieve("data", 5, article=42) if p.article} == {42}
    assert {p.chapter for p in retriever.retrieve("data", 5, chapter="ii") if p.article} == {"II"}


def test_a_named_article_is_boosted(tiny_knowledge):
    hits = _retriever(tiny_knowledge).retrieve("what does article 7 say about extradition", 3)
    assert hits[0].article == 7


def test_the_conventions_name_is_dropped_unless_the_question_is_about_the_name():
    assert without_self_reference("Under the Hanoi Convention, is dual criminality required?") == (
        ", is dual criminality required?"
    )
    assert "UNCC" not in without_self_reference("Does UNCC require a 24/7 point of contact?")
    assert without_self_reference("Does 'electronic data' in the treaty include programs?") == (
        "Does 'electronic data' include programs?"
    )
    assert "Hanoi Convention" in without_self_reference("Why is it called the Hanoi Convention?")
    assert "Hanoi Convention" in without_self_reference("Why call it the 'Hanoi Convention' if adopted in New York?")
