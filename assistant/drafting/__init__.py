"""The drafting desk: request drafts for each form of cooperation, checked against the convention.

The names below are the public API, for the web app; docs/drafting.md shows them in use.
"""

from assistant.drafting.api import (
    check,
    draft,
    draft_markdown,
    example_case,
    example_text,
    form,
    list_types,
    write_docx,
    write_markdown,
)
from assistant.drafting.case import CaseDoc, read_case_file
from assistant.drafting.checker import CheckItem, CheckReport
from assistant.drafting.forms import Basis, FieldSpec, FormSpec
from assistant.drafting.render import Draft

__all__ = [
    "Basis",
    "CaseDoc",
    "CheckItem",
    "CheckReport",
    "Draft",
    "FieldSpec",
    "FormSpec",
    "check",
    "draft",
    "draft_markdown",
    "example_case",
    "example_text",
    "form",
    "list_types",
    "read_case_file",
    "write_docx",
    "write_markdown",
]
