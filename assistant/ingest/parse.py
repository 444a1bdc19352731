"""Cut the cleaned lines of the convention into articles and paragraphs, in English, French or Spanish.

The resolution's own text and the convention's preamble come before "Chapter I" and are skipped; the
testimonium ("In witness whereof ...") after the last article ends the text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

from assistant.errors import InvalidInput
from assistant.records import Paragraph


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    article: str  # the heading word: "Article 40"
    chapter: str
    first: tuple[str, ...]  # words that stand for "1" in a heading ("Article premier")
    testimonium: tuple[str, ...]  # the words after the last article

    def heading(self, word: str, number: str) -> re.Pattern[str]:
        plain = "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
        words = "|".join(sorted({re.escape(w) for w in (word, word.upper(), plain, plain.upper())}))
        first = "".join(f"|{re.escape(w)}" for w in self.first)
        # "Article 40", "Article 40." or "Article 40. Title"; never "Article 40 of this Convention ...".
        return re.compile(rf"^(?:{words})\s+(?P<n>{number}{first})(?:\.|\s*[.:–—-]\s*(?P<title>\S.*))?$")

    @cached_property
    def article_heading(self) -> re.Pattern[str]:
        return self.heading(self.article, r"\d{1,3}")

    @cached_property
    def chapter_heading(self) -> re.Pattern[str]:
        return self.heading(self.chapter, r"[IVXL]{1,6}")

    def is_heading(self, line: str) -> bool:
        return bool(self.article_heading.match(line) or self.chapter_heading.match(line))


LANGUAGES: dict[str, Language] = {
    "en": Language("en", "English", "Article", "Chapter", (), ("in witness whereof",)),
    "fr": Language("fr", "French", "Article", "Chapitre", ("premier", "première", "1er"), ("en foi de quoi",)),
    "es": Language("es", "Spanish", "Artículo", "Capítulo", ("primero",), ("en testimonio de lo cual",)),
}


def get_language(code: str) -> Language:
    try:
        return LANGUAGES[code]
    except KeyError:
        raise InvalidInput(f"--lang must be one of {', '.join(LANGUAGES)}, got {code!r}.") from None


# "1. Each State Party ...", also "1.Each" where the PDF's tab left no space; never "1.5 million".
_NUMBERED = re.compile(r"""^(\d{1,2})\.\s*((?:[^\W\d_]|[«"“(]).*)?$""")
_ITEM = re.compile(r"^(?:\([a-z]{1,4}\)|[a-z]{1,4}\))(?:\s|$|(?=[A-Z]))")  # "(a)", "(iv)"; French/Spanish "a)"
# A list item or paragraph starts only after a clause ends: "... paragraph 1\n(a) of this article" is
# a wrapped cross-reference, not item (a).
_CLAUSE_END = re.compile(r"""(?:[:;.][)\]"'’”»]*|;\s*(?:and|or|et|ou|y|o|e))$""")


@dataclass
class RawArticle:
    """One "Article N" heading and what follows it, before validation."""

    number: int
    title: str
    chapter: str  # numeral of the chapter heading it came under ("" if none was seen)
    chapter_title: str
    paragraphs: list[Paragraph] = field(default_factory=list)


def parse(lines: list[str], lang: Language, expected_titles: dict[int, str] | None = None) -> list[RawArticle]:
    """Articles in document order, duplicates and strays included, so validation can report them.

    `expected_titles` (English only) helps join a title that wraps onto a second line.
    """
    articles: list[RawArticle] = []
    expected_titles = expected_titles or {}
    chapter, chapter_title = "", ""
    body: _Body | None = None
    i = _start(lines, lang)
    while i < len(lines):
        line = lines[i]
        if line.casefold().startswith(lang.testimonium):
            break
        chapter_match = lang.chapter_heading.match(line)
        article_match = lang.article_heading.match(line)
        if not (chapter_match or article_match):
            if body is not None:
                body.add(line)
            i += 1
            continue
        if body is not None:
            articles[-1].paragraphs = body.paragraphs()
            body = None
        if chapter_match:
            chapter = _chapter_numeral(chapter_match.group("n"), lang)
            chapter_title, i = _title(lines, i + 1, lang, chapter_match.group("title"), None)
        elif article_match:
            number = _article_number(article_match.group("n"), lang)
            title, i = _title(lines, i + 1, lang, article_match.group("title"), expected_titles.get(number))
            articles.append(RawArticle(number, title, chapter, chapter_title))
            body = _Body()
    if body is not None:
        articles[-1].paragraphs = body.paragraphs()
    return articles


def _article_number(text: str, lang: Language) -> int:
    return 1 if text in lang.first else int(text)


def _chapter_numeral(text: str, lang: Language) -> str:
    return "I" if text in lang.first else text


def _start(lines: list[str], lang: Language) -> int:
    """Index of the convention's first heading: Chapter I, else Article 1, else the first article."""
    for i, line in enumerate(lines):
        match = lang.chapter_heading.match(line)
        if match and _chapter_numeral(match.group("n"), lang) == "I":
            return i
    for i, line in enumerate(lines):
        match = lang.article_heading.match(line)
        if match and _article_number(match.group("n"), lang) == 1:
            return i
    return next((i for i, line in enumerate(lines) if lang.article_heading.match(line)), len(lines))


_SENTENCE_END = (".", ":", ";")


def _is_structure(line: str, lang: Language) -> bool:
    return bool(_NUMBERED.match(line) or _ITEM.match(line)) or lang.is_heading(line)


def _title(lines: list[str], i: int, lang: Language, same_line: str | None, expected: str | None) -> tuple[str, int]:
    """The title after a heading (it may wrap onto more lines); returns (title, index after it)."""
    if same_line:
        return same_line.strip(), i
    while i < len(lines) and not lines[i]:
        i += 1
    if i >= len(lines) or _is_structure(lines[i], lang):
        return "", i
    title, i = lines[i], i + 1
    while i < len(lines) and lines[i] and not _is_structure(lines[i], lang) and not title.endswith(_SENTENCE_END):
        candidate = f"{title} {lines[i]}"
        # A wrapped title goes on in lower case ("... of stored" / "electronic data"); in English, as the
        # map's title goes on ("... other" / "United Nations conventions"); or as a last line that, unlike
        # the body's sentences, has no final stop and is followed by a paragraph break.
        last_line = i + 1 >= len(lines) or not lines[i + 1] or _is_structure(lines[i + 1], lang)
        if not (
            lines[i][0].islower()
            or (expected and _squash(expected).startswith(_squash(candidate)))
            or (last_line and not lines[i].endswith(_SENTENCE_END))
        ):
            break
        title, i = candidate, i + 1
    return title, i


def _squash(text: str) -> str:
    return " ".join(text.casefold().split())


class _Body:
    """Collects an article's lines into numbered paragraphs, each holding its (a), (i) items on own lines."""

    def __init__(self) -> None:
        self.parts: list[tuple[str | None, list[str]]] = []  # (paragraph number or None, its lines)
        self.next_number = 1
        self.after_break = True

    def add(self, line: str) -> None:
        if not line:
            self.after_break = True
            return
        last = self.parts[-1][1][-1] if self.parts else ""
        boundary = self.after_break or not last or bool(_CLAUSE_END.search(last))
        numbered = _NUMBERED.match(line)
        # Paragraph numbers run 1, 2, 3 ...: "2." anywhere else is a wrapped "article\n2." ending a sentence.
        if numbered and boundary and int(numbered.group(1)) == self.next_number:
            self.parts.append((numbered.group(1), [numbered.group(2) or ""]))
            self.next_number += 1
        elif not self.parts:
            self.parts.append((None, [line]))
        elif self.after_break or (boundary and _ITEM.match(line)):
            self.parts[-1][1].append(line)
        else:
            lines = self.parts[-1][1]
            lines[-1] = f"{lines[-1]} {line}".strip()
        self.after_break = False

    def paragraphs(self) -> list[Paragraph]:
        texts = [(number, "\n".join(t for t in lines if t)) for number, lines in self.parts]
        texts = [(number, text) for number, text in texts if text]
        if not any(number for number, _ in texts):
            whole = "\n".join(text for _, text in texts)
            return [Paragraph(number=None, heading="Text", text=whole)] if whole else []
        return [Paragraph(number=number, heading=number or "Text", text=text) for number, text in texts]
