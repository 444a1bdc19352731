"""Take the README's screenshots from the real app: `.venv/bin/python scripts/screenshots.py [OUT_DIR]`.

Starts the app on a free local port (building the index first if needed), drives Debian's Chromium at
/usr/bin/chromium with Playwright (the arguments the browser tests use, scripts/chromium.py), and writes the Ask,
Case, Draft and Convention tabs in light and dark mode (`?__theme=dark`): ask-light.png, ask-dark.png,
case-light.png, ... (default OUT_DIR: docs/screenshots). Each mode gets a fresh browser session, so nothing
autosaved by one shows in the other. Everything stays on this machine.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before gradio is imported
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a plain script from a checkout

from scripts.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402 (needs the path above)

VIEWPORT = {"width": 1440, "height": 1000}
WAIT_MS = 30_000
MODES = ("light", "dark")
TABS = ("ask", "case", "draft", "convention")
QUESTION = "What must a request for expedited preservation of stored data contain?"
PRESERVATION = "Request for the expedited preservation of stored electronic data"
PLAN_DATE = "2026-12-07"  # the example case's deadlines are shown as of this day, so the picture does not age


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _address(url: str, mode: str, query: str = "") -> str:
    """The page's address in `mode`: dark mode is Gradio's `__theme=dark` parameter."""
    params = [p for p in (query, "__theme=dark" if mode == "dark" else "") if p]
    return url + ("?" + "&".join(params) if params else "")


def _open_tab(page, name: str) -> None:
    from playwright.sync_api import expect

    tab = page.get_by_role("tab", name=name, exact=True)
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")


def _ask(page) -> None:
    from playwright.sync_api import expect

    page.locator("#question textarea").fill(QUESTION)
    page.locator("#send").click()
    expect(page.locator("#chips")).to_contain_text("Art. 42")
    page.locator("#chips label").first.click()
    expect(page.locator("#passages .uncc-passage.selected")).to_have_count(1)


def _case(page) -> None:
    from playwright.sync_api import expect

    _open_tab(page, "Case")
    page.get_by_role("button", name="Load the example").click()
    expect(page.locator("#case-editor .cm-content")).to_contain_text("requesting_state:")
    page.locator("#case-date input, #case-date textarea").first.fill(PLAN_DATE)
    page.locator("#case-plan").click()
    expect(page.locator("#case-plan-view")).to_contain_text(f"Plan of {PLAN_DATE}")


def _draft(page) -> None:
    from playwright.sync_api import expect

    _open_tab(page, "Draft")
    page.locator("#draft-type input").click()
    page.get_by_role("option", name=PRESERVATION).click()
    form = page.locator("#form-preservation")
    form.locator("#preservation-requesting_authority textarea").fill(
        "National Cybercrime Police, 24/7 Point of Contact, Aurelia City"
    )
    form.locator("#preservation-offences textarea").fill("Illegal access (Penal Code of Aurelia, s. 301)")
    expect(page.locator("#checklist")).to_contain_text("2 of 10 required elements present")


def _convention(page, url: str, mode: str) -> None:
    from playwright.sync_api import expect

    page.goto(_address(url, mode, "article=42"))
    expect(page.locator("#article-view")).to_contain_text("Article 42.")


def _shoot(browser, url: str, mode: str, out: Path) -> list[Path]:
    """The four tabs in one mode, in a fresh browser session."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    written = []

    def shot(tab: str) -> None:
        page.evaluate("window.scrollTo(0, 0)")  # a click may have scrolled the page: show its top, the tabs
        page.wait_for_timeout(300)  # the last update is drawn
        path = out / f"{tab}-{mode}.png"
        page.screenshot(path=str(path))
        written.append(path)

    try:
        page.goto(_address(url, mode))
        expect(page.locator("#banner")).to_be_visible()
        if page.evaluate("document.body.classList.contains('dark')") != (mode == "dark"):
            raise RuntimeError(f"the page did not open in {mode} mode")
        _ask(page)
        shot("ask")
        _case(page)
        shot("case")
        _draft(page)
        shot("draft")
        _convention(page, url, mode)
        shot("convention")
    finally:
        context.close()
    return written


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    if not CHROMIUM.exists():
        print(f"Chromium is not installed at {CHROMIUM} (`make browser` installs it as root).", file=sys.stderr)
        return 2
    temp = tempfile.mkdtemp(prefix="uncc-shots-")
    os.environ["GRADIO_TEMP_DIR"] = temp
    from playwright.sync_api import expect, sync_playwright

    from assistant.runtime import load_runtime
    from assistant.settings import get_settings
    from assistant.ui import build_app, launch_options

    settings = get_settings().model_copy(update={"port": _free_port(), "host": "127.0.0.1", "auth": ""})
    demo = build_app(load_runtime(settings))
    demo.launch(prevent_thread_lock=True, quiet=True, **launch_options(settings))
    url = f"http://127.0.0.1:{settings.port}/"
    expect.set_options(timeout=WAIT_MS)
    written: list[Path] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                for mode in MODES:
                    written += _shoot(browser, url, mode, out)
            finally:
                browser.close()
    finally:
        demo.close()
        shutil.rmtree(temp, ignore_errors=True)
    print(f"Wrote {', '.join(p.name for p in written)} to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
