"""What the browser tests share: the app on a free local port for the whole session, one Chromium, and a fresh
page per test that fails the test if the page asked anything of a host other than this machine.

The fixtures are registered in conftest.py, so every test module uses the same app and browser.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest

from scripts.chromium import CHROMIUM, CHROMIUM_ARGS

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
LOCAL_ADDRESSES = {"127.0.0.1", "localhost", "::1"}
WAIT_MS = 20_000  # an answer takes well under a second; the margin is for a loaded CI machine
PRESERVATION_Q = "What must a request for expedited preservation of stored data contain?"
PRESERVATION_TITLE = "Request for the expedited preservation of stored electronic data"

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed at /usr/bin/chromium (`make browser` installs it as root)",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_url(full_runtime, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a free local port, with its own Gradio temp folder, for the whole session."""
    old_temp = os.environ.get("GRADIO_TEMP_DIR")
    os.environ["GRADIO_TEMP_DIR"] = str(tmp_path_factory.mktemp("gradio"))  # read when components are built
    from assistant.answering import Answerer
    from assistant.ui import build_app, launch_options

    answerer = Answerer(full_runtime.retriever, full_runtime.settings.answer, None)
    demo = build_app(full_runtime, answerer)
    settings = full_runtime.settings.model_copy(update={"port": free_port()})
    demo.launch(prevent_thread_lock=True, quiet=True, **launch_options(settings))
    yield f"http://127.0.0.1:{settings.port}/"
    demo.close()
    if old_temp is None:
        os.environ.pop("GRADIO_TEMP_DIR", None)
    else:
        os.environ["GRADIO_TEMP_DIR"] = old_temp


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium (`make browser` installs it as root)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, app_url):
    """A fresh browser session; fails the test if the page asked anything of a host other than this one."""
    context = browser.new_context(accept_downloads=True)
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    yield page
    context.close()
    outside = [
        u for u in requests if urlparse(u).scheme not in ("data", "blob") and urlparse(u).hostname not in LOCAL_HOSTS
    ]
    assert not outside, f"the page contacted other hosts: {outside[:5]}"
    assert requests, "no request was recorded: the network check saw nothing"


def ask(page, question: str) -> None:
    page.locator("#question textarea").fill(question)
    page.locator("#send").click()


def bot_messages(page):
    return page.locator('#chat [data-testid="bot"]')


def no_traceback(page) -> None:
    assert "Traceback" not in page.content()
