"""`uncc draft`: draft a cooperation request from a case file, or check that the case is complete.

Exit codes: 0 done (or, with --check, complete); 3 incomplete (with --check); 2 bad input.
Case contents go only to stdout or to the --out file the user names: never to a log.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from assistant.drafting import api
from assistant.drafting.case import CaseDoc, read_case_file
from assistant.drafting.casefile import is_casefile, load_casefile
from assistant.drafting.checker import CheckReport
from assistant.drafting.from_case import case_for_request
from assistant.drafting.render import Draft
from assistant.errors import DraftError
from assistant.settings import Settings

EXIT_INCOMPLETE = 3

EPILOG = """examples:
  uncc draft --list
  uncc draft preservation --example > case.yaml
  uncc draft preservation --case case.yaml --check
  uncc draft preservation --case case.yaml --out request.docx
  uncc draft preservation --case case.yaml --out request.pdf
  uncc draft preservation --case case.yaml --format pdf --out drafts/   (named preservation_<reference>.pdf)"""


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
    p.add_argument("--case", metavar="FILE", help="the case file (YAML): a whole-case file or a single-request file")
    p.add_argument("--state", help="with a whole-case file: the requested State, when the case has several")
    p.add_argument("--check", action="store_true", help="report missing and weak elements; exit 3 if incomplete")
    p.add_argument("--json", action="store_true", help="with --check: print the report as JSON")
    p.add_argument(
        "--format",
        choices=api.FORMATS,
        help="output format: md, docx or pdf (default: from the --out extension; docx for a folder; md on stdout)",
    )
    p.add_argument(
        "--out",
        metavar="PATH",
        help="write the draft to this file, or into this folder named <type>_<reference>.<format> "
        "(default: Markdown on stdout)",
    )
    p.add_argument("--force", action="store_true", help="replace --out if it exists")
    p.set_defaults(handler=cmd_draft)


def _refuse_conflicts(args: argparse.Namespace) -> None:
    """Options that make no sense together are an error, not silently ignored."""
    if args.json and not args.check:
        raise DraftError("--json goes with --check (the draft itself is Markdown, DOCX or PDF).")
    if args.example and (args.case or args.check or args.out):
        raise DraftError("--example prints an example case; use it without --case, --check or --out.")
    if args.check and (args.out or args.format):
        raise DraftError("--check prints a report; drop --out/--format, or drop --check to write the draft.")
    if not (args.check or args.example or args.list):
        _output_format(args)  # a format that contradicts the file name is reported before any work


def _print_report(report: CheckReport) -> None:
    print(report.summary)
    for item in report.items:
        print(f"  {item.problem.upper():<8} {item.message}")
        if item.basis.note:
            print(f"           basis: {item.basis.label}: {item.basis.note}")


def _is_folder(out: str) -> bool:
    return out.endswith(("/", os.sep)) or Path(out).is_dir()


def _output_format(args: argparse.Namespace) -> str:
    """md, docx or pdf: --format if given, else what the --out name says (a .pdf name always gets a PDF)."""
    if not args.out:
        fmt = args.format or "md"
        if fmt != "md":
            kind = {"docx": "DOCX", "pdf": "PDF"}[fmt]
            raise DraftError(f"A {kind} draft needs --out PATH ({kind} files are not printed to the terminal).")
        return fmt
    if _is_folder(args.out):
        return args.format or "docx"
    return api.output_format(args.out, args.format)


def _out_path(args: argparse.Namespace, result: Draft, fmt: str) -> Path:
    """--out itself, or for a folder the file in it named after the request and its reference."""
    return Path(args.out) / api.file_name(result, fmt) if _is_folder(args.out) else Path(args.out)


def _request_case(args: argparse.Namespace, settings: Settings) -> CaseDoc:
    """The request's fields: as written in a single-request file, or drawn from a whole-case file."""
    doc = read_case_file(Path(args.case))
    if not is_casefile(doc.data):
        if args.state:
            raise DraftError("--state goes with a whole-case file (one with a 'case:' section).")
        return doc
    casefile, warnings = load_casefile(doc)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    fields = case_for_request(casefile, args.type, settings.knowledge_dir, args.state)
    return CaseDoc(data=fields, source=f"{doc.source} ({args.type} request)")


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
    case = _request_case(args, settings)
    if args.check:
        report = api.check(args.type, case, settings)
        if args.json:
            print(json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False))
        else:
            _print_report(report)
        return 0 if report.complete else EXIT_INCOMPLETE
    fmt = _output_format(args)
    if args.out:
        result = api.draft(args.type, case, settings)
        path = api.save(result, _out_path(args, result, fmt), fmt, force=args.force, settings=settings)
        report = result.report
        print(f"Wrote {path}", file=sys.stderr)
    else:
        markdown, report = api.draft_markdown(args.type, case, settings)
        sys.stdout.write(markdown)
    if not report.complete:
        print(f"Warning: {report.summary}. The draft marks the gaps [MISSING: ...]; see --check.", file=sys.stderr)
    return 0
