"""Bounded work for every input (issue 20): hostile files through the real entry points, each in its own process.

    python -m evals.bounded_inputs [--only NAME,...] [--json out.json]

Builds each hostile input in a temporary folder (case files: YAML aliases, 1, 2 and 20 MB; Word files: a picture
that inflates to 1.5 GiB, directories of 80,000 and 100,000 parts; HTML nested 100,000 deep; 6 MB of HTML and of
plain text), then runs each through the entry points that read such a file (`uncc draft`, `uncc plan`,
`uncc ingest`, `uncc review`, and the web app's `/draft` and Case tab functions) in a fresh Python process with
an empty data folder. Each process first runs its entry point on a small harmless file of the same format (so the
imports and one-off loading are done), then times the call on the hostile file alone; the parent reads the
process's peak resident memory from the kernel (`os.wait4`, the child's own `ru_maxrss`, which includes the
imports). Prints, for each pair, the call's seconds, the peak RSS, the RSS after the warm-up call, and the first
words of the message. The target: every hostile input refused within 2 s, each process within 300 MB; exit status 0
when all are. Two inputs just under a size limit are parsed in full, for the worst case a limit lets through; they
are shown, not counted. Timings depend on what else the machine runs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

MAX_SECONDS = 2.0
MAX_RSS_MB = 300
CHILD_TIMEOUT_S = 600  # a call that is not bounded still ends, and is reported as such
MB = 1024 * 1024
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
ITEM = "  - " + "x" * 75 + "\n"  # one list item of 80 bytes: the slowest shape of YAML to parse per byte

# The call each entry point makes, run in the child after its imports; {path} is the hostile file.
ENTRY_POINTS: dict[str, tuple[str, str]] = {
    "uncc draft": (
        "from assistant.cli.main import main",
        "main(['draft', 'mla', '--case', path, '--out', str(Path(path).with_suffix('.out.md'))])",
    ),
    "uncc plan": ("from assistant.cli.main import main", "main(['plan', '--case', path, '--today', '2026-03-10'])"),
    "uncc ingest": ("from assistant.cli.main import main", "main(['ingest', path, '--lang', 'en'])"),
    "uncc review": ("from assistant.cli.main import main", "main(['review', path])"),
    "web /draft": (
        "from assistant.ui.draft import draft_api; from assistant.settings import get_settings",
        "draft_api(get_settings(), 'mla', Path(path).read_text(encoding='utf-8'))",
    ),
    "web case tab": (
        "from assistant.ui.case import plan_text; from assistant.settings import get_settings; import datetime",
        "plan_text(get_settings(), Path(path).read_text(encoding='utf-8'), datetime.date(2026, 3, 10))",
    ),
}
CHILD = """
import contextlib, io, json, resource, sys, time
from pathlib import Path
{imports}
path = sys.argv[1]
with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
    try:
        {call}
    except Exception:
        pass
path = sys.argv[2]
imported = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
err = io.StringIO()
start = time.perf_counter()
try:
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        outcome = {call}
    message = err.getvalue().strip() or f"returned {{outcome!r:.60}}"
except Exception as exc:
    message = f"{{exc.__class__.__name__}}: {{exc}}"
