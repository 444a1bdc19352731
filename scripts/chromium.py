"""How the project starts Debian's Chromium headless, for the browser tests and the screenshot script.

The background-networking flags matter: without them Chromium tries to reach Google's services, which a
locked-down machine refuses (and which we would not want anyway).
"""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
