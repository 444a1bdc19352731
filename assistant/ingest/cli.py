"""`uncc ingest PATH [--lang en] [--replace] [--force]`: store the authentic text, then update the index."""

from __future__ import annotations

import argparse
import sys

from assistant.ingest.parse import LANGUAGES
from assistant.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "ingest",
        help="read the authentic text of the convention from your PDF, DOCX, HTML or TXT file",
        description="Parse your copy of A/RES/79/243 into articles and paragraphs, check it against the "
        "article map, store it, and update the index so answers quote it word for word.",
    )
    p.add_argument("path", help="the file you downloaded from the UN (format detected from its content)")
    p.add_argument("--lang", choices=sorted(LANGUAGES), default="en", help="language of the text (default en)")
    p.add_argument("--replace", action="store_true", help="replace the text already ingested in this language")
    p.add_argument("--force", action="store_true", help="store the text even if validation finds problems")
    p.set_defaults(handler=cmd_ingest)


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.index import ensure_index
    from assistant.ingest.api import ingest_file
    from assistant.ingest.report import render_report

    report = ingest_file(args.path, settings, lang=args.lang, replace=args.replace, force=args.force)
    print(render_report(report))
    if report.stored_path is None:
        return 1
    print("Updating the index with the official passages ...", file=sys.stderr)
    result = ensure_index(settings, progress=True)
    m = result.manifest
    print(f"Index {result.action}: {m.count} passages, official languages: {', '.join(m.official_languages)}.")
    return 0
