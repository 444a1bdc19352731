"""`uncc draft`: draft a cooperation request from a case file, or check that the case is complete.

Exit codes: 0 done (or, with --check, complete); 3 incomplete (with --check); 2 bad input.
Case contents go only to stdout or to the file the user asks for: the --out file as named, or in the --out
folder (the current folder for a DOCX or PDF without --out) the file named after the draft's date, reference and
type (`api.file_name`). Never to a log.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

from pydantic import ValidationError

from assistant.drafting import api
from assistant.drafting.case import MAX_CLOSING_CHARS, CaseDoc, Closing, read_case_file
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
  uncc draft preservation --case case.yaml --format pdf --out drafts/
        (named <date>_<reference>_preservation.pdf, e.g. 2027-03-04_CYB-2027-118_preservation.pdf)
  uncc draft preservation --case case.yaml --format docx --date today --place "Aurelia City"
        (into the current folder; --signatory "NAME, FUNCTION" fills the signature block too)
  uncc draft mla --case case.yaml --lang fr --out request.docx
        (the template's wording in French, an unofficial translation; the case's text as written)"""


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
        help="output format: md, docx or pdf (default: from the --out extension; docx for a folder; md on stdout). "
        "A format the --out name contradicts (--format md --out x.pdf) is refused: a .pdf file always holds a PDF",
    )
    p.add_argument(
        "--out",
        metavar="PATH",
        help="write the draft to this file, or into this folder named <date>_<reference>_<type>.<format> "
        "(default: Markdown on stdout; a DOCX or PDF goes into the current folder under that name)",
    )
    closing = p.add_argument_group(
        "closing block",
        "place, date and signatory printed above the signature; over the case file's 'closing:' "
        "section. Left out everywhere, each is a blank line to fill in by hand.",
    )
    closing.add_argument("--place", default="", help="place of signature, e.g. 'Aurelia City'")
    closing.add_argument("--date", type=_date, help="date of the request: YYYY-MM-DD, or 'today'")
    closing.add_argument("--signatory", default="", help="name and function of the signing officer")
    p.add_argument(
        "--lang",
        choices=api.LANGUAGES,
        help="language of the template's wording (default: the case file's 'language:', else en); "
        "no PDF in ar and zh: use DOCX",
    )
    p.add_argument("--force", action="store_true", help="replace --out if it exists")
    p.set_defaults(handler=cmd_draft)


def _date(text: str) -> dt.date:
    """--date: YYYY-MM-DD or 'today'."""
    if text.strip().lower() == "today":
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: write YYYY-MM-DD, or 'today'") from None


def _closing(args: argparse.Namespace) -> Closing:
    """What the command line says of the closing block; a part it leaves out comes from the case file."""
    try:
        return Closing(place=args.place, date=args.date, signatory=args.signatory)
    except ValidationError:
        raise DraftError(
            f"--place and --signatory take at most {MAX_CLOSING_CHARS:,} characters each; shorten them."
        ) from None


def _refuse_conflicts(args: argparse.Namespace) -> None:
    """Options that make no sense together are an error, not silently ignored."""
    if args.json and not args.check:
        raise DraftError("--json goes with --check (the draft itself is Markdown, DOCX or PDF).")
    if args.example and (args.case or args.check or args.out):
        raise DraftError("--example prints an example case; use it without --case, --check or --out.")
    if args.check and (args.out or args.format):
        raise DraftError("--check prints a report; drop --out/--format, or drop --check to write the draft.")
    if (args.check or args.example) and (args.place or args.date or args.signatory or args.lang):
        raise DraftError(
            "--place, --date, --signatory and --lang go into a draft; drop them with --check or --example."
        )
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
        return args.format or "md"
    if _is_folder(args.out):
        return args.format or "docx"
    return api.output_format(args.out, args.format)


def _out_path(args: argparse.Namespace, result: Draft, fmt: str) -> Path:
    """--out itself when it names a file; else the file named after the draft's date, reference and type, in the
    --out folder or (a DOCX or PDF without --out) the current one."""
    if args.out and not _is_folder(args.out):
        return Path(args.out)
    return Path(args.out or ".") / api.file_name(result, fmt)


def _request_case(args: argparse.Namespace, settings: Settings) -> tuple[CaseDoc, str | None]:
    """The request's fields (as written in a single-request file, or drawn from a whole-case file) and the
    language the case file asks its drafts in (`case.language`; None when it does not say)."""
    doc = read_case_file(Path(args.case), settings)
    if not is_casefile(doc.data):
        if args.state:
            raise DraftError("--state goes with a whole-case file (one with a 'case:' section).")
        return doc, None
    casefile, warnings = load_casefile(doc, settings)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    fields = case_for_request(casefile, args.type, settings.knowledge_dir, args.state)
    return CaseDoc(data=fields, source=f"{doc.source} ({args.type} request)"), casefile.case.language


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
    case, case_language = _request_case(args, settings)
    if args.check:
        report = api.check(args.type, case, settings)
        if args.json:
            print(json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False))
        else:
            _print_report(report)
        return 0 if report.complete else EXIT_INCOMPLETE
    fmt = _output_format(args)
    closing = _closing(args)
    language = args.lang or case_language
    api.check_format(fmt, language)  # a PDF in Arabic or Chinese is refused before the work of drafting
    if args.out or fmt != "md":  # DOCX and PDF are files, never printed to the terminal
        result = api.draft(args.type, case, settings, closing, language)
        path = api.save(result, _out_path(args, result, fmt), fmt, force=args.force, settings=settings)
        report = result.report
        print(f"Wrote {path}", file=sys.stderr)
    else:
        markdown, report = api.draft_markdown(args.type, case, settings, closing, language)
        sys.stdout.write(markdown)
    if not report.complete:
        print(f"Warning: {report.summary}. The draft marks the gaps [MISSING: ...]; see --check.", file=sys.stderr)
    return 0
