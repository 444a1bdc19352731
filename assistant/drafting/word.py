"""Turn a draft's Markdown into a Word document (python-docx).

Only the Markdown the wording templates produce is understood: '#', '##', '###' headings, paragraphs,
'- ' bullets, '> ' quotations, **bold**, *italic* and the [MISSING: ...] markers, which are highlighted so a
gap stands out on paper as well. One source of wording for both formats keeps them from drifting apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_COLOR_INDEX
from docx.text.paragraph import Paragraph

INLINE = re.compile(r"(\*\*[^*\n]+?\*\*|\[MISSING: [^\]\n]*\]|(?<![\w*])\*[^*\s][^*\n]*?\*(?![\w*]))")
HEADING = re.compile(r"^(#{1,3}) (.+)$")
ESCAPED_HASH = re.compile(r"\\#")


def _blocks(markdown: str) -> Iterator[tuple[str, str]]:
    """(kind, text) blocks: kind is h0/h1/h2, para, bullet or quote."""
    kind, buf = "", []
    for line in markdown.splitlines():
        stripped = line.strip()
        heading = HEADING.match(line)
        starts_block = heading or not stripped or line.startswith(("- ", ">"))
        ends_bullet = kind == "bullet" and not line.startswith("  ")  # bullet text continues on indented lines
        if buf and (starts_block or ends_bullet):
            yield kind, " ".join(buf)
            kind, buf = "", []
        if heading:
            yield f"h{len(heading.group(1)) - 1}", heading.group(2).strip()
        elif line.startswith("- "):
            kind, buf = "bullet", [line[2:].strip()]
        elif line.startswith(">"):
            if line[1:].strip():
                yield "quote", line[1:].strip()
        elif stripped:
            kind = kind or "para"
            buf.append(stripped)
    if buf:
        yield kind, " ".join(buf)


def _add_runs(paragraph: Paragraph, text: str) -> None:
    for part in INLINE.split(ESCAPED_HASH.sub("#", text)):
        if not part:
            continue
        if part.startswith("[MISSING: "):
            run = paragraph.add_run(part)
            run.bold = True
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        elif part.startswith("**") and part.endswith("**") and len(part) > 4:
            paragraph.add_run(part[2:-2]).bold = True
        elif INLINE.fullmatch(part):
            paragraph.add_run(part[1:-1]).italic = True
        else:
            paragraph.add_run(part)


def markdown_to_docx(markdown: str, title: str) -> DocxDocument:
    """A Word document with the draft's headings, numbered sections, bullets and highlighted gaps."""
    doc = Document()
    props = doc.core_properties
    # The default template names python-docx as author; a request should carry no stray metadata.
    props.title, props.author, props.last_modified_by, props.comments = title, "", "", ""
    styles = {"bullet": "List Bullet", "quote": "Quote", "para": None}
    for kind, text in _blocks(markdown):
        if kind.startswith("h"):
            doc.add_heading(ESCAPED_HASH.sub("#", text), level=int(kind[1]))
        else:
            _add_runs(doc.add_paragraph(style=styles[kind]), text)
    return doc
