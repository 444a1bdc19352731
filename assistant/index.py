"""Build, check the freshness of, and open the index: a Chroma store plus the passages it was built from.

Layout under the data directory:
    index            -> a symlink to the live build (swapped atomically)
    index-builds/ID/ one build: chroma/, passages.jsonl, manifest.json (written last: marks it complete)
    index.lock       held while building, so two processes never build at once
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ValidationError

from assistant.chunking import build_passages, embedding_text
from assistant.embeddings import get_embedder, model_id, packaged_model_path
from assistant.errors import IndexCorrupt, IndexMissing
from assistant.knowledge import knowledge_files, load_knowledge
from assistant.official import load_official, official_files
from assistant.records import Passage
from assistant.settings import Settings

SCHEMA = 4  # bump when the passage layout or metadata changes, so old indexes rebuild
COLLECTION = "passages"
log = logging.getLogger(__name__)


class Manifest(BaseModel):
    schema_version: int
    fingerprint: str
    model: str
    count: int
    built_at: str
    build_seconds: float
    official_languages: list[str] = []

    @property
    def version(self) -> str:
        return self.fingerprint[:12]


@dataclass(frozen=True)
class LoadedIndex:
    manifest: Manifest
    passages: tuple[Passage, ...]
    vectors: np.ndarray  # unit vectors, row i belongs to passages[i]
    collection: object  # chromadb Collection; kept untyped so Chroma stays behind this module


def fingerprint(settings: Settings) -> str:
    """Hash of everything that shapes the index: knowledge, official text, model, chunking, schema."""
    digest = hashlib.sha256()
    model_path = settings.model_path or packaged_model_path()
    digest.update(f"schema={SCHEMA};model={model_id(model_path)};chunk={settings.chunking.max_chars}".encode())
    for path in [*knowledge_files(settings.knowledge_dir), *official_files(settings)]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _chroma(path: Path):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    # Telemetry off; no embedding function, so Chroma never fetches its default ONNX model:
    # we always pass vectors we computed ourselves.
    return chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))


def read_manifest(index_dir: Path) -> Manifest:
    path = index_dir / "manifest.json"
    if not index_dir.exists():
        raise IndexMissing(f"No index at {index_dir}: run `uncc index` to build it.")
    if not path.exists():
        raise IndexCorrupt(f"The index at {index_dir} has no manifest (a build was interrupted).")
    try:
        return Manifest.model_validate_json(path.read_text(encoding="utf-8"))
    except (ValidationError, ValueError, OSError) as exc:
        raise IndexCorrupt(f"The index manifest at {path} is unreadable ({exc.__class__.__name__}).") from exc


def open_index(settings: Settings) -> LoadedIndex:
    """Open the live index; raise IndexMissing or IndexCorrupt with what is wrong."""
    # Resolve the symlink: Chroma caches clients by path, and the link's path outlives a swapped build.
    index_dir = settings.index_dir.resolve()
    manifest = read_manifest(index_dir)
    try:
        lines = (index_dir / "passages.jsonl").read_text(encoding="utf-8").splitlines()
        passages = tuple(Passage.model_validate_json(line) for line in lines if line.strip())
        vectors = np.load(index_dir / "vectors.npy")
    except (OSError, ValueError, ValidationError) as exc:
        raise IndexCorrupt(
            f"The passages of the index at {index_dir} are unreadable ({exc.__class__.__name__})."
        ) from exc
    if len(passages) != manifest.count or vectors.shape[0] != manifest.count:
        raise IndexCorrupt(
            f"The index at {index_dir} is incomplete: manifest says {manifest.count} passages, "
            f"found {len(passages)} passages and {vectors.shape[0]} vectors."
        )
    if not (index_dir / "chroma" / "chroma.sqlite3").is_file():
        raise IndexCorrupt(f"The Chroma store in {index_dir} is missing.")
    try:
        collection = _chroma(index_dir / "chroma").get_collection(COLLECTION, embedding_function=None)
        stored = collection.count()
    except Exception as exc:  # Chroma raises sqlite, Rust-binding and value errors alike on a damaged store
        raise IndexCorrupt(f"The Chroma store in {index_dir} cannot be opened ({exc.__class__.__name__}).") from exc
    if stored != manifest.count:
        raise IndexCorrupt(f"The Chroma store in {index_dir} holds {stored} passages, expected {manifest.count}.")
    return LoadedIndex(manifest=manifest, passages=passages, vectors=vectors, collection=collection)


def _metadata(p: Passage) -> dict:
    # Chroma metadata cannot hold None; -1 and "" stand for "none" and are filtered on, never shown.
    return {
        "article": p.article if p.article is not None else -1,
        "chapter": p.chapter,
        "source": p.source,
        "kind": p.kind,
    }


def build_index(settings: Settings, *, progress: bool = False) -> Manifest:
    """Build a new index beside the live one and swap it in atomically."""
    start = time.perf_counter()
    fp = fingerprint(settings)
    kb = load_knowledge(settings.knowledge_dir)
    official = load_official(settings)
    passages = build_passages([*official, *kb.articles], kb.guidance, settings.chunking.max_chars, kb.answers)
    embedder = get_embedder(settings.model_path)
    vectors = embedder.encode([embedding_text(p) for p in passages], progress=progress)

    builds = settings.home / "index-builds"
    builds.mkdir(parents=True, exist_ok=True)
    target = builds / f"{fp[:12]}-{time.time_ns()}"
    target.mkdir()
    collection = _chroma(target / "chroma").create_collection(
        COLLECTION, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
    )
    batch = 500
    for i in range(0, len(passages), batch):
        chunk = passages[i : i + batch]
        collection.add(
            ids=[p.id for p in chunk],
            embeddings=vectors[i : i + batch],
            metadatas=[_metadata(p) for p in chunk],
            documents=[p.text for p in chunk],
        )
    with open(target / "passages.jsonl", "w", encoding="utf-8") as fh:
        for p in passages:
            fh.write(p.model_dump_json() + "\n")
    np.save(target / "vectors.npy", vectors)
    manifest = Manifest(
        schema_version=SCHEMA,
        fingerprint=fp,
        model=embedder.id,
        count=len(passages),
        built_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        build_seconds=round(time.perf_counter() - start, 2),
        official_languages=[path.stem for path in official_files(settings)],
    )
    (target / "manifest.json").write_text(manifest.model_dump_json(indent=2), encoding="utf-8")
    _swap_in(settings.home, target)
    return manifest


def _swap_in(home: Path, target: Path) -> None:
    link = home / "index"
    tmp_link = home / f"index.new-{os.getpid()}"
    tmp_link.unlink(missing_ok=True)
    tmp_link.symlink_to(target.relative_to(home))
    if link.exists() and not link.is_symlink():  # a plain directory (not ours) cannot be replaced atomically
        shutil.rmtree(link)
    os.replace(tmp_link, link)  # atomic on POSIX: readers see the old build or the new, never half of one
    for old in (home / "index-builds").iterdir():
        if old != target:
            shutil.rmtree(old, ignore_errors=True)


@contextmanager
def _build_lock(home: Path) -> Iterator[None]:
    home.mkdir(parents=True, exist_ok=True)
    with open(home / "index.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@dataclass(frozen=True)
class EnsureResult:
    manifest: Manifest
    action: str  # "up to date" | "built" | "rebuilt"
    reason: str
    index: LoadedIndex  # opened once here, so callers do not read it from disk a second time


def ensure_index(settings: Settings, *, rebuild: bool = False, progress: bool = False) -> EnsureResult:
    """Build the index if it is missing, stale, damaged, or a rebuild is asked for."""
    with _build_lock(settings.home):
        reason = "rebuild requested" if rebuild else ""
        if not rebuild:
            try:
                manifest = read_manifest(settings.index_dir)
                if manifest.schema_version == SCHEMA and manifest.fingerprint == fingerprint(settings):
                    return EnsureResult(manifest, "up to date", "", open_index(settings))
                reason = "the knowledge files, official text or model changed"
            except IndexMissing:
                manifest = build_index(settings, progress=progress)
                return EnsureResult(manifest, "built", "no index yet", open_index(settings))
            except IndexCorrupt as exc:
                reason = f"the old index was damaged: {exc}"
                log.warning("%s Rebuilding.", exc)
        manifest = build_index(settings, progress=progress)
        return EnsureResult(manifest, "rebuilt", reason, open_index(settings))
