"""Wire settings, knowledge, index, model and retriever together once per process."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.embeddings import Embedder, get_embedder
from assistant.index import EnsureResult, LoadedIndex, ensure_index, open_index
from assistant.knowledge import KnowledgeBase, load_knowledge
from assistant.retrieve import HybridRetriever, make_retriever
from assistant.settings import Settings


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    knowledge: KnowledgeBase
    index: LoadedIndex
    embedder: Embedder
    retriever: HybridRetriever
    ensured: EnsureResult | None = None


def load_runtime(settings: Settings, *, ensure: bool = True, progress: bool = False) -> Runtime:
    """Open the index (building it first if missing, stale or damaged, when `ensure`) and the model."""
    ensured = ensure_index(settings, progress=progress) if ensure else None
    knowledge = load_knowledge(settings.knowledge_dir)
    index = ensured.index if ensured else open_index(settings)
    embedder = get_embedder(settings.model_path)
    retriever = make_retriever(index, embedder, settings.retrieval, knowledge.articles)
    return Runtime(settings, knowledge, index, embedder, retriever, ensured)
