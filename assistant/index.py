"""Build, check the freshness of, and open the index: the passages, their vectors and a dense index over them.

Layout under the data directory:
    index            -> a symlink to the live generation (swapped atomically)
    index-builds/ID/ one generation, never changed once built: in-use, chroma/, passages.jsonl, vectors.npy,
                     vectors-multilingual.npy, manifest.json (written last: marks it complete)
    index.lock       held while building (with the builder's pid in it), so two processes never build at once

Generations: every process that reads an index holds a shared flock on its generation's `in-use` file for as long
as it keeps the index open (`LoadedIndex.lease`). A build writes a new generation, points the link at it, and then
removes each older generation whose `in-use` it can lock exclusively without waiting: one a running app still
reads stays, and the first build after that app exits removes it. A running app keeps the generation it opened
(`newer_generation` tells it that another one is live). Reading takes no lock file and writes nothing, so a
read-only data folder serves a valid index (`read_only_home`: dense search then runs through numpy, because
embedded Chroma opens its files for writing); only a build needs the folder writable.

Dense search goes through `assistant.dense` (the embedded store in chroma/, a Chroma server, or numpy over
vectors.npy, as the `chroma` settings choose). With a Chroma server, `ensure_index` also fills the server's
collection for this knowledge version from vectors.npy when the server lacks it.

vectors-multilingual.npy holds the same passages embedded with the multilingual model, for questions in the other
five languages. Embedding them takes minutes on 2 cores, so the repository ships them
(knowledge/vectors/, written by `make vectors`, with a hash of each embedded text); a build copies the row of
every unchanged passage and embeds only the others (an ingested official text, a knowledge file edited since).
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import shutil
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
from pydantic import BaseModel, ValidationError

from assistant.chunking import build_passages, embedding_text
from assistant.dense import DenseIndex, collection_name, fill_collection, open_dense, write_embedded
from assistant.embeddings import get_embedder, get_multilingual_embedder, model_id, packaged_model_path
from assistant.errors import IndexBusy, IndexCorrupt, IndexMissing, IndexReadOnly
from assistant.knowledge import knowledge_files, load_knowledge
from assistant.official import OfficialSource, load_official, official_files, official_sources
from assistant.records import Passage
from assistant.settings import Settings
from assistant.shipped_vectors import ship, vectors_for

SCHEMA = 7  # bump when the passage layout, metadata or store configuration changes, so old indexes rebuild
log = logging.getLogger(__name__)


class Manifest(BaseModel):
    schema_version: int
    fingerprint: str
    model: str
    count: int
    built_at: str
    build_seconds: float
    official_languages: list[str] = []
    official_sources: list[OfficialSource] = []  # the file and SHA-256 each ingested text was read from

    @property
    def version(self) -> str:
        return self.fingerprint[:12]


@dataclass(frozen=True)
class LoadedIndex:
    manifest: Manifest
    passages: tuple[Passage, ...]
    vectors: np.ndarray  # unit vectors, row i belongs to passages[i]
    dense: DenseIndex  # nearest passage ids to a query vector; Chroma (if used) stays behind it
    multilingual: np.ndarray  # row i: passages[i] embedded with the multilingual model
    generation: Path | None = None  # the generation folder read (None: an index built in memory)
    lease: BinaryIO | None = None  # open for as long as this index is: its shared lock keeps the generation


def fingerprint(settings: Settings) -> str:
    """Hash of everything that shapes the index: knowledge, official text, model, chunking, schema."""
    digest = hashlib.sha256()
    model_path = settings.model_path or packaged_model_path()
    digest.update(f"schema={SCHEMA};model={model_id(model_path)};chunk={settings.chunking.max_chars}".encode())
    for path in [*knowledge_files(settings.knowledge_dir), *official_files(settings)]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


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


@dataclass(frozen=True)
class _Local:
    """What every index keeps on this machine, whichever dense index searches it."""

    index_dir: Path
    manifest: Manifest
    passages: tuple[Passage, ...]
    vectors: np.ndarray
    multilingual: np.ndarray
    lease: BinaryIO


IN_USE = "in-use"  # in each generation: its readers hold a shared flock on it, a builder removing it an exclusive one
GENERATIONS = "index-builds"
LEASE_TRIES = 5  # the link moved to another generation between resolving it and locking: rare, retried


def _lease(link: Path) -> tuple[Path, BinaryIO]:
    """The live generation, with a shared lock on it that lasts as long as the returned file stays open. Opened
    for reading only, so a read-only data folder is leased the same way."""
    for _ in range(LEASE_TRIES):
        # Resolve the link: Chroma caches clients by path, and the link outlives a swapped build.
        index_dir = link.resolve()
        try:
            fh = open(index_dir / IN_USE, "rb")  # noqa: SIM115  # held open by the LoadedIndex, closed with it
        except FileNotFoundError:
            if link.resolve() != index_dir:
                continue  # removed between resolving and opening; the link points at a newer generation
            read_manifest(index_dir)  # no index, or one interrupted: IndexMissing or IndexCorrupt
            raise IndexCorrupt(
                f"The index at {index_dir} was built by an older version of the assistant: run `uncc index` to "
                "rebuild it."
            ) from None
        fcntl.flock(fh, fcntl.LOCK_SH)
        # A builder removes `in-use` first, under its exclusive lock: still there now means kept while we hold it.
        if (index_dir / IN_USE).exists():
            return index_dir, fh
        fh.close()
    raise IndexCorrupt(f"The index at {link} changed {LEASE_TRIES} times while it was being opened: try again.")


def _read_local(settings: Settings) -> _Local:
    index_dir, lease = _lease(settings.index_dir)
    try:
        manifest = read_manifest(index_dir)
        try:
            lines = (index_dir / "passages.jsonl").read_text(encoding="utf-8").splitlines()
            passages = tuple(Passage.model_validate_json(line) for line in lines if line.strip())
            vectors = np.load(index_dir / "vectors.npy")
            multilingual = np.load(index_dir / MULTILINGUAL_FILE).astype(np.float32)
        except (OSError, ValueError, ValidationError) as exc:
            raise IndexCorrupt(
                f"The passages of the index at {index_dir} are unreadable ({exc.__class__.__name__})."
            ) from exc
        count = manifest.count
        if len(passages) != count or vectors.shape[0] != count or len(multilingual) != count:
            raise IndexCorrupt(
                f"The index at {index_dir} is incomplete: manifest says {count} passages, "
                f"found {len(passages)} passages and {vectors.shape[0]} vectors."
            )
    except Exception:
        lease.close()
        raise
    return _Local(index_dir, manifest, passages, vectors, multilingual, lease)


def read_only_home(settings: Settings) -> bool:
    """Whether this process must not write the data folder: said so (UNCC_READ_ONLY), or the folder is on a
    read-only mount or not writable for this user. Nothing is written to find out, so serving stays write-free;
    a mount is checked as well as the permissions because root may write where the permissions say it may not."""
    if settings.read_only:
        return True
    try:
        flags = os.statvfs(settings.home).f_flag
    except OSError:
        return False  # no folder yet: the first build creates it
    return bool(flags & os.ST_RDONLY) or not os.access(settings.home, os.W_OK)


def _open(settings: Settings, local: _Local) -> LoadedIndex:
    chroma = settings.chroma
    if chroma.backend == "chroma" and not chroma.url and read_only_home(settings):
        # Embedded Chroma opens its store for writing; the generation's own vectors give the same ranking.
        log.info("The data folder %s is read-only: dense search runs over vectors.npy.", settings.home)
        chroma = chroma.model_copy(update={"backend": "numpy"})
    try:
        dense = open_dense(chroma, local.index_dir, local.manifest.fingerprint, local.passages, local.vectors)
    except Exception:
        local.lease.close()
        raise
    return LoadedIndex(
        local.manifest, local.passages, local.vectors, dense, local.multilingual, local.index_dir, local.lease
    )


def open_index(settings: Settings) -> LoadedIndex:
    """Open the live index; raise IndexMissing or IndexCorrupt with what is wrong, or ChromaServerError when
    the Chroma server the settings name is unreachable or lacks this knowledge version (no fallback). The
    generation opened stays on disk for as long as the returned index is alive."""
    return _open(settings, _read_local(settings))


def newer_generation(settings: Settings, index: LoadedIndex) -> Manifest | None:
    """The manifest of the live generation when it is not the one `index` reads (a build since it was opened),
    else None: a running process keeps its generation until it restarts."""
    live = settings.index_dir.resolve()
    if index.generation is None or live == index.generation:
        return None
    try:
        return read_manifest(live)
    except (IndexMissing, IndexCorrupt):
        return None


def build_index(settings: Settings, *, progress: bool = False) -> Manifest:
    """Build a new index beside the live one and swap it in atomically."""
    start = time.perf_counter()
    fp = fingerprint(settings)
    kb = load_knowledge(settings.knowledge_dir)
    official = load_official(settings)
    passages = build_passages([*official, *kb.articles], kb.guidance, settings.chunking.max_chars, kb.answers)
    embedder = get_embedder(settings.model_path)
    vectors = embedder.encode([embedding_text(p) for p in passages], progress=progress)
    multilingual = multilingual_vectors(passages, settings.knowledge_dir, progress=progress)

    builds = settings.home / GENERATIONS
    builds.mkdir(parents=True, exist_ok=True)
    target = builds / f"{fp[:12]}-{time.time_ns()}"
    target.mkdir()
    (target / IN_USE).touch()  # first: a build interrupted after this is removed like any unused generation
    # Every build gets its own embedded store, whichever dense index the settings choose now: a copy of the
    # index then works in every mode, and a server's collection is filled from the same vectors.
    write_embedded(target / "chroma", passages, vectors)
    with open(target / "passages.jsonl", "w", encoding="utf-8") as fh:
        for p in passages:
            fh.write(p.model_dump_json() + "\n")
    np.save(target / "vectors.npy", vectors)
    np.save(target / MULTILINGUAL_FILE, multilingual.astype(np.float16))
    manifest = Manifest(
        schema_version=SCHEMA,
        fingerprint=fp,
        model=embedder.id,
        count=len(passages),
        built_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        build_seconds=round(time.perf_counter() - start, 2),
        official_languages=[path.stem for path in official_files(settings)],
        official_sources=official_sources(settings),
    )
    (target / "manifest.json").write_text(manifest.model_dump_json(indent=2), encoding="utf-8")
    _swap_in(settings.home, target)
    return manifest


MULTILINGUAL_FILE = "vectors-multilingual.npy"
SHIPPED = "multilingual"  # the passages' set in knowledge/vectors/ (assistant/shipped_vectors.py)


def passage_texts(passages: Sequence[Passage]) -> dict[str, str]:
    """What the multilingual model reads of each passage, by passage id."""
    return {p.id: embedding_text(p) for p in passages}


def multilingual_vectors(passages: Sequence[Passage], knowledge_dir: Path, *, progress: bool = False) -> np.ndarray:
    """The passages' multilingual vectors: shipped where a passage is unchanged, embedded now otherwise (an
    ingested official text, a knowledge file edited since `make vectors`)."""
    texts = passage_texts(passages)
    vectors = vectors_for(knowledge_dir, SHIPPED, texts, get_multilingual_embedder(), progress=progress)
    return np.stack([vectors[key] for key in texts]).astype(np.float32)


def ship_multilingual(settings: Settings, *, progress: bool = True) -> Path:
    """`make vectors`: store the knowledge's own passages (no official text) embedded with the multilingual model
    in the knowledge folder, embedding only those changed since the last time."""
    kb = load_knowledge(settings.knowledge_dir)
    passages = build_passages(kb.articles, kb.guidance, settings.chunking.max_chars, kb.answers)
    embedder = get_multilingual_embedder()
    return ship(settings.knowledge_dir, SHIPPED, passage_texts(passages), embedder, progress=progress)


def _swap_in(home: Path, target: Path) -> None:
    link = home / "index"
    tmp_link = home / f"index.new-{os.getpid()}"
    tmp_link.unlink(missing_ok=True)
    tmp_link.symlink_to(target.relative_to(home))
    if link.exists() and not link.is_symlink():  # a plain directory (not ours) cannot be replaced atomically
        shutil.rmtree(link)
    os.replace(tmp_link, link)  # atomic on POSIX: readers see the old build or the new, never half of one
    collect_generations(home, keep=target)


def collect_generations(home: Path, keep: Path) -> list[Path]:
    """Remove every generation but `keep` that no process reads, and return them; one in use stays for a later
    build to remove. Called by the builder only, under the build lock, so no generation is half-built here."""
    removed = []
    for old in sorted((home / GENERATIONS).iterdir()):
        if old == keep:
            continue
        try:
            fh = open(old / IN_USE, "rb")  # noqa: SIM115  # closed below, after the removal it guards
        except FileNotFoundError:  # built before generations were leased, or half removed: nobody can hold it
            shutil.rmtree(old, ignore_errors=True)
            removed.append(old)
            continue
        with fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                log.info("Keeping %s: a running process still reads it.", old)
                continue
            (old / IN_USE).unlink()  # first, so a reader that waited on our lock sees it gone and retries
            shutil.rmtree(old, ignore_errors=True)
            removed.append(old)
    return removed


@contextmanager
def _build_lock(home: Path, wait: float) -> Iterator[None]:
    """Hold the build lock; when another process holds it, say so at once on stderr (whichever command or app is
    starting) and wait up to `wait` seconds for it."""
    home.mkdir(parents=True, exist_ok=True)
    # Not opened with "w": that would empty the file, and with it the pid the holder wrote for waiters to read.
    with os.fdopen(os.open(home / "index.lock", os.O_RDWR | os.O_CREAT, 0o644), "r+", encoding="ascii") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = fh.read().strip() or "unknown"
            print(
                f"Another build of the index is running (pid {holder}); waiting up to {wait:g} s for it ...",
                file=sys.stderr,
                flush=True,
            )
            deadline = time.monotonic() + wait
            while True:
                time.sleep(min(0.2, wait))
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise IndexBusy(
                            f"Another build of the index (pid {holder}) was still running after {wait:g} s. Let it "
                            "finish (or stop it), then run the command again; UNCC_BUILD_WAIT sets how long to wait."
                        ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fh.flush()
            fcntl.flock(fh, fcntl.LOCK_UN)


SENT = "copied to the Chroma server"  # the action when only the server's collection was missing


@dataclass(frozen=True)
class EnsureResult:
    manifest: Manifest
    action: str  # "up to date" | "built" | "rebuilt" | SENT
    reason: str
    index: LoadedIndex  # opened once here, so callers do not read it from disk a second time


def ensure_index(
    settings: Settings,
    *,
    rebuild: bool = False,
    progress: bool = False,
    fill_server: bool = True,
) -> EnsureResult:
    """Build the index if it is missing, stale, damaged, or a rebuild is asked for. With a Chroma server set
    (UNCC_CHROMA__URL) and `fill_server`, put this version's vectors on the server when it lacks them; without
    `fill_server`, a server lacking them is an error that says to run `uncc index`. An index that needs no build
    is opened without the build lock and without writing anything."""
    need = _Need("rebuilt", "rebuild requested") if rebuild else _current(settings, fill_server)
    if isinstance(need, EnsureResult):
        return need
    if read_only_home(settings):
        raise IndexReadOnly(
            f"The index in {settings.home} needs a build ({need.reason}), but that folder is read-only here. "
            "Run `uncc index` where it can be written (with the same knowledge files and official text), or set "
            "UNCC_HOME to a writable folder."
        )
    with _build_lock(settings.home, settings.build_wait):
        if not rebuild:  # another process may have built it while we waited
            need = _current(settings, fill_server)
            if isinstance(need, EnsureResult):
                return need
        build_index(settings, progress=progress)
        return _finish(settings, _read_local(settings), need.action, need.reason, fill_server)


@dataclass(frozen=True)
class _Need:
    action: str  # "built" | "rebuilt"
    reason: str


def _current(settings: Settings, fill_server: bool) -> EnsureResult | _Need:
    """The live index opened when it is up to date, else what a build must do and why."""
    try:
        manifest = read_manifest(settings.index_dir)
        if manifest.schema_version == SCHEMA and manifest.fingerprint == fingerprint(settings):
            return _finish(settings, _read_local(settings), "up to date", "", fill_server)
        return _Need("rebuilt", "the knowledge files, official text or model changed")
    except IndexMissing:
        return _Need("built", "no index yet")
    except IndexCorrupt as exc:
        log.warning("%s Rebuilding.", exc)
        return _Need("rebuilt", f"the old index was damaged: {exc}")


def _finish(settings: Settings, local: _Local, action: str, reason: str, fill: bool) -> EnsureResult:
    """Fill the Chroma server (if one is set and lacks this version) from the vectors on disk, then open."""
    chroma = settings.chroma
    if fill and chroma.url and chroma.backend == "chroma":
        fp = local.manifest.fingerprint
        if fill_collection(chroma.url, chroma.timeout, fp, local.passages, local.vectors):
            name = collection_name(fp)
            if action == "up to date":
                action, reason = SENT, f"{chroma.url} had no collection {name}"
            else:
                reason = f"{reason}; copied to the Chroma server at {chroma.url} as {name}"
    return EnsureResult(local.manifest, action, reason, _open(settings, local))
