"""Completeness check: every missing required element and every weak one is flagged, with its basis."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.drafting import api
from assistant.drafting.render import marker

TYPES = api.list_types()
REQUIRED = [(t, f.name) for t in TYPES for f in api.form(t).required]
SHORT_FACTS = "Someone hacked the server last week."


@pytest.mark.parametrize("request_type", TYPES)
def test_every_example_is_complete(request_type: str) -> None:
    report = api.check(request_type, api.example_case(request_type))
    assert report.status == "complete", [i.message for i in report.items]
    assert report.present == report.required == len(api.form(request_type).required)


@pytest.mark.parametrize(("request_type", "name"), REQUIRED)
def test_each_missing_required_element_is_flagged_with_its_basis(request_type: str, name: str) -> None:
    case = api.example_case(request_type)
    del case[name]
    spec = api.form(request_type).field(name)
    report = api.check(request_type, case)
    assert report.status == "incomplete"
    assert [(i.field, i.problem) for i in report.items] == [(name, "missing")]
    assert report.items[0].basis == spec.basis
    assert spec.basis.label in report.items[0].message
    markdown, _ = api.draft_markdown(request_type, case)
    assert marker(spec) in markdown  # the gap is visible in the draft, not silently dropped


@pytest.mark.parametrize("blank", ["", "   ", "TBD", "todo", "...", "?", [], [""], ["  "]])
def test_blank_or_placeholder_values_count_as_missing(blank: object) -> None:
    case = api.example_case("preservation")
    case["offences" if isinstance(blank, list) else "custodian"] = blank
    report = api.check("preservation", case)
    assert [i.problem for i in report.items] == ["missing"]


def test_optional_elements_may_be_left_out() -> None:
    form = api.form("mla")
    case = {k: v for k, v in api.example_case("mla").items() if form.field(k).required}
    assert api.check("mla", case).status == "complete"


def test_missing_marker_reads_like_the_issue_asks() -> None:
    markdown, _ = api.draft_markdown("preservation", {})
    assert "[MISSING: Brief summary of the facts (Art. 42)]" in markdown
    assert (
        "[MISSING: Contact person (good practice: Council of Europe T-CY template for preservation requests)]"
        in markdown
    )


@pytest.mark.parametrize("request_type", [t for t in TYPES if any(f.min_words for f in api.form(t).fields)])
def test_summary_of_facts_under_30_words_is_weak(request_type: str) -> None:
    case = api.example_case(request_type)
    case["facts"] = SHORT_FACTS
    report = api.check(request_type, case)
    assert report.status == "incomplete"
    (item,) = report.items
    assert (item.field, item.problem) == ("facts", "weak")
    assert "has 6 words; give at least 30" in item.message


@pytest.mark.parametrize("request_type", [t for t in TYPES if "offence_date" in {f.name for f in api.form(t).fields}])
def test_offence_date_in_the_future_is_weak(request_type: str) -> None:
    case = api.example_case(request_type)
    case["offence_date"] = dt.date.today() + dt.timedelta(days=1)
    (item,) = api.check(request_type, case).items
    assert (item.field, item.problem) == ("offence_date", "weak")
    assert "lies in the future" in item.message


def test_offence_date_today_is_fine() -> None:
    case = api.example_case("mla") | {"offence_date": dt.date.today()}
    assert api.check("mla", case).complete


def test_jit_ending_before_it_starts_is_weak() -> None:
    case = api.example_case("jit") | {"period_start": dt.date(2027, 1, 1), "period_end": dt.date(2026, 12, 31)}
    (item,) = api.check("jit", case).items
    assert (item.field, item.problem) == ("period_end", "weak")


def test_preservation_without_a_follow_up_request_is_weak() -> None:
    case = api.example_case("preservation") | {"mla_to_follow": False}
    (item,) = api.check("preservation", case).items
    assert (item.field, item.problem) == ("mla_to_follow", "weak")
    assert "Art. 42" in item.message


def test_report_summary_and_json() -> None:
    report = api.check("preservation", {"facts": SHORT_FACTS})
    assert report.summary == "preservation: incomplete (1 of 10 required elements present; 9 missing, 1 weak)"
    data = report.model_dump(mode="json")
    assert data["status"] == "incomplete"
    assert data["items"][0]["basis"] == {
        "kind": "convention",
        "article": 42,
        "also": [],
        "source": None,
        "note": "listed among the contents of a preservation request",
        "label": "Art. 42",
    }
