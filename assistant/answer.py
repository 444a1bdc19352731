"""From a question to an Answer: policy checks, references, retrieval, composition, citation check.

The default composer is extractive: it quotes the retrieved restatement (or official text) passages that
are most similar to the question, each with its citation, and needs no language model.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

from assistant.citations import to_citations, verify
from assistant.errors import InvalidInput, LLMError
from assistant.knowledge import ARTICLE_COUNT
from assistant.language import reads_as_english
from assistant.prompts import abstain_sentence, decline_sentence, matches, unfamiliar_sentence
from assistant.records import Answer, Passage
from assistant.retrieve import HybridRetriever, ResolvedReferences
from assistant.settings import AnswerSettings
from assistant.text import clean_query

MAX_QUESTION_CHARS = 2000
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


@dataclass(frozen=True)
class Turn:
    """What a follow-up question may lean on: the previous question and the articles it was about."""

    question: str
    focus_articles: tuple[int, ...]


class Answerer:
    def __init__(self, retriever: HybridRetriever, settings: AnswerSettings, llm=None):
        self.retriever = retriever
        self.settings = settings
        self.llm = llm  # an assistant.llm.ChatBackend, or None for the extractive composer

    # -- public ----------------------------------------------------------------------------------------

    def answer(self, question: object, previous: Turn | None = None) -> Answer:
        """Answer one question; `previous` carries the conversation's last turn for follow-ups."""
        *_, final = self._run(question, previous, stream=False)
        return final

    def stream(self, question: object, previous: Turn | None = None) -> Iterator[str | Answer]:
        """Yield partial text while an LLM writes, then the verified Answer last."""
        yield from self._run(question, previous, stream=True)

    # -- pipeline --------------------------------------------------------------------------------------

    def _run(self, question: object, previous: Turn | None, stream: bool) -> Iterator[str | Answer]:
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        if not isinstance(question, str):
            raise InvalidInput("The question must be text.")
        raw = question
        if "\x00" in raw or _mostly_binary(raw):
            raise InvalidInput("The question contains binary data; type the question as plain text.")
        text = clean_query(raw, MAX_QUESTION_CHARS)
        notes: list[str] = []
        if len(" ".join(raw.split())) > MAX_QUESTION_CHARS:
            notes.append(f"Only the first {MAX_QUESTION_CHARS} characters of the question were used.")

        if matches("crime_help", text):
            yield self._fixed(text, decline_sentence(), notes, timings, t0, backend="policy")
            return
        # The model and the knowledge base are English: a question in another language finds passages by
        # chance, so it gets a clear message rather than an answer or "nearest provisions" that may be noise.
        if not reads_as_english(text, self.retriever.known_share, self.settings.min_known):
            yield self._fixed(text, unfamiliar_sentence(), notes, timings, t0, backend="policy")
            return
        for kind, heading in POLICY_STATEMENTS.items():
            if matches(kind, text):
                statement = self.retriever.statement(heading)
                message = abstain_sentence() + (f" {statement.text}" if statement else "")
                yield self._fixed(text, message, notes, timings, t0, backend="policy")
                return

        query = self._with_context(text, previous)
        refs = self.retriever.resolve(query)
        notes += _reference_notes(refs, self.retriever.titles)
        t1 = time.perf_counter()
        timings["preprocess_ms"] = _ms(t0, t1)
        passages = self.retriever.retrieve(query, self.retriever.settings.k)
        qvec = self.retriever.query_vector(query)
        t2 = time.perf_counter()
        timings["retrieve_ms"] = _ms(t1, t2)

        if refs.nonexistent and not refs.articles:
            n = refs.nonexistent[0]
            msg = (
                f"{abstain_sentence()} There is no article {n}: the convention has {ARTICLE_COUNT} articles, "
                f"numbered 1 to {ARTICLE_COUNT}."
            )
            yield self._abstain(text, msg, passages, notes, timings, t0)
            return
        if refs.unmatched and not refs.articles:
            yield self._abstain(text, abstain_sentence(), passages, notes, timings, t0)
            return

        if not any(p.article is not None for p in passages):
            yield self._abstain(text, abstain_sentence(), passages, notes, timings, t0)
            return
        lead, mismatch = self._lead(passages, qvec, refs)
        # Question hints count here: a question close to one an article is known to answer is answerable.
        best = self.retriever.closest(qvec, list(dict.fromkeys(p.article for p in passages if p.article)))
        best_absence, absence = self.retriever.absence(qvec)
        # The knowledge base records what the convention does not contain; when such a statement fits the
        # question about as well as any article, the honest answer is that the convention does not cover it.
        # A named article shields the question from this only when it is what the question is about.
        about_named_article = bool(refs.articles) and not mismatch
        absent = absence is not None and best_absence > best - self.settings.absence_margin
        if not about_named_article and (best < self.settings.abstain_below or absent):
            extra = f" {absence.text}" if absent else ""
            if mismatch:
                notes.append(mismatch)
            yield self._abstain(text, abstain_sentence() + extra, passages, notes, timings, t0)
            return

        if self.llm is not None:
            try:
                yield from self._llm_answer(text, passages, qvec, notes, timings, t0, stream)
                return
            except LLMError as exc:
                notes.append(f"{exc} Showing the extractive answer instead.")
        if mismatch:
            notes.append(mismatch)
        body, quoted = self._compose(passages, qvec, lead, () if mismatch else refs.articles)
        timings["compose_ms"] = _ms(t2, time.perf_counter())
        yield self._final(text, body, _with(passages, quoted), notes, timings, "extractive")

    def _with_context(self, text: str, previous: Turn | None) -> str:
        """Resolve a follow-up against the previous turn by naming the article it was about in the query."""
        if previous is None or not previous.focus_articles or self.retriever.resolve(text).raw:
            return text
        short = len(text.split()) <= FOLLOW_UP_MAX_WORDS
        if not (matches("follow_up_start", text) or (short and matches("follow_up_pronoun", text))):
            return text
        return f"{text} (article {previous.focus_articles[0]})"

    # -- composition -----------------------------------------------------------------------------------

    def _compose(
        self, passages: list[Passage], qvec, lead_article: int, named: tuple[int, ...] = ()
    ) -> tuple[str, list[Passage]]:
        """Lead sentence naming the governing article, then its paragraphs closest to the question, each
        cited; returns the text and the passages it quotes.

        Paragraphs are chosen from the whole article (their vectors are in the index), not only from the few
        passages retrieval returned. One article is quoted, plus another only when the question itself names
        it: on the development set, adding the runner-up article whenever it was nearly as close to the
        question cost more precision than it gained recall (docs/evaluation.md lists the variants measured).
        """
        retrieved = {p.article for p in passages if p.article is not None}
        articles = [lead_article, *[a for a in named if a != lead_article and a in retrieved][:1]]
        chosen: list[Passage] = []
        for number in articles:
            own = self.retriever.article_passages(number)
            sims = {p.id: self.retriever.similarity(qvec, p) for p in own}
            own.sort(key=lambda p: -sims[p.id])
            floor = sims[own[0].id] * self.settings.min_relative if own else 0.0
            quota = self.settings.max_passages if number == lead_article else 1
            chosen += [p for p in own if sims[p.id] >= floor][:quota]
        summary = self.retriever.summary(lead_article)
        gist = _first_sentence(summary.text) if summary else ""
        lines = [
            f"**Art. {lead_article} ({self.retriever.titles.get(lead_article, '')})** governs this. {gist} "
            f"[Art. {lead_article}]"
        ]
        chosen.sort(key=lambda p: (articles.index(p.article), self.retriever.position(p)))  # reading order
        lines += [f"- {_quote(p)} [{p.label}]" for p in chosen]
        return "\n".join(lines), chosen

    def _lead(self, passages: list[Passage], qvec, refs: ResolvedReferences) -> tuple[int, str]:
        """The article the answer is about, and a note when the question named a different one."""
        ranked = list(dict.fromkeys(p.article for p in passages if p.article is not None))
        if not refs.articles:
            return ranked[0], ""
        named = refs.articles[0]
        # Whole articles, question hints included: a named article is set aside only on clear evidence.
        closeness = {a: self.retriever.closest(qvec, [a]) for a in ranked}
        top = max(closeness, key=closeness.get)
        if named != top and closeness.get(named, 0.0) < closeness[top] * self.settings.reference_mismatch:
            return top, (
                f"You mention art. {named} ({self.retriever.titles.get(named, '')}); the subject of your question "
                f"is dealt with in art. {top} ({self.retriever.titles.get(top, '')})."
            )
        return named, ""

    # -- LLM path --------------------------------------------------------------------------------------

    def _llm_answer(self, question, passages, qvec, notes, timings, t0, stream) -> Iterator[str | Answer]:
        from assistant.llm import build_messages

        articles = [p for p in passages if p.article is not None]
        messages = build_messages(question, articles)
        t = time.perf_counter()
        raw = ""
        if stream:
            for chunk in self.llm.stream(messages):
                raw += chunk
                yield raw
        else:
            raw = self.llm.invoke(messages)
        timings["llm_ms"] = _ms(t, time.perf_counter())
        if abstain_sentence().lower() in raw.lower():
            yield self._abstain(question, abstain_sentence(), passages, notes, timings, t0)
            return
        checked = verify(raw, articles)
        if checked.removed_unsupported:
            notes.append(
                f"{checked.removed_unsupported} sentence(s) removed: they cited an article that was not retrieved."
            )
        if checked.removed_uncited:
            notes.append(f"{checked.removed_uncited} sentence(s) removed: they carried no citation.")
        if not checked.text:
            notes.append("The language model gave no verifiable sentence; showing the extractive answer.")
            body, quoted = self._compose(passages, qvec, self._lead(passages, qvec, ResolvedReferences())[0])
            yield self._final(question, body, _with(passages, quoted), notes, timings, "extractive")
            return
        yield self._final(question, checked.text, passages, notes, timings, self.llm.name)

    # -- results ---------------------------------------------------------------------------------------

    def _final(self, question, body, passages, notes, timings, backend) -> Answer:
        if notes:
            body += "\n\n" + "\n".join(f"_Note: {n}_" for n in notes)
        citations = to_citations(body, passages)
        focus = tuple(dict.fromkeys(c.article for c in citations))
        return Answer(
            question=question,
            text=body,
            citations=citations,
            abstained=False,
            backend=backend,
            timings=timings,
            passages=tuple(passages),
            notes=tuple(notes),
            focus_articles=focus,
        )

    def _abstain(self, question, message, passages, notes, timings, t0) -> Answer:
        nearest = list(dict.fromkeys(p.article for p in passages if p.article is not None))[:NEAREST]
        if nearest:
            names = "; ".join(f"Art. {n} ({self.retriever.titles.get(n, '')})" for n in nearest)
            message += f"\n\nNearest provisions, for orientation only: {names}."
        answer = self._fixed(question, message, notes, timings, t0, backend="extractive")
        return answer.model_copy(update={"passages": tuple(passages)})

    def _fixed(self, question, message, notes, timings, t0, backend) -> Answer:
        if notes:
            message += "\n\n" + "\n".join(f"_Note: {n}_" for n in notes)
        timings.setdefault("total_ms", _ms(t0, time.perf_counter()))
        return Answer(
            question=question, text=message, abstained=True, backend=backend, timings=timings, notes=tuple(notes)
        )


