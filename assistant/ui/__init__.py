"""The web app (Gradio): `app` lays out the page; `ask`, `draft`, `reader` hold the callbacks' logic; `guard`
turns any callback's error into what the user reads."""

from assistant.ui.app import build_app, launch_options, parse_auth

__all__ = ["build_app", "launch_options", "parse_auth"]
