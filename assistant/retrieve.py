"""Hybrid retrieval: dense (Chroma) and lexical (BM25) rankings fused with reciprocal rank fusion,
then grouped by article so a result lists articles, best passage first.

A question in another of the convention's languages is searched by a localized copy of the retriever
(`localized`): the same passages, embedded with the multilingual model, searched densely with the question and
the English terms of the glossary concepts it names; BM25 reads those English terms; the glossary's article
names ("artículo 42", "ст. 42", "第42条") name articles."""

from __future__ import annotations

import copy
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from assistant.chunking import ingested_language
from assistant.dense import NumpyIndex
from assistant.index import LoadedIndex
from assistant.knowledge import ARTICLE_COUNT
from assistant.lexical import LexicalIndex
from assistant.ports import Embedder
from assistant.prompts import cue
from assistant.records import Passage
from assistant.refs import Reference, ResolvedReferences, find_references, mirror_map
from assistant.settings import RetrievalSettings
from assistant.spelling import Speller
from assistant.text import clean_query, tokens, without_self_reference

GUIDANCE_PER_RESULT = 2
OTHER_TEXT = 2  # the rank of our restatement (and of another language's official text) among what is quoted
# The Budapest Convention named in the other five languages (its English name is found by refs.py).
BUDAPEST = re.compile(r"budapest|будапешт|布达佩斯|بودابست", re.I)


