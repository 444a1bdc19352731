"""The review desk's fixed sentences (`prompts/review/messages.yaml`), checked for their placeholders."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from assistant.errors import KnowledgeError
from assistant.prompts import PLACEHOLDER

# The placeholders each message must have, exactly.
MESSAGES: dict[str, set[str]] = {
    "too_large": {"name", "size_mb", "limit_mb"},
    "empty": {"name"},
    "scanned": {"name"},
    "encrypted": {"name"},
    "bomb": {"name", "size_mb", "limit_mb"},
    "unreadable": {"name", "reason"},
    "old_word": set(),
    "not_word": set(),
    "damaged": {"detail"},
    "not_text": set(),
    "missing_file": {"path"},
    "not_a_file": {"path"},
    "not_a_request": {"name", "why"},
    "too_short": {"words"},
    "legal_text": {"count"},
    "no_request_elements": set(),
    "no_particulars": {"found"},
    "skipped_pages": {"detail"},
    "budget": {"units", "total"},
    "type_given": {"title"},
    "type_detected": {"title", "confidence"},
    "type_other": {"other", "confidence", "given"},
}


@cache
def messages(prompts_dir: Path) -> dict[str, str]:
    """Every message, whitespace folded; a missing key or a wrong placeholder is a KnowledgeError."""
    path = prompts_dir / "review" / "messages.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path} is missing or not valid YAML ({exc}); restore it from git.") from exc
    missing = sorted(set(MESSAGES) - set(data))
    if missing:
        raise KnowledgeError(f"{path} lacks the messages {missing}.")
    for key, wanted in MESSAGES.items():
        found = set(PLACEHOLDER.findall(str(data[key])))
        if found != wanted:
            raise KnowledgeError(f"{path}: '{key}' has placeholders {sorted(found)}, expected {sorted(wanted)}.")
    return {key: " ".join(str(data[key]).split()) for key in MESSAGES}


def say(prompts_dir: Path, key: str, **values: object) -> str:
    """One message with its placeholders filled in."""
    return messages(prompts_dir)[key].format(**values)
