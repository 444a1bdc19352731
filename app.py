"""Start the web app (`make run`): http://127.0.0.1:7860 unless UNCC_HOST / UNCC_PORT say otherwise.

Thin on purpose: settings, the index (built or refreshed by `load_runtime` when needed), the page from
`assistant.ui`, launch. Nothing is fetched from or sent to the internet.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

# Set before anything imports gradio or the model libraries, which read them at import time.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


TEMP_PREFIX = "uncc-app-"  # with a file `pid` inside: the process the folder belongs to
# A folder without its pid file yet may belong to an app starting at this moment: left alone this long.
UNCLAIMED_GRACE_S = 60.0

log = logging.getLogger("uncc.app")


def remove_orphans(root: Path) -> list[Path]:
    """Remove the temp folders under `root` of earlier runs that crashed (their process is gone): they still hold
    uploads and drafts. Returns the folders removed."""
    removed = []
    for folder in root.glob(f"{TEMP_PREFIX}*"):
        try:
            pid = int((folder / "pid").read_text(encoding="ascii"))
            gone = pid <= 0 or not _alive(pid)
        except (OSError, ValueError):  # no pid (yet), or not a number
            try:
                gone = time.time() - folder.stat().st_mtime > UNCLAIMED_GRACE_S
            except OSError:  # removed meanwhile
                continue
        if gone:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive, and not ours to clean
        return True
    return True


def _private_temp_dir() -> Path | None:
    """Uploads and downloaded drafts go to a folder only this user can read, removed when the app stops. None when
    GRADIO_TEMP_DIR names a folder already: the operator's to manage."""
    if os.environ.get("GRADIO_TEMP_DIR"):
        return None
    root = Path(tempfile.gettempdir())
    remove_orphans(root)
    folder = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=root))
    (folder / "pid").write_text(str(os.getpid()), encoding="ascii")
    os.environ["GRADIO_TEMP_DIR"] = str(folder)
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _stop_on_sigterm(folder: Path | None) -> None:
    def stop(*_: object) -> None:
        # A service manager stops the app with SIGTERM and waits; the server's threads would take 10-20 s to
        # wind down. Nothing here holds unsaved work (the index is only read), so remove the uploads and go.
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)


def main() -> int:
    from assistant.errors import AssistantError
    from assistant.settings import get_settings

    # One handler, on stderr (a service manager's log): the exposure warning and every unexpected error, once each.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _stop_on_sigterm(_private_temp_dir())
    settings = get_settings()
    try:
        from assistant.runtime import load_runtime
        from assistant.ui import build_app
        from assistant.ui.app import exposure_warning, serve

        print("Opening the index and the model (the first start builds the index: about a minute) ...", file=sys.stderr)
        runtime = load_runtime(settings, progress=sys.stderr.isatty())
        if warning := exposure_warning(settings):
            log.warning(warning)
        page = build_app(runtime)  # the queue is set here
        try:
            serve(page, settings)
        except OSError:  # the server's own log line above says why (uvicorn's "error while attempting to bind")
            print(
                f"error: the app cannot listen on {settings.host}:{settings.port}: the port is taken, or the address "
                "is not one of this machine's. Set UNCC_HOST / UNCC_PORT.",
                file=sys.stderr,
            )
            return 1
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
