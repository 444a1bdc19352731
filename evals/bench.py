"""Speed benchmark (not a test): warm search and ask latency, index build, cold start, peak memory, for our
pipeline and the naive baseline. Prints a table and writes bench.json.

    make bench            # or: python -m evals.bench [--out bench.json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from assistant.settings import PROJECT_ROOT, Settings, get_settings

ROUNDS = 2  # every question of gold + dev (229) twice: well over the 200 queries asked for

# VmHWM is this process's own peak; getrusage's ru_maxrss would carry over the forking parent's peak.
PEAK = """
def PEAK_KB():
    return next(int(x.split()[1]) for x in open("/proc/self/status") if x.startswith("VmHWM"))
"""
COLD_OURS = (
    PEAK
    + """
import time; t = time.perf_counter()
from assistant.runtime import load_runtime
from assistant.settings import get_settings
s = get_settings(); rt = load_runtime(s, ensure=False)
rt.answerer.answer("What must a preservation request contain?")
first = time.perf_counter() - t
rt.answerer.answer("¿Qué debe contener una solicitud de conservación?")  # the multilingual parts loaded too
print(first, PEAK_KB())
"""
)
COLD_BASELINE = (
    PEAK
    + """
import time; t = time.perf_counter()
from assistant.embeddings import get_embedder
from assistant.knowledge import load_knowledge
from assistant.settings import get_settings
from evals.baseline import NaiveRAG
rag = NaiveRAG(load_knowledge(get_settings().knowledge_dir), get_embedder())
rag.run("What must a preservation request contain?")
print(time.perf_counter() - t, PEAK_KB())
"""
)


def _questions() -> list[str]:
    from evals.dataset import load_dataset

    items = load_dataset(PROJECT_ROOT / "evals" / "gold.jsonl") + load_dataset(PROJECT_ROOT / "evals" / "dev.jsonl")
    return [i.question for i in items]


def _stats(ms: list[float]) -> dict:
    a = np.asarray(ms)
    return {"n": len(ms), "p50_ms": round(float(np.median(a)), 2), "p95_ms": round(float(np.percentile(a, 95)), 2)}


def _foreign_questions() -> dict[str, list[str]]:
    """The multilingual development questions, by language (other than English)."""
    from evals.dataset import load_dataset

    out: dict[str, list[str]] = {}
    for item in load_dataset(PROJECT_ROOT / "evals" / "dev_multilingual.jsonl"):
        if item.lang != "en":
            out.setdefault(item.lang, []).append(item.question)
    return out


def _by_language(router) -> dict[str, dict]:
    """Warm search and answer per language: each question's own answerer, its embedder's cache cleared."""
    out = {}
    for lang, questions in _foreign_questions().items():
        answerer = router.answerers[lang]
        search = answerer.retriever
        out[lang] = {
            "search": _timed(lambda q, s=search: s.retrieve(q, 5), questions, search.embedder),
            "ask": _timed(router.answer, questions, search.embedder),
        }
    return out


def _timed(fn, questions: list[str], embedder) -> dict:
    fn(questions[0])  # warm-up: first call pays for lazy initialisation
    ms = []
    for _ in range(ROUNDS):
        for q in questions:
            embedder.clear_cache()  # every timed call embeds its query, as a new question would
            t = time.perf_counter()
            fn(q)
            ms.append((time.perf_counter() - t) * 1000)
    return _stats(ms)


def _plan_timing(settings: Settings) -> dict:
    """Milliseconds to read, validate and plan a case file (the example and the test cases), rules loaded."""
    import datetime as dt

    from assistant.drafting.casefile import read_casefile
    from assistant.planning.planner import Planner

    planner = Planner.from_settings(settings)
    files = [
        *sorted((settings.knowledge_dir / "cases").glob("*.yaml")),
        *sorted((PROJECT_ROOT / "tests" / "plan_cases").glob("*.yaml")),
    ]
    day = dt.date(2027, 2, 10)  # after every date in those files
    ms = []
    for _ in range(ROUNDS * 20):
        for path in files:
            t = time.perf_counter()
            casefile, warnings = read_casefile(path)
            planner.plan(casefile, day, warnings)
            ms.append((time.perf_counter() - t) * 1000)
    return _stats(ms)


def _cold(code: str) -> tuple[float, float]:
    """Seconds from a new process to its first answer, and that process's peak memory in MB."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PROJECT_ROOT)
    seconds, max_rss_kb = out.stdout.strip().splitlines()[-1].split()
    return round(float(seconds), 2), round(int(max_rss_kb) / 1024, 1)


def run(out: Path) -> dict:
    from assistant.index import build_index
    from assistant.runtime import load_runtime
    from evals.baseline import NaiveRAG

    settings = get_settings()
    rt = load_runtime(settings)
    questions = _questions()
    answerer = rt.answerer
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        build_index(Settings(home=Path(tmp)))
        ours_build = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    baseline = NaiveRAG(rt.knowledge, rt.embedder)
    base_build = round(time.perf_counter() - t, 2)
    ours_cold, ours_mem = _cold(COLD_OURS)
    base_cold, base_mem = _cold(COLD_BASELINE)
    result = {
        "ours": {
            "search": _timed(lambda q: rt.retriever.retrieve(q, 5), questions, rt.embedder),
            "ask": _timed(answerer.answer, questions, rt.embedder),
            "by_language": _by_language(answerer),
            "plan": _plan_timing(settings),
            "index_build_s": ours_build,
            "cold_start_to_first_answer_s": ours_cold,
            "peak_memory_mb": ours_mem,
        },
        "baseline": {
            "search": _timed(baseline.run, questions, rt.embedder),
            "ask": _timed(baseline.run, questions, rt.embedder),  # its "answer" is the retrieved chunks
            "index_build_s": base_build,
            "cold_start_to_first_answer_s": base_cold,
            "peak_memory_mb": base_mem,
        },
    }
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


def table(result: dict) -> str:
    o, b = result["ours"], result["baseline"]
    rows = [
        ("search p50 (ms)", o["search"]["p50_ms"], b["search"]["p50_ms"]),
        ("search p95 (ms)", o["search"]["p95_ms"], b["search"]["p95_ms"]),
        ("ask p50 (ms)", o["ask"]["p50_ms"], b["ask"]["p50_ms"]),
        ("ask p95 (ms)", o["ask"]["p95_ms"], b["ask"]["p95_ms"]),
        ("index build (s)", o["index_build_s"], b["index_build_s"]),
        ("cold start to first answer (s)", o["cold_start_to_first_answer_s"], b["cold_start_to_first_answer_s"]),
        ("peak memory (MB)", o["peak_memory_mb"], b["peak_memory_mb"]),
    ]
    lines = [f"{'':34}{'ours':>10}{'baseline':>10}{'ratio':>8}", "-" * 62]
    for name, ours, base in rows:
        ratio = f"{ours / base:.2f}" if base else "n/a"
        lines.append(f"{name:34}{ours:>10}{base:>10}{ratio:>8}")
    for lang, row in o["by_language"].items():
        lines.append(f"{lang + ' search / ask p50 (ms)':34}{row['search']['p50_ms']:>10}{row['ask']['p50_ms']:>10}")
    lines.append(f"{'plan a case p50 / p95 (ms)':34}{o['plan']['p50_ms']:>10}{o['plan']['p95_ms']:>10}")
    lines.append(f"(queries per latency row: {o['search']['n']}; case plans: {o['plan']['n']})")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="bench.json", help="where to write the JSON (default bench.json)")
    args = parser.parse_args()
    print(table(run(Path(args.out))))


if __name__ == "__main__":
    main()
