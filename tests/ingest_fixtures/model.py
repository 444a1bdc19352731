"""A convention-shaped document built from OUR restatement (never the authentic text), plus damaged variants.

The document has the UN layout's structure: resolution front matter, annex, chapters, "Article N" + title,
numbered paragraphs, lettered items, roman sub-items, footnotes, testimonium. `expected_paragraphs` says
what a correct parse must return for each article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant.knowledge import KnowledgeBase, MapEntry
from assistant.records import Article

INTRO = "The provisions of this paragraph are as follows:"
FOOTNOTE = "See United Nations, Treaty Series, vol. 2225, No. 39574."
ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii")


@dataclass(frozen=True)
class Item:
    label: str  # "a" or "iv"
    text: str
    subitems: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Para:
    number: str | None
    intro: str
    items: tuple[Item, ...] = ()
    footnote: str = ""  # footnote attached to the intro's third word


@dataclass(frozen=True)
class Art:
    number: int
    title: str
    chapter: str
    chapter_title: str
    paras: tuple[Para, ...]


@dataclass(frozen=True)
class Doc:
    articles: tuple[Art, ...]
    lang: str = "en"


@dataclass(frozen=True)
class Words:
    """Heading words and list-label style of one language."""

    article: str
    chapter: str
    first: str  # how "1" is written in a heading
    testimonium: str
    parenthesis: bool  # "(a)" in English; "a)" in French and Spanish


WORDS = {
    "en": Words("Article", "Chapter", "1", "IN WITNESS WHEREOF, the undersigned, being duly authorized thereto by "
                "their respective Governments, have signed this Convention.", True),
    "fr": Words("Article", "Chapitre", "premier", "EN FOI DE QUOI, les soussignés, dûment autorisés à cet effet par "
                "leurs gouvernements respectifs, ont signé la présente Convention.", False),
    "es": Words("Artículo", "Capítulo", "1", "EN TESTIMONIO DE LO CUAL, los infrascritos, debidamente autorizados "
                "por sus respectivos Gobiernos, han firmado la presente Convención.", False),
}  # fmt: skip


def label(item: Item, lang: str) -> str:
    return f"({item.label})" if WORDS[lang].parenthesis else f"{item.label})"


def article_heading(number: int, lang: str) -> str:
    w = WORDS[lang]
    return f"{w.article} {w.first if number == 1 else number}"


def chapter_heading(numeral: str, lang: str) -> str:
    w = WORDS[lang]
    return f"{w.chapter} {'premier' if numeral == 'I' and lang == 'fr' else numeral}"


def para_blocks(para: Para, lang: str) -> list[str]:
    """The paragraph as the parser should return it: intro, then one line per item and sub-item."""
    out = [para.intro]
    for item in para.items:
        out.append(f"{label(item, lang)} {item.text}")
        out += [f"{label(sub, lang)} {sub.text}" for sub in item.subitems]
    return out


def expected_paragraphs(art: Art, lang: str) -> list[tuple[str | None, str]]:
    return [(p.number, "\n".join(para_blocks(p, lang))) for p in art.paras]


# -- from the restatement ---------------------------------------------------------------------------------


def _plain(text: str) -> str:
    # An inline "(a)" in running text would start a list item wherever a line break puts it first on a
    # line; the UN text sets items on their own lines, so the fixture writes inline ones as "[a]".
    text = re.sub(r"(?<!\S)\(([a-z]{1,4})\)(?=\s)", r"[\1]", text)
    return " ".join(text.replace("**", "").replace("`", "").split())


def _sections(article: Article) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each restatement section as (plain text, [(bullet label, bullet text)])."""
    out = []
    for para in article.paragraphs:
        plain, bullets = [], []
        for line in para.text.splitlines():
            if line.lstrip().startswith("- "):
                bullets.append(line.lstrip()[2:])
            elif bullets and line.strip():
                bullets[-1] += " " + line.strip()
            elif line.strip():
                plain.append(line)
        parsed = []
        for bullet in bullets:
            m = re.match(r"\*\*(.+?)\*\*:?\s*(.*)", bullet)
            parsed.append((_plain(m.group(1)), _plain(m.group(2))) if m else ("", _plain(bullet)))
        out.append((_plain(" ".join(plain)), parsed))
    return out


def _clean_part(part: str) -> bool:
    """A part that reads as a list item: a few words, brackets balanced."""
    return len(part.split()) >= 4 and part.count("(") == part.count(")")


def _items(units: list[tuple[str, str]]) -> tuple[Item, ...]:
    items = []
    for letter, (name, text) in zip("abcdefghijklmnopqrstuvwxyz", units, strict=False):
        parts = [p.strip() for p in text.split("; ") if p.strip()]
        if name and 1 < len(parts) <= len(ROMAN) and all(_clean_part(p) for p in parts):
            subs = tuple(Item(ROMAN[k], part + (";" if k < len(parts) - 1 else "")) for k, part in enumerate(parts))
            items.append(Item(letter, f"{name}:", subs))
        else:
            items.append(Item(letter, f"{name}: {text}" if name else text))
    return tuple(items)


def from_knowledge(kb: KnowledgeBase, article_map: dict[int, MapEntry]) -> Doc:
    """All 68 articles in UN layout; an article missing from the knowledge base gets placeholder text."""
    arts = []
    for number, entry in sorted(article_map.items()):
        article = kb.article(number)
        sections = _sections(article) if article else [(f"Placeholder text of article {number}.", [])]
        if article and any(p.number for p in article.paragraphs):
            paras = tuple(
                Para(str(k), plain or INTRO, _items(bullets)) for k, (plain, bullets) in enumerate(sections, 1)
            )
        else:
            units = [u for plain, bullets in sections for u in ([("", plain)] if plain else []) + bullets]
            if len(units) == 1 and not units[0][0]:
                paras = (Para(None, units[0][1]),)
            else:
                paras = (Para(None, INTRO, _items(units)),)
        if number % 9 == 0:  # a footnote every few articles, as in the UN documents
            paras = (replace(paras[0], footnote=FOOTNOTE), *paras[1:])
        arts.append(Art(number, entry.title, entry.chapter, entry.chapter_title, paras))
    return Doc(tuple(arts))


def placeholder(article_map: dict[int, MapEntry]) -> Doc:
    """One short sentence per article: a valid document that is quick to index."""
    return Doc(
        tuple(
            Art(n, e.title, e.chapter, e.chapter_title, (Para(None, f"Official wording of article {n} for the test."),))
            for n, e in sorted(article_map.items())
        )
    )


# -- damage ---------------------------------------------------------------------------------------------


def without(doc: Doc, number: int) -> Doc:
    return replace(doc, articles=tuple(a for a in doc.articles if a.number != number))


def duplicated(doc: Doc, number: int) -> Doc:
    arts = []
    for a in doc.articles:
        arts += [a, a] if a.number == number else [a]
    return replace(doc, articles=tuple(arts))


def swapped(doc: Doc, first: int, second: int) -> Doc:
    arts = list(doc.articles)
    i, j = first - 1, second - 1
    arts[i], arts[j] = arts[j], arts[i]
    return replace(doc, articles=tuple(arts))


def retitled(doc: Doc, number: int, title: str) -> Doc:
    return replace(doc, articles=tuple(replace(a, title=title) if a.number == number else a for a in doc.articles))


def in_language(doc: Doc, lang: str) -> Doc:
    return replace(doc, lang=lang)
