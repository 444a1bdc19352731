"""Hybrid retrieval on the real knowledge base."""

from __future__ import annotations

import pytest

from assistant.errors import InvalidInput


def _articles(passages):
    return list(dict.fromkeys(p.article for p in passages if p.article is not None))


def test_k_counts_distinct_articles_and_results_are_grouped(full_runtime):
    hits = full_runtime.retriever.retrieve("extradition of nationals", 4)
    arts = _articles(hits)
    assert len(arts) == 4
    # grouped: once an article's passages end, it does not come back
    order = [p.article for p in hits if p.article is not None]
    assert order == sorted(order, key=arts.index)
    assert all(p.score > 0 for p in hits)


def test_explicit_article_reference_is_boosted(full_runtime):
    plain = _articles(full_runtime.retriever.retrieve("what does this say about cooperation", 5))
    named = _articles(full_runtime.retriever.retrieve("what does art. 48 say about cooperation", 5))
    assert named[0] == 48
    assert plain[0] != 48


def test_other_treaty_numbering_boosts_the_mirrored_article(full_runtime):
    hits = full_runtime.retriever.retrieve("Budapest Convention article 35", 3)
    assert _articles(hits)[0] == 41


def test_fusion_uses_both_rankings(full_runtime):
    r = full_runtime.retriever
    fused = r._fuse("sixty days preserved data", None, None, None, 5)
    # a passage can only score above a single list's best when both lists rank it
    single_best = max(r.settings.dense_weight, r.settings.lexical_weight) / (r.settings.rrf_k + 1)
    assert max(fused.values()) > single_best


def test_filters(full_runtime):
    only42 = full_runtime.retriever.retrieve("data", 5, article=42)
    assert only42 and {p.article for p in only42} == {42}
    ch5 = full_runtime.retriever.retrieve("data", 5, chapter="v")
    assert {p.chapter for p in ch5 if p.article} == {"V"}


@pytest.mark.parametrize("query", ["", "   ", "\x00\x01", "!!!"])
def test_empty_queries_are_refused(full_runtime, query):
    with pytest.raises(InvalidInput, match="empty"):
        full_runtime.retriever.retrieve(query, 5)


def test_huge_other_script_and_extreme_k(full_runtime):
    r = full_runtime.retriever
    assert r.retrieve("extradition " * 10_000, 5)
    assert r.retrieve("Запрос о взаимной правовой помощи", 5)
    assert len(_articles(r.retrieve("mutual legal assistance", 100_000))) <= 68
    assert len(_articles(r.retrieve("mutual legal assistance", 0))) == 1


@pytest.mark.parametrize(
    ("question", "article"),
    [
        ("what must a request for preservation of stored data contain", 42),
        ("on what grounds can an extradition request be refused", 37),
        ("who receives and transmits mutual legal assistance requests in each country", 40),
        ("point of contact available around the clock for urgent help", 41),
        ("setting up a joint investigation team with another country", 48),
        ("moving a prosecution to another country to concentrate the case", 39),
        ("returning confiscated crypto to the victims' country", 52),
        ("police to police cooperation and liaison officers", 47),
        ("transferring prisoners to serve their sentence at home", 38),
        ("disclosure of traffic data to identify a provider in a third country", 43),
        ("real-time collection of traffic data for a foreign investigation", 45),
        ("conditions on personal data transferred to another State", 36),
    ],
)
def test_spot_check_each_form_of_cooperation(full_runtime, question, article):
    assert _articles(full_runtime.retriever.retrieve(question, 5))[0] == article


def test_question_hints_find_their_article_but_are_never_shown(tiny_settings, tiny_knowledge):
    from assistant.runtime import load_runtime

    # Words that appear nowhere in the tiny knowledge base: only the hint can lead to article 7.
    hint = "May a lighthouse keeper whistle at seagulls?"
    path = tiny_knowledge / "convention" / "article-07.md"
    path.write_text(path.read_text(encoding="utf-8") + f"\n## Questions\n- {hint}\n", encoding="utf-8")
    retriever = load_runtime(tiny_settings).retriever
    assert any(p.kind == "question" for p in retriever.passages)
    hits = retriever.retrieve(hint, 3)
    assert hits[0].article == 7
    assert hits[0].kind == "summary"  # shown by its summary card
    assert all(p.kind != "question" for p in hits)


def test_real_knowledge_results_carry_no_question_hints(full_runtime):
    questions = [p.text for p in full_runtime.retriever.passages if p.kind == "question"][::25]
    assert questions, "the knowledge base has question hints"
    for q in questions:
        assert all(p.kind != "question" for p in full_runtime.retriever.retrieve(q, 5))


@pytest.mark.parametrize("k", [5, 20])
def test_k_distinct_articles_even_when_one_article_has_many_passages(full_runtime, k):
    # Extradition has many paragraphs and question hints; they must not crowd the other articles out.
    assert len(_articles(full_runtime.retriever.retrieve("extradition of nationals", k))) == k
