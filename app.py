"""Start the web app (`make run`): http://127.0.0.1:7860 unless UNCC_HOST / UNCC_PORT say otherwise.

Thin on purpose: settings, the index (built or refreshed by `load_runtime` when needed), the page from
`assistant.ui`, launch. Nothing is fetched from or sent to the internet.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

# Set before anything imports gradio or the model libraries, which read them at import time.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def _remove_orphans() -> None:
    """Temp folders of earlier runs that crashed (their process is gone) still hold uploads and drafts."""
    for folder in Path(tempfile.gettempdir()).glob("uncc-app-*"):
        try:
            pid = int((folder / "pid").read_text(encoding="ascii"))
        except (OSError, ValueError):
            pid = 0
        if pid <= 0 or not _alive(pid):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive, and not ours to clean
        return True
    return True


def _private_temp_dir() -> None:
    """Uploads and downloaded drafts go to a folder only this user can read, removed when the app stops."""
    if os.environ.get("GRADIO_TEMP_DIR"):
        return
    _remove_orphans()
    folder = tempfile.mkdtemp(prefix="uncc-app-")
    (Path(folder) / "pid").write_text(str(os.getpid()), encoding="ascii")
    os.environ["GRADIO_TEMP_DIR"] = folder
    atexit.register(shutil.rmtree, folder, ignore_errors=True)

    def stop(*_: object) -> None:
        # A service manager stops the app with SIGTERM and waits; the server's threads would take 10-20 s to
        # wind down. Nothing here holds unsaved work (the index is only read), so remove the uploads and go.
        shutil.rmtree(folder, ignore_errors=True)
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)


def main() -> int:
    from assistant.errors import AssistantError
    from assistant.settings import get_settings

    _private_temp_dir()
    settings = get_settings()
    try:
        from assistant.runtime import load_runtime
        from assistant.ui import build_app, launch_options
        from assistant.ui.app import exposure_warning

        print("Opening the index and the model (the first start builds the index: about a minute) ...", file=sys.stderr)
        runtime = load_runtime(settings, progress=sys.stderr.isatty())
        if warning := exposure_warning(settings):
            print(f"warning: {warning}", file=sys.stderr)
        build_app(runtime).launch(**launch_options(settings))  # the queue is set by build_app
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
