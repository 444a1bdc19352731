"""The six languages of the convention, and our unofficial translations of the answer lines, titles and summaries.

English is the knowledge base's own language. For each of the five others, three files hold our translations
(written by `scripts/translation_skeleton.py`, format in knowledge/FORMAT.md):
- knowledge/answers/<lang>/*.yaml: each authored answer line, tied by `src` to the English line it translates;
  a line missing or stale is shown in English and marked so;
- knowledge/i18n/<lang>.yaml: chapter titles, article titles and summaries, all required;
- prompts/i18n/<lang>.yaml: the words of an answer (Yes, No, the article label) and every fixed sentence of
  prompts/messages.yaml, all required, with the same placeholders.
Every translated text must carry the same numbers as its English source: a translation that drops or changes
an article number, a period or a date is refused.

    python -m assistant.translations fr    # problems and coverage of one language
"""

from __future__ import annotations

import hashlib
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from assistant.citations import CitationStyle
from assistant.errors import KnowledgeError
from assistant.glossary import stems
from assistant.knowledge import KnowledgeBase
from assistant.prompts import PROMPTS, message
from assistant.records import Passage

# The convention is authentic in these six; answers are given in them (English is the knowledge base's own).
LANGUAGES = {
    "en": "English",
    "fr": "French",
    "es": "Spanish",
    "ru": "Russian",
    "ar": "Arabic",
    "zh": "Chinese",
}
WORDS = {"yes", "no", "article", "unofficial", "untranslated", "name"}
DIGITS = re.compile(r"\d+")
# A Chinese date writes the month in digits (2024年12月24日) where English names it: not a number of its own.
CHINESE_MONTH = re.compile(r"(?<=年)\d{1,2}(?=月)")
AFTER_POLARITY = "[.,;。，،؛]"  # "Yes." / "Yes," in the six scripts (the Arabic comma and semicolon included)
BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
PLACEHOLDER = re.compile(r"(?<!\{)\{([a-z_]+)\}(?!\})")
MAX_WORDS = 60  # English lines have at most 40; French and Spanish run about a third longer
MAX_CHARS_ZH = 150  # Chinese has no spaces to count words by
MAX_FILE_BYTES = 2_000_000


def line_hash(text: str) -> str:
    """Ties a translation to the English line it translates: a changed English line makes it stale."""
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:10]


@dataclass(frozen=True)
class Language:
    """One language's words, fixed sentences and translations; English has its words and nothing else."""

    code: str
    words: dict[str, str]
    messages: dict[str, str] = field(default_factory=dict)
    titles: dict[int, str] = field(default_factory=dict)
    chapters: dict[str, str] = field(default_factory=dict)
    summaries: dict[int, str] = field(default_factory=dict)
    lines: dict[str, str] = field(default_factory=dict)  # answer line id -> its translation
    stale: tuple[str, ...] = ()  # lines whose English changed after they were translated
    # Each translated line's stems and each stem's weight (rarer in this language's lines weighs more).
    _stems: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    _weights: dict[str, float] = field(default_factory=dict, repr=False)

    def __post_init__(self):
        if self.code == "en" or not self.lines:
            return
        for key, text in self.lines.items():
            self._stems[key] = stems(text, self.code)
        counts: dict[str, int] = {}
        for found in self._stems.values():
            for s in found:
                counts[s] = counts.get(s, 0) + 1
        total = len(self._stems)
        self._weights.update({s: math.log(1 + total / n) for s, n in counts.items()})

    def shared_words(self, question: str, line_ids: list[str]) -> list[float]:
        """For each line, how much the question and its translation say in the same words (stems weighted by
        rarity); 0 for a line without a translation. The question is stemmed once for all the lines."""
        asked = stems(question, self.code)
        return [sum(self._weights.get(s, 0.0) for s in asked & self._stems.get(key, frozenset())) for key in line_ids]

    def label(self, number: int | str, paragraph: str | None = None) -> str:
        """A citation's label in this language: "Art. 42(1)", "ст. 42(1)", "第42条(1)", "المادة 42(1)"; the
        paragraph "2(a)" is shown as "(2)(a)"."""
        para = ""
        if paragraph:
            head, _, rest = paragraph.partition("(")
            para = f"({head})" + (f"({rest}" if rest else "")
        return self.words["article"].format(number=number, para=para)

    def message(self, key: str, **values: object) -> str:
        """A fixed sentence of prompts/messages.yaml in this language."""
        if self.code == "en":
            return message(key, **values)
        return self.messages[key].format(**values)

    def title(self, number: int, english: str) -> str:
        return self.titles.get(number, english)

    def summary(self, number: int, english: str) -> str:
        return self.summaries.get(number, english)

    def line(self, line_id: str, english: str) -> str:
        """An answer line in this language; an untranslated one in English, marked so."""
        if self.code == "en":
            return english
        return self.lines.get(line_id) or f"{english} {self.words['untranslated']}"

    def embedding_text(self, line: Passage) -> str:
        """What the multilingual model reads of an answer line in this language, empty where it has no translation:
        as chunking.embedding_text reads the English line, with the article named in this language; the line's
        question is left out, being English only."""
        text = self.lines.get(line.id.removeprefix("answer:"), "") if self.code != "en" else ""
        if not text or line.article is None:
            return text
        return f"{self.label(line.article)}, {self.title(line.article, line.title)}: {text}"

    def in_english(self, english: str) -> str:
        """A sentence that exists only in English (the best sentence of a provision), marked so."""
        return english if self.code == "en" else f"{english} {self.words['untranslated']}"

    @property
    def citation_style(self) -> CitationStyle:
        """How a generated answer in this language cites ("[ст. 42(1)]") and says "Да."."""
        return CitationStyle((self.words["article"],), self.polarity)

    @property
    def polarity(self) -> re.Pattern[str]:
        """The "Yes." or "No." an answer line starts with, in this language."""
        words = "|".join(re.escape(self.words[p]) for p in ("yes", "no"))
        return re.compile(rf"^(?:{words})\s*{AFTER_POLARITY}\s*")

    def coverage(self, kb: KnowledgeBase) -> dict[str, int]:
        total = len(kb.answers) + len(kb.overviews)
        return {"lines": total, "translated": len(self.lines), "stale": len(self.stale)}


