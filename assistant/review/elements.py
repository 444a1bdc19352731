"""What each element of a form is compared with: its label and help text from `knowledge/forms/TYPE.yaml`,
plus the phrasings incoming requests use for it (`prompts/review/elements.yaml`), embedded once per process.

The extra phrasings are generic ("we ask that the account holder not be told"), never taken from the
development requests, and they add to the form's own words: the form stays the checklist.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import yaml

from assistant.drafting.forms import FieldSpec, FormSpec, form_types, load_form
from assistant.errors import KnowledgeError
from assistant.ports import Embedder

# Instructions to the drafter that say nothing about what the element is.
_DRAFTING_NOTES = re.compile(r"\s*(At least \d+ words\.|YYYY-MM-DD\.?|One item per [^,.]*[,.]?)\s*", re.I)
_TRUE_IF = re.compile(r"^true if\s+", re.I)


@dataclass(frozen=True)
class ElementSpec:
    """One element of one form, with the texts it is recognised by."""

    field: FieldSpec
    texts: tuple[str, ...]  # label first, then help text and model sentences
    headings: tuple[str, ...]  # label first, then the words that head its section in letters and e-mails

    @property
    def name(self) -> str:
        return self.field.name


@dataclass(frozen=True)
class FormVectors:
    """A form's elements and the unit vectors of their texts (rows of `vectors`, element by `owner`)."""

    form: FormSpec
    elements: tuple[ElementSpec, ...]
    vectors: np.ndarray  # (texts, dim)
    owner: np.ndarray  # (texts,) index of the element each row describes
    head_vectors: np.ndarray  # (headings, dim) each element's label and heading words, for matching headings
    head_owner: np.ndarray  # (headings,) index of the element each row names
    type_vectors: np.ndarray  # (k, dim) the form's title, summary and type phrases, for type detection
    basis_articles: frozenset[int]  # articles a request of this type cites as its basis


def describe(field: FieldSpec) -> str:
    """The help text without the drafting instructions (word counts, date format)."""
    text = _DRAFTING_NOTES.sub(" ", field.help).strip()
    return _TRUE_IF.sub("", text).strip()


@cache
def _cues(prompts_dir: Path) -> dict[str, dict[str, list[str]]]:
    path = prompts_dir / "review" / "elements.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path} is missing or not valid YAML ({exc}); restore it from git.") from exc
    if not isinstance(data, dict):
        raise KnowledgeError(f"{path}: expected a mapping of request types to elements.")
    return data


@cache
def _types(prompts_dir: Path) -> dict[str, dict]:
    path = prompts_dir / "review" / "types.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return {
            t: {"articles": [int(a) for a in v["articles"]], "phrases": [str(x) for x in v["phrases"]]}
            for t, v in data.items()
        }
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise KnowledgeError(f"{path} is missing or malformed ({exc}); restore it from git.") from exc


def element_specs(form: FormSpec, prompts_dir: Path) -> tuple[ElementSpec, ...]:
    """The form's elements with their texts: label, help, label and help together, and the extra phrasings."""
    cues = _cues(prompts_dir)
    common, own = cues.get("all") or {}, cues.get(form.type) or {}
    unknown = sorted(set(cues.get(form.type) or {}) - {f.name for f in form.fields})
    if unknown:
        raise KnowledgeError(f"{prompts_dir / 'review' / 'elements.yaml'}: {form.type} has no elements {unknown}.")
    out = []
    for field in form.fields:
        help_text = describe(field)
        entries = [_entry(common.get(field.name)), _entry(own.get(field.name))]
        phrases = [t for e in entries for t in e["phrases"]]
        headings = [t for e in entries for t in e["headings"]]
        texts = [field.label, help_text, f"{field.label}: {help_text}", *phrases]
        out.append(
            ElementSpec(
                field,
                tuple(t for t in dict.fromkeys(texts) if t),
                tuple(t for t in dict.fromkeys([field.label, *headings]) if t),
            )
        )
    return tuple(out)


