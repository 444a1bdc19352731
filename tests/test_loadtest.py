"""The load test's arguments and summary (the load itself is `make loadtest`, not part of the suite)."""

from __future__ import annotations

import os
import time

import pytest

from evals.loadtest import (
    MAX_USERS,
    Load,
    Memory,
    Request,
    cpu_seconds,
    format_summary,
    inconsistent,
    parse_args,
    summarize,
)


def test_defaults_are_small_and_bounded():
    args = parse_args([])
    assert (args.users, args.seconds, args.think, args.idle, args.endpoints) == (20, 60, 5, 60, ("ask", "chat"))
    args = parse_args(["--users", "50", "--seconds", "90", "--endpoints", "/ask"])
    assert (args.users, args.seconds, args.endpoints) == (50, 90, ("ask",))
    assert parse_args(["--think", "0"]).think == 0  # saturation: every user asks again at once


@pytest.mark.parametrize(
    "argv",
    [
        ["--users", "0"],
        ["--users", str(MAX_USERS + 1)],
        ["--seconds", "100000"],
        ["--users", "many"],
        ["--endpoints", "ask,upload"],
        ["--idle", "-1"],
    ],
)
def test_out_of_bounds_arguments_are_refused(argv, capsys):
    with pytest.raises(SystemExit):
        parse_args(argv)
    assert "error" in capsys.readouterr().err


def _requests() -> list[Request]:
    return [
        Request(0, "ask", "q1", 0.1, ("p1", "p2")),
        Request(1, "ask", "q1", 0.2, ("p1", "p2")),
        Request(2, "ask", "q2", 0.3, ("p3",)),
        Request(3, "ask", "q2", 0.4, ("p4",)),  # the same question, other passages
        Request(4, "chat", "q2", 0.5, ("Art. 42",)),  # another endpoint: compared with its own kind only
        Request(5, "ask", "q3", 9.0, error="ReadTimeout: timed out"),
    ]


def test_summary_counts_latency_memory_and_disagreeing_citations():
    memory = Memory(start=700, peak=900.04, end=850, idle=760)
    s = summarize(
        _requests(), memory, Load(wall=2.5, app_cpu=0.3, client_cpu=0.06), users=6, seconds=60, think=0, idle=30
    )
    assert s["requests"] == 6 and s["errors"] == 1 and s["error_kinds"] == {"ReadTimeout: timed out": 1}
    assert s["by_endpoint"] == {"ask": 5, "chat": 1}
    assert s["latency_ms"] == {"p50": 300.0, "p95": 480.0}  # answered requests only
    assert s["throughput_rps"] == 2.0  # 5 answered in 2.5 s
    assert s["cpu_ms_per_request"] == {"app": 50.0, "client": 10.0}  # over all 6 requests
    assert s["memory_mb"] == {"start": 700, "peak": 900.0, "end_of_load": 850, "after_30s_idle": 760}
    assert s["repeated_questions"] == 2
    assert s["inconsistent_citations"] == {"/ask q2": [("p3",), ("p4",)]}
    text = format_summary(s)
    assert "6 users for 60 s, 0 s think time: 6 requests (/ask 5, /chat 1), 1 errors" in text
    assert "p50 300 ms, p95 480 ms; throughput 2.00 requests/s" in text
    assert "CPU time per request: app 50 ms, load client 10 ms" in text
    assert "start 700, peak 900, end of load 850, after 30s idle 760" in text
    assert "with differing citations: 1" in text


def test_identical_citations_agree():
    assert inconsistent(_requests()[:3]) == {}
    empty = summarize([], Memory(), Load(), users=1, seconds=1, think=5, idle=0)
    assert empty["latency_ms"] == {"p50": 0.0, "p95": 0.0} and empty["throughput_rps"] == 0.0


def test_cpu_time_of_a_process_grows_with_its_work():
    before = cpu_seconds(os.getpid())
    spent = time.process_time()
    while time.process_time() - spent < 0.05:  # busy for 50 ms of CPU
        pass
    assert cpu_seconds(os.getpid()) - before >= 0.03  # clock ticks are 10 ms
