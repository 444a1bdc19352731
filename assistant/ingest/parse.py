"""Cut the cleaned lines of the convention into articles and paragraphs, in any of its six languages.

The resolution's own text and the convention's preamble come before chapter I and are skipped; the
testimonium ("In witness whereof ...") after the last article ends the text. Each language writes its headings
and numbering its own way, as the UN's official texts do:
- English, French, Spanish, Russian: "Article 42" / "Article premier" / "Artículo 42" / "Статья 42", chapters in
  Roman numerals; paragraphs "1."; items "(a)", "a)" and, in Russian, Latin or Cyrillic letters ("a)", "а)");
- Arabic: "المادة 42" in Western or Arabic-Indic digits or an ordinal word ("المادة الأولى"), chapters by
  ordinal ("الفصل الرابع"); paragraphs "1-"; items "(أ)", sub-items "`1`";
- Chinese: "第42条" or "第四十二条", "第四章"; paragraphs "1."; items "(a)" or full-width "（a）", sub-items "㈠".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

from assistant.errors import InvalidInput
from assistant.glossary import CJK_NUMBER, chinese_number, normalize
from assistant.records import Paragraph

ROMAN = ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
NUMBER = "N"  # where the number stands in a heading's shape ("Article N", "第N条")
_CLOSERS = r"[)\]\"'’”»）」]*"

# "1. Each State Party ...", also "1.Each" where the PDF's tab left no space; never "1.5 million".
_NUMBERED = re.compile(r"""^(\d{1,2})\.\s*((?:[^\W\d_]|[«"“(]).*)?$""")
_ITEM = re.compile(r"^(?:\([a-z]{1,4}\)|[a-z]{1,4}\))(?:\s|$|(?=[A-Z]))")  # "(a)", "(iv)"; French/Spanish "a)"


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    article: str  # the article heading's shape, N for the number: "Article N", "第N条"
    chapter: str  # "Chapter N", "第N章"
    testimonium: tuple[str, ...]  # how the words after the last article start
    ordinals: dict[str, int] = field(default_factory=dict)  # words for an article number ("premier": 1)
    chapter_ordinals: dict[str, int] = field(default_factory=dict)  # words for a chapter number ("الرابع": 4)
    paragraph: re.Pattern[str] = _NUMBERED  # a numbered paragraph: group 1 its number, group 2 its text
    item: re.Pattern[str] = _ITEM  # a list item's label at the start of a line
    # The words that, after a semicolon, end a list item ("...; and"): an item may start on the next line.
    conjunctions: tuple[str, ...] = ("and", "or", "et", "ou", "y", "o", "e")

    def _heading(self, shape: str, ordinals: dict[str, int], numerals: str) -> re.Pattern[str]:
        before, after = shape.split(NUMBER)
        words = "|".join(map(_variants, sorted(ordinals, key=len, reverse=True)))
        cjk = f"|{CJK_NUMBER}" if self.code == "zh" else ""
        number = rf"(?P<n>{numerals}{cjk}{'|' + words if words else ''})"
        gap = r"\s+" if before.endswith(" ") else r"\s*"
        head = rf"^{_variants(before.strip())}{gap}{number}" if before.strip() else rf"^{number}"
        if after:  # "第42条 Title": the title follows a space; "第42条所述 ..." is a sentence, not a heading
            return re.compile(rf"{head}\s*{_variants(after)}(?:\s+(?P<title>\S.*))?$")
        # "Article 40", "Article 40." or "Article 40. Title"; never "Article 40 of this Convention ...".
        return re.compile(rf"{head}(?:\.|\s*[.:–—-]\s*(?P<title>\S.*))?$")

    @cached_property
    def article_heading(self) -> re.Pattern[str]:
        return self._heading(self.article, self.ordinals, r"\d{1,3}")

    @cached_property
    def chapter_heading(self) -> re.Pattern[str]:
        return self._heading(self.chapter, self.chapter_ordinals, r"[IVXL]{1,6}")

    @cached_property
    def clause_end(self) -> re.Pattern[str]:
        """A line that ends a clause: a list item or paragraph may start on the next line."""
        words = "|".join(map(re.escape, self.conjunctions))
        return re.compile(rf"(?:[:;.：；。؛]{_CLOSERS}|[;；؛]\s*(?:{words}))$")

    @cached_property
    def _testimonium(self) -> tuple[str, ...]:
        return tuple(normalize(t) for t in self.testimonium)

    def is_heading(self, line: str) -> bool:
        return bool(self.article_heading.match(line) or self.chapter_heading.match(line))

    def ends(self, line: str) -> bool:
        """The testimonium: the convention's text is over."""
        return normalize(line).startswith(self._testimonium)

    def article_number(self, text: str) -> int:
        return _value(text, self.ordinals)

    def chapter_numeral(self, text: str) -> str:
        """The chapter's Roman numeral, as the article map writes it."""
        if re.fullmatch(r"[IVXL]+", text):
            return text
        n = _value(text, self.chapter_ordinals)
        return ROMAN[n] if n < len(ROMAN) else str(n)

    def paragraph_number(self, match: re.Match[str]) -> str:
        """The number of a paragraph match in Western digits ("١" -> "1")."""
        return str(int(match.group(1)))


def _value(text: str, ordinals: dict[str, int]) -> int:
    folded = normalize(text)
    if folded.isdigit():  # Western or Arabic-Indic digits
        return int(folded)
    by_word = {normalize(word): n for word, n in ordinals.items()}
    if folded in by_word:
        return by_word[folded]
    cjk = chinese_number(text)
    if cjk is None:
        raise ValueError(f"not a number: {text!r}")
    return cjk


_ARABIC_VARIANTS = {"ا": "[اأإآ]", "أ": "[اأإآ]", "إ": "[اأإآ]", "آ": "[اأإآ]", "ة": "[ةه]", "ى": "[ىي]"}


def _variants(word: str) -> str:
    """A heading word as a pattern: as written, in capitals, without accents; Arabic with or without hamza
    seats, and with ta marbuta or alef maqsura written either way."""
    plain = "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
    forms = sorted({word, word.upper(), plain, plain.upper()}, key=len, reverse=True)
    out = []
    for form in forms:
        pattern = "".join(_ARABIC_VARIANTS.get(c) or (r"\s+" if c == " " else re.escape(c)) for c in form)
        out.append(pattern)
    return f"(?:{'|'.join(dict.fromkeys(out))})"


def _arabic_ordinals() -> dict[str, int]:
    """Ordinal words of article numbers 1-68 (feminine, agreeing with المادة)."""
    units = ["الأولى", "الثانية", "الثالثة", "الرابعة", "الخامسة", "السادسة", "السابعة", "الثامنة", "التاسعة"]
    tens = {20: "العشرون", 30: "الثلاثون", 40: "الأربعون", 50: "الخمسون", 60: "الستون"}
    out = {word: n for n, word in enumerate(units, 1)} | {"العاشرة": 10}
    joined = ["الحادية", *units[1:]]  # 11, 21, ...: "الحادية عشرة", "الحادية والعشرون"
    out |= {f"{word} عشرة": 10 + n for n, word in enumerate(joined, 1)}
    for ten, name in tens.items():
        out[name] = ten
        out |= {f"{word} و{name}": ten + n for n, word in enumerate(joined, 1)}
    return {word: n for word, n in out.items() if n <= 68}


_ARABIC_CHAPTERS = ["الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع"]

LANGUAGES: dict[str, Language] = {
    "en": Language("en", "English", "Article N", "Chapter N", ("in witness whereof",)),
    "fr": Language(
        "fr",
        "French",
        "Article N",
        "Chapitre N",
        ("en foi de quoi",),
        ordinals={"premier": 1, "première": 1, "1er": 1},
        chapter_ordinals={"premier": 1},
    ),
    "es": Language(
        "es",
        "Spanish",
        "Artículo N",
        "Capítulo N",
        ("en testimonio de lo cual",),
        ordinals={"primero": 1},
        chapter_ordinals={"primero": 1},
    ),
    "ru": Language(
        "ru",
        "Russian",
        "Статья N",
        "Глава N",
        ("в удостоверение чего",),
        item=re.compile(r"^(?:\([a-zа-яё]{1,4}\)|[a-zа-яё]{1,4}\))(?:\s|$|(?=[A-ZА-ЯЁ]))"),
        conjunctions=("и", "или"),
    ),
    "ar": Language(
        "ar",
        "Arabic",
        "المادة N",
        "الفصل N",
        ("وإثباتا لذلك",),
        ordinals=_arabic_ordinals(),
        chapter_ordinals={word: n for n, word in enumerate(_ARABIC_CHAPTERS, 1)},
        paragraph=re.compile(r"""^(\d{1,2})\s*[-–]\s*((?:[^\W\d_]|[«"“(]).*)?$"""),
        item=re.compile(r"^(?:\([\u0621-\u064a]\u0640?\)|[`‘'][0-9٠-٩]{1,2}[`’'])(?:\s|$)"),
        conjunctions=("و", "أو"),
    ),
    "zh": Language(
        "zh",
        "Chinese",
        "第N条",
        "第N章",
        ("下列签署人", "为此，下列签署人", "为此,下列签署人"),
        paragraph=re.compile(r"""^(\d{1,2})[.．]\s*((?:[^\W\d_]|[«"“(（]).*)?$"""),
        item=re.compile(r"^(?:[(（][a-z]{1,4}[)）]|[a-z]{1,4}[)）]|[㈠-㈩])(?:\s|$|(?=[^\x00-\x7f]))"),
        conjunctions=("和", "或", "以及"),
    ),
}


def get_language(code: str) -> Language:
    try:
        return LANGUAGES[code]
    except KeyError:
        raise InvalidInput(f"--lang must be one of {', '.join(LANGUAGES)}, got {code!r}.") from None


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
        if lang.ends(line):
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
            chapter = lang.chapter_numeral(chapter_match.group("n"))
            chapter_title, i = _title(lines, i + 1, lang, chapter_match.group("title"), None)
        elif article_match:
            number = lang.article_number(article_match.group("n"))
            title, i = _title(lines, i + 1, lang, article_match.group("title"), expected_titles.get(number))
            articles.append(RawArticle(number, title, chapter, chapter_title))
            body = _Body(lang)
    if body is not None:
        articles[-1].paragraphs = body.paragraphs()
    return articles


def _start(lines: list[str], lang: Language) -> int:
    """Index of the convention's first heading: Chapter I, else Article 1, else the first article."""
    for i, line in enumerate(lines):
        match = lang.chapter_heading.match(line)
        if match and lang.chapter_numeral(match.group("n")) == "I":
            return i
    for i, line in enumerate(lines):
        match = lang.article_heading.match(line)
        if match and lang.article_number(match.group("n")) == 1:
            return i
    return next((i for i, line in enumerate(lines) if lang.article_heading.match(line)), len(lines))


_SENTENCE_END = (".", ":", ";", "。", "：", "；", "؛")


def _is_structure(line: str, lang: Language) -> bool:
    return bool(lang.paragraph.match(line) or lang.item.match(line)) or lang.is_heading(line)


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
        candidate = _join(title, lines[i])
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


def _join(line: str, wrapped: str) -> str:
    """A line and the line it wraps onto: with a space, except between Chinese characters, which have none."""
    return f"{line}{wrapped}" if _cjk(line[-1:]) and _cjk(wrapped[:1]) else f"{line} {wrapped}"


def _cjk(char: str) -> bool:
    return bool(char) and ("\u3000" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef")


def _squash(text: str) -> str:
    return " ".join(text.casefold().split())


class _Body:
    """Collects an article's lines into numbered paragraphs, each holding its (a), (i) items on own lines."""

    def __init__(self, lang: Language) -> None:
        self.lang = lang
        self.parts: list[tuple[str | None, list[str]]] = []  # (paragraph number or None, its lines)
        self.next_number = 1
        self.after_break = True

    def add(self, line: str) -> None:
        if not line:
            self.after_break = True
            return
        last = self.parts[-1][1][-1] if self.parts else ""
        boundary = self.after_break or not last or bool(self.lang.clause_end.search(last))
        numbered = self.lang.paragraph.match(line)
        # Paragraph numbers run 1, 2, 3 ...: "2." anywhere else is a wrapped "article\n2." ending a sentence.
        if numbered and boundary and int(numbered.group(1)) == self.next_number:
            self.parts.append((self.lang.paragraph_number(numbered), [numbered.group(2) or ""]))
            self.next_number += 1
        elif not self.parts:
            self.parts.append((None, [line]))
        elif self.after_break or (boundary and self.lang.item.match(line)):
            self.parts[-1][1].append(line)
        else:
            lines = self.parts[-1][1]
            lines[-1] = _join(lines[-1], line).strip()
        self.after_break = False

    def paragraphs(self) -> list[Paragraph]:
        texts = [(number, "\n".join(t for t in lines if t)) for number, lines in self.parts]
        texts = [(number, text) for number, text in texts if text]
        if not any(number for number, _ in texts):
            whole = "\n".join(text for _, text in texts)
            return [Paragraph(number=None, heading="Text", text=whole)] if whole else []
        return [Paragraph(number=number, heading=number or "Text", text=text) for number, text in texts]
