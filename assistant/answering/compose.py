"""The extractive composer: an answer line that answers the question first, then at most a few cited points.

Lines come from the knowledge base's authored answer lines (knowledge/answers/), chosen by similarity of the
question to each line's question and answer. Where an article has no line close enough, the best sentence of
its closest passage leads instead. The provisions themselves travel with the citations, not in the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from assistant.answering.state import Point, Question
from assistant.chunking import ingested_language
from assistant.knowledge import SENTENCE_END
from assistant.ports import Search
from assistant.records import INGESTED, Citation, Overview, Passage, provision_label
from assistant.settings import AnswerSettings
from assistant.text import tokens
from assistant.translations import Language, english

SENTENCE = re.compile(r"(?<=[.。!?！？])\s*")
BACKGROUND_NOTE = "background-and-calendar"
LEADING_CLAUSE = re.compile(r"^\W*(?:under|in|according to|for|with|by) [^,?]{1,60},\s*", re.I)


class Composer:
    def __init__(
        self,
        retriever: Search,
        settings: AnswerSettings,
        overviews: Sequence[Overview] = (),
        language: Language | None = None,
    ):
        self.retriever = retriever
        self.settings = settings
        self.overviews = tuple(overviews)
        self.language = language or english()
        self._overview_vectors: np.ndarray | None = None  # embedded on first use: a handful of questions

    # -- shapes ------------------------------------------------------------------------------------------

    def background(self, q: Question) -> list[Point] | None:
        """A background or calendar question, answered from the guidance note's lines when one fits: closely
        for a question recognised as background, very closely for any other."""
        title = self.retriever.guidance_title(BACKGROUND_NOTE)
        lines = self.retriever.answer_lines(guidance_title=title) if title else []
        ranked = self._ranked(q, lines)
        floor = self.settings.background_min if q.qtype == "background" else self.settings.any_type_min
        if not ranked or ranked[0][0] < floor:
            return None
        return self._points(q, ranked)

    def overview(self, q: Question) -> list[Point] | None:
        """A map of articles, one line each, led by the authored overview sentence that fits the question."""
        if not self.overviews:
            return None
        if self._overview_vectors is None:
            self._overview_vectors = self.retriever.encode([o.question for o in self.overviews])
        sims = self._overview_vectors @ q.vector
        best = int(np.argmax(sims))
        if sims[best] < (self.settings.overview_min if q.qtype == "overview" else self.settings.any_type_min):
            return None
        chosen = self.overviews[best]
        summaries = [self.retriever.summary(a) for a in chosen.articles]
        cites = tuple(_citation(s) for s in summaries if s is not None)
        say = self.language
        points = [Point(say.line(chosen.id, chosen.text), cites)]
        points += [
            Point(f"{say.label(c.article)}: {say.title(c.article, self.retriever.titles.get(c.article, ''))}", (c,))
            for c in cites
            if c.article
        ]
        return points

    def article_map(self, number: int) -> list[Point]:
        """A bare article number: the article's gist, then its provisions by name."""
        summary = self.retriever.summary(number)
        own = self.retriever.article_passages(number)
        gist = _first_sentence(summary.text) if summary else self.retriever.titles.get(number, "")
        if self.language.code != "en":
            gist = SENTENCE.split(self.language.summary(number, ""))[0] or self.language.in_english(gist)
        lead = Point(gist, (_citation(summary),) if summary else ())
        names: list[str] = []
        for p in own:
            name = _provision_name(p)
            if name and name not in names:
                names.append(name)
        if not names:
            return [lead]
        cite = (_citation(own[0]),)
        listed = self.language.in_english("; ".join(names) + ".")
        return [lead, Point(f"{self.language.message('article_map')} {listed}", cite)]

    def lines(self, q: Question, articles: list[int]) -> list[Point]:
        """The answer for one or more articles: the best line first, then supporting lines."""
        candidates = [line for a in articles for line in self.retriever.answer_lines(a)]
        ranked = self._ranked(q, candidates)
        if not ranked or ranked[0][0] < self.settings.line_floor:
            return self._best_sentence(q, articles[0])
        points = self._points(q, ranked)
        if q.qtype == "comparison" and len(articles) > 1:
            # Both sides of a comparison: the other article's best line joins when the lead did not bring it.
            shown = {c.article for p in points for c in p.citations}
            for article in articles:
                if article not in shown:
                    other = [(s, line) for s, line in ranked if line.article == article]
                    if other:
                        points = [*points[: self.settings.max_points], self._point(q, other[0][1], lead=False)]
        return points

    # -- pieces ------------------------------------------------------------------------------------------

    def _ranked(self, q: Question, lines: list[Passage]) -> list[tuple[float, Passage]]:
        """Lines with their similarity to the question, best first. The order also weighs the words they share
        with the question (BM25, scaled to the best line): embeddings alone blur lines of one article."""
        if not lines:
            return []
        sims = np.stack([self.retriever.vector(line) for line in lines]) @ q.vector
        if self.language.code == "en":
            lexical = self.retriever.lexical_scores(q.query or q.text, lines)
        else:  # the question against the lines as translated into its language
            lexical = np.array(self.language.shared_words(q.text, [line.id.removeprefix("answer:") for line in lines]))
        order = sims + self.settings.line_lexical_weight * lexical / max(float(lexical.max()), 1e-9)
        # A practice note explains or advises; on the dev set a note that led the answer held a key fact half as
        # often as a provision's line, and almost never pointed to the paragraph asked about.
        order -= self.settings.notes_penalty * np.array([line.heading == "notes" for line in lines])
        ranked = sorted(zip(order, (float(s) for s in sims), lines, strict=True), key=lambda t: -t[0])
        return [(sim, line) for _, sim, line in ranked]

    def _points(self, q: Question, ranked: list[tuple[float, Passage]]) -> list[Point]:
        top, lead = ranked[0]
        points = [self._point(q, lead, lead=True, closeness=top)]
        floor = max(self.settings.point_floor, top * self.settings.min_relative)
        chosen = [lead]
        length = len(lead.text)
        for score, line in ranked[1:]:
            if len(points) > self.settings.max_points or score < floor:
                break
            vector = self.retriever.vector(line)
            if any(float(self.retriever.vector(c) @ vector) > self.settings.duplicate_above for c in chosen):
                continue
            if length + len(line.text) > self.settings.max_chars:
                continue  # a shorter line further down may still fit
            chosen.append(line)
            length += len(line.text)
            points.append(self._point(q, line, lead=False))
        return points

    def _point(self, q: Question, line: Passage, lead: bool, closeness: float = 0.0) -> Point:
        """One answer line as a sentence. "Yes"/"No" stays only where the question asks for one, the line
        carries that polarity, and the line's own question is close to the user's."""
        keep = (
            lead
            and q.qtype == "yesno"
            and line.polarity
            and closeness >= self.settings.polarity_min
            # The modal words compared are English; in another language the closeness above has to do.
            and (self.language.code != "en" or _same_modality(q.text, line.hint))
        )
        text = self.language.line(line.id.removeprefix("answer:"), line.text)
        if not keep:
            text = _without_polarity(text, self.language.polarity)
        return Point(text, self._citations(line))

    def _citations(self, line: Passage) -> tuple[Citation, ...]:
        source = self.retriever.source_passage(line)
        if line.article is not None:
            basis = source or self.retriever.summary(line.article)
            if basis is None:
                return ()
            # The label follows the line's paragraph; the text is the provision it restates.
            return (
                _citation(basis).model_copy(
                    update={"paragraph": line.paragraph, "paragraph_verified": line.paragraph_verified}
                ),
            )
        cites = [_citation(source)] if source else []
        vector = self.retriever.vector(line)
        for number in line.articles:
            # The provision of each article the line rests on that is closest to the line itself.
            own = self.retriever.article_passages(number)
            if own:
                cites.append(_citation(max(own, key=lambda p: float(self.retriever.vector(p) @ vector))))
        return tuple(cites)

    def _best_sentence(self, q: Question, article: int) -> list[Point]:
        """No authored line fits: the sentence of the article's closest passage that shares most words with
        the question."""
        own = self.retriever.article_passages(article) or [p for p in q.passages if p.article == article]
        if not own:
            return []
        best = max(own, key=lambda p: self.retriever.similarity(q.vector, p))
        wanted = set(tokens(q.text))
        sentences = [s for s in SENTENCE_END.split(_plain(best.text)) if s.strip()]
        sentence = _shortened(max(sentences, key=lambda s: len(wanted & set(tokens(s)))), self.settings.lead_words)
        if best.source in INGESTED:  # the user's text is quoted as such, never passed off as ours
            sentence = f"“{sentence}” ({self.language.message(f'source_{best.source}')})"
            if ingested_language(best.source, best.id) == self.language.code:  # in the answer's own language
                return [Point(sentence, (_citation(best),))]
        return [Point(self.language.in_english(sentence), (_citation(best),))]


