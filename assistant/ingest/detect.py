"""Tell the file's format from its first bytes, never from its extension: users rename files."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path
from typing import Literal

from assistant.errors import IngestError

Format = Literal["pdf", "docx", "html", "txt"]
FORMAT_NAMES: dict[str, str] = {"pdf": "PDF", "docx": "Word (.docx)", "html": "HTML", "txt": "plain text"}

# The convention is under 2 MB in any format; anything far larger is the wrong file or a hostile one.
MAX_FILE_BYTES = 200 * 1024 * 1024
_HEAD = 8192
# A Word package has a few dozen parts (a few hundred with many pictures), listed in a directory of a few kilobytes.
# Opening a ZIP reads its whole directory into one record per part, before anything can be refused: 100,000 empty
# parts (a 12 MB file) took 6.4 s and 72 MB on a busy machine. So the directory is measured first.
MAX_ZIP_PARTS = 2_000
MAX_ZIP_DIRECTORY_BYTES = 256 * 1024
_END = struct.Struct("<4s4H2LH")  # end of central directory: ..., parts, directory size, its offset, comment size
_END64_LOCATOR = struct.Struct("<4sLQL")  # just before it in a ZIP64 archive: where the ZIP64 end record is
_END64 = struct.Struct("<4sQ2H2L4Q")  # the ZIP64 end record: ..., parts, directory size, its offset


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


def _directory(path: Path) -> tuple[int, int] | None:
    """The parts and directory size a ZIP file declares at its end (ZIP64 too), as `zipfile` reads them; None
    where there is no end record (`zipfile` reports the damage)."""
    with open(path, "rb") as fh:
        size = fh.seek(0, 2)
        tail_at = max(0, size - _END.size - 0xFFFF)  # the record, then a comment of up to 64 kB
        fh.seek(tail_at)
        tail = fh.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) - at < _END.size:
            return None
        parts, directory = (_END.unpack_from(tail, at)[i] for i in (4, 5))
        locator = tail_at + at - _END64_LOCATOR.size
        if locator >= 0:
            fh.seek(locator)
            signature, _, end64, _ = _END64_LOCATOR.unpack(fh.read(_END64_LOCATOR.size))
            if signature == b"PK\x06\x07":
                fh.seek(end64)
                record = fh.read(_END64.size)
                if len(record) == _END64.size and record.startswith(b"PK\x06\x06"):
                    parts, directory = (_END64.unpack(record)[i] for i in (7, 8))
    return parts, directory


def open_zip(path: Path) -> zipfile.ZipFile:
    """The ZIP file opened, once its directory is known to be of a Word document's size (IngestError if not)."""
    declared = _directory(path)
    if declared and (declared[0] > MAX_ZIP_PARTS or declared[1] > MAX_ZIP_DIRECTORY_BYTES):
        parts, directory = declared
        raise IngestError(
            f"{path.name} is a ZIP package of {parts:,} parts in a directory of {directory / 1024:,.0f} kB, not a "
            "Word document (which has a few dozen parts, a few hundred at most): refused unread."
        )
    return zipfile.ZipFile(path)


def _zip_kind(path: Path) -> Format:
    try:
        with open_zip(path) as zf:
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
