"""The six-language glossary of the convention's terms (`knowledge/glossary.yaml`): loading, validation, and
the two readings of a question it allows.

- `expand(text, lang)`: the English terms of the concepts a question names, in any of the six languages (the
  question's language and English, since practitioners mix English legal terms into other languages), so a
  search in English can be given the words the question means.
- `article_numbers(text, lang)` / `paragraph_numbers(text, lang)`: the numbers a question gives with the names
  its language uses ("artículo 42", "ст. 42", "第四十二条", "المادة ٤٢").

Terms are our own, unofficial translations (the file says so); they help retrieval and are never quoted.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Literal

import snowballstemmer
import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from assistant.errors import KnowledgeError
from assistant.settings import PROJECT_ROOT

GLOSSARY = PROJECT_ROOT / "knowledge" / "glossary.yaml"
LANGUAGES: tuple[str, ...] = ("ar", "zh", "en", "es", "fr", "ru")
Lang = Literal["ar", "zh", "en", "es", "fr", "ru"]
ARTICLES = 68  # the convention's articles, 1-68 (knowledge/convention/map.json)
NUMBER = "{n}"
MAX_GAP = 2  # short words a question may put between two words of a term ("protección de los datos personales")
GAP_WORD = 3  # at most this many letters: articles and prepositions, not another term's words


# ---------------------------------------------------------------------------------------------- the file format
class Term(BaseModel):
    """One language's name for a concept: the main term, what users type instead, how sure we are."""

    model_config = ConfigDict(extra="forbid")

    term: str = Field(min_length=1)
    variants: list[str] = []
    confidence: Literal["low"] | None = None
    stem: bool = True  # False: match the words as written (a stem would also catch an unrelated common word)

    @field_validator("term", "variants")
    @classmethod
    def _no_blank(cls, value):
        for item in [value] if isinstance(value, str) else value:
            if not isinstance(item, str) or not item.strip():
                raise ValueError("a term or variant is empty")
        return value

    @property
    def phrases(self) -> list[str]:
        return [self.term, *self.variants]


