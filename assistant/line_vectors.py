"""The answer lines as translated into French, Spanish, Russian, Arabic and Chinese, embedded with the multilingual
model, so that a question in one of those languages is matched against the lines in its own language (the role
the English lines play for an English question) rather than across languages against the English lines.

Embedding some 3,600 translated lines takes minutes on 2 cores, so the repository ships them as
knowledge/vectors/answers-<lang>.* (assistant/shipped_vectors.py), written by `make vectors`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np

from assistant.chunking import build_passages
from assistant.embeddings import get_multilingual_embedder
from assistant.knowledge import load_knowledge
from assistant.ports import Embedder
from assistant.records import Passage
from assistant.settings import Settings
from assistant.shipped_vectors import ship, vectors_for
from assistant.translations import Language, load_languages


def set_name(code: str) -> str:
    """The name of a language's shipped line vectors in knowledge/vectors/."""
    return f"answers-{code}"


def line_texts(passages: Iterable[Passage], language: Language) -> dict[str, str]:
    """What the model reads of each translated answer line, by passage id."""
    out = {}
    for p in passages:
        if p.kind == "answer" and (text := language.embedding_text(p)):
            out[p.id] = text
    return out


def line_vectors(knowledge_dir: Path, code: str, texts: dict[str, str], embedder: Embedder) -> dict[str, np.ndarray]:
    """Each translated line's vector, by passage id (shipped where unchanged, embedded now otherwise)."""
    return vectors_for(knowledge_dir, set_name(code), texts, embedder)


def ship_translations(settings: Settings) -> list[Path]:
    """`make vectors`: the line vectors of every language the knowledge folder translates into."""
    kb = load_knowledge(settings.knowledge_dir)
    passages = build_passages(kb.articles, kb.guidance, settings.chunking.max_chars, kb.answers)
    languages = load_languages(kb, settings.knowledge_dir, settings.prompts_dir)
    embedder = get_multilingual_embedder()
    return [
        ship(settings.knowledge_dir, set_name(code), line_texts(passages, language), embedder)
        for code, language in languages.items()
        if code != "en"
    ]
