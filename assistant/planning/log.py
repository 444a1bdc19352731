"""The case log: `uncc plan --mark N sent --on DATE` records a step's outcome in the case file itself.

The log is the case file's last section (`log:`), written one entry a line in YAML flow style, so the rest of
the file (and its comments) stays exactly as the user wrote it. The new file is validated before it replaces
the old one: a mark that would break the case file writes nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from assistant.drafting.case import parse_case
from assistant.drafting.casefile import LogEntry, load_casefile
from assistant.drafting.export import atomic_write
from assistant.errors import DraftError


def _entry_line(entry: LogEntry) -> str:
    fields: dict[str, object] = {"step": entry.step, "status": entry.status, "date": entry.date}
    if entry.note:
        fields["note"] = entry.note
    flow = yaml.safe_dump(fields, default_flow_style=True, sort_keys=False, allow_unicode=True, width=10_000)
    return f"  - {flow.strip()}\n"


def with_entry(text: str, entries: list[LogEntry], new: LogEntry, source: str) -> str:
    """The case-file text with its `log:` section rewritten at the end, holding `entries` and `new`."""
    doc = parse_case(text, source)
    lines = text.splitlines(keepends=True)
    if "log" in doc.lines:
        start = doc.lines["log"] - 1
        later = sorted(n for n in doc.lines.values() if n - 1 > start)
        end = later[0] - 1 if later else len(lines)
        lines = lines[:start] + lines[end:]
    body = "".join(lines)
    if body and not body.endswith("\n"):
        body += "\n"
    return body + "log:\n" + "".join(_entry_line(e) for e in [*entries, new])


def mark_text(text: str, step_id: str, status: str, on: dt.date, note: str | None = None, source: str = "case") -> str:
    """The case-file text with an outcome for `step_id` added to its log; the result is checked to read back."""
    casefile, _ = load_casefile(parse_case(text, source))
    try:
        new = LogEntry(step=step_id, status=status, date=on, note=note)
    except ValueError:
        raise DraftError("A step is marked sent, answered or refused, with a date.") from None
    updated = with_entry(text, list(casefile.log), new, source)
    load_casefile(parse_case(updated, source))
    return updated


def mark_step(path: Path, step_id: str, status: str, on: dt.date, note: str | None = None) -> None:
    """Record an outcome for `step_id` in the case file at `path`, atomically: all or nothing."""
    updated = mark_text(path.read_text(encoding="utf-8"), step_id, status, on, note, str(path))
    atomic_write(path, lambda fh: fh.write(updated.encode("utf-8")), force=True)
