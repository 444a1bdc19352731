"""The document as DOCX (python-docx), HTML and TXT, in the UN layout."""

from __future__ import annotations

import html
from pathlib import Path

from .layout import JOB, RUNNING_TITLE, SYMBOL, doc_blocks, wrap
from .model import Doc

TXT_WIDTH, TXT_PAGE = 90, 56
_TXT_INDENT = {"center": 0, "plain": 4, "para": 0, "item": 4, "subitem": 8}


def render_docx(doc: Doc, path: Path) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    # Headers and footers live in their own parts of the package: the body must not pick them up.
    document.sections[0].header.paragraphs[0].text = f"{SYMBOL}\t{RUNNING_TITLE}"
    document.sections[0].footer.paragraphs[0].text = f"{JOB}\t1/1"
    for block in doc_blocks(doc):
        p = document.add_paragraph()
        if block.kind == "center":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.add_run(block.text).bold = block.bold
            continue
        words = block.text.split()
        head = " ".join(words[:3]) if block.footnote else block.text
        p.add_run(f"{block.marker}\t{head}" if block.marker else head)
        if block.footnote:
            p.add_run("1").font.superscript = True  # a typed footnote marker
            p.add_run(" " + " ".join(words[3:]))
    document.save(str(path))


def render_html(doc: Doc, path: Path) -> None:
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"><title>A/RES/79/243</title>',
        "<style>p { text-align: justify }</style></head><body>",
        f'<nav><a href="#">{SYMBOL}</a></nav>',
    ]
    notes = []
    for block in doc_blocks(doc):
        text = html.escape(block.text)
        if block.kind == "center":
            tag = "h3" if block.bold else "p"
            out.append(f'<{tag} style="text-align:center">{text}</{tag}>')
            continue
        if block.footnote:
            notes.append(block.footnote)
            words = text.split()
            n = len(notes)
            text = " ".join(words[:3]) + f'<sup><a href="#fn{n}">{n}</a></sup> ' + " ".join(words[3:])
        marker = f"<span>{html.escape(block.marker)}</span>&nbsp;&nbsp;" if block.marker else ""
        # Source line breaks inside a <p> are not text line breaks.
        body = "\n    ".join(_chunks(f"{marker}{text}", 80))
        out.append(f'<p class="{block.kind}">\n    {body}\n</p>')
    out.append('<div class="footnotes"><hr>')
    out += [f'<p id="fn{n}">{n} {html.escape(note)}</p>' for n, note in enumerate(notes, 1)]
    out.append("</div></body></html>")
    path.write_text("\n".join(out), encoding="utf-8")


def _chunks(text: str, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split(" "):
        if current and len(current) + len(word) + 1 > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*lines, current]


def render_txt(doc: Doc, path: Path) -> set[str]:
    """Text as a PDF-to-text tool writes it: wrapped and hyphenated lines, form feeds between pages, the
    running header and footer on every page. Returns the hyphenated words."""
    body: list[str] = []
    broken: set[str] = set()
    for block in doc_blocks(doc):
        indent = " " * _TXT_INDENT[block.kind]
        first = f"{indent}{block.marker} " if block.marker else indent
        width = TXT_WIDTH - len(first)
        lines, hyphenated = wrap(block.text, (width, width), len)
        broken |= hyphenated
        pad = " " * len(first)
        for k, tokens in enumerate(lines):
            text = " ".join(t for t, _ in tokens)
            body.append((first if k == 0 else pad) + text if block.kind != "center" else text.center(TXT_WIDTH))
        body.append("")
    chunks = [body[i : i + TXT_PAGE] for i in range(0, len(body), TXT_PAGE)]
    pages = []
    for number, chunk in enumerate(chunks, 1):
        header = [SYMBOL, RUNNING_TITLE, ""] if number > 1 else []
        footer = ["", f"{JOB}{' ' * 70}{number}/{len(chunks)}"]
        pages.append("\n".join([*header, *chunk, *footer]))
    path.write_text("\f".join(pages) + "\n", encoding="utf-8")
    return broken
