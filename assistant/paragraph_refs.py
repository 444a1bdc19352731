"""Paragraph numbers in our own cross-references ("art. 40(8)") must be ones seen in an official text.

Only the numbers an article file lists in `verified_paragraphs` were seen; every other paragraph number of the
convention is the parent treaty's position, inferred. A cross-reference that gives such a number in our text
reads as established and gets copied into requests, so the loaders refuse it: cite the article alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from assistant.errors import KnowledgeError
from assistant.records import Article

_ARTICLE = r"\bart(?:icle)?s?\.?\s*"
_PARTS = r"(?:\((?:\d{1,2}|[a-z]{1,4})\))+"  # (8), (1)(c), (h)
_JOIN = r"\s*(?:,|and|or|to|-|–)\s*"
# "art. 40(8)", "arts. 37(1) and 40(2)", "art. 40(4) and (5)", "art. 40(10) to 40(12)"
CITED = re.compile(rf"{_ARTICLE}(\d{{1,2}}){_PARTS}(?:{_JOIN}(?:\d{{1,2}})?{_PARTS})*", re.I)
CITED_ITEM = re.compile(r"(\d{1,2})?\((\d{1,2}|[a-z]{1,4})\)[^,\s]*", re.I)
# "art. 40, paragraph 8", "Art. 44 (Mutual legal assistance ...), paras 1 to 3"
ARTICLE_THEN_PARAGRAPH = re.compile(
    rf"{_ARTICLE}(\d{{1,2}})(?:\s*\([^()]*\))?,?\s+para(?:graph)?s?\.?\s*(\d{{1,2}}(?:{_JOIN}\d{{1,2}})*)", re.I
)
# "paragraph 8 of article 40", "paragraphs 10 to 12 of art. 40"
PARAGRAPH_OF_ARTICLE = re.compile(
    rf"\bpara(?:graph)?s?\.?\s*(\d{{1,2}}(?:{_JOIN}\d{{1,2}})*)(?:\([a-z]{{1,4}}\))?\s+of\s+(?:the\s+)?(?:UN\s+)?"
    rf"{_ARTICLE}(\d{{1,2}})",
    re.I,
)
NUMBER = re.compile(r"\d{1,2}")
# The parent treaties' own numbering ("Budapest art. 29(2)", "parent UNTOC art. 18(15)") is theirs to give;
# "Budapest 24(1) is UN art. 37(1)" names ours.
OTHER_TREATY = re.compile(r"(Budapest|UNTOC|UNCAC|Protocol|Lanzarote|Malabo|parent)[^.;\d]{0,25}$", re.I)
OURS = re.compile(r"\bUN\s+$")


def verified_paragraphs(articles: Iterable[Article]) -> dict[int, frozenset[str]]:
    """Each article's paragraph numbers seen in an official text ("2(a)" counts as paragraph 2)."""
    return {
        a.number: frozenset(p.number.split("(")[0] for p in a.paragraphs if p.number and p.verified) for a in articles
    }


def inferred_references(text: str, verified: Mapping[int, frozenset[str]]) -> list[tuple[int, str, int]]:
    """(article, reference as written, offset) for each cross-reference in `text` that gives a paragraph number
    not seen in an official text. Subparagraph letters of an unnumbered article ("art. 2(h)") are not paragraph
    numbers and pass."""
    found: list[tuple[int, int, str, int]] = []  # (article, paragraph, as written, offset)
    for match in CITED.finditer(text):
        article = int(match.group(1))
        for item in CITED_ITEM.finditer(match.group(0)):
            article = int(item.group(1)) if item.group(1) else article
            if item.group(2).isdigit():
                found.append((article, int(item.group(2)), match.group(0), match.start()))
    for match in ARTICLE_THEN_PARAGRAPH.finditer(text):
        for number in NUMBER.findall(match.group(2)):
            found.append((int(match.group(1)), int(number), match.group(0), match.start()))
    for match in PARAGRAPH_OF_ARTICLE.finditer(text):
        for number in NUMBER.findall(match.group(1)):
            found.append((int(match.group(2)), int(number), match.group(0), match.start()))
    out = []
    for article, paragraph, written, offset in sorted(found, key=lambda f: f[3]):
        before = text[max(0, offset - 40) : offset]
        if str(paragraph) in verified.get(article, frozenset()):
            continue
        if OTHER_TREATY.search(before) and not OURS.search(before):
            continue
        out.append((article, written, offset))
    return out


def check_references(where: str, text: str, verified: Mapping[int, frozenset[str]]) -> None:
    """Raise KnowledgeError for the first inferred paragraph number `text` cites, naming `where` (and the line
    where `text` has several)."""
    found = inferred_references(text, verified)
    if found:
        article, written, offset = found[0]
        line = f":{text.count(chr(10), 0, offset) + 1}" if "\n" in text else ""
        seen = ", ".join(sorted(verified.get(article, ()), key=int)) or "none"
        raise KnowledgeError(
            f"{where}{line}: {' '.join(written.split())!r} gives a paragraph number not seen in an official text"
            f" (verified paragraphs of art. {article}: {seen}); cite it as art. {article}; the paragraph number"
            " is inferred."
        )
