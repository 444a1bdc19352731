"""What every `uncc` command that needs the model shares: opening the system and saying what happened."""

from __future__ import annotations

import sys

from assistant.settings import Settings


def open_runtime(settings: Settings, llm: str | None = None):
    """The runtime for a command, saying on stderr when the index had to be (re)built or a backend is unusable."""
    from assistant.runtime import load_runtime  # heavy imports only for commands that need the model

    rt = load_runtime(settings, progress=sys.stderr.isatty(), llm=llm)
    if rt.ensured and rt.ensured.action != "up to date":
        print(f"Index {rt.ensured.action} ({rt.ensured.reason}).", file=sys.stderr)
    for warning in rt.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return rt
