"""Typed records shared by every module. Data crossing a module boundary is one of these."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# "official": a text the user ingested that passed the check against the article map; "unvalidated": one stored
# with `uncc ingest --force` although it failed it, quoted as such and never as the official text.
SourceKind = Literal["restatement", "guidance", "official", "unvalidated"]
INGESTED: tuple[SourceKind, ...] = ("official", "unvalidated")  # the user's texts, as against our own
# "question": a practitioner question an article answers; it helps retrieval find the article and is never
# shown or cited itself. "answer": an authored answer line (knowledge/answers/), the lead of an answer.
PassageKind = Literal["summary", "paragraph", "notes", "question", "guidance", "absence", "answer"]
AnswerKind = Literal["answered", "not_covered", "declined"]
Polarity = Literal["yes", "no"]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Paragraph(_Record):
    """One section of an article: a numbered paragraph ("3", "2(a)") or an unnumbered one (number None)."""

    number: str | None
    heading: str
    text: str
    verified: bool = False  # the number was seen in an official text; otherwise it is the parent treaty's position


class Article(_Record):
    number: int
    title: str
    chapter: str
    chapter_title: str = ""
    topics: tuple[str, ...] = ()
    related: tuple[int, ...] = ()
    mirrors: tuple[str, ...] = ()
    confidence: str = "medium"
    summary: str = ""
    paragraphs: tuple[Paragraph, ...] = ()
    practice_notes: str = ""
    questions: tuple[str, ...] = ()  # retrieval hints, see PassageKind "question"
    source: SourceKind = "restatement"
    path: str = ""
    language: str = "en"  # of an ingested official text; several languages can be indexed side by side

    def as_json(self) -> dict:
        """The stable JSON of `uncc articles N --json` and the MCP `article` tool (without the `official` key)."""
        return {
            "article": self.number,
            "title": self.title,
            "chapter": self.chapter,
            "chapter_title": self.chapter_title,
            "source": self.source,
            "confidence": self.confidence,
            "topics": list(self.topics),
            "related": list(self.related),
            "mirrors": list(self.mirrors),
            "summary": self.summary,
            "paragraphs": [{"number": p.number, "heading": p.heading, "text": p.text} for p in self.paragraphs],
            "practice_notes": self.practice_notes,
        }


class AnswerLine(_Record):
    """An authored answer (knowledge/answers/<lang>/): one or two sentences that answer `question` directly,
    tied to one provision of an article (or one section of a guidance note)."""

    id: str
    question: str
    text: str
    para: str  # a numbered paragraph, a provision's bold label, another heading, or "notes"
    polarity: Polarity | None = None
    article: int | None = None
    guidance: str | None = None  # slug of the guidance note
    articles: tuple[int, ...] = ()  # for guidance lines: the articles the line rests on


class Overview(_Record):
    """A question answered by a map of articles: a lead sentence, then one line per article."""

    id: str
    question: str
    text: str
    articles: tuple[int, ...]


class GuidanceSection(_Record):
    heading: str
    text: str
    questions: tuple[str, ...] = ()  # retrieval hints, see PassageKind "question"


class GuidanceNote(_Record):
    slug: str
    title: str
    articles: tuple[int, ...]
    topics: tuple[str, ...] = ()
    sections: tuple[GuidanceSection, ...] = ()
    kind: Literal["guidance", "absence"] = "guidance"  # "absence": what the convention does not contain
    path: str = ""


class Passage(_Record):
    """A retrievable piece of text. It never spans two articles."""

    id: str
    text: str
    kind: PassageKind
    source: SourceKind
    article: int | None = None
    paragraph: str | None = None
    heading: str = ""
    title: str = ""
    chapter: str = ""
    articles: tuple[int, ...] = ()  # for guidance: the articles the note relies on
    paragraph_verified: bool = False
    # What retrieval reads besides the text and the reader never sees: an answer line's question, a summary
    # card's plain words. Writer notes and keyword lists live here, not in `text`.
    hint: str = ""
    polarity: Polarity | None = None  # answer lines only
    score: float = 0.0

    def with_score(self, score: float) -> Passage:
        return self.model_copy(update={"score": score})

    @property
    def label(self) -> str:
        """Citation label: 'Art. 37(2)' where the paragraph number is verified, else 'Art. 37'."""
        if self.article is None:
            return self.title
        return citation_label(self.article, self.paragraph if self.paragraph_verified else None)

    def as_json(self) -> dict:
        """The stable JSON of a `uncc search --json` result and the MCP `search` tool."""
        return {
            "article": self.article,
            "paragraph": self.paragraph,
            "title": self.title,
            "source": self.source,
            "score": self.score,
            "text": self.text,
        }


PROVISION_LABEL = re.compile(r"\*\*(.+?)\*\*")


def provision_label(text: str) -> str | None:
    """The bold label a provision of an unnumbered section starts with ("**Dual criminality**: ..."), if any."""
    match = PROVISION_LABEL.match(text)
    return match.group(1) if match else None


def citation_label(article: int, paragraph: str | None) -> str:
    """'Art. 37', 'Art. 37(2)', or 'Art. 23(2)(a)' for the paragraph number '2(a)'."""
    if not paragraph:
        return f"Art. {article}"
    head, _, rest = paragraph.partition("(")
    return f"Art. {article}({head})" + (f"({rest}" if rest else "")


class Citation(_Record):
    """What a sentence of an answer rests on: the article, and the exact passage the sentence came from."""

    article: int | None  # None only for a guidance note that rests on no single article
    paragraph: str | None
    paragraph_verified: bool = False
    title: str
    source: SourceKind
    text: str  # the passage itself (our restatement, or the official text where ingested)
    passage_id: str = ""
    heading: str = ""  # of the passage's section ("notes" for practice notes)
    # The label in the answer's language ("ст. 40", "第40条") where that is not English.
    shown_label: str = ""

    @property
    def label(self) -> str:
        """'Art. 40' for a paragraph whose number is inferred; 'Art. 40(1)' only where it is verified."""
        if self.shown_label:
            return self.shown_label
        if self.article is None:
            return self.title
        return citation_label(self.article, self.paragraph if self.paragraph_verified else None)

    @property
    def shown_paragraph(self) -> str | None:
        """The paragraph a label shows: only a verified one."""
        return self.paragraph if self.paragraph_verified else None

    @property
    def paragraph_note(self) -> str:
        """How the paragraph is shown beside the label: 'para. 8 (inferred; check the official text)'."""
        if not self.paragraph or self.paragraph_verified:
            return ""
        return f"para. {self.paragraph} (inferred; check the official text)"

    def as_json(self) -> dict:
        return {
            "article": self.article,
            "paragraph": self.paragraph,
            "paragraph_verified": self.paragraph_verified,
            "passage_id": self.passage_id,
            "label": self.label,
            "title": self.title,
            "source": self.source,
            "text": self.text,
        }


class Answer(_Record):
    question: str
    text: str
    citations: tuple[Citation, ...] = ()
    kind: AnswerKind = "answered"
    question_type: str = ""
    backend: str = "extractive"
    timings: dict[str, float] = Field(default_factory=dict)  # per stage, and "total_ms"
    passages: tuple[Passage, ...] = ()  # what retrieval returned, best first
    notes: tuple[str, ...] = ()  # e.g. "2 sentences removed: citation not in retrieved passages"
    focus_articles: tuple[int, ...] = ()  # for follow-up questions
    language: str = "en"  # the language the answer is written in (ISO 639-1, one of the convention's six)

    @property
    def abstained(self) -> bool:
        """True for "the convention does not cover this" and for a declined question."""
        return self.kind != "answered"

    @property
    def latency_ms(self) -> float:
        return self.timings.get("total_ms", round(sum(self.timings.values()), 2))

    def as_json(self) -> dict:
        """The stable JSON of `uncc ask --json`, the web API, the MCP server and the evaluation."""
        return {
            "question": self.question,
            "answer": self.text,
            "kind": self.kind,
            "abstained": self.abstained,
            "question_type": self.question_type,
            "language": self.language,
            "citations": [c.as_json() for c in self.citations],
            "notes": list(self.notes),
            "backend": self.backend,
            "latency_ms": self.latency_ms,
        }
