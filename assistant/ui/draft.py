"""The Draft tab's logic: widgets from a request type's form, form values to a case, the checklist, the files.

Everything goes through `assistant.drafting`; nothing here touches Gradio. A form field becomes a text box, a
drop-down or a yes/no choice, and every form ends with the closing block's three text boxes (place, date and
signatory: the case file's `closing:` section); what the user typed becomes a case mapping that the drafting API
validates, checks and renders. Nothing the user typed is lost without asking: replacing a form that has content needs a
confirmation, files prepared from an earlier state of the form are withdrawn as soon as it changes, the forms
are autosaved in the browser (and offered back on return), and a form is saved and opened as the YAML case file
that `uncc draft TYPE --case FILE` reads.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

from assistant import drafting
from assistant.drafting import CheckReport, FieldSpec, FormSpec
from assistant.drafting.case import CLOSING, MAX_CASE_BYTES, CaseDoc, parse_case, validate_case, validate_request
from assistant.drafting.casefile import CaseFile, is_casefile, load_casefile
from assistant.drafting.from_case import case_for_request, states_for
from assistant.errors import DraftError
from assistant.prompts import PROMPTS, checked_wording
from assistant.settings import Settings
from assistant.ui.guard import error_html

YES, NO = "yes", "no"
LIST_HINT = "One item per line."
FORM_SOURCE = "This form"  # how validation messages name the case the user is filling in
FILE_FORMATS = ("docx", "pdf", "md")  # in the order the downloads list them
DOWNLOAD_HINT = "Click ⇣ beside a file above to download it."
FILES_READY = f"Files ready: Word, PDF and Markdown. {DOWNLOAD_HINT}"
FILES_STALE = "The form changed, so the files prepared earlier were withdrawn: prepare them again."
# The desk's wording in prompts/ui.yaml, and the placeholders each entry must have.
DESK_TEXT = {
    "save_case": set(),
    "open_case": set(),
    "choose_state": set(),
    "replace_with_case": set(),
    "case_saved": {"name", "type"},
    "restore_draft": set(),
    "discard_draft": set(),
    "draft_found": {"saved", "forms"},
    "draft_migrated": {"dropped"},
    "draft_unreadable": set(),
    "restore_clash": {"forms"},
    "draft_restored": set(),
    "draft_discarded": set(),
    "case_restored": {"saved"},
    "case_unreadable": set(),
    "closing_intro": set(),
    "closing_place": set(),
    "closing_place_info": set(),
    "closing_date": set(),
    "closing_date_info": set(),
    "closing_signatory": set(),
    "closing_signatory_info": set(),
}
CLOSING_PARTS = ("place", "date", "signatory")  # the closing block's inputs, after every form's own fields
CONFIRM_EXAMPLE = (
    "**Replace what you typed with the example?** The form already has content, and the fictitious example "
    "would overwrite every field of it."
)


@cache
def desk_texts(folder: Path = PROMPTS) -> dict[str, str]:
    """The desk's wording from prompts/ui.yaml, checked: each key present, each with exactly its placeholders."""
    return checked_wording(folder / "ui.yaml", DESK_TEXT)


def desk_text(key: str, **values: object) -> str:
    """One of the desk's entries of prompts/ui.yaml with its placeholders filled in."""
    return desk_texts()[key].format(**values)


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


def closing_widgets() -> list[Widget]:
    """The closing block's inputs: place, date and name of the signatory, as every form ends."""
    return [
        Widget(
            f"{CLOSING}_{part}",
            desk_text(f"closing_{part}"),
            desk_text(f"closing_{part}_info"),
            "textbox",
            placeholder="YYYY-MM-DD" if part == "date" else "",
        )
        for part in CLOSING_PARTS
    ]


def widgets(form: FormSpec) -> list[Widget]:
    """The form's inputs in order: one per field, then the closing block's three."""
    return [*(widget(f) for f in form.fields), *closing_widgets()]


def _parts(form: FormSpec, values: Sequence[Any]) -> tuple[list[Any], list[Any]]:
    """The values of the form's own fields, and of the closing block's inputs ('' for those not passed)."""
    own, closing = list(values[: len(form.fields)]), list(values[len(form.fields) :])
    if len(own) != len(form.fields) or len(closing) > len(CLOSING_PARTS):
        raise ValueError(f"{len(values)} values for the {form.type} form's {len(widgets(form))} inputs")
    return own, closing + [""] * (len(CLOSING_PARTS) - len(closing))


