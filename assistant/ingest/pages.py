"""What every extractor returns: pages of lines, with the page count and warnings."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Line:
    text: str
    size: float = 0.0  # font size in points (PDF only; 0 = unknown), to tell footnotes from body text


Page = list[Line]


@dataclass
class Extraction:
    pages: list[Page]
    page_count: int | None = None  # PDF pages; None for formats without pages
    warnings: list[str] = field(default_factory=list)
