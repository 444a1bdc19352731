"""The Case tab's logic, without a browser: the plan view, the case log and the downloads."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from icalendar import Calendar

from assistant.errors import AssistantError
from assistant.settings import PROJECT_ROOT, Settings
from assistant.ui.case import marked, plan_date, plan_html, plan_text, write_bundle

EXAMPLE = (PROJECT_ROOT / "knowledge" / "cases" / "ransomware.yaml").read_text(encoding="utf-8")
DAY = dt.date(2026, 12, 7)


def test_the_plan_view_leads_with_the_next_step_and_links_articles(settings: Settings):
    view = plan_html(plan_text(settings, EXAMPLE, DAY))
    assert view.index("Next: step 1") < view.index("Legal basis") < view.index("Steps")
    assert 'href="?article=42" target="_blank"' in view  # opens the reader without leaving the case
    assert "In your own State" in view


def test_case_text_is_escaped_in_the_view(settings: Settings):
    text = EXAMPLE.replace("Valmail Ltd.", "<img src=http://example.org/x.png>")
    view = plan_html(plan_text(settings, text, DAY))
    assert "<img" not in view and "&lt;img" in view


def test_marking_a_step_updates_the_case_text_and_the_plan(settings: Settings):
    text = marked(settings, EXAMPLE, DAY, 2, "sent", "2026-12-01")
    assert text.startswith(EXAMPLE.split("log:")[0])
    plan = plan_text(settings, text, DAY)
    assert plan.steps[1].status == "sent" and plan.steps[1].done_on == dt.date(2026, 12, 1)
    with pytest.raises(AssistantError, match="after the plan date"):
        marked(settings, EXAMPLE, DAY, 2, "sent", "2027-01-01")
    with pytest.raises(AssistantError, match="no step 40"):
        marked(settings, EXAMPLE, DAY, 40, "sent", "")


def test_the_downloads_hold_the_case_the_deadlines_and_every_draft(settings: Settings, tmp_path: Path):
    plan = plan_text(settings, EXAMPLE, DAY)
    case, ics, bundle = write_bundle(settings, EXAMPLE, plan, tmp_path)
    assert case.name == "case_2026-cyb-117.yaml" and case.read_text(encoding="utf-8") == EXAMPLE
    assert len(Calendar.from_ical(ics.read_bytes()).walk("VEVENT")) == sum(1 for s in plan.steps if s.deadline)
    with zipfile.ZipFile(bundle) as z:
        assert len(z.namelist()) == sum(1 for s in plan.steps if s.draft and s.status in ("to do", "overdue"))


@pytest.mark.parametrize(("text", "day", "match"), [("", "", "empty"), (EXAMPLE, "7/12/2026", "YYYY-MM-DD")])
def test_bad_input_is_a_message(settings: Settings, text: str, day: str, match: str):
    with pytest.raises(AssistantError, match=match):
        plan_text(settings, text, plan_date(day))
