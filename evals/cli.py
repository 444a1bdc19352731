"""`uncc eval`: score answers on a dataset, side by side with a naive RAG baseline."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.errors import InvalidInput
from assistant.settings import PROJECT_ROOT, Settings


def _out_folder(out: Path) -> Path:
    """The output folder, made now: a bad path fails before minutes of evaluation, not after."""
    if out.exists() and not out.is_dir():
        raise InvalidInput(f"--out {out} is a file; give a folder (the report is several files).")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidInput(f"--out {out}: cannot create this folder ({exc.strerror}).") from None
    return out


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.cli.common import open_runtime
    from evals.dataset import load_dataset
    from evals.runner import evaluate

    items = load_dataset(Path(args.dataset))
    out = _out_folder(Path(args.out))
    if args.limit:
        items = items[: args.limit]
    rt = open_runtime(settings, args.llm)
    metrics = evaluate(rt, rt.answerer, items, out, progress=sys.stderr.isatty())
    summary = {
        k: metrics[k] for k in ("n", "retrieval", "citations", "abstention", "key_facts", "answers", "latency_ms")
    }
    if len(metrics["by_language"]) > 1:
        summary["by_language"] = metrics["by_language"]
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
