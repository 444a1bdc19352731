"""The app and the CLI as processes, as `make run` and `uncc` start them: what they leave behind and what they reach.

One app process serves every check of the app (it is the slow part): it starts with a login (`UNCC_AUTH`) beside
an orphaned temp folder of a "crashed" run, refuses anonymous API calls, answers `/ask` and drafts through
`/draft` with a case whose every free-text field carries a fresh marker, then is stopped with SIGTERM. One CLI
process runs `uncc ask`, `uncc draft` (DOCX and PDF) and `uncc plan` (drafts, calendar, a case-log entry) on the
same kind of case, started first so that it runs while the app starts (the two start-ups, each mostly on one core,
overlap on the machine's cores). Both run with a private TMPDIR and HOME, and with an audit hook (a `sitecustomize` on
PYTHONPATH) that writes down every socket connect, send and name lookup. The tests then look for the marker in
every log, every temp file still there after the requests, the HOME, any file written under the system temp dir
during the run, and the data folder; and check that every connection stayed on this machine.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import yaml
from browser_support import PRESERVATION_Q, free_port
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from reportlab.pdfgen import canvas

from app import TEMP_PREFIX, remove_orphans
from assistant.drafting import example_case
from assistant.settings import PROJECT_ROOT

START_TIMEOUT_S = 300  # the model loads and the index is checked; a loaded 2-core machine needs the margin
# The `sitecustomize` of the processes under test: an audit hook that writes down each socket connect, send and
# name lookup as one JSON line, [event, address family, host or address].
HOOK = """
import json, os, socket, sys

_PATH = os.environ["UNCC_TEST_NET_LOG"]


def _record(event, args):
    if event == "socket.getaddrinfo":
        entry = [event, None, args[0] if isinstance(args[0], str | None) else repr(args[0])]
    elif event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        sock, address = args[0], args[-1]
        host = address[0] if isinstance(address, tuple) else repr(address)
        entry = [event, socket.AddressFamily(sock.family).name, host]
    else:
        return
    with open(_PATH, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry) + "\\n")


sys.addaudithook(_record)
"""
# The CLI's commands, run by one interpreter (one start-up), each as `uncc` runs it; exits with the first failure.
CLI_DRIVER = """
import json, sys
from assistant.cli.main import main
codes = [main(argv) for argv in json.load(open(sys.argv[1], encoding="utf-8"))]
sys.exit(next((c for c in codes if c), 0))
"""
# Values the planner and the forms look up (States, kinds, roles): a marker would make them unknown, not secret.
LOOKED_UP = {"state", "requesting_state", "national_of", "kind", "urgency", "wanted_for", "role", "language"}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LOGIN = ("office", "a-long-office-password")  # UNCC_AUTH of the app under test


def marked(value: object, marker: str, key: str = "") -> object:
    """`value` with the marker added to every free-text string (dates and looked-up names left as they are)."""
    if isinstance(value, dict):
        return {k: marked(v, marker, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [marked(v, marker, key) for v in value]
    if isinstance(value, str) and key not in LOOKED_UP and not DATE.match(value):
        return f"{value} {marker}"
    return value


def holds(path: Path, marker: str) -> bool:
    """Whether a file holds the marker: as stored, inside a zip (DOCX) member, or in a PDF's text."""
    try:
        data = path.read_bytes()
    except OSError:  # removed meanwhile, or not ours to read
        return False
    needle = marker.encode()
    if needle in data:
        return True
    if data.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as z:
                return any(needle in z.read(name) for name in z.namelist())
        except (zipfile.BadZipFile, OSError):
            return False
    if data.startswith(b"%PDF"):  # its text is drawn through subset fonts: read it back as text
        try:
            return any(marker in page.extract_text() for page in PdfReader(path).pages)
        except PdfReadError:
            return False
    return False


def files_under(root: Path, since: float | None = None, skip: Path | None = None) -> Iterator[Path]:
    """Regular files under `root` (changed at or after `since`), not descending into `skip`."""
    for folder, dirs, names in os.walk(root):
        if skip is not None:
            dirs[:] = [d for d in dirs if Path(folder, d) != skip]
        for name in names:
            path = Path(folder, name)
            try:
                if path.is_file() and not path.is_symlink() and (since is None or path.stat().st_mtime >= since):
                    yield path
            except OSError:
                continue


def holding(paths: Iterator[Path], marker: str) -> list[Path]:
    return [p for p in paths if holds(p, marker)]


