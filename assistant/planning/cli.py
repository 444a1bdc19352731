"""`uncc plan`: from a case file to the ordered cooperation steps, their deadlines and every request drafted.

Exit codes: 0 whenever a plan is produced (warnings included); 2 bad input. Case contents go only to stdout or
to the files the user names: never to a log.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from assistant.drafting.casefile import CaseFile, read_casefile
from assistant.drafting.export import atomic_write
from assistant.drafting.wording import LANGUAGES
from assistant.errors import DraftError, InvalidInput
from assistant.planning.calendar import plan_calendar
from assistant.planning.drafts import plan_drafts
from assistant.planning.log import mark_step
from assistant.planning.planner import OPEN, Plan, Planner
from assistant.settings import Settings

EXAMPLE = "cases/ransomware.yaml"
EPILOG = """examples:
  uncc plan --example > case.yaml
  uncc plan --case case.yaml
  uncc plan --case case.yaml --json --today 2027-01-15
  uncc plan --case case.yaml --mark 2 sent --on 2027-01-15
  uncc plan --case case.yaml --ics deadlines.ics
  uncc plan --case case.yaml --drafts drafts/"""


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date written YYYY-MM-DD, got {value!r}") from None


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `plan` command."""
    p = subparsers.add_parser(
        "plan",
        help="plan a case: the ordered cooperation steps, articles, channels, deadlines and drafts",
        description="From one case file, the legal basis with each requested State and the ordered steps of "
        "cooperation, each with its articles, channel, conditions, deadline and the request to draft.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--case", metavar="FILE", help="the case file (YAML; see --example and docs/case-file.md)")
    p.add_argument("--example", action="store_true", help="print an example case file")
    p.add_argument("--json", action="store_true", help="print the plan as JSON")
    p.add_argument("--today", type=_date, metavar="DATE", help="plan as of this date (default: today)")
    p.add_argument("--mark", nargs=2, metavar=("STEP", "STATUS"), help="record a step as sent, answered or refused")
    p.add_argument("--on", type=_date, metavar="DATE", help="with --mark: the date (default: the plan date)")
    p.add_argument("--note", help="with --mark: a short note kept in the case log")
    p.add_argument("--ics", metavar="FILE", help="write the open deadlines as an iCalendar file")
    p.add_argument("--drafts", metavar="DIR", help="write every request the plan calls for into this folder")
    p.add_argument(
        "--lang",
        choices=LANGUAGES,
        help="with --drafts: language of the templates' wording (default: the case file's 'language:', else en)",
    )
    p.add_argument("--force", action="store_true", help="replace existing --ics or --drafts files")
    p.set_defaults(handler=cmd_plan)


def _refuse_conflicts(args: argparse.Namespace) -> None:
    if args.example and (args.case or args.mark or args.ics or args.drafts or args.json):
        raise InvalidInput("--example prints an example case file; use it alone.")
    if not args.example and not args.case:
        raise InvalidInput("Give --case FILE; start from `uncc plan --example > case.yaml`.")
    if (args.on or args.note) and not args.mark:
        raise InvalidInput("--on and --note go with --mark STEP STATUS.")
    if args.lang and not args.drafts:
        raise InvalidInput("--lang goes with --drafts DIR: it is the language of the drafts.")


def _mark(args: argparse.Namespace, planner: Planner, casefile: CaseFile, warnings: list[str], today: dt.date) -> None:
    number, status = args.mark
    if not number.isdigit():
        raise InvalidInput(f"--mark takes a step number first, e.g. --mark 2 sent; got {number!r}.")
    if status not in ("sent", "answered", "refused"):
        raise InvalidInput(f"--mark STATUS must be sent, answered or refused; got {status!r}.")
    on = args.on or today
    if on > today:
        raise InvalidInput(f"--on {on.isoformat()} is after the plan date {today.isoformat()}.")
    step = planner.plan(casefile, today, warnings).step(int(number))
    mark_step(Path(args.case), step.id, status, on, args.note)
    print(f"Step {step.order} ({step.id}) marked {status} on {on.isoformat()} in {args.case}.", file=sys.stderr)


