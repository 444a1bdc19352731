"""Render a case into a Markdown draft through its wording template (`prompts/drafting/<type>.md.j2`).

Each form field reaches the template as a top-level variable holding a `FieldValue`: printing it gives the
value, or a visible `[MISSING: <label> (Art. 42)]` marker for a required element that is not given, so a gap
can never disappear silently. Templates are checked when loaded: they may use only the form's fields, and
must use every required one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Set
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta
from pydantic import BaseModel, ConfigDict

from assistant.drafting.checker import CheckReport, is_present
from assistant.drafting.forms import FieldSpec, FormSpec
from assistant.errors import KnowledgeError

SECTION = re.compile(r"^## (?!#)", re.M)
BLANK_RUNS = re.compile(r"\n{3,}")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class Draft(BaseModel):
    """A rendered request: the Markdown text (annex included) and the completeness report behind it."""

    model_config = ConfigDict(frozen=True)

    type: str
    title: str
    markdown: str
    report: CheckReport


def marker(spec: FieldSpec) -> str:
    return f"[MISSING: {spec.label} ({spec.basis.label})]"


def _display(value: Any) -> str:
    if isinstance(value, dt.date):
        return f"{value.day} {MONTHS[value.month - 1]} {value.year}"  # unambiguous in every legal system
    if isinstance(value, bool):
        return "yes" if value else "no"
    # A line of case text that starts with '#' would become a heading of the draft: escape it.
    return re.sub(r"^(\s*)#", r"\1\\#", str(value), flags=re.M)


class FieldValue:
    """What a template sees for one field."""

    def __init__(self, spec: FieldSpec, value: Any) -> None:
        self.spec = spec
        self.present = is_present(value)
        self.value = value if self.present else None

    @property
    def items(self) -> list[str]:
        """The display strings of a list field (empty when not given)."""
        return [_display(v) for v in self.value if is_present(v)] if self.present else []

    def _gap(self) -> str:
        return marker(self.spec) if self.spec.required else ""

    def __str__(self) -> str:
        if not self.present:
            return self._gap()
        return "; ".join(self.items) if self.spec.type == "list" else _display(self.value)

    def bullets(self) -> str:
        """A list field as Markdown bullets, or the marker."""
        return "\n".join(f"- {item}" for item in self.items) if self.present else self._gap()

    def say(self, if_true: str, if_false: str = "") -> str:
        """For a bool field: the sentence matching the answer, or the marker."""
        if not self.present:
            return self._gap()
        return if_true if self.value else if_false


def _environment(folder: Path) -> jinja2.Environment:
    # Markdown, not HTML: nothing to escape for a browser; StrictUndefined turns a typo into an error.
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def load_template(folder: Path, name: str, allowed: Set[str], needed: Set[str] = frozenset()) -> jinja2.Template:
    """A template whose variables are within `allowed` and include all of `needed`."""
    env = _environment(folder)
    path = folder / name
    try:
        source = path.read_text(encoding="utf-8")
        used = meta.find_undeclared_variables(env.parse(source))
    except OSError as exc:
        raise KnowledgeError(f"{path}: wording template missing or unreadable; restore it from git.") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise KnowledgeError(f"{path}:{exc.lineno}: template syntax error ({exc.message}).") from exc
    if used - allowed:
        raise KnowledgeError(f"{path}: uses {sorted(used - allowed)}, which the form does not define.")
    if needed - used:
        raise KnowledgeError(f"{path}: never prints the required elements {sorted(needed - used)}.")
    return env.get_template(name)


def number_sections(markdown: str) -> str:
    """Number the '## ' sections 1, 2, 3 ...: conditional sections would break hand-written numbers."""
    counter = iter(range(1, 1000))
    return SECTION.sub(lambda _: f"## {next(counter)}. ", markdown)


def render_body(form: FormSpec, case: BaseModel, prompts_dir: Path) -> str:
    """The request itself, sections numbered, without the annex."""
    names = {f.name for f in form.fields}
    template = load_template(
        prompts_dir / "drafting", f"{form.type}.md.j2", names | {"form"}, {f.name for f in form.required}
    )
    values = {f.name: FieldValue(f, getattr(case, f.name)) for f in form.fields}
    try:
        text = template.render(form=form, **values)
    except jinja2.TemplateError as exc:  # a fault in our template, not in the user's case
        raise KnowledgeError(f"{template.filename}: cannot be rendered ({exc}); fix the template.") from None
    return number_sections(BLANK_RUNS.sub("\n\n", text).strip() + "\n")
