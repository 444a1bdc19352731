"""Points to weigh before executing a request, from `prompts/review/considerations.yaml`.

The points are data, each resting on the articles it names as our knowledge base restates them; the code only
chooses those of the request's type (and, for a few, those whose subject the request raises).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.errors import KnowledgeError
from assistant.knowledge import ARTICLE_COUNT


class Point(BaseModel):
    """One point to weigh, as written in the data file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    types: tuple[str, ...]
    articles: tuple[int, ...] = Field(min_length=1)
    text: str
    uncertain: bool = False
    when: str | None = None

    @field_validator("articles")
    @classmethod
    def _articles_exist(cls, articles: tuple[int, ...]) -> tuple[int, ...]:
        bad = [a for a in articles if not 1 <= a <= ARTICLE_COUNT]
        if bad:
            raise ValueError(f"articles {bad} do not exist: the convention has articles 1 to {ARTICLE_COUNT}")
        return articles

    @field_validator("when")
    @classmethod
    def _valid_pattern(cls, when: str | None) -> str | None:
        if when is not None:
            re.compile(when)
        return when


class Consideration(BaseModel):
    """A point as shown: its text (marked when uncertain) and its articles."""

    model_config = ConfigDict(frozen=True)

    text: str
    articles: list[int]
    uncertain: bool = False


@cache
def load_points(prompts_dir: Path) -> tuple[str, tuple[Point, ...]]:
    """The uncertainty prefix and every point, validated."""
    path = prompts_dir / "review" / "considerations.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        prefix = " ".join(str(data["uncertain_prefix"]).split())
        points = tuple(Point.model_validate(p) for p in data["points"])
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise KnowledgeError(f"{path} is missing or malformed ({exc}); restore it from git.") from exc
    except ValidationError as exc:
        err = exc.errors()[0]
        raise KnowledgeError(f"{path}: {'.'.join(str(p) for p in err['loc'])}: {err['msg']}.") from exc
    ids = [p.id for p in points]
    if len(set(ids)) != len(ids):
        raise KnowledgeError(f"{path}: point ids must be unique.")
    return prefix, points


def considerations(request_type: str, text: str, prompts_dir: Path) -> list[Consideration]:
    """The points for this type of request, in the file's order; uncertain ones marked as such."""
    prefix, points = load_points(prompts_dir)
    out = []
    for p in points:
        if request_type not in p.types or (p.when and not re.search(p.when, text)):
            continue
        wording = " ".join(p.text.split())
        out.append(
            Consideration(
                text=f"{prefix} {wording}" if p.uncertain else wording, articles=list(p.articles), uncertain=p.uncertain
            )
        )
    return out
