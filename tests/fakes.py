"""Small fakes behind the project's own protocols (assistant/ports.py), for fast unit tests of the answering
stages: a handful of passages and a bag-of-words "embedding", no model and no index."""

from __future__ import annotations

import hashlib
import re

import numpy as np

from assistant.chunking import build_passages, embedding_text
from assistant.dense import NumpyIndex
from assistant.index import LoadedIndex, Manifest
from assistant.records import Passage
from assistant.refs import ResolvedReferences, find_references
from assistant.retrieve import HybridRetriever
from assistant.settings import RetrievalSettings

DIM = 256
WORD = re.compile(r"[a-z0-9]+")
STOP = {"the", "a", "an", "is", "are", "for", "of", "to", "in", "by", "be", "it", "we", "our", "can", "must", "does"}


def embed(text: str) -> np.ndarray:
    """Words hashed into a unit vector: texts sharing words are similar, others nearly orthogonal."""
    vector = np.zeros(DIM)
    for word in WORD.findall(text.lower()):
        if word not in STOP:
            vector[int(hashlib.md5(word.encode()).hexdigest(), 16) % DIM] += 1.0
    norm = np.linalg.norm(vector)
    return vector / norm if norm else vector


def article(number: int, title: str, **fields) -> dict:
    return {"source": "restatement", "article": number, "title": title, "chapter": "V"} | fields


PASSAGES = [
    Passage(
        id="r:42:summary", text="Quick freeze of stored data abroad.", kind="summary", **article(42, "Preservation")
    ),
    Passage(
        id="r:42:p0:0",
        text="**Dual criminality**: dual criminality is not a condition for preservation.",
        kind="paragraph",
        heading="Later paragraphs",
        **article(42, "Preservation"),
    ),
    Passage(
        id="r:42:p0:1",
        text="**Duration**: preservation lasts at least 60 days.",
        kind="paragraph",
        heading="Later paragraphs",
        **article(42, "Preservation"),
    ),
    Passage(
        id="answer:42:1",
        text="No. Dual criminality is not a condition for preservation of stored data.",
        kind="answer",
        heading="Dual criminality",
        hint="Is dual criminality required for preservation of stored data?",
        polarity="no",
        **article(42, "Preservation"),
    ),
    Passage(
        id="answer:42:2",
        text="Preservation of stored data lasts at least 60 days.",
        kind="answer",
        heading="Duration",
        hint="How long does preservation of stored data last?",
        **article(42, "Preservation"),
    ),
    Passage(
        id="answer:42:3",
        text="Yes. A State can ask another to preserve stored data quickly.",
        kind="answer",
        heading="Dual criminality",
        hint="Can we ask another State to preserve stored data?",
        polarity="yes",
        **article(42, "Preservation"),
    ),
    Passage(
        id="g:absence:0",
        text="It says nothing about pizza recipes.",
        kind="absence",
        source="guidance",
        heading="Cooking",
        title="Not in the convention",
    ),
]


class FakeSearch:
    """Implements assistant.ports.Search over PASSAGES."""

    k = 5
    max_query_chars = 2000

    def __init__(self, passages: list[Passage] = PASSAGES):
        self.passages = passages
        self.titles = {p.article: p.title for p in passages if p.article is not None}
        self._vectors = {p.id: embed(f"{p.hint} {p.text}") for p in passages}

    # Corpus
    def summary(self, article: int) -> Passage | None:
        return next((p for p in self.passages if p.article == article and p.kind == "summary"), None)

    def article_passages(self, article: int) -> list[Passage]:
        return [p for p in self.passages if p.article == article and p.kind in ("paragraph", "notes")]

    def answer_lines(self, article: int | None = None, guidance_title: str | None = None) -> list[Passage]:
        return [p for p in self.passages if p.kind == "answer" and p.article == article and article is not None]

    def source_passage(self, line: Passage) -> Passage | None:
        return next((p for p in self.article_passages(line.article) if p.text.startswith(f"**{line.heading}**")), None)

    def statement(self, heading: str) -> Passage | None:
        return next((p for p in self.passages if p.kind == "absence" and p.heading == heading), None)

    def guidance_title(self, slug: str) -> str | None:
        return None

    # Retriever
    def retrieve(self, query: str, k: int = 5) -> list[Passage]:
        v = embed(query)
        shown = [p for p in self.passages if p.kind in ("summary", "paragraph")]
        return sorted(shown, key=lambda p: -float(self._vectors[p.id] @ v))

    def resolve(self, query: str) -> ResolvedReferences:
        refs = find_references(query)
        ours = tuple(r.number for r in refs if r.treaty == "un" and 1 <= r.number <= 68)
        missing = tuple(r.name for r in refs if r.treaty == "un" and not 1 <= r.number <= 68)
        return ResolvedReferences(articles=ours, nonexistent=missing, raw=tuple(refs))

    def query_vector(self, query: str) -> np.ndarray:
        return embed(query)

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.stack([embed(t) for t in texts])

    def vector(self, passage: Passage) -> np.ndarray:
        return self._vectors[passage.id]

    def similarity(self, query_vector: np.ndarray, passage: Passage) -> float:
        return float(self._vectors[passage.id] @ query_vector)

    def closest(self, query_vector: np.ndarray, articles: list[int]) -> float:
        sims = [self.similarity(query_vector, p) for p in self.passages if p.article in articles]
        return max(sims, default=-1.0)

    def absence(self, query_vector: np.ndarray) -> tuple[float, Passage | None]:
        found = [p for p in self.passages if p.kind == "absence"]
        best = max(found, key=lambda p: self.similarity(query_vector, p))
        return self.similarity(query_vector, best), best

    def lexical_scores(self, query: str, passages: list[Passage]) -> np.ndarray:
        words = set(WORD.findall(query.lower())) - STOP
        return np.array([len(words & set(WORD.findall(f"{p.hint} {p.text}".lower()))) for p in passages], float)

    def known_share(self, query: str) -> float:
        return 1.0


class FakeEmbedder:
    """Implements assistant.ports.Embedder with the bag-of-words vectors above: no model to load."""

    def encode(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        return np.stack([embed(t) for t in texts]) if texts else np.zeros((0, DIM))

    def encode_query(self, text: str) -> np.ndarray:
        return embed(text)

    def clear_cache(self) -> None:
        pass


def numpy_retriever(articles, guidance=(), answers=()) -> HybridRetriever:
    """The real hybrid retriever over a numpy index of these articles, embedded with the fake embedder."""
    passages = tuple(build_passages(list(articles), guidance, 1200, answers))
    embedder = FakeEmbedder()
    vectors = embedder.encode([embedding_text(p) for p in passages])
    manifest = Manifest(
        schema_version=0, fingerprint="f" * 64, model="fake", count=len(passages), built_at="", build_seconds=0
    )
    index = LoadedIndex(manifest, passages, vectors, NumpyIndex(passages, vectors), vectors)
    return HybridRetriever(index, embedder, RetrievalSettings(), {})
