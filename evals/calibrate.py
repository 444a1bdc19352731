"""Calibrate the answering thresholds on the development set (never on the gold set).

A grid over the abstention threshold and the absence margin is scored by abstention accuracy; ties go to the
setting nearer the middle of the grid. Prints the table, the chosen values and their citation precision and
recall; the values go into `assistant/settings.py` (AnswerSettings) by hand, with the date, so a change is
a reviewed commit.

    python -m evals.calibrate [--dataset evals/dev.jsonl]
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

from assistant.runtime import load_runtime, with_answer_settings
from assistant.settings import PROJECT_ROOT, get_settings
from evals.dataset import EvalItem, load_dataset
from evals.metrics import ItemResult, compute

THRESHOLDS = (0.28, 0.31, 0.34, 0.37, 0.40, 0.43)
MARGINS = (-0.06, -0.03, 0.0, 0.03, 0.06)


def _score(rt, answer_settings, items: list[EvalItem]) -> dict:
    answerer = with_answer_settings(rt, answer_settings)
    results = []
    for item in items:
        a = answerer.answer(item.question)
        cited = tuple(dict.fromkeys(c.article for c in a.citations))
        results.append(
            ItemResult(
                item.id,
                item.category,
                item.answerable,
                tuple(item.expected_articles),
                tuple(item.acceptable_articles),
                (),
                cited,
                a.abstained,
                0.0,
            )
        )
    return compute(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", default=str(PROJECT_ROOT / "evals" / "dev.jsonl"))
    args = parser.parse_args()
    settings = get_settings()
    rt = load_runtime(settings)
    items = load_dataset(Path(args.dataset))
    base = settings.answer

    rows = []
    for t, m in itertools.product(THRESHOLDS, MARGINS):
        metrics = _score(rt, base.model_copy(update={"abstain_below": t, "absence_margin": m}), items)
        rows.append((metrics["abstention"]["accuracy"], -abs(t - 0.34) - abs(m), t, m))
        print(f"abstain_below={t:.2f} absence_margin={m:+.2f}  abstention accuracy {metrics['abstention']['accuracy']}")
    _, _, t, m = max(rows)
    chosen = base.model_copy(update={"abstain_below": t, "absence_margin": m})

    c = _score(rt, chosen, items)["citations"]
    print(
        f"\nchosen: abstain_below={t} absence_margin={m} ({len(items)} questions); citation precision "
        f"{c['precision']} recall {c['recall']}"
    )


if __name__ == "__main__":
    main()
