"""PDF drafts: they parse back, on A4 (or Letter by the setting), with the letterhead, the reference on every page,
page numbers, line breaks, the signature block and the annex list; a .pdf name never holds Markdown."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest

from assistant.drafting import api
from assistant.drafting.pdf import font_folder
from assistant.errors import DraftError
from assistant.settings import Settings, get_settings

A4 = (595.28, 841.89)  # points
LETTER = (612.0, 792.0)
REFERENCE = "PP-CYB-2026-0147"


def _pdf(path: Path) -> pypdf.PdfReader:
    assert path.read_bytes().startswith(b"%PDF-")
    return pypdf.PdfReader(str(path))


def _size(page: pypdf.PageObject) -> tuple[float, float]:
    box = page.mediabox
    return round(float(box.width), 2), round(float(box.height), 2)


def _text(reader: pypdf.PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _case(**changes: object) -> dict:
    return api.example_case("preservation") | {"reference": REFERENCE} | changes


@pytest.fixture
def preservation_pdf(tmp_path: Path) -> pypdf.PdfReader:
    out = tmp_path / "request.pdf"
    authority = "National Cybercrime Police\n24/7 Point of Contact\n5 Harbour Road, Aurelia City"
    report = api.write_pdf("preservation", _case(requesting_authority=authority), out)
    assert report.complete
    return _pdf(out)


def test_pdf_is_a4_with_the_reference_on_every_page_and_page_numbers(preservation_pdf: pypdf.PdfReader) -> None:
    pages = preservation_pdf.pages
    assert len(pages) >= 3  # the request, and the annex from a new page
    for number, page in enumerate(pages, start=1):
        assert _size(page) == A4
        text = page.extract_text()
        assert f"Reference: {REFERENCE}" in text
        assert f"Page {number} of {len(pages)}" in text
    assert preservation_pdf.metadata.title == api.form("preservation").title


def test_pdf_has_the_letterhead_first_with_its_line_breaks(preservation_pdf: pypdf.PdfReader) -> None:
    lines = [line.strip() for line in preservation_pdf.pages[0].extract_text().splitlines()]
    assert lines[:3] == ["National Cybercrime Police", "24/7 Point of Contact", "5 Harbour Road, Aurelia City"]
    # ... and the same three lines stay three lines where the request names its author
    start = lines.index("From: National Cybercrime Police")
    assert lines[start + 1 : start + 3] == ["24/7 Point of Contact", "5 Harbour Road, Aurelia City"]


def test_pdf_ends_the_request_with_the_signature_block_and_the_annex_list(preservation_pdf: pypdf.PdfReader) -> None:
    text = _text(preservation_pdf)
    request, annex = text.split("Annex: provenance of the elements of this draft", 1)
    for line in ("Place: ____", "Date: ____", "Name and function of the signing officer: ____", "Signature and"):
        assert line in request
    assert "Annex 1: Provenance of the elements of this draft" in request
    assert request.index("Contact") < request.index("Place: ") < request.index("Annex 1:")
    assert "Article 42. International cooperation" in _flat(annex)
    annex_page = next(i for i, p in enumerate(preservation_pdf.pages) if "Annex: provenance" in p.extract_text())
    assert "Signature and" not in preservation_pdf.pages[annex_page].extract_text()  # the annex starts a new page


def test_a_pdf_holds_no_markdown(preservation_pdf: pypdf.PdfReader) -> None:
    text = _text(preservation_pdf)
    assert "**" not in text and "\\#" not in text
    assert not re.search(r"^\s*(#{1,3} |- |> )", text, flags=re.M), "Markdown syntax in the PDF text"
    assert "• Illegal access to an information and communications technology system" in text


@pytest.mark.parametrize("request_type", api.list_types())
def test_every_example_gives_a_pdf_with_every_required_element(request_type: str, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    api.write_pdf(request_type, api.example_case(request_type), out)
    text = _flat(_text(_pdf(out)))
    assert api.form(request_type).title in text
    assert "[MISSING" not in text
    assert f"article {api.form(request_type).legal_basis.article} of the United Nations Convention" in text


def test_missing_elements_are_marked_in_the_pdf(tmp_path: Path) -> None:
    out = tmp_path / "gaps.pdf"
    report = api.write_pdf("preservation", {"facts": "Too short to act on."}, out)
    text = _flat(_text(_pdf(out)))
    assert text.count("[MISSING: ") == len(report.missing)
    assert "[MISSING: Why preservation is necessary (Art. 42)]" in text
    assert "Reference: ____" in text  # no reference given: a blank to fill in the header


def test_letter_paper_by_the_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNCC_DRAFTING__PAPER", "Letter")
    get_settings.cache_clear()
    assert get_settings().drafting.paper == "Letter"
    out = tmp_path / "letter.pdf"
    api.write_pdf("mla", api.example_case("mla"), out)
    assert {_size(page) for page in _pdf(out).pages} == {LETTER}


def test_paper_setting_refuses_other_sizes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNCC_DRAFTING__PAPER", "A5")
    with pytest.raises(ValueError, match="A4"):
        Settings()


def test_text_beyond_latin_1_survives(tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    case = _case(custodian="Облачная почта ООО, ул. Примерная 8, Валдория; Ministère de la Justice, Cité")
    api.write_pdf("preservation", case, out)
    assert "Облачная почта ООО" in _text(_pdf(out)) and "Ministère de la Justice, Cité" in _text(_pdf(out))


def test_markdown_is_never_written_to_a_pdf_name(tmp_path: Path) -> None:
    out = tmp_path / "request.pdf"
    with pytest.raises(DraftError, match=r"request\.pdf is a \.pdf name but the format asked for is md"):
        api.write_markdown("mla", api.example_case("mla"), out)
    with pytest.raises(DraftError, match=r"is a \.pdf name"):
        api.write_docx("mla", api.example_case("mla"), out)
    assert not out.exists()
    api.write_draft("mla", api.example_case("mla"), out)  # the name alone decides: a PDF
    assert out.read_bytes().startswith(b"%PDF-")


def test_existing_pdf_kept_without_force(tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    out.write_bytes(b"earlier work")
    with pytest.raises(DraftError, match="already exists; add --force"):
        api.write_pdf("mla", api.example_case("mla"), out)
    assert out.read_bytes() == b"earlier work"
    api.write_pdf("mla", api.example_case("mla"), out, force=True)
    assert out.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]


def test_a_very_long_requesting_authority_does_not_overflow_the_header(tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    authority = "\n".join(f"Line {i} of a long address, " + "word " * 40 for i in range(20))
    api.write_pdf("preservation", _case(requesting_authority=authority), out)
    first = _pdf(out).pages[0].extract_text()
    assert "Line 0 of a long address" in first and "Reference: PP-CYB-2026-0147" in first


def test_the_fonts_come_from_an_installed_package() -> None:
    folder = font_folder()
    assert (folder / "DejaVuSans.ttf").is_file()
    assert "site-packages" in str(folder) or "dist-packages" in str(folder)
