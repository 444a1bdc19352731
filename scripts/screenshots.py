"""Take the README's screenshots of the three tabs: `.venv/bin/python scripts/screenshots.py [OUT_DIR]`.

Starts the app on a free local port (building the index first if needed), drives Debian's Chromium at
/usr/bin/chromium with Playwright, and writes ask.png, draft.png and convention.png (default: docs/screenshots).
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
QUESTION = "What must a request for expedited preservation of stored data contain?"
PRESERVATION = "Request for the expedited preservation of stored electronic data"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ask(page, out: Path) -> None:
    from playwright.sync_api import expect

    page.locator("#question textarea").fill(QUESTION)
    page.locator("#send").click()
    expect(page.locator("#chips")).to_contain_text("Art. 42")
    page.locator("#chips label").first.click()
    expect(page.locator("#passages .uncc-passage.selected")).to_have_count(1)
    page.screenshot(path=str(out / "ask.png"))


def _draft(page, out: Path) -> None:
    from playwright.sync_api import expect

    page.get_by_role("tab", name="Draft").click()
    page.locator("#draft-type input").click()
    page.get_by_role("option", name=PRESERVATION).click()
    form = page.locator("#form-preservation")
    form.locator("#preservation-requesting_authority textarea").fill(
        "National Cybercrime Police, 24/7 Point of Contact, Aurelia City"
    )
    form.locator("#preservation-offences textarea").fill("Illegal access (Penal Code of Aurelia, s. 301)")
    expect(page.locator("#checklist")).to_contain_text("2 of 10 required elements present")
    page.screenshot(path=str(out / "draft.png"))


def _convention(page, url: str, out: Path) -> None:
    from playwright.sync_api import expect

    page.goto(url + "?article=42")
    expect(page.locator("#article-view")).to_contain_text("Article 42.")
    page.screenshot(path=str(out / "convention.png"))


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    temp = tempfile.mkdtemp(prefix="uncc-shots-")
    os.environ["GRADIO_TEMP_DIR"] = temp
    from playwright.sync_api import expect, sync_playwright

    from assistant.runtime import load_runtime
    from assistant.settings import get_settings
    from assistant.ui import build_app, launch_options

    settings = get_settings().model_copy(update={"port": _free_port(), "host": "127.0.0.1", "auth": ""})
    demo = build_app(load_runtime(settings))
    demo.queue().launch(prevent_thread_lock=True, quiet=True, **launch_options(settings))
    url = f"http://127.0.0.1:{settings.port}/"
    expect.set_options(timeout=WAIT_MS)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(url)
            _ask(page, out)
            _draft(page, out)
            _convention(page, url, out)
            browser.close()
    finally:
        demo.close()
        shutil.rmtree(temp, ignore_errors=True)
    print(f"Wrote ask.png, draft.png and convention.png to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
