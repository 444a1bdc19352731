"""Metrics over per-item results. Pure functions: the same results always give the same numbers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from evals.judge import THRESHOLD


@dataclass(frozen=True)
class ItemResult:
    id: str
    category: str
    answerable: bool
    expected: tuple[int, ...]
    acceptable: tuple[int, ...]
    retrieved: tuple[int, ...]  # articles, best first
    cited: tuple[int, ...]
    abstained: bool
    latency_ms: float
    fact_scores: tuple[float, ...] = ()
    answer: str = field(default="", repr=False)


def _ratio(num: float, den: float) -> float | None:
    return round(num / den, 4) if den else None


def compute(results: list[ItemResult], threshold: float = THRESHOLD) -> dict:
    answerable = [r for r in results if r.answerable]
    answered = [r for r in results if not r.abstained]
    unanswerable = [r for r in results if not r.answerable]

    def rank(r: ItemResult) -> int | None:
        return next((i for i, a in enumerate(r.retrieved) if a in r.expected), None)

    ranks = [rank(r) for r in answerable]
    cited_total = sum(len(r.cited) for r in answered if r.answerable)
    cited_ok = sum(sum(a in r.expected or a in r.acceptable for a in r.cited) for r in answered if r.answerable)
    # Citing anything in an answer to an unanswerable question is wrong by definition.
    cited_total += sum(len(r.cited) for r in answered if not r.answerable)
    facts = [s for r in answerable for s in r.fact_scores]
    latencies = np.asarray([r.latency_ms for r in results]) if results else np.zeros(1)
    return {
        "n": len(results),
        "retrieval": {
            "recall@1": _ratio(sum(x == 0 for x in ranks), len(answerable)),
            "recall@5": _ratio(sum(x is not None and x < 5 for x in ranks), len(answerable)),
            "mrr": _ratio(sum(1 / (x + 1) for x in ranks if x is not None), len(answerable)),
        },
        "citations": {
            "precision": _ratio(cited_ok, cited_total),
            "recall": _ratio(
                sum(bool(r.expected) and set(r.expected) <= set(r.cited) for r in answerable), len(answerable)
            ),
        },
        "abstention": {
            "accuracy": _ratio(sum(r.abstained != r.answerable for r in results), len(results)),
            "false_abstain_rate": _ratio(sum(r.abstained for r in answerable), len(answerable)),
            "false_answer_rate": _ratio(sum(not r.abstained for r in unanswerable), len(unanswerable)),
        },
        "key_facts": {
            "coverage": _ratio(sum(s >= threshold for s in facts), len(facts)),
            "threshold": threshold,
        },
        "latency_ms": {
            "p50": round(float(np.percentile(latencies, 50)), 2),
            "p95": round(float(np.percentile(latencies, 95)), 2),
        },
    }


def by_category(results: list[ItemResult]) -> dict[str, dict]:
    groups: dict[str, list[ItemResult]] = defaultdict(list)
    for r in results:
        groups[r.category].append(r)
    out = {}
    for name, items in sorted(groups.items()):
        m = compute(items)
        out[name] = {
            "n": len(items),
            "recall@5": m["retrieval"]["recall@5"],
            "citation_recall": m["citations"]["recall"],
            "abstention_accuracy": m["abstention"]["accuracy"],
        }
    return out