def _print_plan(plan: Plan) -> None:
    ref = plan.case.get("reference") or "case"
    due = [s for s in plan.steps if s.status in OPEN and s.deadline is not None and s.deadline <= plan.date]
    head = f"Plan for {ref} ({plan.case['requesting_state']}), {plan.date.isoformat()}."
    if plan.next is not None:
        head += f" Next: step {plan.next}."
    if plan.overdue:
        head += f" Overdue: {', '.join(str(s.order) for s in plan.overdue)}."
    elif due:
        head += f" Due now: {', '.join(str(s.order) for s in due)}."
    print(head)
    for warning in plan.warnings[:1] if plan.missing else []:
        print(f"\n{warning}")
    if plan.legal_basis.states:
        print("\nLegal basis")
        for basis in plan.legal_basis.states:
            print(f"  {basis.state}: convention {basis.convention}. {basis.text}")
            print(f"    Other bases to check: {'; '.join(basis.other_bases)}.")
    if plan.steps:
        print("\nSteps")
    for s in plan.steps:
        when = f", due {s.deadline.isoformat()}" if s.deadline and s.status in OPEN else ""
        done = f" on {s.done_on.isoformat()}" if s.done_on else ""
        print(f"{s.order:>3}. [{s.status}{done}{when}] {s.action}")
        articles = ", ".join(str(a) for a in s.articles)
        draft = f" · draft: uncc draft {s.draft}" if s.draft else ""
        print(f"     Art. {articles} · channel: {s.channel}{draft}")
        for req in s.requires if s.id != "legal-basis" else []:
            print(f"     - {req}")
        print(f"     Why: {s.why}")
        for warning in s.warnings:
            print(f"     ! {warning}")
    if plan.domestic:
        print("\nIn your own State")
        for note in plan.domestic:
            arts = f" (arts. {', '.join(str(a) for a in note.articles)})" if note.articles else ""
            print(f"  - {note.text}{arts}")
    rest = plan.warnings[1:] if plan.missing else plan.warnings
    if rest:
        print("\nWarnings")
        for warning in rest:
            print(f"  ! {warning}")


def write_drafts(
    plan: Plan, casefile: CaseFile, folder: Path, settings: Settings, force: bool, language: str | None = None
) -> list[str]:
    """Every request the plan calls for, as Markdown in `folder` (wording in `language`, else the case file's);
    one line per file with its check."""
    folder = folder.expanduser()
    if folder.exists() and not folder.is_dir():
        raise DraftError(f"{folder} is a file; give a folder for --drafts.")
    drafts = plan_drafts(plan, casefile, settings, language)  # all made and checked before any file is written
    clash = [name for name, _ in drafts if (folder / name).exists()]
    if clash and not force:
        raise DraftError(f"{folder / clash[0]} already exists; add --force to replace the drafts.")
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for name, draft in drafts:
        atomic_write(folder / name, lambda fh, d=draft: fh.write(d.markdown.encode("utf-8")), force=True)
        lines.append(f"{folder / name}: {draft.report.summary}")
    return lines


def cmd_plan(args: argparse.Namespace, settings: Settings) -> int:
    """Handle `uncc plan`."""
    _refuse_conflicts(args)
    if args.example:
        sys.stdout.write((settings.knowledge_dir / EXAMPLE).read_text(encoding="utf-8"))
        return 0
    today = args.today or dt.date.today()
    casefile, warnings = read_casefile(Path(args.case), settings)
    planner = Planner.from_settings(settings)
    if args.mark:
        _mark(args, planner, casefile, warnings, today)
        casefile, warnings = read_casefile(Path(args.case), settings)
    plan = planner.plan(casefile, today, warnings)
    if args.ics:
        atomic_write(Path(args.ics), lambda fh: fh.write(plan_calendar(plan)), force=args.force)
        print(f"Wrote {args.ics}", file=sys.stderr)
    if args.drafts:
        for line in write_drafts(plan, casefile, Path(args.drafts), settings, args.force, args.lang):
            print(line, file=sys.stderr)
    if args.json:
        print(json.dumps(plan.model_dump(mode="json"), indent=2, ensure_ascii=False))
    else:
        _print_plan(plan)
    return 0
