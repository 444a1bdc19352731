"""`uncc draft`: draft a cooperation request from a case file, or check that the case is complete.

Exit codes: 0 done (or, with --check, complete); 3 incomplete (with --check); 2 bad input.
Case contents go only to stdout or to the --out file the user names: never to a log.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.drafting import api
from assistant.drafting.case import read_case_file
from assistant.drafting.checker import CheckReport
from assistant.errors import DraftError
from assistant.settings import Settings

EXIT_INCOMPLETE = 3

EPILOG = """examples:
  uncc draft --list
  uncc draft preservation --example > case.yaml
  uncc draft preservation --case case.yaml --check
  uncc draft preservation --case case.yaml --out request.docx"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `draft` command."""
    p = subparsers.add_parser(
        "draft",
        help="draft a cooperation request (MLA, preservation, extradition ...) from a case file",
        description="Draft a request under the convention from a YAML case file, with a completeness check "
        "that names the article (or good-practice source) behind every element.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("type", nargs="?", help="request type (see --list)")
    p.add_argument("--list", action="store_true", help="list the request types")
    p.add_argument("--example", action="store_true", help="print a filled example case file (YAML)")
    p.add_argument("--case", metavar="FILE", help="the case file (YAML)")
    p.add_argument("--check", action="store_true", help="report missing and weak elements; exit 3 if incomplete")
    p.add_argument("--json", action="store_true", help="with --check: print the report as JSON")
    p.add_argument(
        "--format", choices=("md", "docx"), help="output format (default: docx if --out ends in .docx, else md)"
    )
    p.add_argument("--out", metavar="PATH", help="write the draft here (default: Markdown on stdout)")
    p.add_argument("--force", action="store_true", help="replace --out if it exists")
    p.set_defaults(handler=cmd_draft)


def _refuse_conflicts(args: argparse.Namespace) -> None:
    """Options that make no sense together are an error, not silently ignored."""
    if args.json and not args.check:
        raise DraftError("--json goes with --check (the draft itself is Markdown or DOCX).")
    if args.example and (args.case or args.check or args.out):
        raise DraftError("--example prints an example case; use it without --case, --check or --out.")
    if args.check and (args.out or args.format):
        raise DraftError("--check prints a report; drop --out/--format, or drop --check to write the draft.")


def _print_report(report: CheckReport) -> None:
    print(report.summary)
    for item in report.items:
        print(f"  {item.problem.upper():<8} {item.message}")
        if item.basis.note:
            print(f"           basis: {item.basis.label}: {item.basis.note}")


def _output_format(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    return "docx" if args.out and args.out.lower().endswith(".docx") else "md"


def cmd_draft(args: argparse.Namespace, settings: Settings) -> int:
    """Handle `uncc draft`."""
    _refuse_conflicts(args)
    if args.list:
        for name in api.list_types(settings):
            spec = api.form(name, settings)
            print(f"{name:<22} {spec.title} ({spec.legal_basis.label})")
        return 0
    if not args.type:
        types = ", ".join(api.list_types(settings))
        raise DraftError(f"Give a request type ({types}), or --list.")
    api.form(args.type, settings)  # an unknown type is reported first, with the valid ones
    if args.example:
        sys.stdout.write(api.example_text(args.type, settings))
        return 0
    if not args.case:
        raise DraftError(f"Give --case FILE; start from `uncc draft {args.type} --example > case.yaml`.")
    case = read_case_file(Path(args.case))
    if args.check:
        report = api.check(args.type, case, settings)
        if args.json:
            print(json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False))
        else:
            _print_report(report)
        return 0 if report.complete else EXIT_INCOMPLETE
    fmt = _output_format(args)
    if fmt == "docx" and not args.out:
        raise DraftError("A DOCX draft needs --out PATH (Word files are not printed to the terminal).")
    if args.out:
        write = api.write_docx if fmt == "docx" else api.write_markdown
        report = write(args.type, case, Path(args.out), force=args.force, settings=settings)
        print(f"Wrote {args.out}", file=sys.stderr)
    else:
        markdown, report = api.draft_markdown(args.type, case, settings)
        sys.stdout.write(markdown)
    if not report.complete:
        print(f"Warning: {report.summary}. The draft marks the gaps [MISSING: ...]; see --check.", file=sys.stderr)
    return 0
