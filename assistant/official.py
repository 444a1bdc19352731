"""Where an ingested official text lives: `HOME/official/<lang>.json`, a list of Article records, and
`HOME/official/sources/<lang>.json`, the file it was read from (name and SHA-256) and whether it passed the check.

The parser that makes these records from the user's PDF/DOCX/HTML/TXT is in `assistant.ingest`. A text stored
with `uncc ingest --force` although it failed the check keeps the source "unvalidated", never "official".
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from pydantic import BaseModel, TypeAdapter, ValidationError

from assistant.errors import IngestError
from assistant.records import Article
from assistant.settings import Settings

_ARTICLES = TypeAdapter(list[Article])


class OfficialSource(BaseModel):
    """Where one stored text came from: shown in the app's banner and kept in the index manifest."""

    lang: str
    file: str  # the name of the file read, without its folder
    sha256: str
    validated: bool  # False: stored with --force although it failed the check against the article map


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


def official_sources(settings: Settings) -> list[OfficialSource]:
    """The recorded source of each stored text (a text stored before sources were recorded has none)."""
    out = []
    for path in official_files(settings):
        try:
            out.append(OfficialSource.model_validate_json((settings.official_dir / "sources" / path.name).read_bytes()))
        except FileNotFoundError:
            continue
        except (ValidationError, ValueError, OSError) as exc:
            raise IngestError(
                f"{path.parent / 'sources' / path.name}: the record of where the official text came from is damaged "
                f"({exc.__class__.__name__}); ingest your file again with `uncc ingest PATH --replace`."
            ) from exc
    return out


def save_official(settings: Settings, articles: list[Article], source: OfficialSource) -> Path:
    """Write the text and then its source, each atomically: a crash leaves the previous file in place."""
    target = settings.official_dir / f"{source.lang}.json"
    _write_atomically(target, json.dumps([a.model_dump() for a in articles], ensure_ascii=False))
    _write_atomically(settings.official_dir / "sources" / target.name, source.model_dump_json(indent=2))
    return target


def _write_atomically(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, target)