print(json.dumps({{"seconds": time.perf_counter() - start, "imported_mb": imported, "message": message}}))
"""


@dataclass(frozen=True)
class Outcome:
    input: str
    entry_point: str
    seconds: float | None  # the call alone, after the imports; None: the process did not finish
    peak_mb: float  # the process's peak resident memory, imports included
    imported_mb: float | None  # its peak resident memory after the warm-up call
    message: str

    @property
    def within(self) -> bool:
        return self.seconds is not None and self.seconds <= MAX_SECONDS and self.peak_mb <= MAX_RSS_MB


# -- the hostile inputs -----------------------------------------------------------------------------------------


def _case(size: int) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        path.write_text("facts: many\noffences:\n" + ITEM * (size // len(ITEM)), encoding="utf-8")

    return build


def _aliases(path: Path) -> None:
    # The probe of issue 20: about 100 kB whose list repeats one 99,000-character text 500 times.
    path.write_text("offences:\n  - &a " + "y" * 99_000 + "\n" + "  - *a\n" * 499, encoding="utf-8")


def _laughs(path: Path) -> None:
    # Nine levels of ten aliases each: a billion strings from under 1 kB.
    lines = ['a0: &a0 "lol"'] + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _docx(path: Path, parts: int = 0, media_bytes: int = 0) -> None:
    body = f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>Request</w:t></w:r></w:p></w:body></w:document>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", body)
        if media_bytes:
            with z.open("word/media/image1.png", "w", force_zip64=True) as part:
                zeros = bytes(64 * MB)
                for _ in range(media_bytes // len(zeros)):
                    part.write(zeros)
        for i in range(parts):
            z.writestr(f"word/media/image{i}.png", b"")


# A harmless file of each format, read once by each process before the hostile one.
WARM_UP: dict[str, Callable[[Path], None]] = {
    ".yaml": lambda p: p.write_text("facts: x\noffences: [fraud]\n", encoding="utf-8"),
    ".docx": _docx,
    ".html": lambda p: p.write_text("<html><body><p>Request for assistance</p></body></html>", encoding="utf-8"),
    ".txt": lambda p: p.write_text("Request for assistance\n", encoding="utf-8"),
}


def _nested_html(path: Path) -> None:
    path.write_text("<html><body>" + "<div>" * 100_000 + "text" + "</div>" * 100_000 + "</body></html>")


def _html(size: int) -> Callable[[Path], None]:
    paragraph = "<p>Each State Party shall adopt such legislative and other measures as may be necessary.</p>\n"

    def build(path: Path) -> None:
        path.write_text("<html><body>" + paragraph * (size // len(paragraph)) + "</body></html>", encoding="utf-8")

    return build


def _text(path: Path) -> None:
    path.write_text("Each State Party shall adopt such measures.\n" * (6 * MB // 44), encoding="utf-8")


CASE = ("uncc draft", "uncc plan", "web /draft", "web case tab")
UNDER_CASE_LIMIT = "case file of 990 kB (under the 1,000 kB limit: parsed)"
UNDER_HTML_LIMIT = "HTML of 4.9 MB, 50,000 paragraphs (under the 5 MB limit: parsed)"
OFFICIAL = ("uncc ingest", "uncc review")
# name -> (file name, builder, entry points)
INPUTS: dict[str, tuple[str, Callable[[Path], None], Sequence[str]]] = {
    "case file, a 99,000-character text repeated by 499 YAML aliases (100 kB)": ("aliases.yaml", _aliases, CASE),
    "case file, a billion laughs (YAML aliases nested 9 deep)": ("laughs.yaml", _laughs, CASE),
    UNDER_CASE_LIMIT: ("case-1mb.yaml", _case(990_000), CASE),
    "case file of 2 MB": ("case-2mb.yaml", _case(2_000_000), CASE),
    "case file of 20 MB": ("case-20mb.yaml", _case(20_000_000), CASE),
    "DOCX whose picture inflates to 1.5 GiB": ("media.docx", lambda p: _docx(p, media_bytes=1536 * MB), OFFICIAL),
    "DOCX with 100,000 parts (12 MB)": ("parts-100k.docx", lambda p: _docx(p, parts=100_000), OFFICIAL),
    "DOCX with 80,000 parts (under the 10 MB of a request)": (
        "parts-80k.docx",
        lambda p: _docx(p, parts=80_000),
        OFFICIAL,
    ),
    "HTML nested 100,000 deep": ("nested.html", _nested_html, OFFICIAL),
    UNDER_HTML_LIMIT: ("under.html", _html(4_900_000), OFFICIAL),
    "HTML of 6 MB": ("big.html", _html(6 * MB), OFFICIAL),
    "plain text of 6 MB": ("big.txt", _text, OFFICIAL),
}


# -- running them -----------------------------------------------------------------------------------------------


def run_one(name: str, entry_point: str, path: Path, env: dict[str, str]) -> Outcome:
    imports, call = ENTRY_POINTS[entry_point]
    code = CHILD.format(imports=imports, call=call)
    warm = path.with_name(f"warm-up{path.suffix}")
    WARM_UP[path.suffix](warm)
    argv = [sys.executable, "-c", code, str(warm), str(path)]
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL, env=env)
        deadline = time.monotonic() + CHILD_TIMEOUT_S
        while (waited := os.wait4(proc.pid, os.WNOHANG))[0] == 0:
            if time.monotonic() > deadline:
                proc.kill()
                waited = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(waited[1])  # reaped here: Popen must not wait for it again
        peak = waited[2].ru_maxrss / 1024  # kB on Linux
        out.seek(0)
        lines = out.read().decode("utf-8", "replace").strip().splitlines()
    if not lines:
        return Outcome(name, entry_point, None, peak, None, f"no result (exit status {proc.returncode})")
    result = json.loads(lines[-1])
    message = " ".join(result["message"].split())
    return Outcome(name, entry_point, result["seconds"], peak, result["imported_mb"], message)


def run(only: Sequence[str] = ()) -> list[Outcome]:
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="uncc-bounded-") as folder:
        base = Path(folder)
        env = {**os.environ, "UNCC_HOME": str(base / "home"), "HF_HUB_OFFLINE": "1"}
        for name, (file_name, build, entry_points) in INPUTS.items():
            if only and not any(word.lower() in name.lower() for word in only):
                continue
            path = base / file_name
            build(path)
            for entry_point in entry_points:
                outcome = run_one(name, entry_point, path, env)
                print(_row(outcome), flush=True)
                outcomes.append(outcome)
            path.unlink()
    return outcomes


def _row(o: Outcome) -> str:
    seconds = f"{o.seconds:6.2f} s" if o.seconds is not None else "  none  "
    imported = f"{o.imported_mb:4.0f}" if o.imported_mb is not None else "   ?"
    mark = "ok  " if o.within else "info" if o.input in (UNDER_CASE_LIMIT, UNDER_HTML_LIMIT) else "OVER"
    return f"{mark} {seconds} {o.peak_mb:5.0f} MB (warm {imported}) | {o.entry_point:12} | {o.input}: {o.message:.150}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.bounded_inputs", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="", help="comma-separated words: run the inputs whose name has one")
    parser.add_argument("--json", type=Path, help="also write the outcomes to this file")
    args = parser.parse_args(argv)
    print(f"target: each call <= {MAX_SECONDS:g} s, each process <= {MAX_RSS_MB} MB peak RSS (imports included)")
    outcomes = run([w.strip() for w in args.only.split(",") if w.strip()])
    if args.json:
        args.json.write_text(json.dumps([asdict(o) for o in outcomes], indent=2), encoding="utf-8")
    hostile = [o for o in outcomes if o.input not in (UNDER_CASE_LIMIT, UNDER_HTML_LIMIT)]
    over = [o for o in hostile if not o.within]
    print(f"{len(hostile) - len(over)} of {len(hostile)} hostile inputs within the target")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
