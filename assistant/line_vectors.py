"""The answer lines as translated into French, Spanish, Russian, Arabic and Chinese, embedded with the multilingual
model, so that a question in one of those languages is matched against the lines in its own language (the role
the English lines play for an English question) rather than across languages against the English lines.

Embedding some 3,600 translated lines takes minutes on 2 cores, so the repository ships them in
knowledge/vectors/answers-<lang>.npy (float16) with answers-<lang>.json (the model, a key over every embedded
text, and each line's text hash), written by `make vectors`. Loading reuses every shipped row whose text is
unchanged and embeds only the rest, so a few retranslated lines cost a fraction of a second, not minutes;
tests/test_multilingual.py fails while any language's key is stale.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from assistant.chunking import build_passages
from assistant.embeddings import MULTILINGUAL_ID, get_multilingual_embedder
from assistant.knowledge import load_knowledge
from assistant.ports import Embedder
from assistant.records import Passage
from assistant.settings import Settings
from assistant.translations import Language, line_hash, load_languages

FOLDER = "vectors"
log = logging.getLogger(__name__)


def line_texts(passages: Iterable[Passage], language: Language) -> dict[str, str]:
    """What the model reads of each translated answer line, by passage id."""
    out = {}
    for p in passages:
        if p.kind == "answer" and (text := language.embedding_text(p)):
            out[p.id] = text
    return out


def texts_key(texts: dict[str, str]) -> str:
    """What a language's line vectors depend on: the model and every text it embeds, with its line."""
    digest = hashlib.sha256(MULTILINGUAL_ID.encode())
    for key, text in texts.items():
        digest.update(f"\0{key}\0{text}".encode())
    return digest.hexdigest()


def _paths(knowledge_dir: Path, code: str) -> tuple[Path, Path]:
    base = knowledge_dir / FOLDER / f"answers-{code}"
    return base.with_suffix(".npy"), base.with_suffix(".json")


def shipped_info(knowledge_dir: Path, code: str) -> dict:
    """The description of a language's shipped line vectors; empty when there are none or it is unreadable."""
    try:
        info = json.loads(_paths(knowledge_dir, code)[1].read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) and info.get("model") == MULTILINGUAL_ID else {}


def line_vectors(knowledge_dir: Path, code: str, texts: dict[str, str], embedder: Embedder) -> dict[str, np.ndarray]:
    """Each text's vector, by passage id: the shipped row where its text is unchanged, embedded now otherwise."""
    info = shipped_info(knowledge_dir, code)
    rows = {key: i for i, key in enumerate(info.get("lines", {}))}
    hashes = info.get("lines", {})
    shipped = np.zeros((0, 0), dtype=np.float32)
    if rows:
        try:
            shipped = np.load(_paths(knowledge_dir, code)[0]).astype(np.float32)
        except (OSError, ValueError):
            rows = {}
        if shipped.shape[0] != len(rows):
            rows = {}
    out = {key: shipped[rows[key]] for key, text in texts.items() if key in rows and hashes[key] == line_hash(text)}
    missing = [key for key in texts if key not in out]
    if missing:
        log.info("Embedding %d %s answer lines the shipped vectors lack (`make vectors`).", len(missing), code)
        out |= dict(zip(missing, embedder.encode([texts[key] for key in missing]), strict=True))
    return out


def ship(knowledge_dir: Path, code: str, texts: dict[str, str], embedder: Embedder) -> Path:
    """Store the vectors of these texts (float16) and their description in the knowledge folder, embedding only
    the texts the shipped vectors lack."""
    vectors = line_vectors(knowledge_dir, code, texts, embedder)
    npy, described = _paths(knowledge_dir, code)
    npy.parent.mkdir(parents=True, exist_ok=True)
    np.save(npy, np.stack([vectors[key] for key in texts]).astype(np.float16))
    info = {
        "model": MULTILINGUAL_ID,
        "key": texts_key(texts),
        "dimension": int(next(iter(vectors.values())).shape[0]),
        "lines": {key: line_hash(text) for key, text in texts.items()},
    }
    described.write_text(json.dumps(info, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return npy


def ship_translations(settings: Settings) -> list[Path]:
    """`make vectors`: the line vectors of every language the knowledge folder translates into."""
    kb = load_knowledge(settings.knowledge_dir)
    passages = build_passages(kb.articles, kb.guidance, settings.chunking.max_chars, kb.answers)
    languages = load_languages(kb, settings.knowledge_dir, settings.prompts_dir)
    embedder = get_multilingual_embedder()
    return [
        ship(settings.knowledge_dir, code, line_texts(passages, language), embedder)
        for code, language in languages.items()
        if code != "en"
    ]
