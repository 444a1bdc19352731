"""Text out of a DOCX, HTML or TXT file (PDF is in `pdf.py`), as pages of lines.

A blank line ("") marks a paragraph break; within a paragraph, lines may be wrapped. Footnote markers
are dropped here, where the format still says what is superscript or a footnote.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import IngestError
from assistant.ingest.detect import MAX_FILE_BYTES, Format
from assistant.ingest.pages import Extraction, Line, Page

if TYPE_CHECKING:
    from bs4 import Tag
    from lxml.etree import _Element


def extract(path: Path, fmt: Format) -> Extraction:
    """Read the file in its detected format; IngestError says what is damaged."""
    if fmt == "pdf":
        from assistant.ingest.pdf import extract_pdf

        return extract_pdf(path)
    if fmt == "docx":
        return Extraction([_docx_lines(path)])
    if fmt == "html":
        return Extraction([_html_lines(path.read_bytes())])
    return Extraction(_txt_pages(path.name, path.read_bytes()))


def _paragraph_lines(paragraphs: list[str]) -> Page:
    out: Page = []
    for text in paragraphs:
        if text.strip():
            out += [Line(text), Line("")]
    return out


# -- DOCX -------------------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_lines(path: Path) -> Page:
    import docx

    try:
        with zipfile.ZipFile(path) as zf:
            # A small ZIP can inflate to gigabytes: check the declared size before parsing the XML.
            if zf.getinfo("word/document.xml").file_size > MAX_FILE_BYTES:
                limit = MAX_FILE_BYTES // 1024**2
                raise IngestError(f"{path.name}: its text part inflates to over {limit} MB; refused.")
        body = docx.Document(str(path)).element.body
    except IngestError:
        raise
    except Exception as exc:  # python-docx raises zip, XML and KeyError alike on a damaged package
        raise IngestError(
            f"{path.name} is a Word (.docx) file that cannot be opened ({exc.__class__.__name__}: {exc}); "
            "it may be truncated or damaged. Download it again or save it anew from Word."
        ) from exc
    # Headers, footers and footnotes live in other parts of the package, so the body has none of them.
    return _paragraph_lines([_docx_paragraph(p) for p in body.iter(f"{_W}p")])


def _docx_paragraph(p: _Element) -> str:
    parts: list[str] = []
    for run in p.iter(f"{_W}r"):
        align = run.find(f"{_W}rPr/{_W}vertAlign")
        if align is not None and align.get(f"{_W}val") == "superscript":
            continue  # a typed footnote marker
        for child in run:
            if child.tag == f"{_W}t":
                parts.append(child.text or "")
            elif child.tag in (f"{_W}tab", f"{_W}br", f"{_W}cr"):
                parts.append(" ")
    return "".join(parts)


# -- HTML -------------------------------------------------------------------------------------------------

_BLOCKS = [
    "p", "div", "li", "ol", "ul", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td", "th",
    "blockquote", "section", "article", "dd", "dt", "pre", "center",
]  # fmt: skip
_FOOTNOTE_NAME = re.compile(r"^(foot|endnote|fn\d*$)", re.I)  # footnotes, endnotes, a site's footer
_BREAK, _PARA = "\ue000", "\ue001"  # private-use marks: never in a document, and not whitespace


def _html_lines(data: bytes) -> Page:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(data, "lxml")
    for tag in soup(["script", "style", "head", "sup", "nav", "noscript", "template"]):
        tag.decompose()
    total = len(soup.get_text())
    for tag in soup.find_all(_is_footnote):
        # The size guard keeps a page-wide wrapper (class="has-footnotes") from taking the text with it.
        if not tag.decomposed and len(tag.get_text()) < total / 2:
            tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with(_BREAK)
    for tag in soup.find_all(_BLOCKS):
        tag.insert_before(_PARA)
        tag.append(_PARA)
    # Whitespace inside HTML text is not layout: collapse it, then split at the block marks only.
    text = re.sub(r"\s+", " ", soup.get_text())
    return _paragraph_lines([p.replace(_BREAK, " ").strip() for p in text.split(_PARA)])


def _is_footnote(tag: Tag) -> bool:
    names = [tag.get("id") or "", *(tag.get("class") or [])]
    return any(_FOOTNOTE_NAME.match(n) for n in names)


# -- TXT --------------------------------------------------------------------------------------------------


def _txt_pages(name: str, data: bytes) -> list[Page]:
    encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"{name} is not a PDF, Word (.docx) or HTML file, and not UTF-8 text either (undecodable byte at "
            f"offset {exc.start}): save the text as UTF-8, or use the PDF from the UN, then ingest it."
        ) from exc
    if "\x00" in text:
        raise IngestError(f"{name} contains binary data, not text: check that this is the convention's text file.")
    # A form feed is a page break (pdftotext writes one): pages let running headers be recognised.
    return [[Line(line) for line in page.splitlines()] for page in text.split("\f")]