def is_local(event: list) -> bool:
    """A recorded event that stays on this machine: a Unix socket, a loopback address, or a lookup of one."""
    _, family, host = event
    if family == "AF_UNIX" or host in (None, "", "localhost"):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _isolated(base: Path, name: str, data: Path) -> tuple[dict[str, str], Path, Path, Path]:
    """Environment for a process with its own TMPDIR, HOME and network log; the audit hook on its PYTHONPATH."""
    tmp, home, hook = base / f"{name}-tmp", base / f"{name}-home", base / "hook"
    for folder in (tmp, home, hook):
        folder.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    net = base / f"{name}-net.jsonl"
    env = {k: v for k, v in os.environ.items() if k not in ("GRADIO_TEMP_DIR", "PYTHONPATH")}
    env |= {
        "TMPDIR": str(tmp),
        "HOME": str(home),
        "UNCC_HOME": str(data),
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": str(hook),
        "UNCC_TEST_NET_LOG": str(net),
    }
    return env, tmp, home, net


def _events(path: Path) -> list[list]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# -- the app ----------------------------------------------------------------------------------------------------


@dataclass
class Served:
    """What one app process did and left, collected before and after its SIGTERM."""

    marker: str
    start_seconds: float  # from the process's start until it listened
    anonymous: dict[str, int]  # HTTP status of a call without the login, by what was called
    orphan_left: bool  # the orphaned folder was still there once the app listened
    own_temp: list[Path]  # the app's own temp folders (recognised by their pid file) while it ran
    answer: str
    draft: str
    marked_temp: list[Path]  # files in its temp dir holding the marker, after the requests and before it stopped
    marked_home: list[Path]
    stop_seconds: float
    returncode: int | None
    log: str  # stdout and stderr
    # In its temp dir, home and data folder, and anything written under the system temp dir, once it stopped.
    marked_after_stop: list[Path] = field(default_factory=list)
    net: list[list] = field(default_factory=list)


def _wait_for_port(port: int, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the app exited: {log.read_text(errors='replace')[-3000:]}"
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    raise AssertionError(f"the app did not listen on port {port} within {timeout} s")


@pytest.fixture(scope="module")
def run_started() -> float:
    """When this module's processes started: files written under the system temp dir since then are checked."""
    return time.time()


@pytest.fixture(scope="module")
def served(
    full_home: Path, tmp_path_factory: pytest.TempPathFactory, run_started: float, cli_process: CliProcess
) -> Iterator[Served]:
    from gradio_client import Client

    del cli_process  # asked for only to be started first: it runs while the app starts

    base = tmp_path_factory.mktemp("app-process")
    env, tmp, home, net = _isolated(base, "app", full_home)
    orphan = tmp / f"{TEMP_PREFIX}crashed"
    orphan.mkdir()
    (orphan / "pid").write_text("999999999", encoding="ascii")  # no such process
    (orphan / "draft.docx").write_bytes(b"left behind by a crash")
    marker = f"mark{uuid.uuid4().hex}"
    port = free_port()
    env |= {"UNCC_PORT": str(port), "UNCC_AUTH": ":".join(LOGIN)}
    log = base / "app.log"
    launched = time.monotonic()
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "app.py"], cwd=PROJECT_ROOT, env=env, stdout=out, stderr=out)
    try:
        _wait_for_port(port, proc, log, START_TIMEOUT_S)
        start_seconds = time.monotonic() - launched
        orphan_left = orphan.exists()
        own = [d for d in tmp.glob(f"{TEMP_PREFIX}*") if (d / "pid").read_text() == str(proc.pid)]
        url = f"http://127.0.0.1:{port}/"
        anonymous = {
            "/ask": httpx.post(f"{url}gradio_api/call/ask", json={"data": [marker]}).status_code,
            "/draft": httpx.post(f"{url}gradio_api/call/draft", json={"data": ["mla", marker]}).status_code,
            "api info": httpx.get(f"{url}gradio_api/info").status_code,
        }
        client = Client(url, auth=LOGIN, verbose=False, download_files=False, analytics_enabled=False)
        answer, _ = client.predict(f"{PRESERVATION_Q} Case {marker}", api_name="/ask")
        case = yaml.safe_dump(marked(example_case("mla"), marker), allow_unicode=True)
        draft, _ = client.predict("mla", case, api_name="/draft")
        client.close()
        marked_temp, marked_home = holding(files_under(tmp), marker), holding(files_under(home), marker)
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):  # measured below, asserted by a test
            proc.wait(timeout=30)
        stopped = time.monotonic() - started
        after = [
            *files_under(tmp),
            *files_under(home),
            *files_under(full_home, since=run_started),
            *files_under(Path(tempfile.gettempdir()), since=run_started, skip=tmp_path_factory.getbasetemp()),
        ]
        yield Served(
            marker=marker,
            start_seconds=start_seconds,
            anonymous=anonymous,
            orphan_left=orphan_left,
            own_temp=own,
            answer=answer,
            draft=draft,
            marked_temp=marked_temp,
            marked_home=marked_home,
            stop_seconds=stopped,
            returncode=proc.returncode,
            log=log.read_text(encoding="utf-8", errors="replace"),
            marked_after_stop=holding(iter(after), marker),
            net=_events(net),
        )
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_orphaned_temp_folders_go_at_start_and_the_apps_own_folder_goes_when_it_stops(served: Served):
    assert not served.orphan_left
    assert len(served.own_temp) == 1 and not served.own_temp[0].exists()


