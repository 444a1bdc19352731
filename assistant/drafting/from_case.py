"""From one case file to the fields of one request: the same facts pre-fill every request type.

Each request goes to one State, so a request reads the entries located there. Fields the case file cannot
supply (the purpose of the evidence, why the transfer serves justice, ...) stay empty: the completeness check
reports them, and the case file's `requests: {TYPE: {field: value}}` section fills them (its values win).
The closing block of every request takes `case.place` and `case.signatory`; a request's own `closing:` section
(`requests: {TYPE: {closing: {date: ...}}}`) adds to them and wins over them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.drafting.case import CLOSING
from assistant.drafting.casefile import CaseFile, DataItem, Person, same_state
from assistant.drafting.forms import load_form
from assistant.errors import DraftError

KIND_LABELS = {
    "subscriber": "subscriber information",
    "traffic": "traffic data",
    "content": "content data",
    "stored": "stored data",
}
WANTED_ROLES = ("suspect", "accused", "sentenced")


def describe_data(item: DataItem) -> str:
    """'account x (traffic data, held by Y)': how requests and plan steps name an entry."""
    holder = f", held by {item.held_by}" if item.held_by else ""
    return f"{item.what} ({KIND_LABELS[item.kind]}{holder})"


def describe_person(person: Person) -> str:
    name = person.name or f"unidentified {person.role}"
    nationality = f", national of {person.national_of}" if person.national_of else ""
    return f"{name} ({person.role}{nationality})"


def _preservation_reference(items: list[DataItem]) -> str | None:
    lines = []
    for item in items:
        if item.preservation_requested_on:
            effect = f"; in effect since {item.preserved_on.isoformat()}" if item.preserved_on else ""
            lines.append(f"{item.what}: preservation requested on {item.preservation_requested_on.isoformat()}{effect}")
    return "\n".join(lines) or None


class _Scope:
    """The case file's entries located in one requested State."""

    def __init__(self, cf: CaseFile, state: str) -> None:
        self.cf = cf
        self.state = state
        self.data = [d for d in cf.data if same_state(d.state, state)]
        self.stored = [d for d in self.data if not d.real_time]
        self.assets = [a for a in cf.assets if same_state(a.state, state)]
        self.persons = [p for p in cf.persons if p.state and same_state(p.state, state)]
        self.wanted = [p for p in self.persons if p.role in WANTED_ROLES]
        self.investigations = [o for o in cf.other_investigations if same_state(o.state, state)]
        # Providers that traffic data elsewhere points to: the next link of the chain, located here.
        self.leads = [(d, lead) for d in cf.data for lead in d.leads_to if same_state(lead.state, state)]


def _common(scope: _Scope) -> dict[str, Any]:
    case = scope.cf.case
    authority = ", ".join(part for part in (case.authority.name, case.authority.address) if part)
    return {
        "requesting_authority": authority or None,
        "requested_state": scope.state,
        "reference": case.reference,
        "offences": list(case.offences) or None,
        "offence_date": case.offence_date,
        "facts": case.offence,
        "contact_person": case.authority.contact,
    }


def _preservation(scope: _Scope) -> dict[str, Any]:
    at_risk = [d.what for d in scope.stored if d.at_risk]
    leads = [
        f"Traffic data held by {lead.holder or 'the next provider'} on the communications in: {d.what}"
        for d, lead in scope.leads
    ]
    holders = {d.held_by for d in scope.stored if d.held_by} | {lead.holder for _, lead in scope.leads if lead.holder}
    return {
        "data_to_preserve": "\n".join([*(describe_data(d) for d in scope.stored), *leads]) or None,
        "custodian": "; ".join(sorted(holders)) or None,
        "necessity": ("May be deleted or altered soon: " + "; ".join(at_risk) + ".") if at_risk else None,
        "mla_to_follow": True,  # the plan always follows preservation with the request to obtain the data
    }


def _mla(scope: _Scope) -> dict[str, Any]:
    live = [d for d in scope.data if d.real_time]
    sought = [f"Obtain and provide: {describe_data(d)}" for d in scope.stored]
    sought += [f"Collect in real time: {describe_data(d)}" for d in live]
    return {
        "conducting_authority": scope.cf.case.authority.name,
        "assistance_sought": "\n".join(sought) or None,
        "stored_data": "\n".join(describe_data(d) for d in scope.stored) or None,
        "preservation_reference": _preservation_reference(scope.stored),
        "persons_concerned": [describe_person(p) for p in scope.persons] or None,
    }


def _traffic(scope: _Scope) -> dict[str, Any]:
    traffic = [d for d in scope.stored if d.kind == "traffic"]
    leads = [f"{lead.holder or 'a provider'} in {lead.state}" for d in traffic for lead in d.leads_to]
    return {
        "preservation_reference": _preservation_reference(traffic),
        "communication": "\n".join(describe_data(d) for d in traffic) or None,
        "other_provider": "\n".join(leads) or None,
    }


def _extradition(scope: _Scope, person: Person | None) -> dict[str, Any]:
    years = scope.cf.case.max_penalty_years
    if person is None:
        return {}
    return {
        "person_name": person.name,
        "nationality": person.national_of,
        "person_location": scope.state,
        "stage": person.wanted_for or "prosecution",
        "penalties": f"Maximum penalty under the law of {scope.cf.requesting_state}: {years:g} years' imprisonment"
        if years is not None
        else None,
    }


