"""The structure of a request: headings (Markdown, numbered, capitals, 'Label:' lines, larger PDF type), the
paragraphs under them, and the sentences that are compared with the form's elements.

Every passage keeps its heading, so "Contact: Inspector Lenz, +43 ..." counts for the contact person even
though the words after the colon say little on their own, and its place in the displayed text, so the app can
highlight it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from assistant.ingest.pages import Line

MD_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*$")
MARKER = re.compile(
    r"^(?:(?:section|part|chapter|item)\s+)?"
    r"(?:\(?\d{1,2}(?:\.\d{1,2})*[.)]?|\(?[ivxlc]{1,5}[.)]|\(?[a-hA-H][.)])\s+(?=\S)",
    re.I,
)
BULLET = re.compile(r"^[-*•·–]\s+")
# "Requesting authority: the Prosecutor General" (a label of a few words, then its value).
LABEL = re.compile(r"^([A-Z][^:!?]{0,60}?)\s*:\s+(\S.*)$")
# A form's dotted leaders do what the colon does: "Issuing authority ........ Ministry of Justice". Four dots at
# least, so that a sentence's ellipsis ("He left... and") is not a label.
LEADER = re.compile(r"^([A-Z][^:!?]{0,60}?)\s*(?:(?:\.\s?){4,}|…{2,}|_{4,})\s*(\S.*)$")
LABEL_SEPARATORS = " \t:.…_*"  # what lies between a label and its value
EMPHASIS = re.compile(r"\*\*|__")
LABEL_WORDS = 8
BOLD = re.compile(r"^\*\*(.+?)\*\*:?$|^__(.+?)__:?$")
ARTICLE_HEADING = re.compile(r"^article\s+\d{1,3}\b", re.I)
END_PUNCT = (".", ";", ",", "!", "?")
# The page marks of a printed or scanned request ("page 2 of 2", "[page 1]", "- 3 -"), on a line of their own or
# at the far right of one: they are not part of the text, and left in they join the sentences around them.
PAGE_MARK = re.compile(r"^(?:\[?\s*page\s+\d+(?:\s+of\s+\d+)?\s*\]?|-\s*\d{1,3}\s*-)$", re.I)
TRAILING_PAGE_MARK = re.compile(r"\s{3,}\[?\s*page\s+\d+(?:\s+of\s+\d+)?\s*\]?$", re.I)
LABEL_VALUE_END = (".", "!", "?", ":", ";")  # a label's value that ends so is complete on its line
# Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = re.compile(
    r"\b(?:art|arts|no|nos|para|paras|sect|sec|s|ss|cf|e\.g|i\.e|mr|mrs|ms|dr|st|insp|supt|sgt|prof|jr|sr|"
    r"tel|fax|ref|det|vol|p|pp|op|cit|inc|ltd|co|corp|approx|ca|etc|vs|v|u\.s|a\.m|p\.m|fig|al|dept|gen|col|lt|cpt|"
    r"capt|hon|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|[a-z])\.$",
    re.I,
)
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“(\[]?[A-Z0-9])")
MAX_WORDS = 60
HEADING_WORDS = 12
# A sentence this long often gives several elements at once (a note verbale's "presents its compliments to the
# Ministry ... and has the honour to transmit a request from the Investigating Magistrate, who directs an
# investigation into ..."): its clauses are compared with the elements as well, since the whole sentence sits
# midway between them all and comes close to none.
CLAUSE_MIN_WORDS = 20
CLAUSE_WORDS = 4  # a shorter piece stays with the clause before it
CLAUSE_BREAK = re.compile(
    r"(?<=[;:])\s+"
    r"|,\s+(?=(?:who|which|whose|where|when|with|and|but|so|since|because|as|under|for|from|born|living|"
    r"residing|a national|in order)\b)"
    r"|\s+(?=and\s+(?:has|have|is|are|was|were|asks?|requests?|wishes|would)\b)",
    re.I,
)


@dataclass(frozen=True)
class Unit:
    """A sentence (or a labelled value) of the request, with the heading of its section."""

    text: str
    heading: str  # the section's heading, "" before the first
    label: str  # the label of a "Label: value" line, else ""
    start: int  # offsets in Document.text
    end: int
    block: int  # the paragraph it belongs to
    whole: int = -1  # for a clause of a long sentence, the sentence's index in Document.units


@dataclass(frozen=True)
class Document:
    """The request as displayed, its passages and the facts about its shape that the checks use."""

    text: str
    units: list[Unit]  # the sentences in order, then the clauses of the long ones
    headings: list[str]  # every heading, in order
    words: int
    article_headings: int  # lines like "Article 12": many of them mean a treaty or statute, not a request
    sentences: int  # how many of `units` are sentences (the rest are clauses)


@dataclass
class _Block:
    text: str
    heading: str | None = None  # set for a heading block, or the label of a 'Label: value' block
    kind: str = "para"  # "heading" | "para" | "label"
    body_at: int = 0  # where the sentences start in `text` (after a label and its colon)
    gap: bool = True  # a blank line (or the start of the text) comes before it


def _words(text: str) -> int:
    return len(text.split())


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and sum(c.isupper() for c in letters) / len(letters) > 0.85


def _body_size(lines: list[Line]) -> float:
    sizes: Counter[float] = Counter()
    for line in lines:
        if line.size:
            sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _heading_text(text: str, line: Line, body: float, alone: bool, continued: bool = False) -> str | None:
    """The heading a line stands for, or None when it is body text. Its number goes ("## 10. Persons concerned"
    is "Persons concerned"): the number says nothing of what the section holds, and costs the heading much of
    its similarity to the element's label. A numbered line that the next line `continued` in lower case is the
    start of a paragraph broken by the scan ("1. Your office preserved the data at our / request no. ..."), not
    a heading."""
    if m := MD_HEADING.match(text):
        return _unnumbered(m.group(1).strip("*_ ")) or None
    if m := BOLD.match(text):
        return _unnumbered((m.group(1) or m.group(2)).strip())
    marked = MARKER.match(text)
    core = text[marked.end() :] if marked else text
    words = _words(core)
    if not core or words > HEADING_WORDS:
        return None
    if core.endswith(":") and not LABEL.match(core):
        return core.rstrip(": ")
    if (m := _label_match(EMPHASIS.sub("", core))) and _words(m.group(1)) <= LABEL_WORDS:
        return None  # "Label: value", not a heading
    if _is_caps(core) and not core.endswith((".", ";", ",")):
        return core
    if body and line.size > 1.15 * body and words <= 15:
        return core
    if core.endswith(END_PUNCT) or not core[0].isupper():
        return None
    if marked and words <= 10 and not continued:
        return core
    if alone and words <= 8 and not re.search(r"\d", core):
        return core  # a line on its own; dates and places of letterheads are not headings
    return None


def _unnumbered(heading: str) -> str:
    marked = MARKER.match(heading)
    return heading[marked.end() :] if marked else heading


def _blocks(lines: list[Line]) -> list[_Block]:
    """Paragraphs and headings from the extracted lines (a blank line ends a paragraph)."""
    body = _body_size(lines)
    blocks: list[_Block] = []
    current: list[str] = []
    gap = True  # a blank line before the next block

    def add(block: _Block) -> None:
        nonlocal gap
        block.gap = gap
        blocks.append(block)
        gap = False

    def flush() -> None:
        if current:
            add(_Block(" ".join(current)))
            current.clear()

    texts = [TRAILING_PAGE_MARK.sub("", line.text).strip() for line in lines]
    marks = [bool(PAGE_MARK.match(text)) for text in texts]
    lines = [line for line, mark in zip(lines, marks, strict=True) if not mark]
    texts = [text for text, mark in zip(texts, marks, strict=True) if not mark]
    # A label whose value stops mid-phrase (no full stop, colon ...) goes on over the next lines: a scan or a
    # narrow form breaks "SUBJECT: expedited preservation of stored / data - ransomware attack on ...", and the
    # value cut at the line break says something else than the whole.
    open_label: _Block | None = None
    for i, (line, text) in enumerate(zip(lines, texts, strict=True)):
        if not text:
            flush()
            gap = True
            open_label = None
            continue
        prev = texts[i - 1] if i else ""
        nxt = texts[i + 1] if i + 1 < len(texts) else ""
        # A line on its own, or a short line between a finished sentence and a capitalised one.
        alone = (not prev or prev.endswith((".", ":", ";", "!", "?"))) and (not nxt or nxt[:1].isupper())
        continued = nxt[:1].islower()
        if (heading := _heading_text(text, line, body, alone and not current, continued)) is not None:
            flush()
            add(_Block(text, heading, "heading"))
            open_label = None
            continue
        if label := _label(text):
            flush()
            add(label)
            open_label = None if text.endswith(LABEL_VALUE_END) else label
            continue
        if open_label is not None and not (MARKER.match(text) or BULLET.match(text)):
            open_label.text += " " + text
            if text.endswith(LABEL_VALUE_END):
                open_label = None
            continue
        open_label = None
        if current and (MARKER.match(text) or BULLET.match(text)):
            flush()  # a numbered or bulleted item starts a paragraph of its own
        current.append(text)
    flush()
    return blocks


def _label(text: str) -> _Block | None:
    """A 'Label: value' line (markers, bullets and Markdown emphasis around the label allowed)."""
    bare = EMPHASIS.sub("", BULLET.sub("", MARKER.sub("", text, count=1), count=1))
    m = _label_match(bare)
    if not m or _words(m.group(1)) > LABEL_WORDS:
        return None
    label = m.group(1).strip()
    at = text.find(label) + len(label)
    while at < len(text) and text[at] in LABEL_SEPARATORS:
        at += 1
    return _Block(text, label, "label", at)


def _label_match(text: str) -> re.Match[str] | None:
    """The label and value of a 'Label: value' line or of a form's dotted-leader line."""
    return LABEL.match(text) or LEADER.match(text)


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph; an overlong one is cut at semicolons, then every MAX_WORDS words."""
    out: list[str] = []
    start = 0
    for m in SENTENCE_END.finditer(text):
        before = text[start : m.start()].rstrip('"”’)')
        if ABBREVIATIONS.search(before) or (re.search(r"\b\d{1,2}\.$", before) and _words(before) < 3):
            continue
        out.append(text[start : m.start()])
        start = m.end()
    out.append(text[start:])
    pieces: list[str] = []
    for sentence in (s.strip() for s in out if s.strip()):
        if _words(sentence) <= MAX_WORDS:
            pieces.append(sentence)
            continue
        for part in re.split(r"(?<=;)\s+", sentence):
            pieces += _chunks(part)
    return pieces


def _chunks(text: str) -> list[str]:
    """A run-on sentence in pieces of about MAX_WORDS words, cut after a comma where there is one."""
    words = text.split()
    out: list[str] = []
    while len(words) > MAX_WORDS + MAX_WORDS // 4:
        cut = next((i + 1 for i in range(MAX_WORDS, MAX_WORDS // 2, -1) if words[i].endswith(",")), MAX_WORDS)
        out.append(" ".join(words[:cut]))
        words = words[cut:]
    return [*out, " ".join(words)]


def clauses(sentence: str) -> list[tuple[int, int]]:
    """Where the clauses of a long sentence lie in it (start, end), or [] when it is short or has only one."""
    if _words(sentence) < CLAUSE_MIN_WORDS:
        return []
    spans: list[tuple[int, int]] = []
    start = 0
    for m in CLAUSE_BREAK.finditer(sentence):
        if _words(sentence[start : m.start()]) >= CLAUSE_WORDS:
            spans.append((start, m.start()))
            start = m.end()
    if spans and _words(sentence[start:]) < CLAUSE_WORDS:
        start = spans.pop()[0]  # a short tail stays with the clause before it
    spans.append((start, len(sentence)))
    # The comma or semicolon that ends a clause is not part of it.
    spans = [(a, a + len(sentence[a:b].rstrip(",;: "))) for a, b in spans]
    return spans if len(spans) > 1 else []


def segment(lines: list[Line]) -> Document:
    """The request's displayed text and its passages, each under the heading of its section."""
    parts: list[str] = []
    units: list[Unit] = []
    parts_of: list[Unit] = []  # the clauses of long sentences, after all the sentences
    headings: list[str] = []
    offset = 0
    section = heading = ""  # the current section, and the last heading proper
    numbered_label = False  # the last label was a numbered item
    article_headings = 0
    for index, block in enumerate(_blocks(lines)):
        if parts:
            offset += 2  # the blank line between blocks
        parts.append(block.text)
        # A treaty or statute has many short "Article N" lines, however they were laid out.
        article_headings += bool(ARTICLE_HEADING.match(block.text)) and _words(block.text) <= HEADING_WORDS
        if block.kind == "heading":
            section = heading = block.heading or ""
            headings.append(section)
        else:
            label = block.heading or "" if block.kind == "label" else ""
            item = bool(MARKER.match(block.text))
            if label:
                headings.append(label)
                # "Label: value" opens a section of its own: the lines that follow it without a blank line
                # continue the value ("What we need:" and its numbered items) ...
                section, numbered_label = label, item
            elif block.gap and (not (item or BULLET.match(block.text)) or (item and numbered_label)):
                # ... but a blank line ends it, unless a numbered or bulleted item follows: the body of an
                # e-mail is not the value of its "Subject:" line, nor a letter the value of its "Our reference:".
                # The heading above the label applies again. A label that is itself a numbered item ("3. The
                # communication concerned: ...") has the next numbered item as its sibling, not its value.
                section = heading
            cursor = block.body_at
            for sentence in split_sentences(block.text[block.body_at :]):
                at = block.text.find(sentence[:40], cursor)
                at = at if at >= 0 else cursor
                unit = Unit(sentence, section, label, offset + at, offset + at + len(sentence), index)
                units.append(unit)
                parts_of += [
                    Unit(sentence[a:b], section, label, unit.start + a, unit.start + b, index, len(units) - 1)
                    for a, b in clauses(sentence)
                ]
                cursor = at + len(sentence)
        offset += len(block.text)
    text = "\n\n".join(parts)
    return Document(text, [*units, *parts_of], headings, _words(text), article_headings, len(units))
