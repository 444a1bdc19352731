"""Index generations under running processes, two builds at once, and serving a data folder nobody may write.

The readers run as real subprocesses (a process's flocks are what keeps its generation), over the tiny knowledge
base: the same code path as the full index, built in seconds."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from assistant.dense import NumpyIndex
from assistant.errors import IndexBusy, IndexReadOnly
from assistant.index import IN_USE, ensure_index, newer_generation, open_index, read_only_home
from assistant.settings import PROJECT_ROOT, Settings
from assistant.ui.reader import index_notice

# Opens the index as the app does, says which generation, waits for stdin to close, then searches it again.
READER = """
import sys
from assistant.index import open_index
from assistant.settings import Settings
index = open_index(Settings())
print(index.generation, flush=True)
sys.stdin.read()
print(len(index.dense.query(index.vectors[0], 3)), flush=True)
"""

# Serves with every write under the data folder recorded by an audit hook (chmod does not restrict root, and a
# read-only mount needs privileges a test does not have): load the runtime as `make run` does, answer, search,
# build the web page.
SERVE = """
import json, os, sys
HOME = os.path.realpath(os.environ["UNCC_HOME"])
WRITE = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
CHANGES = {"os.mkdir", "os.rename", "os.remove", "os.rmdir", "os.symlink", "os.link", "os.truncate", "os.chmod",
           "os.chown", "os.utime", "shutil.rmtree", "shutil.copyfile", "shutil.move", "tempfile.mkstemp",
           "tempfile.mkdtemp", "sqlite3.connect"}
writes = []

def under(path):
    if not isinstance(path, (str, bytes, os.PathLike)):
        return False
    return os.path.realpath(os.fsdecode(path)).startswith(HOME)

def hook(event, args):
    if event == "open" and args[2] & WRITE and under(args[0]):
        writes.append(f"open {args[0]}")
    elif event in CHANGES and any(under(a) for a in args[:2]):
        writes.append(f"{event} {args[:2]}")

sys.addaudithook(hook)
try:  # the hook sees a write attempt under HOME (this one fails: the folder does not exist)
    open(os.path.join(HOME, "no-such-folder", "probe"), "w")
except FileNotFoundError:
    assert len(writes) == 1, writes
    writes.clear()
from assistant.runtime import load_runtime
from assistant.settings import Settings
from assistant.ui import build_app
from assistant.ui.reader import search

rt = load_runtime(Settings())
answer = rt.answerer.answer("Can we ask another State to preserve stored data?")
found, _ = search(rt.retriever, "extradition of nationals")
build_app(rt)
print(json.dumps({"writes": writes, "cited": [c.article for c in answer.citations], "found": found,
                  "dense": type(rt.index.dense).__name__, "chroma_loaded": "chromadb" in sys.modules}))
