"""The evaluation dataset format: JSONL, one question per line; unknown extra fields are ignored."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import InvalidInput


class EvalItem(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str
    question: str
    expected_articles: list[int] = Field(default_factory=list)
    acceptable_articles: list[int] = Field(default_factory=list)
    key_facts: list[str] = Field(default_factory=list)
    category: str = "uncategorised"
    answerable: bool = True
    type: str = ""  # question type (fact, yesno, overview, ...), for figures per type
    polarity: str | None = None  # "yes"/"no" where the answer to a yes/no question is settled
    expected_paragraphs: list[str] = Field(default_factory=list)  # "42:Dual criminality", "40:13"
    lang: str = "en"  # the question's language: en, fr, es, ru, ar or zh
    source_id: str = ""  # for a translated question: the id of the question it translates


def load_dataset(path: Path) -> list[EvalItem]:
    """Every item of the file; a malformed line is reported with its number."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InvalidInput(f"Dataset {path} does not exist.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"Dataset {path} cannot be read as UTF-8 text ({exc}).") from exc
    items, problems = [], []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            items.append(EvalItem.model_validate(json.loads(line)))
        except json.JSONDecodeError as exc:
            problems.append(f"line {number}: not valid JSON ({exc.msg})")
        except ValidationError as exc:
            first = exc.errors()[0]
            problems.append(f"line {number}: field {'.'.join(map(str, first['loc']))}: {first['msg']}")
    if problems:
        raise InvalidInput(f"Dataset {path} has malformed lines:\n  " + "\n  ".join(problems[:20]))
    if not items:
        raise InvalidInput(f"Dataset {path} holds no questions.")
    if len({i.id for i in items}) != len(items):
        raise InvalidInput(f"Dataset {path} repeats an id; every item needs its own.")
    return items