def english(prompts_dir: Path = PROMPTS) -> Language:
    """English: the knowledge base's own language, with its words."""
    language, problems = check_language("en", KnowledgeBase((), ()), Path(), prompts_dir)
    if problems:
        raise KnowledgeError(problems[0])
    return language


def load_languages(kb: KnowledgeBase, knowledge_dir: Path, prompts_dir: Path) -> dict[str, Language]:
    """The six languages, checked; the first problem found is raised as a KnowledgeError. A knowledge folder
    without a language's titles (knowledge/i18n/<lang>.yaml; a folder of one's own, say) goes without that
    language: its questions are answered in English."""
    out = {}
    for code in LANGUAGES:
        if code != "en" and not (knowledge_dir / "i18n" / f"{code}.yaml").exists():
            continue
        language, problems = check_language(code, kb, knowledge_dir, prompts_dir)
        if problems:
            raise KnowledgeError(
                f"{len(problems)} problem(s) in the {LANGUAGES[code]} translation; first: {problems[0]}"
            )
        out[code] = language
    return out


def article_titles(knowledge_dir: Path, code: str) -> dict[int, str]:
    """Our unofficial article titles in this language (knowledge/i18n/<code>.yaml); {} where there are none."""
    path = knowledge_dir / "i18n" / f"{code}.yaml"
    titles = _read(path, []).get("titles") if path.exists() else None
    return {int(n): " ".join(str(t).split()) for n, t in titles.items()} if isinstance(titles, dict) else {}


def check_language(code: str, kb: KnowledgeBase, knowledge_dir: Path, prompts_dir: Path) -> tuple[Language, list[str]]:
    """One language and every problem found in its files (empty when it may be loaded)."""
    problems: list[str] = []
    english_words = _read(prompts_dir / "i18n" / "en.yaml", problems).get("words", {})
    if code == "en":
        return Language(code, {k: str(v) for k, v in english_words.items()}), problems
    pack = _read(prompts_dir / "i18n" / f"{code}.yaml", problems)
    words = _required(pack.get("words"), WORDS, f"prompts/i18n/{code}.yaml: words", problems)
    if "{number}" not in words.get("article", "{number}") or "{para}" not in words.get("article", "{para}"):
        problems.append(f"prompts/i18n/{code}.yaml: words.article needs {{number}} and {{para}}.")
    english_messages = _read(prompts_dir / "messages.yaml", problems)
    messages = _required(pack.get("messages"), set(english_messages), f"prompts/i18n/{code}.yaml: messages", problems)
    for key, text in messages.items():
        if set(PLACEHOLDER.findall(text)) != set(PLACEHOLDER.findall(str(english_messages.get(key, "")))):
            problems.append(f"prompts/i18n/{code}.yaml: messages.{key} must keep the English placeholders.")
    names = _read(knowledge_dir / "i18n" / f"{code}.yaml", problems)
    where = f"knowledge/i18n/{code}.yaml"
    chapters = _required(names.get("chapters"), {a.chapter for a in kb.articles}, f"{where}: chapters", problems)
    titles = _required(names.get("titles"), {a.number for a in kb.articles}, f"{where}: titles", problems)
    summaries = _required(names.get("summaries"), {a.number for a in kb.articles}, f"{where}: summaries", problems)
    for article in kb.articles:
        text = summaries.get(article.number)
        if text and _numbers(text) != _numbers(article.summary):
            problems.append(f"{where}: summary of art. {article.number} has other numbers than the English.")
    lines, stale = _lines(code, kb, knowledge_dir, words, problems)
    language = Language(code, words, messages, titles, chapters, summaries, lines, stale)
    return language, problems


