"""Drafts in the six languages: the templates' wording translated and checked, the case's text as written,
Arabic right to left in Word, and no PDF where the script cannot be set correctly."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from pathlib import Path

import docx
import pypdf
import pytest
import yaml
from docx.oxml.ns import qn

from assistant.drafting import api
from assistant.drafting.case import Closing
from assistant.drafting.casefile import read_casefile
from assistant.drafting.export import write
from assistant.drafting.word import draft_to_docx
from assistant.drafting.wording import LANGUAGES, load_wording
from assistant.errors import DraftError, KnowledgeError
from assistant.planning.drafts import plan_drafts
from assistant.planning.planner import Planner
from assistant.settings import PROJECT_ROOT, Settings, get_settings

WORDING = PROJECT_ROOT / "prompts" / "drafting" / "i18n"
SIGNED = Closing(place="Aurelia City", date=dt.date(2027, 3, 4), signatory="Inspector Sam Example")
DATE_IN = {"en": "4 March 2027", "fr": "4 mars 2027", "es": "4 de marzo de 2027", "ru": "4 марта 2027 г.",
           "ar": "4 آذار/مارس 2027", "zh": "2027年3月4日"}  # fmt: skip


def _copy_prompts(tmp_path: Path) -> Settings:
    shutil.copytree(PROJECT_ROOT / "prompts" / "drafting", tmp_path / "prompts" / "drafting")
    return Settings(home=tmp_path / "home", prompts_dir=tmp_path / "prompts")


def test_every_language_has_every_wording_with_the_same_placeholders() -> None:
    english = load_wording(PROJECT_ROOT / "prompts", "en")
    titles = {key.removeprefix("titles.") for key in english.strings if key.startswith("titles.")}
    assert titles == set(api.list_types())  # a title for every request type
    for code in LANGUAGES:
        wording = load_wording(PROJECT_ROOT / "prompts", code)  # raises on a missing key or placeholder
        assert set(wording.strings) == set(english.strings) and len(wording.months) == 12


@pytest.mark.parametrize("code", [c for c in LANGUAGES if c != "en"])
def test_articles_are_cited_with_the_label_of_the_answers(code: str) -> None:
    answers = yaml.safe_load((PROJECT_ROOT / "prompts" / "i18n" / f"{code}.yaml").read_text(encoding="utf-8"))
    label = answers["words"]["article"].format(number=42, para="")
    assert load_wording(PROJECT_ROOT / "prompts", code).article(42) == label


def test_a_translation_that_changes_a_placeholder_or_drops_a_key_is_refused(tmp_path: Path) -> None:
    settings = _copy_prompts(tmp_path)
    path = settings.prompts_dir / "drafting" / "i18n" / "fr.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("{contact}", "{contact_person}"), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"common\.contact_text"):
        api.draft("preservation", api.example_case("preservation"), settings, language="fr")
    path.write_text(re.sub(r"(?m)^  thanks: >-\n(    .*\n)+", "", text), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"no wording for 'mla\.thanks'"):
        load_wording(settings.prompts_dir, "fr")


def test_a_template_asking_for_wording_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    settings = _copy_prompts(tmp_path)
    path = settings.prompts_dir / "drafting" / "preservation.md.j2"
    path.write_text(path.read_text(encoding="utf-8") + '\n{{ t("preservation.thanks") }}\n', encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"preservation\.thanks"):
        api.draft("preservation", api.example_case("preservation"), settings)


def test_an_unknown_language_is_refused_with_the_six() -> None:
    with pytest.raises(DraftError, match="ar, zh, en, es, fr, ru"):
        api.draft("preservation", api.example_case("preservation"), language="de")


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_draft_in_each_language_translates_the_wording_and_keeps_the_case(code: str) -> None:
    wording = load_wording(PROJECT_ROOT / "prompts", code)
    case = api.example_case("mla")
    result = api.draft("mla", case, closing=SIGNED, language=code)
    markdown = result.markdown
    assert result.language == code and result.title == wording.text("titles.mla")
    assert markdown.startswith(f"# {wording.text('titles.mla')}\n\n> {wording.text('note')}\n")
    assert wording.article(40) in markdown and "{" not in markdown  # the legal basis cited, no raw placeholder
    assert " ".join(case["facts"].split()) in " ".join(markdown.split())  # the user's text as written
    assert DATE_IN[code] in result.closing and DATE_IN[code] in result.date
    assert wording.text("mla.thanks") in markdown and wording.text("annex.intro") in result.annex
    if code != "en":
        assert "For any question about this request" not in markdown and "Place:" not in result.closing

    document = docx.Document(io.BytesIO(_docx_bytes(result)))
    body = [p.text for p in document.paragraphs]
    assert body[0] == wording.text("titles.mla") and wording.text("mla.thanks") in body
    footer = document.sections[0].footer.paragraphs[0]._p.xml
    for part in re.split(r"\{pages?\}", wording.labels.page):
        assert part.strip() in footer  # "Page ", " of " in the language, around the PAGE and NUMPAGES fields
    assert "PAGE" in footer and "NUMPAGES" in footer


def _docx_bytes(result) -> bytes:
    buffer = io.BytesIO()
    draft_to_docx(result).save(buffer)
    return buffer.getvalue()


def test_an_arabic_docx_is_right_to_left_and_an_english_one_is_not() -> None:
    case = api.example_case("preservation")
    arabic = docx.Document(io.BytesIO(_docx_bytes(api.draft("preservation", case, language="ar"))))
    section = arabic.sections[0]
    paragraphs = [*arabic.paragraphs, *section.first_page_header.paragraphs, *section.footer.paragraphs]
    assert all(p._p.pPr is not None and p._p.pPr.find(qn("w:bidi")) is not None for p in paragraphs)
    runs = [r for p in arabic.paragraphs for r in p.runs]
    assert runs and all(r.font.rtl for r in runs)
    assert all(r.font.cs_bold for r in runs if r.bold)  # bold shows on Arabic letters too
    english = docx.Document(io.BytesIO(_docx_bytes(api.draft("preservation", case))))
    assert not any(p._p.pPr is not None and p._p.pPr.find(qn("w:bidi")) is not None for p in english.paragraphs)


@pytest.mark.parametrize("code", ["ar", "zh"])
def test_no_pdf_in_arabic_or_chinese_docx_instead(code: str, tmp_path: Path) -> None:
    assert api.formats(code) == ("md", "docx")
    result = api.draft("preservation", api.example_case("preservation"), language=code)
    with pytest.raises(DraftError, match=r"PDF is not available for drafts in Arabic or Chinese.*DOCX"):
        write(result, tmp_path / "request.pdf")
    with pytest.raises(DraftError, match="DOCX"):
        api.write_draft("preservation", api.example_case("preservation"), tmp_path / "r.pdf", language=code)
    assert list(tmp_path.iterdir()) == []  # nothing written, not even a partial file
    assert write(result, tmp_path / "request.docx").stat().st_size > 0


def test_a_pdf_in_russian_has_its_wording_header_and_footer(tmp_path: Path) -> None:
    assert api.formats("ru") == api.FORMATS
    result = api.draft("preservation", api.example_case("preservation"), closing=SIGNED, language="ru")
    text = pypdf.PdfReader(write(result, tmp_path / "request.pdf")).pages[0].extract_text()
    wording = load_wording(PROJECT_ROOT / "prompts", "ru")
    assert wording.text("titles.preservation").split()[0] in text and "Исх. №: NCP-2026-0311" in text
    assert "Страница 1 из" in text


def test_plan_drafts_follow_the_case_files_language_unless_told(tmp_path: Path) -> None:
    data = yaml.safe_load((get_settings().knowledge_dir / "cases" / "ransomware.yaml").read_text(encoding="utf-8"))
    data["case"]["language"] = "es"
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    casefile, warnings = read_casefile(path)
    assert not [w for w in warnings if "language" in w]  # a field of the model, not an unknown one
    plan = Planner.from_settings(get_settings()).plan(casefile, dt.date(2026, 12, 7), warnings)
    drafts = plan_drafts(plan, casefile, get_settings())
    assert drafts and {d.language for _, d in drafts} == {"es"}
    assert all(d.markdown.startswith("# Solicitud") or d.markdown.startswith("# Acuerdo") for _, d in drafts)
    assert {d.language for _, d in plan_drafts(plan, casefile, get_settings(), "fr")} == {"fr"}
