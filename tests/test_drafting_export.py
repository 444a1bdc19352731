"""Drafts: Markdown and DOCX from every example, the provenance annex, send-ready Word documents (paper,
letterhead, header, page numbers, line breaks, signature block, annex list), file names, and writes that never
leave a partial file."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn

from assistant.drafting import api
from assistant.drafting.case import CaseDoc, validate_case
from assistant.drafting.export import atomic_write
from assistant.drafting.render import Closing, FieldValue
from assistant.drafting.wording import load_wording
from assistant.errors import DraftError
from assistant.official import OfficialSource, save_official
from assistant.records import Article, Paragraph
from assistant.settings import Settings, get_settings

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
        value = FieldValue(spec, getattr(case, spec.name), load_wording(get_settings().prompts_dir))
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
    save_official(
        settings, [official], OfficialSource(lang="en", file="convention.pdf", sha256="0" * 64, validated=True)
    )
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


# -- send-ready Word documents ---------------------------------------------------------------------------

REFERENCE = "PP-CYB-2026-0147"
AUTHORITY = "National Cybercrime Police\n24/7 Point of Contact\n5 Harbour Road, Aurelia City"


def _send_ready(tmp_path: Path, **changes: object) -> docx.document.Document:
    out = tmp_path / "request.docx"
    case = api.example_case("preservation") | {"reference": REFERENCE, "requesting_authority": AUTHORITY} | changes
    api.write_docx("preservation", case, out)
    return docx.Document(str(out))


def test_docx_is_a4_by_default(tmp_path: Path) -> None:
    section = _send_ready(tmp_path).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_docx_is_letter_with_the_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNCC_DRAFTING__PAPER", "Letter")
    get_settings.cache_clear()
    section = _send_ready(tmp_path).sections[0]
    assert (section.page_width.inches, section.page_height.inches) == (8.5, 11)


def test_line_breaks_inside_a_field_are_kept(tmp_path: Path) -> None:
    case = api.example_case("preservation") | {"requesting_authority": AUTHORITY, "custodian": "CloudMail S.A.\n8 Rue"}
    markdown, _ = api.draft_markdown("preservation", case)
    assert "**From:** National Cybercrime Police  \n24/7 Point of Contact  \n5 Harbour Road" in markdown
    document = _send_ready(tmp_path, custodian="CloudMail S.A.\n8 Rue du Nuage")
    texts = [p.text for p in document.paragraphs]
    assert "From: National Cybercrime Police\n24/7 Point of Contact\n5 Harbour Road, Aurelia City" in texts
    assert "CloudMail S.A.\n8 Rue du Nuage" in texts
    custodian = next(p for p in document.paragraphs if p.text.startswith("CloudMail"))
    assert len(custodian._p.findall(".//" + qn("w:br"))) == 1  # a real line break, not a new paragraph


def test_a_blank_line_inside_a_field_starts_a_new_paragraph_and_list_items_keep_their_lines(tmp_path: Path) -> None:
    case = api.example_case("mla") | {"facts": api.example_case("mla")["facts"] + "\n\nSecond paragraph."}
    case["persons_concerned"] = ["Jane Example\nborn 1 May 1990", "John Example"]
    out = tmp_path / "r.docx"
    api.write_docx("mla", case, out)
    paragraphs = docx.Document(str(out)).paragraphs
    assert "Second paragraph." in [p.text for p in paragraphs]
    bullets = [p.text for p in paragraphs if p.style.name == "List Bullet"]
    assert "Jane Example\nborn 1 May 1990" in bullets and "John Example" in bullets


def test_docx_has_letterhead_reference_header_and_page_numbers(tmp_path: Path) -> None:
    section = _send_ready(tmp_path).sections[0]
    assert section.different_first_page_header_footer
    first = [p.text for p in section.first_page_header.paragraphs]
    assert first == [AUTHORITY, f"Reference: {REFERENCE}"]
    assert [p.text for p in section.header.paragraphs] == [f"Reference: {REFERENCE}"]
    for footer in (section.footer, section.first_page_footer):
        fields = [f.get(qn("w:instr")) for f in footer._element.iter(qn("w:fldSimple"))]
        assert fields == ["PAGE", "NUMPAGES"]
        assert footer.paragraphs[0].text == "Page  of "  # Word fills in the numbers


def test_docx_ends_with_place_date_signature_and_the_annex_list(tmp_path: Path) -> None:
    texts = [p.text for p in _send_ready(tmp_path).paragraphs]
    contact = next(i for i, t in enumerate(texts) if t.startswith("For any question about this request"))
    closing = texts[contact + 1 : contact + 7]
    assert [t.split(":")[0] for t in closing] == [
        "Place",
        "Date",
        "Name and function of the signing officer",
        "Signature and official seal",
        "Annexes",
        "Annex 1",
    ]
    assert closing[0] == "Place: " + "_" * 32
    assert closing[-1] == "Annex 1: Provenance of the elements of this draft"


def test_the_annex_starts_on_a_new_page(tmp_path: Path) -> None:
    paragraphs = _send_ready(tmp_path).paragraphs
    annex = next(p for p in paragraphs if p.text == "Annex: provenance of the elements of this draft")
    assert annex.paragraph_format.page_break_before
    assert sum(bool(p.paragraph_format.page_break_before) for p in paragraphs) == 1


def test_the_case_files_closing_section_fills_the_block_and_an_argument_wins_part_by_part(tmp_path: Path) -> None:
    case = api.example_case("preservation") | {
        "closing": {"place": "Aurelia City", "date": "2027-03-04", "signatory": "Inspector Sam Example"}
    }
    result = api.draft("preservation", case, closing=Closing(place="Port Aurelia"))
    assert "Place: Port Aurelia\n\nDate: 4 March 2027\n\n" in result.markdown
    assert "Name and function of the signing officer: Inspector Sam Example" in result.markdown
    assert result.dated == dt.date(2027, 3, 4)
    out = api.save(result, tmp_path / "r.docx")
    texts = [p.text for p in docx.Document(str(out)).paragraphs]
    assert {"Place: Port Aurelia", "Date: 4 March 2027"} <= set(texts)


@pytest.mark.parametrize(
    ("closing", "problem"),
    [
        ({"place": ["a", "b"]}, "'closing.place' must be text"),
        ({"date": "4 March 2027"}, "'closing.date' must be a date written YYYY-MM-DD"),
        ({"signatory": "x" * 1001}, "'closing.signatory' is longer than 1,000 characters"),
        ({"seal": "yes"}, "unknown field 'closing.seal'"),
        ("Aurelia City", "'closing' must be a section"),
    ],
)
def test_a_bad_closing_section_is_refused(closing: object, problem: str) -> None:
    with pytest.raises(DraftError, match=re.escape(problem)):
        api.draft("preservation", api.example_case("preservation") | {"closing": closing})


def test_no_form_may_have_a_field_named_closing() -> None:
    from assistant.drafting.forms import FieldSpec

    with pytest.raises(ValueError, match="must be snake_case and not one of"):
        FieldSpec(
            name="closing", label="x", type="text", required=False, basis={"kind": "good-practice", "source": "x"}
        )


def test_place_date_and_signatory_when_given(tmp_path: Path) -> None:
    result = api.draft(
        "preservation",
        api.example_case("preservation"),
        closing=Closing(place="Aurelia City", date=dt.date(2027, 3, 4), signatory="Inspector Sam Example"),
    )
    assert "Place: Aurelia City\n\nDate: 4 March 2027\n\n" in result.markdown
    assert "Name and function of the signing officer: Inspector Sam Example" in result.markdown
    out = api.save(result, tmp_path / "r.docx")
    header = docx.Document(str(out)).sections[0].header.paragraphs[0].text
    assert header == "Reference: NCP-2026-0311   ·   Date: 4 March 2027"


def test_an_agreement_gets_a_signature_block_per_party() -> None:
    markdown, _ = api.draft_markdown("jit", api.example_case("jit"))
    closing = markdown.split("## Annex", 1)[0].rsplit("## ", 1)[1]
    assert closing.count("Signature: ____") == 2
    assert "For Office of the Public Prosecutor of the Republic of Aurelia:" in closing
    assert "Done at ____" in closing


@pytest.mark.parametrize(
    ("reference", "name"),
    [
        ("PP-CYB-2026-0147", "2027-03-04_PP-CYB-2026-0147_preservation.docx"),
        ("PP/CYB 2026:0147", "2027-03-04_PP-CYB-2026-0147_preservation.docx"),
        ("../../etc/passwd", "2027-03-04_etc-passwd_preservation.docx"),
        ("Réf. Ü-7", "2027-03-04_Ref.-U-7_preservation.docx"),
        ("   ", "2027-03-04_preservation.docx"),
        ("Дело 12", "2027-03-04_12_preservation.docx"),
        ("AB" * 100, "2027-03-04_" + "AB" * 30 + "_preservation.docx"),
    ],
)
def test_file_names_say_when_which_case_and_which_request(reference: str, name: str) -> None:
    result = api.draft("preservation", api.example_case("preservation") | {"reference": reference})
    assert api.file_name(result, "docx", today=dt.date(2027, 3, 4)) == name


def test_a_file_name_bears_the_requests_own_date() -> None:
    """The closing block's date, else the form's date of the request (mla), else today."""
    today = dt.date(2027, 3, 4)
    signed = {"closing": {"date": "2027-05-06"}}
    case = api.example_case("preservation")
    assert api.file_name(api.draft("preservation", case | signed), "pdf", today).startswith("2027-05-06_")
    assert api.file_name(api.draft("preservation", case), "pdf", today).startswith("2027-03-04_")
    mla = api.example_case("mla")
    assert mla["date_of_request"] == dt.date(2026, 4, 2)
    assert api.file_name(api.draft("mla", mla), "md", today) == "2026-04-02_PP-CYB-2026-0147_mla.md"
    assert api.file_name(api.draft("mla", mla | signed), "md", today).startswith("2027-05-06_")
    assert api.file_name(api.draft("mla", mla | {"date_of_request": None}), "md", today).startswith("2027-03-04_")


@pytest.mark.parametrize(
    ("path", "fmt", "expected"),
    [
        ("r.docx", None, "docx"),
        ("R.PDF", None, "pdf"),
        ("r.md", None, "md"),
        ("r.markdown", None, "md"),
        ("r.txt", None, "md"),
        ("request", None, "md"),
        ("r.txt", "pdf", "pdf"),
        ("r.docx", "docx", "docx"),
    ],
)
def test_output_format_from_the_name(path: str, fmt: str | None, expected: str) -> None:
    assert api.output_format(path, fmt) == expected


@pytest.mark.parametrize(
    ("path", "fmt", "problem"),
    [
        ("r.pdf", "md", "r.pdf is a .pdf name but the format asked for is md"),
        ("r.docx", "pdf", "r.docx is a .docx name but the format asked for is pdf"),
        ("r.md", "docx", "r.md is a .md name"),
        ("r.doc", None, "Cannot tell the format from the name r.doc"),
        ("r.md", "rtf", "Unknown format 'rtf'"),
    ],
)
def test_output_format_refuses_a_contradiction(path: str, fmt: str | None, problem: str) -> None:
    with pytest.raises(DraftError, match=re.escape(problem)):
        api.output_format(path, fmt)
