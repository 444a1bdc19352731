"""Vectors the repository ships in knowledge/vectors/, so that starts and index builds read them instead of
embedding for minutes with the multilingual model on 2 cores.

Each set is NAME.npy (float16, one row per text) with NAME.json: the model, a key over every embedded text with
its id, and each id's text hash. Loading reuses every shipped row whose text is unchanged and embeds only the
rest, so editing a few passages or lines costs seconds, not a full re-embedding; `make vectors` stores the result
again, and tests/test_multilingual.py fails while a set's key is stale.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import numpy as np

from assistant.embeddings import MULTILINGUAL_ID
from assistant.ports import Embedder
from assistant.translations import line_hash

FOLDER = "vectors"
log = logging.getLogger(__name__)


def texts_key(texts: dict[str, str]) -> str:
    """What a set of vectors depends on: the model and every text it embeds, with its id."""
    digest = hashlib.sha256(MULTILINGUAL_ID.encode())
    for key, text in texts.items():
        digest.update(f"\0{key}\0{text}".encode())
    return digest.hexdigest()


def _paths(knowledge_dir: Path, name: str) -> tuple[Path, Path]:
    base = knowledge_dir / FOLDER / name
    return base.with_suffix(".npy"), base.with_suffix(".json")


def shipped_info(knowledge_dir: Path, name: str) -> dict:
    """The description of a shipped set; empty when there is none, it is unreadable or from another model."""
    try:
        info = json.loads(_paths(knowledge_dir, name)[1].read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) and info.get("model") == MULTILINGUAL_ID else {}


def vectors_for(
    knowledge_dir: Path, name: str, texts: dict[str, str], embedder: Embedder, *, progress: bool = False
) -> dict[str, np.ndarray]:
    """Each text's vector, by id: the shipped row where its text is unchanged, embedded now otherwise."""
    info = shipped_info(knowledge_dir, name)
    hashes = info.get("hashes", {})
    rows = {key: i for i, key in enumerate(hashes)}
    shipped = np.zeros((0, 0), dtype=np.float32)
    if rows:
        try:
            shipped = np.load(_paths(knowledge_dir, name)[0]).astype(np.float32)
        except (OSError, ValueError):
            rows = {}
        if shipped.shape[0] != len(rows):
            rows = {}
    out = {key: shipped[rows[key]] for key, text in texts.items() if key in rows and hashes[key] == line_hash(text)}
    missing = [key for key in texts if key not in out]
    if missing:
        log.info("Embedding %d texts of %s that the shipped vectors lack (`make vectors`).", len(missing), name)
        out |= dict(zip(missing, embedder.encode([texts[key] for key in missing], progress=progress), strict=True))
    return out


def ship(knowledge_dir: Path, name: str, texts: dict[str, str], embedder: Embedder, *, progress: bool = False) -> Path:
    """Store the vectors of these texts (float16) and their description in the knowledge folder, embedding only
    the texts the shipped vectors lack."""
    vectors = vectors_for(knowledge_dir, name, texts, embedder, progress=progress)
    npy, described = _paths(knowledge_dir, name)
    npy.parent.mkdir(parents=True, exist_ok=True)
    np.save(npy, np.stack([vectors[key] for key in texts]).astype(np.float16))
    info = {
        "model": MULTILINGUAL_ID,
        "key": texts_key(texts),
        "dimension": int(next(iter(vectors.values())).shape[0]),
        "hashes": {key: line_hash(text) for key, text in texts.items()},
    }
    described.write_text(json.dumps(info, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return npy
