"""`uncc ask`: answer questions with verified article citations."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

from assistant.cli.common import open_runtime
from assistant.errors import InvalidInput
from assistant.settings import Settings
from assistant.translations import LANGUAGES


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    # The input is checked first: a missing batch file or question must not cost a minute of opening the index.
    batch = None
    if args.batch:
        from assistant.cli.batch import read_batch

        batch = read_batch(Path(args.batch))
    elif not args.question:
        raise InvalidInput('Give a question, e.g. uncc ask "what must a preservation request contain?"')
    answerer = open_runtime(settings, args.llm).answerer
    if batch is not None:
        for item in batch:
            if item.error:
                print(json.dumps({"line": item.line, "error": item.error}), flush=True)
                continue
            try:
                answer = answerer.answer(item.question, lang=args.lang)
                print(json.dumps(answer.as_json(), ensure_ascii=False), flush=True)
            except InvalidInput as exc:
                print(json.dumps({"line": item.line, "question": item.question, "error": str(exc)}), flush=True)
        return 0
    answer = answerer.answer(" ".join(args.question), lang=args.lang)
    if args.json:
        print(json.dumps(answer.as_json(), indent=2, ensure_ascii=False))
        return 0
    print(answer.text)
    say = answerer.wording(answer.language).message
    if answer.citations:
        print(f"\n{say('read_the_provision')}")
        for c in answer.citations:
            where = f"{c.label}, {c.paragraph_note}" if c.paragraph_note else c.label
            print(f"\n[{where}] {c.title} ({say(f'source_{c.source}')})")
            print(textwrap.indent(textwrap.fill(" ".join(c.text.split()), 100), "  "))
    print(f"\n[{answer.backend}, {answer.latency_ms:.0f} ms]", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ask", help="answer a question with article citations")
    p.add_argument("question", nargs="*", help="the question")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--llm", metavar="NAME", help="extractive (default), ollama, openai or llamacpp")
    p.add_argument("--batch", metavar="FILE", help="JSONL with a 'question' field, or one question a line")
    p.add_argument(
        "--lang", choices=[c for c in LANGUAGES], help="answer in this language (default: the question's language)"
    )
    p.set_defaults(handler=cmd_ask)
