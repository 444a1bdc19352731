"""Plan rules (`knowledge/plans/rules.yaml`): which facts of a case call for which step, loaded and checked.

Nothing is hard-wired per scenario: the planner only evaluates these rules. The loader refuses a rule that cites
an article the knowledge base lacks, drafts a request type that has no form, or tests a field the case file
does not have, so a typo in the data fails at load, not silently in a plan.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.drafting.casefile import Asset, DataItem, Lead, OtherInvestigation, Person
from assistant.drafting.forms import SAFE_LOADER, form_types
from assistant.errors import KnowledgeError
from assistant.knowledge import ARTICLE_COUNT

Source = Literal["data", "leads", "assets", "persons", "other_investigations"]

# The fields a rule's `when` may test, per list: the case-file model's own fields plus the derived ones the
# planner computes (documented at the top of rules.yaml).
DERIVED = {
    "data": {"preserved", "has_leads"},
    "leads": set(),
    "assets": set(),
    "persons": {"national_of_requested", "penalty"},
    "other_investigations": set(),
}
MODELS = {
    "data": DataItem,
    "leads": Lead,
    "assets": Asset,
    "persons": Person,
    "other_investigations": OtherInvestigation,
}


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Rule(_Data):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]{1,40}$")
    phase: int
    for_each: Source
    when: dict[str, Any] = Field(default_factory=dict)
    per: Literal["state", "item"]
    action: str
    articles: tuple[int, ...] = Field(min_length=1)
    channel: str
    requires: tuple[str, ...] = ()
    draft: str | None = None
    deadline: Literal["immediately", "preservation", "none"]
    may_be_reserved: tuple[int, ...] = ()
    draft_fields: dict[str, Any] = Field(default_factory=dict)  # form values this step sets, e.g. the measure
    why: str

    def matches(self, facts: dict[str, Any]) -> bool:
        for name, wanted in self.when.items():
            allowed = wanted if isinstance(wanted, list) else [wanted]
            if facts.get(name) not in allowed:
                return False
        return True


class DomesticNote(_Data):
    text: str
    articles: tuple[int, ...] = ()


class Rules(_Data):
    rules: tuple[Rule, ...]
    domestic: dict[Source, DomesticNote]


def _check(rules: Rules, knowledge_dir: Path, path: Path) -> None:
    drafts = set(form_types(knowledge_dir))
    seen: set[str] = set()
    for rule in rules.rules:
        where = f"{path}: rule '{rule.id}'"
        if rule.id in seen:
            raise KnowledgeError(f"{where} is defined twice.")
        seen.add(rule.id)
        cited = (*rule.articles, *rule.may_be_reserved)
        missing = [a for a in cited if not (knowledge_dir / "convention" / f"article-{a:02d}.md").exists()]
        if any(not 1 <= a <= ARTICLE_COUNT for a in cited) or missing:
            raise KnowledgeError(f"{where} cites articles the knowledge base does not have: {sorted(set(missing))}.")
        if rule.draft is not None and rule.draft not in drafts:
            raise KnowledgeError(f"{where} drafts '{rule.draft}', which is not a request type ({sorted(drafts)}).")
        known = set(MODELS[rule.for_each].model_fields) | DERIVED[rule.for_each]
        unknown = sorted(set(rule.when) - known)
        if unknown:
            raise KnowledgeError(f"{where} tests fields {unknown} that {rule.for_each} entries do not have.")
    for note in rules.domestic.values():
        if any(not (knowledge_dir / "convention" / f"article-{a:02d}.md").exists() for a in note.articles):
            raise KnowledgeError(f"{path}: a domestic note cites an article the knowledge base does not have.")


@cache
def load_rules(knowledge_dir: Path) -> Rules:
    """The plan rules, checked against the article files, the forms and the case-file model."""
    path = knowledge_dir / "plans" / "rules.yaml"
    try:
        raw = SAFE_LOADER(path.read_text(encoding="utf-8")).get_single_data()
        rules = Rules.model_validate(raw)
    except OSError as exc:
        raise KnowledgeError(f"{path} is missing or unreadable; restore it from git.") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise KnowledgeError(f"{path}: {where}: {first['msg']}") from None
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path}: not valid YAML ({exc.__class__.__name__}).") from None
    _check(rules, knowledge_dir, path)
    return rules
