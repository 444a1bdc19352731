"""The plan's fixed sentences (`prompts/plan.yaml`), each checked for exactly the placeholders the code fills."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from assistant.errors import KnowledgeError
from assistant.prompts import PLACEHOLDER

EXPECTED = {
    "basis_action": {"states"},
    "basis_why": set(),
    "basis_applies": {"requesting", "state", "date", "as_of"},
    "basis_not_in_force": {"date", "as_of"},
    "basis_not_party": {"party", "date", "as_of"},
    "basis_unknown": {"requesting", "state", "date", "reason"},
    "reason_stale": {"as_of"},
    "reason_no_entry": {"party"},
    "reason_no_date": {"party"},
    "other_bases_intro": {"state"},
    "basis_budapest_both": {"source"},
    "basis_budapest_check": set(),
    "basis_untoc": set(),
    "basis_bilateral": set(),
    "basis_reciprocity": set(),
    "empty_case": set(),
    "no_requesting_authority": set(),
    "penalty_below": {"years", "threshold", "name"},
    "penalty_unknown": {"threshold"},
    "person_without_state": {"index"},
    "personal_data": set(),
    "reservation_recorded": {"state", "article", "summary", "source"},
    "reservation_check": {"state", "articles"},
    "overdue": {"end"},
    "deadline_preservation": {"deadline", "days", "start", "margin"},
    "deadline_pending": {"days"},
    "deadline_immediately": set(),
    "unknown_request_type": {"name", "types"},
}


@cache
def plan_wording(prompts_dir: Path) -> dict[str, str]:
    """Every fixed sentence of a plan, by key."""
    path = prompts_dir / "plan.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path} is missing or not valid YAML ({exc.__class__.__name__}); restore it.") from None
    for key, wanted in EXPECTED.items():
        if key not in data:
            raise KnowledgeError(f"{path} lacks the sentence '{key}'.")
        found = set(PLACEHOLDER.findall(str(data[key])))
        if found != wanted:
            raise KnowledgeError(f"{path}: '{key}' has placeholders {sorted(found)}, expected {sorted(wanted)}.")
    return {key: " ".join(str(data[key]).split()) for key in EXPECTED}
