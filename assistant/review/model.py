"""The review of one request, as typed records: what the CLI prints, the app shows and `--json` emits."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from assistant.review.considerations import Consideration

Status = Literal["present", "unclear", "missing"]


class ElementResult(BaseModel):
    """One element of the form, as found in the request."""

    model_config = ConfigDict(frozen=True)

    id: str  # the field name in knowledge/forms/TYPE.yaml
    label: str
    status: Status
    articles: list[int]
    evidence: str | None  # the passage that supplies it (or comes closest, when unclear)
    required: bool
    basis: str  # "Art. 40" or "good practice: <source>"
    why: str  # the basis's note: why the element is needed
    note: str = ""  # why it is unclear
    via: Literal["heading", "text", ""] = ""  # found under its own heading or label, or by a passage's meaning
    start: int | None = None  # where the evidence is in Review.text
    end: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "status": self.status,
            "articles": self.articles,
            "evidence": self.evidence,
        }


class Review(BaseModel):
    """The whole review: the type, the checklist, the points to weigh and the reply."""

    model_config = ConfigDict(frozen=True)

    source: str  # the file name (never its path: it may name a case)
    type: str
    title: str
    type_confidence: float
    type_given: bool
    detected: str  # the type the text reads as, whatever was asked
    elements: list[ElementResult]
    considerations: list[Consideration]
    reply: str  # Markdown
    text: str  # the request's text as read, for highlighting the evidence
    warnings: list[str] = []
    seconds: float = 0.0

    @property
    def asked(self) -> list[ElementResult]:
        """The elements the reply asks for: required ones that are missing or unclear."""
        return [e for e in self.elements if e.required and e.status != "present"]

    def count(self, status: Status) -> int:
        return sum(e.status == status for e in self.elements)

    def as_json(self) -> dict[str, Any]:
        """The shape of issue 21: type, type_confidence, elements, considerations, reply."""
        return {
            "type": self.type,
            "type_confidence": self.type_confidence,
            "elements": [e.as_json() for e in self.elements],
            "considerations": [{"text": c.text, "articles": c.articles} for c in self.considerations],
            "reply": self.reply,
        }
