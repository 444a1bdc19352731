"""Write drafts to the file the user names, and nowhere else.

Writes are atomic: the content goes to a temporary file beside the target, then `os.replace` puts it in
place, so an interrupted or failed write never leaves a partial request behind. An existing file is only
replaced when the user says so (`force`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from assistant.drafting.render import Draft
from assistant.drafting.word import markdown_to_docx
from assistant.errors import DraftError


def _check_target(path: Path, force: bool) -> None:
    if path.is_dir():
        raise DraftError(f"{path} is a folder; give a file name inside it, e.g. {path / 'request.docx'}.")
    parent = path.parent
    if not parent.exists():
        raise DraftError(f"The folder {parent} does not exist; create it first or choose another output path.")
    if not parent.is_dir():
        raise DraftError(f"{parent} is a file, not a folder; choose another output path.")
    if path.exists() and not force:
        raise DraftError(f"{path} already exists; add --force to replace it, or choose another output path.")


def atomic_write(path: Path, write: Callable[[BinaryIO], None], force: bool = False) -> Path:
    """Write through a temporary file in the target's folder, then rename it into place."""
    path = Path(path).expanduser()
    _check_target(path, force)
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


def write_markdown(draft: Draft, path: Path, force: bool = False) -> Path:
    """The draft as a UTF-8 Markdown file."""
    return atomic_write(path, lambda fh: fh.write(draft.markdown.encode("utf-8")), force)


def write_docx(draft: Draft, path: Path, force: bool = False) -> Path:
    """The draft as a Word document."""
    document = markdown_to_docx(draft.markdown, draft.title)
    return atomic_write(path, document.save, force)