def render(points: list[Point], language: Language | None = None) -> str:
    """The lead sentence with its citations, then the supporting points as a list."""
    if not points:
        return ""
    lines = [_with_markers(points[0], language)]
    lines += [f"- {_with_markers(p, language)}" for p in points[1:]]
    return "\n".join(lines)


def _with_markers(point: Point, language: Language | None) -> str:
    labels = list(dict.fromkeys(c.label for c in point.citations))
    articles = [c.article for c in point.citations if c.article is not None]
    if len(labels) > 2 and len(articles) == len(labels):  # an overview's lead rests on every article it lists
        listed = ", ".join(map(str, articles))
        if language is not None and language.code != "en":
            return f"{point.text} [{language.label(listed)}]"
        return f"{point.text} [Arts. {listed}]"
    markers = " ".join(f"[{label}]" for label in labels)
    return f"{point.text} {markers}".strip()


def _citation(p: Passage) -> Citation:
    return Citation(
        article=p.article,
        paragraph=p.paragraph,
        paragraph_verified=p.paragraph_verified,
        title=p.title,
        source=p.source,
        text=p.text,
        passage_id=p.id,
        heading="notes" if p.kind == "notes" else p.heading,
    )


def _same_modality(question: str, line_question: str) -> bool:
    """ "Can we ask …?" and "Must they …?" take different answers: a line's yes or no carries over only to a
    question that asks in the same mode (permission, obligation, or neither)."""
    return _modality(question) == _modality(line_question)


