"""Who may change what the app quotes, over HTTP: an app started with the admin setting and a login, and an
anonymous client that tries its official-text upload as a plain HTTP client would (the probe of issue 20)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import httpx
import pytest
from browser_support import free_port
from gradio_client import Client

from assistant.answering import Answerer
from assistant.audit import entries
from assistant.index import fingerprint
from assistant.ui import build_app, launch_options
from assistant.ui.i18n import ui_wording

QUESTION = "What must a request for expedited preservation of stored data contain?"
LOGIN = ("admin", "a-long-secret")


@pytest.fixture(scope="module")
def admin_app(full_runtime, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, str]]:
    settings = full_runtime.settings.model_copy(update={"admin": True, "auth": ":".join(LOGIN), "port": free_port()})
    rt = dataclasses.replace(full_runtime, settings=settings)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GRADIO_TEMP_DIR", str(tmp_path_factory.mktemp("admin-gradio")))  # read as components are built
        demo = build_app(rt, Answerer(rt.retriever, settings.answer, None))
        demo.launch(prevent_thread_lock=True, quiet=True, **launch_options(settings))
        yield demo, f"http://127.0.0.1:{settings.port}/"
        demo.close()


def _answer(url: str) -> tuple[str, list]:
    return Client(url, auth=LOGIN, verbose=False).predict(QUESTION, api_name="/ask")


def test_an_anonymous_client_cannot_change_the_text_any_user_is_shown(admin_app, full_runtime, tmp_path):
    demo, url = admin_app
    settings = full_runtime.settings
    live, version, logged = settings.index_dir.resolve(), fingerprint(settings), entries(settings)
    before = _answer(url)
    ingest = next(i for i, fn in demo.fns.items() if fn.name == "on_ingest")
    other = tmp_path / "other-treaty.txt"
    other.write_text("Article 1\nUse of terms\nAnother treaty's text.\n", encoding="utf-8")

    with httpx.Client(base_url=url, trust_env=False, timeout=30) as anonymous:
        replies = [
            anonymous.post("gradio_api/upload", files={"files": other.open("rb")}),
            anonymous.post(
                "gradio_api/queue/join",
                json={
                    "data": [{"path": str(other), "meta": {"_type": "gradio.FileData"}}, "en", True],
                    "fn_index": ingest,
                    "session_hash": "anonymous",
                },
            ),
            anonymous.post("gradio_api/call/ask", json={"data": [QUESTION]}),
        ]
    assert [r.status_code for r in replies] == [401, 401, 401]

    assert not settings.official_dir.exists()
    assert settings.index_dir.resolve() == live and fingerprint(settings) == version  # the next start rebuilds nothing
    assert entries(settings) == logged
    assert _answer(url) == before


def test_the_web_upload_offers_no_force_even_to_an_admin(admin_app):
    demo, _ = admin_app
    ingest = next(fn for fn in demo.fns.values() if fn.name == "on_ingest")
    # A label is a translation key the browser words; every language's wording of it must lack "force".
    keys = [getattr(c.label, "key", c.label) or "" for c in ingest.inputs]
    shown = [words.get(key, key).lower() for key in keys for words in ui_wording().values()]
    assert len(keys) == 3 and shown and not any("force" in text for text in shown)
