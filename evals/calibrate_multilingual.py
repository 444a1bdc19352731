"""Calibrate the thresholds of answers to questions in the other five languages (settings.multilingual) on the
multilingual development set (evals/dev_multilingual.jsonl: dev questions and our translations of them; never
on gold or on the multilingual held-out set).

Two things are chosen, and printed for a reviewed change to assistant/settings.py:
1. `abstain_below` and `absence_margin`, by abstention accuracy: each question's best similarity to its
   retrieved articles and to the statements of what the convention does not contain is measured once, and the
   grid is scored by replaying the coverage rule on those numbers;
2. `line_lexical_weight`, by how often the answer leads with the same authored line as the answer to the
   English original of the question (the English pipeline being the better-measured one).

    python -m evals.calibrate_multilingual [--dataset evals/dev_multilingual.jsonl]
"""

from __future__ import annotations

import argparse
import itertools
from collections import defaultdict
from pathlib import Path

from assistant.answering import Answerer
from assistant.runtime import load_runtime, with_answer_settings
from assistant.settings import PROJECT_ROOT, get_settings
from assistant.text import clean_query
from evals.dataset import load_dataset

THRESHOLDS = (0.76, 0.78, 0.80, 0.82, 0.84)
MARGINS = (-0.02, -0.01, 0.0, 0.01, 0.02, 0.03)
WEIGHTS = (0.0, 0.01, 0.03, 0.05, 0.1)


def similarities(answerer: Answerer, question: str) -> tuple[float, float]:
    """The best similarity of the question to its retrieved articles (hints included), and to the statements
    of absence: what the coverage stage compares."""
    search = answerer.retriever
    text = clean_query(question, search.max_query_chars)
    passages = search.retrieve(text, search.k)
    vector = search.query_vector(text)
    articles = list(dict.fromkeys(p.article for p in passages if p.article is not None))
    return search.closest(vector, articles), search.absence(vector)[0]


def lead_line(answer) -> str:
    return answer.citations[0].passage_id if answer.citations and not answer.abstained else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", default=str(PROJECT_ROOT / "evals" / "dev_multilingual.jsonl"))
    args = parser.parse_args()
    settings = get_settings()
    rt = load_runtime(settings)
    items = load_dataset(Path(args.dataset))
    foreign = [i for i in items if i.lang != "en"]

    measured = []
    for item in foreign:
        answerer, _ = rt.answerer.route(item.question, item.lang)
        best, absence = similarities(answerer, item.question)
        measured.append((item, best, absence))
    rows = []
    for t, m in itertools.product(THRESHOLDS, MARGINS):
        right = sum((best < t or absence > best - m) != item.answerable for item, best, absence in measured)
        rows.append((right / len(measured), -abs(t - 0.80) - abs(m), t, m))
        print(f"abstain_below={t:.2f} absence_margin={m:+.2f}  abstention accuracy {right / len(measured):.3f}")
    accuracy, _, t, m = max(rows)
    print(f"\nchosen: abstain_below={t} absence_margin={m}: abstention accuracy {accuracy:.3f} on {len(measured)}")

    english = {i.source_id or i.id: lead_line(rt.answerer.english.answer(i.question)) for i in items if i.lang == "en"}
    for weight in WEIGHTS:
        same: dict[str, list[bool]] = defaultdict(list)
        for item in foreign:
            target = english.get(item.source_id or "")
            if not target or not item.answerable:
                continue
            answerer, _ = rt.answerer.route(item.question, item.lang)
            tuned = with_answer_settings(
                rt, answerer.settings.model_copy(update={"line_lexical_weight": weight}), item.lang
            )
            same[item.lang].append(lead_line(tuned.answer(item.question)) == target)
        total = [x for v in same.values() for x in v]
        per = ", ".join(f"{k} {sum(v) / len(v):.2f}" for k, v in sorted(same.items()))
        print(
            f"line_lexical_weight={weight:.2f}: same lead passage as in English {sum(total) / len(total):.3f} ({per})"
        )


if __name__ == "__main__":
    main()
