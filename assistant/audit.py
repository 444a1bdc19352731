"""The audit log: every change to what the app quotes (official text, index), one JSON line each.

`HOME/audit.log` records when, what, from which file (its name and SHA-256) and through which front end; never
case contents or questions. It is appended to, never rewritten, so an office can see who changed the law the
app shows and when.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from assistant.settings import Settings


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def record(settings: Settings, action: str, **fields: Any) -> None:
    """Append one entry; a log that cannot be written must not undo the change it reports, so it only warns."""
    entry = {"time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "action": action, **fields}
    try:
        settings.home.mkdir(parents=True, exist_ok=True)
        with open(settings.home / "audit.log", "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
    except OSError as exc:
        logging.getLogger(__name__).warning("audit log not written (%s)", exc.strerror)


def entries(settings: Settings) -> list[dict[str, Any]]:
    """The log's entries, oldest first (an unreadable line is skipped)."""
    path = settings.home / "audit.log"
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out
