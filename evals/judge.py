"""Judge whether an answer states a key fact: embedding similarity between the fact and the answer's most
similar sentence. `validate_judge` shows the threshold separates right answers from shuffled ones."""

from __future__ import annotations

import re

import numpy as np

from assistant.ports import Embedder

THRESHOLD = 0.60  # calibrated on evals/dev.jsonl: see docs/evaluation.md
SENTENCE = re.compile(r"(?<=[.;:!?])\s+|\n+")


def sentences(text: str) -> list[str]:
    return [s.strip(" -*_") for s in SENTENCE.split(text) if len(s.strip(" -*_")) > 3]


class Judge:
    """Scores facts against answers, remembering sentence vectors: answers quote the same passages (and the
    baseline the same chunks) again and again, so most sentences need embedding only once per run."""

    def __init__(self, embedder: Embedder):
        self.embedder = embedder
        self._vectors: dict[str, np.ndarray] = {}

    def _encode(self, texts: list[str]) -> np.ndarray:
        new = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if new:
            self._vectors.update(zip(new, self.embedder.encode(new), strict=True))
        return np.stack([self._vectors[t] for t in texts])

    def scores(self, facts: list[str], answer: str) -> list[float]:
        """For each fact, the cosine similarity of the answer sentence closest to it (0 when no sentence)."""
        parts = sentences(answer)
        if not facts:
            return []
        if not parts:
            return [0.0] * len(facts)
        return [float(x) for x in (self._encode(facts) @ self._encode(parts).T).max(axis=1)]


def validate_judge(scores_true: list[float], scores_shuffled: list[float], threshold: float = THRESHOLD) -> dict:
    """How often the judge says 'present' for the right answer versus for another question's answer."""
    t = np.asarray(scores_true)
    s = np.asarray(scores_shuffled)
    return {
        "threshold": threshold,
        "present_rate_true": round(float((t >= threshold).mean()), 3) if len(t) else None,
        "present_rate_shuffled": round(float((s >= threshold).mean()), 3) if len(s) else None,
        "mean_score_true": round(float(t.mean()), 3) if len(t) else None,
        "mean_score_shuffled": round(float(s.mean()), 3) if len(s) else None,
    }
