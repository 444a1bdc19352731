"""The document as a UN-style PDF (reportlab): running header and footer, page numbers "3/41", footnotes
with superscript markers, justified text, hyphenated line breaks. Plus damaged PDFs."""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from .layout import JOB, RUNNING_TITLE, SYMBOL, Block, Token, doc_blocks, wrap
from .model import Doc

LEFT, WIDTH, TOP, BOTTOM = 72.0, 451.0, 760.0, 125.0
SIZE, LEADING, GAP, NOTE_SIZE = 10.0, 12.0, 7.0, 8.0
INDENT = {"center": 0.0, "plain": 0.0, "para": 0.0, "item": 28.0, "subitem": 56.0}


@dataclass
class _Line:
    x: float
    y: float
    tokens: list[Token]
    bold: bool = False
    justify: float = 0.0  # extra space per word gap
    marker_after: int = -1  # word index followed by a footnote marker
    marker: str = ""
    prefix: str = ""  # "(a)" drawn in the same text object, a tab stop before the text
    separate: str = ""  # "1." drawn as its own string, as word processors often do


@dataclass
class _Page:
    lines: list[_Line] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)


def _font(bold: bool) -> str:
    return "Times-Bold" if bold else "Times-Roman"


def _width(text: str, bold: bool) -> float:
    return stringWidth(text, _font(bold), SIZE)


def _compounds(blocks: list[Block]) -> set[str]:
    words = Counter(w.strip(",.;:()") for b in blocks for w in b.text.split())
    return {w for w, n in words.items() if n > 1 and re.fullmatch(r"[A-Za-z]{3,}-[A-Za-z]{3,}", w)}


def _layout(doc: Doc) -> tuple[list[_Page], set[str]]:
    pages, broken, notes = [_Page()], set(), 0
    compounds = _compounds(doc_blocks(doc))
    y = TOP
    for block in doc_blocks(doc):
        measure = partial(_width, bold=block.bold)
        if block.kind == "center":
            widths = (300.0, 300.0)
        else:
            first_indent = INDENT[block.kind] + 28.0
            widths = (WIDTH - first_indent, WIDTH - (first_indent if block.kind != "para" else 0.0))
        keep = 2 if block.footnote else -1  # the word the footnote marker follows stays whole
        lines, hyphenated = wrap(block.text, widths, measure, frozenset(compounds), keep_whole=keep)
        broken |= hyphenated
        compounds -= hyphenated  # break each compound once, so its whole form stays in the text
        for k, tokens in enumerate(lines):
            if y < BOTTOM:
                pages.append(_Page())
                y = TOP
            text_width = measure(" ".join(t for t, _ in tokens))
            if block.kind == "center":
                x = LEFT + (WIDTH - text_width) / 2
                line = _Line(x, y, tokens, bold=block.bold)
            else:
                x = LEFT + INDENT[block.kind] + (28.0 if k == 0 or block.kind != "para" else 0.0)
                room = widths[0] if k == 0 else widths[1]
                gaps = len(tokens) - 1
                last = k == len(lines) - 1
                line = _Line(x, y, tokens, justify=0.0 if last or not gaps else (room - text_width) / gaps)
                if k == 0 and block.kind == "para":
                    line.separate = block.marker
                elif k == 0 and block.marker:
                    line.prefix = block.marker
            if block.footnote and any(i == 2 for _, i in tokens):
                notes += 1
                line.marker_after, line.marker = 2, str(notes)
                pages[-1].notes.append((str(notes), block.footnote))
            pages[-1].lines.append(line)
            y -= LEADING
        y -= GAP
    return pages, broken


def render_pdf(doc: Doc, path: Path) -> set[str]:
    """Write the PDF; return the words broken with a hyphen at a line end."""
    pages, broken = _layout(doc)
    c = canvas.Canvas(str(path), pagesize=A4)
    for number, page in enumerate(pages, 1):
        if number > 1:  # running header, in body size so it is found by repetition, not by size
            c.setFont("Times-Roman", SIZE)
            (c.drawString if number % 2 == 0 else c.drawRightString)(
                LEFT if number % 2 == 0 else LEFT + WIDTH, 800, SYMBOL
            )
            c.drawCentredString(LEFT + WIDTH / 2, 786, RUNNING_TITLE)
        for line in page.lines:
            _draw_line(c, line)
        for k, (mark, note) in enumerate(page.notes):
            y = 100 - k * 10
            c.line(LEFT, 112, LEFT + 100, 112)
            t = c.beginText(LEFT, y)
            t.setFont("Times-Roman", 6)
            t.setRise(3)
            t.textOut(mark)
            t.setRise(0)
            t.setFont("Times-Roman", NOTE_SIZE)
            t.textOut(" " + note)
            c.drawText(t)
        c.setFont("Times-Roman", 9)
        c.drawString(LEFT, 50, JOB if number % 2 else f"{number}/{len(pages)}")
        c.drawRightString(LEFT + WIDTH, 50, f"{number}/{len(pages)}" if number % 2 else JOB)
        c.showPage()
    c.save()
    return broken


def _draw_line(c: canvas.Canvas, line: _Line) -> None:
    font = _font(line.bold)
    if line.separate:
        c.setFont(font, SIZE)
        c.drawString(LEFT, line.y, line.separate)
    x = line.x - (28.0 if line.prefix else 0.0)
    t = c.beginText(x, line.y)
    t.setFont(font, SIZE)
    if line.prefix:
        t.textOut(line.prefix)
        t.moveCursor(28.0, 0)
    t.setWordSpace(line.justify)
    before = " ".join(tok for tok, i in line.tokens if i <= line.marker_after)
    after = " ".join(tok for tok, i in line.tokens if i > line.marker_after)
    if line.marker:
        t.textOut(before)
        t.setFont(font, 6)
        t.setRise(4)
        t.textOut(line.marker)
        t.setRise(0)
        t.setFont(font, SIZE)
        t.textOut(" " + after if after else "")
    else:
        t.textOut(" ".join(tok for tok, _ in line.tokens))
    c.drawText(t)


# -- damaged PDFs ---------------------------------------------------------------------------------------


def encrypted(source: Path, path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    writer.write(path)


def image_only(path: Path, pages: int = 3) -> None:
    """A 'scan': each page is a picture of lines, with no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    c = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(pages):
        img = Image.new("L", (600, 800), 255)
        draw = ImageDraw.Draw(img)
        for row in range(40, 760, 18):
            draw.rectangle((50, row, 550, row + 8), fill=60)
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        c.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 40, 40, 515, 760)
        c.showPage()
    c.save()


def many_pages(path: Path, count: int) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(595, 842)
    writer.write(path)
