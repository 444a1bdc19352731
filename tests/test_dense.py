"""Dense indexes behind one seam: numpy (exact), the embedded Chroma store and a real `chroma run` server give
the same results on real questions; a server that cannot be reached, or lacks this knowledge version, is a
clear error naming the URL and what to run, never a fallback to the store on this machine."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest

from assistant.cli import main
from assistant.dense import ChromaServerError, NumpyIndex, collection_name
from assistant.errors import InvalidInput
from assistant.index import SENT, ensure_index, open_index
from assistant.records import Passage
from assistant.runtime import load_runtime
from assistant.settings import PROJECT_ROOT, ChromaSettings, Settings, get_settings

QUESTIONS = [json.loads(line)["question"] for line in (PROJECT_ROOT / "evals" / "dev.jsonl").open()][:60]
CHROMA = Path(sys.executable).parent / "chroma"
START_WITHIN = 30.0  # seconds for `chroma run` to answer its heartbeat


def _articles(passages) -> list[int]:
    return list(dict.fromkeys(p.article for p in passages if p.article is not None))


def _top5(retriever) -> list[list[int]]:
    return [_articles(retriever.retrieve(q, 5)) for q in QUESTIONS]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _with(settings: Settings, **chroma) -> Settings:
    return settings.model_copy(update={"chroma": ChromaSettings(**chroma)})


@pytest.fixture(scope="module")
def embedded_top5(full_runtime) -> list[list[int]]:
    """The default (embedded Chroma) results for the first 60 dev questions: what every other index must match."""
    return _top5(full_runtime.retriever)


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `chroma run` on a free loopback port, stopped at teardown; its URL."""
    if not CHROMA.is_file():
        pytest.skip(f"no `chroma` executable next to {sys.executable} (pip install chromadb provides it)")
    root = tmp_path_factory.mktemp("chroma-server")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = (root / "server.log").open("w")
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(root / "db"), "--host", "127.0.0.1", "--port", str(port)],
        cwd=root,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={"PATH": "/usr/bin:/bin", "HOME": str(root), "ANONYMIZED_TELEMETRY": "False"},
    )
    try:
        deadline = time.monotonic() + START_WITHIN
        while True:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1.0, trust_env=False).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = (root / "server.log").read_text(errors="replace")[-2000:]
                pytest.fail(f"`chroma run` did not start within {START_WITHIN:g} s (exit {proc.poll()}):\n{tail}")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()


@pytest.fixture(scope="module")
def filled_server(chroma_server: str, full_home: Path) -> str:
    """The server holding the session index's collection, filled from its vectors.npy (nothing re-embedded)."""
    settings = Settings(home=full_home, chroma=ChromaSettings(url=chroma_server))
    built_at = open_index(Settings(home=full_home)).manifest.built_at
    result = ensure_index(settings)
    assert result.action == SENT, result  # the local index was up to date: only the server was filled
    assert result.manifest.built_at == built_at
    assert ensure_index(settings).action == "up to date"  # a second `uncc index` finds it there
    return chroma_server


# -- numpy ------------------------------------------------------------------------------------------------


def _passage(i: int, article: int | None, chapter: str) -> Passage:
    return Passage(id=f"p{i}", text="x", kind="paragraph", source="restatement", article=article, chapter=chapter)


def test_numpy_index_ranks_by_cosine_and_filters():
    passages = [_passage(0, 7, "II"), _passage(1, 42, "V"), _passage(2, 42, "V"), _passage(3, None, "")]
    vectors = np.array([[1, 0], [0.6, 0.8], [0, 1], [0.8, 0.6]], dtype=np.float32)
    index = NumpyIndex(passages, vectors)
    query = np.array([0, 1], dtype=np.float32)
    assert index.query(query, 4) == ["p2", "p1", "p3", "p0"]
    assert index.query(query, 2) == ["p2", "p1"]
    assert index.query(query, 10, article=42) == ["p2", "p1"]
    assert index.query(query, 10, chapter="II") == ["p0"]
    assert index.query(query, 10, article=7, chapter="V") == []
    assert index.query(query, 0) == []


def test_numpy_and_embedded_chroma_give_the_same_top5(full_home, embedded_top5):
    numpy_rt = load_runtime(Settings(home=full_home, chroma=ChromaSettings(backend="numpy")), ensure=False)
    assert isinstance(numpy_rt.index.dense, NumpyIndex)
    assert _top5(numpy_rt.retriever) == embedded_top5


