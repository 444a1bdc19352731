"""Where an ingested official text lives: `HOME/official/<lang>.json`, a list of Article records.

The parser that makes these records from the user's PDF/DOCX/HTML/TXT is in `assistant.ingest`.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from assistant.errors import IngestError
from assistant.records import Article
from assistant.settings import Settings

_ARTICLES = TypeAdapter(list[Article])


def official_files(settings: Settings) -> list[Path]:
    return sorted(settings.official_dir.glob("*.json")) if settings.official_dir.is_dir() else []


def load_official(settings: Settings) -> list[Article]:
    """Every ingested official article, all languages, in file order."""
    out: list[Article] = []
    for path in official_files(settings):
        try:
            # The stored file's name is the language ("fr.json"): passage ids and quotations depend on it.
            out.extend(a.model_copy(update={"language": path.stem}) for a in _ARTICLES.validate_json(path.read_bytes()))
        except (ValidationError, ValueError, OSError) as exc:
            raise IngestError(
                f"{path}: the stored official text is damaged ({exc.__class__.__name__}); "
                "ingest your file again with `uncc ingest PATH --replace`."
            ) from exc
    return out


def save_official(settings: Settings, lang: str, articles: list[Article]) -> Path:
    """Write atomically: a crash leaves the previous file in place."""
    settings.official_dir.mkdir(parents=True, exist_ok=True)
    target = settings.official_dir / f"{lang}.json"
    fd, tmp = tempfile.mkstemp(dir=settings.official_dir, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump([a.model_dump() for a in articles], fh, ensure_ascii=False)
    os.replace(tmp, target)
    return target