def _lines(
    code: str, kb: KnowledgeBase, knowledge_dir: Path, words: dict[str, str], problems: list[str]
) -> tuple[dict[str, str], tuple[str, ...]]:
    english = {line.id: line for line in (*kb.answers, *kb.overviews)}
    lines: dict[str, str] = {}
    stale: list[str] = []
    for path in sorted((knowledge_dir / "answers" / code).glob("*.yaml")):
        entries = _read(path, problems).get("answers") or []
        for entry in entries:
            if not isinstance(entry, dict) or not {"id", "src", "a"} <= set(entry):
                problems.append(f"{path.name}: every entry needs id, src and a; got {entry!r:.80}.")
                continue
            key, text = str(entry["id"]), " ".join(str(entry["a"] or "").split())
            source = english.get(key)
            if source is None:
                problems.append(f"{path.name}: {key} is not an English answer line (re-run the skeleton script).")
            elif not text:
                continue
            elif str(entry["src"]) != line_hash(source.text):
                stale.append(key)
            else:
                problem = _line_problem(code, source.text, text, getattr(source, "polarity", None), words)
                if problem:
                    problems.append(f"{path.name}: {key}: {problem}")
                else:
                    lines[key] = text
    return lines, tuple(stale)


def _line_problem(code: str, english: str, text: str, polarity: str | None, words: dict[str, str]) -> str:
    if _numbers(text) != _numbers(english):
        return f"numbers {sorted(_numbers(text))} differ from the English {sorted(_numbers(english))}."
    if BIDI.search(text):
        return "contains bidirectional control characters."
    size = len(text) if code == "zh" else len(text.split())
    if size > (MAX_CHARS_ZH if code == "zh" else MAX_WORDS):
        return f"too long ({size} {'characters' if code == 'zh' else 'words'})."
    if not (words.get("yes") and words.get("no")):
        return ""  # reported once as missing words; lines are checked for "Yes."/"No." once they are there
    starts = {p: re.match(rf"{re.escape(words[p])}\s*{AFTER_POLARITY}", text) for p in ("yes", "no")}
    for name, found in starts.items():
        if (polarity == name) != bool(found):
            return f"must {'' if polarity == name else 'not '}start with {words.get(name)!r} and a full stop."
    if text == english and len(english.split()) > 3:
        return "is the English text, not a translation."
    return ""


def _numbers(text: str) -> set[str]:
    return set(DIGITS.findall(CHINESE_MONTH.sub("", text)))


def _required(value: object, keys: set, where: str, problems: list[str]) -> dict:
    if not isinstance(value, dict):
        problems.append(f"{where}: missing.")
        return {}
    out = {k: " ".join(str(v).split()) for k, v in value.items() if v is not None and str(v).strip()}
    missing = sorted(str(k) for k in keys - set(out))
    if missing:
        problems.append(f"{where}: no translation for {', '.join(missing[:8])}{' …' if len(missing) > 8 else ''}.")
    return out


def _read(path: Path, problems: list[str]) -> dict:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            problems.append(f"{path.name}: larger than {MAX_FILE_BYTES} bytes.")
            return {}
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        problems.append(f"{path.name}: cannot be read ({exc}).".replace("\n", " "))
        return {}
    if not isinstance(data, dict):
        problems.append(f"{path.name}: expected a mapping.")
        return {}
    return data


def main(argv: list[str]) -> int:
    from assistant.knowledge import load_knowledge
    from assistant.settings import PROJECT_ROOT

    kb = load_knowledge(PROJECT_ROOT / "knowledge")
    status = 0
    for code in argv or [c for c in LANGUAGES if c != "en"]:
        if code not in LANGUAGES:
            print(f"{code}: not one of {', '.join(LANGUAGES)}.")
            return 2
        language, problems = check_language(code, kb, PROJECT_ROOT / "knowledge", PROJECT_ROOT / "prompts")
        for problem in problems:
            print(f"{code}: {problem}")
        cov = language.coverage(kb)
        share = cov["translated"] / cov["lines"] if cov["lines"] else 0.0
        print(
            f"{code}: {cov['translated']} of {cov['lines']} answer lines translated ({share:.0%}),"
            f" {cov['stale']} stale, {len(problems)} problem(s)"
        )
        status = status or (1 if problems else 0)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
