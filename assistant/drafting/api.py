"""The drafting desk's Python API, shared by the CLI and the web app.

A case is a mapping of field names to values (as a YAML case file holds them), or a `CaseDoc` read from a
file, which adds line numbers to error messages. Bad input raises DraftError with a message to show as is.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from assistant.drafting import export
from assistant.drafting.case import CaseDoc, parse_case, validate_case
from assistant.drafting.checker import CheckReport, check_case
from assistant.drafting.forms import FormSpec, form_path, form_types, forms_dir, load_form
from assistant.drafting.provenance import render_annex
from assistant.drafting.render import Draft, render_body
from assistant.errors import DraftError, KnowledgeError
from assistant.settings import Settings, get_settings

Case = Mapping[str, Any] | CaseDoc


def _settings(settings: Settings | None) -> Settings:
    return settings or get_settings()


def list_types(settings: Settings | None = None) -> list[str]:
    """The request types the desk can draft, e.g. ['confiscation', 'extradition', ...]."""
    return form_types(_settings(settings).knowledge_dir)


def form(request_type: str, settings: Settings | None = None) -> FormSpec:
    """The form of a request type: its elements, help texts and bases."""
    return load_form(_settings(settings).knowledge_dir, request_type)


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


def _validated(request_type: str, case: Case, settings: Settings) -> tuple[FormSpec, BaseModel]:
    spec = load_form(settings.knowledge_dir, request_type)
    if not isinstance(case, CaseDoc | Mapping):
        raise DraftError("A case must be a mapping of field names to values.")
    doc = case if isinstance(case, CaseDoc) else CaseDoc(data=dict(case))
    return spec, validate_case(spec, doc)


def check(request_type: str, case: Case, settings: Settings | None = None) -> CheckReport:
    """The completeness report of a case: missing and weak elements, each with its basis."""
    spec, model = _validated(request_type, case, _settings(settings))
    return check_case(spec, model)


def draft(request_type: str, case: Case, settings: Settings | None = None) -> Draft:
    """The full draft: request text with [MISSING: ...] markers for gaps, then the provenance annex."""
    settings = _settings(settings)
    spec, model = _validated(request_type, case, settings)
    markdown = render_body(spec, model, settings.prompts_dir) + "\n" + render_annex(spec, settings)
    return Draft(type=spec.type, title=spec.title, markdown=markdown, report=check_case(spec, model))


def draft_markdown(request_type: str, case: Case, settings: Settings | None = None) -> tuple[str, CheckReport]:
    """The draft as Markdown, with its completeness report."""
    result = draft(request_type, case, settings)
    return result.markdown, result.report


def write_markdown(
    request_type: str, case: Case, path: Path | str, force: bool = False, settings: Settings | None = None
) -> CheckReport:
    """Write the draft as Markdown to `path` (atomically; an existing file only with force)."""
    result = draft(request_type, case, settings)
    export.write_markdown(result, Path(path), force)
    return result.report


def write_docx(
    request_type: str, case: Case, path: Path | str, force: bool = False, settings: Settings | None = None
) -> CheckReport:
    """Write the draft as a Word document to `path` (atomically; an existing file only with force)."""
    result = draft(request_type, case, settings)
    export.write_docx(result, Path(path), force)
    return result.report
