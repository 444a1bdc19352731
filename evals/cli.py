"""`uncc eval`: score answers on a dataset, side by side with a naive RAG baseline."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.settings import PROJECT_ROOT, Settings


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.cli.common import open_runtime
    from evals.dataset import load_dataset
    from evals.runner import evaluate

    items = load_dataset(Path(args.dataset))
    if args.limit:
        items = items[: args.limit]
    rt = open_runtime(settings, args.llm)
    metrics = evaluate(rt, rt.answerer, items, Path(args.out), progress=sys.stderr.isatty())
    summary = {
        k: metrics[k] for k in ("n", "retrieval", "citations", "abstention", "key_facts", "answers", "latency_ms")
    }
    print(json.dumps(summary, indent=2))
    print(f"Wrote {args.out}/metrics.json, report.md and by_category.png", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="score answers on a dataset against a naive baseline")
    p.add_argument("--dataset", default=str(PROJECT_ROOT / "evals" / "gold.jsonl"), help="JSONL dataset")
    p.add_argument("--out", default="evals/results", help="output folder (default evals/results)")
    p.add_argument("--llm", metavar="NAME", help="answer with this LLM backend instead of extractive")
    p.add_argument("--limit", type=int, default=0, help="only the first N questions")
    p.set_defaults(handler=cmd_eval)
