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

# Set before anything imports gradio or the model libraries, which read them at import time.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def _private_temp_dir() -> None:
    """Uploads and downloaded drafts go to a folder only this user can read, removed when the app stops."""
    if os.environ.get("GRADIO_TEMP_DIR"):
        return
    folder = tempfile.mkdtemp(prefix="uncc-app-")
    os.environ["GRADIO_TEMP_DIR"] = folder
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    # A service manager stops the app with SIGTERM, which skips atexit unless it becomes a normal exit.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))


def main() -> int:
    from assistant.errors import AssistantError
    from assistant.settings import get_settings

    _private_temp_dir()
    settings = get_settings()
    try:
        from assistant.runtime import load_runtime
        from assistant.ui import build_app, launch_options

        print("Opening the index and the model (the first start builds the index: about a minute) ...", file=sys.stderr)
        runtime = load_runtime(settings, progress=sys.stderr.isatty())
        build_app(runtime).launch(**launch_options(settings))  # the queue is set by build_app
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
