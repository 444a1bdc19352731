"""Case files: read YAML with line numbers, and validate it against a typed model built from the form.

Every field of the model is optional: a missing element is the checker's business (the draft still renders,
with a marker), while a value of the wrong type, an unknown field or an oversized text is refused here.
Size is checked first, on the parsed data as a draft would print it: each field's text (a list's items together)
and the case's in all, against `settings.drafting`; a case over them is refused before any validation or rendering.
Messages name the field and line but never echo the value: case files hold personal data.

Beside the form's fields, every case file may have a `closing:` section (`Closing`: place, date and signatory
of the closing block), the same for every request type; what it leaves out is a blank line to fill in by hand.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    create_model,
)
from pydantic.types import Strict

from assistant.drafting.forms import SAFE_LOADER, FieldSpec, FormSpec
from assistant.errors import DraftError
from assistant.prompts import PROMPTS, checked_wording
from assistant.settings import Settings, get_settings

MAX_FIELD_CHARS = 100_000  # a request summarises; supporting documents travel as annexes
MAX_LIST_ITEMS = 500
MAX_REPORTED_ERRORS = 10
MAX_CLOSING_CHARS = 1_000  # a place, or a name and function: a few lines at most
MAX_NAMED_FIELDS = 3  # a case over the total limit names its longest fields, this many at most
CLOSING = "closing"  # the case file's section for the closing block; no form may have a field of that name

# Characters XML (and so Word) cannot store: form feeds and the like arrive by copy-paste from PDFs.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _printable(text: str) -> str:
    return NOT_XML.sub(" ", text)


Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_FIELD_CHARS), AfterValidator(_printable)]


@dataclass(frozen=True)
class CaseDoc:
    """A parsed case file: the raw mapping and the line on which each top-level field starts."""

    data: dict[str, Any]
    source: str = "case"
    lines: dict[str, int] = field(default_factory=dict)


def to_date(value: Any) -> Any:
    # YAML turns an unquoted 2026-03-01 into a date; accept a quoted ISO string too, but not a number
    # (pydantic would read 1700000000 as a Unix timestamp).
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError("must be a date written YYYY-MM-DD")


def _blank(value: Any) -> Any:
    return "" if value is None else value  # `place:` with nothing after it: not given


def _closing_date(value: Any) -> Any:
    return None if value is None or (isinstance(value, str) and not value.strip()) else to_date(value)


ClosingText = Annotated[
    str,
    BeforeValidator(_blank),
    StringConstraints(strip_whitespace=True, max_length=MAX_CLOSING_CHARS),
    AfterValidator(_printable),
]


class Closing(BaseModel):
    """What the closing block says when it is known; each part left out is a blank line to fill by hand."""

    model_config = ConfigDict(frozen=True, extra="forbid", coerce_numbers_to_str=True)

    place: ClosingText = ""
    date: Annotated[dt.date | None, BeforeValidator(_closing_date)] = None
    signatory: ClosingText = ""  # name and function of the signing officer

    def over(self, base: Closing) -> Closing:
        """This closing's parts where given, `base`'s elsewhere (e.g. `uncc draft --place` over the case file)."""
        return Closing(
            place=self.place or base.place, date=self.date or base.date, signatory=self.signatory or base.signatory
        )


def _to_list(value: Any) -> Any:
    # A single line of text where a list is expected is read as a one-item list: an easy slip, not an error.
    return [value] if isinstance(value, str) else value


def _annotation(spec: FieldSpec) -> Any:
    if spec.type in ("text", "long_text"):
        return Text
    if spec.type == "date":
        return Annotated[dt.date, BeforeValidator(to_date)]
    if spec.type == "list":
        return Annotated[list[Text], BeforeValidator(_to_list), Field(max_length=MAX_LIST_ITEMS)]
    if spec.type == "choice":
        return Literal[spec.choices]
    return Annotated[bool, Strict()]  # 'yes'/'no'/true/false are booleans in YAML; 1 or "maybe" are not


def case_model(form: FormSpec) -> type[BaseModel]:
    """A pydantic model of this form's case: typed, every field optional, unknown fields refused."""
    fields: dict[str, Any] = {f.name: (_annotation(f) | None, None) for f in form.fields}
    # Numbers written where text is expected (a reference such as 12345) are kept as text.
    config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)
    name = "".join(part.capitalize() for part in form.type.split("-")) + "Case"
    return create_model(name, __config__=config, **fields)


def _problem(form: FormSpec, err: dict[str, Any]) -> str:
    """One validation error in words; pydantic's own message would include the (personal) value."""
    name = str(err["loc"][0]) if err["loc"] else ""
    kind = err["type"]
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(name, [f.name for f in form.fields], n=1, cutoff=0.8)  # typos only
        hint = f" Did you mean '{close[0]}'?" if close else ""
        example = f"`uncc draft {form.type} --example`"
        return f"unknown field '{name}' (not in the {form.type} form).{hint} {example} shows them"
    spec = form.field(name)
    if kind == "string_too_long":
        return f"'{name}' is longer than {MAX_FIELD_CHARS:,} characters; summarise it and attach documents separately"
    if kind == "string_unicode":
        return f"'{name}' contains invalid characters (unpaired Unicode surrogates)"
    if kind == "too_long":
        return f"'{name}' has more than {MAX_LIST_ITEMS} items"
    expected = {
        "text": "text",
        "long_text": "text",
        "list": "a list of text items (lines starting with '- ')",
        "bool": "true or false",
        "date": "a date written YYYY-MM-DD",
        "choice": "one of: " + ", ".join(repr(c) for c in spec.choices),
    }[spec.type]
    return f"'{name}' must be {expected}"


