"""Figures of the review desk (`uncc review`) on the development set of incoming requests in evals/review/.

    python -m evals.review_eval                 # figures on dev/ and heldout/, and the negatives
    python -m evals.review_eval --calibrate     # grid-search the thresholds on dev/ only, print the best
    python -m evals.review_eval --details       # every element that is wrong, request by request

Elements are checked against the form of the request's true type (so a type error does not hide an element
error); type detection is reported on its own. The requests are fictitious, so printing them is harmless.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

from assistant.review.api import Reviewer
from assistant.review.errors import NotARequest
from assistant.review.matcher import FormScores, cited_articles, decide, embed_document, load_checks
from assistant.review.reader import read_request
from assistant.review.segment import Document, segment
from assistant.settings import PROJECT_ROOT, ReviewSettings, Settings

ROOT = PROJECT_ROOT / "evals" / "review"
SETS = ("dev", "heldout", "fresh", "fresh2", "fresh3", "fresh4")


@dataclass
class Case:
    path: Path
    type: str
    left_out: set[str]
    vague: set[str]
    absent: set[str]
    ignore: set[str]
    style: str = ""

    @property
    def not_there(self) -> set[str]:
        return self.left_out | self.vague | self.absent


@dataclass
class Prepared:
    case: Case
    doc: Document
    scores: dict[str, FormScores]
    masks: dict[str, np.ndarray]


@dataclass
class Figures:
    requests: int = 0
    type_right: int = 0
    left_out: int = 0
    left_out_found: int = 0  # reported missing or unclear
    left_out_missing: int = 0  # left out entirely and reported missing (not merely unclear)
    left_out_entirely: int = 0
    not_there: int = 0
    not_there_found: int = 0
    present: int = 0
    present_kept: int = 0  # reported present
    present_missing: int = 0  # reported missing: the costly error
    present_unclear: int = 0  # reported unclear: the reply asks for it although the request gives it
    required_present: int = 0
    required_kept: int = 0  # required and there, reported present: the reply does not ask for it needlessly
    reported_present: int = 0
    reported_present_right: int = 0
    worst_false_missing: int = 0
    done: int = 0  # requests meeting issue 21's bar: every left-out element flagged, at most one present one missing
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, float | int]:
        def ratio(a: int, b: int) -> float:
            return round(a / b, 3) if b else 1.0

        return {
            "requests": self.requests,
            "type_accuracy": ratio(self.type_right, self.requests),
            "left_out_recall": ratio(self.left_out_found, self.left_out),
            "left_out_said_missing": ratio(self.left_out_missing, self.left_out_entirely),
            "missing_recall": ratio(self.not_there_found, self.not_there),
            "present_precision": ratio(self.reported_present_right, self.reported_present),
            "present_recall": ratio(self.present_kept, self.present),
            "present_unclear_rate": ratio(self.present_unclear, self.present),
            "required_present_recall": ratio(self.required_kept, self.required_present),
            "present_reported_missing": self.present_missing,
            "worst_false_missing_per_request": self.worst_false_missing,
            "requests_meeting_the_bar": self.done,
        }


def load_cases(name: str) -> list[Case]:
    cases = []
    for side in sorted((ROOT / name).glob("*.yaml")):
        data = yaml.safe_load(side.read_text(encoding="utf-8"))
        text = next(p for p in side.parent.glob(f"{side.stem}.*") if p.suffix != ".yaml")
        cases.append(
            Case(
                text,
                data["type"],
                *(set(data.get(k) or []) for k in ("left_out", "vague", "absent", "ignore")),
                style=data.get("style", ""),
            )
        )
    return cases


def prepare(reviewer: Reviewer, case: Case) -> Prepared:
    doc = segment(read_request(case.path, reviewer.settings).lines)
    vectors = embed_document(doc, reviewer.embedder, reviewer.settings.review.max_units)
    masks = load_checks(reviewer.settings.prompts_dir).masks(doc)
    return Prepared(case, doc, reviewer.score_all(vectors), masks)


def evaluate(reviewer: Reviewer, prepared: list[Prepared], settings: ReviewSettings) -> Figures:
    checks = load_checks(reviewer.settings.prompts_dir)
    fig = Figures()
    for p in prepared:
        fig.requests += 1
        detected = reviewer.rank_types(p.scores, cited_articles(p.doc), settings)[0][0]
        fig.type_right += detected == p.case.type
        if detected != p.case.type:
            fig.errors.append(f"{p.case.path.name}: type {detected}, should be {p.case.type}")
        false_missing = 0
        flagged_all = True
        form = p.scores[p.case.type].form.form
        for m in decide(p.scores[p.case.type], p.doc, settings, checks, p.masks):
            if m.name in p.case.ignore:
                continue
            there = m.name not in p.case.not_there
            if there and form.field(m.name).required:
                fig.required_present += 1
                fig.required_kept += m.status == "present"
            if m.status == "present":
                fig.reported_present += 1
                fig.reported_present_right += there
            if there:
                fig.present += 1
                fig.present_kept += m.status == "present"
                if m.status == "missing":
                    fig.present_missing += 1
                    false_missing += 1
                fig.present_unclear += m.status == "unclear"
                if m.status != "present":
                    fig.errors.append(f"{p.case.path.name}: {m.name} is there, reported {m.status} {m.note}")
            else:
                fig.not_there += 1
                fig.not_there_found += m.status != "present"
                if m.name in p.case.left_out:
                    fig.left_out_entirely += 1
                    fig.left_out_missing += m.status == "missing"
                if m.name in p.case.left_out | p.case.vague:
                    fig.left_out += 1
                    fig.left_out_found += m.status != "present"
                    flagged_all &= m.status != "present"
                if m.status == "present":
                    u = p.doc.units[m.unit].text[:80] if m.unit is not None else ""
                    fig.errors.append(f"{p.case.path.name}: {m.name} is NOT there, reported present ({u})")
        fig.worst_false_missing = max(fig.worst_false_missing, false_missing)
        fig.done += flagged_all and false_missing <= 1
    return fig


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October")
BANKS = ("Valdoria Trust", "Northbank", "Crown Savings", "Harbour Credit", "Valmont Mutual")


def long_request(words: int = 4800) -> str:
    """A request of about `words` words (4,800: ten pages): dev/mla-01-formal.md with its facts told at length."""
    base = (ROOT / "dev" / "mla-01-formal.md").read_text(encoding="utf-8")
    head, tail = base.split("## 7. Assistance sought")
    paragraphs = []
    k = 0
    while len(" ".join([head, *paragraphs, tail]).split()) < words:
        k += 1
        month, bank = MONTHS[k % len(MONTHS)], BANKS[k % len(BANKS)]
        paragraphs.append(
            f"On {1 + k % 27} {month} 2024 the investigators identified a further payment of {1000 + 37 * k} euro "
            f"made by a victim to an account held at {bank} in Valdoria. The victim had received a message from "
            f"the address support-{k}@nimbusmail.example asking for the payment to restore access to encrypted "
            f"files. The account was opened on line with a copy of an identity card that the issuing authority "
            f"says was never issued. Within two hours the money was transferred on to a cryptocurrency exchange, "
            f"and from there to a wallet that also received ransom payments from {2 + k % 5} other victims. "
            f"The transaction records obtained from the bank show logins from the IP address 203.0.113.{k % 250} "
            f"at the time of the transfer."
        )
    return head + "\n\n".join(paragraphs) + "\n\n## 7. Assistance sought" + tail


def negatives(reviewer: Reviewer) -> dict[str, str]:
    """What the desk says about each text that is not a request."""
    out = {}
    for path in sorted((ROOT / "negative").glob("*.*")):
        try:
            review = reviewer.review_file(path)
            out[path.name] = f"REVIEWED as {review.type} ({review.type_confidence})"
        except NotARequest:
            out[path.name] = "refused: not a request"
    return out


def timing(reviewer: Reviewer, runs: int = 3) -> dict[str, float | int]:
    """Seconds to review a ten-page request (the model already loaded), best of `runs`: wall-clock and CPU (all
    threads), with the machine's load average, since a shared machine's wall-clock says more about the others."""
    import os
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ten-pages.md"
        path.write_text(long_request(), encoding="utf-8")
        reviewer.review_file(path)  # the forms' vectors are computed once per process, not per review
        walls, cpus = [], []
        for _ in range(runs):
            cpu = time.process_time()
            walls.append(reviewer.review_file(path).seconds)
            cpus.append(time.process_time() - cpu)
        words = len(path.read_text(encoding="utf-8").split())
    return {
        "ten_page_words": words,
        "ten_page_seconds": min(walls),
        "ten_page_cpu_seconds": round(min(cpus), 2),
        "load_average": round(os.getloadavg()[0], 1),
    }


def _objective(fig: Figures) -> float:
    d = fig.as_dict()
    # The bar first: every left-out element flagged, at most one present element reported missing.
    return (
        3 * d["left_out_recall"]
        + d["missing_recall"]
        + d["present_precision"]
        + d["present_recall"]
        + 2 * d["required_present_recall"]
        + 0.5 * d["left_out_said_missing"]  # "unclear" is for what is there but may not suffice
        - 0.5 * max(0, fig.worst_false_missing - 1)
        - 0.02 * fig.present_missing
    )


GRID = {
    "present_min": [x / 100 for x in range(40, 72, 2)],
    "unclear_min": [x / 100 for x in range(26, 60, 2)],
    "standout_min": [1.5, 1.75, 2.0, 2.25, 2.5, 2.75, 3.0, 99.0],
    "heading_min": [x / 100 for x in range(45, 90, 5)],
    "margin": [0.0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.15],
    "pattern_bonus": [0.0, 0.02, 0.04, 0.06, 0.08, 0.1],
    "clause_lead": [0.0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.12],
}
TYPE_GRID = {
    "type_title_weight": [x / 10 for x in range(11)],
    "type_article_bonus": [0.0, 0.05, 0.1, 0.15, 0.2],
}
REPORTED = (*GRID, *TYPE_GRID, "type_temperature")


def _valid(s: ReviewSettings) -> bool:
    return s.unclear_min < s.present_min


def calibrate(reviewer: Reviewer, prepared: list[Prepared]) -> ReviewSettings:
    """Coordinate search on dev/ only: each threshold in turn over its grid, the others held, three rounds."""
    best = reviewer.settings.review
    best_value = _objective(evaluate(reviewer, prepared, best))
    for _ in range(3):
        for key, values in GRID.items():
            for value in values:
                s = best.model_copy(update={key: value})
                if not _valid(s):
                    continue
                v = _objective(evaluate(reviewer, prepared, s))
                if v > best_value + 1e-9:
                    best, best_value = s, v

    def type_value(s: ReviewSettings) -> tuple[int, float, float]:
        # Right types first, then the smallest margin of the right type over the runner-up (the hardest case).
        margins = []
        for p in prepared:
            ranked = reviewer.rank_types(p.scores, cited_articles(p.doc), s)
            right = dict(ranked)[p.case.type]
            margins.append(right - max(v for t, v in ranked if t != p.case.type))
        return sum(m > 0 for m in margins), round(float(np.min(margins)), 3), float(np.mean(margins))

    for _ in range(2):
        for key, values in TYPE_GRID.items():
            best = max((best.model_copy(update={key: v}) for v in values), key=type_value)

    def log_likelihood(s: ReviewSettings) -> float:
        # Temperature scaling: the confidence should be the probability the detected type is right.
        total = 0.0
        for p in prepared:
            ranked = reviewer.rank_types(p.scores, cited_articles(p.doc), s)
            values = np.array([v for _, v in ranked]) / s.type_temperature
            logp = values - values.max() - np.log(np.exp(values - values.max()).sum())
            total += float(logp[[t for t, _ in ranked].index(p.case.type)])
        return total

    # Every dev type is right, so the likelihood grows without bound as the temperature falls: the grid starts
    # at 0.02, where a lead of 0.02 over the runner-up still reads as a confidence of about 0.7, not 1.
    temperatures = [0.02, 0.03, 0.04, 0.05, 0.07, 0.1]
    return max((best.model_copy(update={"type_temperature": t}) for t in temperatures), key=log_likelihood)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.review_eval", description=__doc__.split("\n")[0])
    parser.add_argument("--calibrate", action="store_true", help="grid-search the thresholds on dev/ only")
    parser.add_argument("--details", action="store_true", help="list every wrong element")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    reviewer = Reviewer(Settings())
    start = time.perf_counter()
    prepared = {name: [prepare(reviewer, c) for c in load_cases(name)] for name in SETS}
    settings = reviewer.settings.review
    if args.calibrate:
        settings = calibrate(reviewer, prepared["dev"])
        keys = REPORTED
        print("calibrated on dev/:", {k: getattr(settings, k) for k in keys}, file=sys.stderr)
    report = {}
    for name in SETS:
        fig = evaluate(reviewer, prepared[name], settings)
        report[name] = fig.as_dict()
        if args.details:
            print(f"--- {name}", *fig.errors, sep="\n  ", file=sys.stderr)
    report["negatives"] = negatives(reviewer)
    report["timing"] = timing(reviewer)
    report["seconds"] = round(time.perf_counter() - start, 1)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for name in SETS:
            print(f"{name:8}", "  ".join(f"{k}={v}" for k, v in report[name].items()))
        for name, verdict in report["negatives"].items():
            print(f"negative {name}: {verdict}")
        print("timing:", report["timing"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
