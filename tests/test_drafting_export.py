"""Drafts: Markdown and DOCX from every example, the provenance annex, and writes that never leave a partial file."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX

from assistant.drafting import api
from assistant.drafting.case import CaseDoc, validate_case
from assistant.drafting.export import atomic_write
from assistant.drafting.render import FieldValue
from assistant.errors import DraftError
from assistant.official import save_official
from assistant.records import Article, Paragraph
from assistant.settings import Settings

TYPES = api.list_types()


def _flat(text: str) -> str:
    return " ".join(text.split())


def _docx_text(path: Path) -> str:
    return _flat("\n".join(p.text for p in docx.Document(str(path)).paragraphs))


def required_values(request_type: str) -> list[str]:
    """How each required element of the example appears in a draft (a list: each item)."""
    form = api.form(request_type)
    case = validate_case(form, CaseDoc(api.example_case(request_type)))
    out: list[str] = []
    for spec in form.required:
        value = FieldValue(spec, getattr(case, spec.name))
        if spec.type == "list":
            out.extend(value.items)
        elif spec.type != "bool":  # a yes/no answer is worded by the template, checked through the markers
            out.append(str(value))
    return out


@pytest.mark.parametrize("request_type", TYPES)
def test_example_drafts_to_markdown(request_type: str) -> None:
    form = api.form(request_type)
    markdown, report = api.draft_markdown(request_type, api.example_case(request_type))
    assert report.complete
    assert markdown.startswith(f"# {form.title}\n")
    assert "[MISSING" not in markdown
    body, annex = markdown.split("## Annex: provenance", 1)
    numbers = [int(n) for n in re.findall(r"^## (\d+)\. ", body, flags=re.M)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 4
    for value in required_values(request_type):
        assert _flat(value) in _flat(body)
    for number in form.articles:
        assert f"### Article {number}. " in annex
    assert f"article {form.legal_basis.article} of the United Nations Convention against Cybercrime" in body


@pytest.mark.parametrize("request_type", TYPES)
def test_example_drafts_to_a_docx_that_opens_with_every_required_element(request_type: str, tmp_path: Path) -> None:
    out = tmp_path / f"{request_type}.docx"
    report = api.write_docx(request_type, api.example_case(request_type), out)
    assert report.complete
    document = docx.Document(str(out))
    text = _docx_text(out)
    for value in required_values(request_type):
        assert _flat(value) in text, value
    assert "[MISSING" not in text
    assert document.core_properties.title == api.form(request_type).title
    assert document.core_properties.author == ""
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[0].startswith("1. ")
    assert headings[-1] == "Annex: provenance of the elements of this draft"
    assert "Restatement, not the official text:" in text
    assert document.paragraphs[0].style.name == "Title"


def test_docx_highlights_missing_elements(tmp_path: Path) -> None:
    out = tmp_path / "gaps.docx"
    report = api.write_docx("preservation", {"facts": "Too short to act on."}, out)
    assert not report.complete
    runs = [r for p in docx.Document(str(out)).paragraphs for r in p.runs if r.text.startswith("[MISSING: ")]
    assert len(runs) == len(report.missing)
    assert all(r.bold and r.font.highlight_color == WD_COLOR_INDEX.YELLOW for r in runs)
    assert "[MISSING: Why preservation is necessary (Art. 42)]" in [r.text for r in runs]


def test_markdown_file_written(tmp_path: Path) -> None:
    out = tmp_path / "request.md"
    api.write_markdown("mla", api.example_case("mla"), out)
    markdown, _ = api.draft_markdown("mla", api.example_case("mla"))
    assert out.read_text(encoding="utf-8") == markdown


def test_case_text_cannot_inject_headings(tmp_path: Path) -> None:
    case = api.example_case("mla")
    case["facts"] = case["facts"] + "\n# Not a heading, a hashtag line\n## Nor this"
    markdown, _ = api.draft_markdown("mla", case)
    assert "\n\\# Not a heading" in markdown
    out = tmp_path / "x.docx"
    api.write_docx("mla", case, out)
    paragraphs = docx.Document(str(out)).paragraphs
    assert not any("hashtag" in p.text for p in paragraphs if p.style.name.startswith(("Heading", "Title")))
    assert "# Not a heading, a hashtag line ## Nor this" in _docx_text(out)


def test_control_characters_pasted_from_a_pdf_do_not_break_the_docx(tmp_path: Path) -> None:
    case = api.example_case("mla")
    case["facts"] = case["facts"] + " Page\x0cbreak and a stray\x00byte."
    out = tmp_path / "r.docx"
    api.write_docx("mla", case, out)
    assert "Page break and a stray byte." in _docx_text(out)


def test_annex_marks_the_restatement_and_lists_good_practice() -> None:
    markdown, _ = api.draft_markdown("extradition", api.example_case("extradition"))
    annex = markdown.split("## Annex", 1)[1]
    assert "### Article 37. Extradition" in annex
    assert "- Punishability in both States" in annex
    assert "### Good practice (not required by the convention)" in annex
    assert "**UNODC Model Treaty on Extradition**: Requesting authority;" in annex


def test_annex_quotes_the_official_text_once_ingested(settings: Settings) -> None:
    official = Article(
        number=42,
        title="International cooperation for the purpose of expedited preservation of stored electronic data",
        chapter="V",
        source="official",
        paragraphs=(Paragraph(number="1", heading="1", text="A State Party may request another State Party ..."),),
    )
    save_official(settings, "en", [official])
    markdown, _ = api.draft_markdown("preservation", api.example_case("preservation"), settings)
    annex = markdown.split("## Annex", 1)[1]
    art42 = annex.split("### Article 42.", 1)[1].split("### ", 1)[0]
    assert "*Official text (ingested by the user):*" in art42
    assert "> (1) A State Party may request another State Party ..." in art42
    assert "Restatement" not in art42
    assert "Restatement, not the official text" in annex.split("### Article 42.", 1)[0]  # art 41 still restated


def test_article_without_a_restatement_says_so(tmp_path: Path, tiny_knowledge: Path) -> None:
    (tiny_knowledge / "forms").symlink_to(Settings().knowledge_dir / "forms")
    settings = Settings(home=tmp_path / "home", knowledge_dir=tiny_knowledge)  # has art 42, not art 41
    markdown, _ = api.draft_markdown("preservation", api.example_case("preservation", settings), settings)
    art41 = markdown.split("### Article 41.", 1)[1].split("### ", 1)[0]
    assert "No restatement of this article is available" in art41


# -- writing files ---------------------------------------------------------------------------------------


def _no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_existing_output_is_kept_without_force(tmp_path: Path) -> None:
    out = tmp_path / "request.docx"
    out.write_text("earlier work", encoding="utf-8")
    with pytest.raises(DraftError, match="already exists; add --force"):
        api.write_docx("mla", api.example_case("mla"), out)
    assert out.read_text(encoding="utf-8") == "earlier work"
    api.write_docx("mla", api.example_case("mla"), out, force=True)
    assert "Request for mutual legal assistance" in _docx_text(out)
    assert _no_temp_files(tmp_path)


def test_output_is_private_to_its_owner(tmp_path: Path) -> None:
    out = tmp_path / "r.docx"
    api.write_docx("mla", api.example_case("mla"), out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("target", "problem"),
    [
        ("missing-folder/request.docx", "does not exist; create it first"),
        ("a-file/request.docx", "is a file, not a folder"),
        (".", "is a folder; give a file name"),
    ],
)
def test_bad_output_paths(tmp_path: Path, target: str, problem: str) -> None:
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    with pytest.raises(DraftError, match=problem):
        api.write_docx("mla", api.example_case("mla"), tmp_path / target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write in a read-only folder")
def test_output_folder_without_write_permission(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    with pytest.raises(DraftError, match="Cannot write in"):
        api.write_docx("mla", api.example_case("mla"), folder / "r.docx")
    assert list(folder.iterdir()) == []


def test_output_folder_refusing_the_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Stands in for the permission test above when the suite runs as root.
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("assistant.drafting.export.tempfile.mkstemp", refuse)
    with pytest.raises(DraftError, match=r"Cannot write in .* \(Permission denied\); choose a folder"):
        api.write_docx("mla", api.example_case("mla"), tmp_path / "r.docx")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_write_that_fails_midway_leaves_nothing_behind(tmp_path: Path, failure: BaseException) -> None:
    out = tmp_path / "r.md"
    out.write_text("earlier work", encoding="utf-8")

    def half_then_fail(fh) -> None:
        fh.write(b"half a request")
        raise failure

    with pytest.raises(DraftError if isinstance(failure, OSError) else KeyboardInterrupt):
        atomic_write(out, half_then_fail, force=True)
    assert out.read_text(encoding="utf-8") == "earlier work"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.md"]
