"""Citations in answer text: `[Art. 42]` or `[Art. 37(2)]`. Each must point to a retrieved passage."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.records import Citation, Passage

CITATION = re.compile(r"\[Art\.\s*(\d{1,3})((?:\([0-9a-z]{1,4}\))*)\]")
# A sentence ends at . ! ? or at its closing citation; a citation right after the full stop stays with it. A
# leading "Yes." or "No." belongs to the sentence after it, which carries the citation.
SENTENCE = re.compile(r"(?<=[.!?\]])(?<!^Yes\.)(?<!^No\.)\s+(?=[A-Z\"'(-])")


def cited(text: str) -> list[tuple[int, str | None]]:
    """(article, paragraph) of every citation in the text, in order, without repeats."""
    return list(dict.fromkeys((int(a), _paragraph(p)) for a, p in CITATION.findall(text)))


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


def to_citations(text: str, passages: list[Passage]) -> tuple[Citation, ...]:
    """The citations of a generated text, each with the passage behind it (the first retrieved one of its
    article where the citation names no paragraph)."""
    out = []
    for article, paragraph in cited(text):
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


def verify(text: str, passages: list[Passage]) -> Verified:
    """Keep only sentences whose every citation points to a retrieved passage; drop uncited sentences."""
    kept, bad, bare = [], 0, 0
    for block in text.strip().split("\n"):
        sentences = [s for s in SENTENCE.split(block.strip()) if s.strip()]
        good = []
        for sentence in sentences:
            refs = cited(sentence)
            if not refs:
                bare += 1
            elif all(supports(passages, a, p) for a, p in refs):
                good.append(sentence)
            else:
                bad += 1
        if good:
            kept.append(" ".join(good))
    return Verified("\n".join(kept), bad, bare)
