"""Read an incoming request (PDF with a text layer, DOCX, HTML, TXT or Markdown) with the ingest extractors.

The ingest package already refuses what must not be parsed (encrypted or image-only PDFs, damaged files, page
bombs); this module adds the limits that suit a request rather than a treaty (a request is far smaller, so the
size limit is lower, and the text of a DOCX may not inflate beyond its own, counted while inflating) and says
what went wrong in the receiving officer's terms. The text read is returned to the caller only: nothing of it is logged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import IngestError
from assistant.ingest.detect import detect_format
from assistant.ingest.extract import InflatesTooMuch, extract
from assistant.ingest.pages import Line
from assistant.review.errors import NotARequest, UnreadableRequest
from assistant.review.wording import say
from assistant.settings import Settings

MB = 1024 * 1024


@dataclass(frozen=True)
class RequestFile:
    """The lines of a request as read, in order; a blank line marks a paragraph break."""

    name: str
    format: str
    lines: list[Line]
    warnings: list[str] = field(default_factory=list)


def read_request(path: str | Path, settings: Settings) -> RequestFile:
    """The request's lines; UnreadableRequest (or NotARequest for an empty file) with a message to show as is."""
    path = Path(path).expanduser()
    prompts = settings.prompts_dir
    if not path.exists():
        raise UnreadableRequest(say(prompts, "missing_file", path=path))
    if not path.is_file():
        raise UnreadableRequest(say(prompts, "not_a_file", path=path))
    size = path.stat().st_size
    limit = settings.review.max_file_mb
    if size == 0:
        raise NotARequest(say(prompts, "empty", name=path.name))
    if size > limit * MB:
        raise UnreadableRequest(say(prompts, "too_large", name=path.name, size_mb=f"{size / MB:.0f}", limit_mb=limit))
    try:
        fmt = detect_format(path)
        extraction = extract(path, fmt, max_inflated=settings.review.max_inflated_mb * MB)
    except InflatesTooMuch as exc:
        raise UnreadableRequest(say(prompts, "bomb", name=path.name, limit_mb=exc.limit // MB)) from None
    except IngestError as exc:
        raise UnreadableRequest(_reworded(path.name, str(exc), prompts)) from exc
    except OSError as exc:
        reason = say(prompts, "damaged", detail=exc.strerror or exc.__class__.__name__)
        raise UnreadableRequest(say(prompts, "unreadable", name=path.name, reason=reason)) from exc
    lines = [line for page in extraction.pages for line in [*page, Line("")]]
    warnings = [say(prompts, "skipped_pages", detail=w) for w in extraction.warnings]
    return RequestFile(path.name, fmt, lines, warnings)


# What the extractors say, in their own (treaty-oriented) words, mapped to the receiving officer's terms.
_KINDS = (
    ("no text layer", "scanned"),
    ("pages cannot be read", "scanned"),
    ("encrypted", "encrypted"),
)


def _reworded(name: str, message: str, prompts: Path) -> str:
    for needle, key in _KINDS:
        if needle in message:
            return say(prompts, key, name=name)
    if "old-style Word" in message or "RTF file" in message:
        reason = say(prompts, "old_word")
    elif "not a Word document" in message:
        reason = say(prompts, "not_word")
    elif "not UTF-8 text" in message or "binary data" in message:
        reason = say(prompts, "not_text")
    else:
        detail = message.split("(", 1)[1].rsplit(")", 1)[0] if "(" in message else message
        reason = say(prompts, "damaged", detail=detail)
    return say(prompts, "unreadable", name=name, reason=reason)
