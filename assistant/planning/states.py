"""The States table: who is a party to what, since when, with the source and date of each fact.

Shipped in `knowledge/states/` and overridable from the user's data folder (`HOME/states/`, same format; a user
file replaces the shipped entry with the same name). Most facts are unknown, and stay null: the planner says
"unknown" rather than guess a State's status.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.drafting.casefile import same_state
from assistant.drafting.forms import SAFE_LOADER
from assistant.errors import KnowledgeError

Confidence = Literal["high", "medium", "low"]


class _Entry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Convention(_Entry):
    signed: dt.date | None = None
    ratified: dt.date | None = None
    party_from: dt.date | None = None
    source: str | None = None
    confidence: Confidence | None = None


class Declaration(_Entry):
    article: int | None = None
    summary: str
    source: str
    confidence: Confidence


class Contact(_Entry):
    name: str
    source: str
    confidence: Confidence | None = None


class Treaty(_Entry):
    party: bool | None = None
    since: dt.date | None = None
    source: str | None = None
    confidence: Confidence | None = None


class StateEntry(_Entry):
    name: str
    aliases: list[str] = Field(default_factory=list)
    as_of: dt.date
    uncc: Convention = Convention()
    declarations: list[Declaration] = Field(default_factory=list)
    central_authority: Contact | None = None
    contact_24_7: Contact | None = None
    languages: list[str] = Field(default_factory=list)
    budapest: Treaty = Treaty()
    untoc: Treaty = Treaty()
    notes: str = ""

    def is_called(self, name: str) -> bool:
        return any(same_state(name, known) for known in (self.name, *self.aliases))


class Count(_Entry):
    count: int | None = None
    as_of: dt.date | None = None
    source: str | None = None
    confidence: Confidence | None = None


class ConventionStatus(_Entry):
    as_of: dt.date
    entry_into_force: dt.date | None = None
    instruments_deposited: Count = Count()
    threshold: int = 40
    notes: str = ""


@dataclass(frozen=True)
class StatesTable:
    status: ConventionStatus
    states: tuple[StateEntry, ...]

    def find(self, name: str) -> StateEntry | None:
        return next((s for s in self.states if s.is_called(name)), None)


def _read(path: Path) -> object:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)  # the safe loader
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path}: not readable YAML ({exc.__class__.__name__}); fix or remove the file.") from None


def _validated(model: type[_Entry], path: Path) -> _Entry:
    try:
        return model.model_validate(_read(path))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise KnowledgeError(f"{path}: {where}: {first['msg']} (format: knowledge/states/README.md).") from None


@cache
def load_states(knowledge_dir: Path, home: Path | None = None) -> StatesTable:
    """The shipped table, with the user's files (HOME/states/*.yaml) replacing or adding entries.

    Read once per process (a plan is planned on every click of the Case tab): a changed file takes effect at
    the next start, like the rest of the knowledge base."""
    shipped = knowledge_dir / "states"
    status_path = shipped / "_convention.yaml"
    status = _validated(ConventionStatus, status_path) if status_path.exists() else ConventionStatus(as_of=dt.date.min)
    by_name: dict[str, StateEntry] = {}
    folders = [shipped] + ([home / "states"] if home is not None else [])
    for folder in folders:
        if not folder.is_dir():
            continue
        user_status = folder / "_convention.yaml"
        if folder != shipped and user_status.exists():
            status = _validated(ConventionStatus, user_status)
        for path in sorted(folder.glob("*.yaml")):
            if path.name.startswith("_"):
                continue
            entry = _validated(StateEntry, path)
            by_name[" ".join(entry.name.casefold().split())] = entry
    return StatesTable(status=status, states=tuple(by_name.values()))
