"""The naive RAG pipeline most projects ship, as the yardstick: fixed-size chunks over the concatenated
knowledge text, the same embedding model, dense top-4, the chunks as the "answer"."""

from __future__ import annotations

import bisect
import re
import time
from dataclasses import dataclass

import numpy as np
from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.knowledge import KnowledgeBase
from assistant.ports import Embedder

HEADER = re.compile(r"^Article (\d{1,2})\. ", re.M)
TOP = 4


@dataclass(frozen=True)
class BaselineResult:
    articles: list[int]  # articles of the retrieved chunks, best first
    cited: list[int]  # every article number the chunks contain
    text: str
    latency_ms: float


def knowledge_text(kb: KnowledgeBase) -> tuple[str, int]:
    """The whole knowledge base as one text, and the offset where the guidance notes (no article) begin."""
    parts = []
    for a in kb.articles:
        body = "\n\n".join(f"{p.heading}\n{p.text}" for p in a.paragraphs)
        parts.append(f"Article {a.number}. {a.title}\n{a.summary}\n\n{body}\n\n{a.practice_notes}")
    articles = "\n\n".join(parts)
    guidance = [g.title + "\n" + "\n\n".join(f"{s.heading}\n{s.text}" for s in g.sections) for g in kb.guidance]
    return articles + "\n\n" + "\n\n".join(guidance), len(articles)


class NaiveRAG:
    def __init__(self, kb: KnowledgeBase, embedder: Embedder):
        start = time.perf_counter()
        text, self._guidance_start = knowledge_text(kb)
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200, add_start_index=True)
        docs = splitter.create_documents([text])
        headers = [(m.start(), int(m.group(1))) for m in HEADER.finditer(text)]
        self._starts = [h[0] for h in headers]
        self._numbers = [h[1] for h in headers]
        self.chunks = [d.page_content for d in docs]
        self.chunk_article = [self._article_at(d.metadata["start_index"]) for d in docs]
        self.embedder = embedder
        self.vectors = embedder.encode(self.chunks)
        self.build_seconds = time.perf_counter() - start

    def _article_at(self, offset: int) -> int | None:
        if offset >= self._guidance_start:
            return None
        i = bisect.bisect_right(self._starts, offset) - 1
        return self._numbers[i] if i >= 0 else None

    def run(self, question: str) -> BaselineResult:
        start = time.perf_counter()
        q = self.embedder.encode_query(question)
        top = np.argsort(-(self.vectors @ q))[:TOP]
        articles, cited = [], []
        for i in top:
            chunk_articles = [self.chunk_article[i], *(int(n) for n in HEADER.findall(self.chunks[i]))]
            for n in chunk_articles:
                if n is not None and n not in cited:
                    cited.append(n)
            if self.chunk_article[i] is not None and self.chunk_article[i] not in articles:
                articles.append(self.chunk_article[i])
        text = "\n\n".join(self.chunks[i] for i in top)
        return BaselineResult(articles, cited, text, round((time.perf_counter() - start) * 1000, 2))
