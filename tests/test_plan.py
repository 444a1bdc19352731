"""The case desk: case files, plan rules, legal basis, deadlines, the case log, the calendar and drafts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from icalendar import Calendar

from assistant.cli.main import main
from assistant.drafting.casefile import parse_casefile, read_casefile
from assistant.errors import DraftError, InvalidInput, KnowledgeError
from assistant.knowledge import load_knowledge
from assistant.planning.planner import Plan, Planner
from assistant.planning.rules import Rule, Rules, _check, load_rules
from assistant.settings import PROJECT_ROOT, Settings

CASES = PROJECT_ROOT / "tests" / "plan_cases"
EXAMPLES = PROJECT_ROOT / "knowledge" / "cases"
EXAMPLE = EXAMPLES / "ransomware.yaml"
TODAY = dt.date(2027, 2, 10)


@pytest.fixture
def planner(settings: Settings) -> Planner:
    return Planner.from_settings(settings)


def plan_of(planner: Planner, path: Path, today: dt.date = TODAY) -> Plan:
    casefile, warnings = read_casefile(path)
    return planner.plan(casefile, today, warnings)


def rule_of(step_id: str) -> str:
    return step_id.split(":")[0]


def order(plan: Plan, rule: str) -> list[int]:
    return [s.order for s in plan.steps if rule_of(s.id) == rule]


def case_text(body: str) -> str:
    return "case:\n  reference: T-1\n  requesting_state: Aurelia\n  authority: {name: Prosecutor}\n" + body


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):
    def go(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return code, out, err

    return go


# -- rules ---------------------------------------------------------------------------------------------------


def test_every_rule_fires_in_a_fixture_case_and_cites_existing_articles(planner: Planner, settings: Settings):
    fired = set()
    for path in [*sorted(EXAMPLES.glob("*.yaml")), *sorted(CASES.glob("*.yaml"))]:
        fired |= {rule_of(s.id) for s in plan_of(planner, path).steps}
    rules = load_rules(settings.knowledge_dir)
    assert {r.id for r in rules.rules} <= fired
    numbers = {a.number for a in load_knowledge(settings.knowledge_dir).articles}
    for rule in rules.rules:
        assert set(rule.articles) <= numbers, rule.id


def test_the_loader_refuses_a_rule_that_cites_a_missing_article_or_form(settings: Settings):
    base = load_rules(settings.knowledge_dir).rules[0]
    path = settings.knowledge_dir / "plans" / "rules.yaml"
    for bad in ({"articles": (99,)}, {"draft": "no-such-form"}, {"when": {"colour": "red"}}):
        rules = Rules(rules=(Rule(**(base.model_dump() | bad)),), domestic={})
        with pytest.raises(KnowledgeError):
            _check(rules, settings.knowledge_dir, path)


# -- the example case ----------------------------------------------------------------------------------------


def test_the_example_case_plans_in_a_sensible_order(planner: Planner):
    plan = plan_of(planner, EXAMPLE, dt.date(2026, 12, 7))
    assert plan.steps[0].id == "legal-basis" and plan.steps[0].order == 1
    assert [s.order for s in plan.steps] == list(range(1, len(plan.steps) + 1))
    # at-risk data is preserved before it is asked for; assets are frozen before confiscation
    assert max(order(plan, "preserve")) < min(order(plan, "obtain-stored-data"))
    assert max(order(plan, "freeze-assets")) < min(order(plan, "confiscate-assets"))
    assert order(plan, "preserve")[0] == 2
    preserve = plan.steps[1]
    assert preserve.articles[:1] == [42] and preserve.channel == "24/7 point of contact"
    assert preserve.draft == "preservation" and preserve.deadline == dt.date(2026, 12, 7)
    # the next provider in the chain is preserved in its own State; the national raises extradite-or-prosecute
    assert any(s.id == "preserve-next-provider:federation-of-zembla" for s in plan.steps)
    assert any(rule_of(s.id) == "extradition-of-national" and s.articles == [37] for s in plan.steps)
    # the hospital's own logs are domestic: a note, not a step
    assert not any(s.state == "Republic of Aurelia" for s in plan.steps)
    assert plan.domestic and 25 in plan.domestic[0].articles
    assert plan.next == 1
    assert any("art. 36" in w for w in plan.warnings)


def test_legal_basis_is_never_invented_for_unknown_states(planner: Planner):
    plan = plan_of(planner, EXAMPLE, dt.date(2026, 12, 7))
    assert {b.state for b in plan.legal_basis.states} == {"Kingdom of Valdoria", "Federation of Zembla"}
    for basis in plan.legal_basis.states:
        assert basis.convention in ("unknown", "does not apply")
        assert any("Budapest" in b for b in basis.other_bases)


def _states(home: Path, in_force: str | None, parties: dict[str, str | None]) -> None:
    folder = home / "states"
    folder.mkdir(parents=True)
    status = {"as_of": "2027-06-01", "entry_into_force": in_force, "threshold": 40}
    (folder / "_convention.yaml").write_text(yaml.safe_dump(status), encoding="utf-8")
    for name, since in parties.items():
        entry = {
            "name": name,
            "as_of": "2027-06-01",
            "uncc": {"party_from": since, "source": "test", "confidence": "high"},
        }
        (folder / f"{name.lower()}.yaml").write_text(yaml.safe_dump(entry), encoding="utf-8")


@pytest.mark.parametrize(
    ("in_force", "parties", "today", "verdict"),
    [
        ("2027-03-01", {"Aurelia": "2027-03-01", "Valdoria": "2027-03-01"}, "2027-04-01", "applies"),
        ("2027-03-01", {"Aurelia": "2027-03-01", "Valdoria": "2027-05-01"}, "2027-04-01", "does not apply"),
        ("2027-03-01", {"Aurelia": "2027-03-01"}, "2027-04-01", "unknown"),
        (None, {"Aurelia": None, "Valdoria": None}, "2027-04-01", "does not apply"),
        (None, {"Aurelia": None, "Valdoria": None}, "2027-09-01", "unknown"),  # later than the table's date
    ],
)
def test_legal_basis_follows_the_states_table(tmp_path: Path, in_force, parties, today, verdict):
    home = tmp_path / "home"
    _states(home, in_force, parties)
    settings = Settings(home=home)
    casefile, _ = parse_casefile(case_text("data:\n  - {what: logs, kind: traffic, state: Valdoria, at_risk: true}\n"))
    plan = Planner.from_settings(settings).plan(casefile, dt.date.fromisoformat(today))
    assert [b.convention for b in plan.legal_basis.states] == [verdict]


# -- hard cases ----------------------------------------------------------------------------------------------


def test_a_penalty_below_the_threshold_warns_and_gives_no_extradition_step(planner: Planner):
    plan = plan_of(planner, EXAMPLES / "sextortion.yaml")
    assert not [s for s in plan.steps if s.draft == "extradition"]
    assert order(plan, "transfer-proceedings-below-threshold")
    assert any("below the art. 37 threshold" in w for w in plan.warnings)
    assert order(plan, "interception") and order(plan, "real-time-traffic")
    assert [s.articles[0] for s in plan.steps if rule_of(s.id) == "interception"] == [46]


def test_preservation_deadline_across_a_month_end(planner: Planner):
    plan = plan_of(planner, EXAMPLES / "fraud.yaml", dt.date(2026, 12, 7))
    step = next(s for s in plan.steps if rule_of(s.id) == "obtain-stored-data")
    # preserved on 2026-10-31: at least 60 days runs to 2026-12-30; 14 days' margin gives 2026-12-16
    assert step.deadline == dt.date(2026, 12, 16) and step.status == "to do"
    assert next(s for s in plan.steps if rule_of(s.id) == "preserve").status == "answered"
    assert order(plan, "enforce-confiscation-order") and not order(plan, "freeze-assets")
    assert any(rule_of(s.id) == "extradition" for s in plan.steps)


def test_a_passed_deadline_stays_a_step_flagged_overdue(planner: Planner):
    plan = plan_of(planner, EXAMPLES / "fraud.yaml", dt.date(2026, 12, 20))
    step = next(s for s in plan.steps if rule_of(s.id) == "obtain-stored-data")
    assert step.status == "overdue" and "2026-12-30" in step.why
    assert step in plan.overdue


def test_the_deadline_counts_from_the_request_when_the_effect_date_is_unknown(planner: Planner):
    text = case_text(
        "data:\n  - {what: logs, kind: traffic, state: Valdoria, at_risk: true,\n"
        "     preservation_requested_on: 2028-01-15}\n"
    )
    casefile, _ = parse_casefile(text)
    plan = planner.plan(casefile, dt.date(2028, 1, 20))
    step = next(s for s in plan.steps if rule_of(s.id) == "obtain-stored-data")
    assert step.deadline == dt.date(2028, 3, 1)  # 2028 is a leap year: 15 Jan + 60 = 15 Mar, less 14 days


def test_domestic_entries_get_notes_not_steps(planner: Planner):
    plan = plan_of(planner, CASES / "domestic.yaml")
    assert plan.steps == [] and len(plan.domestic) == 2


def test_an_empty_case_says_what_is_missing(planner: Planner):
    plan = plan_of(planner, CASES / "empty.yaml")
    assert plan.missing == ["data", "assets", "persons", "other_investigations"]
    assert "nothing to plan yet" in plan.warnings[0]


# -- bad input -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ("data:\n  - {what: x, kind: emails, state: V}\n", "data[0].kind"),
        ("data:\n  - {what: x, kind: traffic, state: V, preserved_on: last week}\n", "data[0].preserved_on"),
        ("data:\n  - {what: x, kind: traffic, state: V, at_risk: maybe}\n", "data[0].at_risk"),
        ("persons:\n  - {name: X}\n", "persons[0].role"),
        ("persons:\n  - {role: suspect, wanted_for: questioning}\n", "persons[0].wanted_for"),
    ],
)
def test_bad_fields_are_errors_with_their_path(body: str, path: str):
    with pytest.raises(DraftError, match=path.replace("[", r"\[").replace("]", r"\]")):
        parse_casefile(case_text(body))


def test_other_roles_are_kept_with_a_warning_and_wanted_for_is_read_loosely():
    text = case_text(
        "persons:\n  - {role: Accomplice, state: V}\n  - {role: sentenced, state: V, wanted_for: to serve a sentence}\n"
    )
    casefile, warnings = parse_casefile(text)
    assert any("persons[0].role 'accomplice'" in w for w in warnings)
    assert casefile.persons[1].wanted_for == "enforcement of a sentence"


def test_unknown_fields_are_kept_and_warned_about():
    casefile, warnings = parse_casefile(
        case_text("  colour: red\ndata:\n  - {what: x, kind: traffic, state: V, hodler: Y}\n")
    )
    assert any("case.colour" in w for w in warnings) and any("data[0].hodler" in w for w in warnings)
    assert casefile.data[0].model_extra == {"hodler": "Y"}


def test_a_date_after_the_plan_date_is_refused(planner: Planner):
    casefile, _ = parse_casefile(case_text("data:\n  - {what: x, kind: traffic, state: V, preserved_on: 2030-01-01}\n"))
    with pytest.raises(InvalidInput, match=r"data\[0\].preserved_on"):
        planner.plan(casefile, TODAY)


def test_aliases_and_oversized_files_are_refused(tmp_path: Path, run):
    bomb = case_text('data:\n  - &a {what: "' + "x" * 1000 + '", kind: traffic, state: V}\n  - *a\n  - *a\n')
    with pytest.raises(DraftError, match="aliases"):
        parse_casefile(bomb)
    big = tmp_path / "big.yaml"
    big.write_text(case_text("  offence: " + "x" * 5_000_000 + "\n"), encoding="utf-8")
    code, out, err = run("plan", "--case", str(big))
    assert code == 2 and "over the 1,000 kB a case file may take" in err and out == ""


# -- the command ---------------------------------------------------------------------------------------------


def test_plan_json_has_the_documented_shape(run):
    code, out, _ = run("plan", "--case", str(EXAMPLE), "--json", "--today", "2026-12-07")
    assert code == 0
    data = json.loads(out)
    assert {"case", "legal_basis", "steps", "warnings"} <= set(data)
    step = data["steps"][1]
    assert {
        "order",
        "action",
        "articles",
        "paragraphs",
        "channel",
        "requires",
        "draft",
        "deadline",
        "status",
        "why",
    } <= set(step)
    assert step["order"] == 2 and all(isinstance(a, int) for a in step["articles"])
    assert step["deadline"] == "2026-12-07"
    code, types, _ = run("draft", "--list")
    listed = {line.split()[0] for line in types.splitlines()}
    assert {s["draft"] for s in data["steps"] if s["draft"]} <= listed


def test_marking_a_step_keeps_the_file_and_moves_the_plan_on(tmp_path: Path, run):
    case = tmp_path / "case.yaml"
    case.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    code, _, err = run(
        "plan", "--case", str(case), "--today", "2026-12-07", "--mark", "2", "sent", "--on", "2026-12-01"
    )
    assert code == 0 and "marked sent" in err
    text = case.read_text(encoding="utf-8")
    assert text.startswith(EXAMPLE.read_text(encoding="utf-8").split("log:")[0])  # comments and fields kept
    code, out, _ = run("plan", "--case", str(case), "--today", "2027-01-20", "--json")
    steps = {s["id"]: s for s in json.loads(out)["steps"]}
    assert steps["preserve:kingdom-of-valdoria"]["status"] == "sent"
    mla = steps["obtain-stored-data:kingdom-of-valdoria"]
    assert mla["deadline"] == "2027-01-16" and mla["status"] == "overdue"  # 2026-12-01 + 60 - 14
    before = case.read_text(encoding="utf-8")
    for bad in (["--mark", "99", "sent"], ["--mark", "2", "maybe"], ["--mark", "2", "sent", "--on", "2030-01-01"]):
        code, _, err = run("plan", "--case", str(case), "--today", "2027-01-20", *bad)
        assert code == 2 and err.startswith("error:")
    assert case.read_text(encoding="utf-8") == before


def test_the_calendar_parses_back_with_one_event_per_open_deadline(tmp_path: Path, run):
    ics = tmp_path / "deadlines.ics"
    code, out, _ = run(
        "plan", "--case", str(EXAMPLES / "fraud.yaml"), "--today", "2027-02-10", "--ics", str(ics), "--json"
    )
    assert code == 0
    plan = json.loads(out)
    due = [s for s in plan["steps"] if s["deadline"] and s["status"] in ("to do", "overdue")]
    events = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert len(events) == len(due) > 0
    mla = next(e for e in events if "obtain-stored-data" in str(e["uid"]))
    assert mla.decoded("dtstart") == dt.date(2026, 12, 16)
    assert "BEC-88" in str(mla["summary"]) and "Art. 40" in str(mla["summary"])
    assert len(mla.walk("VALARM")) == 2
    code, _, err = run("plan", "--case", str(EXAMPLES / "fraud.yaml"), "--today", "2026-12-10", "--ics", str(ics))
    assert code == 2 and "already exists" in err


def test_a_draft_made_through_the_plan_equals_the_draft_made_directly(tmp_path: Path, run):
    folder = tmp_path / "drafts"
    code, _, _ = run("plan", "--case", str(EXAMPLE), "--today", "2026-12-07", "--drafts", str(folder))
    assert code == 0
    written = sorted(p.name for p in folder.iterdir())
    assert "02-preservation-kingdom-of-valdoria.md" in written and len(written) >= 8
    code, direct, _ = run("draft", "mla", "--case", str(EXAMPLE), "--state", "Kingdom of Valdoria")
    assert code == 0
    mla = next(p for p in folder.iterdir() if p.name.endswith("-mla-kingdom-of-valdoria.md"))
    assert mla.read_text(encoding="utf-8") == direct
    assert "recovery-desk@mail.example.net" in direct and "[MISSING" not in direct.split("## ")[1]


def test_draft_from_a_case_file_with_several_states_asks_which(run):
    code, _, err = run("draft", "preservation", "--case", str(EXAMPLE))
    assert code == 2 and "--state" in err and "Federation of Zembla" in err


def test_example_and_bad_arguments(run):
    code, out, _ = run("plan", "--example")
    assert code == 0 and "requesting_state:" in out
    code, _, err = run("plan")
    assert code == 2 and "--case" in err
    code, _, err = run("plan", "--case", "/no/such/file.yaml")
    assert code == 2 and "does not exist" in err


def test_other_bases_come_from_the_shipped_table(planner: Planner):
    def bases(requested: str) -> list[str]:
        text = case_text(f"data:\n  - {{what: logs, kind: traffic, state: {requested}, at_risk: true}}\n")
        casefile, _ = parse_casefile(text.replace("requesting_state: Aurelia", "requesting_state: France"))
        return planner.plan(casefile, dt.date(2026, 12, 7)).legal_basis.states[0].other_bases

    assert any("both States are recorded as parties" in b for b in bases("Azerbaijan"))
    assert not any("Budapest" in b for b in bases("Ireland"))  # recorded as not a party
    assert any("if both States are parties" in b for b in bases("Valdoria"))  # not in the table: check
