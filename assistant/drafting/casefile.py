"""The case file: one YAML file per case that the planner and every request type read.

A case file has a top-level `case:` section (the older per-request files have none and keep working as they
are). Unknown fields are kept and reported as warnings, so a typo never silently drops a fact; values of the
wrong type are errors that name the field's path but never echo its value (case files hold personal data).
docs/case-file.md documents every field.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, ValidationError

from assistant.drafting.case import MAX_LIST_ITEMS, CaseDoc, Text, check_size, parse_case, read_case_file, to_date
from assistant.errors import DraftError
from assistant.glossary import Lang
from assistant.settings import Settings

MAX_REPORTED_ERRORS = 10
OFFENCE_ARTICLES = range(7, 18)  # the convention's offences: arts. 7 to 17

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


Date = Annotated[dt.date, BeforeValidator(to_date)]


def _listed(value: Any) -> Any:
    return [] if value is None else value


def Items(kind: Any) -> Any:  # reads as a type in the models below
    """A list field that may be left empty (`data:` with nothing under it)."""
    return Annotated[list[kind], BeforeValidator(_listed), Field(default_factory=list, max_length=MAX_LIST_ITEMS)]


class _Part(BaseModel):
    # Unknown keys are kept (`model_extra`) and reported by `unknown_fields`.
    model_config = ConfigDict(extra="allow", frozen=True, coerce_numbers_to_str=True)


class Authority(_Part):
    name: Text | None = None
    address: Text | None = None
    contact: Text | None = None


class CaseInfo(_Part):
    reference: Text | None = None
    requesting_state: Name
    authority: Authority = Authority()
    offence: Text | None = Field(None, description="What happened, in a few sentences.")
    offences: Items(Text) = Field(description="Offences under the requesting State's law, with their provisions.")
    offence_articles: Items(int) = Field(description="The convention's offences (arts. 7-17) the conduct falls under.")
    offence_date: Date | None = None
    max_penalty_years: float | None = Field(None, ge=0, le=1000)
    urgency: Literal["high", "normal"] = "normal"
    place: Text | None = Field(None, description="Place of signature of the requests.")
    signatory: Text | None = Field(None, description="Name and function of the officer who signs the requests.")
    language: Lang | None = Field(None, description="Language of the drafts' fixed wording (ar, en, es, fr, ru, zh).")


class Lead(_Part):
    state: Name
    holder: Text | None = None


class DataItem(_Part):
    what: Text
    kind: Literal["subscriber", "traffic", "content", "stored"]
    held_by: Text | None = None
    state: Name
    at_risk: bool = False
    real_time: bool = False
    preservation_requested_on: Date | None = None
    preserved_on: Date | None = None
    leads_to: Items(Lead)


class Asset(_Part):
    what: Text
    state: Name
    value: Text | None = None
    frozen: bool = False
    confiscation_order: bool = Field(False, description="A confiscation order of the requesting State exists.")


ROLES = ("suspect", "accused", "sentenced", "witness", "victim")


def _wanted_for(value: Any) -> Any:
    # "enforcement", "to serve a sentence", "sentence": all mean the same to a planner; say it one way.
    if isinstance(value, str) and re.search(r"sentence|enforce", value, re.I):
        return "enforcement of a sentence"
    if isinstance(value, str) and re.search(r"prosecut|trial", value, re.I):
        return "prosecution"
    return value


class Person(_Part):
    role: Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=60)] = Field(
        description="suspect, accused, sentenced, witness or victim; another role is kept but plans no step."
    )
    name: Text | None = None
    state: Name | None = Field(None, description="Where the person is.")
    national_of: Name | None = None
    wanted_for: Annotated[Literal["prosecution", "enforcement of a sentence"] | None, BeforeValidator(_wanted_for)] = (
        None
    )


class OtherInvestigation(_Part):
    state: Name
    about: Text | None = None
    authority: Text | None = None


class LogEntry(_Part):
    step: Name = Field(description="The step's id, as `uncc plan` prints it.")
    status: Literal["sent", "answered", "refused"]
    date: Date
    note: Text | None = None


class CaseFile(_Part):
    case: CaseInfo
    data: Items(DataItem)
    assets: Items(Asset)
    persons: Items(Person)
    other_investigations: Items(OtherInvestigation)
    requests: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Per request type, form fields to use as given (they win)."
    )
    log: Items(LogEntry)

    @property
    def requesting_state(self) -> str:
        return self.case.requesting_state

    def is_domestic(self, state: str | None) -> bool:
        return state is not None and same_state(state, self.requesting_state)


def same_state(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def is_casefile(data: Any) -> bool:
    """A case file has a `case:` section; a per-request file of the drafting desk has none."""
    return isinstance(data, dict) and "case" in data


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"


def _problem(err: dict[str, Any]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind == "literal_error":
        return f"must be one of: {ctx.get('expected', '')}"
    if kind in ("bool_type", "bool_parsing"):
        return "must be true or false"
    if kind in ("int_type", "int_parsing", "float_type", "float_parsing"):
        return "must be a number"
    if kind == "value_error":
        return str(ctx.get("error", "has a value that is not allowed"))
    if kind in ("greater_than_equal", "less_than_equal"):
        return "is out of range"
    if kind in ("list_type", "dict_type", "model_type", "model_attributes_type"):
        return "has the wrong shape (a list or a section was expected)"
    if kind in ("string_too_long", "too_long"):
        return "is too long"
    if kind == "string_too_short":
        return "is empty"
    return "is not valid"


def unknown_fields(model: BaseModel, where: str = "") -> list[str]:
    """Paths of the fields the model kept but does not know, e.g. ['case.refrence', 'data[1].holder']."""
    found = [f"{where}.{k}" if where else k for k in (model.model_extra or {})]
    for name in type(model).model_fields:
        value = getattr(model, name)
        path = f"{where}.{name}" if where else name
        items = enumerate(value) if isinstance(value, list) else [(None, value)]
        for i, item in items:
            if isinstance(item, _Part):
                found += unknown_fields(item, path if i is None else f"{path}[{i}]")
    return found


def load_casefile(doc: CaseDoc, settings: Settings | None = None) -> tuple[CaseFile, list[str]]:
    """The typed case file and its warnings (unknown fields), or DraftError listing every problem by path; a case
    file over the size limits of `settings.drafting` is refused first (`check_size`)."""
    check_size(doc, settings)
    try:
        casefile = CaseFile.model_validate(doc.data)
    except ValidationError as exc:
        errors = exc.errors()
        lines = [f"  {_path(e['loc'])} {_problem(e)}" for e in errors[:MAX_REPORTED_ERRORS]]
        more = f"\n  ... and {len(errors) - MAX_REPORTED_ERRORS} more" if len(errors) > MAX_REPORTED_ERRORS else ""
        raise DraftError(
            f"{doc.source}: {len(errors)} problem(s) in the case file:\n" + "\n".join(lines) + more
        ) from None
    bad = [a for a in casefile.case.offence_articles if a not in OFFENCE_ARTICLES]
    if bad:
        raise DraftError(f"{doc.source}: case.offence_articles: {bad} are not offence articles (7 to 17).")
    warnings = [f"unknown field '{p}' kept but not used (see docs/case-file.md)" for p in unknown_fields(casefile)]
    warnings += [
        f"persons[{i}].role '{p.role}' is not one of {', '.join(ROLES)}: no step is planned for this person"
        for i, p in enumerate(casefile.persons)
        if p.role not in ROLES
    ]
    return casefile, warnings


def read_casefile(path: Path, settings: Settings | None = None) -> tuple[CaseFile, list[str]]:
    """Read and validate a case file from disk (refused by its size before it is read: `read_case_file`)."""
    doc = read_case_file(path, settings)
    if not is_casefile(doc.data):
        raise DraftError(
            f"{path} has no 'case:' section: it is a single-request file for `uncc draft`. "
            "`uncc plan --example` prints a case file to start from."
        )
    return load_casefile(doc, settings)


def parse_casefile(text: str, source: str = "case", settings: Settings | None = None) -> tuple[CaseFile, list[str]]:
    """Parse and validate case-file text (the web app's upload)."""
    doc = parse_case(text, source, settings)
    if not is_casefile(doc.data):
        raise DraftError(f"{source} has no 'case:' section; start from the example case file.")
    return load_casefile(doc, settings)
