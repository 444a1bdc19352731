"""Text out of a DOCX, HTML or TXT file (PDF is in `pdf.py`), as pages of lines.

A blank line ("") marks a paragraph break; within a paragraph, lines may be wrapped. Footnote markers
are dropped here, where the format still says what is superscript or a footnote.

Of a Word (.docx) package only the main text part is read, inflated in chunks and refused as soon as it passes
the limit, whatever size the ZIP directory declares for it; the other parts (pictures, fonts) are never inflated.
So a small file that would inflate to gigabytes costs at most the limit in time and memory.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import IngestError
from assistant.ingest.detect import FORMAT_NAMES, Format, open_zip
from assistant.ingest.pages import Extraction, Line, Page

if TYPE_CHECKING:
    from typing import IO

    from bs4 import Tag
    from lxml.etree import _Element

MB = 1024 * 1024
# What the text part of a Word package may inflate to (the convention's is under 2 MB): a bound on the memory of
# parsing it, as the parsed XML takes several times the size of its text.
MAX_INFLATED_BYTES = 20 * MB
# A package whose parts together declare more than this many times the text limit is refused unread: no document
# carries gigabytes of pictures. (Nothing depends on the declared sizes being true: no other part is inflated.)
PACKAGE_FACTOR = 4
_CHUNK = MB
# HTML and plain text are parsed whole, in time and memory that grow with their size (10 MB of HTML: 12 s and
# 375 MB on a busy machine); the convention is under 2 MB in either.
MAX_TEXT_FILE_BYTES = 5 * MB
# Tags (counted as the '<' of the markup, before parsing) an HTML file may hold: the parser's time grows with their
# number rather than with the text, about 0.17 ms a tag on a busy core: 1 MB of 100,000 nested tags took 17 s. The
# convention's HTML has a few thousand tags; a page exported from Word, a few tens of thousands.
MAX_HTML_TAGS = 150_000
# Characters of text a file of any format may yield: the convention has about 300,000 in each language, and cleaning
# and parsing take about a second per million on a busy core.
MAX_TEXT_CHARS = 3_000_000


class InflatesTooMuch(IngestError):
    """A Word package inflates past the limit (a "zip bomb"): its text part while it was read, or its parts
    together as declared."""

    def __init__(self, name: str, limit: int) -> None:
        self.name, self.limit = name, limit
        super().__init__(
            f"{name} inflates to over {limit // MB} MB when opened (the convention's Word file is about 1 MB); refused."
        )


def extract(path: Path, fmt: Format, max_inflated: int = MAX_INFLATED_BYTES) -> Extraction:
    """Read the file in its detected format; IngestError says what is damaged or too large, InflatesTooMuch that
    the text part of a Word file inflates past `max_inflated` bytes."""
    size = path.stat().st_size
    if fmt in ("html", "txt") and size > MAX_TEXT_FILE_BYTES:
        raise IngestError(
            f"{path.name} is {size / MB:.0f} MB of {FORMAT_NAMES[fmt]}, over the {MAX_TEXT_FILE_BYTES // MB} MB limit "
            "for that format: the convention is under 2 MB. Check that this is the right file."
        )
    extraction = _extract(path, fmt, max_inflated)
    chars = sum(len(line.text) for page in extraction.pages for line in page)
    if chars > MAX_TEXT_CHARS:
        raise IngestError(
            f"{path.name} holds {chars / 1e6:.1f} million characters of text, over the limit of "
            f"{MAX_TEXT_CHARS / 1e6:.0f} million: the convention has about 0.3 million. Check that this is the right "
            "file."
        )
    return extraction


def _extract(path: Path, fmt: Format, max_inflated: int) -> Extraction:
    if fmt == "pdf":
        from assistant.ingest.pdf import extract_pdf

        return extract_pdf(path)
    if fmt == "docx":
        return Extraction([_docx_lines(path, max_inflated)])
    if fmt == "html":
        data = path.read_bytes()
        if (tags := data.count(b"<")) > MAX_HTML_TAGS:
            raise IngestError(
                f"{path.name} holds {tags:,} tags of HTML, over the limit of {MAX_HTML_TAGS:,}: the convention's "
                "HTML has a few thousand. Check that this is the right file."
            )
        return Extraction([_html_lines(data)])
    return Extraction(_txt_pages(path.name, path.read_bytes()))


def _paragraph_lines(paragraphs: list[str]) -> Page:
    out: Page = []
    for text in paragraphs:
        if text.strip():
            out += [Line(text), Line("")]
    return out


# -- DOCX -------------------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_lines(path: Path, limit: int) -> Page:
    from lxml import etree

    # No entities expanded, no DTD or network fetched, no text node over 10 MB: the XML is the sender's.
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)
    try:
        with open_zip(path) as zf:
            if sum(info.file_size for info in zf.infolist()) > PACKAGE_FACTOR * limit:
                raise InflatesTooMuch(path.name, PACKAGE_FACTOR * limit)
            with zf.open("word/document.xml") as part:
                data = _read_capped(part, limit, path.name)
        body = etree.fromstring(data, parser).find(f"{_W}body")
    except IngestError:
        raise
    except Exception as exc:  # zipfile, zlib and lxml raise unrelated errors alike on a damaged package
        raise IngestError(
            f"{path.name} is a Word (.docx) file that cannot be opened ({exc.__class__.__name__}: {exc}); "
            "it may be truncated or damaged. Download it again or save it anew from Word."
        ) from exc
    if body is None:
        raise IngestError(f"{path.name} is a Word (.docx) file without a document body; save it anew from Word.")
    # Headers, footers and footnotes live in other parts of the package, so the body has none of them.
    return _paragraph_lines([_docx_paragraph(p) for p in body.iter(f"{_W}p")])


def _read_capped(part: IO[bytes], limit: int, name: str) -> bytes:
    """The part's bytes, inflated a chunk at a time and refused as soon as they pass `limit`."""
    chunks: list[bytes] = []
    total = 0
    while chunk := part.read(_CHUNK):
        total += len(chunk)
        if total > limit:
            raise InflatesTooMuch(name, limit)
        chunks.append(chunk)
    return b"".join(chunks)


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
    from bs4 import BeautifulSoup, CData, NavigableString

    text_types = {NavigableString, CData}  # the strings `get_text` reads: not comments, declarations or scripts
    soup = BeautifulSoup(data, "lxml")
    for tag in soup(["script", "style", "head", "sup", "nav", "noscript", "template"]):
        tag.decompose()
    footnotes = soup.find_all(_is_footnote)
    if footnotes:
        lengths = _text_lengths(soup, text_types)
        for tag in footnotes:
            # The size guard keeps a page-wide wrapper (class="has-footnotes") from taking the text with it. A tag
            # inside one removed is removed with it; the others' text is as long as it was measured.
            if not tag.decomposed and lengths[id(tag)] < lengths[id(soup)] / 2:
                tag.decompose()
    # Whitespace inside HTML text is not layout: collapse it, then split at the block marks only.
    text = re.sub(r"\s+", " ", _marked_text(soup, text_types))
    return _paragraph_lines([p.replace(_BREAK, " ").strip() for p in text.split(_PARA)])


