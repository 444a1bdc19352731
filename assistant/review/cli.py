"""`uncc review`: check an incoming request against the convention and draft the reply.

Exit codes: 0 whenever a review is produced, whatever it finds; 2 for a file that cannot be read or is not a
request. The request's content goes only to stdout (and the reply to the --reply file): never to a log.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

from assistant.drafting import export
from assistant.review.api import Reviewer
from assistant.review.model import Review
from assistant.review.reply import write_reply
from assistant.settings import Settings

EPILOG = """examples:
  uncc review request.pdf
  uncc review request.docx --type preservation
  uncc review request.txt --json
  uncc review request.pdf --reply reply.docx"""
WIDTH = 100
EVIDENCE_CHARS = 160


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `review` command."""
    p = subparsers.add_parser(
        "review",
        help="check an incoming request against the convention and draft the reply",
        description="Read a request you received (PDF with a text layer, DOCX, HTML, TXT or Markdown), tell its "
        "type, check every element of its form (present, unclear or missing, with the passage and the article), "
        "list the points to weigh before executing it, and draft an acknowledgement asking for what is missing.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="FILE", help="the request you received")
    p.add_argument("--type", dest="request_type", metavar="TYPE", help="the request type (default: detected)")
    p.add_argument("--json", action="store_true", help="print the review as JSON")
    p.add_argument("--reply", metavar="FILE", help="write the reply: .docx (Word), .pdf, or Markdown (.md)")
    p.add_argument("--force", action="store_true", help="replace the --reply file if it exists")
    p.set_defaults(handler=cmd_review)


def cmd_review(args: argparse.Namespace, settings: Settings) -> int:
    """Handle `uncc review`."""
    if args.reply:  # a reply that cannot be written is reported before the work of reviewing
        export.output_format(args.reply)
        export.check_target(Path(args.reply).expanduser(), args.force)
    review = Reviewer(settings).review_file(Path(args.file), args.request_type)
    if args.reply:
        written = write_reply(review, Path(args.reply), force=args.force)
        print(f"Wrote the reply to {written}", file=sys.stderr)
    for warning in review.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.json:
        print(json.dumps(review.as_json(), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(render_text(review, with_reply_hint=not args.reply))
    return 0


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EVIDENCE_CHARS else text[: EVIDENCE_CHARS - 1].rsplit(" ", 1)[0] + " …"


def render_text(review: Review, with_reply_hint: bool = True) -> str:
    """The review for a terminal: type, checklist with passages, points to weigh."""
    how = "type given with --type" if review.type_given else f"detected, confidence {review.type_confidence:.2f}"
    lines = [
        f"{review.source}: {review.title} ({how})",
        f"Elements: {review.count('present')} present, {review.count('unclear')} unclear, "
        f"{review.count('missing')} missing ({review.seconds:.1f} s)",
        "",
    ]
    for e in review.elements:
        need = "" if e.required else " (optional)"
        lines.append(f"  {e.status.upper():<8} {e.label}{need} [{e.basis}]")
        if e.note:
            lines.append(f"           {e.note}")
        if e.evidence:
            lines.append(f'           "{_short(e.evidence)}"')
    lines += ["", "Points to weigh before executing:"]
    for c in review.considerations:
        arts = ", ".join(str(a) for a in c.articles)
        label = f"(art. {arts})" if len(c.articles) == 1 else f"(arts. {arts})"
        body = textwrap.fill(f"{c.text} {label}", WIDTH - 4, initial_indent="  - ", subsequent_indent="    ")
        lines.append(body)
    asked = review.asked
    if with_reply_hint:
        lines += [
            "",
            f"Reply: {len(asked)} element(s) to ask for; write it with --reply FILE (.docx, .pdf or .md)."
            if asked
            else "Reply: nothing to ask for; --reply FILE writes the acknowledgement.",
        ]
    return "\n".join(lines) + "\n"
