"""Load test (not a test of the suite): the real app under N simulated users for T seconds, and its memory.

    make loadtest                                   # 20 users for 60 s
    make loadtest LOAD_THINK=0                      # saturation: no reading time, the most the app serves
    python -m evals.loadtest --users 50 --seconds 60 [--think 5] [--idle 60] [--json out.json]

Starts `app.py` on a free loopback port (the index in UNCC_HOME, as `make run` uses it), then each simulated
user, in its own thread, opens a session with `gradio_client` (as a browser tab or a script would), asks a few
questions from evals/gold.jsonl one after another with a pause to read each answer, closes the session and opens
a new one, until the time is up. Sessions take turns between the `/ask` API endpoint and the chat endpoint the
page itself calls (`/chat`), whose replies change the page (citation chips, buttons) and so are kept by Gradio
per session.

Prints the requests, errors, latency p50/p95, the throughput (answered requests a second: with `--think 0` the
users ask again at once, so it is the most the app serves), the CPU time the app and this client spent per
request (they share the machine's cores; CPU time depends less on what else runs than latency does), the app's
resident memory (RSS) at the start, its peak, at the end of the load and after `--idle` seconds with no users,
and whether every question asked more than once got the same citations each time. Exit status 0 when there was
no error and the citations agreed, else 1.
Timings depend on what else the machine runs: compare runs made on the same machine, at the same load.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.settings import PROJECT_ROOT

MAX_USERS = 200  # bounded: a misplaced zero must not start ten thousand threads
MAX_SECONDS = 1800
MAX_IDLE = 600
START_TIMEOUT_S = 600  # the first start may build the index (a minute on 2 idle cores, longer on busy ones)
REQUEST_TIMEOUT_S = 120  # a request without an answer by then counts as an error
SAMPLE_EVERY_S = 0.25
ENDPOINTS = ("ask", "chat")


@dataclass(frozen=True)
class Request:
    """One question asked by a simulated user."""

    user: int
    endpoint: str
    question: str
    seconds: float
    citations: tuple[str, ...] = ()
    error: str = ""


@dataclass
class Memory:
    """The app's resident memory in MB: after start-up and warm-up, its highest under load, at the end of the
    load, after the idle period."""

    start: float = 0.0
    peak: float = 0.0
    end: float = 0.0
    idle: float = 0.0
    samples: list[tuple[float, float]] = field(default_factory=list)  # (seconds since the load began, MB)


@dataclass(frozen=True)
class Load:
    """What the load took: its wall time and the CPU time the app and this client (the simulated users) used in
    it, in seconds."""

    wall: float = 0.0
    app_cpu: float = 0.0
    client_cpu: float = 0.0


# -- arguments and summary (tested in tests/test_loadtest.py) ------------------------------------------------


def _bounded(low: float, high: float, kind: Callable[[str], float]) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is outside {low:g}-{high:g}")
        return value

    return parse


def _endpoints(text: str) -> tuple[str, ...]:
    chosen = tuple(e.strip().lstrip("/") for e in text.split(",") if e.strip())
    unknown = [e for e in chosen if e not in ENDPOINTS]
    if not chosen or unknown:
        raise argparse.ArgumentTypeError(f"endpoints are a comma-separated choice of {', '.join(ENDPOINTS)}")
    return chosen


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m evals.loadtest", description=__doc__.split("\n\n")[0])
    p.add_argument("--users", type=_bounded(1, MAX_USERS, int), default=20, help="simulated users (default 20)")
    p.add_argument("--seconds", type=_bounded(1, MAX_SECONDS, float), default=60, help="length of the load")
    p.add_argument("--think", type=_bounded(0, 60, float), default=5.0, help="mean reading time between questions")
    p.add_argument("--per-session", type=_bounded(1, 1000, int), default=3, help="questions before a new session")
    p.add_argument("--idle", type=_bounded(0, MAX_IDLE, float), default=60, help="seconds idle after the load")
    p.add_argument("--endpoints", type=_endpoints, default=ENDPOINTS, help="ask,chat (sessions take turns)")
    p.add_argument("--dataset", type=Path, default=PROJECT_ROOT / "evals" / "gold.jsonl")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--json", type=Path, help="also write the summary here")
    return p.parse_args(argv)


def _percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation, as numpy's default."""
    s = sorted(values)
    if not s:
        return 0.0
    pos = (len(s) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def inconsistent(requests: Sequence[Request]) -> dict[str, list[tuple[str, ...]]]:
    """Questions asked more than once (through the same endpoint) whose answers cited different passages."""
    seen: dict[tuple[str, str], set[tuple[str, ...]]] = {}
    for r in requests:
        if not r.error:
            seen.setdefault((r.endpoint, r.question), set()).add(r.citations)
    return {f"/{e} {q}": sorted(c) for (e, q), c in seen.items() if len(c) > 1}


def summarize(
    requests: Sequence[Request],
    memory: Memory,
    load: Load,
    *,
    users: int,
    seconds: float,
    think: float,
    idle: float,
) -> dict[str, Any]:
    """The figures the run prints: counts, latency and throughput of the answered requests, CPU time per request,
    memory, citation agreement."""
    ok = [r.seconds * 1000 for r in requests if not r.error]
    per_request = 1000 / max(1, len(requests))
    errors: dict[str, int] = {}
    for r in requests:
        if r.error:
            errors[r.error] = errors.get(r.error, 0) + 1
    repeated: dict[tuple[str, str], int] = {}
    for r in requests:
        if not r.error:
            repeated[(r.endpoint, r.question)] = repeated.get((r.endpoint, r.question), 0) + 1
    return {
        "users": users,
        "seconds": seconds,
        "requests": len(requests),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "by_endpoint": {e: sum(r.endpoint == e for r in requests) for e in sorted({r.endpoint for r in requests})},
        "think_s": think,
        "latency_ms": {"p50": round(_percentile(ok, 50), 1), "p95": round(_percentile(ok, 95), 1)},
        "throughput_rps": round(len(ok) / load.wall, 2) if load.wall else 0.0,
        "cpu_ms_per_request": {
            "app": round(load.app_cpu * per_request, 1),
            "client": round(load.client_cpu * per_request, 1),
        },
        "memory_mb": {
            "start": round(memory.start, 1),
            "peak": round(memory.peak, 1),
            "end_of_load": round(memory.end, 1),
            f"after_{idle:g}s_idle": round(memory.idle, 1),
        },
        "repeated_questions": sum(n > 1 for n in repeated.values()),
        "inconsistent_citations": inconsistent(requests),
    }


def format_summary(s: dict[str, Any]) -> str:
    mem = s["memory_mb"]
    idle_key = next(k for k in mem if k.startswith("after_"))
    kinds = "".join(f"\n  {n} × {k}" for k, n in s["error_kinds"].items())
    bad = s["inconsistent_citations"]
    cpu = s["cpu_ms_per_request"]
    lines = [
        f"{s['users']} users for {s['seconds']:g} s, {s['think_s']:g} s think time: {s['requests']} requests "
        f"({', '.join(f'/{e} {n}' for e, n in s['by_endpoint'].items())}), {s['errors']} errors{kinds}",
        f"latency of answered requests: p50 {s['latency_ms']['p50']:.0f} ms, p95 {s['latency_ms']['p95']:.0f} ms; "
        f"throughput {s['throughput_rps']:.2f} requests/s",
        f"CPU time per request: app {cpu['app']:.0f} ms, load client {cpu['client']:.0f} ms",
        f"app resident memory (MB): start {mem['start']:.0f}, peak {mem['peak']:.0f}, "
        f"end of load {mem['end_of_load']:.0f}, {idle_key.replace('_', ' ')} {mem[idle_key]:.0f}",
        f"questions asked more than once: {s['repeated_questions']}; with differing citations: {len(bad)}",
    ]
    lines += [f"  {q}: {c}" for q, c in list(bad.items())[:5]]
    return "\n".join(lines)


# -- the app and its memory ----------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User and system CPU time one process has used, in seconds (Linux: /proc/PID/stat)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        # The command name (field 2) may hold spaces: count the fields after its closing parenthesis.
        fields = f.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def rss_mb(pid: int) -> float:
    """Resident memory of one process in MB (psutil when installed, else /proc)."""
    try:
        import psutil  # type: ignore[import-not-found]

        return psutil.Process(pid).memory_info().rss / 2**20
    except ImportError:
        pass
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise OSError(f"no VmRSS for process {pid}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(log: Path) -> tuple[subprocess.Popen, str]:
    """`app.py` on a free loopback port, without login; returns the process and its address once it listens."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "GRADIO_TEMP_DIR"}  # the app makes its own private one
    env |= {"UNCC_HOST": "127.0.0.1", "UNCC_PORT": str(port), "UNCC_AUTH": "", "HF_HUB_OFFLINE": "1"}
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "app.py"], cwd=PROJECT_ROOT, env=env, stdout=out, stderr=out)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited ({proc.returncode}):\n{log.read_text(errors='replace')[-2000:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc, f"http://127.0.0.1:{port}/"
        time.sleep(0.5)
    stop_app(proc)
    raise RuntimeError(
        f"the app did not listen on port {port} within {START_TIMEOUT_S} s (another process building the index "
        f"in the same UNCC_HOME holds its lock?):\n{log.read_text(errors='replace')[-2000:]}"
    )


def stop_app(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Sampler(threading.Thread):
    """Samples the app's RSS until stopped; `phase_peak` is the highest since `reset_peak`."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.began = time.monotonic()
        self.samples: list[tuple[float, float]] = []
        self.phase_peak = 0.0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            try:
                mb = rss_mb(self.pid)
            except OSError:
                return
            self.samples.append((round(time.monotonic() - self.began, 2), round(mb, 1)))
            self.phase_peak = max(self.phase_peak, mb)
            self._halt.wait(SAMPLE_EVERY_S)

    def stop(self) -> None:
        self._halt.set()
        self.join()


# -- the simulated users -------------------------------------------------------------------------------------


def open_session(url: str) -> Any:
    """A new session, as a page or a script opens one; its requests wait as long as an answer may take (the
    client's own default, 5 s, would count a busy server's slow reply as an error). The app is reached over plain
    HTTP on loopback, so no certificate is checked: with checking on, the client loads the CA bundle for every
    HTTP call it makes, which cost more CPU than the app spent answering and so measured the client, not the app."""
    from gradio_client import Client

    return Client(
        url, verbose=False, download_files=False, ssl_verify=False, httpx_kwargs={"timeout": REQUEST_TIMEOUT_S}
    )


def ask_once(client: Any, endpoint: str, question: str) -> tuple[str, ...]:
    """One question, as a standalone turn; the passages (`/ask`) or citation chips (`/chat`) of the answer."""
    if endpoint == "ask":
        _, citations = client.submit(question, api_name="/ask").result(timeout=REQUEST_TIMEOUT_S)
        return tuple(c["passage_id"] for c in citations)
    outputs = client.submit(question, None, api_name="/chat").result(timeout=REQUEST_TIMEOUT_S)
    reply = outputs[0] or {}
    if not reply.get("done"):
        raise RuntimeError("the chat gave no complete answer")
    if reply["turn"]["kind"] == "failed":  # the problem is shown in the chat in place of an answer
        raise RuntimeError(reply["turn"]["answer"])
    return tuple(reply["view"]["chips"])


def user(
    number: int,
    url: str,
    questions: Sequence[str],
    args: argparse.Namespace,
    deadline: float,
    out: list[Request],
) -> None:
    """One simulated user until `deadline`: a session, a few questions read one after the other, a new session."""

    rng = random.Random(args.seed * 1000 + number)
    session = 0
    while time.monotonic() < deadline:
        endpoint = args.endpoints[(number + session) % len(args.endpoints)]
        session += 1
        try:
            client = open_session(url)
        except Exception as exc:
            out.append(Request(number, endpoint, "", 0.0, error=f"session: {exc.__class__.__name__}"))
            time.sleep(1)
            continue
        try:
            for _ in range(args.per_session):
                if time.monotonic() >= deadline:
                    break
                question = rng.choice(questions)
                t = time.perf_counter()
                try:
                    cited = ask_once(client, endpoint, question)
                    out.append(Request(number, endpoint, question, time.perf_counter() - t, cited))
                except Exception as exc:
                    out.append(Request(number, endpoint, question, time.perf_counter() - t, error=_error(exc)))
                pause = rng.uniform(0.5, 1.5) * args.think  # reading the answer
                time.sleep(max(0.0, min(pause, deadline - time.monotonic())))
        finally:
            client.close()


def _error(exc: Exception) -> str:
    text = str(exc).splitlines()[0][:100] if str(exc) else ""
    return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__


def _questions(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line)["question"] for line in f if line.strip()]


def run(args: argparse.Namespace) -> dict[str, Any]:
    questions = _questions(args.dataset)
    with tempfile.TemporaryDirectory(prefix="uncc-loadtest-") as tmp:
        log = Path(tmp) / "app.log"
        print("starting the app (the first start may build the index) ...", file=sys.stderr)
        proc, url = start_app(log)
        try:
            warm = open_session(url)  # the first answers load what is lazy
            for endpoint in args.endpoints:
                ask_once(warm, endpoint, questions[0])
            warm.close()
            time.sleep(2)
            sampler = Sampler(proc.pid)
            memory = Memory(start=rss_mb(proc.pid))
            sampler.start()
            print(f"{args.users} users for {args.seconds:g} s at {url} ...", file=sys.stderr)
            requests: list[Request] = []
            began, app_cpu, client_cpu = time.monotonic(), cpu_seconds(proc.pid), time.process_time()
            deadline = began + args.seconds
            threads = [
                threading.Thread(target=user, args=(i, url, questions, args, deadline, requests), daemon=True)
                for i in range(args.users)
            ]
            for t in threads:
                t.start()
                time.sleep(min(0.1, args.seconds / max(1, 10 * args.users)))  # not all in the same instant
            for t in threads:
                t.join(timeout=max(0.0, deadline - time.monotonic()) + REQUEST_TIMEOUT_S + 10)
            load = Load(
                wall=time.monotonic() - began,
                app_cpu=cpu_seconds(proc.pid) - app_cpu,
                client_cpu=time.process_time() - client_cpu,
            )
            memory.end = rss_mb(proc.pid)
            memory.peak = sampler.phase_peak
            print(f"load over; idle for {args.idle:g} s ...", file=sys.stderr)
            time.sleep(args.idle)
            memory.idle = rss_mb(proc.pid)
            sampler.stop()
            memory.samples = sampler.samples
            if proc.poll() is not None:
                raise RuntimeError(f"the app died:\n{log.read_text(errors='replace')[-2000:]}")
            if any(r.error for r in requests):  # what the server said about them, before its log goes
                print(f"the app's log ends:\n{log.read_text(errors='replace')[-3000:]}", file=sys.stderr)
        finally:
            stop_app(proc)
    summary = summarize(
        list(requests), memory, load, users=args.users, seconds=args.seconds, think=args.think, idle=args.idle
    )
    summary["memory_samples"] = memory.samples
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    args = parse_args(argv)
    summary = run(args)
    print(format_summary(summary))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return 0 if summary["errors"] == 0 and not summary["inconsistent_citations"] else 1


if __name__ == "__main__":
    sys.exit(main())
