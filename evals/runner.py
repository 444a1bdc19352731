"""Run a dataset through our pipeline and the naive baseline, and write metrics.json, report.md and a chart."""

from __future__ import annotations

import json
import random
import time
from dataclasses import asdict
from pathlib import Path

from tqdm import tqdm

from assistant.answering import Answerer, LanguageRouter
from assistant.records import Citation, provision_label
from assistant.runtime import Runtime
from evals.baseline import NaiveRAG
from evals.dataset import EvalItem
from evals.judge import Judge, sentences, validate_judge
from evals.metrics import ItemResult, by_category, compute
from evals.report import write_chart, write_report


def _result(
    judge: Judge,
    item: EvalItem,
    retrieved,
    cited,
    abstained: bool,
    latency_ms: float,
    text: str,
    provision=(),
    answer_lang: str = "en",
):
    facts = item.key_facts if item.answerable else []
    return ItemResult(
        id=item.id,
        category=item.category,
        answerable=item.answerable,
        expected=tuple(item.expected_articles),
        acceptable=tuple(item.acceptable_articles),
        retrieved=tuple(retrieved),
        cited=tuple(cited),
        abstained=abstained,
        latency_ms=round(latency_ms, 2),
        fact_scores=tuple(judge.scores(facts, text)),
        lead_fact_scores=tuple(judge.scores(facts, " ".join(sentences(text)[:2]))),
        paragraph_expected=tuple(item.expected_paragraphs),
        lead_provision=tuple(provision),
        answer=text,
        qtype=item.type,
        lang=item.lang,
        answer_lang=answer_lang,
    )


def provision_names(citation: Citation) -> tuple[str, ...]:
    """The names a dataset may use for the provision a citation points to: its paragraph number, the heading
    of its section, its bold label, or "notes"."""
    if citation.article is None:
        return ()
    names = {citation.paragraph or "", citation.heading}
    if label := provision_label(citation.text):
        names.add(label)
    return tuple(f"{citation.article}:{n}" for n in names if n)


def run_ours(
    answerer: Answerer | LanguageRouter, judge: Judge, items: list[EvalItem], progress: bool
) -> list[ItemResult]:
    out = []
    for item in tqdm(items, desc="ours", disable=not progress, unit="q"):
        answerer.clear_cache()  # time each question as a new one, embedding included
        start = time.perf_counter()
        answer = answerer.answer(item.question)
        latency = (time.perf_counter() - start) * 1000
        retrieved = dict.fromkeys(p.article for p in answer.passages if p.article is not None)
        cited = dict.fromkeys(c.article for c in answer.citations if c.article is not None)
        provision = provision_names(answer.citations[0]) if answer.citations else ()
        out.append(
            _result(judge, item, retrieved, cited, answer.abstained, latency, answer.text, provision, answer.language)
        )
    return out


def run_baseline(baseline: NaiveRAG, judge: Judge, items: list[EvalItem], progress: bool) -> list[ItemResult]:
    out = []
    for item in tqdm(items, desc="baseline", disable=not progress, unit="q"):
        baseline.embedder.clear_cache()
        r = baseline.run(item.question)
        # The naive pipeline never abstains: its "answer" is always the retrieved chunks.
        out.append(_result(judge, item, r.articles, r.cited, False, r.latency_ms, r.text))
    return out


def judge_check(judge: Judge, items: list[EvalItem], results: list[ItemResult]) -> dict:
    """Score each item's key facts against another item's answer: the judge must say 'absent' far more."""
    answered = [(i, r) for i, r in zip(items, results, strict=True) if i.answerable and not r.abstained]
    if len(answered) < 2:
        return {}
    rng = random.Random(7)
    others = [r for _, r in answered]
    rng.shuffle(others)
    true_scores, shuffled = [], []
    for (item, result), other in zip(answered, others, strict=True):
        if other.id == result.id:
            continue
        true_scores += list(result.fact_scores)
        shuffled += judge.scores(item.key_facts, other.answer)
    return validate_judge(true_scores, shuffled)


def evaluate(
    rt: Runtime, answerer: Answerer | LanguageRouter, items: list[EvalItem], out_dir: Path, progress: bool = True
) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    judge = Judge(rt.embedder)
    ours = run_ours(answerer, judge, items, progress)
    baseline = NaiveRAG(rt.knowledge, rt.embedder)
    theirs = run_baseline(baseline, judge, items, progress)
    metrics = compute(ours)
    metrics["by_category"] = by_category(ours)
    metrics["by_type"] = by_category(ours, key="qtype")
    metrics["by_language"] = by_category(ours, key="lang")
    metrics["judge_validation"] = judge_check(judge, items, ours)
    metrics["backend"] = answerer.llm.name if answerer.llm else "extractive"
    metrics["baseline"] = compute(theirs) | {"by_category": by_category(theirs)}
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2), encoding="utf-8")
    with open(out_dir / "items.jsonl", "w", encoding="utf-8") as fh:
        for mine, base in zip(ours, theirs, strict=True):
            fh.write(json.dumps({"ours": asdict(mine), "baseline": asdict(base)}) + "\n")
    write_chart(metrics, out_dir / "by_category.png")
    write_report(metrics, ours, out_dir / "report.md")
    return metrics
