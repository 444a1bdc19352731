"""The per-question state that the answering stages read and fill in, one stage after another."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from assistant.records import Answer, Citation, Passage
from assistant.refs import ResolvedReferences


@dataclass(frozen=True)
class Turn:
    """What a follow-up question may lean on: the previous question and the articles it was about."""

    question: str
    focus_articles: tuple[int, ...]


@dataclass(frozen=True)
class Point:
    """One sentence of an answer and the citations behind it."""

    text: str
    citations: tuple[Citation, ...]


@dataclass
class Question:
    """Everything known about one question so far. A stage that settles the answer sets `answer`."""

    raw: str
    previous: Turn | None = None
    text: str = ""  # cleaned
    query: str = ""  # what retrieval reads: the text, with a follow-up's article named
    notes: list[str] = field(default_factory=list)
    refs: ResolvedReferences = field(default_factory=ResolvedReferences)
    qtype: str = "fact"
    passages: list[Passage] = field(default_factory=list)
    vector: np.ndarray | None = None
    lead_article: int | None = None
    mismatch: str = ""
    answer: Answer | None = None
    timings: dict[str, float] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)

    def timed(self, stage: str, since: float) -> float:
        """Record a stage's time once; returns now, the start of the next stage."""
        now = time.perf_counter()
        self.timings[f"{stage}_ms"] = round((now - since) * 1000, 2)
        return now

    def total_ms(self) -> float:
        return round((time.perf_counter() - self.started) * 1000, 2)
