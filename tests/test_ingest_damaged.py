"""Ingesting damaged or wrong files: a clear message naming what was found and what is wrong, nothing
stored, and any official text already stored left exactly as it was."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from ingest_fixtures import (
    Doc,
    duplicated,
    encrypted,
    from_knowledge,
    image_only,
    in_language,
    many_pages,
    render_docx,
    render_html,
    render_pdf,
    render_txt,
    swapped,
    without,
)
from pypdf import PdfReader, PdfWriter

from assistant.chunking import build_passages
from assistant.errors import IngestError, InvalidInput
from assistant.ingest import ingest_file
from assistant.knowledge import load_knowledge, load_map
from assistant.official import load_official
from assistant.settings import PROJECT_ROOT, Settings

KNOWLEDGE = PROJECT_ROOT / "knowledge"


@pytest.fixture(scope="module")
def doc() -> Doc:
    return from_knowledge(load_knowledge(KNOWLEDGE), load_map(KNOWLEDGE))


@pytest.fixture(scope="module")
def folder(doc: Doc, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every damaged file, generated once for the module."""
    d = tmp_path_factory.mktemp("damaged")
    render_pdf(doc, d / "good.pdf")
    render_txt(doc, d / "good.txt")
    render_txt(without(doc, 30), d / "missing.txt")
    render_docx(duplicated(doc, 12), d / "duplicated.docx")
    render_html(swapped(doc, 20, 21), d / "swapped.html")
    encrypted(d / "good.pdf", d / "encrypted.pdf")
    image_only(d / "scan.pdf")
    pdf = (d / "good.pdf").read_bytes()
    (d / "truncated.pdf").write_bytes(pdf[: len(pdf) // 2])
    docx = (d / "duplicated.docx").read_bytes()
    (d / "truncated.docx").write_bytes(docx[: len(docx) // 2])
    txt = (d / "good.txt").read_bytes()
    (d / "truncated.txt").write_bytes(txt[: len(txt) // 2])
    (d / "empty.pdf").write_bytes(b"")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (d / "letter.txt").write_text("Dear colleague,\nplease find the request attached.\n", encoding="utf-8")
    shutil.copy(d / "good.pdf", d / "really-a-pdf.docx")
    shutil.copy(d / "good.txt", d / "really-text.pdf")
    return d


@pytest.fixture
def stored(folder: Path, settings: Settings) -> bytes:
    """A valid official text already ingested: damaged input must leave it untouched."""
    ingest_file(folder / "good.txt", settings)
    return (settings.official_dir / "en.json").read_bytes()


def _unchanged(settings: Settings, before: bytes) -> bool:
    return (settings.official_dir / "en.json").read_bytes() == before and not (settings.home / "index").exists()


@pytest.mark.parametrize(
    ("name", "field", "value", "words"),
    [
        ("missing.txt", "missing", [30], "1 of 68 articles missing"),
        ("duplicated.docx", "duplicated", [12], "1 duplicated"),
        ("swapped.html", "out_of_order", [20], "1 out of order"),
    ],
)
def test_structural_damage_is_reported_and_not_stored(folder, settings, stored, name, field, value, words) -> None:
    report = ingest_file(folder / name, settings, replace=True)
    assert not report.ok and report.stored_path is None
    assert getattr(report, field) == value
    assert words in report.message and "--force" in report.message and "unchanged" in report.message
    assert _unchanged(settings, stored)


def test_truncated_text_says_where_it_stops(folder, settings, stored) -> None:
    report = ingest_file(folder / "truncated.txt", settings, replace=True)
    last = max(report.found)
    assert 20 < last < 68 and report.missing == list(range(last + 1, 69))
    assert f"The text stops after article {last}: the file looks cut short" in report.message
    assert _unchanged(settings, stored)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("encrypted.pdf", "encrypted and needs a password"),
        ("scan.pdf", "all 3 pages have no text layer"),
        ("truncated.pdf", "incomplete PDF"),
        ("truncated.docx", "ZIP structure is damaged"),
        ("empty.pdf", "is empty (0 bytes)"),
        ("binary.txt", "not UTF-8 text"),
    ],
)
def test_unreadable_files_raise_a_clear_error(folder, settings, stored, name, words) -> None:
    with pytest.raises(IngestError, match=re.escape(words)) as caught:
        ingest_file(folder / name, settings, replace=True)
    assert name in str(caught.value)
    assert _unchanged(settings, stored)


def test_not_the_convention(folder, settings) -> None:
    report = ingest_file(folder / "letter.txt", settings, force=True)
    assert report.found == [] and report.stored_path is None  # --force cannot store nothing
    assert "no 'Article N' headings were found in 2 lines" in report.message
    assert not settings.official_dir.exists()


def test_format_comes_from_the_bytes_not_the_name(folder, settings) -> None:
    report = ingest_file(folder / "really-a-pdf.docx", settings)
    assert report.ok and report.file_format == "pdf"
    assert "named like a Word (.docx) file but holds PDF" in report.warnings[0]
    report = ingest_file(folder / "really-text.pdf", settings, replace=True)
    assert report.ok and report.file_format == "txt" and "holds plain text" in report.warnings[0]


def test_force_stores_what_was_found(folder, settings) -> None:
    report = ingest_file(folder / "missing.txt", settings, force=True)
    assert not report.ok and report.missing == [30] and report.stored_path
    assert "Stored anyway (--force)" in report.message
    assert [a.number for a in load_official(settings)] == [n for n in range(1, 69) if n != 30]


def test_force_keeps_one_copy_of_a_duplicated_article(folder, settings) -> None:
    ingest_file(folder / "duplicated.docx", settings, force=True)
    assert [a.number for a in load_official(settings)] == list(range(1, 69))


def test_size_limits_refuse_before_reading(folder, settings, tmp_path: Path) -> None:
    huge = tmp_path / "huge.pdf"
    with open(huge, "wb") as fh:
        fh.truncate(201 * 1024 * 1024)  # sparse: costs no disk and no time
    with pytest.raises(IngestError, match="201 MB, over the 200 MB limit"):
        ingest_file(huge, settings)
    many = tmp_path / "many.pdf"
    many_pages(many, 5001)
    with pytest.raises(IngestError, match="5001 pages, over the 5000-page limit"):
        ingest_file(many, settings)


def test_scanned_pages_inside_a_text_pdf_are_named(folder, settings, tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(folder / "good.pdf"))
    for page in PdfReader(folder / "scan.pdf").pages:
        writer.add_page(page)
    mixed = tmp_path / "mixed.pdf"
    writer.write(mixed)
    report = ingest_file(mixed, settings)
    assert report.ok
    count = report.pages or 0
    assert report.warnings == [f"pages {count - 2}-{count} have no text layer (scanned?), skipped"]


def test_already_ingested_needs_replace(folder, settings, stored) -> None:
    with pytest.raises(IngestError, match=r"already ingested .* Add --replace"):
        ingest_file(folder / "good.pdf", settings)
    assert ingest_file(folder / "good.pdf", settings, replace=True).stored_path


def test_second_language_is_stored_beside_the_first_with_distinct_passage_ids(
    doc, folder, settings, stored, tmp_path
) -> None:
    french = tmp_path / "fr.docx"
    render_docx(in_language(doc, "fr"), french)
    report = ingest_file(french, settings, lang="fr")
    assert report.stored_path and (settings.official_dir / "fr.json").exists()
    assert (settings.official_dir / "en.json").read_bytes() == stored
    official = load_official(settings)
    ids = [p.id for p in build_passages(official, (), settings.chunking.max_chars)]
    assert len(ids) == len(set(ids)) and {i.split(":")[0] for i in ids} == {"official-en", "official-fr"}


@pytest.mark.parametrize(
    ("path", "lang", "words"),
    [("nowhere.pdf", "en", "does not exist"), (".", "en", "is not a file"), ("good.pdf", "de", "--lang must be")],
)
def test_bad_arguments(folder, settings, path, lang, words) -> None:
    with pytest.raises(InvalidInput, match=re.escape(words)):
        ingest_file(folder / path, settings, lang=lang)


def test_a_stored_text_is_recorded_in_the_audit_log(folder, settings) -> None:
    from assistant.audit import entries, file_sha256

    ingest_file(folder / "good.txt", settings)
    (entry,) = entries(settings)
    assert entry["action"] == "ingest official text" and entry["file"] == "good.txt"
    assert entry["sha256"] == file_sha256(folder / "good.txt") and entry["validated"] is True
    assert entry["via"] == "cli"
