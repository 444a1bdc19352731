"""Check a parse against the article map: all 68 articles, once each, in order, with the expected titles.

The structure is checked in every language. Titles, in English, are compared with the map's; in another
language with our own unofficial translation of them (knowledge/i18n/<lang>.yaml), which cannot be expected to
match the official wording: there a title is reported only when it reads more like another article's title
than its own (a sign of a misnumbered article). Title differences never fail validation: part of our map's
titles are unconfirmed, and the document is the authentic text.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from assistant.glossary import normalize
from assistant.ingest.parse import RawArticle
from assistant.knowledge import MapEntry
from assistant.translations import article_titles

# How much closer to another article's title (in our translation) a document's title must read than to its own
# before it is reported: our titles and the official ones differ in wording, related articles' titles look alike.
RESEMBLANCE_MARGIN = 0.1


class TitleMismatch(BaseModel):
    model_config = ConfigDict(frozen=True)

    article: int
    expected: str  # our article map, or our unofficial translation of its title
    found: str  # the document
    resembles: int | None = None  # another language: the article whose title (ours) it reads like instead


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


def validate(
    articles: list[RawArticle], article_map: dict[int, MapEntry], lang: str = "en", knowledge_dir: Path | None = None
) -> Validation:
    """The parse of a text in `lang`, against the map; titles against the map's (English) or against our
    translation in knowledge_dir (another language; not compared without a knowledge_dir)."""
    if lang == "en":
        titles = {n: e.title for n, e in article_map.items()}
    else:
        titles = article_titles(knowledge_dir, lang) if knowledge_dir else {}
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
        if lang == "en" and _plain(titles[art.number]) != _plain(art.title):
            mismatches.append(TitleMismatch(article=art.number, expected=titles[art.number], found=art.title))
        elif lang != "en" and (other := _resembles(art.title, art.number, titles)):
            mismatches.append(
                TitleMismatch(article=art.number, expected=titles[art.number], found=art.title, resembles=other)
            )
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


def _resembles(found: str, number: int, titles: dict[int, str]) -> int | None:
    """The article whose title `found` reads like, where that is clearly not article `number`'s."""
    if not found or number not in titles:
        return None
    scores = {n: _likeness(found, title) for n, title in titles.items()}
    best = max(scores, key=scores.__getitem__)
    return best if best != number and scores[best] > scores[number] + RESEMBLANCE_MARGIN else None


def _likeness(a: str, b: str) -> float:
    """Shared character pairs (Dice): works alike for words with endings, Arabic and Chinese."""
    pa, pb = _pairs(a), _pairs(b)
    return 2 * len(pa & pb) / (len(pa) + len(pb)) if pa and pb else 0.0


def _pairs(text: str) -> set[str]:
    squashed = "".join(normalize(text).split())
    return {squashed[i : i + 2] for i in range(len(squashed) - 1)}
