"""Request forms: `knowledge/forms/<type>.yaml` loaded into typed, validated `FormSpec` records.

A form lists the elements of one kind of request, in order, and says for each what it rests on: an article of
the convention, or a good-practice source. Articles are cited by number only: the paragraph numbers of the
request-contents provisions (arts 40, 42, 50) are not established, so the schema has no field for one.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, computed_field, field_validator, model_validator

from assistant.errors import DraftError, KnowledgeError
from assistant.knowledge import ARTICLE_COUNT

FieldType = Literal["text", "long_text", "date", "list", "choice", "bool"]
TEXT_TYPES = ("text", "long_text")
TYPE_NAME = re.compile(r"^[a-z][a-z-]{1,40}$")
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
# Names the wording templates use for themselves, and the case file's own `closing:` section (assistant.drafting
# .case): a field with one of these names would be shadowed.
RESERVED_NAMES = frozenset({"form", "t", "loop", "range", "self", "true", "false", "none", "closing"})
# libyaml's loader where PyYAML was built with it: ten times faster than the pure-Python one.
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Basis(_Spec):
    """What an element rests on: an article of the convention, or a named good-practice source."""

    kind: Literal["convention", "good-practice"]
    article: int | None = None
    also: tuple[int, ...] = ()  # further articles a reader should see, e.g. art 5 beside art 48
    source: str | None = None
    note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Basis:
        if self.kind == "convention":
            if self.article is None or self.source:
                raise ValueError("a convention basis needs 'article' (a number) and no 'source'")
            bad = [a for a in (self.article, *self.also) if not 1 <= a <= ARTICLE_COUNT]
            if bad:
                raise ValueError(f"articles {bad} do not exist: the convention has articles 1 to {ARTICLE_COUNT}")
        elif not self.source or self.article is not None or self.also:
            raise ValueError("a good-practice basis needs 'source' (who recommends it) and no article")
        return self

    @property
    def articles(self) -> tuple[int, ...]:
        return (self.article, *self.also) if self.article is not None else ()

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented pattern; JSON reports carry it
    @property
    def label(self) -> str:
        """'Art. 48, see also Art. 5' or 'good practice: <source>'."""
        if self.article is None:
            return f"good practice: {self.source}"
        also = "".join(f", see also Art. {a}" for a in self.also)
        return f"Art. {self.article}{also}"


class FieldSpec(_Spec):
    """One element of a request."""

    name: str
    label: str
    help: str = ""
    type: FieldType
    required: bool
    basis: Basis
    choices: tuple[str, ...] = ()
    min_words: int | None = Field(None, description="Weak below this many words (text fields).")
    not_future: bool = Field(False, description="Weak when the date lies after today (date fields).")
    not_before: str | None = Field(None, description="Weak when the date is before this other date field.")
    expect: bool | None = Field(None, description="Weak when the answer differs (bool fields).")

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        if not FIELD_NAME.match(name) or name in RESERVED_NAMES or name.startswith("model_"):
            raise ValueError(f"field name {name!r} must be snake_case and not one of {sorted(RESERVED_NAMES)}")
        return name

    @model_validator(mode="after")
    def _options_fit_type(self) -> FieldSpec:
        if (self.type == "choice") != bool(self.choices):
            raise ValueError("'choices' is required for a choice field and only allowed there")
        if self.min_words is not None and self.type not in TEXT_TYPES:
            raise ValueError("'min_words' applies to text fields only")
        if (self.not_future or self.not_before) and self.type != "date":
            raise ValueError("'not_future' and 'not_before' apply to date fields only")
        if self.expect is not None and self.type != "bool":
            raise ValueError("'expect' applies to bool fields only")
        return self


class FormSpec(_Spec):
    """One request type: its title, legal basis and elements in the order of the draft."""

    type: str
    title: str
    summary: str
    legal_basis: Basis
    fields: tuple[FieldSpec, ...]

    @model_validator(mode="after")
    def _fields_consistent(self) -> FormSpec:
        if self.legal_basis.kind != "convention":
            raise ValueError("'legal_basis' must be an article of the convention")
        names = [f.name for f in self.fields]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"fields defined twice: {dupes}")
        dates = {f.name for f in self.fields if f.type == "date"}
        for f in self.fields:
            if f.not_before and f.not_before not in dates:
                raise ValueError(f"field {f.name!r}: 'not_before' must name a date field of this form")
        return self

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)

    @property
    def required(self) -> tuple[FieldSpec, ...]:
        return tuple(f for f in self.fields if f.required)

    @property
    def articles(self) -> tuple[int, ...]:
        """Every article this form relies on, in ascending order."""
        found = {*self.legal_basis.articles, *(a for f in self.fields for a in f.basis.articles)}
        return tuple(sorted(found))


def forms_dir(knowledge_dir: Path) -> Path:
    return knowledge_dir / "forms"


def form_types(knowledge_dir: Path) -> list[str]:
    """The request types that have a form file, sorted."""
    folder = forms_dir(knowledge_dir)
    if not folder.is_dir():
        raise KnowledgeError(f"{folder}: no forms folder; restore knowledge/forms from git.")
    return sorted(p.stem for p in folder.glob("*.yaml"))


def form_path(knowledge_dir: Path, request_type: str) -> Path:
    """The form file of a type; an unknown type is a user error that lists the valid ones."""
    types = form_types(knowledge_dir)
    # The name becomes part of a path: checking it against the list first rules out '../' tricks.
    if not TYPE_NAME.match(request_type) or request_type not in types:
        raise DraftError(f"Unknown request type {request_type!r}. Valid types: {', '.join(types)}.")
    return forms_dir(knowledge_dir) / f"{request_type}.yaml"


def load_form(knowledge_dir: Path, request_type: str) -> FormSpec:
    """Read and validate one form; a malformed file raises KnowledgeError naming the file and problem."""
    path = form_path(knowledge_dir, request_type)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)  # SAFE_LOADER: no arbitrary objects
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path}: cannot be read as YAML ({exc}); restore it from git.") from exc
    try:
        spec = FormSpec.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "top level"
        raise KnowledgeError(f"{path}: {where}: {err['msg']}.") from exc
    if spec.type != request_type:
        raise KnowledgeError(f"{path}: 'type: {spec.type}' differs from the file name; they must match.")
    return spec
