"""`uncc`: thin commands over the modules. Errors become one clear line on stderr, never a traceback."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import textwrap
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path

from assistant import __version__
from assistant.audit import record
from assistant.cli.common import open_runtime
from assistant.errors import AssistantError, InvalidInput
from assistant.knowledge import ROMAN
from assistant.records import Article, Passage
from assistant.settings import Settings, get_settings

Handler = Callable[[argparse.Namespace, Settings], int]


def _positive_k(value: str) -> int:
    try:
        k = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--k must be a whole number, got {value!r}") from None
    if k < 1:
        raise argparse.ArgumentTypeError("--k must be at least 1")
    return k


def _article_number(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"article must be a number from 1 to 68, got {value!r}") from None
    if not 1 <= n <= 68:
        raise argparse.ArgumentTypeError(f"article {n} does not exist: the convention has articles 1 to 68")
    return n


# -- index ------------------------------------------------------------------------------------------------


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.index import ensure_index

    print("Checking the index (the first build embeds every passage: about a minute) ...", file=sys.stderr)
    result = ensure_index(settings, rebuild=args.rebuild, progress=True)
    m = result.manifest
    why = f" ({result.reason})" if result.reason else ""
    print(
        f"Index {result.action}{why}: {m.count} passages, model {m.model}, version {m.version}, at {settings.index_dir}"
    )
    if result.action != "up to date":
        print(f"Built in {m.build_seconds:.1f} s.")
        record(settings, "index", result=result.action, reason=result.reason, passages=m.count, via="cli")
    return 0


# -- search -----------------------------------------------------------------------------------------------


def _print_passages(passages: list[Passage]) -> None:
    for i, p in enumerate(passages, 1):
        where = p.label if p.article is not None else f"Guidance: {p.title} / {p.heading}"
        print(f"{i:>2}. {where}  {p.title if p.article is not None else ''}  [{p.source}, score {p.score:.4f}]")
        print(textwrap.indent(textwrap.fill(p.text, 100), "    "))


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    # The input is checked first: a missing batch file or query must not cost a minute of opening the index.
    batch = None
    if args.batch:
        from assistant.cli.batch import read_batch

        batch = read_batch(Path(args.batch))
    elif not args.query:
        raise InvalidInput('Give a query, e.g. uncc search "preservation request contents", or --batch FILE.')
    rt = open_runtime(settings)
    if batch is not None:
        for item in batch:
            if item.error:
                print(json.dumps({"line": item.line, "error": item.error}))
                continue
            try:
                hits = rt.retriever.retrieve(item.question, args.k, article=args.article, chapter=args.chapter)
                print(json.dumps({"question": item.question, "results": [p.as_json() for p in hits]}))
            except InvalidInput as exc:
                print(json.dumps({"line": item.line, "question": item.question, "error": str(exc)}))
        return 0
    hits = rt.retriever.retrieve(" ".join(args.query), args.k, article=args.article, chapter=args.chapter)
    if args.json:
        print(json.dumps([p.as_json() for p in hits], indent=2))
    elif not hits:
        print("No passage matches (check the --article/--chapter filters).")
    else:
        _print_passages(hits)
    return 0


# -- articles ---------------------------------------------------------------------------------------------


def _print_article(a: Article) -> None:
    label = {
        "official": "OFFICIAL TEXT (ingested)",
        "unvalidated": "UNVALIDATED TEXT (stored with --force although it failed the check; not the official text)",
    }.get(a.source, "our restatement, not the official text")
    print(f"Article {a.number}. {a.title}  (Chapter {a.chapter}; {label})")
    if a.summary:
        print(textwrap.indent(textwrap.fill(a.summary, 100), "  "))
    for p in a.paragraphs:
        print(f"\n  [{p.heading}]")
        print(textwrap.indent(textwrap.fill(p.text, 100) if "\n-" not in p.text else p.text, "    "))
    if a.related:
        print(f"\n  Related: {', '.join(f'Art. {r}' for r in a.related)}")
    print()


def cmd_articles(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.knowledge import load_knowledge
    from assistant.official import load_official

    kb = load_knowledge(settings.knowledge_dir)
    official = {a.number: a for a in load_official(settings)}
    chosen = [a for a in kb.articles if args.number is None or a.number == args.number]
    if args.json:
        rows = []
        for a in chosen:
            row = a.as_json()
            row["official"] = official[a.number].as_json() if a.number in official else None
            rows.append(row)
        print(json.dumps(rows if args.number is None else rows[0], indent=2, ensure_ascii=False))
        return 0
    if args.number is None:
        chapter = None
        for a in chosen:
            if a.chapter != chapter:
                chapter = a.chapter
                print(f"\nChapter {a.chapter}. {a.chapter_title}")
            print(f"  Art. {a.number:>2}  {a.title}")
        return 0
    for a in [official.get(args.number), chosen[0]]:  # official first, where ingested
        if a is not None:
            _print_article(a)
    return 0


# -- parser -----------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="uncc",
        description="Knowledge assistant and request-drafting desk for the UN Convention against Cybercrime. "
        "Runs offline.",
    )
    parser.add_argument("--version", action="version", version=f"uncc {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="show library log messages")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("index", help="build the index if missing or stale")
    p.add_argument("--rebuild", action="store_true", help="rebuild even if up to date")
    p.set_defaults(handler=cmd_index)

    p = sub.add_parser("search", help="find the passages that answer a query")
    p.add_argument("query", nargs="*", help="the query")
    p.add_argument("--k", type=_positive_k, default=None, help="distinct articles to return (default 5)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--article", type=_article_number, help="only this article")
    p.add_argument("--chapter", help="only this chapter (Roman numeral, e.g. V)")
    p.add_argument("--batch", metavar="FILE", help="JSONL with a 'question' field, or one query a line")
    p.set_defaults(handler=cmd_search)

    p = sub.add_parser("articles", help="list the articles, or show one")
    p.add_argument("number", nargs="?", type=_article_number, help="article number (1-68)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=cmd_articles)

    for register in _plugins():
        register(sub)
    return parser


def _plugins() -> list[Callable[[argparse._SubParsersAction], None]]:
    """Subcommands that live beside their own module, then those other packages register as entry points in
    the group `uncc.commands` (`uncc eval` lives in evals/, which builds on assistant/, never the reverse)."""
    from assistant.cli.ask import register as ask
    from assistant.drafting.cli import register as draft
    from assistant.ingest.cli import register as ingest
    from assistant.mcp_server import register as mcp
    from assistant.planning.cli import register as plan
    from assistant.review.cli import register as review

    found = sorted(entry_points(group="uncc.commands"), key=lambda e: e.name)
    return [ask, draft, ingest, mcp, plan, review, *(e.load() for e in found)]


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR, format="%(levelname)s %(message)s")
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        settings = get_settings()
        if settings.home.exists() and not settings.home.is_dir():
            raise InvalidInput(f"UNCC_HOME={settings.home} is a file; point it at a folder (it holds the index).")
        if getattr(args, "k", 0) is None:
            args.k = settings.retrieval.k
        if getattr(args, "chapter", None) and args.chapter.upper() not in ROMAN:
            raise InvalidInput(f"--chapter must be a Roman numeral from I to IX, got {args.chapter!r}.")
        return args.handler(args, settings)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `uncc ... | head`: the reader left; not an error worth a traceback
        sys.stderr.close()
        return 0
    except OSError as exc:  # a full disk, a folder we may not write to: say which file and why
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # settings from the environment may be invalid, e.g. UNCC_PORT=abc
        from pydantic import ValidationError

        if isinstance(exc, ValidationError):
            print(f"error: invalid UNCC_* setting: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}", file=sys.stderr)
            return 2
        raise
