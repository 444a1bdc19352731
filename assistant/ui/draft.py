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
from assistant.drafting import Basis, CheckReport, FieldSpec, FormSpec
from assistant.drafting.case import (
    CLOSING,
    CaseDoc,
    check_file_size,
    parse_case,
    validate_case,
    validate_request,
)
from assistant.drafting.casefile import CaseFile, is_casefile, load_casefile
from assistant.drafting.form_wording import FormWording, load_form_wording
from assistant.drafting.forms import form_types, load_form
from assistant.drafting.from_case import case_for_request, states_for
from assistant.errors import DraftError
from assistant.prompts import PROMPTS, checked_wording
from assistant.settings import Settings
from assistant.ui.guard import error_html
from assistant.ui.i18n import page_text

YES, NO = "yes", "no"
FORM_SOURCE = "This form"  # how validation messages name the case the user is filling in
FILE_FORMATS = ("docx", "pdf", "md")  # in the order the downloads list them
ENGLISH = FormWording("en")  # the forms' own words, as written in knowledge/forms
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


@cache
def desk_texts(folder: Path = PROMPTS) -> dict[str, str]:
    """The desk's wording from prompts/ui.yaml, checked: each key present, each with exactly its placeholders."""
    return checked_wording(folder / "ui.yaml", DESK_TEXT)


def desk_text(key: str, **values: object) -> str:
    """One of the desk's entries of prompts/ui.yaml with its placeholders filled in."""
    return desk_texts()[key].format(**values)


def form_words(settings: Settings, lang: str) -> FormWording:
    """The forms' titles, labels and help lines in the page's language `lang`, checked against every form."""
    return _form_words(settings.knowledge_dir, settings.prompts_dir, lang)


@cache
def _form_words(knowledge_dir: Path, prompts_dir: Path, lang: str) -> FormWording:
    forms = [load_form(knowledge_dir, t) for t in form_types(knowledge_dir)]
    return load_form_wording(knowledge_dir, prompts_dir, forms, lang)


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
    language: str = "en"  # of the draft's fixed wording, and of the page that asked for it

    @property
    def status(self) -> str:
        return files_status(self.report, self.language)


@dataclass(frozen=True)
class DraftView:
    """What the tab shows for the current form values."""

    checklist: str  # HTML
    preview: str  # Markdown
    ok: bool  # False when a field value is invalid


def widget(spec: FieldSpec, words: FormWording = ENGLISH) -> Widget:
    """The widget of one field in the language of `words`: required marker, help text and basis come from the
    form."""
    lang = words.code
    name = words.text(spec.label)
    label = f"{name} *" if spec.required else name
    basis = page_text(lang, "draft_basis_info", basis=basis_text(spec.basis, lang))
    info = " ".join(part for part in (words.text(spec.help) if spec.help else "", basis) if part)
    if spec.type == "choice":
        return Widget(spec.name, label, info, "dropdown", choices=spec.choices)
    if spec.type == "bool":
        return Widget(spec.name, label, info, "radio", choices=(YES, NO))
    if spec.type == "date":
        return Widget(spec.name, label, info, "textbox", placeholder="YYYY-MM-DD")
    if spec.type == "list":
        return Widget(spec.name, label, f"{info} {page_text(lang, 'draft_list_hint')}", "textbox", lines=3)
    return Widget(spec.name, label, info, "textbox", lines=4 if spec.type == "long_text" else 1)


def basis_text(basis: Basis, lang: str = "en") -> str:
    """What an element rests on, in the page's language: 'Art. 48, see also Art. 5' or 'good practice: <source>'
    (a source is named as it calls itself)."""
    if basis.article is None:
        return page_text(lang, "draft_good_practice", source=basis.source)
    also = "".join(page_text(lang, "draft_see_also", number=a) for a in basis.also)  # each with its own comma
    return page_text(lang, "draft_article", number=basis.article) + also


def closing_widgets(lang: str = "en") -> list[Widget]:
    """The closing block's inputs: place, date and name of the signatory, as every form ends."""
    return [
        Widget(
            f"{CLOSING}_{part}",
            page_text(lang, f"closing_{part}"),
            page_text(lang, f"closing_{part}_info"),
            "textbox",
            placeholder="YYYY-MM-DD" if part == "date" else "",
        )
        for part in CLOSING_PARTS
    ]


def widgets(form: FormSpec, words: FormWording = ENGLISH) -> list[Widget]:
    """The form's inputs in order, in the language of `words`: one per field, then the closing block's three."""
    return [*(widget(f, words) for f in form.fields), *closing_widgets(words.code)]


def field_key(request_type: str, name: str, part: Literal["label", "info"]) -> str:
    """The translation key of a field's label or help line (`form_translations`), e.g. 'form:mla:facts:label'."""
    return f"form:{request_type}:{name}:{part}"


