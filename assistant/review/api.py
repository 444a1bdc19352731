"""Review an incoming request: read it, tell its type, check it against the form, weigh it, draft the reply.

    reviewer = Reviewer(settings)          # the embedding model is loaded on first use, once per process
    review = reviewer.review_file(path)    # or review_text(text) for pasted text
    review.as_json()                       # the shape of issue 21

The request's content goes only into the returned `Review`: nothing of it is logged.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np

from assistant.drafting.forms import form_path
from assistant.embeddings import get_embedder, torch_threads
from assistant.index import read_only_home
from assistant.ingest.pages import Line
from assistant.ports import Embedder
from assistant.review.considerations import considerations
from assistant.review.elements import FormLibrary, form_library
from assistant.review.errors import NotARequest, UnreadableRequest
from assistant.review.matcher import (
    DocVectors,
    ElementMatch,
    FormScores,
    cited_articles,
    common_elements,
    decide,
    embed_document,
    load_checks,
    score_form,
    type_score,
)
from assistant.review.model import ElementResult, Review
from assistant.review.reader import MB, read_request
from assistant.review.reply import render_reply
from assistant.review.segment import Document, segment
from assistant.review.wording import say
from assistant.settings import ReviewSettings, Settings

log = logging.getLogger(__name__)
LEGAL_TEXT_ARTICLES = 8  # "Article N" headings beyond which a text is a treaty or statute, not a request


class Reviewer:
    """The receiving desk for one settings object; the model and the forms' vectors are shared per process."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None):
        self.settings = settings
        self._embedder = embedder

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = get_embedder(self.settings.model_path)
        return self._embedder

    @property
    def library(self) -> FormLibrary:
        settings = self.settings
        cache = None if read_only_home(settings) else settings.home / "review"  # a shared index is read-only
        return form_library(settings.knowledge_dir, settings.prompts_dir, self.embedder, cache)

    def warm(self) -> None:
        """Load the model and the forms' vectors now (a review's time does not include this one-off cost)."""
        self.library.all()

    def review_file(self, path: str | Path, request_type: str | None = None) -> Review:
        """Review the request in a file (PDF with text, DOCX, HTML, TXT, Markdown)."""
        if request_type:
            form_path(self.settings.knowledge_dir, request_type)  # an unknown type fails before any reading
        start = time.perf_counter()
        # A file we cannot read, or that is no request, is refused before the model is loaded.
        read = read_request(path, self.settings)
        doc = self._document(read.name, read.lines)
        reading = time.perf_counter() - start
        self.warm()
        return self._review(read.name, doc, request_type, read.warnings, time.perf_counter() - reading)

    def review_text(self, text: str, request_type: str | None = None, name: str = "pasted text") -> Review:
        """Review a request pasted as text: refused, with a message to show as is, when it is empty or larger
        than a request file may be (`max_file_mb`)."""
        if request_type:
            form_path(self.settings.knowledge_dir, request_type)
        prompts, limit = self.settings.prompts_dir, self.settings.review.max_file_mb
        if not (text or "").strip():
            raise NotARequest(say(prompts, "pasted_empty"))
        size = len(text.encode("utf-8", errors="replace"))
        if size > limit * MB:
            raise UnreadableRequest(say(prompts, "pasted_too_large", size_mb=f"{size / MB:.1f}", limit_mb=limit))
        start = time.perf_counter()
        doc = self._document(name, [Line(t) for t in text.splitlines()])
        reading = time.perf_counter() - start
        self.warm()
        return self._review(name, doc, request_type, [], time.perf_counter() - reading)

    # -- the stages ---------------------------------------------------------------------------------------

    def _document(self, name: str, lines: list[Line]) -> Document:
        doc = segment(lines)
        self._check_shape(name, doc)
        return doc

    def _review(self, name: str, doc: Document, request_type: str | None, warnings: list[str], start: float) -> Review:
        settings, prompts = self.settings.review, self.settings.prompts_dir
        with torch_threads(settings.threads):
            vectors = embed_document(doc, self.embedder, settings.max_units)
        if vectors.embedded < doc.sentences:
            warnings = [*warnings, say(prompts, "budget", units=vectors.embedded, total=doc.sentences)]
        scores = self.score_all(vectors)
        ranked = self.rank_types(scores, cited_articles(doc))
        detected, best = ranked[0]
        if best < settings.request_min:
            why = say(prompts, "no_request_elements")
            raise NotARequest(say(prompts, "not_a_request", name=name, why=why))
        chosen = request_type or detected
        confidence = 1.0 if request_type else self.confidence(ranked)
        matches = decide(scores[chosen], doc, settings, load_checks(prompts))
        form = scores[chosen].form.form
        elements = [self._result(scores[chosen], doc, m) for m in matches]
        if request_type and detected != request_type:
            other = scores[detected].form.form.title
            conf = f"{self.confidence(ranked):.2f}"
            warnings = [*warnings, say(prompts, "type_other", other=other, confidence=conf, given=request_type)]
        log.info("reviewed a request: %d passages, type %s, %.2f s", doc.sentences, chosen, time.perf_counter() - start)
        return Review(
            source=name,
            type=chosen,
            title=form.title,
            type_confidence=round(confidence, 2),
            type_given=bool(request_type),
            detected=detected,
            elements=elements,
            considerations=considerations(chosen, doc.text, prompts),
            reply=render_reply(form, elements, prompts),
            text=doc.text,
            warnings=warnings,
            seconds=round(time.perf_counter() - start, 3),
        )

    def _check_shape(self, name: str, doc: Document) -> None:
        """Refuse what cannot be a request before embedding anything: too short, or a treaty or statute."""
        prompts = self.settings.prompts_dir
        if doc.words < self.settings.review.min_words:
            why = say(prompts, "too_short", words=doc.words)
            raise NotARequest(say(prompts, "not_a_request", name=name, why=why))
        if doc.article_headings >= LEGAL_TEXT_ARTICLES:
            why = say(prompts, "legal_text", count=doc.article_headings)
            raise NotARequest(say(prompts, "not_a_request", name=name, why=why))
        found = load_checks(prompts).particulars(doc.text)
        if len(found) < self.settings.review.min_particulars:
            why = say(prompts, "no_particulars", found=", ".join(found) or "none")
            raise NotARequest(say(prompts, "not_a_request", name=name, why=why))

    def score_all(self, vectors: DocVectors) -> dict[str, FormScores]:
        """The request's similarities to every form."""
        return {fv.form.type: score_form(vectors, fv) for fv in self.library.all()}

    def rank_types(
        self, scores: dict[str, FormScores], cited: frozenset[int], settings: ReviewSettings | None = None
    ) -> list[tuple[str, float]]:
        """Types from the most to the least likely, with their scores."""
        settings = settings or self.settings.review
        common = common_elements([s.form for s in scores.values()])
        ranked = [(t, type_score(s, settings, cited, common)) for t, s in scores.items()]
        return sorted(ranked, key=lambda pair: -pair[1])

    def confidence(self, ranked: list[tuple[str, float]]) -> float:
        """The top type's share of a softmax over the type scores."""
        values = np.array([v for _, v in ranked]) / self.settings.review.type_temperature
        weights = np.exp(values - values.max())
        return float(weights[0] / weights.sum())

    def _result(self, scores: FormScores, doc: Document, match: ElementMatch) -> ElementResult:
        field = scores.form.form.field(match.name)
        unit = doc.units[match.unit] if match.unit is not None and match.status != "missing" else None
        return ElementResult(
            id=field.name,
            label=field.label,
            status=match.status,
            articles=list(field.basis.articles),
            evidence=unit.text if unit else None,
            required=field.required,
            basis=field.basis.label,
            why=field.basis.note,
            note=match.note,
            via=match.via if unit else "",
            start=unit.start if unit else None,
            end=unit.end if unit else None,
        )
