"""From a case file to an ordered cooperation plan: legal basis first, then the steps the rules call for.

The planner only evaluates `knowledge/plans/rules.yaml` against the case file's entries; the States table says
whether the convention binds the two States, and the case log (the case file's `log:` list) says which steps
were sent, answered or refused. Dates are computed from the plan date (`today`), never from the clock here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.drafting.casefile import CaseFile, DataItem, LogEntry, same_state
from assistant.drafting.forms import form_types
from assistant.drafting.from_case import describe_data, describe_person
from assistant.errors import InvalidInput
from assistant.planning.rules import Rule, Rules, Source, load_rules
from assistant.planning.states import StatesTable, load_states
from assistant.planning.wording import plan_wording
from assistant.settings import PlanSettings, Settings

Status = Literal["to do", "overdue", "sent", "answered", "refused"]
OPEN: tuple[Status, ...] = ("to do", "overdue")
BASIS_ID = "legal-basis"


class Step(BaseModel):
    model_config = ConfigDict(frozen=True)

    order: int
    id: str
    action: str
    articles: list[int]
    paragraphs: list[str] = Field(default_factory=list)  # none verified for arts. 37-52: cited by article only
    channel: str
    requires: list[str]
    draft: str | None
    draft_fields: dict[str, Any] = Field(default_factory=dict)
    deadline: dt.date | None
    status: Status
    why: str
    state: str | None = None
    person: int | None = None  # index in the case file's persons, for an extradition or transfer step
    warnings: list[str] = Field(default_factory=list)
    done_on: dt.date | None = None


class StateBasis(BaseModel):
    model_config = ConfigDict(frozen=True)

    state: str
    convention: Literal["applies", "does not apply", "unknown"]
    text: str
    other_bases: list[str]


class LegalBasis(BaseModel):
    model_config = ConfigDict(frozen=True)

    date: dt.date
    table_as_of: dt.date
    states: list[StateBasis]


class DomesticNote(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    articles: list[int]


class Plan(BaseModel):
    model_config = ConfigDict(frozen=True)

    case: dict[str, Any]
    date: dt.date
    legal_basis: LegalBasis
    steps: list[Step]
    warnings: list[str]
    domestic: list[DomesticNote]
    missing: list[str]
    next: int | None

    @property
    def overdue(self) -> list[Step]:
        return [s for s in self.steps if s.status == "overdue"]

    def step(self, order: int) -> Step:
        found = next((s for s in self.steps if s.order == order), None)
        if found is None:
            raise InvalidInput(f"There is no step {order}: this plan has steps 1 to {len(self.steps)}.")
        return found


@dataclass(frozen=True)
class _Entry:
    """One case-file entry as a rule sees it."""

    source: Source
    index: int
    state: str
    label: str
    facts: dict[str, Any]
    item: Any = None


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "x"


def _latest(log: list[LogEntry]) -> dict[str, LogEntry]:
    found: dict[str, LogEntry] = {}
    for entry in log:  # a later line in the log replaces an earlier one for the same step
        found[entry.step] = entry
    return found


class Planner:
    """Plans cases against the rules, the States table and the settings it was built with."""

    def __init__(
        self, rules: Rules, states: StatesTable, settings: PlanSettings, wording: dict[str, str], types: list[str]
    ):
        self.rules = rules
        self.states = states
        self.settings = settings
        self.say = wording
        self.types = types

    @classmethod
    def from_settings(cls, settings: Settings) -> Planner:
        return cls(
            load_rules(settings.knowledge_dir),
            load_states(settings.knowledge_dir, settings.home),
            settings.plan,
            plan_wording(settings.prompts_dir),
            form_types(settings.knowledge_dir),
        )

    # -- entries --------------------------------------------------------------------------------------------

    def _preservation_start(self, item: DataItem, state: str, log: dict[str, LogEntry]) -> dt.date | None:
        logged = log.get(f"preserve:{slug(state)}")
        effected = item.preserved_on or (logged.date if logged and logged.status == "answered" else None)
        requested = item.preservation_requested_on or (logged.date if logged and logged.status == "sent" else None)
        return effected or requested

    def _entries(self, cf: CaseFile, log: dict[str, LogEntry]) -> Iterator[_Entry]:
        threshold = self.settings.extradition_min_years
        years = cf.case.max_penalty_years
        penalty = "unknown" if years is None else ("meets" if years >= threshold else "below")
        for i, d in enumerate(cf.data):
            preserved = self._preservation_start(d, d.state, log) is not None
            facts = d.model_dump() | {"preserved": preserved, "has_leads": bool(d.leads_to)}
            yield _Entry("data", i, d.state, describe_data(d), facts, d)
            if d.kind == "traffic":
                for lead in d.leads_to:
                    yield _Entry("leads", i, lead.state, lead.holder or "a provider", lead.model_dump(), lead)
        for i, a in enumerate(cf.assets):
            label = f"{a.what} ({a.value})" if a.value else a.what
            yield _Entry("assets", i, a.state, label, a.model_dump(), a)
        for i, p in enumerate(cf.persons):
            if p.state is None:
                continue
            national = p.national_of is not None and same_state(p.national_of, p.state)
            facts = p.model_dump() | {"national_of_requested": national, "penalty": penalty}
            yield _Entry("persons", i, p.state, p.name or describe_person(p), facts, p)
        for i, o in enumerate(cf.other_investigations):
            label = o.about or "a related matter"
            yield _Entry(
                "other_investigations",
                i,
                o.state,
                f"{label} ({o.authority})" if o.authority else label,
                o.model_dump(),
                o,
            )

    # -- steps ----------------------------------------------------------------------------------------------

    def _groups(self, rule: Rule, entries: list[_Entry]) -> Iterator[tuple[str, list[_Entry]]]:
        matching = [e for e in entries if e.source == rule.for_each and rule.matches(e.facts)]
        if rule.per == "item":
            for e in matching:
                yield f"{rule.id}:{slug(e.state)}:{e.index + 1}", [e]
            return
        by_state: dict[str, list[_Entry]] = {}
        for e in matching:
            by_state.setdefault(slug(e.state), []).append(e)
        for key, group in by_state.items():
            yield f"{rule.id}:{key}", group

    def _deadline(
        self, rule: Rule, group: list[_Entry], log: dict[str, LogEntry], today: dt.date
    ) -> tuple[dt.date | None, dt.date | None, str]:
        """(deadline, the day the preservation period may end, the sentence that explains the deadline)."""
        if rule.deadline == "immediately":
            return today, None, self.say["deadline_immediately"]
        if rule.deadline == "none":
            return None, None, ""
        days, margin = self.settings.preservation_days, self.settings.safety_margin_days
        starts = [self._preservation_start(e.item, e.state, log) for e in group if e.source == "data"]
        known = [s for s in starts if s is not None]
        if known:
            start = min(known)
            end = start + dt.timedelta(days=days)
            deadline = end - dt.timedelta(days=margin)
            text = self.say["deadline_preservation"].format(
                deadline=deadline.isoformat(), days=days, start=start.isoformat(), margin=margin
            )
            return deadline, end, text
        if any(e.facts.get("at_risk") for e in group):
            return None, None, self.say["deadline_pending"].format(days=days)
        return None, None, ""

    def _status(self, step_id: str, group: list[_Entry], log: dict[str, LogEntry]) -> tuple[Status, dt.date | None]:
        logged = log.get(step_id)
        if logged:
            return logged.status, logged.date
        if step_id.startswith("preserve:") and group and all(e.source == "data" for e in group):
            items = [e.item for e in group]
            if all(i.preserved_on for i in items):
                return "answered", max(i.preserved_on for i in items)
            if all(i.preservation_requested_on or i.preserved_on for i in items):
                return "sent", max(i.preservation_requested_on or i.preserved_on for i in items)
        return "to do", None

    def _reservations(self, rule: Rule, state: str) -> list[str]:
        if not rule.may_be_reserved:
            return []
        entry = self.states.find(state)
        recorded = [d for d in (entry.declarations if entry else []) if d.article in rule.may_be_reserved]
        if recorded:
            return [
                self.say["reservation_recorded"].format(
                    state=state, article=d.article, summary=d.summary, source=d.source
                )
                for d in recorded
            ]
        articles = ", ".join(str(a) for a in rule.may_be_reserved)
        return [self.say["reservation_check"].format(state=state, articles=articles)]

    def _step(self, rule: Rule, step_id: str, group: list[_Entry], log: dict[str, LogEntry], today: dt.date) -> Step:
        state = group[0].state
        fill = {
            "state": state,
            "items": "; ".join(e.label for e in group),
            "name": group[0].label,
        }
        deadline, end, deadline_text = self._deadline(rule, group, log, today)
        status, done_on = self._status(step_id, group, log)
        why = rule.why
        if deadline_text:
            why = f"{why} {deadline_text}"
        if status == "to do" and deadline is not None and deadline < today and rule.deadline == "preservation":
            status = "overdue"
            why = f"{why} {self.say['overdue'].format(end=(end or deadline).isoformat())}"
        if status not in OPEN and rule.deadline == "immediately":
            deadline = None  # done: nothing is due any more
        return Step(
            order=0,
            id=step_id,
            action=" ".join(rule.action.format(**fill).split()),
            articles=list(rule.articles),
            channel=rule.channel,
            requires=[r.format(**fill) for r in rule.requires],
            draft=rule.draft,
            draft_fields={k: v.format(**fill) if isinstance(v, str) else v for k, v in rule.draft_fields.items()},
            deadline=deadline,
            status=status,
            why=" ".join(why.split()),
            state=state,
            person=group[0].index if rule.for_each == "persons" else None,
            warnings=self._reservations(rule, state),
            done_on=done_on,
        )

    # -- legal basis ----------------------------------------------------------------------------------------

    def _basis(self, cf: CaseFile, state: str, today: dt.date) -> StateBasis:
        say, status = self.say, self.states.status
        requesting = cf.requesting_state
        verdict: Literal["applies", "does not apply", "unknown"]
        eif = status.entry_into_force
        if eif is None or eif > today:
            if eif is None and today > status.as_of:
                verdict = "unknown"
                reason = say["reason_stale"].format(as_of=status.as_of.isoformat())
                text = say["basis_unknown"].format(requesting=requesting, state=state, date=today, reason=reason)
            else:
                verdict = "does not apply"
                text = say["basis_not_in_force"].format(date=today, as_of=status.as_of.isoformat())
        else:
            verdict, text = (
                "applies",
                say["basis_applies"].format(
                    requesting=requesting, state=state, date=today, as_of=status.as_of.isoformat()
                ),
            )
            for party in (requesting, state):
                entry = self.states.find(party)
                since = entry.uncc.party_from if entry else None
                if entry is None or since is None:
                    key = "reason_no_entry" if entry is None else "reason_no_date"
                    reason = say[key].format(party=party)
                    verdict = "unknown"
                    text = say["basis_unknown"].format(requesting=requesting, state=state, date=today, reason=reason)
                    break
                if since > today:
                    verdict = "does not apply"
                    text = say["basis_not_party"].format(party=party, date=today, as_of=entry.as_of.isoformat())
                    break
        return StateBasis(state=state, convention=verdict, text=text, other_bases=self._other_bases(cf, state))

    def _other_bases(self, cf: CaseFile, state: str) -> list[str]:
        ours, theirs = self.states.find(cf.requesting_state), self.states.find(state)
        parties = [e.budapest.party if e else None for e in (ours, theirs)]
        bases = []
        if all(parties) and ours and theirs:
            sources = "; ".join(dict.fromkeys(e.budapest.source or "States table" for e in (ours, theirs)))
            bases.append(self.say["basis_budapest_both"].format(source=sources))
        elif False not in parties:
            bases.append(self.say["basis_budapest_check"])
        years = cf.case.max_penalty_years
        if years is None or years >= 4:  # a "serious crime" in UNTOC: at least four years
            bases.append(self.say["basis_untoc"])
        return [*bases, self.say["basis_bilateral"], self.say["basis_reciprocity"]]

    # -- the plan -------------------------------------------------------------------------------------------

    def _check_dates(self, cf: CaseFile, today: dt.date) -> None:
        late = []
        for i, d in enumerate(cf.data):
            for name in ("preservation_requested_on", "preserved_on"):
                value = getattr(d, name)
                if value is not None and value > today:
                    late.append(f"data[{i}].{name}")
        late += [f"log[{i}].date" for i, entry in enumerate(cf.log) if entry.date > today]
        if late:
            raise InvalidInput(
                f"{', '.join(late)} lie(s) after the plan date {today.isoformat()}: a step cannot have been taken "
                "in the future. Fix the date, or give --today."
            )

    def _warnings(self, cf: CaseFile, steps: list[Step], entries: list[_Entry]) -> list[str]:
        say, out = self.say, []
        if not cf.case.authority.name:
            out.append(say["no_requesting_authority"])
        for name in cf.requests:
            if name not in self.types:
                out.append(say["unknown_request_type"].format(name=name, types=", ".join(self.types)))
        years, threshold = cf.case.max_penalty_years, self.settings.extradition_min_years
        wanted = [
            e for e in entries if e.source == "persons" and e.facts["role"] in ("suspect", "accused", "sentenced")
        ]
        for e in wanted:
            if e.facts["penalty"] == "below" and not cf.is_domestic(e.state):
                out.append(say["penalty_below"].format(years=f"{years:g}", threshold=f"{threshold:g}", name=e.label))
        out += [say["person_without_state"].format(index=i) for i, p in enumerate(cf.persons) if p.state is None]
        if any(s.draft == "extradition" for s in steps) and years is None:
            out.append(say["penalty_unknown"].format(threshold=f"{threshold:g}"))
        if any(s.id != BASIS_ID for s in steps):
            out.append(say["personal_data"])
        return out

    def plan(self, cf: CaseFile, today: dt.date, warnings: list[str] | None = None) -> Plan:
        """The plan for a validated case file on `today`; `warnings` from loading are carried into it."""
        self._check_dates(cf, today)
        log = _latest(cf.log)
        entries = list(self._entries(cf, log))
        foreign = [e for e in entries if not cf.is_domestic(e.state)]
        steps: list[Step] = []
        for rule in sorted(self.rules.rules, key=lambda r: r.phase):
            for step_id, group in self._groups(rule, foreign):
                steps.append(self._step(rule, step_id, group, log, today))
        states = list(dict.fromkeys(s.state for s in steps if s.state))
        bases = [self._basis(cf, state, today) for state in states]
        if steps:
            status, done_on = self._status(BASIS_ID, [], log)
            basis = Step(
                order=0,
                id=BASIS_ID,
                action=self.say["basis_action"].format(states=", ".join(states)),
                articles=[65, 35],
                channel="none: a check at your desk",
                requires=[b.text for b in bases],
                draft=None,
                deadline=today if status in OPEN else None,
                status=status,
                why=self.say["basis_why"],
                done_on=done_on,
            )
            steps.insert(0, basis)
        steps = [s.model_copy(update={"order": n}) for n, s in enumerate(steps, start=1)]
        domestic = self._domestic(cf, entries)
        missing = (
            []
            if (cf.data or cf.assets or cf.persons or cf.other_investigations)
            else [
                "data",
                "assets",
                "persons",
                "other_investigations",
            ]
        )
        notes = list(warnings or [])
        if missing:
            notes.insert(0, self.say["empty_case"])
        notes += self._warnings(cf, steps, entries)
        first_open = next((s.order for s in steps if s.status in OPEN), None)
        return Plan(
            case={"reference": cf.case.reference, "requesting_state": cf.requesting_state, "urgency": cf.case.urgency},
            date=today,
            legal_basis=LegalBasis(date=today, table_as_of=self.states.status.as_of, states=bases),
            steps=steps,
            warnings=notes,
            domestic=domestic,
            missing=missing,
            next=first_open,
        )

    def _domestic(self, cf: CaseFile, entries: list[_Entry]) -> list[DomesticNote]:
        notes = []
        for e in entries:
            if cf.is_domestic(e.state) and e.source in self.rules.domestic:
                note = self.rules.domestic[e.source]
                text = " ".join(note.text.format(items=e.label, state=e.state).split())
                notes.append(DomesticNote(text=text, articles=list(note.articles)))
        return notes
