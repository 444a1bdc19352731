"""The forms' own words (titles, summaries, field labels, help lines, choices) in the six languages.

`knowledge/forms/<type>.yaml` is written in English. `knowledge/forms/i18n/<lang>.yaml` holds our own, unofficial
translation of that wording into each of the five other languages, keyed by the English text itself, so that an
English label or help line edited without its translations is caught here, not shown half-translated. A form's
title is the one its draft carries (`titles.<type>` of the draft's wording, `wording.py`). Only the web page shows
these words; the case's content is never translated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.drafting.forms import FormSpec
from assistant.drafting.wording import language_code, load_wording, read_mapping
from assistant.errors import KnowledgeError

SECTIONS = ("summaries", "labels", "help", "choices")


@dataclass(frozen=True)
class FormWording:
    """One language's words for the forms. English maps every text to itself (the empty tables)."""

    code: str
    titles: dict[str, str] = field(default_factory=dict)  # request type -> title (the draft's own)
    summaries: dict[str, str] = field(default_factory=dict)  # request type -> summary
    texts: dict[str, str] = field(default_factory=dict)  # English label, help line or choice -> translation

    def title(self, form: FormSpec) -> str:
        return self.titles.get(form.type, form.title)

    def summary(self, form: FormSpec) -> str:
        return self.summaries.get(form.type, form.summary)

    def text(self, english: str) -> str:
        """A label, help line or choice in this language (the English itself in English)."""
        return self.texts.get(english, english)


def needed(forms: Iterable[FormSpec]) -> dict[str, set[str]]:
    """What each section of a translation must hold for `forms`: their types, then their English texts."""
    out: dict[str, set[str]] = {section: set() for section in SECTIONS}
    for form in forms:
        out["summaries"].add(form.type)
        for spec in form.fields:
            out["labels"].add(spec.label)
            if spec.help:
                out["help"].add(spec.help)
            out["choices"].update(spec.choices)
    return out


def load_form_wording(
    knowledge_dir: Path, prompts_dir: Path, forms: Iterable[FormSpec], code: str | None
) -> FormWording:
    """The forms' words in one language, checked: every type's summary and every English label, help line and
    choice of `forms` translated, nothing else; a faulty file raises KnowledgeError naming what."""
    lang = language_code(code)
    forms = list(forms)
    if lang == "en":
        return FormWording("en")
    path = knowledge_dir / "forms" / "i18n" / f"{lang}.yaml"
    data = read_mapping(path)
    tables: dict[str, dict[str, str]] = {}
    for section, wanted in needed(forms).items():
        table = data.get(section) or {}
        if not isinstance(table, dict):
            raise KnowledgeError(f"{path}: '{section}' must map each English text to its translation.")
        table = {str(k): " ".join(str(v).split()) for k, v in table.items() if v is not None and str(v).strip()}
        missing, extra = sorted(wanted - set(table)), sorted(set(table) - wanted)
        if missing or extra:
            problem = f"no translation of {missing[0]!r}" if missing else f"{extra[0]!r} is in no form"
            raise KnowledgeError(
                f"{path}: '{section}': {len(missing)} missing, {len(extra)} unknown; first: {problem}. "
                "Translate the forms' current English wording (knowledge/forms/<type>.yaml)."
            )
        tables[section] = table
    texts = tables["labels"] | tables["help"] | tables["choices"]
    wording = load_wording(prompts_dir, lang)
    titles = {form.type: wording.text(f"titles.{form.type}") for form in forms}
    return FormWording(lang, titles, tables["summaries"], texts)
