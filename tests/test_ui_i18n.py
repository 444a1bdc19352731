"""The page in six languages: every entry of the page's wording translated with the same placeholders, the
loader's refusals, the page's language from the browser's, and the reader's article in another language.
Two browser tests: Arabic chosen in the selector (right to left, a tab renamed, a screenshot kept) and French
followed from the browser's own language."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from browser_support import LOCAL_HOSTS, WAIT_MS, needs_chromium

from assistant.errors import AssistantError
from assistant.knowledge import load_knowledge
from assistant.prompts import PLACEHOLDER, PROMPTS
from assistant.settings import PROJECT_ROOT
from assistant.translations import LANGUAGES, load_languages
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
    assert page_text("ar", "previous", number=41) == "← السابق: المادة 41"
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
    page.get_by_role("tab", name="الاتفاقية", exact=True).click()
    expect(page.locator("#article-head")).to_contain_text("المادة 1.")
    shot = tmp_path / "arabic.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert page.evaluate("() => getComputedStyle(document.body).direction") == "rtl"
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
