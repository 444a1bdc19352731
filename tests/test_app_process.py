"""The app as a process, as `make run` starts it: orphaned temp folders removed at start, a prompt exit on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from browser_support import free_port

from assistant.settings import PROJECT_ROOT

START_TIMEOUT_S = 180  # the model loads and the index is checked; a loaded CI machine needs the margin


def _wait_for_port(port: int, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else "the app exited"
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    raise AssertionError(f"the app did not listen on port {port} within {timeout} s")


def test_the_app_cleans_up_orphans_and_stops_within_two_seconds_on_sigterm(full_home: Path):
    orphan = Path(tempfile.mkdtemp(prefix="uncc-app-"))
    (orphan / "pid").write_text("999999999", encoding="ascii")  # no such process
    (orphan / "draft.docx").write_bytes(b"left behind by a crash")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "GRADIO_TEMP_DIR"}
    env |= {"UNCC_HOME": str(full_home), "UNCC_PORT": str(port), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen(
        [sys.executable, "app.py"], cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        _wait_for_port(port, proc, START_TIMEOUT_S)
        assert not orphan.exists()
        own = [d for d in Path(tempfile.gettempdir()).glob("uncc-app-*") if (d / "pid").read_text() == str(proc.pid)]
        assert len(own) == 1
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
        assert time.monotonic() - started <= 2.0
        assert proc.returncode == 0 and not own[0].exists()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
