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
    lead_fact_scores: tuple[float, ...] = ()  # the same facts against the answer's first two sentences
    paragraph_expected: tuple[str, ...] = ()
    lead_provision: tuple[str, ...] = ()  # names of the provision the first citation points to: "42:Duration"
    answer: str = field(default="", repr=False)
    qtype: str = ""
    lang: str = "en"  # the question's language
    answer_lang: str = "en"  # the language the answer came in


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
    answered_ok = [r for r in answerable if not r.abstained and r.fact_scores]
    with_paragraphs = [r for r in answerable if r.paragraph_expected and not r.abstained]
    lengths = [len(r.answer) for r in answerable if not r.abstained]
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
            # Over the answerable questions that name the articles a right answer cites (a background question
            # answered from the guidance alone names none).
            "recall": _ratio(
                sum(set(r.expected) <= set(r.cited) for r in answerable if r.expected),
                sum(bool(r.expected) for r in answerable),
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
        "answers": {
            # The first two sentences state at least one key fact: the answer comes first.
            "lead_answer_rate": _ratio(
                sum(any(s >= threshold for s in r.lead_fact_scores) for r in answered_ok), len(answered_ok)
            ),
            # The first citation points to one of the provisions that answer the question.
            "paragraph_accuracy": _ratio(
                sum(bool(set(r.lead_provision) & set(r.paragraph_expected)) for r in with_paragraphs),
                len(with_paragraphs),
            ),
            "median_chars": int(np.median(lengths)) if lengths else None,
        },
        "latency_ms": {
            "p50": round(float(np.percentile(latencies, 50)), 2),
            "p95": round(float(np.percentile(latencies, 95)), 2),
        },
    }


def by_category(results: list[ItemResult], key: str = "category") -> dict[str, dict]:
    """Figures per category, or per question type with key="qtype"."""
    groups: dict[str, list[ItemResult]] = defaultdict(list)
    for r in results:
        groups[getattr(r, key) or "unlabelled"].append(r)
    out = {}
    for name, items in sorted(groups.items()):
        m = compute(items)
        out[name] = {
            "n": len(items),
            "recall@5": m["retrieval"]["recall@5"],
            "recall@1": m["retrieval"]["recall@1"],
            "citation_precision": m["citations"]["precision"],
            "citation_recall": m["citations"]["recall"],
            "abstention_accuracy": m["abstention"]["accuracy"],
            "key_facts": m["key_facts"]["coverage"],
            "lead_answer_rate": m["answers"]["lead_answer_rate"],
            "right_language": _ratio(sum(r.answer_lang == r.lang for r in items), len(items)),
        }
    return out
