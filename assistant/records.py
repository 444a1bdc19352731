"""Typed records shared by every module. Data crossing a module boundary is one of these."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SourceKind = Literal["restatement", "guidance", "official"]
# "question": a practitioner question an article answers; it helps retrieval find the article and is never
# shown or cited itself.
PassageKind = Literal["summary", "paragraph", "notes", "question", "guidance", "absence"]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Paragraph(_Record):
    """One section of an article: a numbered paragraph ("3", "2(a)") or an unnumbered one (number None)."""

    number: str | None
    heading: str
    text: str


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
    score: float = 0.0

    def with_score(self, score: float) -> Passage:
        return self.model_copy(update={"score": score})

    @property
    def label(self) -> str:
        """Citation label: 'Art. 37(2)' where the paragraph is established, else 'Art. 37'."""
        if self.article is None:
            return self.title
        return citation_label(self.article, self.paragraph)


def citation_label(article: int, paragraph: str | None) -> str:
    """'Art. 37', 'Art. 37(2)', or 'Art. 23(2)(a)' for the paragraph number '2(a)'."""
    if not paragraph:
        return f"Art. {article}"
    head, _, rest = paragraph.partition("(")
    return f"Art. {article}({head})" + (f"({rest}" if rest else "")


class Citation(_Record):
    article: int
    paragraph: str | None
    title: str
    source: SourceKind
    text: str

    @property
    def label(self) -> str:
        return citation_label(self.article, self.paragraph)


class Answer(_Record):
    question: str
    text: str
    citations: tuple[Citation, ...] = ()
    abstained: bool = False
    backend: str = "extractive"
    timings: dict[str, float] = Field(default_factory=dict)
    passages: tuple[Passage, ...] = ()  # what retrieval returned, best first
    notes: tuple[str, ...] = ()  # e.g. "2 sentences removed: citation not in retrieved passages"
    focus_articles: tuple[int, ...] = ()  # for follow-up questions

    @property
    def latency_ms(self) -> float:
        return round(sum(self.timings.values()), 2)
