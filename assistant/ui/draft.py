"""The Draft tab's logic: widgets from a request type's form, form values to a case, the checklist, the files.

Everything goes through `assistant.drafting`'s public API; nothing here touches Gradio. A form field becomes
a text box, a drop-down or a yes/no choice; what the user typed becomes a case mapping that the drafting API
validates, checks and renders. Nothing the user typed is lost without asking: replacing a form that has
content needs a confirmation, and files prepared from an earlier state of the form are withdrawn as soon as
it changes.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from assistant import drafting
from assistant.drafting import CheckReport, FieldSpec, FormSpec
from assistant.drafting.case import MAX_CASE_BYTES, CaseDoc, parse_case
from assistant.errors import DraftError
from assistant.settings import Settings
from assistant.ui.guard import error_html

YES, NO = "yes", "no"
LIST_HINT = "One item per line."
FORM_SOURCE = "This form"  # how validation messages name the case the user is filling in
FILE_FORMATS = ("docx", "pdf", "md")  # in the order the downloads list them
DOWNLOAD_HINT = "Click ⇣ beside a file above to download it."
FILES_READY = f"Files ready: Word, PDF and Markdown. {DOWNLOAD_HINT}"
FILES_STALE = "The form changed, so the files prepared earlier were withdrawn: prepare them again."
CONFIRM_EXAMPLE = (
    "**Replace what you typed with the example?** The form already has content, and the fictitious example "
    "would overwrite every field of it."
)


@dataclass(frozen=True)
class Widget:
    """How one form field is shown."""

    name: str
    label: str  # with a '*' when required
    info: str  # help text and what the element rests on
    kind: Literal["textbox", "dropdown", "radio"]
    lines: int = 1
    choices: tuple[str, ...] = ()
    placeholder: str = ""


@dataclass(frozen=True)
class PreparedFiles:
    """The files of one draft, ready to download, and the completeness report they were made with."""

    paths: list[Path]
    report: CheckReport

    @property
    def status(self) -> str:
        return files_status(self.report)


@dataclass(frozen=True)
class DraftView:
    """What the tab shows for the current form values."""

    checklist: str  # HTML
    preview: str  # Markdown
    ok: bool  # False when a field value is invalid


def widget(spec: FieldSpec) -> Widget:
    """The widget of one field: required marker, help text and basis come from the form."""
    label = f"{spec.label} *" if spec.required else spec.label
    info = " ".join(part for part in (spec.help, f"Basis: {spec.basis.label}.") if part)
    if spec.type == "choice":
        return Widget(spec.name, label, info, "dropdown", choices=spec.choices)
    if spec.type == "bool":
        return Widget(spec.name, label, info, "radio", choices=(YES, NO))
    if spec.type == "date":
        return Widget(spec.name, label, info, "textbox", placeholder="YYYY-MM-DD")
    if spec.type == "list":
        return Widget(spec.name, label, f"{info} {LIST_HINT}", "textbox", lines=3)
    return Widget(spec.name, label, info, "textbox", lines=4 if spec.type == "long_text" else 1)


def widgets(form: FormSpec) -> list[Widget]:
    return [widget(f) for f in form.fields]


def case_from_values(form: FormSpec, values: Sequence[Any]) -> dict[str, Any]:
    """The case mapping for the form's values, in field order; blank fields are left out (not given)."""
    case: dict[str, Any] = {}
    for spec, value in zip(form.fields, values, strict=True):
        converted = _from_widget(spec, value)
        if converted is not None:
            case[spec.name] = converted
    return case