def _modality(text: str) -> str:
    text = LEADING_CLAUSE.sub("", text)  # "Under the convention, must they …?" asks what "Must they …?" asks
    words = set(_words(text)[:4])
    if words & {"must", "shall", "obliged", "required", "require", "requires", "have", "has", "need"}:
        return "obligation"
    if words & {"can", "could", "may", "allowed", "permitted"}:
        return "permission"
    return "other"


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


def _without_polarity(text: str, polarity: re.Pattern[str]) -> str:
    rest = polarity.sub("", text, count=1)
    return rest[:1].upper() + rest[1:] if rest else text


def _shortened(sentence: str, words: int) -> str:
    """A sentence of at most about `words` words: cut at the last clause break before the limit, marked "…";
    the whole provision stays one click away in the citation."""
    parts = sentence.split()
    if len(parts) <= words:
        return sentence
    head = " ".join(parts[:words])
    cut = max(head.rfind(";"), head.rfind(","))
    return (head[:cut] if cut > len(head) // 2 else head).rstrip(" ,;") + " …"


def _plain(text: str) -> str:
    return " ".join(re.sub(r"\*\*(.+?)\*\*:?\s*", "", text).split())


def _first_sentence(text: str) -> str:
    match = re.match(r"(.+?(?<!\be)(?<!\bi)(?<!\bg)(?<!\bart)[.;])(\s+(?=[A-Z(])|$)", text.strip(), re.S)
    return " ".join((match.group(1) if match else text).split())


def _provision_name(p: Passage) -> str:
    if label := provision_label(p.text):
        return label
    if p.kind == "notes":
        return ""
    return f"para. {p.paragraph}" if p.paragraph else p.heading
