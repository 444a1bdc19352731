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
    "abstain.txt": set(),
    "decline.txt": set(),
    "unfamiliar.txt": set(),
    "answer_system.md": {"abstain", "passages"},
    "answer_user.md": {"question"},
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


def abstain_sentence() -> str:
    """The one sentence used whenever the convention does not answer a question."""
    return load_prompt("abstain.txt")


def decline_sentence() -> str:
    return load_prompt("decline.txt")


def unfamiliar_sentence() -> str:
    """What a question in a language the knowledge base is not written in gets."""
    return load_prompt("unfamiliar.txt")


@cache
def policy_patterns(folder: Path = PROMPTS) -> dict[str, tuple[re.Pattern[str], ...]]:
    """Pattern lists by kind; "{place}" in a pattern stands for any name in the `places` lists."""
    data = yaml.safe_load((folder / "policy.yaml").read_text(encoding="utf-8"))
    names = sorted({name for country in data.pop("places", []) for name in country}, key=len, reverse=True)
    place = "(?:" + "|".join(f"(?-i:{re.escape(n)})" if n.isupper() else re.escape(n) for n in names) + ")"
    return {
        key: tuple(re.compile(p.replace("{place}", place), re.I) for p in patterns) for key, patterns in data.items()
    }


def matches(kind: str, text: str) -> bool:
    return any(p.search(text) for p in policy_patterns()[kind])
