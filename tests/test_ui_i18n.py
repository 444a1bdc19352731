"""The page in six languages: every entry of the page's wording translated with the same placeholders, the
loader's refusals, the page's language from the browser's, the reader's article in another language, the forms'
own words translated, and the Draft tab drafting in the page's language.
Two browser tests: Arabic chosen in the selector (right to left, a tab renamed, the Draft tab's labels, mirrored
chevrons and radio buttons, a screenshot kept) and French followed from the browser's own language."""

from __future__ import annotations

import shutil
from pathlib import Path

import gradio as gr
import pytest
import yaml
from browser_support import LOCAL_HOSTS, WAIT_MS, needs_chromium

from assistant import drafting
from assistant.drafting.form_wording import load_form_wording
from assistant.errors import AssistantError, KnowledgeError
from assistant.knowledge import load_knowledge
from assistant.prompts import PLACEHOLDER, PROMPTS
from assistant.settings import PROJECT_ROOT, Settings
from assistant.translations import LANGUAGES, load_languages
from assistant.ui.draft import example_values, form_translations, form_words, widgets
from assistant.ui.draft_tab import draft_tab
from assistant.ui.i18n import label, page_text, preferred, translations, ui_wording
from assistant.ui.reader import article_view, table_of_contents


def test_every_entry_of_the_page_exists_in_the_six_languages_with_the_same_placeholders():
    words = ui_wording()
    assert set(words) == set(LANGUAGES)
    english = words["en"]
    for code, translated in words.items():
        assert set(translated) == set(english), code
        for key, value in translated.items():
            assert set(PLACEHOLDER.findall(value)) == set(PLACEHOLDER.findall(english[key])), (code, key)
            assert value.strip(), (code, key)
        if code != "en":  # a translation, not a copy of the English
            assert translated["name_ask"] != english["name_ask"]
    # Gradio gets the fixed entries only: those with placeholders are filled in on the server.
    fixed = translations().translations_dict
    assert fixed["ar"]["name_convention"] == "الاتفاقية" and "toc_chapter" not in fixed["ar"]


def _copy_prompts(tmp_path: Path) -> Path:
    folder = tmp_path / "prompts"
    shutil.copytree(PROMPTS, folder)
    return folder