def test_the_app_stops_within_two_seconds_on_sigterm(served: Served):
    print(f"app listening after {served.start_seconds:.1f} s; SIGTERM to exit: {served.stop_seconds:.2f} s")
    assert served.returncode == 0 and served.stop_seconds <= 2.0


def test_with_uncc_auth_an_anonymous_client_cannot_call_the_api(served: Served):
    assert served.anonymous == {"/ask": 401, "/draft": 401, "api info": 401}


def test_the_api_leaves_no_trace_of_a_question_or_a_case(served: Served):
    # The marker went in and came back: the draft quotes the case, so its absence elsewhere means something.
    assert served.marker in served.draft and re.search(r"\[Art\. \d+", served.answer)  # answered, with a citation
    assert served.marker not in served.log
    assert served.marked_temp == [] and served.marked_home == []
    assert served.marked_after_stop == []


def test_the_app_connects_to_nothing_but_this_machine(served: Served):
    # The hook saw the app's own traffic (it checks its address once it listens), so it was on.
    assert any(e[0] == "socket.connect" for e in served.net)
    assert [e for e in served.net if not is_local(e)] == []


# -- the CLI ----------------------------------------------------------------------------------------------------


@dataclass
class Ran:
    marker: str
    returncode: int
    stderr: str
    chosen: dict[str, Path]  # the outputs the user asked for, by what they are
    case_file: Path
    marked_outside: list[Path]  # files holding the marker outside the case files and the chosen outputs
    net: list[list]


@dataclass
class CliProcess:
    """The CLI process, running; `ran` waits for it and looks at what it left."""

    proc: subprocess.Popen
    marker: str
    tmp: Path
    home: Path
    net: Path
    desk: Path
    stderr: Path
    chosen: dict[str, Path]
    case_files: tuple[Path, Path]  # the single-request file and the whole-case file


@pytest.fixture(scope="module")
def cli_process(full_home: Path, tmp_path_factory: pytest.TempPathFactory, run_started: float) -> Iterator[CliProcess]:
    base = tmp_path_factory.mktemp("cli-process")
    env, tmp, home, net = _isolated(base, "cli", full_home)
    marker = f"mark{uuid.uuid4().hex}"
    desk = base / "desk"  # the user's own folder: case files in, drafts out
    desk.mkdir()
    single, whole, out = desk / "mla.yaml", desk / "case.yaml", desk / "out"
    out.mkdir()
    single.write_text(yaml.safe_dump(marked(example_case("mla"), marker), allow_unicode=True), encoding="utf-8")
    ransomware = yaml.safe_load((PROJECT_ROOT / "knowledge" / "cases" / "ransomware.yaml").read_text(encoding="utf-8"))
    whole.write_text(yaml.safe_dump(marked(ransomware, marker), allow_unicode=True), encoding="utf-8")
    chosen = {"docx": out / "request.docx", "pdf": out / "request.pdf", "drafts": out / "drafts", "ics": out / "d.ics"}
    closing = ["--place", f"Aurelia City {marker}", "--signatory", f"Inspector {marker}", "--date", "2026-04-02"]
    commands = [
        ["--verbose", "ask", f"{PRESERVATION_Q} Case {marker}"],
        ["--verbose", "draft", "mla", "--case", str(single), "--out", str(chosen["docx"]), *closing],
        ["--verbose", "draft", "mla", "--case", str(single), "--out", str(chosen["pdf"]), *closing],
        ["--verbose", "plan", "--case", str(whole), "--today", "2026-03-10", "--drafts", str(chosen["drafts"])],
        ["--verbose", "plan", "--case", str(whole), "--today", "2026-03-10", "--ics", str(chosen["ics"])],
        ["--verbose", "plan", "--case", str(whole), "--mark", "1", "sent", "--on", "2026-03-11", "--note", marker],
    ]
    argv = base / "commands.json"
    argv.write_text(json.dumps(commands), encoding="utf-8")
    stderr = base / "cli.stderr"  # a file, not a pipe: nobody reads it until the process ends
    with open(stderr, "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", CLI_DRIVER, str(argv)], cwd=desk, env=env, stdout=subprocess.DEVNULL, stderr=err
        )
    try:
        yield CliProcess(proc, marker, tmp, home, net, desk, stderr, chosen, (single, whole))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def ran(cli_process: CliProcess, full_home: Path, tmp_path_factory: pytest.TempPathFactory, run_started: float) -> Ran:
    cli = cli_process
    returncode = cli.proc.wait(timeout=START_TIMEOUT_S)
    mine = {*cli.case_files, *(p for p in files_under(cli.chosen["drafts"].parent))}
    everywhere = [
        *files_under(cli.tmp),
        *files_under(cli.home),
        *files_under(cli.desk),
        *files_under(full_home, since=run_started),
        *files_under(Path(tempfile.gettempdir()), since=run_started, skip=tmp_path_factory.getbasetemp()),
    ]
    return Ran(
        marker=cli.marker,
        returncode=returncode,
        stderr=cli.stderr.read_text(encoding="utf-8", errors="replace"),
        chosen=cli.chosen,
        case_file=cli.case_files[1],
        marked_outside=[p for p in holding(iter(everywhere), cli.marker) if p not in mine],
        net=_events(cli.net),
    )


