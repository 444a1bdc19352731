"""Turn a draft into a send-ready PDF (fpdf2), laid out like the Word document.

The text comes from the draft's Markdown, read back by `render.blocks` and `render.spans`, as for the DOCX:
headings, paragraphs, bullets, quotations, bold, italic, line breaks kept, and the [MISSING: ...] markers on a
yellow ground. Around it: the page size (A4 or US Letter), the letterhead and reference at the top of the first
page, the reference on every later page, "Page X of Y" at the foot, and the annexes from a new page.

The text is set in DejaVu Sans, which covers Latin, Greek and Cyrillic scripts. Its files come with matplotlib
(a dependency), so no font is fetched or copied into the project; they are found without importing matplotlib.
Drafts in Arabic and Chinese (`NO_PDF`) are refused before this module is reached (export.check_format): DejaVu
has no Chinese, and Arabic would need a text-shaping engine; their format is DOCX. The header, footer and the
document's language follow the draft's language.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import Literal

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from assistant.drafting.render import Block, Draft, SpanStyle, blocks, header_text, letterhead_lines, spans, unescape
from assistant.errors import DraftError

FAMILY = "DejaVu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
MARGIN = 25.0  # mm, as in the Word document
BODY_PT, SMALL_PT = 10.5, 8.5
HEADING_PT = {"h0": 15.0, "h1": 12.5, "h2": 11.0}
LINE = 5.2  # mm between lines of body text
GAP = 2.4  # mm after a paragraph
INDENT = 6.0  # mm for bullets and quotations
HIGHLIGHT = (255, 235, 59)  # the yellow of Word's highlight
GREY = (90, 90, 90)
CLOSING_SPACE = 8.0  # mm between the request and its signature block
NO_PDF = frozenset({"ar", "zh"})  # scripts this PDF cannot set correctly: see the module's docstring


def refuse_script(language: str | None) -> None:
    """A PDF in a language of `NO_PDF` is refused with the format to use instead, never written with broken
    glyphs."""
    if language in NO_PDF:
        raise DraftError(
            "PDF is not available for drafts in Arabic or Chinese: no font for these scripts is shipped with the "
            "project. Write the draft as DOCX (Word), which shows them correctly, or as Markdown."
        )


@lru_cache(maxsize=1)
def font_folder() -> Path:
    """matplotlib's folder of TrueType fonts, which holds DejaVu Sans."""
    spec = importlib.util.find_spec("matplotlib")
    for base in (spec.submodule_search_locations or []) if spec else []:
        folder = Path(base) / "mpl-data" / "fonts" / "ttf"
        if all((folder / name).is_file() for name in FONT_FILES.values()):
            return folder
    raise DraftError(
        "A PDF needs the DejaVu Sans fonts that come with matplotlib, and they were not found; "
        "reinstall the project's dependencies (pip install -e .), or choose DOCX or Markdown."
    )


class _Request(FPDF):
    """One draft on paper: the header and footer of every page come from the draft."""

    def __init__(self, draft: Draft, paper: Literal["A4", "Letter"]) -> None:
        super().__init__(orientation="portrait", unit="mm", format=paper.lower())
        self.draft = draft
        folder = font_folder()
        for style, name in FONT_FILES.items():
            self.add_font(FAMILY, style, str(folder / name))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN)
        self.set_title(draft.title)
        self.set_lang(draft.language)
        self.set_font(FAMILY, "", BODY_PT)

    def header(self) -> None:
        self.set_text_color(0, 0, 0)
        lines = letterhead_lines(self.draft) if self.page_no() == 1 else []
        if lines:
            self.set_font(FAMILY, "B", BODY_PT)
            self.multi_cell(0, LINE, "\n".join(lines), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, "", SMALL_PT)
        self.cell(0, LINE, header_text(self.draft), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if self.page_no() == 1:
            self.set_draw_color(*GREY)
            self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
        self.ln(LINE * 1.5)
        self.set_font(FAMILY, "", BODY_PT)

    def footer(self) -> None:
        self.set_y(-MARGIN + 8)
        self.set_font(FAMILY, "", SMALL_PT)
        self.set_text_color(0, 0, 0)
        self.cell(0, LINE, self.draft.labels.page.format(page=self.page_no(), pages="{nb}"), align="C")

    # -- the text ----------------------------------------------------------------------------------------

    def runs(self, text: str) -> None:
        """One block's inline parts from the current position, wrapping at the margins."""
        for style, part in spans(text):
            self._run(style, part)

    def _run(self, style: SpanStyle, part: str) -> None:
        self.set_font(FAMILY, {"bold": "B", "missing": "B", "italic": "I"}.get(style, ""), self.font_size_pt)
        if style != "missing":
            self.write(LINE, part)
            return
        width = self.get_string_width(part) + 2 * self.c_margin
        if width > self.w - self.l_margin - self.r_margin:  # longer than a line: not highlighted, still bold
            self.write(LINE, part)
            return
        if self.get_x() + width > self.w - self.r_margin:
            self.ln(LINE)
        self.set_fill_color(*HIGHLIGHT)
        self.cell(width, LINE, part, fill=True, new_x=XPos.RIGHT, new_y=YPos.TOP)

    def block(self, block: Block) -> None:
        if block.kind in HEADING_PT:
            self._heading(block)
        elif block.kind == "bullet":
            self._indented(block.text, "•")
        elif block.kind == "quote":
            self.set_text_color(*GREY)
            self._indented(block.text, "", right=INDENT)
            self.set_text_color(0, 0, 0)
        else:
            self.set_font(FAMILY, "", BODY_PT)
            self.runs(block.text)
            self.ln(LINE + GAP)

    def _heading(self, block: Block) -> None:
        size = HEADING_PT[block.kind]
        if self.will_page_break(LINE * 4):  # a heading never ends a page: it goes over with its text
            self.add_page()
        self.ln(GAP)
        self.set_font(FAMILY, "B", size)
        self.multi_cell(0, size * 0.5, unescape(block.text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(GAP)
        self.set_font(FAMILY, "", BODY_PT)

    def _indented(self, text: str, mark: str, right: float = 0.0) -> None:
        self.set_font(FAMILY, "", BODY_PT)
        self.set_x(self.l_margin)
        self.cell(INDENT, LINE, mark)
        self.set_left_margin(MARGIN + INDENT)
        self.set_right_margin(MARGIN + right)
        self.runs(text)
        self.set_left_margin(MARGIN)
        self.set_right_margin(MARGIN)
        self.ln(LINE + GAP / 2)


def draft_to_pdf(draft: Draft, paper: Literal["A4", "Letter"] = "A4") -> bytes:
    """The draft as PDF bytes: letterhead, reference header, page numbers, gaps highlighted, annexes from a new
    page."""
    refuse_script(draft.language)
    pdf = _Request(draft, paper)
    pdf.add_page()
    for block in blocks(draft.body):
        pdf.block(block)
    closing = list(blocks(draft.closing))
    if closing:
        if pdf.will_page_break(CLOSING_SPACE + LINE * 6):  # the signature block is not split from its place and date
            pdf.add_page()
        else:
            pdf.ln(CLOSING_SPACE)
        for block in closing:
            pdf.block(block)
    if draft.annex:
        pdf.add_page()
        for block in blocks(draft.annex):
            pdf.block(block)
    return bytes(pdf.output())
