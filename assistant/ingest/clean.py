"""Repair what a page layout does to text: running headers and footers, footnotes, hyphenated line
breaks, odd spacing. Input: pages of lines; output: one list of lines, "" marking a paragraph break.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from assistant.ingest.pages import Line, Page

_EDGE = 4  # lines at the top and at the bottom of a page where running headers and footers sit
_REPEATED_SHARE = 0.3  # a line at the same edge of this share of pages is a running header or footer
_SMALL = 0.85  # text this much smaller than the body is footnote text (UN layout: 10 pt body, 8-9 pt notes)

# Tokens a running header or footer is made of: document symbol (A/RES/79/243), page number (12, 3/41,
# "- 3 -", "Page 3 of 41"), UN job number with language tag (24-24713 (E)).
_FURNITURE_TOKEN = re.compile(
    r"^(?:[A-Z]{1,3}(?:/[A-Z0-9.\-]+)+|\d{1,4}|\d{1,4}/\d{1,4}|\d{2}-\d{4,6}|\([A-Z]\)|[-–—]|"
    r"page|pages|p\.|página|pág\.|of|sur|de)$",
    re.I,
)
_DATE = re.compile(r"^\d{1,2}\s+[^\W\d_]+\s+\d{4}$")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\ufeff]")
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_BROKEN_WORD = re.compile(r"([^\W\d_]+)([-\u00ad])$")
_SOFT_HYPHEN = "\u00ad"


def clean(pages: list[Page], keep: Callable[[str], bool]) -> list[str]:
    """Lines of body text in reading order. `keep` matches headings that must survive even if repeated."""
    body = _body_size(pages)
    pages = [[Line(_normalize(line.text), line.size) for line in page if not _is_small(line, body)] for page in pages]
    # Exact repeats only: page numbers are caught by their own pattern, and lines that differ only in a
    # number ("... article 7 ...", "... article 8 ...") are body text, not a running header.
    repeated = _repeated_edges(pages, keep)
    lines: list[str] = []
    for page in pages:
        edges = _edge_positions(page)
        kept = [line.text for i, line in enumerate(page) if not _is_furniture(line.text, edges.get(i), repeated)]
        lines += _trim_blanks(kept)  # a page break is not a paragraph break
    return _dehyphenate(_trim_blanks(lines))


def _normalize(text: str) -> str:
    text = _INVISIBLE.sub("", text.translate(_LIGATURES))
    text = _SPACES.sub(" ", text).strip()
    # A soft hyphen inside a line is invisible; at its end it marks a hyphenated break (kept for below).
    return text[:-1].replace(_SOFT_HYPHEN, "") + text[-1] if text else text


def _body_size(pages: list[Page]) -> float:
    weight: Counter[float] = Counter()
    for page in pages:
        for line in page:
            if line.size:
                weight[line.size] += len(line.text)
    return weight.most_common(1)[0][0] if weight else 0.0


def _is_small(line: Line, body: float) -> bool:
    return bool(line.size and body and line.size < _SMALL * body and line.text.strip())


def _edge_positions(page: Page) -> dict[int, str]:
    """Index -> 'top'/'bottom' for the first and last few non-blank lines of a page."""
    filled = [i for i, line in enumerate(page) if line.text]
    edges = {i: "bottom" for i in filled[-_EDGE:]}
    edges.update({i: "top" for i in filled[:_EDGE]})
    return edges


def _repeated_edges(pages: list[Page], keep: Callable[[str], bool]) -> set[tuple[str, str]]:
    if len(pages) < 3:
        return set()
    seen: Counter[tuple[str, str]] = Counter()
    for page in pages:
        edges = _edge_positions(page).items()
        seen.update({(side, page[i].text) for i, side in edges if not keep(page[i].text)})
    threshold = max(3, _REPEATED_SHARE * len(pages))
    return {key for key, n in seen.items() if n >= threshold}


def _is_furniture(text: str, side: str | None, repeated: set[tuple[str, str]]) -> bool:
    if not text:
        return False
    if all(_FURNITURE_TOKEN.match(token) for token in text.split()):
        return True
    return side is not None and ((side, text) in repeated or bool(_DATE.match(text)))


def _trim_blanks(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


def _dehyphenate(lines: list[str]) -> list[str]:
    """Join 'investi-' + 'gations' to 'investigations', but keep 'capacity-building' and 'Secretary-General'
    whole: a compound the document also spells unbroken keeps its hyphen."""
    vocabulary = Counter(w.casefold() for line in lines for w in _WORD.findall(line))
    out: list[str] = []
    pending = list(reversed(lines))
    while pending:
        line = pending.pop()
        broken = _BROKEN_WORD.search(line)
        nxt = pending[-1] if pending else ""
        tail = _WORD.match(nxt)
        if broken and tail:
            head, hyphen, word = broken.group(1), broken.group(2), tail.group(0)
            compound = hyphen == "-" and vocabulary[f"{head}-{word}".casefold()] > 0
            joined = vocabulary[f"{head}{word}".casefold()] > 0
            if compound and not joined:
                glue = "-"
            elif nxt[0].islower():
                glue = ""
            else:
                glue = None  # "non-" + "Party": not a word broken by typesetting; leave the line as it is
            if glue is not None:
                first, _, rest = nxt.partition(" ")
                line = line[: broken.start(2)] + glue + first
                pending.pop()
                if rest:
                    pending.append(rest)
        if line.endswith(_SOFT_HYPHEN):
            line = line[:-1]
        out.append(line)
    return out
