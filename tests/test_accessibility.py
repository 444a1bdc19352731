"""Accessibility in headless Chromium: axe-core on every tab in light and dark mode, headings that never skip a
level, a name for every form control, and the main actions done from the keyboard alone.

axe-core is the copy inside `axe-playwright-python` (injected into the page; nothing is fetched), run with its
default rules (WCAG 2.0-2.2 A and AA, best practices). The app, the browser and the page are the session's
shared fixtures (tests/browser_support.py): the `page` fixture fails a test whose page asked anything of
another host.
"""

from __future__ import annotations

import pytest
from browser_support import PRESERVATION_Q, PRESERVATION_TITLE, bot_messages, needs_chromium

BLOCKING = {"serious", "critical"}
# The roles of form controls; each must have a name a screen reader reads (not only a placeholder).
CONTROLS = {"textbox", "searchbox", "combobox", "listbox", "checkbox", "radio", "switch", "slider", "spinbutton"}
# What Gradio calls a control when it was given no label: not a name.
GRADIO_DEFAULTS = {"textbox", "dropdown", "radio", "checkbox", "checkboxgroup", "number", "file", "slider"}
# A radio or checkbox group (a <fieldset>) whose options are read without the question they answer.
UNNAMED_GROUPS_JS = """() => [...document.querySelectorAll("fieldset")]
  .filter((f) => f.offsetParent !== null && f.querySelector("input[type=radio], input[type=checkbox]"))
  .filter((f) => {
    const by = f.getAttribute("aria-labelledby");
    const named = by && document.getElementById(by) && document.getElementById(by).textContent.trim();
    return !named && !f.querySelector(":scope > legend") && !f.getAttribute("aria-label");
  })
  .map((f) => f.id || f.outerHTML.slice(0, 80))"""
TAB_LIMIT = 40  # key presses allowed to reach a control by Tab


def _axe(page) -> list[str]:
    """The serious and critical axe violations on the page as it is, one line per rule, with the colours of a
    contrast failure."""
    from axe_playwright_python.sync_playwright import Axe

    def node(n: dict) -> str:
        data = next((c.get("data") for c in n["any"] if isinstance(c.get("data"), dict)), {})
        colours = f" {data['fgColor']} on {data['bgColor']} ({data['contrastRatio']}:1)" if "fgColor" in data else ""
        return f"{n['target']}{colours}"

    found = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {[node(n) for n in v['nodes'][:4]]} {v['help']}"
        for v in found
        if v["impact"] in BLOCKING
    ]


def _tabs(page) -> list[str]:
    return [t.inner_text().strip() for t in page.get_by_role("tab").all()]


def _open_tab(page, name: str) -> None:
    from playwright.sync_api import expect

    tab = page.get_by_role("tab", name=name, exact=True)
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")


def _show_states(page, tab: str) -> None:
    """Bring out what a tab shows once used (answers, chips, forms, open folds), so that axe checks it too."""
    from playwright.sync_api import expect

    if tab == "Ask":
        page.locator("#question textarea").fill(PRESERVATION_Q)
        page.locator("#send").click()
        expect(page.locator("#chips")).to_contain_text("Art. 42")
        page.locator("#chips label").first.click()
        expect(page.locator("#passages .uncc-passage.selected")).to_have_count(1)
        expect(page.locator("#open-in-reader")).to_be_visible()
        page.get_by_role("button", name="Answer with citations (plain text)").click()
        page.locator("#about > button").click()
    elif tab == "Draft":
        page.locator("#draft-type input").click()
        page.get_by_role("option", name=PRESERVATION_TITLE).click()
        form = page.locator("#form-preservation")
        expect(form).to_be_visible()
        form.locator("#preservation-requesting_authority textarea").fill("National Cybercrime Police, Aurelia")
        expect(page.locator("#checklist")).to_contain_text("incomplete")
    elif tab == "Convention":
        page.locator("#toc-V > button").click()
        page.locator("#toc-V-articles label", has_text="Art. 42.").click()
        expect(page.locator("#article-head")).to_contain_text("Article 42. ")
        page.locator("#article-guidance > button").click()
        page.locator("#search textarea").fill("extradition of nationals")
        page.get_by_role("button", name="Search", exact=True).click()
        expect(page.locator("#hits")).to_contain_text("Art. 37")
        page.locator("#official > button").click()
    page.wait_for_timeout(300)  # the last fold's content is drawn


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("mode", ["light", "dark"])
def test_axe_finds_no_serious_violation_on_any_tab(page, app_url, mode):
    """One page load per mode: every tab is opened in turn, used, and checked."""
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(app_url + ("?__theme=dark" if mode == "dark" else ""))
    expect(page.locator("#banner")).to_be_visible()
    assert page.evaluate("document.body.classList.contains('dark')") == (mode == "dark")
    tabs = _tabs(page)
    assert {"Ask", "Draft", "Convention"} <= set(tabs), tabs
    problems = {}
    for tab in tabs:
        _open_tab(page, tab)
        _show_states(page, tab)
        if found := _axe(page):
            problems[tab] = found
    assert problems == {}, f"axe, {mode} mode: " + "\n".join(f"{t}: {p}" for t, p in problems.items())


