"""Render a case into a Markdown draft through its wording template (`prompts/drafting/<type>.md.j2`).

Each form field reaches the template as a top-level variable holding a `FieldValue`: printing it gives the
value, or a visible `[MISSING: <label> (Art. 42)]` marker for a required element that is not given, so a gap
can never disappear silently. The fixed wording comes from the draft's language (`wording.py`: `t("key")` in a
template; dates and yes/no in that language too); the values stay as the user wrote them, and the markers stay
in English, the language of the forms. Templates are checked when loaded: they may use only the form's fields
and wording keys that exist, and must use every required field. A line break inside a value is kept: it
becomes a Markdown hard break (two spaces before the newline), which every output format honours.

After the request come the closing block (place, date, name and signature, then the list of annexes, from
`_closing.md.j2`, filled from the case file's `closing:` section) and the annexes themselves. `blocks` and
`spans` read the Markdown back for the DOCX and PDF writers, so the three formats share one source of wording.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Set
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import jinja2
from jinja2 import meta, nodes
from pydantic import BaseModel, ConfigDict, Field

from assistant.drafting.case import Closing
from assistant.drafting.checker import CheckReport, is_present
from assistant.drafting.forms import FieldSpec, FormSpec
from assistant.drafting.wording import PrintLabels, Wording, english_labels
from assistant.errors import KnowledgeError
from assistant.glossary import Lang

SECTION = re.compile(r"^## (?!#)", re.M)
BLANK_RUNS = re.compile(r"\n{3,}")
SINGLE_NEWLINE = re.compile(r"(?<!\n)[ \t]*\n(?!\n)")
HARD_BREAK = "  \n"  # Markdown: a line ending in two spaces breaks the line without ending the paragraph
BLANK = "_" * 32  # a line to fill in by hand on the printed request
REQUEST_DATE_FIELD = "date_of_request"  # a form's own field for the date the request bears, where it has one
WORDING = "t"  # the templates' name for the fixed wording: t("key", placeholder=value)


class Draft(BaseModel):
    """A rendered request: the Markdown text (closing block and annex included), the completeness report behind
    it, and what a printed copy shows outside the text: the letterhead, the reference and date in the header."""

    model_config = ConfigDict(frozen=True)

    type: str
    title: str
    markdown: str
    report: CheckReport
    closing: str = ""  # the part of `markdown` after the request: place, date, signature, list of annexes
    annex: str = ""  # the tail of `markdown` that holds the annexes (a printed copy starts it on a new page)
    letterhead: str = ""  # the requesting authority, line breaks as given
    reference: str = ""  # the requesting authority's file reference, as given
    date: str = ""  # the date of the request when given, as printed
    dated: dt.date | None = None  # the date it bears: the closing block's, else the form's date of the request
    language: Lang = "en"  # of the fixed wording; the user's own text is as written
    labels: PrintLabels = Field(default_factory=english_labels)  # header and footer words in that language

    @property
    def body(self) -> str:
        """The Markdown of the request itself, before its closing block and annexes."""
        tail = self.closing + "\n" + self.annex if self.closing and self.annex else self.closing + self.annex
        if tail and self.markdown.endswith(tail):
            return self.markdown[: len(self.markdown) - len(tail)]
        return self.markdown


def marker(spec: FieldSpec) -> str:
    return f"[MISSING: {spec.label} ({spec.basis.label})]"


def _display(value: Any, wording: Wording) -> str:
    if isinstance(value, dt.date):
        return wording.date(value)
    if isinstance(value, bool):
        return wording.text("words.yes" if value else "words.no")
    # A line of case text that starts with '#' would become a heading of the draft: escape it.
    text = re.sub(r"^(\s*)#", r"\1\\#", str(value), flags=re.M)
    # An address or a list of accounts typed on several lines stays on several lines.
    return SINGLE_NEWLINE.sub(HARD_BREAK, text)


class FieldValue:
    """What a template sees for one field."""

    def __init__(self, spec: FieldSpec, value: Any, wording: Wording) -> None:
        self.spec = spec
        self.wording = wording
        self.present = is_present(value)
        self.value = value if self.present else None

    @property
    def items(self) -> list[str]:
        """The display strings of a list field (empty when not given)."""
        return [_display(v, self.wording) for v in self.value if is_present(v)] if self.present else []

    def _gap(self) -> str:
        return marker(self.spec) if self.spec.required else ""

    def __str__(self) -> str:
        if not self.present:
            return self._gap()
        return "; ".join(self.items) if self.spec.type == "list" else _display(self.value, self.wording)

    def bullets(self) -> str:
        """A list field as Markdown bullets, or the marker."""
        if not self.present:
            return self._gap()
        return "\n".join("- " + item.replace("\n", "\n  ") for item in self.items)  # an item's lines stay in it

    def say(self, if_true: str, if_false: str = "") -> str:
        """For a bool field: the sentence matching the answer, or the marker."""
        if not self.present:
            return self._gap()
        return if_true if self.value else if_false


def _environment(folder: Path) -> jinja2.Environment:
    # Markdown, not HTML: nothing to escape for a browser; StrictUndefined turns a typo into an error.
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _wording_keys(tree: nodes.Template) -> set[str]:
    """The keys of every t("key") a template asks for by name."""
    return {
        call.args[0].value
        for call in tree.find_all(nodes.Call)
        if isinstance(call.node, nodes.Name)
        and call.node.name == WORDING
        and call.args
        and isinstance(call.args[0], nodes.Const)
    }


def load_template(
    folder: Path, name: str, allowed: Set[str], needed: Set[str] = frozenset(), wording: Wording | None = None
) -> jinja2.Template:
    """A template whose variables are within `allowed` and include all of `needed`, and, with `wording`, whose
    t("key") calls all name wording that exists."""
    env = _environment(folder)
    path = folder / name
    try:
        source = path.read_text(encoding="utf-8")
        tree = env.parse(source)
        used = meta.find_undeclared_variables(tree)
    except OSError as exc:
        raise KnowledgeError(f"{path}: wording template missing or unreadable; restore it from git.") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise KnowledgeError(f"{path}:{exc.lineno}: template syntax error ({exc.message}).") from exc
    if used - allowed:
        raise KnowledgeError(f"{path}: uses {sorted(used - allowed)}, which the form does not define.")
    if needed - used:
        raise KnowledgeError(f"{path}: never prints the required elements {sorted(needed - used)}.")
    unknown = sorted(_wording_keys(tree) - set(wording.strings)) if wording else []
    if unknown:
        raise KnowledgeError(f"{path}: asks for wording {unknown}, which prompts/drafting/i18n/ does not define.")
    return env.get_template(name)


def number_sections(markdown: str) -> str:
    """Number the '## ' sections 1, 2, 3 ...: conditional sections would break hand-written numbers."""
    counter = iter(range(1, 1000))
    return SECTION.sub(lambda _: f"## {next(counter)}. ", markdown)


def wording_call(wording: Wording, form: FormSpec) -> Any:
    """The templates' t(key, **values): `{article}` is the form's legal basis, cited in the draft's language."""
    basis = wording.article(form.legal_basis.article) if form.legal_basis.article else ""
    return lambda key, **values: wording.text(key, **({"article": basis} | values))