def case_from_values(form: FormSpec, values: Sequence[Any]) -> dict[str, Any]:
    """The case mapping for the form's values, in field order, then the `closing:` section; blank fields are left
    out (not given)."""
    own, closing = _parts(form, values)
    case: dict[str, Any] = {}
    for spec, value in zip(form.fields, own, strict=True):
        converted = _from_widget(spec, value)
        if converted is not None:
            case[spec.name] = converted
    given = {p: v.strip() for p, v in zip(CLOSING_PARTS, closing, strict=True) if isinstance(v, str) and v.strip()}
    if given:
        case[CLOSING] = given
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
    """The widget values showing a case, e.g. the example case of a type: its fields, then its closing block."""
    closing = case.get(CLOSING) if isinstance(case.get(CLOSING), dict) else {}
    parts = [closing.get(part) for part in CLOSING_PARTS]
    return [
        *(_to_widget(spec, case.get(spec.name)) for spec in form.fields),
        *("" if v is None else v.isoformat() if isinstance(v, dt.date) else str(v).strip() for v in parts),
    ]


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
    for part, w in zip(CLOSING_PARTS, closing_widgets(), strict=True):
        message = message.replace(f"'{CLOSING}.{part}'", f"'{w.label}'")
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
    after its date, reference and request type, e.g. '2027-03-04_PP-CYB-2026-0147_preservation.docx'."""
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


# -- the case file: save the form as YAML, open a YAML case file into it ----------------------------------------

MAX_UPLOAD_BYTES = 10_000_000  # refused before reading: a request's case file is a few kilobytes
UPLOAD_LIMIT = f"{MAX_UPLOAD_BYTES // 10**6} MB"
CONFIRM_UPLOAD = (
    "**Replace what you typed with the case file {name}?** The form already has content, and the case file "
    "would overwrite every field of it."
)


class _CaseDumper(yaml.SafeDumper):
    """The safe dumper, with text of several lines written as a `|` block (line breaks kept, easy to edit)."""


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_CaseDumper.add_representer(str, _represent_text)


def case_file_text(settings: Settings, request_type: str, values: Sequence[Any], today: dt.date | None = None) -> str:
    """The form as the YAML case file `uncc draft TYPE --case FILE` reads: a comment saying so, then one
    `field: value` per filled field, in the form's order. A form with an invalid value is refused (DraftError,
    naming the field by its label): the file must open again, in the form and in the command line."""
    form = drafting.form(request_type, settings)
    case = case_from_values(form, values)
    if not case:
        raise DraftError("The form is empty: there is nothing to save yet.")
    try:
        _, closing = validate_request(form, CaseDoc(data=case, source=FORM_SOURCE))
    except DraftError as exc:
        raise DraftError(f"{_with_labels(form, str(exc))}\n\nFix it, then save the case file again.") from None
    for spec in form.fields:  # a date written as one is saved as one (unquoted), as the example case files are
        if spec.type == "date" and spec.name in case:
            case[spec.name] = dt.date.fromisoformat(str(case[spec.name]).strip())
    if closing.date:
        case[CLOSING]["date"] = closing.date
    day = (today or dt.date.today()).isoformat()
    head = (
        f"# Case file for `uncc draft {request_type}` ({form.title}), saved from the web app on {day}.\n"
        f"# Open it again in the Draft tab (Open a case file), or run: uncc draft {request_type} --case FILE --check\n"
    )
    body = yaml.dump(case, Dumper=_CaseDumper, sort_keys=False, allow_unicode=True, width=100)
    return head + body


def case_file_name(settings: Settings, request_type: str, values: Sequence[Any]) -> str:
    """'2027-03-04_NCP-2026-0311_preservation_case.yaml': the drafts' own name (date, reference and type), marked
    as the case, so that it sorts beside them."""
    form = drafting.form(request_type, settings)
    result = drafting.draft(request_type, CaseDoc(data=case_from_values(form, values), source=FORM_SOURCE), settings)
    return Path(drafting.file_name(result, "md")).stem + "_case.yaml"


def write_case_file(settings: Settings, request_type: str, values: Sequence[Any], folder: Path) -> Path:
    """The form's case file in `folder` (a fresh per-request folder the caller owns)."""
    text = case_file_text(settings, request_type, values)
    path = folder / case_file_name(settings, request_type, values)
    path.write_text(text, encoding="utf-8")
    return path


def case_saved_status(path: Path, request_type: str) -> str:
    return desk_text("case_saved", name=path.name, type=request_type)