"""


def _env(settings: Settings, **extra: str) -> dict[str, str]:
    return os.environ | {
        "UNCC_HOME": str(settings.home),
        "UNCC_KNOWLEDGE_DIR": str(settings.knowledge_dir),
        "HF_HUB_OFFLINE": "1",
        **extra,
    }


def test_a_rebuild_never_removes_the_generation_a_running_process_reads(tiny_settings):
    ensure_index(tiny_settings)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER],
        cwd=PROJECT_ROOT,
        env=_env(tiny_settings),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = Path(reader.stdout.readline().strip())
        assert first == tiny_settings.index_dir.resolve(), reader.stderr.read()
        held = open_index(tiny_settings)  # this process reads the same generation too

        ensure_index(tiny_settings, rebuild=True)
        second = tiny_settings.index_dir.resolve()
        assert second != first
        for part in ("manifest.json", "passages.jsonl", "vectors.npy", "vectors-multilingual.npy", "chroma", IN_USE):
            assert (first / part).exists(), part
        # A running app learns that it serves an older generation, and tells its users to restart it.
        assert newer_generation(tiny_settings, held).version == open_index(tiny_settings).manifest.version
        assert "restarted" in index_notice(tiny_settings, held)
        del held

        out, err = reader.communicate("", timeout=120)  # stdin closes: the reader searches its generation, exits
        assert reader.returncode == 0 and out.strip() == "3", err
    finally:
        if reader.poll() is None:
            reader.kill()
            reader.wait()

    ensure_index(tiny_settings, rebuild=True)  # the first build after the last reader exits removes both
    assert not first.exists() and not second.exists()
    assert list((tiny_settings.home / "index-builds").iterdir()) == [tiny_settings.index_dir.resolve()]
    assert index_notice(tiny_settings, open_index(tiny_settings)) == ""


def test_a_second_build_says_so_at_once_then_gives_up_or_waits(tiny_settings, capsys):
    tiny_settings.home.mkdir(parents=True)
    lock = tiny_settings.home / "index.lock"
    lock.write_text("4242")  # the pid the first builder wrote
    with open(lock) as first_builder:
        fcntl.flock(first_builder, fcntl.LOCK_EX)
        started = time.monotonic()
        with pytest.raises(IndexBusy, match=r"pid 4242\) was still running after 0.5 s"):
            ensure_index(tiny_settings.model_copy(update={"build_wait": 0.5}))
        assert 0.5 <= time.monotonic() - started < 5
        said = capsys.readouterr().err
        assert "Another build of the index is running (pid 4242); waiting up to 0.5 s" in said
        assert not tiny_settings.index_dir.exists()

        threading.Timer(0.5, fcntl.flock, (first_builder, fcntl.LOCK_UN)).start()
        assert ensure_index(tiny_settings).action == "built"  # it waited, then built
        assert "waiting up to 300 s" in capsys.readouterr().err
    assert lock.read_text() == ""  # no pid left behind to mislead the next waiter


def test_a_read_only_data_folder_serves_answers_and_writes_nothing(tiny_settings, tmp_path):
    for part in ("forms", "cases", "plans", "states", "glossary.yaml"):  # what the page reads besides
        (tiny_settings.knowledge_dir / part).symlink_to(PROJECT_ROOT / "knowledge" / part)
    ensure_index(tiny_settings)
    before = sorted(str(p.relative_to(tiny_settings.home)) for p in tiny_settings.home.rglob("*"))
    env = _env(tiny_settings, UNCC_READ_ONLY="1", GRADIO_TEMP_DIR=str(tmp_path / "gradio"))
    done = subprocess.run(
        [sys.executable, "-c", SERVE], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    served = json.loads(done.stdout.strip().splitlines()[-1])
    assert served["writes"] == []
    assert served["cited"] and served["cited"][0] == 42 and "**Art. 37" in served["found"]
    assert served["dense"] == "NumpyIndex" and not served["chroma_loaded"]  # embedded Chroma opens files to write
    assert sorted(str(p.relative_to(tiny_settings.home)) for p in tiny_settings.home.rglob("*")) == before


def test_a_read_only_folder_whose_index_needs_a_build_says_what_to_run(tiny_settings):
    read_only = tiny_settings.model_copy(update={"read_only": True})
    with pytest.raises(IndexReadOnly, match=r"no index yet.*read-only.*uncc index"):
        ensure_index(read_only)
    assert not tiny_settings.home.exists()  # not even the folder or its lock file


def test_a_read_only_mount_is_detected_without_writing(tiny_settings, monkeypatch):
    tiny_settings.home.mkdir(parents=True)
    assert not read_only_home(tiny_settings)
    mounted = os.statvfs(tiny_settings.home)
    monkeypatch.setattr(
        os, "statvfs", lambda path: os.statvfs_result((*mounted[:8], mounted.f_flag | os.ST_RDONLY, mounted[9]))
    )
    assert read_only_home(tiny_settings)
    assert list(tiny_settings.home.iterdir()) == []  # found out without a probe file


def test_the_numpy_backend_is_chosen_for_a_read_only_folder(tiny_settings):
    ensure_index(tiny_settings)
    index = ensure_index(tiny_settings.model_copy(update={"read_only": True})).index
    assert isinstance(index.dense, NumpyIndex)
    assert index.dense.query(index.vectors[0], 1) == [index.passages[0].id]