@pytest.mark.parametrize(
    ("line", "replacement", "problem"),
    [
        ('name_ask: "Demander"\n', "", "lacks the entries ['name_ask']"),
        ('toc_articles: "Articles du chapitre {chapter}"', 'toc_articles: "Articles du chapitre"', "placeholders"),
        ('name_ask: "Demander"', 'name_ask: "Demander"\nname_old: "x"', "does not: ['name_old']"),
        ('name_ask: "Demander"', 'name_ask: "De\u202emander"', "bidirectional"),
    ],
)
def test_a_translation_missing_an_entry_or_a_placeholder_is_refused(tmp_path, line, replacement, problem):
    folder = _copy_prompts(tmp_path)
    french = folder / "i18n" / "ui" / "fr.yaml"
    source = french.read_text(encoding="utf-8")
    assert line in source
    french.write_text(source.replace(line, replacement), encoding="utf-8")
    with pytest.raises(AssistantError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        ui_wording.__wrapped__(folder)


def test_the_page_language_follows_the_browser_then_the_choice():
    assert preferred("fr-CH, fr;q=0.9, en;q=0.8") == "fr"
    assert preferred("de-DE, ar;q=0.7, zh-CN;q=0.9") == "zh"  # by weight, not by position
    assert preferred("de, ja") == "en" and preferred("") == "en" and preferred("fr;q=abc") == "en"
    assert page_text("ar", "previous", number=41) == "→ السابق: المادة 41"  # right to left: previous points right
    assert page_text("xx", "previous", number=41) == "← Previous: Art. 41"  # an unknown code: English
    with pytest.raises(AssistantError):
        label("toc_chapter")  # has placeholders: only the server can fill it in


def test_the_reader_shows_titles_and_summaries_translated_and_the_restatement_marked_english():
    kb = load_knowledge(PROJECT_ROOT / "knowledge")
    languages = load_languages(kb, PROJECT_ROOT / "knowledge", PROMPTS)
    french, english = languages["fr"], languages["en"]
    view = article_view(kb, {}, 42, french)
    assert view.heading.startswith(f"## Article 42. {french.titles[42]}")
    assert french.summaries[42] in view.markdown and kb.article(42).summary not in view.markdown
    assert page_text("fr", "reader_english") in view.markdown
    assert kb.article(42).paragraphs[0].text in view.markdown  # the restatement itself stays English
    plain = article_view(kb, {}, 42)
    assert plain.heading.startswith(f"## Article 42. {kb.article(42).title}")
    assert page_text("en", "reader_english") not in plain.markdown
    chapter_v = next(c for c in table_of_contents(kb) if c.numeral == "V")
    assert chapter_v.label(english).endswith("(arts. 35–52)")
    assert french.chapters["V"] in chapter_v.label(french)
    assert (f"Art. 42. {french.titles[42]}", 42) in chapter_v.choices(french)


# -- the Draft tab ----------------------------------------------------------------------------------------


def test_every_form_field_is_worded_in_the_six_languages_and_an_untranslated_label_is_refused(settings, tmp_path):
    keys = form_translations(settings)
    assert set(keys) == set(LANGUAGES) and all(keys[code].keys() == keys["en"].keys() for code in LANGUAGES)
    french = form_words(settings, "fr")
    form = drafting.form("preservation", settings)
    by_name = {w.name: w for w in widgets(form, french)}
    assert by_name["facts"].label == "Bref exposé des faits *" and "Fondement : art. 42." in by_name["facts"].info
    assert by_name["offences"].info.endswith("Un élément par ligne.")
    assert by_name["closing_place"].label == page_text("fr", "closing_place")
    assert keys["ar"]["form:preservation:facts:label"] == f"{form_words(settings, 'ar').text(form.fields[5].label)} *"
    # An English label edited without its translations is refused, naming it.
    folder = tmp_path / "knowledge"
    shutil.copytree(settings.knowledge_dir / "forms", folder / "forms")
    forms = [drafting.form(t, settings) for t in drafting.list_types(settings)]
    edited = [f.model_copy(update={"label": "A new label"}) if f.name == "facts" else f for f in form.fields]
    changed = [form.model_copy(update={"fields": edited}) if f.type == form.type else f for f in forms]
    with pytest.raises(KnowledgeError, match="no translation of 'A new label'"):
        load_form_wording(folder, PROMPTS, changed, "zh")
    spanish = folder / "forms" / "i18n" / "es.yaml"
    data = yaml.safe_load(spanish.read_text(encoding="utf-8"))
    del data["summaries"]["mla"]
    spanish.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(KnowledgeError, match="no translation of 'mla'"):
        load_form_wording(folder, PROMPTS, forms, "es")


@pytest.fixture
def draft_handlers(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """The Draft tab's handlers of the preservation form, and its language change, by name."""
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    with gr.Blocks() as demo:
        draft_tab(settings, gr.Dropdown(list(LANGUAGES), value="en", elem_id="language"))
    found = {}
    for fn in demo.fns.values():
        ids = [getattr(c, "elem_id", None) or "" for c in [*fn.inputs, *fn.outputs]]
        if fn.fn is not None and (any(i.startswith("preservation-") for i in ids) or fn.name == "on_language"):
            found.setdefault(fn.name, fn.fn)
    return found


def test_the_draft_tab_drafts_in_the_page_language(settings, draft_handlers):
    values = example_values(settings, "preservation")
    # French: the three files, the template's wording in French with its unofficial-translation note.
    files, status, ready = draft_handlers["on_build"](*values, "fr")
    assert [Path(f).suffix for f in files] == [".docx", ".pdf", ".md"] and ready is True
    markdown = Path(files[2]).read_text(encoding="utf-8")
    assert markdown.startswith("# Demande de conservation rapide")
    assert "traduction non officielle" in markdown
    assert status.startswith(page_text("fr", "draft_files_ready"))
    # Arabic: no PDF, and the status says Word is the format for Arabic and Chinese.
    files, status, _ = draft_handlers["on_build"](*values, "ar")
    assert [Path(f).suffix for f in files] == [".docx", ".md"]
    assert page_text("ar", "draft_no_pdf") in status and Path(files[1]).read_text(encoding="utf-8").startswith("# ")
    # The live checklist and preview follow the page's language too.
    checklist, preview, *_ = draft_handlers["on_change"](*values, False, "preservation", None, "zh")
    assert preview.startswith(f"# {form_words(settings, 'zh').title(drafting.form('preservation', settings))}")
    assert "请求机关" in checklist and page_text("zh", "draft_basis", basis="第42条") in checklist
    # A change of language shows the form on screen again in it, the picker's titles included.
    out = draft_handlers["on_language"]("es", "preservation", *_all_values(settings))
    picker, intro = out[0], out[1 + len(drafting.list_types(settings))]
    assert ("Solicitud de extradición", "extradition") in picker.choices
    assert intro.startswith(f"**{form_words(settings, 'es').title(drafting.form('preservation', settings))}**")


def _all_values(settings: Settings) -> list:
    """Every form's inputs, empty, form after form, as the page sends them."""
    return [v for t in drafting.list_types(settings) for v in [None] * len(widgets(drafting.form(t, settings)))]


# -- browser ---------------------------------------------------------------------------------------------


@pytest.mark.browser
@needs_chromium
def test_arabic_chosen_in_the_selector_turns_the_page_right_to_left(page, app_url, tmp_path):
    from playwright.sync_api import expect

    page.goto(app_url)
    expect(page.get_by_role("tab", name="Ask", exact=True)).to_be_visible()
    page.locator("#language input").click()
    page.get_by_role("option", name="العربية").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("tab", name="الاتفاقية", exact=True)).to_be_visible()
    # The Draft tab: the form's labels and help, the checklist and the picker in Arabic; a yes/no field too.
    page.get_by_role("tab", name="الصياغة", exact=True).click()
    expect(page.locator("#confiscation-requesting_authority")).to_contain_text("السلطة الطالبة *")
    expect(page.locator("#confiscation-order_final")).to_contain_text("نعم")
    expect(page.locator("#checklist")).to_contain_text("الأساس: المادة 50")
    expect(page.locator("#draft-type input")).to_have_value("طلب تعاون دولي لأغراض المصادرة")
    page.get_by_role("tab", name="الاتفاقية", exact=True).click()
    expect(page.locator("#article-head")).to_contain_text("المادة 1.")
    expect(page.locator("#previous")).to_contain_text("→ السابق")  # points right, where the page starts
    shot = tmp_path / "arabic.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert page.evaluate("() => getComputedStyle(document.body).direction") == "rtl"
    # Mirrored: a closed chapter's chevron turned the other way (-90 degrees), a radio button's text on its left.
    chevron = "() => getComputedStyle(document.querySelector('#toc-II .label-wrap .icon')).transform"
    assert page.evaluate(chevron) == "matrix(0, -1, 1, 0, 0, 0)"
    gap = "() => getComputedStyle(document.querySelector('#toc-I-articles label > input + *')).marginRight"
    assert page.evaluate(gap) != "0px"
    banner = "() => getComputedStyle(document.querySelector('#banner')).borderRightWidth"
    assert page.evaluate(banner) == "4px"  # the banner's edge on the side the text starts
    # The choice is kept by this browser: a reload opens the page in Arabic again.
    page.reload()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("tab", name="اسأل", exact=True)).to_be_visible()


@pytest.mark.browser
@needs_chromium
def test_a_french_browser_gets_the_page_in_french(browser, app_url):
    from urllib.parse import urlparse

    from playwright.sync_api import expect

    context = browser.new_context(locale="fr-FR")
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    try:
        page.goto(app_url)
        for name in ("Demander", "Affaire", "Rédiger", "Examiner", "Convention"):
            expect(page.get_by_role("tab", name=name, exact=True)).to_be_visible()
        expect(page.locator("html")).to_have_attribute("dir", "ltr")
        expect(page.locator("#language input")).to_have_value("Français")
        page.get_by_role("tab", name="Rédiger", exact=True).click()
        expect(page.get_by_role("button", name="Partir de l'exemple").first).to_be_visible()
        page.get_by_role("tab", name="Convention", exact=True).click()
        expect(page.locator("#article-head")).to_contain_text("Chapitre I.")
    finally:
        context.close()
    assert not [u for u in requests if urlparse(u).hostname not in LOCAL_HOSTS | {None}]
