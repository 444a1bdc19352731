"""Turn a draft into a send-ready Word document (python-docx).

The text comes from the draft's Markdown, read back by `render.blocks` and `render.spans`: headings,
paragraphs, bullets, quotations, **bold**, *italic*, line breaks kept, and the [MISSING: ...] markers, which
are highlighted so a gap stands out on paper as well. Around it: the page size (A4 or US Letter), the
requesting authority's letterhead and the reference at the top of the first page, the reference on every
later page, "Page X of Y" at the foot, and the annexes starting on a new page. The header and footer words follow
the draft's language; a draft in Arabic is written right to left (every paragraph and run marked bidi/rtl), so
Word lays it out from the right and orders mixed Arabic and Latin text correctly.
"""

from __future__ import annotations

import re
from typing import Literal

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Mm, Pt
from docx.text.paragraph import Paragraph

from assistant.drafting.render import Draft, blocks, header_text, letterhead_lines, spans, unescape
from assistant.drafting.wording import RIGHT_TO_LEFT

PAGE_SIZES = {"A4": (Mm(210), Mm(297)), "Letter": (Inches(8.5), Inches(11))}
MARGIN = Mm(25)
STYLES = {"bullet": "List Bullet", "quote": "Quote", "para": None}
# The paragraph properties from w:pBdr on, in the schema's order (ECMA-376 CT_PPrBase, then CT_PPr): a property
# goes before the ones that follow it.
FROM_PBDR = (
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
AFTER_PBDR = FROM_PBDR[FROM_PBDR.index("w:pBdr") + 1 :]
AFTER_BIDI = FROM_PBDR[FROM_PBDR.index("w:bidi") + 1 :]
PAGE_FIELDS = {"page": "PAGE", "pages": "NUMPAGES"}
PAGE_PART = re.compile(r"(\{page\}|\{pages\})")
CLOSING_SPACE_PT = 30  # room between the request and its signature block


def _add_runs(paragraph: Paragraph, text: str) -> None:
    """The inline parts of one block; a line break inside a part stays a line break."""
    for style, part in spans(text):
        run = paragraph.add_run()
        for i, line in enumerate(part.split("\n")):
            if i:
                run.add_break()
            run.add_text(line)
        if style == "missing":
            run.bold = True
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        elif style == "bold":
            run.bold = True
        elif style == "italic":
            run.italic = True


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A field Word fills in when it lays out the page, e.g. PAGE or NUMPAGES."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _rule_below(paragraph: Paragraph) -> None:
    """A thin line under a paragraph (the foot of the letterhead)."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "4"), ("w:color", "808080")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    # Word refuses a file whose paragraph properties are out of the schema's order: put it in its place.
    paragraph._p.get_or_add_pPr().insert_element_before(borders, *AFTER_PBDR)


def _page_number(paragraph: Paragraph, label: str) -> None:
    """'Page X of Y' in the draft's language: the label's {page} and {pages} become fields Word fills in."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for part in PAGE_PART.split(label):
        if PAGE_PART.fullmatch(part):
            _field(paragraph, PAGE_FIELDS[part[1:-1]])
        elif part:
            paragraph.add_run(part)


def _reference_line(paragraph: Paragraph, draft: Draft) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.add_run(header_text(draft)).font.size = Pt(9)


def _page_setup(doc: DocxDocument, draft: Draft, paper: Literal["A4", "Letter"]) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_SIZES[paper]
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = MARGIN
    section.header_distance = section.footer_distance = Mm(12)
    # The first page carries the letterhead; every later page repeats the reference.
    section.different_first_page_header_footer = True
    first = section.first_page_header.paragraphs[0]
    lines = letterhead_lines(draft)
    if lines:
        run = first.add_run(lines[0])
        run.bold = True
        for line in lines[1:]:
            run.add_break()
            run = first.add_run(line)
        first = section.first_page_header.add_paragraph(style="Header")
    _reference_line(first, draft)
    _rule_below(first)
    _reference_line(section.header.paragraphs[0], draft)
    _page_number(section.footer.paragraphs[0], draft.labels.page)
    _page_number(section.first_page_footer.paragraphs[0], draft.labels.page)


def _add_blocks(doc: DocxDocument, markdown: str, new_page: bool = False, space_before: float = 0) -> None:
    for i, block in enumerate(blocks(markdown)):
        if block.kind.startswith("h"):
            paragraph = doc.add_heading(unescape(block.text), level=int(block.kind[1]))
        else:
            paragraph = doc.add_paragraph(style=STYLES[block.kind])
            _add_runs(paragraph, block.text)
        if i == 0 and new_page:
            paragraph.paragraph_format.page_break_before = True
        if i == 0 and space_before:
            paragraph.paragraph_format.space_before = Pt(space_before)


def _right_to_left(paragraph: Paragraph) -> None:
    """A paragraph read from the right (w:bidi), its runs as right-to-left text (w:rtl), bold and italic set for
    the complex script too: Word applies w:b and w:i to Latin text only."""
    ppr = paragraph._p.get_or_add_pPr()
    if ppr.find(qn("w:bidi")) is None:
        ppr.insert_element_before(OxmlElement("w:bidi"), *AFTER_BIDI)
    for run in paragraph.runs:
        run.font.rtl = True
        run.font.cs_bold = run.bold
        run.font.cs_italic = run.italic


def _paragraphs(doc: DocxDocument) -> list[Paragraph]:
    """Every paragraph of the document: body, headers and footers."""
    section = doc.sections[0]
    parts = (section.header, section.footer, section.first_page_header, section.first_page_footer)
    return [*doc.paragraphs, *(p for part in parts for p in part.paragraphs)]


def draft_to_docx(draft: Draft, paper: Literal["A4", "Letter"] = "A4") -> DocxDocument:
    """A Word document of the draft: letterhead, reference header, page numbers, gaps highlighted, and the
    annexes from a new page."""
    doc = Document()
    props = doc.core_properties
    # The default template names python-docx as author; a request should carry no stray metadata.
    props.title, props.author, props.last_modified_by, props.comments = draft.title, "", "", ""
    _page_setup(doc, draft, paper)
    _add_blocks(doc, draft.body)
    _add_blocks(doc, draft.closing, space_before=CLOSING_SPACE_PT)
    _add_blocks(doc, draft.annex, new_page=True)
    if draft.language in RIGHT_TO_LEFT:
        for paragraph in _paragraphs(doc):
            _right_to_left(paragraph)
    return doc
