"""Answering a question: stages over one per-question state (`answerer`), the composer (`compose`),
the answerer of each language (`router`)."""

from assistant.answering.answerer import Answerer, as_turn
from assistant.answering.router import OTHER, LanguageRouter
from assistant.answering.state import Turn

__all__ = ["OTHER", "Answerer", "LanguageRouter", "Turn", "as_turn"]
