"""The acknowledgement that asks for what the request lacks, rendered from `prompts/review/reply.md.j2` and
written as Markdown, Word or PDF by the drafting desk's exporters (the format follows the file name; the
write is atomic and never replaces an existing file unless asked)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2

from assistant.drafting import export
from assistant.drafting.checker import CheckReport
from assistant.drafting.forms import FieldSpec, FormSpec
from assistant.drafting.render import Draft, load_template
from assistant.drafting.wording import load_wording
from assistant.errors import KnowledgeError
from assistant.review.elements import describe
from assistant.review.matcher import load_checks
from assistant.review.model import ElementResult, Review

TEMPLATE = "reply.md.j2"
VARIABLES = frozenset({"form", "items", "addressee", "reference", "today"})
FILL_IN = "**[{what}]**"
SHORT = 160  # a value longer than this is a sentence, not a name or a reference


@dataclass(frozen=True)
class ReplyItem:
    label: str
    status: str
    note: str
    ask: str  # what to give: the form's help text
    why: str  # why it is needed: the basis of the element


def why_needed(field: FieldSpec) -> str:
    """'listed among the contents of a request ... (art. 40)' or 'recommended by <source>'."""
    basis = field.basis
    if basis.article is not None:
        arts = ", ".join(str(a) for a in basis.articles)
        where = f"art. {arts}" if len(basis.articles) == 1 else f"arts. {arts}"
        return f"{basis.note} ({where})" if basis.note else f"required by {where}"
    note = f"; {basis.note}" if basis.note else ""
    return f"recommended by the {basis.source}{note}"


def _value(element: ElementResult | None) -> str | None:
    """A short value the request gives for an element (its reference, its sender), for the reply's header."""
    if element is None or element.status != "present" or not element.evidence or element.via != "heading":
        return None  # only a value under its own heading or label ("Reference: ..."), never a sentence
    text = element.evidence.strip().rstrip(".;,")
    return re.sub(r"^(\s*)#", r"\1\\#", text) if len(text) <= SHORT else None


@cache
def _template(prompts_dir: Path) -> jinja2.Template:
    """The reply's template, checked and compiled once per process (compiling it cost about 50 ms a review)."""
    return load_template(prompts_dir / "review", TEMPLATE, VARIABLES, VARIABLES)


def render_reply(form: FormSpec, elements: list[ElementResult], prompts_dir: Path, today: dt.date | None = None) -> str:
    """The reply in Markdown: exactly the required elements that are missing or unclear, each with its reason."""
    template = _template(prompts_dir)
    by_id = {e.id: e for e in elements}
    weak = load_checks(prompts_dir).weak_note  # our own doubt, not a reason to give the requesting State
    items = [
        ReplyItem(
            e.label,
            e.status,
            "" if e.note == weak else e.note,
            describe(form.field(e.id)),
            why_needed(form.field(e.id)),
        )
        for e in elements
        if e.required and e.status != "present"
    ]
    day = today or dt.date.today()
    try:
        text = template.render(
            form=form,
            items=items,
            addressee=_value(by_id.get("requesting_authority")) or FILL_IN.format(what="requesting authority"),
            reference=_value(by_id.get("reference")) or FILL_IN.format(what="their reference"),
            today=load_wording(prompts_dir, "en").date(day),  # the reply is in English, like the review
        )
    except jinja2.TemplateError as exc:
        raise KnowledgeError(f"{template.filename}: cannot be rendered ({exc}); fix the template.") from None
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def write_reply(review: Review, path: Path, force: bool = False) -> Path:
    """The reply as Markdown (.md), Word (.docx) or PDF (.pdf), as the file name says, written atomically."""
    title = f"Acknowledgement: {review.title}"
    # The exporters take a draft: the reply is one, with nothing left to check.
    report = CheckReport(type=review.type, title=title, status="complete", required=0, present=0)
    draft = Draft(type=review.type, title=title, markdown=review.reply, report=report)
    return export.write(draft, Path(path).expanduser(), force=force)
