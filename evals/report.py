"""A readable report and a per-category chart from metrics."""

from __future__ import annotations

from pathlib import Path

from evals.metrics import ItemResult

ROWS = [
    ("retrieval", "recall@1"),
    ("retrieval", "recall@5"),
    ("retrieval", "mrr"),
    ("citations", "precision"),
    ("citations", "recall"),
    ("abstention", "accuracy"),
    ("abstention", "false_abstain_rate"),
    ("abstention", "false_answer_rate"),
    ("key_facts", "coverage"),
    ("latency_ms", "p50"),
    ("latency_ms", "p95"),
]


def _fmt(value) -> str:
    return "n/a" if value is None else (f"{value:.3f}" if isinstance(value, float) and value < 10 else str(value))


def write_report(metrics: dict, ours: list[ItemResult], path: Path) -> None:
    base = metrics["baseline"]
    lines = [
        "# Evaluation report",
        "",
        f"{metrics['n']} questions; our backend: {metrics['backend']}; baseline: naive RAG "
        "(1,000-character chunks with 200 overlap, same embedding model, dense top-4, chunks as the answer).",
        "",
        "| metric | ours | baseline |",
        "|---|---|---|",
    ]
    lines += [f"| {a} {b} | {_fmt(metrics[a][b])} | {_fmt(base[a][b])} |" for a, b in ROWS]
    judge = metrics.get("judge_validation") or {}
    if judge:
        lines += [
            "",
            f"Key-fact judge (embedding similarity >= {judge['threshold']}): says 'present' for "
            f"{judge['present_rate_true']} of facts against the right answer and {judge['present_rate_shuffled']} "
            "against another question's answer.",
        ]
    lines += [
        "",
        "## By category",
        "",
        "| category | n | recall@5 | citation recall | abstention accuracy |",
        "|---|---|---|---|---|",
    ]
    for name, row in metrics["by_category"].items():
        lines.append(
            f"| {name} | {row['n']} | {_fmt(row['recall@5'])} | {_fmt(row['citation_recall'])} | "
            f"{_fmt(row['abstention_accuracy'])} |"
        )
    if len(metrics.get("by_language", {})) > 1:
        lines += [
            "",
            "## By language",
            "",
            "| language | n | recall@1 | recall@5 | citation precision | citation recall | abstention accuracy "
            "| answer in the question's language |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for name, row in metrics["by_language"].items():
            cells = ("recall@1", "recall@5", "citation_precision", "citation_recall", "abstention_accuracy")
            lines.append(
                f"| {name} | {row['n']} | "
                + " | ".join(_fmt(row[c]) for c in cells)
                + f" | {_fmt(row['right_language'])} |"
            )
    wrong = [r for r in ours if r.abstained == r.answerable or (r.answerable and not set(r.expected) <= set(r.cited))]
    lines += ["", f"## Items to look at ({len(wrong)})", ""]
    for r in wrong[:60]:
        what = "abstained" if r.abstained else f"cited {list(r.cited)}"
        lines.append(f"- `{r.id}` ({r.category}): expected {list(r.expected) or 'abstain'}, {what}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_chart(metrics: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display on servers
    import matplotlib.pyplot as plt

    cats = list(metrics["by_category"])
    ours = [metrics["by_category"][c]["recall@5"] or 0 for c in cats]
    theirs = [metrics["baseline"]["by_category"].get(c, {}).get("recall@5") or 0 for c in cats]
    fig, ax = plt.subplots(figsize=(10, 4.5))
    xs = range(len(cats))
    ax.bar([x - 0.2 for x in xs], ours, width=0.4, label="ours")
    ax.bar([x + 0.2 for x in xs], theirs, width=0.4, label="naive baseline")
    ax.set_xticks(list(xs), cats, rotation=45, ha="right", fontsize=8)
    ax.set_ylabel("retrieval recall@5")
    ax.set_ylim(0, 1.05)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