def test_numpy_cannot_be_combined_with_a_server(tiny_settings):
    ensure_index(tiny_settings)
    with pytest.raises(InvalidInput, match="UNCC_CHROMA__URL"):
        open_index(_with(tiny_settings, backend="numpy", url="http://127.0.0.1:8000"))


# -- the Chroma server ------------------------------------------------------------------------------------


def test_server_gives_the_same_top5_as_the_embedded_store(full_home, filled_server, embedded_top5):
    server_rt = load_runtime(Settings(home=full_home, chroma=ChromaSettings(url=filled_server)), ensure=False)
    assert _top5(server_rt.retriever) == embedded_top5
    only42 = server_rt.retriever.retrieve("data", 5, article=42)
    assert only42 and {p.article for p in only42} == {42}
    assert {p.chapter for p in server_rt.retriever.retrieve("data", 5, chapter="v") if p.article} == {"V"}


def test_ask_reads_the_server_not_the_local_store(full_home, filled_server, tmp_path, monkeypatch, capsys):
    # A copy of the index without its embedded store: only the server can answer the dense half.
    home = tmp_path / "front-end"
    shutil.copytree(full_home, home, symlinks=True, ignore=shutil.ignore_patterns("index.lock"))
    shutil.rmtree(home / "index" / "chroma")
    monkeypatch.setenv("UNCC_HOME", str(home))
    monkeypatch.setenv("UNCC_CHROMA__URL", filled_server)
    get_settings.cache_clear()
    assert main(["ask", "what must a request for preservation of stored data contain", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["citations"][0]["article"] == 42
    assert "Index" not in captured.err  # nothing rebuilt, nothing filled


@pytest.mark.parametrize("ensure", [True, False])
def test_unreachable_server_names_the_url_and_what_to_run(full_home, ensure):
    url = f"http://127.0.0.1:{_free_port()}"  # nothing listens there
    settings = Settings(home=full_home, chroma=ChromaSettings(url=url))
    with pytest.raises(ChromaServerError) as caught:
        load_runtime(settings, ensure=ensure)
    message = str(caught.value)
    assert url in message and "chroma run" in message and "uncc index" in message


def test_unreachable_server_from_the_command_line(full_home, monkeypatch, capsys):
    url = f"http://127.0.0.1:{_free_port()}"
    monkeypatch.setenv("UNCC_HOME", str(full_home))
    monkeypatch.setenv("UNCC_CHROMA__URL", url)
    get_settings.cache_clear()
    assert main(["search", "extradition"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: Cannot reach the Chroma server at {url}") and "Traceback" not in err


def test_server_without_this_version_names_the_url_and_what_to_run(tiny_settings, filled_server, full_runtime):
    ensure_index(tiny_settings)  # another knowledge version than the one the server holds
    settings = _with(tiny_settings, url=filled_server)
    for attempt in (lambda: open_index(settings), lambda: ensure_index(settings, fill_server=False)):
        with pytest.raises(ChromaServerError) as caught:
            attempt()
        message = str(caught.value)
        assert filled_server in message and "uncc index" in message
        assert f"holds knowledge version {full_runtime.index.manifest.version}" in message


def test_incomplete_collection_is_refused_then_filled_again(tiny_settings, filled_server):
    import chromadb

    manifest = ensure_index(tiny_settings).manifest
    settings = _with(tiny_settings, url=filled_server)
    port = int(filled_server.rsplit(":", 1)[1])
    client = chromadb.HttpClient(host="127.0.0.1", port=port)
    name = collection_name(manifest.fingerprint)
    client.create_collection(name, embedding_function=None)  # as an interrupted fill by hand would leave it
    try:
        with pytest.raises(ChromaServerError, match=f"incomplete collection {name}"):
            open_index(settings)
        result = ensure_index(settings)
        assert result.action == SENT
        assert len(result.index.dense.query(result.index.vectors[0], 3)) == 3
    finally:
        client.delete_collection(name)


def test_bad_url_is_refused(tiny_settings):
    ensure_index(tiny_settings)
    with pytest.raises(InvalidInput, match="with its port"):
        open_index(_with(tiny_settings, url="127.0.0.1:8000"))