def _from_widget(spec: FieldSpec, value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if spec.type == "bool":
        return {YES: True, NO: False}.get(str(value), value)  # anything else is refused by the case check
    if spec.type == "list":
        items = [line.strip().removeprefix("- ").strip() for line in str(value).splitlines()]
        return [i for i in items if i]
    return value.strip() if isinstance(value, str) else value


def values_from_case(form: FormSpec, case: dict[str, Any]) -> list[Any]:
    """The widget values showing a case, e.g. the example case of a type."""
    return [_to_widget(spec, case.get(spec.name)) for spec in form.fields]


def _to_widget(spec: FieldSpec, value: Any) -> Any:
    if value is None:
        return None if spec.type in ("choice", "bool") else ""
    if spec.type == "bool":
        return YES if value else NO
    if spec.type == "list":
        return "\n".join(str(v) for v in (value if isinstance(value, list) else [value]))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def draft_view(settings: Settings, request_type: str, values: Sequence[Any]) -> DraftView:
    """Checklist and preview for the current values; an invalid value is explained in the checklist."""
    form = drafting.form(request_type, settings)
    case = case_from_values(form, values)
    try:
        markdown, report = drafting.draft_markdown(request_type, CaseDoc(data=case, source=FORM_SOURCE), settings)
    except DraftError as exc:
        problem = _with_labels(form, str(exc))
        return DraftView(
            error_html(problem) + checklist_html(form, case, None),
            "_Fix the fields marked in the checklist to update the preview._",
            ok=False,
        )
    return DraftView(checklist_html(form, case, report), markdown, ok=True)


def _with_labels(form: FormSpec, message: str) -> str:
    """Validation messages name fields by their key; the form shows labels."""
    for spec in form.fields:
        message = message.replace(f"'{spec.name}'", f"'{spec.label}'")
    return message


def checklist_html(form: FormSpec, case: dict[str, Any], report: CheckReport | None) -> str:
    """Every element of the request, in order: given, missing, weak or optional, each with its basis."""
    items = {i.field: i for i in report.items} if report else {}
    head = f'<div class="uncc-check-summary uncc-{report.status}">{html.escape(report.summary)}</div>' if report else ""
    rows = []
    for spec in form.fields:
        item = items.get(spec.name)
        if item is not None:  # a missing item's message repeats the label and basis shown beside it anyway
            status, note = item.problem, "missing" if item.problem == "missing" else item.message
        elif spec.name in case:
            status, note = "given", ""
        else:
            status, note = ("missing", "") if spec.required and report is None else ("optional", "optional, not given")
        mark = {"given": "✓", "missing": "✗", "weak": "!", "optional": "○"}[status]
        basis = spec.basis.label + (f": {spec.basis.note}" if spec.basis.note else "")
        rows.append(
            f'<li class="uncc-check uncc-check-{status}" data-field="{spec.name}">'
            f'<span class="uncc-mark">{mark}</span> '
            f"<strong>{html.escape(spec.label)}</strong>{' *' if spec.required else ''}"
            f"{f' — {html.escape(note)}' if note else ''}"
            f'<div class="uncc-basis">Basis: {html.escape(basis)}</div></li>'
        )
    return f'{head}<ul class="uncc-checklist">{"".join(rows)}</ul>'


def prepare_files(settings: Settings, request_type: str, values: Sequence[Any], folder: Path) -> PreparedFiles:
    """The draft as DOCX, PDF and Markdown in `folder` (a fresh per-request folder the caller owns), each named
    after the request and its reference, e.g. 'preservation_PP-CYB-2026-0147.docx'."""
    form = drafting.form(request_type, settings)
    case = CaseDoc(data=case_from_values(form, values), source=FORM_SOURCE)
    try:
        result = drafting.draft(request_type, case, settings)
        paths = [
            drafting.save(result, folder / drafting.file_name(result, fmt), fmt, force=True, settings=settings)
            for fmt in FILE_FORMATS
        ]
    except DraftError as exc:
        raise DraftError(_with_labels(form, str(exc))) from None
    return PreparedFiles(paths, result.report)


def write_files(settings: Settings, request_type: str, values: Sequence[Any], folder: Path) -> list[Path]:
    """The paths of `prepare_files`: DOCX, PDF and Markdown."""
    return prepare_files(settings, request_type, values, folder).paths


def files_status(report: CheckReport) -> str:
    """The status line under the downloads: ready, or how many gaps the files still mark."""
    if report.complete:
        return FILES_READY
    gaps = len(report.items)
    counts = ", ".join(f"{n} {kind}" for n, kind in ((len(report.missing), "missing"), (len(report.weak), "weak")) if n)
    return (
        f"**Draft with {gaps} gap{'s' if gaps != 1 else ''}** ({counts}): the files mark each missing element "
        f"[MISSING: …]; the checklist lists them all. {DOWNLOAD_HINT}"
    )


def needs_confirmation(form: FormSpec, current: Sequence[Any], replacement: Sequence[Any]) -> bool:
    """Whether putting `replacement` into the form would lose something typed: the form has content, and it
    differs from the replacement."""
    now = case_from_values(form, current)
    return bool(now) and now != case_from_values(form, replacement)


def example_values(settings: Settings, request_type: str) -> list[Any]:
    """The widget values of the type's fictitious example case."""
    return values_from_case(drafting.form(request_type, settings), drafting.example_case(request_type, settings))


def draft_api(settings: Settings, request_type: str, case_text: str) -> tuple[str, dict[str, Any]]:
    """The `/draft` endpoint: a type and a case as YAML or JSON text -> the Markdown and the completeness report."""
    if not isinstance(case_text, str):
        raise DraftError("The case must be YAML or JSON text.")
    if len(case_text.encode("utf-8", "replace")) > MAX_CASE_BYTES:
        raise DraftError(f"The case is larger than {MAX_CASE_BYTES // 10**6} MB; summarise it.")
    doc = parse_case(case_text, source="case")  # YAML; JSON objects are YAML too
    markdown, report = drafting.draft_markdown(request_type, doc, settings)
    return markdown, report.model_dump(mode="json")


def form_intro(form: FormSpec) -> str:
    """The Markdown above a form: what the request is for and what it rests on."""
    return f"**{form.title}** ({form.legal_basis.label}). {form.summary}\n\nFields marked * are required."
