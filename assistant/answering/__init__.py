"""Answering a question: stages over one per-question state (`answerer`), the composer (`compose`)."""

from assistant.answering.answerer import Answerer, as_turn
from assistant.answering.state import Turn

__all__ = ["Answerer", "Turn", "as_turn"]