class HybridRetriever:
    """The `Search` of assistant/ports.py (ranking and corpus look-ups) over a LoadedIndex."""

    def __init__(
        self,
        index: LoadedIndex,
        embedder: Embedder,
        settings: RetrievalSettings,
        mirrors: dict[tuple[str, int], list[int]],
    ):
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self.passages = index.passages
        self._row = {p.id: i for i, p in enumerate(self.passages)}
        self._lexical = LexicalIndex([tokens(f"{p.title} {p.heading} {p.hint} {p.text}") for p in self.passages])
        self._by_article: dict[int, list[int]] = defaultdict(list)
        for i, p in enumerate(self.passages):
            if p.article is not None:
                self._by_article[p.article].append(i)
        self._by_chapter: dict[str, list[int]] = defaultdict(list)
        for i, p in enumerate(self.passages):
            self._by_chapter[p.chapter].append(i)
        self._mirrors = mirrors
        # A guidance section's question hints stand for the section: they point to its first passage. Both ids
        # start with "guidance:<slug>:<section>:" (chunking.guidance_passages), ending "0" and "q<n>".
        first_of = {p.id.rsplit(":", 1)[0]: i for i, p in enumerate(self.passages) if p.id.endswith(":0")}
        self._section_row = {
            i: first_of[p.id.rsplit(":", 1)[0]]
            for i, p in enumerate(self.passages)
            if p.article is None and p.kind == "question" and p.id.rsplit(":", 1)[0] in first_of
        }
        absence = {i for i, p in enumerate(self.passages) if p.kind == "absence"}
        self._statements: dict[str, Passage] = {}
        for i in sorted(absence):
            self._statements.setdefault(self.passages[i].heading, self.passages[i])
        self._absence_rows = np.array(
            sorted(absence | {i for i, r in self._section_row.items() if r in absence}), dtype=int
        )
        self.titles = {p.article: p.title for p in self.passages if p.article is not None}
        self._guidance_sections: dict[str, list[Passage]] = defaultdict(list)
        for p in self.passages:
            if p.kind == "guidance":
                self._guidance_sections[p.title].append(p)
        self._guidance_titles = {p.id.split(":")[1]: p.title for p in self.passages if p.id.startswith("guidance:")}
        # Authored answer lines, by article and by guidance note (knowledge/answers/).
        self._lines: dict[int | str, list[int]] = defaultdict(list)
        for i, p in enumerate(self.passages):
            if p.kind == "answer":
                self._lines[p.article if p.article is not None else p.title].append(i)
        self._speller = Speller(f"{p.title} {p.text}" for p in self.passages)
        self.language = "en"
        self._terms: Callable[[str], list[str]] = lambda query: []
        self._named: Callable[[str], list[int]] = lambda query: []
        self._lexical_weight = settings.lexical_weight

    def localized(
        self,
        language: str,
        embedder: Embedder,
        terms: Callable[[str], list[str]],
        named: Callable[[str], list[int]],
        lexical_weight: float,
        lines: dict[str, np.ndarray] | None = None,
    ) -> HybridRetriever:
        """This retriever for questions in `language`: the index's multilingual vectors and `embedder` for the
        dense side, `terms` (the English terms of the glossary concepts a question names) for BM25 and to widen
        the dense query, `named` for the articles it names in its own language. `lines`, the vectors of the
        answer lines as translated into the language (by passage id), stand in for the English lines' vectors:
        a question is matched against lines in its own words, for choosing a line and voting for an article.
        Shares everything else."""
        other = copy.copy(self)
        vectors = self.index.multilingual
        if lines:
            vectors = vectors.copy()
            for passage_id, vector in lines.items():
                vectors[self._row[passage_id]] = vector
        other.index = replace(self.index, vectors=vectors, dense=NumpyIndex(self.passages, vectors))
        other.embedder = embedder
        other.language = language
        other._terms, other._named, other._lexical_weight = terms, named, lexical_weight
        return other

    @property
    def k(self) -> int:
        """Distinct articles a retrieval returns by default."""
        return self.settings.k

    @property
    def max_query_chars(self) -> int:
        return self.settings.max_query_chars

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit vectors of texts, with the model the index was built with."""
        return self.embedder.encode(texts)

    def guidance_title(self, slug: str) -> str | None:
        """The title of the guidance note with this file name."""
        return self._guidance_titles.get(slug)

    def search_text(self, query: str) -> str:
        """What is ranked: the question without naming the convention, typing slips repaired (in English), with
        the English terms of the concepts it names (in another language)."""
        if self.language == "en":
            return self._speller.correct(without_self_reference(query))
        terms = self._terms(query)
        return f"{query} ({', '.join(terms)})" if terms else query

    def _lexical_tokens(self, query: str) -> list[str]:
        """What BM25 reads: the question's words in English; the English terms of its concepts otherwise."""
        if self.language == "en":
            return tokens(self.search_text(query))
        return tokens(" ".join(self._terms(query)))

    def known_share(self, query: str) -> float:
        """How much of the question is in the knowledge base's language: the share of its words it uses."""
        return self._speller.known_share(self._speller.correct(query))

    def query_vector(self, query: str) -> np.ndarray:
        return self.embedder.encode_query(self.search_text(query))

    def resolve(self, query: str) -> ResolvedReferences:
        refs = find_references(query)
        ours, missing, translated, unmatched = [], [], [], []
        budapest = bool(BUDAPEST.search(query))
        for number in self._named(query):  # "artículo 42", "ст. 42", "第四十二条": the glossary's article names
            if budapest:  # "el artículo 29 del Convenio de Budapest" is this convention's art. 42
                ref = Reference(number, None, "budapest", (0, 0))
                if mapped := self._mirrors.get(("budapest", number)):
                    translated.append((ref, tuple(mapped)))
                    ours.extend(mapped)
                else:
                    unmatched.append(ref)
            elif 1 <= number <= ARTICLE_COUNT:
                ours.append(number)
            else:
                missing.append(str(number))
        for ref in refs:
            if ref.treaty == "un":
                if 1 <= ref.number <= ARTICLE_COUNT and not ref.suffix:
                    ours.append(ref.number)
                else:
                    missing.append(ref.name)
            elif mapped := self._mirrors.get((ref.treaty, ref.number)):
                translated.append((ref, tuple(mapped)))
                ours.extend(mapped)
            else:
                unmatched.append(ref)
        return ResolvedReferences(
            tuple(dict.fromkeys(ours)), tuple(missing), tuple(translated), tuple(unmatched), tuple(refs)
        )

    def summary(self, article: int) -> Passage | None:
        """The article's summary card (official text has none; the restatement's is used)."""
        row = self._summary_row(article)
        return None if row is None else self.passages[row]

    def article_passages(self, article: int) -> list[Passage]:
        """The article's quotable passages (paragraphs and practice notes); its official text alone where
        that has been ingested: in the language of the questions this retriever serves, else in English (never
        another language's)."""
        own = [self.passages[i] for i in self._by_article.get(article, [])]
        own = [p for p in own if p.kind in ("paragraph", "notes")]
        best = min(map(self._quoted_first, own), default=OTHER_TEXT)
        return [p for p in own if self._quoted_first(p) == best and (best < OTHER_TEXT or p.source != "official")]

    def _quoted_first(self, p: Passage) -> int:
        """An article's passages in the order they are quoted: the official text in this retriever's language,
        then the English official text, then the rest."""
        if p.source != "official":
            return OTHER_TEXT
        lang = ingested_language(p.source, p.id)
        return 0 if lang == self.language else 1 if lang == "en" else OTHER_TEXT

    def answer_lines(self, article: int | None = None, guidance_title: str | None = None) -> list[Passage]:
        """The authored answer lines of an article, or of the guidance note with this title."""
        key = article if article is not None else guidance_title
        return [self.passages[i] for i in self._lines.get(key, [])]

    def source_passage(self, line: Passage) -> Passage | None:
        """The passage an answer line restates: its provision (official text first, where ingested), or for a
        guidance line its section; the closest one where several fit."""
        if line.article is None:
            fits = [p for p in self._guidance_sections.get(line.title, []) if p.heading == line.heading]
        else:
            own = self.article_passages(line.article)
            if own and own[0].source == "official":
                fits = [p for p in own if line.paragraph and p.paragraph == line.paragraph] or own
            elif line.heading == "notes":
                fits = [p for p in own if p.kind == "notes"]
            else:
                label = f"**{line.heading}**"
                fits = [p for p in own if p.text.startswith(label)] or [p for p in own if p.heading == line.heading]
        if not fits:
            return None
        vector = self.index.vectors[self._row[line.id]]
        return max(fits, key=lambda p: float(self.index.vectors[self._row[p.id]] @ vector))

    def lexical_scores(self, query: str, passages: list[Passage]) -> np.ndarray:
        """BM25 scores of these passages for the query (its answer-line questions included)."""
        scores = self._lexical.scores(self._lexical_tokens(query))
        return scores[[self._row[p.id] for p in passages]]

    def vector(self, passage: Passage) -> np.ndarray:
        return self.index.vectors[self._row[passage.id]]

    def _summary_row(self, article: int) -> int | None:
        return next((i for i in self._by_article.get(article, []) if self.passages[i].kind == "summary"), None)

    def position(self, passage: Passage) -> int:
        """Where the passage stands in the knowledge base: its article's reading order."""
        return self._row[passage.id]

    def similarity(self, query_vector: np.ndarray, passage: Passage) -> float:
        return float(self.index.vectors[self._row[passage.id]] @ query_vector)

    def closest(self, query_vector: np.ndarray, articles: list[int]) -> float:
        """The best similarity of any passage of these articles, question hints included."""
        rows = [r for a in articles for r in self._by_article.get(a, [])]
        return float(np.max(self.index.vectors[rows] @ query_vector)) if rows else -1.0

    def statement(self, heading: str) -> Passage | None:
        """The statement of what the convention does not contain that has this heading."""
        return self._statements.get(heading)

    def absence(self, query_vector: np.ndarray) -> tuple[float, Passage | None]:
        """The statement of what the convention does not contain that best fits the question (through the
        statement itself or one of its question hints), and that similarity."""
        if not len(self._absence_rows):
            return -1.0, None
        sims = self.index.vectors[self._absence_rows] @ query_vector
        row = int(self._absence_rows[int(np.argmax(sims))])
        return float(np.max(sims)), self.passages[self._section_row.get(row, row)]

    def retrieve(
        self, query: str, k: int = 5, *, article: int | None = None, chapter: str | None = None
    ) -> list[Passage]:
        """Passages of the top-k articles (k distinct articles), best first, then up to two guidance passages."""
        query = clean_query(query, self.settings.max_query_chars)
        k = max(1, min(int(k), self.settings.max_k))
        allowed = self._allowed(article, chapter)
        fused = self._fuse(query, allowed, article, chapter, k)
        side = _side(query, self.language)
        if side is not None:
            for row in self._by_chapter.get(side, []):
                if row in fused:
                    fused[row] += self.settings.side_boost
        for number in self.resolve(query).articles:
            for row in self._by_article.get(number, []):
                if allowed is None or row in allowed:
                    fused[row] = fused.get(row, 0.0) + self.settings.reference_boost
        return self._group(fused, k)

    def _allowed(self, article: int | None, chapter: str | None) -> set[int] | None:
        if article is None and chapter is None:
            return None
        return {
            i
            for i, p in enumerate(self.passages)
            if (article is None or p.article == article) and (chapter is None or p.chapter == chapter.upper())
        }

    def _fuse(
        self, query: str, allowed: set[int] | None, article: int | None, chapter: str | None, k: int
    ) -> dict[int, float]:
        s = self.settings
        if allowed is not None and not allowed:
            return {}
        # Many passages of one article (its paragraphs and hints) can fill a list: widen it as k grows.
        wanted = s.candidates * -(-k // 5)
        n = min(wanted, len(self.passages) if allowed is None else len(allowed))
        vector = self.embedder.encode_query(self.search_text(query))
        ids = self.index.dense.query(vector, n, article=article, chapter=None if chapter is None else chapter.upper())
        dense = [self._row[i] for i in ids]
        scores = self._lexical.scores(self._lexical_tokens(query))
        if allowed is not None:
            mask = np.full(len(scores), -np.inf)
            mask[list(allowed)] = 0
            scores = scores + mask
        lexical = [int(i) for i in np.argsort(-scores)[:n] if scores[i] > 0]
        fused: dict[int, float] = defaultdict(float)
        for rank, row in enumerate(dense):
            fused[row] += s.dense_weight / (s.rrf_k + rank + 1)
        for rank, row in enumerate(lexical):
            fused[row] += self._lexical_weight / (s.rrf_k + rank + 1)
        return fused

    def _group(self, fused: dict[int, float], k: int) -> list[Passage]:
        by_article: dict[int, list[tuple[float, int]]] = defaultdict(list)
        guidance: list[tuple[float, int]] = []
        for row, score in fused.items():
            p = self.passages[row]
            if p.article is not None:
                by_article[p.article].append((score, row))
            elif p.kind not in ("question", "answer"):
                guidance.append((score, row))
            elif row in self._section_row:
                guidance.append((score, self._section_row[row]))
        # Two passages of an article that both fit the question are stronger evidence than one.
        depth = self.settings.article_evidence
        ranked = sorted(by_article.items(), key=lambda kv: -sum(sorted((s for s, _ in kv[1]), reverse=True)[:depth]))
        ranked = ranked[:k]
        out: list[Passage] = []
        for number, hits in ranked:
            # Question hints vote for their article but are never shown: an article found only through them
            # is shown by its summary card, at the score they earned.
            shown = [(s, r) for s, r in hits if self.passages[r].kind not in ("question", "answer")]
            if not shown and (card := self._summary_row(number)) is not None:
                shown = [(max(s for s, _ in hits), card)]
            # Official text first within an article when it has been ingested (in this language first); then by score.
            shown.sort(key=lambda sr: (self._quoted_first(self.passages[sr[1]]), -sr[0]))
            out += [self.passages[r].with_score(round(s, 6)) for s, r in shown[: self.settings.passages_per_article]]
        best_guidance: dict[int, float] = {}
        for score, row in guidance:
            best_guidance[row] = max(score, best_guidance.get(row, 0.0))
        top = sorted(best_guidance.items(), key=lambda rs: -rs[1])[:GUIDANCE_PER_RESULT]
        out += [self.passages[r].with_score(round(s, 6)) for r, s in top]
        return out


def _side(query: str, language: str) -> str | None:
    """Chapter V when the question is about cooperation with another State, IV when explicitly domestic."""
    cross, home = cue("cross_border", query, language), cue("domestic", query, language)
    if cross == home:
        return None
    return "V" if cross else "IV"


def make_retriever(index: LoadedIndex, embedder: Embedder, settings: RetrievalSettings, articles) -> HybridRetriever:
    """A retriever whose other-treaty translation table comes from the articles' `mirrors` fields."""
    return HybridRetriever(index, embedder, settings, mirror_map(articles))
