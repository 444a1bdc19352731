"""Prompts and policy patterns, loaded by name from `prompts/` and checked for their placeholders."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from assistant.errors import AssistantError
from assistant.settings import PROJECT_ROOT

PROMPTS = PROJECT_ROOT / "prompts"
PLACEHOLDER = re.compile(r"(?<!\{)\{([a-z_]+)\}(?!\})")
EXPECTED = {
    "answer_system.md": {"abstain", "passages", "language", "yes", "no", "example"},
    "answer_user.md": {"question", "language"},
}


@cache
def load_prompt(name: str, folder: Path = PROMPTS) -> str:
    """A prompt's text; its {placeholders} must be exactly the ones the code fills in."""
    try:
        text = (folder / name).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise AssistantError(f"Prompt file {folder / name} is missing or unreadable; restore it from git.") from exc
    found = set(PLACEHOLDER.findall(text))
    wanted = EXPECTED.get(name, found)
    if found != wanted:
        raise AssistantError(
            f"Prompt {name} has placeholders {sorted(found)}, expected {sorted(wanted)}: fix the file."
        )
    return text


# The placeholders each fixed sentence of prompts/messages.yaml must have.
MESSAGES = {
    "not_covered": set(),
    "declined_crime": set(),
    "declined_opinion": set(),
    "unfamiliar": set(),
    "no_such_article": {"number", "count"},
    "nearest": {"names"},
    "truncated": {"limit"},
    "mismatch": {"named", "named_title", "top", "top_title"},
    "translated": {"treaty", "number", "mapped"},
    "unmatched": {"treaty", "number"},
    "llm_unsupported": {"count"},
    "llm_uncited": {"count"},
    "llm_empty": set(),
    "llm_failed": {"error"},
    "article_map": set(),
    "binary_question": set(),
    "not_text": set(),
    "read_the_provision": set(),
    "source_restatement": set(),
    "source_official": set(),
    "source_unvalidated": set(),
    "source_guidance": set(),
}


def checked_wording(path: Path, expected: dict[str, set[str]]) -> dict[str, str]:
    """A YAML file of fixed sentences by key, checked: each expected key present, each with exactly its
    {placeholders}; whitespace folded. Every wording file of the project is read through here."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise AssistantError(f"{path} is missing or not valid YAML ({exc}); restore it from git.") from exc
    if not isinstance(data, dict):
        raise AssistantError(f"{path} must map each sentence's name to its text; restore it from git.")
    missing = sorted(set(expected) - set(data))
    if missing:
        raise AssistantError(f"{path} lacks the entries {missing}.")
    for key, wanted in expected.items():
        found = set(PLACEHOLDER.findall(str(data[key])))
        if found != wanted:
            raise AssistantError(f"{path}: '{key}' has placeholders {sorted(found)}, expected {sorted(wanted)}.")
    return {key: " ".join(str(data[key]).split()) for key in expected}


@cache
def messages(folder: Path = PROMPTS) -> dict[str, str]:
    """Every fixed sentence of an answer, checked: each key present, each with exactly its placeholders."""
    return checked_wording(folder / "messages.yaml", MESSAGES)


def message(key: str, **values: object) -> str:
    """One fixed sentence with its placeholders filled in."""
    return messages()[key].format(**values)


def abstain_sentence() -> str:
    """The one sentence used whenever the convention does not answer a question."""
    return message("not_covered")


@cache
def policy_patterns(folder: Path = PROMPTS) -> dict[str, tuple[re.Pattern[str], ...]]:
    """Pattern lists by kind; "{place}" in a pattern stands for any name in the `places` lists."""
    return _compiled_policy(yaml.safe_load((folder / "policy.yaml").read_text(encoding="utf-8")))


@cache
def foreign_policy(folder: Path = PROMPTS) -> dict[str, dict[str, tuple[re.Pattern[str], ...]]]:
    """The policy patterns of prompts/i18n/policy.yaml (the kinds of prompts/policy.yaml), by language."""
    data = yaml.safe_load((folder / "i18n" / "policy.yaml").read_text(encoding="utf-8"))
    return {lang: _compiled_policy(kinds) for lang, kinds in data.items()}


def _compiled_policy(data: dict) -> dict[str, tuple[re.Pattern[str], ...]]:
    names = sorted({name for country in data.pop("places", []) for name in country}, key=len, reverse=True)
    place = "(?:" + "|".join(f"(?-i:{re.escape(n)})" if n.isupper() else re.escape(n) for n in names) + ")"
    return {
        key: tuple(re.compile(p.replace("{place}", place), re.I) for p in patterns) for key, patterns in data.items()
    }


def matches(kind: str, text: str, language: str = "en") -> bool:
    """Whether the question is of this kind, by the patterns of its language (none for a language without
    them)."""
    if language == "en":
        return any(p.search(text) for p in policy_patterns()[kind])
    return any(p.search(text) for p in foreign_policy().get(language, {}).get(kind, ()))


@cache
def question_type_patterns(folder: Path = PROMPTS) -> tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]:
    """The question kinds of prompts/question_types.yaml in the order they are tried, with their patterns."""
    data = yaml.safe_load((folder / "question_types.yaml").read_text(encoding="utf-8"))
    return tuple((kind, tuple(re.compile(p, re.I) for p in patterns)) for kind, patterns in data.items())


LAST_QUESTION = re.compile(r"(?:^|[.!?:;]\s+|[。！？]\s*)([^.!?:;。！？]+[?？])\s*$")


@cache
def foreign_question_types(folder: Path = PROMPTS) -> dict[str, tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]]:
    """The question kinds of prompts/i18n/question_types.yaml, by language, in the order they are tried."""
    data = yaml.safe_load((folder / "i18n" / "question_types.yaml").read_text(encoding="utf-8"))
    return {
        lang: tuple((kind, tuple(re.compile(p, re.I) for p in patterns)) for kind, patterns in kinds.items())
        for lang, kinds in data.items()
    }


@cache
def foreign_cues(folder: Path = PROMPTS) -> dict[str, dict[str, tuple[re.Pattern[str], ...]]]:
    """The retrieval cues of prompts/i18n/cues.yaml (cross-border, domestic), by language."""
    data = yaml.safe_load((folder / "i18n" / "cues.yaml").read_text(encoding="utf-8"))
    return {
        lang: {kind: tuple(re.compile(p, re.I) for p in patterns) for kind, patterns in kinds.items()}
        for lang, kinds in data.items()
    }


def cue(kind: str, text: str, language: str = "en") -> bool:
    """Whether the question carries a retrieval cue ("cross_border", "domestic") in its language."""
    if language == "en":
        return matches(kind, text)
    return any(p.search(text) for p in foreign_cues().get(language, {}).get(kind, ()))


def question_type(text: str, language: str = "en") -> str:
    """The first kind whose pattern matches the question, or its last asked sentence ("State X refused. Can
    we …?" asks what "Can we …?" asks), else "fact"."""
    last = LAST_QUESTION.search(text.strip())
    parts = [text, last.group(1)] if last else [text]
    kinds = question_type_patterns() if language == "en" else foreign_question_types().get(language, ())
    for kind, patterns in kinds:
        if any(p.search(part) for p in patterns for part in parts):
            return kind
    return "fact"
