"""The composition root: the one place that builds the system from settings.

Every interface (the `uncc` commands, the web app, the evaluation, the tests) gets its objects from
`load_runtime`; nothing else wires settings, knowledge, index, model, retriever and answerer together.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.answering import Answerer
from assistant.embeddings import get_embedder
from assistant.errors import InvalidInput, LLMError
from assistant.index import EnsureResult, LoadedIndex, ensure_index, open_index
from assistant.knowledge import KnowledgeBase, load_knowledge
from assistant.llm import BACKENDS, EXTRACTIVE, make_backend
from assistant.ports import Embedder
from assistant.retrieve import HybridRetriever, make_retriever
from assistant.settings import AnswerSettings, Settings


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    knowledge: KnowledgeBase
    index: LoadedIndex
    embedder: Embedder
    retriever: HybridRetriever
    answerer: Answerer
    ensured: EnsureResult | None = None
    warnings: tuple[str, ...] = ()  # for the interface to show, e.g. an LLM backend that could not be used


def load_runtime(settings: Settings, *, ensure: bool = True, progress: bool = False, llm: str | None = None) -> Runtime:
    """Open the index (building it first if missing, stale or damaged, when `ensure`), the model, and the
    answerer with the chat backend that `llm` (or the settings) choose."""
    # Only `uncc index` fills a Chroma server: a front end that finds no collection for its knowledge there
    # says so rather than writing one.
    ensured = ensure_index(settings, progress=progress, fill_server=False) if ensure else None
    knowledge = load_knowledge(settings.knowledge_dir)
    index = ensured.index if ensured else open_index(settings)
    embedder = get_embedder(settings.model_path)
    retriever = make_retriever(index, embedder, settings.retrieval, knowledge.articles)
    backend, warnings = _chat_backend(settings, llm)
    answerer = Answerer(retriever, settings.answer, backend, knowledge.overviews)
    return Runtime(settings, knowledge, index, embedder, retriever, answerer, ensured, warnings)


def _chat_backend(settings: Settings, name: str | None):
    """The chat backend, or None with a warning when the chosen one is not configured. A name that is no
    backend at all is the user's typing slip: an error, not a silent fallback."""
    try:
        return make_backend(settings.llm, name), ()
    except LLMError as exc:
        if name and name not in (*BACKENDS, *EXTRACTIVE):
            raise InvalidInput(str(exc)) from exc
        return None, (f"{exc} Using extractive answers.",)


def with_answer_settings(rt: Runtime, settings: AnswerSettings) -> Answerer:
    """An answerer over the same retriever and knowledge with other answer settings (calibration grids)."""
    return Answerer(rt.retriever, settings, rt.answerer.llm, rt.knowledge.overviews)
