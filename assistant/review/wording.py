"""The review desk's fixed sentences (`prompts/review/messages.yaml`), checked for their placeholders."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from assistant.prompts import checked_wording

# The placeholders each message must have, exactly.
MESSAGES: dict[str, set[str]] = {
    "too_large": {"name", "size_mb", "limit_mb"},
    "empty": {"name"},
    "pasted_empty": set(),
    "pasted_too_large": {"size_mb", "limit_mb"},
    "scanned": {"name"},
    "encrypted": {"name"},
    "bomb": {"name", "limit_mb"},
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
    # The Review tab's messages (its labels are the page's wording, prompts/ui.yaml, in six languages)
    "tab_no_input": set(),
    "tab_both": set(),
}


@cache
def messages(prompts_dir: Path) -> dict[str, str]:
    """Every message, whitespace folded; a missing key or a wrong placeholder is an error naming the file."""
    return checked_wording(prompts_dir / "review" / "messages.yaml", MESSAGES)


def say(prompts_dir: Path, key: str, **values: object) -> str:
    """One message with its placeholders filled in."""
    return messages(prompts_dir)[key].format(**values)
