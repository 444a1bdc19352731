"""The document as a flow of blocks (front matter, headings, paragraphs, items), and line wrapping with
hyphenation, shared by the PDF and TXT renderers."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from .model import WORDS, Doc, article_heading, chapter_heading, label

SYMBOL = "A/RES/79/243"
RUNNING_TITLE = "United Nations Convention against Cybercrime"
JOB = "24-24713"

BlockKind = Literal["center", "para", "item", "subitem", "plain"]


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str
    marker: str = ""
    footnote: str = ""
    bold: bool = False


RECALLING = (
    "Recalling its earlier resolutions on countering the use of information and communications technologies "
    "for criminal purposes, and the work of the ad hoc committee it established,"
)


def _front() -> list[Block]:
    """Resolution front matter and the convention's preamble, in our own words: the parser must skip it,
    including its own numbered operative paragraphs."""
    masthead = ("United Nations", "General Assembly", "Distr.: General", "31 December 2024", "Seventy-ninth session")
    return [
        *(Block("center", line) for line in masthead),
        Block("center", "Resolution adopted by the General Assembly on 24 December 2024", bold=True),
        Block("center", f"79/243. {RUNNING_TITLE}", bold=True),
        Block("plain", "The General Assembly,"),
        Block("plain", RECALLING, footnote="Resolution 74/247, adopted without a vote."),
        Block("para", "Adopts the Convention annexed to the present resolution;", marker="1."),
        Block("para", "Requests the Secretary-General to open the Convention for signature;", marker="2."),
        Block("para", "Invites all States to consider becoming parties to the Convention.", marker="3."),
        Block("center", "Annex", bold=True),
        Block("center", RUNNING_TITLE, bold=True),
        Block("center", "Preamble"),
        Block("plain", "The States Parties to this Convention,"),
        Block("plain", "Concerned about the scale of crime committed by means of computer systems,"),
        Block("plain", "Have agreed as follows:"),
    ]


def doc_blocks(doc: Doc) -> list[Block]:
    blocks = _front()
    chapter = None
    for art in doc.articles:
        if art.chapter != chapter:
            chapter = art.chapter
            blocks += [
                Block("center", chapter_heading(art.chapter, doc.lang), bold=True),
                Block("center", art.chapter_title, bold=True),
            ]
        blocks += [
            Block("center", article_heading(art.number, doc.lang), bold=True),
            Block("center", art.title, bold=True),
        ]
        for para in art.paras:
            marker = f"{para.number}." if para.number else ""
            blocks.append(Block("para" if marker else "plain", para.intro, marker=marker, footnote=para.footnote))
            for item in para.items:
                blocks.append(Block("item", item.text, marker=label(item, doc.lang)))
                blocks += [Block("subitem", s.text, marker=label(s, doc.lang)) for s in item.subitems]
    blocks.append(Block("plain", WORDS[doc.lang].testimonium))
    return blocks


Token = tuple[str, int]  # (text drawn, index of the word it comes from)
_SPLITTABLE = re.compile(r"[A-Za-z]{10,}[,.;:]?")


def wrap(
    text: str,
    widths: tuple[float, float],
    measure: Callable[[str], float],
    compounds: frozenset[str] = frozenset(),
    keep_whole: int = -1,
) -> tuple[list[list[Token]], set[str]]:
    """Greedy wrap to (first line, other lines) widths; a long word that does not fit is hyphenated.

    A compound ("capacity-building") is broken at its own hyphen only if it occurs elsewhere in the
    document, as in real typesetting where the reader (and the parser) can tell it is a compound.
    Returns the lines and the words that were hyphenated.
    """
    lines: list[list[Token]] = [[]]
    broken: set[str] = set()

    def room(candidate: list[Token]) -> bool:
        width = widths[0] if len(lines) == 1 else widths[1]
        return measure(" ".join(t for t, _ in candidate)) <= width

    for index, word in enumerate(text.split()):
        if room([*lines[-1], (word, index)]):
            lines[-1].append((word, index))
            continue
        parts = None if index == keep_whole else _split(word, lambda h, i=index: room([*lines[-1], (h, i)]), compounds)
        if parts and lines[-1]:
            lines[-1].append((parts[0], index))
            lines.append([(parts[1], index)])
            broken.add(word.strip(",.;:"))
        else:
            lines.append([(word, index)])
    return lines, broken


def _split(word: str, fits: Callable[[str], bool], compounds: frozenset[str]) -> tuple[str, str] | None:
    """(head ending in '-', tail) for a word broken at the end of a line, or None."""
    core = word.strip(",.;:")
    if core in compounds:
        head, _, tail = word.partition("-")
        return (head + "-", tail) if fits(head + "-") else None
    if not _SPLITTABLE.fullmatch(word):
        return None
    for cut in range(len(core) - 4, 4, -1):
        if fits(word[:cut] + "-"):
            return word[:cut] + "-", word[cut:]
    return None
