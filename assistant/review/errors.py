"""The review desk's errors: one clear message each, shown by the CLI and the app without a traceback."""

from __future__ import annotations

from assistant.errors import IngestError, InvalidInput


class UnreadableRequest(IngestError):
    """The file cannot be read as a request: too large, protected, scanned without text, damaged."""

    exit_code = 2


class NotARequest(InvalidInput):
    """The text was read but is not a request for cooperation (a novel, the convention itself, an empty file)."""