def _transfer(scope: _Scope) -> dict[str, Any]:
    states = [scope.cf.requesting_state, scope.state, *(o.state for o in scope.cf.other_investigations)]
    return {
        "suspects": [describe_person(p) for p in scope.wanted] or None,
        "jurisdictions": list(dict.fromkeys(states)),
    }


def _jit(scope: _Scope) -> dict[str, Any]:
    reference = scope.cf.case.reference or "the case"
    own = f"{scope.cf.requesting_state}: {reference} ({scope.cf.case.authority.name or 'requesting authority'})"
    others = [
        f"{o.state}: {o.about or 'investigation'} ({o.authority or 'authority not named'})"
        for o in scope.investigations
    ]
    return {
        "parties": [scope.cf.requesting_state, scope.state],
        "investigations": "\n".join([own, *others]),
        "operating_states": [scope.cf.requesting_state, scope.state],
    }


def _confiscation(scope: _Scope) -> dict[str, Any]:
    if not scope.assets:
        return {}
    if any(not a.frozen for a in scope.assets):
        measure = "identify, trace, freeze or seize the property"
    elif any(a.confiscation_order for a in scope.assets):
        measure = "give effect to a confiscation order of the requesting State"
    else:
        measure = "obtain a confiscation order in the requested State"
    return {
        "measure": measure,
        "property": "\n".join(a.what for a in scope.assets),
        "property_location": scope.state,
        "property_value": "; ".join(a.value for a in scope.assets if a.value) or None,
    }


FILLERS: dict[str, Callable[[_Scope], dict[str, Any]]] = {
    "preservation": _preservation,
    "mla": _mla,
    "traffic-disclosure": _traffic,
    "transfer-proceedings": _transfer,
    "jit": _jit,
    "confiscation": _confiscation,
}


def states_for(cf: CaseFile, request_type: str) -> list[str]:
    """The foreign States the case file has entries in that a request of this type would go to."""
    wanted: list[str] = []
    if request_type in ("preservation", "mla", "traffic-disclosure"):
        wanted = [d.state for d in cf.data]
        if request_type == "preservation":
            wanted += [lead.state for d in cf.data for lead in d.leads_to]
    elif request_type in ("extradition", "transfer-proceedings"):
        wanted = [p.state for p in cf.persons if p.state and p.role in WANTED_ROLES]
    elif request_type == "jit":
        wanted = [o.state for o in cf.other_investigations]
    elif request_type == "confiscation":
        wanted = [a.state for a in cf.assets]
    seen: dict[str, str] = {}
    for state in wanted:
        if not cf.is_domestic(state):
            seen.setdefault(" ".join(state.casefold().split()), state)
    return list(seen.values())


def request_fields(
    cf: CaseFile,
    request_type: str,
    form_fields: set[str],
    state: str | None = None,
    person: int | None = None,
    preset: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The fields of one request of `request_type` to `state`, pre-filled from the case file.

    Only fields of the form (`form_fields`) are derived; the case file's own `requests` values are passed on as
    given, so a misspelt one is reported by the form check. `state` may be left out when the case file points
    to one foreign State only for this type. `person` picks, for extradition, the index in `persons` of the
    person sought (default: the first one wanted in `state`). `preset` holds values a plan step sets (e.g. the
    measure of a confiscation request); the case file's `requests` still win over them.
    """
    candidates = states_for(cf, request_type)
    if state is None:
        if len(candidates) != 1:
            found = ", ".join(candidates) if candidates else "none"
            raise DraftError(
                f"Say which State this {request_type} request goes to with --state (States in the case file for "
                f"this type: {found})."
            )
        state = candidates[0]
    if cf.is_domestic(state):
        raise DraftError(f"{state} is the requesting State: use the domestic powers (arts. 25-31), not a request.")
    scope = _Scope(cf, state)
    fields = _common(scope)
    if request_type == "extradition":
        chosen = cf.persons[person] if person is not None and 0 <= person < len(cf.persons) else None
        fields |= _extradition(scope, chosen or (scope.wanted[0] if scope.wanted else None))
    elif request_type in FILLERS:
        fields |= FILLERS[request_type](scope)
    fields |= preset or {}
    derived = {name: value for name, value in fields.items() if value is not None and name in form_fields}
    given = cf.requests.get(request_type, {})
    return derived | given | _closing(cf, given.get(CLOSING))


def _closing(cf: CaseFile, given: Any) -> dict[str, Any]:
    """The `closing:` section of a request: the case's place and signatory, under the request's own section.
    A section that is not a mapping is passed on as given, for the form check to report."""
    common = {"place": cf.case.place, "signatory": cf.case.signatory}
    closing = {part: value for part, value in common.items() if value}
    if given is not None and not isinstance(given, dict):
        return {CLOSING: given}
    closing |= given or {}
    return {CLOSING: closing} if closing else {}


def case_for_request(
    cf: CaseFile,
    request_type: str,
    knowledge_dir: Path,
    state: str | None = None,
    person: int | None = None,
    preset: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """`request_fields` for the form of `request_type` as the knowledge base defines it."""
    form = load_form(knowledge_dir, request_type)
    return request_fields(cf, request_type, {f.name for f in form.fields}, state, person, preset)