def render_body(form: FormSpec, case: BaseModel, prompts_dir: Path, wording: Wording) -> str:
    """The request itself in the language of `wording`, sections numbered, without the annex."""
    names = {f.name for f in form.fields}
    template = load_template(
        prompts_dir / "drafting",
        f"{form.type}.md.j2",
        names | {"form", WORDING},
        {f.name for f in form.required},
        wording,
    )
    values = {f.name: FieldValue(f, getattr(case, f.name), wording) for f in form.fields}
    try:
        text = template.render(form=form, t=wording_call(wording, form), **values)
    except jinja2.TemplateError as exc:  # a fault in our template, not in the user's case
        raise KnowledgeError(f"{template.filename}: cannot be rendered ({exc}); fix the template.") from None
    return number_sections(BLANK_RUNS.sub("\n\n", text).strip() + "\n")


def annex_titles(annex: str, wording: Wording) -> list[str]:
    """The names of the annexes, from their '## Annex: <name>' headings (in the draft's language), e.g.
    ['Provenance of the elements ...']."""
    before, _, after = wording.strings["annex.heading"].partition("{name}")
    found = re.finditer(rf"^## (?:\d+\. )?{re.escape(before)}(.+){re.escape(after)}$", annex, re.M)
    return [m.group(1).strip()[:1].upper() + m.group(1).strip()[1:] for m in found]


def _plain(form: FormSpec, case: BaseModel, name: str) -> str:
    """A text field's value as given (line breaks kept), or '' when the form has no such field or it is blank."""
    if name not in {f.name for f in form.fields}:
        return ""
    value = getattr(case, name)
    return str(value).strip() if is_present(value) and not isinstance(value, list) else ""


def render_closing(
    form: FormSpec, case: BaseModel, prompts_dir: Path, annexes: list[str], closing: Closing, wording: Wording
) -> str:
    """The closing block from `_closing.md.j2`: place, date, name and signature (blank lines where not known),
    one signature block per party for an agreement with a 'parties' list, then the list of annexes."""
    names = {"form", "place", "date", "signatory", "parties", "annexes", "blank", WORDING}
    template = load_template(prompts_dir / "drafting", "_closing.md.j2", names, {"annexes", "blank"}, wording)
    has_parties = "parties" in {f.name for f in form.fields}
    parties = FieldValue(form.field("parties"), case.parties, wording).items if has_parties else []
    text = template.render(
        form=form,
        t=wording_call(wording, form),
        place=_display(closing.place, wording) if closing.place.strip() else "",
        date=wording.date(closing.date) if closing.date else "",
        signatory=_display(closing.signatory, wording) if closing.signatory.strip() else "",
        parties=parties,
        annexes=annexes,
        blank=BLANK,
    )
    return BLANK_RUNS.sub("\n\n", text).strip() + "\n"


