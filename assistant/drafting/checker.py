"""Completeness check: which elements of a request are missing or weak, each with what it rests on.

The rules for "weak" come from the form (min_words, not_future, not_before, expect), so a practitioner can
tighten them in `knowledge/forms/` without touching code.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from assistant.drafting.forms import Basis, FieldSpec, FormSpec

# Values people type while they still mean to come back to a field: treat them as not yet given.
PLACEHOLDER = re.compile(r"^(tbd|tbc|todo|to do|xx+|\.{2,}|…|\?+|-+)$", re.I)


class CheckItem(BaseModel):
    """One missing or weak element."""

    model_config = ConfigDict(frozen=True)

    field: str
    label: str
    problem: Literal["missing", "weak"]
    message: str
    basis: Basis


class CheckReport(BaseModel):
    """The completeness of one case: complete only when no required element is missing or weak."""

    model_config = ConfigDict(frozen=True)

    type: str
    title: str
    status: Literal["complete", "incomplete"]
    required: int
    present: int
    items: tuple[CheckItem, ...] = ()

    @property
    def complete(self) -> bool:
        return self.status == "complete"

    @property
    def missing(self) -> tuple[CheckItem, ...]:
        return tuple(i for i in self.items if i.problem == "missing")

    @property
    def weak(self) -> tuple[CheckItem, ...]:
        return tuple(i for i in self.items if i.problem == "weak")

    @property
    def summary(self) -> str:
        """One line, e.g. 'mla: incomplete (12 of 14 required elements present; 2 missing, 1 weak)'."""
        counts = f"{self.present} of {self.required} required elements present"
        if self.complete:
            return f"{self.type}: complete ({counts})"
        return f"{self.type}: incomplete ({counts}; {len(self.missing)} missing, {len(self.weak)} weak)"


def is_present(value: Any) -> bool:
    """A value counts only if it says something: not None, blank, an empty list or a placeholder."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip()) and not PLACEHOLDER.match(value.strip())
    if isinstance(value, list):
        return any(is_present(v) for v in value)
    return True


def _weakness(spec: FieldSpec, value: Any, case: BaseModel, today: dt.date) -> str | None:
    """Why a given value falls short, or None."""
    if spec.min_words is not None:
        words = len(str(value).split())
        if words < spec.min_words:
            return f"{spec.label} has {words} words; give at least {spec.min_words} for the requested State to act on"
    if spec.not_future and value > today:
        return f"{spec.label} ({value.isoformat()}) lies in the future; check the date"
    if spec.not_before:
        other = getattr(case, spec.not_before)
        if other is not None and value < other:
            return f"{spec.label} is before {spec.not_before.replace('_', ' ')}; check both dates"
    if spec.expect is not None and value != spec.expect:
        return f"{spec.label} should be {'yes' if spec.expect else 'no'} for this kind of request ({spec.basis.label})"
    return None


def check_case(form: FormSpec, case: BaseModel, today: dt.date | None = None) -> CheckReport:
    """Check a validated case against its form."""
    today = today or dt.date.today()
    items: list[CheckItem] = []
    present = 0
    for spec in form.fields:
        value = getattr(case, spec.name)
        if not is_present(value):
            if spec.required:
                message = f"{spec.label} is missing ({spec.basis.label})"
                items.append(
                    CheckItem(field=spec.name, label=spec.label, problem="missing", message=message, basis=spec.basis)
                )
            continue
        present += spec.required
        weakness = _weakness(spec, value, case, today)
        if weakness:
            items.append(
                CheckItem(field=spec.name, label=spec.label, problem="weak", message=weakness, basis=spec.basis)
            )
    return CheckReport(
        type=form.type,
        title=form.title,
        status="incomplete" if items else "complete",
        required=len(form.required),
        present=present,
        items=tuple(items),
    )