def _reference_notes(refs: ResolvedReferences, titles: dict[int, str]) -> list[str]:
    notes = []
    for ref, ours in refs.translated:
        mapped = ", ".join(f"Art. {n} ({titles.get(n, '')})" for n in ours)
        notes.append(
            f"You cited {ref.treaty.upper() if ref.treaty != 'budapest' else 'Budapest Convention'} art. "
            f"{ref.number}; in this convention the corresponding provision is {mapped}."
        )
    for ref in refs.unmatched:
        name = "Budapest Convention" if ref.treaty == "budapest" else ref.treaty.upper()
        notes.append(f"{name} art. {ref.number} has no counterpart in this convention that we know of.")
    return notes


def _with(passages: list[Passage], quoted: list[Passage]) -> list[Passage]:
    """The retrieved passages, then any quoted passage retrieval had not returned, so every citation has its
    passage to show."""
    seen = {p.id for p in passages}
    return passages + [p for p in quoted if p.id not in seen]


def _first_sentence(text: str) -> str:
    match = re.match(r"(.+?(?<!\be)(?<!\bi)(?<!\bg)(?<!\bart)[.;])(\s+(?=[A-Z(])|$)", text.strip(), re.S)
    return " ".join((match.group(1) if match else text).split())


def _quote(p: Passage) -> str:
    text = " ".join(p.text.split())
    if p.source == "official":
        return f"“{text}” (official text)"
    return text


def _mostly_binary(text: str) -> bool:
    if not text:
        return False
    odd = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\n\r\t") or 0xFFF0 <= ord(ch) <= 0xFFFF)
    return odd / len(text) > 0.1


def _ms(a: float, b: float) -> float:
    return round((b - a) * 1000, 2)


def as_turn(answer: Answer) -> Turn:
    return Turn(question=answer.question, focus_articles=answer.focus_articles)
