"""`uncc ask`: answer questions with verified article citations."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.errors import InvalidInput, LLMError
from assistant.records import Answer
from assistant.settings import Settings


def answer_json(answer: Answer) -> dict:
    return {
        "question": answer.question,
        "answer": answer.text,
        "abstained": answer.abstained,
        "citations": [
            {"article": c.article, "paragraph": c.paragraph, "title": c.title, "source": c.source, "text": c.text}
            for c in answer.citations
        ],
        "backend": answer.backend,
        "latency_ms": answer.latency_ms,
    }


def make_answerer(settings: Settings, llm_name: str | None = None, runtime=None):
    """The answerer for these settings; an unusable LLM choice falls back to extractive with a warning."""
    from assistant.answer import Answerer
    from assistant.cli import load_cli_runtime
    from assistant.llm import make_backend

    rt = runtime or load_cli_runtime(settings)
    try:
        llm = make_backend(settings.llm, llm_name)
    except LLMError as exc:
        if llm_name and llm_name not in ("ollama", "openai", "llamacpp", "extractive", "none"):
            raise InvalidInput(str(exc)) from exc
        print(f"warning: {exc} Using extractive answers.", file=sys.stderr)
        llm = None
    return Answerer(rt.retriever, settings.answer, llm)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    answerer = make_answerer(settings, args.llm)
    if args.batch:
        from assistant.batch import read_batch

        for item in read_batch(Path(args.batch)):
            if item.error:
                print(json.dumps({"line": item.line, "error": item.error}), flush=True)
                continue
            try:
                print(json.dumps(answer_json(answerer.answer(item.question))), flush=True)
            except InvalidInput as exc:
                print(json.dumps({"line": item.line, "question": item.question, "error": str(exc)}), flush=True)
        return 0
    if not args.question:
        raise InvalidInput('Give a question, e.g. uncc ask "what must a preservation request contain?"')
    answer = answerer.answer(" ".join(args.question))
    if args.json:
        print(json.dumps(answer_json(answer), indent=2, ensure_ascii=False))
        return 0
    print(answer.text)
    if answer.citations:
        print("\nSources (our restatement unless marked official):")
        for c in answer.citations:
            print(f"  [{c.label}] {c.title} ({c.source})")
    print(f"\n[{answer.backend}, {answer.latency_ms:.0f} ms]", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ask", help="answer a question with article citations")
    p.add_argument("question", nargs="*", help="the question")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--llm", metavar="NAME", help="extractive (default), ollama, openai or llamacpp")
    p.add_argument("--batch", metavar="FILE", help="JSONL with a 'question' field, or one question a line")
    p.set_defaults(handler=cmd_ask)
