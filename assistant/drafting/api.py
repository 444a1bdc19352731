"""The drafting desk's Python API, shared by the CLI and the web app.

A case is a mapping of field names to values (as a YAML case file holds them, with its optional `closing:`
section: place, date and signatory), or a `CaseDoc` read from a file, which adds line numbers to error messages.
Bad input raises DraftError with a message to show as is.
Drafts are written as Markdown, DOCX or PDF (`FORMATS`); DOCX and PDF on the paper of `settings.drafting.paper`.
A draft's fixed wording is in one of `LANGUAGES` (`language`, English by default); `formats(language)` says which
formats that language can be written in (no PDF for Arabic and Chinese: use DOCX).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from assistant.drafting import export
from assistant.drafting.case import CaseDoc, Closing, parse_case, validate_request
from assistant.drafting.checker import CheckReport, check_case
from assistant.drafting.forms import FormSpec, form_path, form_types, forms_dir, load_form
from assistant.drafting.provenance import render_annex
from assistant.drafting.render import Draft, annex_titles, letter_parts, render_body, render_closing
from assistant.drafting.wording import LANGUAGES as LANGUAGES  # re-exported: the CLI's and the web app's choices
from assistant.drafting.wording import load_wording
from assistant.errors import DraftError, KnowledgeError
from assistant.settings import Settings, get_settings

Case = Mapping[str, Any] | CaseDoc
FORMATS = export.FORMATS


def _settings(settings: Settings | None) -> Settings:
    return settings or get_settings()


def list_types(settings: Settings | None = None) -> list[str]:
    """The request types the desk can draft, e.g. ['confiscation', 'extradition', ...]."""
    return form_types(_settings(settings).knowledge_dir)


def form(request_type: str, settings: Settings | None = None) -> FormSpec:
    """The form of a request type: its elements, help texts and bases."""
    return load_form(_settings(settings).knowledge_dir, request_type)


def formats(language: str | None = None) -> tuple[str, ...]:
    """The formats a draft in `language` can be written in: all three, or no PDF where no font is shipped that
    prints the script correctly (Arabic, Chinese)."""
    return export.formats_for(language)


def check_format(fmt: str, language: str | None = None) -> None:
    """Raise DraftError, with the format to use instead, when a draft in `language` cannot be written as `fmt`."""
    export.check_format(export.output_format(f"x.{fmt}", fmt), language)


def example_text(request_type: str, settings: Settings | None = None) -> str:
    """The example case file of a type, as YAML text with its comments."""
    knowledge_dir = _settings(settings).knowledge_dir
    form_path(knowledge_dir, request_type)  # an unknown type gets the list of valid ones
    path = forms_dir(knowledge_dir) / "examples" / f"{request_type}.yaml"
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KnowledgeError(f"{path}: example case missing or unreadable; restore it from git.") from exc


def example_case(request_type: str, settings: Settings | None = None) -> dict[str, Any]:
    """A filled, fictitious example case for a type."""
    text = example_text(request_type, settings)
    return parse_case(text, source=f"example {request_type}").data


def _validated(request_type: str, case: Case, settings: Settings) -> tuple[FormSpec, BaseModel, Closing]:
    spec = load_form(settings.knowledge_dir, request_type)
    if not isinstance(case, CaseDoc | Mapping):
        raise DraftError("A case must be a mapping of field names to values.")
    doc = case if isinstance(case, CaseDoc) else CaseDoc(data=dict(case))
    model, closing = validate_request(spec, doc, settings)
    return spec, model, closing


def check(request_type: str, case: Case, settings: Settings | None = None) -> CheckReport:
    """The completeness report of a case: missing and weak elements, each with its basis."""
    spec, model, _ = _validated(request_type, case, _settings(settings))
    return check_case(spec, model)


def draft(
    request_type: str,
    case: Case,
    settings: Settings | None = None,
    closing: Closing | None = None,
    language: str | None = None,
) -> Draft:
    """The full draft: request text with [MISSING: ...] markers for gaps, the closing block (place, date, name and
    signature from the case's `closing:` section, each part of `closing` given here over it, blank lines where
    neither says; then the list of annexes), then the provenance annex. The fixed wording is in `language`
    (ar, en, es, fr, ru or zh; English when None), with a note that a translation is unofficial; the case's
    own text is as written."""
    settings = _settings(settings)
    wording = load_wording(settings.prompts_dir, language)
    spec, model, given = _validated(request_type, case, settings)
    closing = (closing or Closing()).over(given)
    body = render_body(spec, model, settings.prompts_dir, wording)
    annex = render_annex(spec, settings, wording)
    ending = render_closing(spec, model, settings.prompts_dir, annex_titles(annex, wording), closing, wording)
    return Draft(
        type=spec.type,
        title=wording.text(f"titles.{spec.type}"),
        markdown=body + "\n" + ending + "\n" + annex,
        report=check_case(spec, model),
        closing=ending,
        annex=annex,
        **letter_parts(spec, model, closing, wording),
    )


def draft_markdown(
    request_type: str,
    case: Case,
    settings: Settings | None = None,
    closing: Closing | None = None,
    language: str | None = None,
) -> tuple[str, CheckReport]:
    """The draft as Markdown in `language`, with its completeness report."""
    result = draft(request_type, case, settings, closing, language)
    return result.markdown, result.report


def output_format(path: Path | str, fmt: str | None = None) -> str:
    """The format a draft is written in at `path`: `fmt`, or the one its extension names; a contradiction
    (a .pdf name with fmt 'md') raises DraftError."""
    return export.output_format(path, fmt)


def file_name(result: Draft, fmt: str, today: dt.date | None = None) -> str:
    """A file name saying when, for which case and which request a draft was made, the same for each format:
    e.g. '2027-03-04_CYB-2027-118_preservation.pdf' (the date the request bears, else `today`)."""
    return export.file_name(result, export.output_format(f"x.{fmt}", fmt), today)


def save(
    result: Draft, path: Path | str, fmt: str | None = None, force: bool = False, settings: Settings | None = None
) -> Path:
    """Write a rendered draft to `path` as `fmt` (md, docx or pdf; by default the format of the extension)."""
    return export.write(result, Path(path), fmt, force, _settings(settings).drafting.paper)


def write_draft(
    request_type: str,
    case: Case,
    path: Path | str,
    fmt: str | None = None,
    force: bool = False,
    settings: Settings | None = None,
    language: str | None = None,
) -> CheckReport:
    """Write the draft in `language` to `path` in `fmt`, or in the format its extension names (.md, .docx,
    .pdf)."""
    settings = _settings(settings)
    check_format(export.output_format(path, fmt), language)  # reported before the work of drafting
    result = draft(request_type, case, settings, language=language)
    save(result, path, fmt, force, settings)
    return result.report


def write_markdown(
    request_type: str, case: Case, path: Path | str, force: bool = False, settings: Settings | None = None
) -> CheckReport:
    """Write the draft as Markdown to `path` (atomically; an existing file only with force)."""
    return write_draft(request_type, case, path, "md", force, settings)


def write_docx(
    request_type: str, case: Case, path: Path | str, force: bool = False, settings: Settings | None = None
) -> CheckReport:
    """Write the draft as a Word document to `path` (atomically; an existing file only with force)."""
    return write_draft(request_type, case, path, "docx", force, settings)


def write_pdf(
    request_type: str, case: Case, path: Path | str, force: bool = False, settings: Settings | None = None
) -> CheckReport:
    """Write the draft as a PDF to `path` (atomically; an existing file only with force)."""
    return write_draft(request_type, case, path, "pdf", force, settings)
