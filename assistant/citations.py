"""Citations in answer text: `[Art. 42]` or `[Art. 37(2)]`, or the label of the answer's language (`[ст. 42]`,
`[第42条(1)]`, `[المادة 42]`). Each must point to a retrieved passage."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from assistant.records import Citation, Passage

ENGLISH_LABEL = "Art. {number}{para}"  # prompts/i18n/en.yaml words.article
BRACKETED = re.compile(r"\[([^\[\]\n]{1,40})\]")
# A sentence ends at . ! ? or at its closing citation, before a space and a capital (or a letter of a script
# without capitals); in Chinese at 。！？ or a citation, with no space, before a Chinese character. A citation
# right after the full stop stays with it.
SENTENCE = re.compile(r"(?<=[.!?\]])\s+(?=[^\W\d_a-zа-яё]|[\"'(«“-])|(?<=[。！？\]])\s*(?=[\u3400-\u9fff])")


@dataclass(frozen=True)
class CitationStyle:
    """How answers in one language write citations and a leading "Yes."/"No."."""

    labels: tuple[str, ...] = (ENGLISH_LABEL,)  # label templates ("ст. {number}{para}"); English is always read
    polarity: re.Pattern[str] = re.compile(r"^(?:Yes|No)\.")  # "Yes." belongs to the sentence after it


ENGLISH = CitationStyle()


@cache
def label_pattern(template: str) -> re.Pattern[str]:
    """A whole citation label written with this template: "Art. {number}{para}" reads "Art. 37(2)(a)"."""
    before, _, rest = template.partition("{number}")
    after = rest.replace("{para}", "")
    head = r"\s*".join(map(re.escape, before.split()))
    return re.compile(rf"{head}\s*(\d{{1,3}})\s*{re.escape(after.strip())}((?:\([0-9a-z]{{1,4}}\))*)")


def cited(text: str, style: CitationStyle = ENGLISH) -> list[tuple[int, str | None]]:
    """(article, paragraph) of every citation in the text, in order, without repeats."""
    out = []
    for inside in BRACKETED.findall(text):
        for template in (*style.labels, ENGLISH_LABEL):
            if match := label_pattern(template).fullmatch(inside.strip()):
                out.append((int(match.group(1)), _paragraph(match.group(2))))
                break
    return list(dict.fromkeys(out))


def _paragraph(parens: str) -> str | None:
    """'(2)(a)' -> '2(a)', the paragraph number as the knowledge files write it; '' -> None."""
    if not parens:
        return None
    head, _, rest = parens[1:].partition(")")
    return head + rest


def supports(passages: list[Passage], article: int, paragraph: str | None) -> Passage | None:
    """The retrieved passage a citation points to; a bare [Art. N] is supported by any passage of N."""
    for p in passages:
        if p.article == article and (paragraph is None or p.paragraph == paragraph):
            return p
    return None


def to_citations(text: str, passages: list[Passage], style: CitationStyle = ENGLISH) -> tuple[Citation, ...]:
    """The citations of a generated text, each with the passage behind it (the first retrieved one of its
    article where the citation names no paragraph)."""
    out = []
    for article, paragraph in cited(text, style):
        p = supports(passages, article, paragraph)
        if p is not None:
            out.append(
                Citation(
                    article=article,
                    paragraph=p.paragraph,
                    paragraph_verified=p.paragraph_verified,
                    title=p.title,
                    source=p.source,
                    text=p.text,
                    passage_id=p.id,
                    heading="notes" if p.kind == "notes" else p.heading,
                )
            )
    return tuple(out)


@dataclass(frozen=True)
class Verified:
    text: str
    removed_unsupported: int
    removed_uncited: int


def verify(text: str, passages: list[Passage], style: CitationStyle = ENGLISH) -> Verified:
    """Keep only sentences whose every citation points to a retrieved passage; drop uncited sentences."""
    kept, bad, bare = [], 0, 0
    for block in text.strip().split("\n"):
        sentences = [s for s in SENTENCE.split(block.strip()) if s.strip()]
        if len(sentences) > 1 and style.polarity.fullmatch(sentences[0]):
            sentences[:2] = [f"{sentences[0]} {sentences[1]}"]
        good = []
        for sentence in sentences:
            refs = cited(sentence, style)
            if not refs:
                bare += 1
            elif all(supports(passages, a, p) for a, p in refs):
                good.append(sentence)
            else:
                bad += 1
        if good:
            kept.append(" ".join(good))
    return Verified("\n".join(kept), bad, bare)
