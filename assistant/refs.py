"""Find article references in a question, and which treaty they belong to.

"art. 37(2)" refers to this convention; "Budapest art. 29" or "article 18 of UNTOC" to another treaty,
which we translate to this convention's numbering through the `mirrors` field of the knowledge files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.records import Article

TREATIES = {
    "budapest": re.compile(r"budapest|council of europe|coe convention|\bETS\s*(no\.?\s*)?185\b", re.I),
    "untoc": re.compile(r"\buntoc\b|palermo|organi[sz]ed crime convention|transnational organi[sz]ed crime", re.I),
    "uncac": re.compile(r"\buncac\b|m[eé]rida|convention against corruption", re.I),
}
REFERENCE = re.compile(
    r"\b(?:articles?|arts?\.?|§)\s*(\d{1,3})(?:\s*\((\d{1,2}|[a-z])\))?"
    r"((?:\s*(?:,|and|&|-|–|to)\s*\d{1,3})*)",
    re.I,
)
INSERTED = re.compile(r"\s*(bis|ter|quater|quinquies|sexies)\b", re.I)
TREATY_BEFORE = 60  # characters before a reference in which a treaty name binds to it
TREATY_AFTER = 45


@dataclass(frozen=True)
class Reference:
    number: int
    paragraph: str | None
    treaty: str  # "un", "budapest", "untoc" or "uncac"
    span: tuple[int, int]
    suffix: str = ""  # "bis", "ter"...: an article inserted after adoption, which this convention has none of

    @property
    def name(self) -> str:
        return f"{self.number} {self.suffix}".strip()


def _treaty_near(text: str, start: int, end: int) -> str:
    after = text[end : end + TREATY_AFTER]
    if re.match(r"\s*(of|in|under|from)\b", after, re.I):  # "article 29 of the Budapest Convention"
        hits = [(m.start(), name) for name, rx in TREATIES.items() for m in rx.finditer(after)]
        if hits:
            return min(hits)[1]
    before = text[max(0, start - TREATY_BEFORE) : start]
    for name, rx in TREATIES.items():  # "Budapest Convention art. 29", but not "UNTOC and article 40"
        for m in rx.finditer(before):
            gap = before[m.end() :]
            if len(gap) <= 22 and not re.search(r"\b(and|or|vs|versus)\b|[,;]", gap, re.I):
                return name
    return "un"


def find_references(text: str) -> list[Reference]:
    """Every article number named in the text, in order, with the treaty it most likely belongs to."""
    refs: list[Reference] = []
    for m in REFERENCE.finditer(text):
        treaty = _treaty_near(text, m.start(), m.end())
        inserted = INSERTED.match(text, m.end())
        suffix = inserted.group(1).lower() if inserted and not m.group(3) else ""
        refs.append(Reference(int(m.group(1)), m.group(2), treaty, m.span(), suffix))
        tail = m.group(3) or ""
        numbers = [int(n) for n in re.findall(r"\d{1,3}", tail)]
        if numbers and re.search(r"-|–|to", tail) and len(numbers) == 1 and 0 < numbers[0] - int(m.group(1)) <= 10:
            numbers = list(range(int(m.group(1)) + 1, numbers[0] + 1))
        refs.extend(Reference(n, None, treaty, m.span()) for n in numbers)
    return refs


MIRROR = re.compile(r"(Budapest|UNTOC|UNCAC)[^0-9]*?(\d{1,3})", re.I)


def mirror_map(articles: Iterable[Article]) -> dict[tuple[str, int], list[int]]:
    """(treaty, its article) -> the articles of this convention that mirror it, from the knowledge files."""
    out: dict[tuple[str, int], list[int]] = {}
    for art in articles:
        for mirror in art.mirrors:
            for part in re.split(r"[;/+]| and ", mirror):
                m = MIRROR.search(part)
                if m:
                    key = (m.group(1).lower(), int(m.group(2)))
                    if art.number not in out.setdefault(key, []):
                        out[key].append(art.number)
    return out


@dataclass(frozen=True)
class ResolvedReferences:
    """Article numbers named in a question, translated to this convention's numbering."""

    articles: tuple[int, ...] = ()  # this convention's articles to boost
    nonexistent: tuple[str, ...] = ()  # "75", "68 bis": articles cited as this convention's that it lacks
    translated: tuple[tuple[Reference, tuple[int, ...]], ...] = ()  # other-treaty ref -> our articles
    unmatched: tuple[Reference, ...] = ()  # other-treaty refs with no counterpart here
    raw: tuple[Reference, ...] = ()  # every reference found, whatever its treaty
