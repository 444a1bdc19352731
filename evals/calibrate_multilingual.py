"""Calibrate the thresholds of answers to questions in the other five languages (settings.multilingual) on the
multilingual development set (evals/dev_multilingual.jsonl: dev questions and our translations of them; never
on gold or on the multilingual held-out set).

Two things are chosen, and printed for a reviewed change to assistant/settings.py:
1. `abstain_below` and `absence_margin`, by abstention accuracy: each question's best similarity to its
   retrieved articles and to the statements of what the convention does not contain is measured once, and the
   grid is scored by replaying the coverage rule on those numbers;
   Questions the policy patterns settle (prompts/i18n/policy.yaml) are counted as they are answered;
2. `line_lexical_weight`, by how often the answer leads with the same authored line as the answer to the
   English original of the question (the English pipeline being the better-measured one);
3. `line_floor` (with `point_floor`) and `polarity_min`, by the same agreement with the English answer: the
   same lead provision, and the same "Yes"/"No" (or none) on yes/no questions; and how many answers lead with
   a translated line rather than an English sentence.

    python -m evals.calibrate_multilingual [--dataset evals/dev_multilingual.jsonl] [--only floors]
"""

from __future__ import annotations

import argparse
import itertools
from collections import defaultdict
from pathlib import Path
from statistics import mean

from assistant.answering import Answerer
from assistant.records import Answer
from assistant.runtime import Runtime, load_runtime, with_answer_settings
from assistant.settings import PROJECT_ROOT, get_settings
from assistant.text import clean_query
from evals.dataset import EvalItem, load_dataset

THRESHOLDS = (0.76, 0.78, 0.80, 0.82, 0.84)
MARGINS = (-0.02, -0.01, 0.0, 0.01, 0.02, 0.03)
WEIGHTS = (0.0, 0.01, 0.03, 0.05, 0.1)
FLOORS = (0.80, 0.83, 0.86, 0.89)
POLARITY = (0.86, 0.88, 0.90, 0.92)
PARTS = ("abstention", "weight", "floors")


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
    parser.add_argument("--only", choices=PARTS, help="run one part of the calibration")
    args = parser.parse_args()
    rt = load_runtime(get_settings())
    items = load_dataset(Path(args.dataset))
    english = {i.source_id or i.id: rt.answerer.english.answer(i.question) for i in items if i.lang == "en"}
    foreign = [i for i in items if i.lang != "en"]
    if args.only in (None, "abstention"):
        abstention(rt, foreign)
    if args.only in (None, "weight"):
        lexical_weight(rt, foreign, english)
    if args.only in (None, "floors"):
        floors(rt, foreign, english)


def abstention(rt: Runtime, foreign: list[EvalItem]) -> None:
    measured = []
    for item in foreign:
        answerer, _ = rt.answerer.route(item.question, item.lang)
        by_policy = answerer.answer(item.question).backend == "policy"
        best, absence = similarities(answerer, item.question)
        measured.append((item, by_policy, best, absence))
    rows = []
    for t, m in itertools.product(THRESHOLDS, MARGINS):
        right = sum(
            (by_policy or best < t or absence > best - m) != item.answerable
            for item, by_policy, best, absence in measured
        )
        rows.append((right / len(measured), -abs(t - 0.80) - abs(m), t, m))
        print(f"abstain_below={t:.2f} absence_margin={m:+.2f}  abstention accuracy {right / len(measured):.3f}")
    accuracy, _, t, m = max(rows)
    print(f"\nchosen: abstain_below={t} absence_margin={m}: abstention accuracy {accuracy:.3f} on {len(measured)}")


def _tuned_answers(rt: Runtime, foreign: list[EvalItem], english: dict[str, Answer], **update: float):
    """Each answerable foreign question with its English twin's answer and its own under these settings."""
    for item in foreign:
        target = english.get(item.source_id or "")
        if target is None or not item.answerable or not lead_line(target):
            continue
        answerer, _ = rt.answerer.route(item.question, item.lang)
        tuned = with_answer_settings(rt, answerer.settings.model_copy(update=update), item.lang)
        yield item, target, tuned.answer(item.question), tuned.language


def lexical_weight(rt: Runtime, foreign: list[EvalItem], english: dict[str, Answer]) -> None:
    for weight in WEIGHTS:
        same: dict[str, list[bool]] = defaultdict(list)
        for item, target, answer, _ in _tuned_answers(rt, foreign, english, line_lexical_weight=weight):
            same[item.lang].append(lead_line(answer) == lead_line(target))
        total = [x for v in same.values() for x in v]
        per = ", ".join(f"{k} {sum(v) / len(v):.2f}" for k, v in sorted(same.items()))
        print(
            f"line_lexical_weight={weight:.2f}: same lead passage as in English {sum(total) / len(total):.3f} ({per})"
        )


def floors(rt: Runtime, foreign: list[EvalItem], english: dict[str, Answer]) -> None:
    for floor, polarity in itertools.product(FLOORS, POLARITY):
        same, lined, agree = [], [], []
        update = {"line_floor": floor, "point_floor": floor, "polarity_min": polarity}
        for _, target, answer, language in _tuned_answers(rt, foreign, english, **update):
            same.append(lead_line(answer) == lead_line(target))
            lined.append(language.words["untranslated"] not in answer.text.split("\n")[0])
            if answer.question_type == "yesno":
                agree.append(_said(answer.text, language.words) == _said(target.text, {"yes": "Yes", "no": "No"}))
        print(
            f"line_floor={floor:.2f} polarity_min={polarity:.2f}: same lead provision {mean(same):.3f}, led by a "
            f"translated line {mean(lined):.3f}, same yes/no as in English {mean(agree):.3f} ({len(agree)})"
        )


def _said(text: str, words: dict[str, str]) -> str:
    """ "yes" or "no" when the answer opens with that word in its language, else ""."""
    return next((p for p in ("yes", "no") if text.startswith(words[p])), "")


if __name__ == "__main__":
    main()