@dataclass(frozen=True)
class OpenedCase:
    """A case file opened for one form: the widget values to show, or the States to choose from first."""

    name: str  # the file's name, for messages
    values: list[Any] | None  # None while a State must be chosen
    notes: tuple[str, ...] = ()  # said beside the form: the State chosen, fields the case file kept but not used
    casefile: CaseFile | None = None  # a whole-case file, kept to fill the form once a State is chosen
    states: tuple[str, ...] = ()  # several: the user chooses

    @property
    def message(self) -> str:
        if self.values is None:
            listed = ", ".join(self.states[:-1]) + f" and {self.states[-1]}"
            return (
                f"**{self.name}** is a whole-case file naming {len(self.states)} States this request could go to: "
                f"{listed}. Choose the requested State below; the form is filled for that State only."
            )
        return " ".join([f"Opened **{self.name}**.", *self.notes])


def read_upload(path: Path) -> str:
    """The text of an uploaded case file; a file too large is refused before it is read."""
    size = path.stat().st_size
    if size > MAX_UPLOAD_BYTES:
        raise DraftError(
            f"{path.name} is {size / 1e6:.1f} MB; a case file must stay under {UPLOAD_LIMIT}. "
            "Nothing was changed in the form."
        )
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise DraftError(f"{path.name} is not UTF-8 text: save the case file as UTF-8 YAML.") from None


def open_case_text(settings: Settings, request_type: str, text: str, name: str) -> OpenedCase:
    """Read a case file for the form of `request_type` with the command line's own reader and checks: a
    single-request file (`uncc draft TYPE --example`) or a whole-case file (with a `case:` section), from which
    the fields of this request are drawn as `uncc draft TYPE --case FILE --state STATE` draws them. Any problem
    raises DraftError naming the field (by its label) and line; the form is then left as it is."""
    form = drafting.form(request_type, settings)
    doc = parse_case(text, source=name)
    if is_casefile(doc.data):
        casefile, warnings = load_casefile(doc)
        states = states_for(casefile, request_type)
        if not states:
            raise DraftError(
                f"{name} is a whole-case file, but it names no other State a {form.title.lower()} could go to "
                "(its data, assets, persons and investigations abroad decide that; see docs/case-file.md)."
            )
        if len(states) > 1:
            return OpenedCase(name, None, tuple(warnings), casefile, tuple(states))
        return state_case(settings, request_type, casefile, states[0], name, warnings)
    return OpenedCase(name, values_from_case(form, _checked(settings, form, doc, name)))


def state_case(
    settings: Settings,
    request_type: str,
    casefile: CaseFile,
    state: str,
    name: str,
    warnings: Sequence[str] = (),
) -> OpenedCase:
    """The form filled from a whole-case file for the request to `state`."""
    form = drafting.form(request_type, settings)
    fields = case_for_request(casefile, request_type, settings.knowledge_dir, state)
    doc = CaseDoc(data=fields, source=f"{name} ({request_type} request to {state})")
    values = values_from_case(form, _checked(settings, form, doc, name))
    notes = [f"Filled for the request to **{state}** from the whole-case file.", *(f"Note: {w}." for w in warnings)]
    return OpenedCase(name, values, tuple(notes))


def _checked(settings: Settings, form: FormSpec, doc: CaseDoc, name: str) -> dict[str, Any]:
    """The case's fields, validated against the form; a file of another request type says which."""
    try:
        validate_case(form, doc)
    except DraftError as exc:
        message = _with_labels(form, str(exc))
        if "unknown field" in message:
            fits = [t for t in drafting.list_types(settings) if t != form.type and _fits(settings, t, doc)]
            if fits:
                message += f"\n\nIt fits the {fits[0]} form: choose that request type, then open it."
        raise DraftError(message) from None
    return doc.data


def _fits(settings: Settings, request_type: str, doc: CaseDoc) -> bool:
    try:
        validate_case(drafting.form(request_type, settings), doc)
    except DraftError:
        return False
    return True


# -- autosave in the browser ------------------------------------------------------------------------------------

AUTOSAVE_VERSION = 1  # the shape below; anything else is from another version of the app


@dataclass(frozen=True)
class Autosaved:
    """What the browser kept of the Draft tab, read back and checked against today's forms."""

    forms: dict[str, list[Any]] = field(default_factory=dict)  # widget values of each form that has content
    current: str | None = None  # the form last edited
    saved: str = ""  # when, as 'YYYY-MM-DD HH:MM' ('' if not said)
    notes: tuple[str, ...] = ()  # what could not be restored: fields or request types the app no longer has
    discarded: bool = False  # the whole autosave was unreadable (another shape) and is dropped


