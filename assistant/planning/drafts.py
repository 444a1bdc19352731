"""Every request a plan calls for, drafted from the same case file as `uncc draft TYPE --state STATE` would."""

from __future__ import annotations

from assistant.drafting import api
from assistant.drafting.casefile import CaseFile
from assistant.drafting.from_case import case_for_request
from assistant.drafting.render import Draft
from assistant.planning.planner import OPEN, Plan, slug
from assistant.settings import Settings


def plan_drafts(
    plan: Plan, casefile: CaseFile, settings: Settings, language: str | None = None
) -> list[tuple[str, Draft]]:
    """(file name, draft) for each open step that drafts a request, e.g. ('06-mla-kingdom-of-valdoria.md', ...).

    Steps already sent, answered or refused need no new draft. The drafts' wording is in `language`, else in
    the case file's `case.language`, else in English.
    """
    language = language or casefile.case.language
    out = []
    for step in plan.steps:
        if step.draft is None or step.status not in OPEN:
            continue
        fields = case_for_request(
            casefile, step.draft, settings.knowledge_dir, step.state, step.person, step.draft_fields
        )
        out.append(
            (
                f"{step.order:02d}-{step.draft}-{slug(step.state or 'case')}.md",
                api.draft(step.draft, fields, settings, language=language),
            )
        )
    return out
