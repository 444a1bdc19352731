"""The composition root: the one place that builds the system from settings.

Every interface (the `uncc` commands, the web app, the evaluation, the tests) gets its objects from
`load_runtime`; nothing else wires settings, knowledge, index, model, retriever and answerer together.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from assistant.answering import OTHER, Answerer, LanguageRouter
from assistant.embeddings import get_embedder, get_multilingual_embedder
from assistant.errors import InvalidInput, LLMError
from assistant.glossary import article_numbers, expand, load_glossary
from assistant.index import EnsureResult, LoadedIndex, ensure_index, open_index
from assistant.knowledge import KnowledgeBase, load_knowledge
from assistant.language import get_detector
from assistant.line_vectors import line_texts, line_vectors
from assistant.llm import BACKENDS, EXTRACTIVE, make_backend
from assistant.ports import Embedder
from assistant.retrieve import HybridRetriever, make_retriever
from assistant.settings import AnswerSettings, Settings
from assistant.translations import LANGUAGES, Language, load_languages


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    knowledge: KnowledgeBase
    index: LoadedIndex
    embedder: Embedder
    retriever: HybridRetriever
    answerer: LanguageRouter
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
    languages = load_languages(knowledge, settings.knowledge_dir, settings.prompts_dir)
    answerers = {"en": Answerer(retriever, settings.answer, backend, knowledge.overviews, languages["en"])}
    if settings.multilingual.enabled:
        answerers |= _other_languages(settings, retriever, backend, knowledge, languages)
    router = LanguageRouter(answerers, get_detector().detect, languages["en"].words["unsupported"])
    return Runtime(settings, knowledge, index, embedder, retriever, router, ensured, warnings)


def _other_languages(
    settings: Settings, retriever: HybridRetriever, backend, knowledge: KnowledgeBase, languages: dict[str, Language]
) -> dict[str, Answerer]:
    """An answerer for each of the other five languages, and one for a language outside the six (answered in
    English): the same corpus searched with the multilingual model, the glossary's terms and article names."""
    glossary = load_glossary()
    multi = settings.multilingual
    answer_settings = multi.answer_settings(settings.answer)
    embedder = get_multilingual_embedder()
    out = {}
    for code in (c for c in LANGUAGES if c != "en"):
        terms = partial(expand, lang=code, glossary=glossary)
        named = partial(article_numbers, lang=code, glossary=glossary)
        language = languages.get(code, languages["en"])  # a knowledge folder without this language's titles
        # Off by default (they made answers worse on dev): then their shipped files are not even read.
        texts = line_texts(retriever.passages, language) if multi.translated_lines else {}
        lines = line_vectors(settings.knowledge_dir, code, texts, embedder) if texts else {}
        search = retriever.localized(code, embedder, terms, named, multi.lexical_weight, lines)
        out[code] = Answerer(
            search, answer_settings, backend, knowledge.overviews, language, foreign=language.code != code
        )
    search = retriever.localized(OTHER, embedder, lambda query: [], lambda query: [], multi.lexical_weight)
    out[OTHER] = Answerer(search, answer_settings, backend, knowledge.overviews, languages["en"], foreign=True)
    return out


def _chat_backend(settings: Settings, name: str | None):
    """The chat backend, or None with a warning when the chosen one is not configured. A name that is no
    backend at all is the user's typing slip: an error, not a silent fallback."""
    try:
        return make_backend(settings.llm, name), ()
    except LLMError as exc:
        if name and name not in (*BACKENDS, *EXTRACTIVE):
            raise InvalidInput(str(exc)) from exc
        return None, (f"{exc} Using extractive answers.",)


def with_answer_settings(rt: Runtime, settings: AnswerSettings, language: str = "en") -> Answerer:
    """The answerer of a language over the same retriever and knowledge with other answer settings
    (calibration grids)."""
    base = rt.answerer.answerers.get(language, rt.answerer.english)
    return Answerer(base.retriever, settings, base.llm, rt.knowledge.overviews, base.language)
