"""From a question to an Answer, in stages over one per-question state:

validate -> policy -> references -> retrieve -> coverage -> compose (-> verify, for a language model).

A stage that settles the answer (a declined question, a question the convention does not cover) sets
`Question.answer` and the run stops there. Every sentence a user reads comes from prompts/ or the knowledge
base; each stage's time is recorded once, and the total is measured, not summed.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence

from assistant.answering.compose import Composer, render
from assistant.answering.state import Point, Question, Turn
from assistant.chunking import ingested_language
from assistant.citations import to_citations, verify
from assistant.errors import InvalidInput, LLMError
from assistant.knowledge import ARTICLE_COUNT
from assistant.language import reads_as_english
from assistant.ports import Search
from assistant.prompts import matches, question_type
from assistant.records import Answer, AnswerKind, Citation, Overview
from assistant.refs import ResolvedReferences
from assistant.settings import AnswerSettings
from assistant.text import clean_query
from assistant.translations import Language, english

# A question that prompts/policy.yaml recognises as one of these kinds is answered with the knowledge base's
# statement of what the convention does not contain (knowledge/guidance/not-in-the-convention.md), by heading.
POLICY_STATEMENTS = {
    "national_law": "What a particular country's own law says",
    "national_practice": "A particular country's fees, forms, deadlines and internal procedures",
    "other_instrument": "Another legal instrument's own rules",
    "live_status": "Who has signed or ratified it, and how many parties it has today",
    "contact_details": "Contact details of a country's central authority or 24/7 point of contact",
    "records": "Court cases, sentences, news and statistics",
}
FOLLOW_UP_MAX_WORDS = 14
NEAREST = 3
BARE_ARTICLE = re.compile(r"^\W*(?:art(?:icle)?\.?\s*)?(\d{1,3})\W*$", re.I)


class Answerer:
    def __init__(
        self,
        retriever: Search,
        settings: AnswerSettings,
        llm=None,
        overviews: Sequence[Overview] = (),
        language: Language | None = None,
        foreign: bool = False,
    ):
        self.retriever = retriever
        self.settings = settings
        self.llm = llm  # an assistant.llm.ChatBackend, or None for the extractive composer
        # The language answers are written in; its question types and fixed sentences.
        self.language = language or english()
        # The language whose policy patterns apply to the questions (prompts/policy.yaml for English,
        # prompts/i18n/policy.yaml for the other five); none for a language outside the six (`foreign`).
        self.policy_language = "" if foreign else self.language.code
        self.composer = Composer(retriever, settings, overviews, self.language)

    # -- public ----------------------------------------------------------------------------------------

    @property
    def max_question_chars(self) -> int:
        """Longer questions are cut to this many characters (and the answer says so)."""
        return self.retriever.max_query_chars

    def clear_cache(self) -> None:
        """Forget recent query vectors (the evaluation times every question as a new one)."""
        self.retriever.embedder.clear_cache()

    def answer(self, question: object, previous: Turn | None = None) -> Answer:
        """Answer one question; `previous` carries the conversation's last turn for follow-ups."""
        *_, final = self._run(question, previous, stream=False)
        return final

    def stream(self, question: object, previous: Turn | None = None) -> Iterator[str | Answer]:
        """Yield partial text while an LLM writes, then the verified Answer last."""
        yield from self._run(question, previous, stream=True)

    # -- stages ----------------------------------------------------------------------------------------

    def _run(self, question: object, previous: Turn | None, stream: bool) -> Iterator[str | Answer]:
        q = Question(raw=question if isinstance(question, str) else "", previous=previous)
        self._validate(question, q)
        for stage in (self._policy, self._references, self._retrieve, self._coverage):
            since = time.perf_counter()
            stage(q)
            q.timed(stage.__name__.lstrip("_"), since)
            if q.answer is not None:
                yield self._finish(q, q.answer)
                return
        since = time.perf_counter()
        if self.llm is not None:
            try:
                yield from self._llm_answer(q, stream)
                return
            except LLMError as exc:
                q.notes.append(self.language.message("llm_failed", error=exc))
        if q.mismatch:
            q.notes.append(q.mismatch)
        points = self._compose(q)
        q.timed("compose", since)
        yield self._finish(q, self._answered(q, points, "extractive"))

    def _validate(self, question: object, q: Question) -> None:
        if not isinstance(question, str):
            raise InvalidInput(self.language.message("not_text"))
        if "\x00" in question or _mostly_binary(question):
            raise InvalidInput(self.language.message("binary_question"))
        limit = self.max_question_chars
        q.text = clean_query(question, limit)
        if len(" ".join(question.split())) > limit:
            q.notes.append(self.language.message("truncated", limit=limit))
        q.qtype = question_type(q.text, self.language.code)

    def _policy(self, q: Question) -> None:
        """Questions answered without retrieval: help with a crime, views on the convention, another language,
        and kinds of question the convention cannot answer (a country's own law, today's status, ...)."""
        asked_in = self.policy_language
        if asked_in and matches("crime_help", q.text, asked_in):
            q.answer = self._fixed(q, self.language.message("declined_crime"), "declined", backend="policy")
        # The English model and knowledge base find passages by chance for a question in a language the router
        # did not recognise (one sent here by `--lang en`, say): a clear message rather than noise.
        elif asked_in == "en" and not reads_as_english(q.text, self.retriever.known_share, self.settings.min_known):
            q.answer = self._fixed(q, self.language.message("unfamiliar"), "declined", backend="policy")
        elif q.qtype == "opinion":
            q.answer = self._fixed(q, self.language.message("declined_opinion"), "declined", backend="policy")
        elif asked_in:
            for kind, heading in POLICY_STATEMENTS.items():
                if matches(kind, q.text, asked_in):
                    statement = self.retriever.statement(heading)
                    text = self.language.message("not_covered") + (f" {statement.text}" if statement else "")
                    q.answer = self._fixed(q, text, "not_covered", backend="policy")
                    return

    def _references(self, q: Question) -> None:
        q.query = self._with_context(q.text, q.previous)
        q.refs = self.retriever.resolve(q.query)
        q.notes += _reference_notes(q.refs, self._titles(), self.language)
        if q.refs.nonexistent and not q.refs.articles:
            n = q.refs.nonexistent[0]
            say = self.language.message
            text = f"{say('not_covered')} {say('no_such_article', number=n, count=ARTICLE_COUNT)}"
            q.answer = self._fixed(q, text, "not_covered")
        elif q.refs.unmatched and not q.refs.articles:
            q.answer = self._fixed(q, self.language.message("not_covered"), "not_covered")
        elif (bare := BARE_ARTICLE.match(q.text)) and 1 <= int(bare.group(1)) <= ARTICLE_COUNT:
            q.qtype = "article"
            q.answer = self._answered(q, self.composer.article_map(int(bare.group(1))), "extractive")

    def _retrieve(self, q: Question) -> None:
        q.passages = self.retriever.retrieve(q.query, self.retriever.k)
        q.vector = self.retriever.query_vector(q.query)

    def _coverage(self, q: Question) -> None:
        """Abstain when nothing fits, or when the knowledge base's statement of what the convention does not
        contain fits the question about as well as any article."""
        if not any(p.article is not None for p in q.passages):
            q.answer = self._abstain(q, self.language.message("not_covered"))
            return
        q.lead_article, q.mismatch = self._lead(q)
        if points := self.composer.background(q):
            q.answer = self._answered(q, points, "extractive")
            return
        # Question hints count here: a question close to one an article is known to answer is answerable.
        best = self.retriever.closest(q.vector, list(dict.fromkeys(p.article for p in q.passages if p.article)))
        best_absence, absence = self.retriever.absence(q.vector)
        # A named article shields the question from this only when it is what the question is about.
        about_named_article = bool(q.refs.articles) and not q.mismatch
        absent = absence is not None and best_absence > best - self.settings.absence_margin
        if not about_named_article and (best < self.settings.abstain_below or absent):
            if q.mismatch:
                q.notes.append(q.mismatch)
            q.answer = self._abstain(q, self.language.message("not_covered") + (f" {absence.text}" if absent else ""))

    def _compose(self, q: Question) -> list[Point]:
        if points := self.composer.overview(q):
            return points
        retrieved = [p.article for p in q.passages if p.article is not None]
        named = () if q.mismatch else q.refs.articles
        articles = [q.lead_article, *[a for a in named if a != q.lead_article and a in retrieved][:1]]
        if q.qtype == "comparison" and len(articles) == 1:
            articles += [a for a in dict.fromkeys(retrieved) if a != q.lead_article][:1]
        if q.qtype == "definition" and q.lead_article != 2:
            articles.append(2)
        return self.composer.lines(q, articles)

    def _with_context(self, text: str, previous: Turn | None) -> str:
        """Resolve a follow-up against the previous turn by naming the article it was about in the query."""
        if previous is None or not previous.focus_articles or self.retriever.resolve(text).raw:
            return text
        short = len(text.split()) <= FOLLOW_UP_MAX_WORDS
        if not (matches("follow_up_start", text) or (short and matches("follow_up_pronoun", text))):
            return text
        return f"{text} (article {previous.focus_articles[0]})"

    def _lead(self, q: Question) -> tuple[int, str]:
        """The article the answer is about, and a note when the question named a different one."""
        ranked = list(dict.fromkeys(p.article for p in q.passages if p.article is not None))
        if not q.refs.articles:
            return ranked[0], ""
        named = q.refs.articles[0]
        # Whole articles, question hints included: a named article is set aside only on clear evidence.
        closeness = {a: self.retriever.closest(q.vector, [a]) for a in ranked}
        top = max(closeness, key=closeness.get)
        if named != top and closeness.get(named, 0.0) < closeness[top] * self.settings.reference_mismatch:
            titles = self._titles()
            note = self.language.message(
                "mismatch", named=named, named_title=titles.get(named, ""), top=top, top_title=titles.get(top, "")
            )
            return top, note
        return named, ""

    # -- LLM path --------------------------------------------------------------------------------------

    def _llm_answer(self, q: Question, stream: bool) -> Iterator[str | Answer]:
        from assistant.llm import build_messages

        lines = [
            line
            for a in dict.fromkeys(p.article for p in q.passages if p.article)
            for line in self.retriever.answer_lines(a)
        ][: self.settings.llm_lines]
        articles = [p for p in q.passages if p.article is not None]
        messages = build_messages(q.text, [*lines, *articles], self.language)
        since = time.perf_counter()
        raw = ""
        if stream:
            for chunk in self.llm.stream(messages):
                raw += chunk
                yield raw
        else:
            raw = self.llm.invoke(messages)
        q.timed("llm", since)
        if self.language.message("not_covered").lower() in raw.lower():
            yield self._finish(q, self._abstain(q, self.language.message("not_covered")))
            return
        style = self.language.citation_style
        checked = verify(raw, articles, style)
        if checked.removed_unsupported:
            q.notes.append(self.language.message("llm_unsupported", count=checked.removed_unsupported))
        if checked.removed_uncited:
            q.notes.append(self.language.message("llm_uncited", count=checked.removed_uncited))
        if not checked.text:
            q.notes.append(self.language.message("llm_empty"))
            yield self._finish(q, self._answered(q, self._compose(q), "extractive"))
            return
        citations = to_citations(checked.text, [*articles, *lines], style)
        if self.language.code != "en":
            citations = tuple(map(self._localized, citations))
        answer = Answer(question=q.text, text=checked.text, citations=citations, backend=self.llm.name)
        yield self._finish(q, answer)

    # -- results ---------------------------------------------------------------------------------------

    def _answered(self, q: Question, points: list[Point], backend: str) -> Answer:
        if self.language.code != "en":
            points = [Point(p.text, tuple(map(self._localized, p.citations))) for p in points]
        citations = tuple(dict.fromkeys(c for p in points for c in p.citations))
        return Answer(question=q.text, text=render(points, self.language), citations=citations, backend=backend)

    def _localized(self, citation: Citation) -> Citation:
        """A citation labelled and titled in the answer's language; its passage stays as written. The official
        text in that language keeps its own title rather than our translation of it."""
        if citation.article is None:
            return citation
        official = ingested_language(citation.source, citation.passage_id) == self.language.code
        update = {
            "shown_label": self.language.label(citation.article, citation.shown_paragraph),
            "title": citation.title if official else self.language.title(citation.article, citation.title),
        }
        return citation.model_copy(update=update)

    def _titles(self) -> dict[int, str]:
        return {n: self.language.title(n, title) for n, title in self.retriever.titles.items()}

    def _abstain(self, q: Question, text: str) -> Answer:
        nearest = list(dict.fromkeys(p.article for p in q.passages if p.article is not None))[:NEAREST]
        if nearest:
            titles = self._titles()
            names = "; ".join(f"{self.language.label(n)} ({titles.get(n, '')})" for n in nearest)
            text += "\n\n" + self.language.message("nearest", names=names)
        return self._fixed(q, text, "not_covered")

    def _fixed(self, q: Question, text: str, kind: AnswerKind, backend: str = "extractive") -> Answer:
        return Answer(question=q.text or q.raw, text=text, kind=kind, backend=backend)

    def _finish(self, q: Question, answer: Answer) -> Answer:
        """Notes, passages, the question type and the measured total go on every answer, whatever settled it."""
        text = answer.text
        if q.notes:
            text += "\n\n" + "\n".join(f"_Note: {n}_" for n in q.notes)
        focus = tuple(dict.fromkeys(c.article for c in answer.citations if c.article is not None))
        return answer.model_copy(
            update={
                "text": text,
                "notes": tuple(q.notes),
                "passages": tuple(q.passages),
                "question_type": q.qtype,
                "focus_articles": focus,
                "language": self.language.code,
                "timings": {**q.timings, "total_ms": q.total_ms()},
            }
        )


def _reference_notes(refs: ResolvedReferences, titles: dict[int, str], language: Language) -> list[str]:
    notes = []
    for ref, ours in refs.translated:
        mapped = ", ".join(f"{language.label(n)} ({titles.get(n, '')})" for n in ours)
        notes.append(language.message("translated", treaty=_treaty(ref.treaty), number=ref.number, mapped=mapped))
    for ref in refs.unmatched:
        notes.append(language.message("unmatched", treaty=_treaty(ref.treaty), number=ref.number))
    return notes


def _treaty(name: str) -> str:
    return "Budapest Convention" if name == "budapest" else name.upper()


def _mostly_binary(text: str) -> bool:
    if not text:
        return False
    odd = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\n\r\t") or 0xFFF0 <= ord(ch) <= 0xFFFF)
    return odd / len(text) > 0.1


def as_turn(answer: Answer) -> Turn:
    return Turn(question=answer.question, focus_articles=answer.focus_articles)
