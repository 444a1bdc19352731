"""The ingestion report: what was read, what validation found, whether it was stored. Shown by the CLI
and, later, by the app's upload page."""

from __future__ import annotations

from pydantic import Field

from assistant.ingest.validate import Validation


class IngestReport(Validation):
    source_file: str
    file_format: str  # "pdf" | "docx" | "html" | "txt", as detected from the bytes
    lang: str
    pages: int | None = None  # PDF only
    paragraphs: int = 0  # numbered paragraphs found
    warnings: list[str] = Field(default_factory=list)
    stored_path: str | None = None  # set only when the text was stored
    message: str = ""


def number_ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] -> '1-3, 7'."""
    out: list[str] = []
    for n in sorted(numbers):
        if out and out[-1].split("-")[-1] == str(n - 1):
            out[-1] = f"{out[-1].split('-')[0]}-{n}"
        else:
            out.append(str(n))
    return ", ".join(out)


def render_report(report: IngestReport) -> str:
    """Plain-text report, one fact a line."""
    pages = f", {report.pages} pages" if report.pages else ""
    lines = [
        f"Read {report.source_file} as {report.file_format.upper()}{pages}, language {report.lang}.",
        f"Articles found: {len(report.found)} of 68; numbered paragraphs: {report.paragraphs}.",
    ]
    for label, values in (
        ("Missing articles", report.missing),
        ("Duplicated articles", report.duplicated),
        ("Out of order", report.out_of_order),
        ("Headings for articles the convention does not have", report.unexpected),
        ("Articles with no text under the heading", report.empty),
    ):
        if values:
            lines.append(f"{label}: {number_ranges(values)}")
    if report.title_mismatches and report.lang == "en":
        lines.append(
            f"Titles that differ from our article map ({len(report.title_mismatches)}; the document's titles are "
            "kept, as the map is partly unconfirmed):"
        )
        lines += [f"  Art. {m.article}: map {m.expected!r}, document {m.found!r}" for m in report.title_mismatches]
    elif report.title_mismatches:
        lines.append(
            f"Titles that read like another article's ({len(report.title_mismatches)}; compared with our unofficial "
            "translation; check that these articles are numbered right):"
        )
        lines += [
            f"  Art. {m.article}: document {m.found!r}, like our title of art. {m.resembles} rather than {m.expected!r}"
            for m in report.title_mismatches
        ]
    lines += [f"Warning: {w}." for w in report.warnings]
    lines.append(report.message)
    return "\n".join(lines)