def _entry(value: object) -> dict[str, list[str]]:
    """An element's entry in elements.yaml: a list of model sentences, or {phrases: [...], headings: [...]}."""
    if value is None:
        return {"phrases": [], "headings": []}
    if isinstance(value, list):
        return {"phrases": [str(v) for v in value], "headings": []}
    if isinstance(value, dict) and set(value) <= {"phrases", "headings"}:
        return {k: [str(v) for v in value.get(k) or []] for k in ("phrases", "headings")}
    raise KnowledgeError(
        f"elements.yaml: an element's entry must be a list or a mapping of phrases and headings, not {value!r}."
    )


class FormLibrary:
    """Every form with its vectors, computed on first use and kept: the forms do not change while we run.

    The vectors are also kept on disk (in `cache_dir`, under a name that changes with the model, the form file
    and the phrasings), so a new process does not embed the seven forms again."""

    def __init__(self, knowledge_dir: Path, prompts_dir: Path, embedder: Embedder, cache_dir: Path | None = None):
        self.knowledge_dir = knowledge_dir
        self.prompts_dir = prompts_dir
        self.embedder = embedder
        self.cache_dir = cache_dir
        self._forms: dict[str, FormVectors] = {}
        self._lock = threading.Lock()

    def types(self) -> list[str]:
        return form_types(self.knowledge_dir)

    def get(self, request_type: str) -> FormVectors:
        with self._lock:
            if request_type not in self._forms:
                self._forms[request_type] = self._build(load_form(self.knowledge_dir, request_type))
            return self._forms[request_type]

    def all(self) -> list[FormVectors]:
        return [self.get(t) for t in self.types()]

    def _build(self, form: FormSpec) -> FormVectors:
        elements = element_specs(form, self.prompts_dir)
        texts = [t for e in elements for t in e.texts]
        owner = np.array([i for i, e in enumerate(elements) for _ in e.texts])
        heads = [h for e in elements for h in e.headings]
        head_owner = np.array([i for i, e in enumerate(elements) for _ in e.headings])
        kind = _types(self.prompts_dir).get(form.type, {"articles": [], "phrases": []})
        type_texts = [form.title, form.summary, *kind["phrases"]]
        vectors = self._vectors([*texts, *heads, *type_texts])
        n, k = len(texts), len(texts) + len(heads)
        basis = frozenset(kind["articles"]) | frozenset(form.legal_basis.articles)
        return FormVectors(form, elements, vectors[:n], owner, vectors[n:k], head_owner, vectors[k:], basis)

    def _vectors(self, texts: list[str]) -> np.ndarray:
        """The texts' vectors, from the disk cache when this model has embedded exactly these texts before."""
        model = getattr(self.embedder, "id", type(self.embedder).__name__)
        digest = hashlib.sha256("\n".join([str(model), *texts]).encode("utf-8")).hexdigest()[:24]
        path = self.cache_dir / f"forms-{digest}.npy" if self.cache_dir else None
        if path is not None and path.is_file():
            try:
                cached = np.load(path, allow_pickle=False)
                if cached.shape[0] == len(texts):
                    return cached
            except (OSError, ValueError):
                pass  # a damaged cache file is recomputed and replaced
        vectors = self.embedder.encode(texts)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                with open(tmp, "wb") as fh:
                    np.save(fh, vectors, allow_pickle=False)
                os.replace(tmp, path)
            except OSError:
                pass  # a read-only home only costs the next process the same embedding
        return vectors


_LIBRARIES: dict[tuple[Path, Path, int], FormLibrary] = {}
_LIBRARIES_LOCK = threading.Lock()


def form_library(
    knowledge_dir: Path, prompts_dir: Path, embedder: Embedder, cache_dir: Path | None = None
) -> FormLibrary:
    """The one library per knowledge folder and model in this process."""
    key = (knowledge_dir.resolve(), prompts_dir.resolve(), id(embedder))
    with _LIBRARIES_LOCK:
        if key not in _LIBRARIES:
            _LIBRARIES[key] = FormLibrary(knowledge_dir, prompts_dir, embedder, cache_dir)
        return _LIBRARIES[key]