class Concept(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    articles: list[int] = Field(min_length=1)
    terms: dict[Lang, Term]

    @field_validator("articles")
    @classmethod
    def _articles_exist(cls, value: list[int]) -> list[int]:
        wrong = [n for n in value if not 1 <= n <= ARTICLES]
        if wrong:
            raise ValueError(f"articles {wrong} do not exist (the convention has articles 1-{ARTICLES})")
        if len(set(value)) != len(value):
            raise ValueError(f"an article is listed twice in {value}")
        return value

    @field_validator("terms")
    @classmethod
    def _six_languages(cls, value: dict[str, Term]) -> dict[str, Term]:
        missing = [lang for lang in LANGUAGES if lang not in value]
        if missing:
            raise ValueError(f"no term in {', '.join(missing)} (every concept needs all six languages)")
        return value

    @property
    def english(self) -> str:
        return self.terms["en"].term


class References(BaseModel):
    """How users name an article and a paragraph in each language: plain text with one {n}."""

    model_config = ConfigDict(extra="forbid")

    article: dict[Lang, list[str]]
    paragraph: dict[Lang, list[str]]

    @field_validator("article", "paragraph")
    @classmethod
    def _patterns(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        missing = [lang for lang in LANGUAGES if not value.get(lang)]
        if missing:
            raise ValueError(f"no pattern in {', '.join(missing)}")
        for lang, patterns in value.items():
            for pattern in patterns:
                if pattern.count(NUMBER) != 1:
                    raise ValueError(f"{lang} pattern {pattern!r} must contain {NUMBER} exactly once")
        return value


class Glossary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    languages: list[Lang]
    references: References
    concepts: list[Concept] = Field(min_length=1)
    _compiled: dict = PrivateAttr(default_factory=dict)  # phrases and regexes, built once per language

    def compiled(self, key: tuple, build):
        if key not in self._compiled:
            self._compiled[key] = build()
        return self._compiled[key]

    @model_validator(mode="after")
    def _consistent(self) -> Glossary:
        if sorted(self.languages) != sorted(LANGUAGES):
            raise ValueError(f"languages must be {list(LANGUAGES)}")
        seen: dict[str, str] = {}
        for concept in self.concepts:
            if concept.id in seen:
                raise ValueError(f"concept id {concept.id!r} is used twice")
            seen[concept.id] = concept.id
        owners: dict[tuple[str, str], str] = {}
        for concept in self.concepts:  # one phrase, one concept: otherwise a match could not say which
            for lang, term in concept.terms.items():
                for phrase in term.phrases:
                    key = (lang, " ".join(_words(normalize(phrase))) or normalize(phrase))
                    other = owners.setdefault(key, concept.id)
                    if other != concept.id:
                        raise ValueError(f"{lang} {phrase!r} is a term of both {other!r} and {concept.id!r}")
        return self

    def concept(self, concept_id: str) -> Concept:
        return next(c for c in self.concepts if c.id == concept_id)


@cache
def load_glossary(path: Path = GLOSSARY) -> Glossary:
    """The validated glossary; a malformed file raises KnowledgeError naming the file and the problem."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise KnowledgeError(f"{path}: the glossary is missing or unreadable; restore it from git.") from exc
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path}: not valid YAML ({exc}).") from exc
    try:
        return Glossary.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:5])
        raise KnowledgeError(f"{path}: {problems}") from exc


# ---------------------------------------------------------------------------------------------- normalisation
BIDI_AND_TATWEEL = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c\u0640]")
ARABIC_LETTERS = str.maketrans({"ة": "ه", "ى": "ي"})
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def normalize(text: str) -> str:
    """Case-folded, without accents or Arabic vowel marks and hamza seats, with Arabic-Indic digits as 0-9.
    Cyrillic keeps its letters (й stays й; ё becomes е), so the Russian stemmer sees real endings."""
    text = BIDI_AND_TATWEEL.sub("", unicodedata.normalize("NFKC", text)).casefold()
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and out and not _cyrillic(out[-1]):
            continue
        out.append(ch)
    text = unicodedata.normalize("NFC", "".join(out)).replace("ё", "е")
    return text.translate(ARABIC_LETTERS).translate(DIGITS)


def _cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


# Latin words, numbers, and words of any other script apart (so "mla" is found inside Chinese text).
WORD = re.compile(r"[a-z]+|[0-9]+|[^\W\d_a-z]+")


def _words(text: str) -> list[str]:
    return WORD.findall(text)


SNOWBALL = {"en": "english", "es": "spanish", "fr": "french", "ru": "russian"}
AR_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")  # Larkey's light10 stemmer
AR_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")  # ية and ة are يه and ه after normalisation


@lru_cache(maxsize=20000)
def stem(word: str, lang: str) -> str:
    if lang in SNOWBALL:
        return _stemmer(lang).stemWord(word)
    if lang == "ar":
        return _arabic_stem(word)
    return word


_LOCAL = threading.local()


def _stemmer(lang: str):
    """This thread's stemmer for the language: a Snowball stemmer keeps state while it works, so two app
    threads sharing one could mix up their words."""
    stemmers = _LOCAL.__dict__.setdefault("stemmers", {})
    if lang not in stemmers:
        stemmers[lang] = snowballstemmer.stemmer(SNOWBALL[lang])
    return stemmers[lang]


def _arabic_stem(word: str) -> str:
    """Light stemming: the article with its particles, then one common suffix (after normalisation ة is
    ه). A bare leading و, ف, ب, ل or ك may be a particle or the root's first letter: `_keys` tries both."""
    for prefix in AR_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            word = word[len(prefix) :]
            break
    for suffix in AR_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            word = word[: -len(suffix)]
            break
    return word


def stems(text: str, lang: str) -> frozenset[str]:
    """What two texts in one language are compared by: the stems of their words (of three letters or more,
    which leaves out most function words), or for Chinese, which has no spaces, its pairs of characters."""
    text = normalize(text)
    if lang == "zh":
        chars = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
        return frozenset(a + b for a, b in pairwise(chars))
    return frozenset(stem(w, lang) for w in _words(text) if len(w) > 2)


# ---------------------------------------------------------------------------------------------- finding terms
@dataclass(frozen=True)
class ConceptMatch:
    concept: Concept
    lang: str  # the language whose term matched
    phrase: str  # the term or variant as written in the glossary
    span: tuple[int, int]  # character offsets in the normalised text


@dataclass(frozen=True)
class _Phrase:
    concept: Concept
    lang: str
    phrase: str
    words: tuple[str, ...]  # stemmed (or exact) words; for Chinese one normalised string
    stemmed: bool


def _phrases(glossary: Glossary, lang: str) -> tuple[_Phrase, ...]:
    return glossary.compiled(("phrases", lang), lambda: _build_phrases(glossary, lang))


def _build_phrases(glossary: Glossary, lang: str) -> tuple[_Phrase, ...]:
    out = []
    for concept in glossary.concepts:
        term = concept.terms[lang]
        for phrase in term.phrases:
            norm = normalize(phrase)
            if lang == "zh":
                out.append(_Phrase(concept, lang, phrase, ("".join(norm.split()),), False))
            else:
                words = tuple(stem(w, lang) if term.stem else w for w in _words(norm))
                if words:
                    out.append(_Phrase(concept, lang, phrase, words, term.stem))
    return tuple(out)


def find_concepts(
    text: str, lang: str, *, glossary: Glossary | None = None, english: bool = True
) -> list[ConceptMatch]:
    """Every concept whose term (any variant) appears in the text, in `lang` and, with `english`, in English
    too; a match inside a longer match of another concept ("interceptación" inside "interceptación ilícita")
    is dropped. In order of first appearance."""
    glossary = glossary or load_glossary()
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    norm = normalize(text)
    tokens = [(m.group(), m.start(), m.end()) for m in WORD.finditer(norm)]
    found: list[ConceptMatch] = []
    for phrase_lang in dict.fromkeys([lang, "en"] if english else [lang]):
        # Each token's match keys once per language, not once per phrase: stemming every token for each of the
        # glossary's ~600 phrases cost ~10 ms a question.
        keys = {stemmed: [_keys(t, phrase_lang, stemmed) for t, _, _ in tokens] for stemmed in (False, True)}
        for phrase in _phrases(glossary, phrase_lang):
            if phrase_lang == "zh":
                found += [
                    ConceptMatch(phrase.concept, "zh", phrase.phrase, (m.start(), m.end()))
                    for m in re.finditer(re.escape(phrase.words[0]), norm)
                ]
            else:
                found += [
                    ConceptMatch(phrase.concept, phrase_lang, phrase.phrase, span)
                    for span in _token_spans(tokens, keys[phrase.stemmed], phrase)
                ]
    return _outermost(found)


AR_PARTICLES = "وفبلك"


def _keys(word: str, lang: str, stemmed: bool) -> frozenset[str]:
    """The forms a text word may match a term's word by: its stem, and for Arabic also the stem without a
    leading one-letter particle ("ومعلومات" -> "معلوم")."""
    if not stemmed:
        return frozenset([word])
    keys = {stem(word, lang)}
    if lang == "ar" and len(word) > 3 and word[0] in AR_PARTICLES:
        keys.add(stem(word[1:], lang))
    return frozenset(keys)


def _token_spans(
    tokens: list[tuple[str, int, int]], keys: list[frozenset[str]], phrase: _Phrase
) -> list[tuple[int, int]]:
    spans = []
    for i, key in enumerate(keys):
        if phrase.words[0] not in key:
            continue
        j = i
        for word in phrase.words[1:]:
            k = j + 1
            while k < len(keys) and word not in keys[k] and k - j <= MAX_GAP and len(tokens[k][0]) <= GAP_WORD:
                k += 1
            if k >= len(keys) or word not in keys[k]:
                break
            j = k
        else:
            spans.append((tokens[i][1], tokens[j][2]))
    return spans


def _outermost(found: list[ConceptMatch]) -> list[ConceptMatch]:
    def inside(a: tuple[int, int], b: tuple[int, int]) -> bool:
        return b[0] <= a[0] and a[1] <= b[1] and a != b

    # A concept none of whose matches stands on its own is dropped with all of them.
    kept = [m for m in found if not any(inside(m.span, o.span) and o.concept.id != m.concept.id for o in found)]
    by_concept: dict[str, ConceptMatch] = {}
    for m in sorted(kept, key=lambda m: m.span):
        by_concept.setdefault(m.concept.id, m)
    return list(by_concept.values())


def expand(text: str, lang: str, *, glossary: Glossary | None = None) -> list[str]:
    """The English terms of the concepts the text names (in `lang` or in English), first named first."""
    return [m.concept.english for m in find_concepts(text, lang, glossary=glossary)]


def concept_articles(text: str, lang: str, *, glossary: Glossary | None = None) -> list[int]:
    """The articles of the concepts the text names, in order, without repeats."""
    out: dict[int, None] = {}
    for m in find_concepts(text, lang, glossary=glossary):
        out.update(dict.fromkeys(m.concept.articles))
    return list(out)


# ---------------------------------------------------------------------------------------------- article numbers
CJK_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CJK_UNITS = {"十": 10, "百": 100}
CJK_NUMBER = "[零〇一二两三四五六七八九十百]+"
# What joins several numbers after one article name: lists ("42, 43 и 44", "42、43") and ranges ("42-44").
LIST_SEPARATORS = [",", "、", "&", "and", "et", "y", "e", "и", "و", "和", "及", "or", "ou", "o", "или"]
RANGE_SEPARATORS = ["-", "–", "—", "to", "a", "à", "до", "по", "至", "到", "إلى", "الى"]


def chinese_number(text: str) -> int | None:
    """四十二 -> 42, 十二 -> 12, 一百零三 -> 103, 六十八 -> 68; None for anything else."""
    if not text or any(ch not in CJK_DIGITS and ch not in CJK_UNITS for ch in text):
        return None
    total, digit = 0, None
    for ch in text:
        if ch in CJK_DIGITS:
            digit = CJK_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * CJK_UNITS[ch]
            digit = None
    return total + (digit or 0)


def _number(token: str) -> int | None:
    return int(token) if token.isdigit() else chinese_number(token)


def _reference_regex(glossary: Glossary, kind: str, lang: str) -> re.Pattern[str]:
    return glossary.compiled(("references", kind, lang), lambda: _build_reference_regex(glossary, kind, lang))


def _build_reference_regex(glossary: Glossary, kind: str, lang: str) -> re.Pattern[str]:
    number = f"(?:[0-9]{{1,3}}|{CJK_NUMBER})" if lang == "zh" else "[0-9]{1,3}"
    separators = sorted({normalize(s) for s in (*LIST_SEPARATORS, *RANGE_SEPARATORS)}, key=len, reverse=True)
    # A separator that is a Latin or Cyrillic word needs spaces around it ("42 a 44", not "42a44"); marks,
    # Arabic و and Chinese characters may touch the number ("44 و45", "42、43").
    words = "|".join(re.escape(s) for s in separators if re.fullmatch(r"[a-zа-я]+", s))
    marks = "|".join(re.escape(s) for s in separators if not re.fullmatch(r"[a-zа-я]+", s))
    tail = rf"(?P<tail>(?:(?:\s*(?:{marks})\s*|\s+(?:{words})\s+){number}(?![0-9]))*)"
    alternatives = []
    for pattern in getattr(glossary.references, kind)[lang]:
        before, after = normalize(pattern).split(NUMBER)
        parts = [re.escape(p) for p in before.split()] if before.strip() else []
        head = r"\s*".join(parts) + (r"\s*" if before.endswith(" ") or not before else "")
        trail = r"\s*" + r"\s*".join(re.escape(p) for p in after.split()) if after.strip() else ""
        guard = r"(?<![^\W\d_])" if before[:1].isalpha() and lang not in ("zh", "ar") else ""
        alternatives.append(f"{guard}{head}(?P<n>{number})(?![0-9]){tail}{trail}")
    # Named groups may not repeat: each alternative is its own regex, tried in one pass through a union.
    return re.compile("|".join(f"(?:{a})" for a in _renumber(alternatives)))


def _renumber(alternatives: list[str]) -> list[str]:
    return [a.replace("?P<n>", f"?P<n{i}>").replace("?P<tail>", f"?P<t{i}>") for i, a in enumerate(alternatives)]


def _numbers(text: str, lang: str, kind: str, glossary: Glossary | None) -> list[int]:
    glossary = glossary or load_glossary()
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    regex = _reference_regex(glossary, kind, lang)
    number = re.compile(f"[0-9]{{1,3}}|{CJK_NUMBER}")
    out: dict[int, None] = {}
    for m in regex.finditer(normalize(text)):
        groups = {name[0]: value for name, value in m.groupdict().items() if value is not None}  # n0 -> n
        first = _number(groups["n"])
        if first is None:
            continue
        out[first] = None
        tail = groups.get("t", "")
        rest = [n for n in (_number(t) for t in number.findall(tail)) if n is not None]
        ranged = len(rest) == 1 and re.match(rf"\s*(?:{'|'.join(map(re.escape, RANGE_SEPARATORS))})\s*", tail)
        if ranged and 0 < rest[0] - first <= 10:
            rest = list(range(first + 1, rest[0] + 1))
        out.update(dict.fromkeys(rest))
    return list(out)


def article_numbers(text: str, lang: str, *, glossary: Glossary | None = None) -> list[int]:
    """Article numbers the text names with its language's words for "article", in order, without repeats.
    Numbers outside 1-68 are kept: the caller says the convention has no such article. Which treaty a number
    belongs to ("Budapest art. 29") is not decided here."""
    return _numbers(text, lang, "article", glossary)


def paragraph_numbers(text: str, lang: str, *, glossary: Glossary | None = None) -> list[int]:
    """Paragraph numbers the text names with its language's words for "paragraph"."""
    return _numbers(text, lang, "paragraph", glossary)