def _show_results(page, tab: str) -> None:
    """What the Case and Review tabs show once they have done their work: a plan, a review and its reply."""
    from playwright.sync_api import expect

    from assistant.settings import PROJECT_ROOT

    if tab == "Case":
        page.get_by_role("button", name="Load the example").click()
        # Plan sends the editor as it is: an early click plans an empty case.
        expect(page.locator("#case-editor .cm-content")).to_contain_text("reference")
        page.locator("#case-plan").click()
        expect(page.locator("#case-plan-view")).to_contain_text("Plan of")
    elif tab == "Review":
        request = PROJECT_ROOT / "evals" / "review" / "dev" / "preservation-01-form.txt"
        page.locator("#review-file input[type=file]").set_input_files(str(request))
        page.locator("#review-run").click()
        expect(page.locator("#review-summary")).to_contain_text("Request for the expedited preservation")
        page.get_by_role("button", name="Reply (preview)").click()
    page.wait_for_timeout(300)


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("mode", ["light", "dark"])
def test_axe_finds_no_serious_violation_in_a_planned_example_case(page, app_url, mode):
    """The Case tab with the shipped example in its editor (YAML coloured by CodeMirror, scrolled in its own box),
    its plan drawn, the downloads listed and the case log open: what the tab test above never shows."""
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(app_url + ("?__theme=dark" if mode == "dark" else ""))
    expect(page.locator("#banner")).to_be_visible()
    _open_tab(page, "Case")
    _show_results(page, "Case")
    scroller = page.locator("#case-editor .cm-scroller")
    scrolls = "(e) => e.scrollWidth > e.clientWidth || e.scrollHeight > e.clientHeight"
    assert scroller.evaluate(scrolls), "the example's long lines no longer scroll the editor: nothing to check"
    expect(page.locator("#case-files")).to_contain_text(".ics")
    page.get_by_role("button", name="Case log: mark a step").click()
    expect(page.locator("#case-mark")).to_be_visible()
    page.wait_for_timeout(300)
    found = _axe(page)
    assert found == [], f"axe, Case tab with the planned example, {mode} mode:\n" + "\n".join(found)


@pytest.mark.browser
@needs_chromium
def test_no_tab_skips_a_heading_level(page, app_url):
    """axe's heading-order rule (a moderate finding, so not in the test above) on every tab as it is used: each
    tab has its own level-2 heading for screen readers, so its sections (Completeness, a plan's steps, the points
    to weigh) sit at level 3 under it."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(app_url)
    expect(page.locator("#banner")).to_be_visible()
    only = {"runOnly": {"type": "rule", "values": ["heading-order"]}, "resultTypes": ["violations"]}
    found, headings = {}, {}
    for tab in _tabs(page):
        _open_tab(page, tab)
        _show_states(page, tab)
        _show_results(page, tab)
        violations = Axe().run(page, options=only).response["violations"]
        if violations:
            found[tab] = [n["target"] for v in violations for n in v["nodes"][:4]]
        headings[tab] = page.locator("h2:visible, .uncc-sr-only h2").all_inner_texts()
    assert found == {}
    assert "Draft a request" in headings["Draft"] and "Review an incoming request" in headings["Review"]


@pytest.mark.browser
@needs_chromium
def test_every_control_has_a_name_a_screen_reader_reads(page, app_url):
    from playwright.sync_api import expect

    page.goto(app_url)
    expect(page.locator("#banner")).to_be_visible()
    cdp = page.context.new_cdp_session(page)
    unnamed: dict[str, list[str]] = {}
    for tab in _tabs(page):
        _open_tab(page, tab)
        _show_states(page, tab)
        for node in cdp.send("Accessibility.getFullAXTree")["nodes"]:
            role = node.get("role", {}).get("value")
            if node.get("ignored") or role not in CONTROLS:
                continue
            name = node.get("name", {})
            used = next((s for s in name.get("sources", []) if "value" in s and not s.get("superseded")), {})
            text = (name.get("value") or "").strip()
            if not text or used.get("type") == "placeholder" or text.lower() in GRADIO_DEFAULTS:
                unnamed.setdefault(tab, []).append(f"{role} {text!r} (from {used.get('type')})")
        if groups := page.evaluate(UNNAMED_GROUPS_JS):
            unnamed.setdefault(tab, []).extend(f"group {g}" for g in groups)
    assert unnamed == {}
    question = page.get_by_role("textbox", name="Your question about the convention")
    _open_tab(page, "Ask")
    expect(question).to_have_count(1)


def _tab_to(page, locator, key: str = "Tab") -> None:
    """Press Tab (or Shift+Tab) until `locator` has the focus; fail if it is not reached."""
    for _ in range(TAB_LIMIT):
        page.keyboard.press(key)
        if locator.evaluate("(e) => e === document.activeElement"):
            return
    pytest.fail(f"{locator} not reached with {TAB_LIMIT} presses of {key}")


@pytest.mark.browser
@needs_chromium
def test_keyboard_alone_asks_a_question_and_reads_the_convention(page, app_url):
    from playwright.sync_api import expect

    page.goto(app_url)
    expect(page.locator("#banner")).to_be_visible()
    page.evaluate("document.activeElement && document.activeElement.blur()")
    question = page.locator("#question textarea")
    _tab_to(page, question)
    page.keyboard.type(PRESERVATION_Q)
    page.keyboard.press("Enter")
    expect(bot_messages(page).first).to_contain_text("Art. 42")

    # A follow-up sent with the Ask button, reached by Tab and pressed with Enter.
    page.keyboard.type("How long does it last?")
    _tab_to(page, page.locator("#send"))
    page.keyboard.press("Enter")
    expect(bot_messages(page).nth(1)).to_contain_text("60 days")

    # The tabs are buttons in the tab order; Enter opens one. In the reader, Enter on "Next" turns the page.
    convention = page.get_by_role("tab", name="Convention", exact=True)
    _tab_to(page, convention, "Shift+Tab")
    page.keyboard.press("Enter")
    expect(convention).to_have_attribute("aria-selected", "true")
    _tab_to(page, page.locator("#next"))
    page.keyboard.press("Enter")
    expect(page.locator("#article-head")).to_contain_text("Article 2. ")
