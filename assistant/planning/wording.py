"""The plan's fixed sentences (`prompts/plan.yaml`), each checked for exactly the placeholders the code fills."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from assistant.prompts import checked_wording

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
    return checked_wording(prompts_dir / "plan.yaml", EXPECTED)
