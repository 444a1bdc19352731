"""Tell the file's format from its first bytes, never from its extension: users rename files."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Literal

from assistant.errors import IngestError

Format = Literal["pdf", "docx", "html", "txt"]
FORMAT_NAMES: dict[str, str] = {"pdf": "PDF", "docx": "Word (.docx)", "html": "HTML", "txt": "plain text"}

# The convention is under 2 MB in any format; anything far larger is the wrong file or a hostile one.
MAX_FILE_BYTES = 200 * 1024 * 1024
_HEAD = 8192


def check_size(path: Path) -> int:
    """The file's size in bytes; refuse an empty or oversized file before anything reads it."""
    size = path.stat().st_size
    if size == 0:
        raise IngestError(f"{path.name} is empty (0 bytes): the download or copy did not finish. Get the file again.")
    if size > MAX_FILE_BYTES:
        raise IngestError(
            f"{path.name} is {size / 1024**2:.0f} MB, over the {MAX_FILE_BYTES // 1024**2} MB limit: "
            "the convention's text is about 1 MB. Check that this is the right file."
        )
    return size


def detect_format(path: Path) -> Format:
    """'pdf', 'docx', 'html' or 'txt' from the magic bytes; IngestError for anything else."""
    check_size(path)
    with open(path, "rb") as fh:
        head = fh.read(_HEAD)
    if b"%PDF-" in head[:1024]:  # the PDF spec tolerates a little junk before the header
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise IngestError(
            f"{path.name} is an old-style Word .doc (or other Office 97-2003) file: open it in Word or "
            "LibreOffice and save it as .docx or PDF, then ingest that."
        )
    if head.startswith(b"{\\rtf"):
        raise IngestError(f"{path.name} is an RTF file: save it as .docx, PDF or plain text, then ingest that.")
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n").lower()
    if text.startswith(("<!doctype html", "<html")) or (text.startswith("<") and "<html" in text):
        return "html"
    return "txt"


def _zip_kind(path: Path) -> Format:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise IngestError(
            f"{path.name} starts like a Word (.docx) file but its ZIP structure is damaged ({exc}); "
            "the file is probably truncated. Download it again."
        ) from exc
    if "word/document.xml" not in names:
        raise IngestError(
            f"{path.name} is a ZIP archive but not a Word document (it has no word/document.xml; perhaps an "
            "OpenDocument or Excel file): save the convention as .docx or PDF, then ingest that."
        )
    return "docx"  # its text part is inflated, with a limit, only by the extractor; no other part is read
