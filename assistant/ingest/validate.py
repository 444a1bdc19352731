"""Check a parse against the article map: all 68 articles, once each, in order, with the expected titles.

Titles are compared for English only; in French or Spanish only the structure can be checked.
Title differences are reported but do not fail validation: part of our map's titles are unconfirmed,
and the document is the authentic text.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from assistant.ingest.parse import RawArticle
from assistant.knowledge import MapEntry


class TitleMismatch(BaseModel):
    model_config = ConfigDict(frozen=True)

    article: int
    expected: str  # our article map
    found: str  # the document


class Validation(BaseModel):
    """What the parse found, compared with the map. `ok` is False when the structure is wrong."""

    found: list[int] = []
    missing: list[int] = []
    duplicated: list[int] = []
    out_of_order: list[int] = []
    unexpected: list[int] = []  # article numbers the convention does not have (e.g. "Article 69")
    empty: list[int] = []  # a heading with no text under it
    title_mismatches: list[TitleMismatch] = []
    ok: bool = False


def validate(articles: list[RawArticle], article_map: dict[int, MapEntry], compare_titles: bool) -> Validation:
    seen: set[int] = set()
    duplicated, out_of_order, unexpected, mismatches = [], [], [], []
    highest = 0
    for art in articles:
        if art.number not in article_map:
            unexpected.append(art.number)
            continue
        if art.number in seen:
            duplicated.append(art.number)
            continue
        if art.number < highest:
            out_of_order.append(art.number)
        seen.add(art.number)
        highest = max(highest, art.number)
        expected = article_map[art.number].title
        if compare_titles and _plain(expected) != _plain(art.title):
            mismatches.append(TitleMismatch(article=art.number, expected=expected, found=art.title))
    empty = sorted({a.number for a in articles if a.number in article_map and not a.paragraphs})
    missing = sorted(set(article_map) - seen)
    return Validation(
        found=sorted(seen),
        missing=missing,
        duplicated=sorted(set(duplicated)),
        out_of_order=out_of_order,
        unexpected=sorted(set(unexpected)),
        empty=empty,
        title_mismatches=mismatches,
        ok=bool(seen) and not (missing or duplicated or out_of_order or unexpected or empty),
    )


def _plain(title: str) -> str:
    table = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
    return " ".join(title.translate(table).casefold().split()).rstrip(".:;")
