"""Calibrate the abstention threshold on the development set (never on the gold set).

For each dev question: the best cosine similarity between the question and an article passage among those
retrieved. The threshold is the value that best separates answerable from unanswerable questions; questions
handled by policy rules (crime help, national law, article references) are left out, as they never reach it.

    python -m evals.calibrate [--dataset evals/dev.jsonl]
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

from assistant.prompts import matches
from assistant.runtime import load_runtime
from assistant.settings import PROJECT_ROOT, get_settings
from assistant.text import without_self_reference
from evals.dataset import load_dataset


def best_similarities(dataset: Path) -> list[tuple[float, bool, str]]:
    rt = load_runtime(get_settings())
    rows = []
    for item in load_dataset(dataset):
        if matches("crime_help", item.question) or matches("national_law", item.question):
            continue
        if rt.retriever.resolve(item.question).raw:
            continue
        passages = rt.retriever.retrieve(item.question, rt.settings.retrieval.k)
        qvec = rt.embedder.encode_query(without_self_reference(item.question))
        best = max((rt.retriever.similarity(qvec, p) for p in passages if p.article is not None), default=0.0)
        rows.append((best, item.answerable, item.id))
    return rows


def best_threshold(rows: list[tuple[float, bool, str]]) -> tuple[float, float]:
    """The midpoint threshold with the highest accuracy (ties: the lower one, to answer rather than abstain)."""
    values = sorted({round(s, 3) for s, _, _ in rows})
    candidates = [(a + b) / 2 for a, b in itertools.pairwise(values)] or values
    scored = [(sum((s >= t) == ok for s, ok, _ in rows) / len(rows), -t) for t in candidates]
    accuracy, neg_t = max(scored)
    return round(-neg_t, 3), round(accuracy, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", default=str(PROJECT_ROOT / "evals" / "dev.jsonl"))
    args = parser.parse_args()
    rows = best_similarities(Path(args.dataset))
    for s, ok, item_id in sorted(rows):
        print(f"{s:.3f}  {'answerable  ' if ok else 'UNANSWERABLE'}  {item_id}")
    threshold, accuracy = best_threshold(rows)
    print(f"\nbest threshold {threshold} (accuracy {accuracy} on {len(rows)} questions)")


if __name__ == "__main__":
    main()
