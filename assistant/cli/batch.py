"""Read a batch file of questions: JSONL with a `question` field per line, or plain text one per line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import InvalidInput

# A batch of questions is a few hundred lines; 5 MB is tens of thousands of questions. Checked before reading, so a
# file named by mistake (an image, a disk dump) is refused at once rather than read into memory whole.
MAX_BATCH_BYTES = 5_000_000


@dataclass(frozen=True)
class BatchItem:
    line: int
    question: str | None
    error: str | None = None


def read_batch(path: Path) -> list[BatchItem]:
    try:
        if (size := path.stat().st_size) > MAX_BATCH_BYTES:
            raise InvalidInput(
                f"Batch file {path} is {size / 1e6:,.1f} MB, over the {MAX_BATCH_BYTES / 1e6:,.0f} MB a batch of "
                "questions may take: split it into smaller files."
            )
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(f"Batch file {path} does not exist.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"Batch file {path} cannot be read as UTF-8 text ({exc}).") from exc
    items: list[BatchItem] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        text = line.strip()
        if not text:
            continue
        if text.startswith("{"):
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                items.append(BatchItem(number, None, f"line {number}: not valid JSON ({exc.msg})"))
                continue
            question = obj.get("question") if isinstance(obj, dict) else None
            if not isinstance(question, str):
                items.append(BatchItem(number, None, f"line {number}: no 'question' text field"))
                continue
            items.append(BatchItem(number, question))
        else:
            items.append(BatchItem(number, text))
    return items
