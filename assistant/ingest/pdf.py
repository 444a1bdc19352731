"""Text out of a PDF with pypdf, line by line, keeping each line's font size and vertical gaps.

Sizes let `clean` drop footnote text (set smaller than the body); gaps mark paragraph breaks.
"""

from __future__ import annotations

import io
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from pypdf import PageObject, PasswordType, PdfReader
from pypdf.errors import DependencyError

from assistant.errors import IngestError
from assistant.ingest.pages import Extraction, Line, Page
from assistant.ingest.report import number_ranges

# Even a large-print copy of the convention runs to a few hundred pages.
MAX_PDF_PAGES = 5000
_MARKER = re.compile(r"^[\d*†‡§]{1,3}$")  # a footnote reference set in small raised type
_PARAGRAPH_GAP = 1.3  # a gap this many times the usual line spacing starts a new paragraph


@dataclass
class _RawLine:
    y: float
    parts: list[tuple[str, float]] = field(default_factory=list)  # (text, font size)

    @property
    def size(self) -> float:
        weight: Counter[float] = Counter()
        for text, size in self.parts:
            weight[size] += len(text.strip())
        return weight.most_common(1)[0][0] if weight else 0.0

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.parts)


def extract_pdf(path: Path) -> Extraction:
    """Every page's lines; IngestError for a truncated, encrypted, oversized or image-only PDF."""
    data = path.read_bytes()
    if b"%%EOF" not in data[-4096:]:
        raise IngestError(
            f"{path.name} is an incomplete PDF: it does not end with the %%EOF marker, so the download or copy "
            "was cut short. Download the file again."
        )
    try:
        reader = PdfReader(io.BytesIO(data))
        _unlock(reader, path.name)
        _check_pages(path.name, _declared_pages(reader))  # before walking a page tree that may be huge
        pages = list(reader.pages)
    except IngestError:
        raise
    except Exception as exc:  # pypdf raises many kinds of error on a malformed file
        raise IngestError(
            f"{path.name} starts like a PDF but cannot be read ({exc.__class__.__name__}: {exc}); it is damaged. "
            "Download it again."
        ) from exc
    _check_pages(path.name, len(pages))
    raw_pages, unreadable = [], []
    for number, page in enumerate(pages, 1):
        try:
            raw_pages.append(_raw_lines(page))
        except Exception:  # one damaged content stream should not lose the other pages
            raw_pages.append([])
            unreadable.append(number)
    return _assemble(path.name, raw_pages, unreadable, len(pages))


def _check_pages(name: str, count: int) -> None:
    if count == 0:
        raise IngestError(f"{name} is a PDF with no pages: download the convention again.")
    if count > MAX_PDF_PAGES:
        raise IngestError(
            f"{name} has {count} pages, over the {MAX_PDF_PAGES}-page limit: the convention fills about "
            "40 pages. Check that this is the right file."
        )


def _unlock(reader: PdfReader, name: str) -> None:
    if not reader.is_encrypted:
        return
    try:
        # Many PDFs are encrypted only against editing, with an empty password for opening.
        unlocked = reader.decrypt("") != PasswordType.NOT_DECRYPTED
    except DependencyError as exc:
        raise IngestError(
            f"{name} is encrypted with AES, which needs the optional 'cryptography' package to open. Save an "
            "unprotected copy (print it to PDF) and ingest that."
        ) from exc
    if not unlocked:
        raise IngestError(
            f"{name} is encrypted and needs a password to open. Save an unprotected copy of the convention "
            "(or download it again from the UN, whose copies are not protected) and ingest that."
        )


def _declared_pages(reader: PdfReader) -> int:
    """The page tree's own /Count: cheap to read, where walking the tree is not."""
    try:
        return int(reader.trailer["/Root"]["/Pages"]["/Count"])
    except (KeyError, TypeError, ValueError):
        return 1  # no usable count: the real number is checked once the tree is read


def _raw_lines(page: PageObject) -> list[_RawLine]:
    lines: list[_RawLine] = []
    pending_break = False

    def visit(text: str, cm: list[float], tm: list[float], font: object, font_size: float) -> None:
        nonlocal pending_break
        scale = math.sqrt(abs(tm[0] * tm[3] - tm[1] * tm[2])) * math.sqrt(abs(cm[0] * cm[3] - cm[1] * cm[2]))
        size = round(font_size * scale * 2) / 2
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        for i, part in enumerate(text.split("\n")):
            if i:
                pending_break = True
            if not part.strip():
                continue
            current = lines[-1] if lines else None
            tolerance = 0.5 * max(size, current.size if current else 0.0)
            if current and not pending_break and abs(y - current.y) <= tolerance:
                if size < 0.8 * current.size and _MARKER.match(part.strip()):
                    continue  # a superscript footnote marker inside the line
                current.parts.append((part, size))
            else:
                lines.append(_RawLine(y, [(part, size)]))
            pending_break = False

    page.extract_text(visitor_text=visit)
    return lines


def _assemble(name: str, raw_pages: list[list[_RawLine]], unreadable: list[int], count: int) -> Extraction:
    text_pages = [i for i, lines in enumerate(raw_pages, 1) if any(line.text.strip() for line in lines)]
    if not text_pages:
        what = "cannot be read" if len(unreadable) == count else "have no text layer (scanned images?)"
        raise IngestError(
            f"{name}: all {count} pages {what}, so there is no text to ingest. Use the text PDF from the UN "
            "(the Official Document System or the Treaty Collection), or run OCR on the scan first."
        )
    leading = _usual_line_spacing(raw_pages)
    pages: list[Page] = []
    for lines in raw_pages:
        page: Page = []
        for prev, line in zip([None, *lines], lines, strict=False):
            gap = prev.y - line.y if prev else 0.0
            if prev and (gap < 0 or gap > _PARAGRAPH_GAP * leading):
                page.append(Line(""))
            page.append(Line(line.text, line.size))
        pages.append(page)
    warnings = []
    if unreadable:
        warnings.append(f"{_pages(unreadable)} could not be read and were skipped")
    blank = sorted(set(range(1, count + 1)) - set(text_pages) - set(unreadable))
    if blank:
        warnings.append(f"{_pages(blank)} {'has' if len(blank) == 1 else 'have'} no text layer (scanned?), skipped")
    return Extraction(pages=pages, page_count=count, warnings=warnings)


def _pages(numbers: list[int]) -> str:
    return f"page{'s' if len(numbers) > 1 else ''} {number_ranges(numbers)}"


def _usual_line_spacing(raw_pages: list[list[_RawLine]]) -> float:
    gaps: Counter[float] = Counter()
    for lines in raw_pages:
        for prev, line in pairwise(lines):
            if 0 < prev.y - line.y < 4 * max(line.size, 1.0):
                gaps[round(prev.y - line.y)] += 1
    return float(gaps.most_common(1)[0][0]) if gaps else 12.0
