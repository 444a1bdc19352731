"""The `uncc` command line: one module per group of commands; `main` parses and dispatches."""

from assistant.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