def form_translations(settings: Settings) -> dict[str, dict[str, str]]:
    """Every field's label and help line of every form (the closing block's included) by translation key, in
    each of the six languages: the browser shows them in the page's language, and relabels the forms without
    a round trip when the user picks another."""
    forms = [drafting.form(t, settings) for t in drafting.list_types(settings)]
    out: dict[str, dict[str, str]] = {}
    for lang in drafting.LANGUAGES:
        words = form_words(settings, lang)
        out[lang] = {
            field_key(form.type, w.name, part): getattr(w, part)
            for form in forms
            for w in widgets(form, words)
            for part in ("label", "info")
        }
    return out


def choice_labels(w: Widget, words: FormWording = ENGLISH) -> list[tuple[str, str]]:
    """A drop-down's or yes/no field's choices as (shown in the language of `words`, value kept in the case): the
    case keeps the form's own values, whatever the page's language."""
    if w.kind == "radio":
        return [(page_text(words.code, f"draft_{value}"), value) for value in w.choices]
    return [(words.text(value), value) for value in w.choices]


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


def draft_view(settings: Settings, request_type: str, values: Sequence[Any], lang: str = "en") -> DraftView:
    """Checklist and preview for the current values, in the page's language `lang` (the draft's fixed wording
    too); an invalid value is explained in the checklist."""
    form = drafting.form(request_type, settings)
    words = form_words(settings, lang)
    case = case_from_values(form, values)
    try:
        markdown, report = drafting.draft_markdown(
            request_type, CaseDoc(data=case, source=FORM_SOURCE), settings, language=lang
        )
    except DraftError as exc:
        problem = _with_labels(form, str(exc), words)
        return DraftView(
            error_html(problem) + checklist_html(form, case, None, words),
            page_text(lang, "draft_fix_fields"),
            ok=False,
        )
    return DraftView(checklist_html(form, case, report, words), markdown, ok=True)


def _with_labels(form: FormSpec, message: str, words: FormWording = ENGLISH) -> str:
    """Validation messages name fields by their key; the form shows labels."""
    for spec in form.fields:
        message = message.replace(f"'{spec.name}'", f"'{words.text(spec.label)}'")
    for part, w in zip(CLOSING_PARTS, closing_widgets(words.code), strict=True):
        message = message.replace(f"'{CLOSING}.{part}'", f"'{w.label}'")
    return message


def checklist_html(
    form: FormSpec, case: dict[str, Any], report: CheckReport | None, words: FormWording = ENGLISH
) -> str:
    """Every element of the request, in order: given, missing, weak or optional, each with its basis, in the
    language of `words` (a basis's note is said in English only: it is part of our English knowledge base)."""
    lang = words.code
    items = {i.field: i for i in report.items} if report else {}
    head = (
        f'<div class="uncc-check-summary uncc-{report.status}">{html.escape(_summary(report, lang))}</div>'
        if report
        else ""
    )
    rows = []
    for spec in form.fields:
        item = items.get(spec.name)
        if item is not None:  # a missing item's message repeats the label and basis shown beside it anyway
            status = item.problem
            note = page_text(lang, "draft_missing") if item.problem == "missing" else item.message
        elif spec.name in case:
            status, note = "given", ""
        elif spec.required and report is None:
            status, note = "missing", ""
        else:
            status, note = "optional", page_text(lang, "draft_optional")
        mark = {"given": "✓", "missing": "✗", "weak": "!", "optional": "○"}[status]
        basis = basis_text(spec.basis, lang) + (f": {spec.basis.note}" if spec.basis.note and lang == "en" else "")
        rows.append(
            f'<li class="uncc-check uncc-check-{status}" data-field="{spec.name}">'
            f'<span class="uncc-mark">{mark}</span> '
            f"<strong>{html.escape(words.text(spec.label))}</strong>{' *' if spec.required else ''}"
            f"{f' — {html.escape(note)}' if note else ''}"
            f'<div class="uncc-basis">{html.escape(page_text(lang, "draft_basis", basis=basis))}</div></li>'
        )
    return f'{head}<ul class="uncc-checklist">{"".join(rows)}</ul>'


def _summary(report: CheckReport, lang: str) -> str:
    """The report's one line ('preservation: complete (10 of 10 required elements present)') in `lang`."""
    counts = {"type": report.type, "present": report.present, "required": report.required}
    if report.complete:
        return page_text(lang, "draft_summary_complete", **counts)
    gaps = {"missing": len(report.missing), "weak": len(report.weak)}
    return page_text(lang, "draft_summary_incomplete", **counts, **gaps)


def file_formats(lang: str) -> tuple[str, ...]:
    """The downloads of a draft in `lang`, in the order listed: no PDF where its script cannot be printed."""
    return tuple(f for f in FILE_FORMATS if f in drafting.formats(lang))