def _closing_problem(err: dict[str, Any]) -> str:
    """One problem of the `closing:` section in words, naming the part but never its (personal) value."""
    part = f"{CLOSING}.{err['loc'][0]}" if err["loc"] else CLOSING
    kind = err["type"]
    if not err["loc"]:
        return f"'{CLOSING}' must be a section of 'place:', 'date:' and 'signatory:' lines"
    if kind == "extra_forbidden":
        return f"unknown field '{part}' (the closing section has place, date and signatory)"
    if kind in ("string_too_long", "too_long"):
        return f"'{part}' is longer than {MAX_CLOSING_CHARS:,} characters"
    if part == f"{CLOSING}.date":
        return f"'{part}' must be a date written YYYY-MM-DD"
    return f"'{part}' must be text"


# The fixed sentences of prompts/limits.yaml and the placeholders each must have.
LIMIT_MESSAGES: dict[str, set[str]] = {
    "field_too_long": {"field", "limit"},
    "case_too_long": {"limit", "fields"},
    "alias": {"field"},
    "file_too_large": {"size", "limit"},
}


@cache
def _limit_messages(prompts_dir: Path) -> dict[str, str]:
    return checked_wording(prompts_dir / "limits.yaml", LIMIT_MESSAGES)


def _say(prompts_dir: Path, key: str, **values: object) -> str:
    return _limit_messages(prompts_dir)[key].format(**values)


def _chars(value: Any, cap: int) -> int:
    """The characters of text in `value` (strings, mapping keys, numbers and dates as printed, at any depth),
    counted until `cap` is passed. Each list or mapping counts one as well, so a structure repeating one object
    many times (what a YAML alias expands to), or even holding itself, is counted in bounded time."""
    count, todo = 0, [value]
    while todo and count <= cap:
        item = todo.pop()
        if isinstance(item, str):
            count += len(item)
        elif isinstance(item, Mapping):
            count += 1
            todo += [*item.keys(), *item.values()]
        elif isinstance(item, list | tuple):
            count += 1
            todo += item
        else:
            count += len(str(item))
    return count


def check_size(doc: CaseDoc, settings: Settings | None = None) -> None:
    """Refuse, naming the field (and line) and the limit, a case whose text is over `settings.drafting`'s
    per-field or total limit: a draft prints every character of it, in every format, so this bounds the time and
    memory of validating and rendering it."""
    settings = settings or get_settings()
    limits = settings.drafting
    sizes: dict[str, int] = {}
    total = 0  # kept as it goes: a file of a million short fields must not cost a million sums
    for key, value in doc.data.items():
        name = str(key)
        sizes[name] = _chars(value, min(limits.max_field_chars, limits.max_case_chars - total))
        total += len(name) + sizes[name]
        line = doc.lines.get(name)
        where = f"{doc.source}: line {line}" if line else doc.source
        if sizes[name] > limits.max_field_chars:
            message = _say(settings.prompts_dir, "field_too_long", field=name, limit=f"{limits.max_field_chars:,}")
            raise DraftError(f"{where}: {message}")
        if total > limits.max_case_chars:
            longest = sorted(sizes, key=sizes.__getitem__, reverse=True)[:MAX_NAMED_FIELDS]
            fields = ", ".join(f"'{n}'" for n in longest)
            message = _say(settings.prompts_dir, "case_too_long", limit=f"{limits.max_case_chars:,}", fields=fields)
            raise DraftError(f"{doc.source}: {message}")


def check_file_size(size: int, source: str, settings: Settings | None = None) -> None:
    """Refuse a case file of `size` bytes over `settings.drafting.max_case_file_kb`, before it is read or parsed:
    parsing YAML takes time and memory that grow with the file, before the character limits can be counted."""
    settings = settings or get_settings()
    limit = settings.drafting.max_case_file_kb
    if size > limit * 1000:
        message = _say(settings.prompts_dir, "file_too_large", size=f"{size / 1000:,.0f}", limit=f"{limit:,}")
        raise DraftError(f"{source}: {message}")