def test_the_cli_leaves_case_data_only_in_the_files_the_user_chose(ran: Ran):
    assert ran.returncode == 0, ran.stderr[-3000:]
    # The marker reached every output the user chose: the DOCX, the PDF, the plan's drafts and the case log.
    assert holds(ran.chosen["docx"], ran.marker) and holds(ran.chosen["pdf"], ran.marker)
    assert holding(files_under(ran.chosen["drafts"]), ran.marker)
    assert ran.chosen["ics"].is_file()
    log = yaml.safe_load(ran.case_file.read_text(encoding="utf-8"))["log"]
    assert any(ran.marker in json.dumps(entry, default=str) for entry in log)
    assert ran.marker not in ran.stderr  # its log (INFO and above, with --verbose) and its messages
    assert ran.marked_outside == []


def test_the_cli_connects_to_nothing_but_this_machine(ran: Ran):
    assert [e for e in ran.net if not is_local(e)] == []


# -- the parts, without a process -------------------------------------------------------------------------------


def test_remove_orphans_removes_only_the_folders_of_dead_processes(tmp_path: Path):
    def folder(name: str, pid: str | None, age_s: float = 0) -> Path:
        path = tmp_path / f"{TEMP_PREFIX}{name}"
        path.mkdir()
        if pid is not None:
            (path / "pid").write_text(pid, encoding="ascii")
        then = time.time() - age_s
        os.utime(path, (then, then))
        return path

    dead = folder("dead", "999999999")
    garbled = folder("garbled", "not a pid", age_s=3600)
    unclaimed_old = folder("old", None, age_s=3600)
    unclaimed_new = folder("starting", None)  # another app between creating it and writing its pid
    alive = folder("alive", str(os.getpid()))
    other = tmp_path / "someone-else"
    other.mkdir()
    assert sorted(remove_orphans(tmp_path)) == sorted([dead, garbled, unclaimed_old])
    assert unclaimed_new.exists() and alive.exists() and other.exists()


def test_the_marker_is_found_in_plain_zipped_and_pdf_files(tmp_path: Path):
    marker = f"mark{uuid.uuid4().hex}"
    plain, docx, pdf, clean = (tmp_path / n for n in ("a.txt", "a.docx", "a.pdf", "b.txt"))
    plain.write_text(f"x {marker} y", encoding="utf-8")
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", f"<w:t>{marker}</w:t>" * 50)
    page = canvas.Canvas(str(pdf))
    page.drawString(72, 720, f"Case {marker}")
    page.save()
    clean.write_text("nothing here", encoding="utf-8")
    assert all(holds(p, marker) for p in (plain, docx, pdf)) and not holds(clean, marker)
    assert marked({"state": "Kingdom of Valdoria", "facts": "x", "on": "2026-03-02", "n": [1, "y"]}, "M") == {
        "state": "Kingdom of Valdoria",
        "facts": "x M",
        "on": "2026-03-02",
        "n": [1, "y M"],
    }
    assert is_local(["socket.connect", "AF_INET", "127.0.0.1"]) and is_local(["socket.getaddrinfo", None, None])
    assert not is_local(["socket.connect", "AF_INET6", "2001:db8::1"])
    assert not is_local(["socket.getaddrinfo", None, "huggingface.co"])
