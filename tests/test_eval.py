"""The evaluation: dataset format, metrics arithmetic, and a fast subset whose scores must not drop."""

from __future__ import annotations

import json

import pytest

from assistant.answering import Answerer
from assistant.errors import InvalidInput
from assistant.settings import PROJECT_ROOT, AnswerSettings
from evals.dataset import load_dataset
from evals.judge import Judge
from evals.metrics import ItemResult, compute
from evals.runner import evaluate

GOLD = PROJECT_ROOT / "evals" / "gold.jsonl"
DEV = PROJECT_ROOT / "evals" / "dev.jsonl"


def test_datasets_are_valid_and_disjoint():
    gold, dev = load_dataset(GOLD), load_dataset(DEV)
    assert len(gold) >= 150 and sum(not i.answerable for i in gold) >= 15
    assert {i.question.lower() for i in gold}.isdisjoint({i.question.lower() for i in dev})
    for item in gold + dev:
        assert all(1 <= a <= 68 for a in item.expected_articles + item.acceptable_articles)
        # Unanswerable items cite nothing; an answerable one names its articles, except a background question
        # that the guidance note answers without resting on an article.
        assert not item.expected_articles or item.answerable
        assert item.expected_articles or not item.answerable or item.category == "background"


def test_malformed_lines_are_reported_with_their_number(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"id": "a", "question": "q", "extra": 1}\nnot json\n{"id": "b"}\n')
    with pytest.raises(InvalidInput) as err:
        load_dataset(path)
    assert "line 2: not valid JSON" in str(err.value) and "line 3: field question" in str(err.value)


def _r(expected, retrieved, cited, abstained=False, answerable=True, acceptable=()):
    return ItemResult(
        "x", "c", answerable, tuple(expected), tuple(acceptable), tuple(retrieved), tuple(cited), abstained, 10.0
    )


def test_metrics_arithmetic():
    results = [
        _r([42], [42, 25], [42]),  # right first, right citation
        _r([37], [22, 37], [22, 37]),  # right second; one of two citations right
        _r([40], [41], [41], acceptable=[41]),  # acceptable citation, expected missing
        _r([], [7], [], abstained=True, answerable=False),  # correct abstention
        _r([], [7], [7], answerable=False),  # false answer
    ]
    m = compute(results)
    assert m["retrieval"]["recall@1"] == pytest.approx(1 / 3, abs=1e-3)
    assert m["retrieval"]["recall@5"] == pytest.approx(2 / 3, abs=1e-3)
    assert m["retrieval"]["mrr"] == pytest.approx((1 + 0.5) / 3, abs=1e-3)
    assert m["citations"]["precision"] == pytest.approx(3 / 5, abs=1e-3)
    assert m["citations"]["recall"] == pytest.approx(2 / 3, abs=1e-3)
    assert m["abstention"]["accuracy"] == pytest.approx(4 / 5, abs=1e-3)
    assert m["abstention"]["false_answer_rate"] == pytest.approx(0.5)


def test_key_fact_judge_separates_right_from_wrong_answers(full_runtime):
    judge = Judge(full_runtime.embedder)
    right = judge.scores(["at least 60 days"], "Preservation lasts at least 60 days.")
    wrong = judge.scores(["at least 60 days"], "Joint investigative bodies may be set up.")
    assert right[0] >= 0.6 > wrong[0]


def test_fast_subset_keeps_its_scores(full_runtime, tmp_path):
    """Every ninth gold question (21 items): fails the build if accuracy drops below what it scores now."""
    items = load_dataset(GOLD)[::9]
    answerer = Answerer(full_runtime.retriever, AnswerSettings())
    metrics = evaluate(full_runtime, answerer, items, tmp_path, progress=False)
    assert metrics["n"] == len(items) == 21
    # Scores on 2026-11-29: recall@5 1.0, precision 0.947, recall 0.895, abstention 1.0, key facts 0.667;
    # each floor allows one question to slip. Key facts (30 facts): 0.500 on 2026-12-07, once answers became
    # one answer line and up to three cited points instead of whole paragraphs (gold median 627 characters);
    # the floor allows one fact to slip.
    assert metrics["retrieval"]["recall@5"] >= 0.94
    assert metrics["citations"]["precision"] >= 0.89
    assert metrics["citations"]["recall"] >= 0.84
    assert metrics["abstention"]["accuracy"] >= 0.95
    assert metrics["key_facts"]["coverage"] >= 0.46
    assert metrics["answers"]["median_chars"] <= 700
    # we must beat the naive baseline where it matters
    assert metrics["citations"]["precision"] > metrics["baseline"]["citations"]["precision"]
    assert metrics["abstention"]["accuracy"] > metrics["baseline"]["abstention"]["accuracy"]
    saved = json.loads((tmp_path / "metrics.json").read_text())
    assert saved["retrieval"] == metrics["retrieval"]
    assert (tmp_path / "report.md").read_text().startswith("# Evaluation report")
    assert (tmp_path / "by_category.png").read_bytes()[:4] == b"\x89PNG"