def validate_request(form: FormSpec, doc: CaseDoc, settings: Settings | None = None) -> tuple[BaseModel, Closing]:
    """The typed case and its closing block, or DraftError listing every problem with its line."""
    bad_keys = [k for k in doc.data if not isinstance(k, str)]
    if bad_keys:
        raise DraftError(f"{doc.source}: field names must be text; found {len(bad_keys)} that are not.")
    check_size(doc, settings)
    problems: list[tuple[int, str]] = []  # (line, problem), reported in the order of the file
    fields = {k: v for k, v in doc.data.items() if k != CLOSING}
    model: BaseModel | None = None
    try:
        model = case_model(form).model_validate(fields)
    except ValidationError as exc:
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else ""
            problems.append((doc.lines.get(name, 0), _problem(form, err)))
    closing = Closing()
    try:
        closing = Closing.model_validate(doc.data.get(CLOSING) or {})
    except ValidationError as exc:
        problems += [(doc.lines.get(CLOSING, 0), _closing_problem(err)) for err in exc.errors()]
    if problems or model is None:
        problems.sort(key=lambda p: p[0])
        lines = [f"  {f'line {line}: ' if line else ''}{problem}" for line, problem in problems[:MAX_REPORTED_ERRORS]]
        extra = len(problems) - MAX_REPORTED_ERRORS
        more = f"\n  ... and {extra} more" if extra > 0 else ""
        raise DraftError(
            f"{doc.source}: {len(problems)} problem(s) in this {form.type} case:\n" + "\n".join(lines) + more
        ) from None  # the chained pydantic error carries the input values: keep them out of any traceback
    return model, closing


def validate_case(form: FormSpec, doc: CaseDoc, settings: Settings | None = None) -> BaseModel:
    """The typed case (its form fields), or DraftError listing every problem with its line."""
    return validate_request(form, doc, settings)[0]


class _CaseLoader(SAFE_LOADER):  # type: ignore[misc,valid-type]  # a class chosen at import time
    """The safe loader, except that an impossible date such as 2026-02-30, or a number too long to be one (a
    reference of 5,000 digits), stays text."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    # PyYAML raises a bare ValueError here; as text, the field check reports it with the field and line.
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


def _int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    # Python refuses to read an integer of over 4,300 digits (a bare ValueError); as text, it is checked as text.
    try:
        return loader.construct_yaml_int(node)
    except ValueError:
        return loader.construct_scalar(node)


_CaseLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_CaseLoader.add_constructor("tag:yaml.org,2002:int", _int)


def _refuse_aliases(root: yaml.Node | None, source: str) -> None:
    """An alias repeats a node without copying it: a few kilobytes of YAML can stand for gigabytes of text once
    validated or drafted. A case file has no use for them; the composed tree shares the node object. The message
    names the top-level field the alias is in."""
    seen: set[int] = set()
    fields = root.value if isinstance(root, yaml.MappingNode) else [(None, root)] if root is not None else []
    for key, value in fields:
        todo = [value] if key is None else [key, value]
        while todo:
            node = todo.pop()
            if id(node) in seen:
                name = key.value if isinstance(key, yaml.ScalarNode) else "(top)"
                line = node.start_mark.line + 1
                raise DraftError(f"{source}:{line}: {_say(PROMPTS, 'alias', field=name)}")
            seen.add(id(node))
            if isinstance(node, yaml.MappingNode):
                todo.extend(part for pair in node.value for part in pair)
            elif isinstance(node, yaml.SequenceNode):
                todo.extend(node.value)


def parse_case(text: str, source: str = "case", settings: Settings | None = None) -> CaseDoc:
    """Parse YAML text into a CaseDoc; text over the case file's size limit (`check_file_size`), or invalid YAML,
    raises DraftError, the latter with the line number."""
    settings = settings or get_settings()
    limit = settings.drafting.max_case_file_kb * 1000
    # A character takes at least one byte in UTF-8: a text longer than the limit is refused without encoding it.
    check_file_size(len(text) if len(text) > limit else len(text.encode("utf-8", "replace")), source, settings)
    loader = _CaseLoader(text)
    try:
        node = loader.get_single_node()  # the node tree gives each field's line
        _refuse_aliases(node, source)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise DraftError(f"{source}{where}: not valid YAML ({problem}); check the indentation and quotes.") from None
    finally:
        loader.dispose()
    if data is None:
        raise DraftError(f"{source}: the case file is empty; start from `uncc draft TYPE --example`.")
    if not isinstance(data, dict):
        raise DraftError(f"{source}: a case file must be a mapping of 'field: value' lines.")
    lines: dict[str, int] = {}
    for key_node, _ in node.value:
        key = str(key_node.value)
        line = key_node.start_mark.line + 1
        if key in lines:  # YAML would silently keep the last value; a lost element must not go unnoticed
            raise DraftError(f"{source}:{line}: '{key}' is given twice (also line {lines[key]}).")
        lines[key] = line
    return CaseDoc(data=data, source=source, lines=lines)


def read_case_file(path: Path, settings: Settings | None = None) -> CaseDoc:
    """Read a case file from disk; every way it can fail becomes a DraftError that says how to fix it."""
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise DraftError(f"{path} is a folder; give the case file inside it.")
        check_file_size(size, str(path), settings)
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DraftError(f"Case file {path} does not exist; check the path.") from None
    except UnicodeDecodeError:
        raise DraftError(f"{path} is not UTF-8 text; save it as UTF-8 YAML.") from None
    except OSError as exc:
        raise DraftError(f"Case file {path} cannot be read ({exc.strerror}).") from None
    return parse_case(text, source=str(path), settings=settings)
