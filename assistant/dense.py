"""Dense (embedding) search behind one seam, `DenseIndex`: the passage ids nearest a query vector.

Three implementations, chosen by the `chroma` settings section:
    embedded Chroma   the store inside the index directory (the default)
    Chroma server     `UNCC_CHROMA__URL=http://127.0.0.1:8000`, one collection per knowledge version
    numpy             exact cosine over the index's own vectors.npy (`UNCC_CHROMA__BACKEND=numpy`)

Chroma's types, its errors and its `where` syntax live only in this module; callers pass plain values.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

import numpy as np

from assistant.errors import AssistantError, IndexCorrupt, InvalidInput
from assistant.records import Passage
from assistant.settings import ChromaSettings

COLLECTION = "passages"  # the one collection of the embedded store (each index directory has its own store)
SERVER_PREFIX = "uncc-"  # a server holds one collection per knowledge version: uncc-<version>
FILLING = "-filling-"  # a collection being filled carries this in its name until it is complete
BATCH = 500
# Candidates HNSW examines per query. Chroma's default (100) made the dense top-100 differ from exact cosine
# on 44 of the first 60 questions of evals/dev.jsonl (up to 22 passages missing) and changed 8 of their 60
# top-5 article lists; at 1000 it matched exact search on 309 of 310 dev questions (the other differed only at
# the 100th place, a near-tie of 1e-7), at about 2 ms a query over 2,738 passages; lead-article and top-5
# scores on dev were the same either way, 2026-12-07.
HNSW = {"space": "cosine", "ef_search": 1000}
log = logging.getLogger(__name__)


class DenseIndex(Protocol):
    def query(self, vector: np.ndarray, n: int, *, article: int | None = None, chapter: str | None = None) -> list[str]:
        """Ids of the n passages nearest `vector`, best first, among those of this article and chapter."""
        ...


class ChromaServerError(AssistantError):
    """The Chroma server named by UNCC_CHROMA__URL cannot be used: unreachable, or without this knowledge
    version. The message names the URL and what to run; there is no fallback to a local index."""


def collection_name(fingerprint: str) -> str:
    """The server collection of one knowledge version (the index version: the fingerprint's first 12 digits)."""
    return f"{SERVER_PREFIX}{fingerprint[:12]}"


# -- numpy ------------------------------------------------------------------------------------------------


class NumpyIndex:
    """Exact cosine search over unit vectors held in memory: no Chroma, nothing written anywhere."""

    def __init__(self, passages: Sequence[Passage], vectors: np.ndarray):
        if len(passages) != vectors.shape[0]:
            raise ValueError(f"{len(passages)} passages but {vectors.shape[0]} vectors")
        self._ids = [p.id for p in passages]
        self._vectors = vectors
        self._articles = np.array([-1 if p.article is None else p.article for p in passages])
        self._chapters = np.array([p.chapter for p in passages])

    def query(self, vector: np.ndarray, n: int, *, article: int | None = None, chapter: str | None = None) -> list[str]:
        rows = np.arange(len(self._ids))
        if article is not None:
            rows = rows[self._articles[rows] == article]
        if chapter is not None:
            rows = rows[self._chapters[rows] == chapter]
        n = min(int(n), len(rows))
        if n <= 0:
            return []
        scores = self._vectors[rows] @ np.asarray(vector, dtype=self._vectors.dtype)
        top = np.argpartition(-scores, n - 1)[:n]
        best = top[np.argsort(-scores[top], kind="stable")]
        return [self._ids[r] for r in rows[best]]


# -- Chroma, embedded or on a server ----------------------------------------------------------------------


def _where(article: int | None, chapter: str | None) -> dict | None:
    conditions: list[dict] = []
    if article is not None:
        conditions.append({"article": article})
    if chapter is not None:
        conditions.append({"chapter": chapter})
    if len(conditions) > 1:
        return {"$and": conditions}
    return conditions[0] if conditions else None


def _metadata(p: Passage) -> dict:
    # Chroma metadata cannot hold None; -1 stands for "no article" and is never shown.
    return {
        "article": p.article if p.article is not None else -1,
        "chapter": p.chapter,
        "source": p.source,
        "kind": p.kind,
    }


def _add(collection, passages: Sequence[Passage], vectors: np.ndarray) -> None:
    for i in range(0, len(passages), BATCH):
        chunk = passages[i : i + BATCH]
        collection.add(
            ids=[p.id for p in chunk],
            embeddings=vectors[i : i + BATCH],
            metadatas=[_metadata(p) for p in chunk],
            documents=[p.text for p in chunk],
        )


class ChromaIndex:
    """A Chroma collection; `failed` turns a library error during a query into our own error."""

    def __init__(self, collection, failed: Callable[[Exception], AssistantError]):
        self._collection = collection
        self._failed = failed

    def query(self, vector: np.ndarray, n: int, *, article: int | None = None, chapter: str | None = None) -> list[str]:
        if n <= 0:
            return []
        try:
            result = self._collection.query(
                query_embeddings=[vector], n_results=int(n), where=_where(article, chapter), include=[]
            )
        except Exception as exc:  # Chroma raises HTTP, sqlite and Rust-binding errors alike
            raise self._failed(exc) from exc
        return list(result["ids"][0])


def _config():
    from chromadb.config import Settings as ChromaConfig

    # Telemetry off; no embedding function anywhere, so Chroma never fetches its default ONNX model:
    # we always pass vectors we computed ourselves.
    return ChromaConfig(anonymized_telemetry=False)


def _embedded(path: Path):
    import chromadb

    return chromadb.PersistentClient(path=str(path), settings=_config())


def write_embedded(path: Path, passages: Sequence[Passage], vectors: np.ndarray) -> None:
    """Create the embedded store of a new index build from vectors already computed."""
    collection = _embedded(path).create_collection(COLLECTION, embedding_function=None, configuration={"hnsw": HNSW})
    _add(collection, passages, vectors)


def open_embedded(path: Path, count: int) -> ChromaIndex:
    """The embedded store of an index; IndexCorrupt when it is missing, damaged or incomplete."""
    index_dir = path.parent
    if not (path / "chroma.sqlite3").is_file():
        raise IndexCorrupt(f"The Chroma store in {index_dir} is missing.")
    try:
        collection = _embedded(path).get_collection(COLLECTION, embedding_function=None)
        stored = collection.count()
    except Exception as exc:  # Chroma raises sqlite, Rust-binding and value errors alike on a damaged store
        raise IndexCorrupt(f"The Chroma store in {index_dir} cannot be opened ({exc.__class__.__name__}).") from exc
    if stored != count:
        raise IndexCorrupt(f"The Chroma store in {index_dir} holds {stored} passages, expected {count}.")

    def failed(exc: Exception) -> AssistantError:
        return IndexCorrupt(
            f"The Chroma store in {index_dir} could not be searched ({exc.__class__.__name__}): "
            "run `uncc index --rebuild`."
        )

    return ChromaIndex(collection, failed)


# -- the Chroma server ------------------------------------------------------------------------------------


def _address(url: str) -> tuple[str, int, bool]:
    """Host, port and TLS of a server URL such as http://127.0.0.1:8000."""
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme not in ("http", "https") or not parts.hostname or port is None or parts.path not in ("", "/"):
        raise InvalidInput(
            f"UNCC_CHROMA__URL must be a Chroma server address with its port, e.g. http://127.0.0.1:8000; got {url!r}."
        )
    return parts.hostname, port, parts.scheme == "https"


def _start_hint(port: int) -> str:
    return f"`.venv/bin/chroma run --path DIR --host 127.0.0.1 --port {port}`"


def _unreachable(url: str, port: int, why: str) -> ChromaServerError:
    return ChromaServerError(
        f"Cannot reach the Chroma server at {url} ({why}). Start it with {_start_hint(port)} and fill it with "
        f"`uncc index` run with UNCC_CHROMA__URL={url} set; or unset UNCC_CHROMA__URL to use the index on "
        "this machine."
    )


class _Server:
    """A connection to the Chroma server at `url`, checked with one bounded request first."""

    def __init__(self, url: str, timeout: float):
        import httpx

        self.url = url.strip().rstrip("/")
        host, self.port, ssl = _address(self.url)
        # A bounded probe: Chroma's own client waits without limit for a host that does not answer.
        # trust_env=False: an office proxy must not see (or swallow) requests to the index server.
        try:
            response = httpx.get(f"{self.url}/api/v2/heartbeat", timeout=timeout, trust_env=False)
        except httpx.TimeoutException:
            raise _unreachable(self.url, self.port, f"no answer within {timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise _unreachable(self.url, self.port, _reason(exc)) from exc
        if response.status_code != 200 or "heartbeat" not in response.text:
            raise ChromaServerError(
                f"Something answers at {self.url}, but not as a Chroma server (HTTP {response.status_code}): check "
                f"the address and port in UNCC_CHROMA__URL, and start the server with {_start_hint(self.port)}."
            )
        try:
            import chromadb

            self.client = chromadb.HttpClient(host=host, port=self.port, ssl=ssl, settings=_config())
        except Exception as exc:  # HTTP and Chroma errors alike: the server went away or refused us
            raise _unreachable(self.url, self.port, _reason(exc)) from exc

    def failed(self, exc: Exception) -> AssistantError:
        return ChromaServerError(
            f"The Chroma server at {self.url} stopped answering ({_reason(exc)}). Check that "
            f"{_start_hint(self.port)} is still running, then try again."
        )

    def names(self) -> list[str]:
        try:
            return [c.name for c in self.client.list_collections()]
        except Exception as exc:
            raise self.failed(exc) from exc

    def held_versions(self) -> list[str]:
        names = self.names()
        return sorted(n.removeprefix(SERVER_PREFIX) for n in names if n.startswith(SERVER_PREFIX) and FILLING not in n)

    def complete(self, name: str, fingerprint: str, count: int):
        """The collection `name` if it holds this fingerprint's `count` passages, else None."""
        if name not in self.names():
            return None
        try:
            collection = self.client.get_collection(name, embedding_function=None)
            stored = collection.count()
        except Exception as exc:
            raise self.failed(exc) from exc
        if stored != count or (collection.metadata or {}).get("fingerprint") != fingerprint:
            return None
        return collection


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{exc.__class__.__name__}: {text}"[:200] if text else exc.__class__.__name__


def open_server(url: str, timeout: float, fingerprint: str, count: int) -> ChromaIndex:
    """The server's collection for this knowledge version; ChromaServerError naming the URL and what to run
    when the server cannot be reached or lacks a complete collection for this version."""
    server = _Server(url, timeout)
    name = collection_name(fingerprint)
    collection = server.complete(name, fingerprint, count)
    if collection is None:
        fill = f"`uncc index` with UNCC_CHROMA__URL={server.url} set"
        held = [v for v in server.held_versions() if v != fingerprint[:12]]
        if name in server.names():
            what = f"holds an incomplete collection {name} for this knowledge version: run {fill} to fill it again"
        elif held:
            what = (
                f"holds knowledge version {', '.join(held)}, not this machine's {fingerprint[:12]}: the knowledge "
                "files, official text or model here differ from those it was filled from. Bring them in line with "
                f"the machine that filled it, or run {fill} to add this version"
            )
        else:
            what = f"holds no index yet (knowledge version {fingerprint[:12]} is wanted): run {fill} to fill it"
        raise ChromaServerError(f"The Chroma server at {server.url} {what}.")
    return ChromaIndex(collection, server.failed)


def fill_collection(
    url: str, timeout: float, fingerprint: str, passages: Sequence[Passage], vectors: np.ndarray
) -> bool:
    """Put this knowledge version's passages and vectors on the server, unless it already holds them complete.
    True when it was filled now. Filled under a temporary name and renamed when complete, so a reader never
    sees half a collection; other versions' collections are left alone."""
    server = _Server(url, timeout)
    name = collection_name(fingerprint)
    if server.complete(name, fingerprint, len(passages)) is not None:
        return False
    temp = f"{name}{FILLING}{os.getpid()}-{time.time_ns()}"
    try:
        collection = server.client.create_collection(
            temp,
            embedding_function=None,
            configuration={"hnsw": HNSW},
            metadata={"fingerprint": fingerprint, "count": len(passages)},
        )
        _add(collection, passages, vectors)
        if name in server.names():  # an incomplete or mismatched collection under the final name
            server.client.delete_collection(name)
        collection.modify(name=name)
    except Exception as exc:
        try:
            if temp in server.names():
                server.client.delete_collection(temp)
        except Exception:  # the error worth reporting is the first one; a leftover is only named in the log
            log.warning("Could not remove the half-filled collection %s from %s.", temp, server.url)
        if isinstance(exc, AssistantError):
            raise
        if server.complete(name, fingerprint, len(passages)) is not None:
            return False  # another process filled it at the same time
        raise server.failed(exc) from exc
    return True


# -- choosing one -----------------------------------------------------------------------------------------


def open_dense(
    settings: ChromaSettings, index_dir: Path, fingerprint: str, passages: Sequence[Passage], vectors: np.ndarray
) -> DenseIndex:
    """The dense index the settings choose, for the index in `index_dir` (whose passages and vectors are given)."""
    if settings.backend == "numpy":
        if settings.url:
            raise InvalidInput(
                "UNCC_CHROMA__BACKEND=numpy searches the index's own vectors, so UNCC_CHROMA__URL cannot be used "
                "with it: unset one of the two."
            )
        return NumpyIndex(passages, vectors)
    if settings.url:
        return open_server(settings.url, settings.timeout, fingerprint, len(passages))
    return open_embedded(index_dir / "chroma", len(passages))