def _is_footnote(tag: Tag) -> bool:
    names = [tag.get("id") or "", *(tag.get("class") or [])]
    return any(_FOOTNOTE_NAME.match(n) for n in names)


# Each pass below visits every node once, with a list for a stack: the tree's own methods (get_text of each tag,
# inserting a mark at a tag's end) walk up or down the tree at each tag, so a page nested 8,000 deep took 38 s and
# one nested 100,000 deep would take hours; and recursion would stop at Python's depth limit.


def _text_lengths(root: Tag, text_types: set[type]) -> dict[int, int]:
    """The length of the text (the strings of `text_types`) of `root` and of every tag under it, by the tag's id."""
    from bs4 import Tag

    lengths: dict[int, int] = {}
    todo: list[tuple[Tag, bool]] = [(root, False)]
    while todo:
        tag, counted = todo.pop()
        if counted:  # its children are measured: its length is theirs together
            lengths[id(tag)] = sum(
                lengths[id(child)] if isinstance(child, Tag) else len(child) if type(child) in text_types else 0
                for child in tag.contents
            )
        else:
            todo.append((tag, True))
            todo.extend((child, False) for child in tag.contents if isinstance(child, Tag))
    return lengths


def _marked_text(root: Tag, text_types: set[type]) -> str:
    """The text of the page (the strings of `text_types`) with a paragraph mark at the start and the end of each block
    tag and a break mark at each <br>."""
    from bs4 import NavigableString, Tag

    parts: list[str] = []
    todo: list[object] = [root]
    while todo:
        node = todo.pop()
        if isinstance(node, Tag):
            block = node.name in _BLOCKS
            parts.append(_PARA if block else _BREAK if node.name == "br" else "")
            todo.append(_PARA if block else "")  # taken once its children are
            todo.extend(reversed(node.contents))
        elif not isinstance(node, NavigableString) or type(node) in text_types:
            parts.append(node)  # type: ignore[arg-type]  # a mark, or text of the page
    return "".join(parts)


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
