"""The protocols the services depend on. `HybridRetriever` implements them over the real index; the
unit tests use a small fake (tests/fakes.py). Chroma, the model and BM25 stay behind them."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from assistant.records import Passage
from assistant.refs import ResolvedReferences


class Embedder(Protocol):
    """Unit vectors for texts: the packaged sentence-transformers model (assistant/embeddings.py), or a fake."""

    def encode(self, texts: list[str], *, progress: bool = False) -> np.ndarray: ...

    def encode_query(self, text: str) -> np.ndarray: ...

    def clear_cache(self) -> None: ...


class Corpus(Protocol):
    """Look-ups in the knowledge base as indexed: articles, their provisions, answer lines, statements."""

    titles: dict[int, str]

    def summary(self, article: int) -> Passage | None: ...

    def article_passages(self, article: int) -> list[Passage]: ...

    def answer_lines(self, article: int | None = None, guidance_title: str | None = None) -> list[Passage]: ...

    def source_passage(self, line: Passage) -> Passage | None: ...

    def statement(self, heading: str) -> Passage | None: ...

    def guidance_title(self, slug: str) -> str | None: ...


class Retriever(Protocol):
    """Ranking: passages for a question, and the similarities the answerer weighs."""

    k: int
    max_query_chars: int

    def retrieve(self, query: str, k: int = 5) -> list[Passage]: ...

    def resolve(self, query: str) -> ResolvedReferences: ...

    def query_vector(self, query: str) -> np.ndarray: ...

    def encode(self, texts: list[str]) -> np.ndarray: ...

    def vector(self, passage: Passage) -> np.ndarray: ...

    def similarity(self, query_vector: np.ndarray, passage: Passage) -> float: ...

    def closest(self, query_vector: np.ndarray, articles: list[int]) -> float: ...

    def absence(self, query_vector: np.ndarray) -> tuple[float, Passage | None]: ...

    def lexical_scores(self, query: str, passages: list[Passage]) -> np.ndarray: ...

    def known_share(self, query: str) -> float: ...


class Search(Corpus, Retriever, Protocol):
    """What the answerer is given: one object that both ranks and looks up."""