def autosave_entry(form: FormSpec, values: Sequence[Any]) -> dict[str, Any] | None:
    """The form's widget values as typed (not yet validated), by input name (the closing block's included),
    blanks left out; None if empty."""
    if not case_from_values(form, values):
        return None
    own, closing = _parts(form, values)
    return {
        w.name: value
        for w, value in zip(widgets(form), [*own, *closing], strict=True)
        if value is not None and not (isinstance(value, str) and not value.strip())
    }


def autosave_with(saved: Any, form: FormSpec, values: Sequence[Any], now: dt.datetime | None = None) -> dict[str, Any]:
    """The autosave after an edit of one form: that form's entry replaced (removed when empty), the others kept."""
    forms = dict(saved["forms"]) if _is_current(saved) else {}
    entry = autosave_entry(form, values)
    if entry is None:
        forms.pop(form.type, None)
    else:
        forms[form.type] = entry
    return _autosave(forms, form.type if entry is not None else None, now)


def autosave_of(
    forms: Mapping[str, FormSpec],
    values: Mapping[str, Sequence[Any]],
    current: str | None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The autosave of the forms as they are on screen (after "Discard", or a restore)."""
    entries = {t: e for t, v in values.items() if (e := autosave_entry(forms[t], v)) is not None}
    return _autosave(entries, current if current in entries else None, now)


def _autosave(forms: dict[str, Any], current: str | None, now: dt.datetime | None) -> dict[str, Any]:
    when = (now or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    return {"version": AUTOSAVE_VERSION, "saved": when, "current": current, "forms": forms}


def _is_current(saved: Any) -> bool:
    return isinstance(saved, dict) and saved.get("version") == AUTOSAVE_VERSION and isinstance(saved.get("forms"), dict)


def read_autosave(saved: Any, forms: Mapping[str, FormSpec]) -> Autosaved:
    """The autosave the browser sent, checked field by field: nothing the forms cannot show reaches them.

    Nothing saved (None, an empty save): nothing to offer. Another shape (an older or newer version of the
    app): discarded, and said. The current shape is migrated to today's forms: a request type or a field the
    app no longer has, or a value its widget cannot show (a choice no longer offered, a number where text was
    expected), is left out and named in `notes`; the rest is offered."""
    if saved is None or saved == {} or saved == "":
        return Autosaved()
    if not _is_current(saved):
        return Autosaved(discarded=True)
    restored: dict[str, list[Any]] = {}
    notes: list[str] = []
    for request_type, entry in saved["forms"].items():
        form = forms.get(str(request_type))
        if form is None or not isinstance(entry, dict):
            notes.append(f"a form this app no longer has ({str(request_type)[:40]!r})")
            continue
        inputs = widgets(form)
        known = {w.name: i for i, w in enumerate(inputs)}
        values: list[Any] = [None if w.kind != "textbox" else "" for w in inputs]
        dropped = []
        for name, value in entry.items():
            index = known.get(str(name))
            if index is None or not _shows(inputs[index], value):
                dropped.append(str(name)[:40])
                continue
            values[index] = value
        if dropped:
            notes.append(f"{form.type}: {', '.join(repr(d) for d in dropped)}")
        if case_from_values(form, values):
            restored[form.type] = values
    current = saved.get("current") if saved.get("current") in restored else next(iter(restored), None)
    when = saved.get("saved") if isinstance(saved.get("saved"), str) else ""
    return Autosaved(restored, current, when[:16], tuple(notes))


def _shows(w: Widget, value: Any) -> bool:
    """Whether the widget can show `value` as it was typed."""
    if w.kind == "textbox":
        return isinstance(value, str)
    return value is None or value in w.choices


def restore_notice(autosaved: Autosaved, forms: Mapping[str, FormSpec]) -> str:
    """The Markdown of the offer to restore: when it was saved, which forms, how many fields each."""
    parts = [
        f"{forms[t].title} ({n} field{'s' if n != 1 else ''})"
        for t, values in autosaved.forms.items()
        if (n := len(autosave_entry(forms[t], values) or {}))
    ]
    text = desk_text("draft_found", saved=autosaved.saved or "at an unknown time", forms="; ".join(parts))
    if autosaved.notes:
        text += " " + desk_text("draft_migrated", dropped="; ".join(autosaved.notes))
    return text


def restore_conflicts(
    autosaved: Autosaved, forms: Mapping[str, FormSpec], current: Mapping[str, Sequence[Any]]
) -> list[str]:
    """The titles of the forms whose content (typed since the page opened) restoring would replace."""
    return [forms[t].title for t, values in autosaved.forms.items() if needs_confirmation(forms[t], current[t], values)]
