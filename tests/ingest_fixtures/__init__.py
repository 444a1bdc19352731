"""Generators of convention-shaped test documents, built at test time from our own restatement.

No copy of the authentic text is ever committed: every fixture is rendered from `knowledge/`.
"""

from .formats import render_docx, render_html, render_txt
from .model import (
    Doc,
    duplicated,
    expected_paragraphs,
    from_knowledge,
    in_language,
    placeholder,
    retitled,
    swapped,
    without,
)
from .pdf import encrypted, image_only, many_pages, render_pdf

__all__ = [
    "Doc",
    "duplicated",
    "encrypted",
    "expected_paragraphs",
    "from_knowledge",
    "image_only",
    "in_language",
    "many_pages",
    "placeholder",
    "render_docx",
    "render_html",
    "render_pdf",
    "render_txt",
    "retitled",
    "swapped",
    "without",
]