def request_date(form: FormSpec, case: BaseModel, closing: Closing) -> dt.date | None:
    """The date a request bears: the closing block's, else the form's own date of the request (mla has one)."""
    if closing.date:
        return closing.date
    value = getattr(case, REQUEST_DATE_FIELD) if REQUEST_DATE_FIELD in {f.name for f in form.fields} else None
    return value if isinstance(value, dt.date) else None


def letter_parts(form: FormSpec, case: BaseModel, closing: Closing, wording: Wording) -> dict[str, Any]:
    """What a printed copy shows outside the text: letterhead, reference and date (each '' when not given), the
    date the request bears (for its file name), and the language with its header and footer words."""
    return {
        "letterhead": _plain(form, case, "requesting_authority"),
        "reference": _plain(form, case, "reference"),
        "date": wording.date(closing.date) if closing.date else "",
        "dated": request_date(form, case, closing),
        "language": wording.code,
        "labels": wording.labels,
    }


MAX_LETTERHEAD_LINES = 6
MAX_LETTERHEAD_CHARS = 400
MAX_HEADER_REFERENCE_CHARS = 80


def letterhead_lines(draft: Draft) -> list[str]:
    """The letterhead block of a printed copy: the requesting authority as given, kept to a few lines (the full
    text is in the request itself), or no lines when it is not given."""
    text = draft.letterhead.strip()
    if len(text) > MAX_LETTERHEAD_CHARS:
        text = text[:MAX_LETTERHEAD_CHARS].rsplit(" ", 1)[0] + " …"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_LETTERHEAD_LINES:  # the rest joins the last line rather than being dropped
        lines = [*lines[: MAX_LETTERHEAD_LINES - 1], " ".join(lines[MAX_LETTERHEAD_LINES - 1 :])]
    return lines


def header_text(draft: Draft) -> str:
    """The page header of a printed copy: the reference (a blank to fill when not given) and the date if known."""
    reference = " ".join(draft.reference.split())
    if len(reference) > MAX_HEADER_REFERENCE_CHARS:
        reference = reference[:MAX_HEADER_REFERENCE_CHARS] + "…"
    parts = [draft.labels.reference.format(reference=reference or BLANK[:20])]
    if draft.date:
        parts.append(draft.labels.date.format(date=draft.date))
    return "   ·   ".join(parts)


# -- reading the Markdown back, for the DOCX and PDF writers ---------------------------------------------------

BlockKind = Literal["h0", "h1", "h2", "para", "bullet", "quote"]
SpanStyle = Literal["", "bold", "italic", "missing"]
INLINE = re.compile(r"(\*\*[^*\n]+?\*\*|\[MISSING: [^\]\n]*\]|(?<![\w*])\*[^*\s][^*\n]*?\*(?![\w*]))")
HEADING = re.compile(r"^(#{1,3}) (.+)$")
ESCAPED_HASH = re.compile(r"\\#")


@dataclass(frozen=True)
class Block:
    """One block of a draft: a heading (h0 the title, h1 a section, h2 a subsection), a paragraph, a bullet or a
    quoted line. A kept line break inside it is a newline in `text`."""

    kind: BlockKind
    text: str


def _joined(lines: list[str]) -> str:
    """The lines of one block: a hard break (a line ending in two spaces) is kept, a soft one becomes a space."""
    out = ""
    for line, following in zip(lines, [*lines[1:], None], strict=True):
        out += line.strip()
        if following is not None:
            out += "\n" if line.endswith("  ") else " "
    return out


def blocks(markdown: str) -> Iterator[Block]:
    """The blocks of the Markdown the wording templates produce: '#'-'###' headings, paragraphs, '- ' bullets
    (continued on lines indented by two spaces) and '> ' quotations."""
    kind: BlockKind = "para"
    buf: list[str] = []
    for line in markdown.splitlines():
        heading = HEADING.match(line)
        starts_block = heading or not line.strip() or line.startswith(("- ", ">"))
        ends_bullet = kind == "bullet" and not line.startswith("  ")
        if buf and (starts_block or ends_bullet):
            yield Block(kind, _joined(buf))
            kind, buf = "para", []
        if heading:
            level = len(heading.group(1)) - 1
            yield Block("h0" if level == 0 else "h1" if level == 1 else "h2", heading.group(2).strip())
        elif line.startswith("- "):
            kind, buf = "bullet", [line[2:]]
        elif line.startswith(">"):
            if line[1:].strip():
                yield Block("quote", line[1:].strip())
        elif line.strip():
            buf.append(line)
    if buf:
        yield Block(kind, _joined(buf))


def unescape(text: str) -> str:
    return ESCAPED_HASH.sub("#", text)


def spans(text: str) -> Iterator[tuple[SpanStyle, str]]:
    """The inline parts of a block: **bold**, *italic*, [MISSING: ...] markers and plain text."""
    for part in INLINE.split(unescape(text)):
        if not part:
            continue
        if part.startswith("[MISSING: "):
            yield "missing", part
        elif part.startswith("**") and part.endswith("**") and len(part) > 4:
            yield "bold", part[2:-2]
        elif INLINE.fullmatch(part):
            yield "italic", part[1:-1]
        else:
            yield "", part
