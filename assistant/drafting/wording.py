"""The fixed wording of the request templates in the six languages of the convention.

`prompts/drafting/i18n/<lang>.yaml` holds, by key, every sentence, heading and label the templates print
(`t("mla.thanks")` in a template), the way the text cites an article, the date format and month names, and the
words of a printed page's header and footer. English is the source; the other five are our own unofficial
translations. A language is loaded only when it has every English key with the same {placeholders}, so a
translation can never drop a field's value or print a raw placeholder. The case file's content is never
translated: it reaches the templates as the user wrote it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ConfigDict

from assistant.drafting.forms import SAFE_LOADER
from assistant.errors import DraftError, KnowledgeError
from assistant.glossary import Lang
from assistant.prompts import PROMPTS

LANGUAGES: tuple[Lang, ...] = get_args(Lang)
RIGHT_TO_LEFT = frozenset({"ar"})  # drafts written from the right (DOCX bidi paragraphs)
PLACEHOLDER = re.compile(r"(?<!\{)\{([a-z_]+)\}(?!\})")
MONTH_COUNT = 12


class PrintLabels(BaseModel):
    """The words a printed copy shows outside the text: the header's reference and date, the footer's page."""

    model_config = ConfigDict(frozen=True)

    reference: str  # "Reference: {reference}"
    date: str  # "Date: {date}"
    page: str  # "Page {page} of {pages}"


@dataclass(frozen=True)
class Wording:
    """One language's fixed wording, checked against the English source."""

    code: Lang
    strings: dict[str, str]  # "section.key" -> text with {placeholders}
    months: tuple[str, ...]

    def text(self, key: str, **values: Any) -> str:
        """The wording of `key` with its placeholders filled (a field's value prints as the template shows it)."""
        try:
            return self.strings[key].format(**values)
        except KeyError as exc:  # our template asks for a key or a placeholder the catalogue does not have
            raise KnowledgeError(
                f"prompts/drafting/i18n/{self.code}.yaml: no wording {key!r}, or it needs {exc}; fix the template."
            ) from None

    def article(self, number: int) -> str:
        """An article as the text cites it: 'article 42', 'art. 42', 'ст. 42', '第42条', 'المادة 42'."""
        return self.text("words.article", number=number)

    def date(self, value: dt.date) -> str:
        """A date with the month written out ('4 March 2027', '4 марта 2027 г.', '2027年3月4日'): never ambiguous."""
        return self.text("words.date", day=value.day, month=self.months[value.month - 1], year=value.year)

    @property
    def labels(self) -> PrintLabels:
        return PrintLabels(**{key: self.strings[f"print.{key}"] for key in PrintLabels.model_fields})


def _flat(data: dict, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flat(value, f"{name}."))
        else:
            out[name] = value
    return out


def read_mapping(path: Path) -> dict[str, Any]:
    """A wording file's top-level mapping; a missing, unreadable or malformed file raises KnowledgeError."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path}: cannot be read ({exc}); restore it from git.".replace("\n", " ")) from None
    if not isinstance(data, dict):
        raise KnowledgeError(f"{path}: expected a mapping of keys to wording; restore it from git.")
    return data


def _read(path: Path) -> dict[str, Any]:
    return _flat(read_mapping(path))


def wording_problems(source: dict[str, Any], own: dict[str, Any]) -> list[str]:
    """What keeps a translation from being used: a key missing or extra, other placeholders, a month list
    that is not twelve names. Empty when it may be loaded."""
    problems = [f"no wording for {key!r}" for key in sorted(set(source) - set(own))]
    problems += [f"{key!r} is not an English key" for key in sorted(set(own) - set(source))]
    for key in sorted(set(source) & set(own)):
        if key == "words.months":
            months = own[key]
            if not (isinstance(months, list) and len(months) == MONTH_COUNT and all(str(m).strip() for m in months)):
                problems.append("words.months must list the twelve month names")
        elif not isinstance(own[key], str) or not own[key].strip():
            problems.append(f"{key!r} must be a sentence or label")
        elif set(PLACEHOLDER.findall(own[key])) != set(PLACEHOLDER.findall(str(source[key]))):
            problems.append(f"{key!r} must have the placeholders {sorted(set(PLACEHOLDER.findall(source[key])))}")
    return problems


def language_code(code: str | None) -> Lang:
    """A draft's language: one of the six codes ('en' when none is given)."""
    if code is None or not str(code).strip():
        return "en"
    value = str(code).strip().lower()
    if value not in LANGUAGES:
        raise DraftError(f"Drafts are written in one of {', '.join(LANGUAGES)}; {code!r} is not one of them.")
    return value  # type: ignore[return-value]  # checked against LANGUAGES above


def load_wording(prompts_dir: Path, code: str | None = "en") -> Wording:
    """The fixed wording of one language, checked against English; a faulty file raises KnowledgeError."""
    lang = language_code(code)
    folder = prompts_dir / "drafting" / "i18n"
    source = _read(folder / "en.yaml")
    own = source if lang == "en" else _read(folder / f"{lang}.yaml")
    problems = wording_problems(source, own)
    if problems:
        raise KnowledgeError(
            f"{folder / f'{lang}.yaml'}: {len(problems)} problem(s); first: {problems[0]}. Fix the translation."
        )
    months = tuple(str(m) for m in own["words.months"])
    strings = {key: " ".join(value.split()) for key, value in own.items() if key != "words.months"}
    return Wording(lang, strings, months)


def english_labels() -> PrintLabels:
    """The header and footer words of a document made outside the drafting desk (the review's reply)."""
    return load_wording(PROMPTS, "en").labels
