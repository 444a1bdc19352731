"""Write drafts to the file the user names, and nowhere else: Markdown, Word (DOCX) or PDF.

Writes are atomic: the content goes to a temporary file beside the target, then `os.replace` puts it in
place, so an interrupted or failed write never leaves a partial request behind. An existing file is only
replaced when the user says so (`force`). The format follows the file name's extension unless it is given,
and a format that contradicts the extension is refused: a `.pdf` file always holds a PDF.

A PDF in Arabic or Chinese is refused with a message pointing to DOCX: the PDF is set in DejaVu Sans, which has
no Chinese characters, and Arabic needs text shaping (joined letter forms, right to left) that the PDF library
does only with a shaping engine this project does not install. A Word document leaves both to the word
processor, which shapes them with the reader's own fonts; a PDF with broken glyphs is never written.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Literal

from assistant.drafting.pdf import NO_PDF, draft_to_pdf, refuse_script
from assistant.drafting.render import Draft
from assistant.drafting.word import draft_to_docx
from assistant.errors import DraftError

Format = Literal["md", "docx", "pdf"]
Paper = Literal["A4", "Letter"]
FORMATS: tuple[Format, ...] = ("md", "docx", "pdf")
EXTENSIONS: dict[str, Format] = {".md": "md", ".markdown": "md", ".docx": "docx", ".pdf": "pdf"}
PLAIN_EXTENSIONS = ("", ".txt")  # Markdown is plain text: such a name may hold it
NAMES = {"md": "Markdown", "docx": "Word (DOCX)", "pdf": "PDF"}
UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_REFERENCE_CHARS = 60


def output_format(path: Path | str, fmt: str | None = None) -> Format:
    """The format to write `path` in: `fmt` when given (and consistent with the extension), else the extension's."""
    suffix = Path(path).suffix.lower()
    if fmt is not None and fmt not in FORMATS:
        raise DraftError(f"Unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}.")
    implied = EXTENSIONS.get(suffix)
    if fmt is None:
        if implied:
            return implied
        if suffix in PLAIN_EXTENSIONS:
            return "md"
        raise DraftError(
            f"Cannot tell the format from the name {Path(path).name}: end it in .md, .docx or .pdf, "
            "or give the format (md, docx or pdf)."
        )
    if implied and implied != fmt:
        raise DraftError(
            f"{Path(path).name} is a {suffix} name but the format asked for is {fmt} ({NAMES[fmt]}): "
            f"name the file .{fmt}, or ask for {implied}."
        )
    return fmt  # type: ignore[return-value]  # checked against FORMATS above


def formats_for(language: str | None) -> tuple[Format, ...]:
    """The formats a draft in `language` can be written in."""
    return tuple(f for f in FORMATS if not (f == "pdf" and language in NO_PDF))


def check_format(fmt: Format, language: str | None) -> None:
    """Refuse, before any work, a format the draft's language cannot be written in."""
    if fmt == "pdf":
        refuse_script(language)


def file_stem(draft: Draft, today: dt.date | None = None) -> str:
    """The name, without extension, of every file of a draft: its date, the case reference and the request
    type, e.g. '2027-03-04_CYB-2027-118_preservation'. Files sort by date, and those of one case sit together.

    The date is the one the request bears (`Draft.dated`: the closing block's, else the form's date of the
    request), else `today`. The reference is reduced to letters, digits, '.', '_' and '-' (accents dropped), so
    it is safe as a file name on every system and cannot name another folder; without one it is left out.
    """
    day = draft.dated or today or dt.date.today()
    ascii_ref = unicodedata.normalize("NFKD", draft.reference).encode("ascii", "ignore").decode("ascii")
    reference = UNSAFE.sub("-", ascii_ref).strip("-._")[:MAX_REFERENCE_CHARS].strip("-._")
    return "_".join(part for part in (day.isoformat(), reference, draft.type) if part)


def file_name(draft: Draft, fmt: Format, today: dt.date | None = None) -> str:
    """`file_stem` with the format's extension, e.g. '2027-03-04_CYB-2027-118_preservation.docx'."""
    return f"{file_stem(draft, today)}.{fmt}"


def check_target(path: Path, force: bool) -> None:
    """Refuse, in words, an output path that cannot or must not be written: called before the work it stores."""
    if path.is_dir():
        raise DraftError(f"{path} is a folder; give a file name inside it, e.g. {path / 'request.docx'}.")
    parent = path.parent
    if not parent.exists():
        raise DraftError(f"The folder {parent} does not exist; create it first or choose another output path.")
    if not parent.is_dir():
        raise DraftError(f"{parent} is a file, not a folder; choose another output path.")
    if path.exists() and not path.is_file():  # the rename would replace a device such as /dev/full by a file
        raise DraftError(f"{path} is not a regular file (a device, pipe or socket); write to a file instead.")
    if path.exists() and not force:
        raise DraftError(f"{path} already exists; add --force to replace it, or choose another output path.")


def atomic_write(path: Path, write: Callable[[BinaryIO], None], force: bool = False) -> Path:
    """Write through a temporary file in the target's folder, then rename it into place."""
    path = Path(path).expanduser()
    check_target(path, force)
    try:
        # mkstemp makes the file readable by its owner only, which suits a document holding personal data.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise DraftError(f"Cannot write in {path.parent} ({exc.strerror}); choose a folder you can write to.") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise DraftError(f"Could not write {path} ({exc.strerror}); nothing was written.") from None
    finally:
        if os.path.exists(tmp):  # any failure, including Ctrl-C: leave no partial file behind
            os.unlink(tmp)
    return path


def write(draft: Draft, path: Path, fmt: str | None = None, force: bool = False, paper: Paper = "A4") -> Path:
    """The draft in `fmt` (or the format of the name) at `path`; DOCX and PDF on `paper`."""
    chosen = output_format(path, fmt)
    check_format(chosen, draft.language)
    check_target(Path(path).expanduser(), force)  # before the work of laying out a document
    if chosen == "docx":
        document = draft_to_docx(draft, paper)
        return atomic_write(path, document.save, force)
    if chosen == "pdf":
        data = draft_to_pdf(draft, paper)
        return atomic_write(path, lambda fh: fh.write(data), force)
    return atomic_write(path, lambda fh: fh.write(draft.markdown.encode("utf-8")), force)


def write_markdown(draft: Draft, path: Path, force: bool = False) -> Path:
    """The draft as a UTF-8 Markdown file."""
    return write(draft, path, "md", force)


def write_docx(draft: Draft, path: Path, force: bool = False, paper: Paper = "A4") -> Path:
    """The draft as a Word document."""
    return write(draft, path, "docx", force, paper)


def write_pdf(draft: Draft, path: Path, force: bool = False, paper: Paper = "A4") -> Path:
    """The draft as a PDF."""
    return write(draft, path, "pdf", force, paper)