def prepare_files(
    settings: Settings, request_type: str, values: Sequence[Any], folder: Path, lang: str = "en"
) -> PreparedFiles:
    """The draft in the page's language `lang` as DOCX, PDF (where that language can be printed as one) and
    Markdown in `folder` (a fresh per-request folder the caller owns), each named after its date, reference and
    request type, e.g. '2027-03-04_PP-CYB-2026-0147_preservation.docx'."""
    form = drafting.form(request_type, settings)
    case = CaseDoc(data=case_from_values(form, values), source=FORM_SOURCE)
    try:
        result = drafting.draft(request_type, case, settings, language=lang)
        paths = [
            drafting.save(result, folder / drafting.file_name(result, fmt), fmt, force=True, settings=settings)
            for fmt in file_formats(lang)
        ]
    except DraftError as exc:
        raise DraftError(_with_labels(form, str(exc), form_words(settings, lang))) from None
    return PreparedFiles(paths, result.report, lang)


def write_files(
    settings: Settings, request_type: str, values: Sequence[Any], folder: Path, lang: str = "en"
) -> list[Path]:
    """The paths of `prepare_files`: DOCX, PDF (not in Arabic or Chinese) and Markdown."""
    return prepare_files(settings, request_type, values, folder, lang).paths


def files_status(report: CheckReport, lang: str = "en") -> str:
    """The status line under the downloads, in `lang`: ready, or how many gaps the files still mark; and where
    the language has no PDF, that Word is its format."""
    if report.complete:
        head = page_text(lang, "draft_files_ready" if "pdf" in file_formats(lang) else "draft_files_ready_no_pdf")
    else:
        kinds = (("draft_count_missing", len(report.missing)), ("draft_count_weak", len(report.weak)))
        counts = ", ".join(page_text(lang, key, count=n) for key, n in kinds if n)
        gaps = len(report.items)
        head = (
            page_text(lang, "draft_gap", counts=counts)
            if gaps == 1
            else page_text(lang, "draft_gaps", gaps=gaps, counts=counts)
        )
    no_pdf = [] if "pdf" in file_formats(lang) else [page_text(lang, "draft_no_pdf")]
    return " ".join([head, *no_pdf, page_text(lang, "draft_download")])


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
    doc = parse_case(case_text, source="case", settings=settings)  # YAML; JSON objects are YAML too
    markdown, report = drafting.draft_markdown(request_type, doc, settings)
    return markdown, report.model_dump(mode="json")


def form_intro(form: FormSpec, words: FormWording = ENGLISH) -> str:
    """The Markdown above a form, in the language of `words`: what the request is for and what it rests on; on a
    page in another language than English, that the draft is written in it."""
    lang = words.code
    intro = page_text(
        lang,
        "draft_intro",
        title=words.title(form),
        basis=basis_text(form.legal_basis, lang),
        summary=words.summary(form),
    )
    notes = [page_text(lang, "draft_required"), *([page_text(lang, "draft_language")] if lang != "en" else [])]
    return "\n\n".join([intro, " ".join(notes)])


# -- the case file: save the form as YAML, open a YAML case file into it ----------------------------------------


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


def case_saved_status(path: Path, request_type: str, lang: str = "en") -> str:
    return page_text(lang, "case_saved", name=path.name, type=request_type)


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


def read_upload(path: Path, settings: Settings) -> str:
    """The text of an uploaded case file; a file too large is refused before it is read."""
    check_file_size(path.stat().st_size, path.name, settings)
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
    doc = parse_case(text, source=name, settings=settings)
    if is_casefile(doc.data):
        casefile, warnings = load_casefile(doc, settings)
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


def restore_notice(autosaved: Autosaved, forms: Mapping[str, FormSpec], words: FormWording = ENGLISH) -> str:
    """The Markdown of the offer to restore, in the language of `words`: when it was saved, which forms, how many
    fields each."""
    lang = words.code
    parts = [
        page_text(lang, "draft_form_field", title=words.title(forms[t]))
        if n == 1
        else page_text(lang, "draft_form_fields", title=words.title(forms[t]), count=n)
        for t, values in autosaved.forms.items()
        if (n := len(autosave_entry(forms[t], values) or {}))
    ]
    saved = autosaved.saved or page_text(lang, "draft_saved_unknown")
    text = page_text(lang, "draft_found", saved=saved, forms="; ".join(parts))
    if autosaved.notes:
        text += " " + page_text(lang, "draft_migrated", dropped="; ".join(autosaved.notes))
    return text


def restore_conflicts(
    autosaved: Autosaved, forms: Mapping[str, FormSpec], current: Mapping[str, Sequence[Any]]
) -> list[str]:
    """The titles of the forms whose content (typed since the page opened) restoring would replace."""
    return [forms[t].title for t, values in autosaved.forms.items() if needs_confirmation(forms[t], current[t], values)]
