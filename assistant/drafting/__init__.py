"""The drafting desk: request drafts for each form of cooperation, checked against the convention.

The names below are the public API, for the web app; docs/drafting.md shows them in use.
"""

from assistant.drafting.api import (
    FORMATS,
    LANGUAGES,
    check,
    check_format,
    draft,
    draft_markdown,
    example_case,
    example_text,
    file_name,
    form,
    formats,
    list_types,
    save,
    write_docx,
    write_draft,
    write_markdown,
    write_pdf,
)
from assistant.drafting.case import CaseDoc, read_case_file
from assistant.drafting.checker import CheckItem, CheckReport
from assistant.drafting.forms import Basis, FieldSpec, FormSpec
from assistant.drafting.render import Closing, Draft

__all__ = [
    "FORMATS",
    "LANGUAGES",
    "Basis",
    "CaseDoc",
    "CheckItem",
    "CheckReport",
    "Closing",
    "Draft",
    "FieldSpec",
    "FormSpec",
    "check",
    "check_format",
    "draft",
    "draft_markdown",
    "example_case",
    "example_text",
    "file_name",
    "form",
    "formats",
    "list_types",
    "read_case_file",
    "save",
    "write_docx",
    "write_draft",
    "write_markdown",
    "write_pdf",
]
