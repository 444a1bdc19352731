"""Match a request's passages against the elements of every form, by meaning and by structure.

Two signals, both from the embedding model:
- text: how close a passage is to an element's label, help text and model phrasings;
- heading: how close the heading of the passage's section (or the label of its "Label: value" line) is to the
  element's label, so that a section headed "Summary of the facts" supplies the facts whatever its sentences say.
A passage counts for an element only if no other element of the form fits it clearly better (`margin`): the
sentence naming the requested State's central authority must not also pass for the requesting authority. A
passage whose similarity to one element stands far above its similarity to the others (`standout_min`) counts
for it even when it is not close in absolute terms: proper names and long sentences are far from any wording.
The thresholds are in `ReviewSettings`, calibrated on evals/review/dev with `python -m evals.review_eval`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

import numpy as np
import yaml

from assistant.errors import KnowledgeError
from assistant.ports import Embedder
from assistant.review.elements import ElementSpec, FormVectors
from assistant.review.segment import Document
from assistant.settings import ReviewSettings

Status = Literal["present", "unclear", "missing"]
TOP_UNITS = 8  # the opening passages, where a request names itself ("Request for ...", "Subject: ...")
TOP_HEADINGS = 4
DIM = 384  # all-MiniLM-L6-v2; only used for an empty request
PARTICULARS = ("date", "provision", "contact", "reference")  # patterns of checks.yaml that mark a concrete case
SENTENCE_ENDS = (".", "!", "?")  # a passage that ends otherwise is a piece of a sentence cut for length


@dataclass(frozen=True)
class DocVectors:
    """The embedded request: one vector per passage, and per distinct heading or label."""

    units: np.ndarray  # (passages, dim)
    headings: np.ndarray  # (distinct headings, dim)
    section: np.ndarray  # (passages,) row in `headings` of the section heading, -1 for none
    label: np.ndarray  # (passages,) row in `headings` of the line's label, -1 for none
    top: np.ndarray  # (k, dim) the opening passages and first headings, for type detection
    embedded: int  # how many sentences were embedded (all, unless the request is longer than the limit)


@dataclass(frozen=True)
class FormScores:
    """Similarities of every passage to every element of one form."""

    form: FormVectors
    text: np.ndarray  # (passages, elements)
    head: np.ndarray  # (passages, elements)
    title: float  # best similarity of the opening passages to the form's title and summary


@dataclass(frozen=True)
class ElementMatch:
    name: str
    status: Status
    unit: int | None  # the passage that supplies it (or comes closest), as an index into Document.units
    note: str = ""  # why it is unclear
    via: Literal["heading", "text", ""] = ""


def unit_text(doc: Document, i: int) -> str:
    """What is embedded for a passage: a labelled value keeps its label ("Contact: Inspector ...")."""
    u = doc.units[i]
    return f"{u.label}: {u.text}" if u.label else u.text


def select_units(doc: Document, limit: int) -> list[int]:
    """The passages to embed when a request has more than `limit`: its opening, every labelled line, the first
    and second sentences of every paragraph, then the rest in order. Embedding is the cost of a review, and
    a paragraph's first sentences say what it is about."""
    n = len(doc.units)
    if n <= limit:
        return list(range(n))
    rank = {}
    position_in_block = 0
    for i, u in enumerate(doc.units):
        if u.whole >= 0:
            rank[i] = 4  # a clause only adds to its sentence, already embedded: the last to take the budget
            continue
        position_in_block = 0 if i == 0 or doc.units[i - 1].block != u.block else position_in_block + 1
        if i < TOP_UNITS or u.label:
            rank[i] = 0
        else:
            rank[i] = 1 + min(position_in_block, 2)
    chosen = sorted(range(n), key=lambda i: (rank[i], i))[:limit]
    return sorted(chosen)


def embed_document(doc: Document, embedder: Embedder, limit: int) -> DocVectors:
    """Embed the request's passages (at most `limit`: see `select_units`; the others get no vector and cannot
    be evidence), and every distinct heading and label once."""
    units = doc.units
    chosen = select_units(doc, limit)
    names = list(dict.fromkeys(h for u in units for h in (u.heading, u.label) if h))
    index = {h: i for i, h in enumerate(names)}
    texts = [unit_text(doc, i) for i in chosen]
    vectors = embedder.encode([*texts, *names]) if texts or names else np.zeros((0, DIM), dtype=np.float32)
    dim = vectors.shape[1] if vectors.size else DIM
    u_vec = np.zeros((len(units), dim), dtype=np.float32)
    u_vec[chosen] = vectors[: len(texts)].reshape(-1, dim)
    h_vec = vectors[len(texts) :].reshape(-1, dim)
    section = np.array([index.get(u.heading, -1) if u.heading else -1 for u in units], dtype=int)
    label = np.array([index.get(u.label, -1) if u.label else -1 for u in units], dtype=int)
    first_heads = [index[h] for h in dict.fromkeys(u.heading for u in units if u.heading)][:TOP_HEADINGS]
    top = np.vstack([u_vec[:TOP_UNITS], h_vec[first_heads]]) if len(u_vec) else h_vec[first_heads]
    sentences = sum(units[i].whole < 0 for i in chosen)
    return DocVectors(u_vec, h_vec, section, label, top.reshape(-1, dim), sentences)


def score_form(dv: DocVectors, fv: FormVectors) -> FormScores:
    """Text and heading similarities of each passage to each element of the form."""
    n, m = len(dv.units), len(fv.elements)
    if n == 0:
        return FormScores(fv, np.zeros((0, m)), np.zeros((0, m)), 0.0)
    starts = np.flatnonzero(np.r_[True, fv.owner[1:] != fv.owner[:-1]])
    text = np.maximum.reduceat(dv.units @ fv.vectors.T, starts, axis=1)
    head = np.zeros((n, m), dtype=np.float32)
    if len(dv.headings):
        head_starts = np.flatnonzero(np.r_[True, fv.head_owner[1:] != fv.head_owner[:-1]])
        hs = np.maximum.reduceat(dv.headings @ fv.head_vectors.T, head_starts, axis=1)
        hs = np.vstack([hs, np.zeros((1, m), dtype=np.float32)])  # row -1: no heading
        head = np.maximum(hs[dv.section], hs[dv.label])
    title = float((dv.top @ fv.type_vectors.T).max()) if len(dv.top) else 0.0
    return FormScores(fv, text, head, title)


def coverage(scores: FormScores, common: frozenset[str] = frozenset()) -> float:
    """How well the request supplies the form's required elements that are its own, on average (raw best
    similarity). Elements most forms share (`common`: the authorities, the facts, the contact) say nothing
    about the type, and a form made mostly of them would otherwise win for any request."""
    if not len(scores.text):
        return 0.0
    best = np.maximum(scores.text.max(axis=0), scores.head.max(axis=0))
    own = [i for i, e in enumerate(scores.form.elements) if e.field.required and e.name not in common]
    required = own or [i for i, e in enumerate(scores.form.elements) if e.field.required]
    return float(best[required].mean()) if required else float(best.mean())


def common_elements(forms: list[FormVectors]) -> frozenset[str]:
    """Element names found in at least half of the forms."""
    counts: dict[str, int] = {}
    for fv in forms:
        for e in fv.elements:
            counts[e.name] = counts.get(e.name, 0) + 1
    return frozenset(name for name, n in counts.items() if 2 * n >= len(forms))


CITED = re.compile(r"\barticles?\s+(\d{1,3}(?:\s*\(\d+\))?(?:\s*(?:,|and|or|to)\s*\d{1,3}(?:\s*\(\d+\))?)*)", re.I)


def cited_articles(doc: Document) -> frozenset[int]:
    """Articles of the convention the request cites ("under article 42 of the Convention")."""
    found: set[int] = set()
    for unit in doc.units:
        if "convention" not in unit.text.lower():
            continue
        for m in CITED.finditer(unit.text):
            found |= {int(n) for n in re.findall(r"(?<![(\d])\d{1,3}(?![\d)])", m.group(1)) if 1 <= int(n) <= 68}
    return frozenset(found)


def type_score(
    scores: FormScores,
    settings: ReviewSettings,
    cited: frozenset[int] = frozenset(),
    common: frozenset[str] = frozenset(),
) -> float:
    """Title match and coverage of the form's own elements, weighted, plus a bonus when the request cites the
    type's article."""
    w = settings.type_title_weight
    bonus = settings.type_article_bonus if cited & scores.form.basis_articles else 0.0
    return w * scores.title + (1 - w) * coverage(scores, common) + bonus


def decide(
    scores: FormScores,
    doc: Document,
    settings: ReviewSettings,
    checks: Checks,
    masks: dict[str, np.ndarray] | None = None,
) -> list[ElementMatch]:
    """Present, unclear or missing for each element of the form, with the passage behind it.

    The ways an element may be found are tried in order (its heading or label, a close passage, a passage that
    stands out for it, a passage with the pattern its check needs, a narrative): the first whose passages pass
    the element's content check makes it present; if none does, the first found makes it unclear, with the
    check's note. A passage that has what an element's content check needs (a date for a date, a provision of
    law for an offence, a telephone number or e-mail address for a contact) gets `pattern_bonus` for it."""
    text, head = scores.text, scores.head
    out: list[ElementMatch] = []
    if not len(text):
        return [ElementMatch(e.name, "missing", None) for e in scores.form.elements]
    masks = masks if masks is not None else checks.masks(doc)
    text = text.copy()
    hits = np.zeros(text.shape, dtype=bool)  # the passage has what the element's check needs
    for i, element in enumerate(scores.form.elements):
        rule = checks.rules.get(element.name)
        if rule:
            for name in rule[0]:
                hits[:, i] |= masks[name][: len(text)]
        for name in checks.excluded.get(element.name, ()):
            # A passage of this kind cannot supply the element by its wording (the letter's own date line
            # is not the date of the offence), though a heading or label still can.
            blocked = with_clauses(masks[name], doc)[: len(text)]
            text[blocked, i] = 0.0
            hits[blocked, i] = False
    text += settings.pattern_bonus * hits
    clause = np.array([u.whole >= 0 for u in doc.units[: len(text)]], dtype=bool)
    # A passage counts for an element when no other element fits it clearly better, or when it has what the
    # element's check needs (a sentence of the facts that gives the date counts for the date). A clause is short
    # and generic ("with the payment details of their accounts") and comes close to several wordings at once:
    # it counts only for the element it fits clearly better than any other (`clause_lead`).
    margin = np.where(clause, -settings.clause_lead, settings.margin)[:, None]
    runner_up = np.sort(text, axis=1)[:, -2:-1] if text.shape[1] > 1 else np.zeros((len(text), 1))
    best = text.max(axis=1, keepdims=True)
    # For a clause, each element against the best of the others (the runner-up, for its own best element).
    above = np.where(clause[:, None], np.where(text >= best, runner_up, best), best)
    own_t = (text >= above - margin) | hits
    # A passage under a heading that names another element belongs to that element's section: it counts for a
    # different one only if it fits it at least as well ("All stored data of the account ..., including deleted
    # items", under "Data to be preserved", is not the reason why preservation is necessary).
    heads_for = (head >= settings.heading_min) & (head >= head.max(axis=1, keepdims=True))
    section_own = np.where(heads_for.any(axis=1), (text * heads_for).max(axis=1), -np.inf)[:, None]
    own_t &= (text >= section_own) | heads_for | hits
    own_h = head >= head.max(axis=1, keepdims=True) - settings.margin
    # How far a passage's similarity to each element stands above its similarity to the form's other elements:
    # a sentence of a note verbale that names the person sought is only moderately close to "Name of the person
    # sought" (long sentences and proper names are far from any model wording), but far closer to it than to
    # the other elements.
    stand = standout(scores.text)
    # A clause is short and says one thing, so it stands out for some element whatever it says: it supplies an
    # element only by coming close to it.
    stand[clause] = 0.0
    names = {e.name: i for i, e in enumerate(scores.form.elements)}
    # A passage with what an element needs that clearly tells its partner element (`told_with`) supplies it:
    # a dated sentence of the account of the conduct gives the date of the offence.
    told_in = np.zeros(text.shape, dtype=bool)
    for name, partner in checks.told_with.items():
        if name in names and partner in names:
            j, k = names[name], names[partner]
            tells = own_t[:, k] | (stand[:, k] >= settings.standout_min)  # the passage is about the partner
            told_in[:, j] = hits[:, j] & (text[:, j] > 0) & (text[:, k] >= settings.unclear_min) & tells

    def _ways(i: int, element: ElementSpec, t: np.ndarray, cand_t: np.ndarray, cand_h: np.ndarray):
        """Each way the request may supply the element, in order of trust: (passage shown, passages, via)."""
        if cand_h.max() >= settings.heading_min:
            section = np.flatnonzero(cand_h >= cand_h.max() - 1e-6)
            # The passage of the section that is most about this element: a letterhead heads the whole letter,
            # and its closest sentence may be about something else (the contact line names the office too).
            about = np.where(cand_t[section] > 0, cand_t[section], t[section] - 1.0)
            yield int(section[np.argmax(about)]), [int(u) for u in section], "heading"
        if cand_t.max() >= settings.present_min:
            unit = int(np.argmax(cand_t))
            yield unit, [int(u) for u in np.flatnonzero(cand_t >= settings.unclear_min)] or [unit], "text"
        distinct = np.where((stand[:, i] >= settings.standout_min) & (t >= settings.unclear_min), t, 0.0)
        if distinct.max() > 0:
            support = sorted({*np.flatnonzero(cand_t >= settings.unclear_min), *np.flatnonzero(distinct)})
            yield int(np.argmax(distinct)), [int(u) for u in support], "text"
        partner = names.get(checks.told_with.get(element.name, ""))
        if element.name in checks.decisive and (t * hits[:, i]).max() >= settings.unclear_min:
            unit = int(np.argmax(t * hits[:, i]))
            if partner is not None:
                # Of the passages that have what it needs, the one that also tells the partner element: the
                # date of the offence is the date in the account of the conduct, not that of the judgment.
                unit = int(np.argmax(np.where(hits[:, i] & (t > 0), stand[:, i] + stand[:, partner], -np.inf)))
            yield unit, [unit], "text"
        if partner is not None and told_in[:, i].any():
            unit = int(np.argmax(np.where(told_in[:, i], stand[:, i] + stand[:, partner], -np.inf)))
            yield unit, [unit], "text"
        # Only sentences closer to the element than to any other tell it: a note's sentences on the proceedings
        # and the order come near the facts too, and would otherwise add up to a narrative that tells nothing.
        narrative = [int(u) for u in np.flatnonzero((cand_t >= settings.unclear_min) & (t >= text.max(axis=1)))]
        if element.field.min_words and _words(doc, narrative) >= element.field.min_words * settings.narrative_factor:
            # A narrative (the facts) is told over several sentences, none of which need be close on its own.
            yield narrative[int(np.argmax(t[narrative]))], narrative, "text"

    for i, element in enumerate(scores.form.elements):
        t = text[:, i]
        cand_t = np.where(own_t[:, i], t, 0.0)
        found = None  # the first way that finds the element, with why it may not suffice
        for unit, support, via in _ways(i, element, t, cand_t, np.where(own_h[:, i], head[:, i], 0.0)):
            # A clause is checked with its whole sentence: the provision of law may be in the next clause.
            problem = checks.problem(element.field, [_sentence(doc, u) for u in support])
            if not problem:
                found = ElementMatch(element.name, "present", unit, via=via)
                break
            # Found, but without what makes it usable: another way may still find it with that (the "Offence:"
            # line names no date, the facts further down give it).
            found = found or ElementMatch(element.name, "unclear", unit, problem, via)
        if found is not None:
            out.append(found)
        elif t.max() >= settings.unclear_min:
            # Shown as the passage that comes close: one about this element rather than another, if any.
            unit = int(np.argmax(cand_t if cand_t.max() >= settings.unclear_min else t))
            out.append(ElementMatch(element.name, "unclear", unit, checks.weak_note, "text"))
        else:
            out.append(ElementMatch(element.name, "missing", None))
    return out


def with_clauses(mask: np.ndarray, doc: Document) -> np.ndarray:
    """The passages a mask marks, and the clauses of those that are sentences: "where each is punishable by more
    than one year" is the tail of a sentence on dual criminality, though it does not say "both" itself. The
    pieces an overlong sentence was cut into go with it too: the second half of "4. To obtain from the bank the
    statements ...; the records of all deposits ..." is still an item of the list of measures."""
    mask = mask.copy()
    for i in range(1, doc.sentences):
        prev = doc.units[i - 1]
        if mask[i - 1] and prev.block == doc.units[i].block and not prev.text.rstrip('"”’)').endswith(SENTENCE_ENDS):
            mask[i] = True
    whole = np.array([u.whole for u in doc.units], dtype=int)
    return mask | np.where(whole >= 0, mask[np.maximum(whole, 0)], False)


def standout(text: np.ndarray) -> np.ndarray:
    """For each passage and element, how many standard deviations the passage's similarity to the element lies
    above its mean similarity to all the form's elements (0 for a passage that was not embedded)."""
    if not text.size:
        return np.zeros(text.shape, dtype=np.float32)
    spread = text.std(axis=1, keepdims=True)
    return np.where(spread > 1e-6, (text - text.mean(axis=1, keepdims=True)) / np.maximum(spread, 1e-6), 0.0)


def _sentence(doc: Document, i: int) -> str:
    """What the content check reads for a passage: its whole sentence for a clause, with its label for a labelled
    value ("Nationality: Aurelian" states a nationality, "Aurelian" alone does not)."""
    u = doc.units[i]
    return unit_text(doc, u.whole if u.whole >= 0 else i)


def _words(doc: Document, units: list[int]) -> int:
    """Words in the passages, a clause not counted again when its sentence is among them."""
    chosen = set(units)
    return sum(len(doc.units[u].text.split()) for u in chosen if doc.units[u].whole not in chosen)


# -- content checks ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checks:
    """The content checks of prompts/review/checks.yaml."""

    patterns: dict[str, re.Pattern[str]]
    rules: dict[str, tuple[tuple[str, ...], str]]  # element name -> (pattern names, note)
    decisive: frozenset[str]  # elements a close passage with the pattern supplies on its own
    weak_note: str
    short_note: str
    excluded: dict[str, tuple[str, ...]] = field(default_factory=dict)  # element -> patterns of passages
    # that cannot supply it by their wording (`not_from` in checks.yaml)
    told_with: dict[str, str] = field(default_factory=dict)  # element -> the element whose passages tell it

    def masks(self, doc: Document) -> dict[str, np.ndarray]:
        """For each pattern, which passages of the request match it."""
        return {
            name: np.array([bool(pattern.search(u.text)) for u in doc.units], dtype=bool)
            for name, pattern in self.patterns.items()
        }

    def particulars(self, text: str) -> list[str]:
        """The kinds of particulars a text gives (dates, provisions of law, contact details, references)."""
        return [name for name in PARTICULARS if name in self.patterns and self.patterns[name].search(text)]

    def problem(self, field, passages: list[str]) -> str:
        """Why the passages do not make the element usable, or ""."""
        joined = " ".join(passages)
        rule = self.rules.get(field.name)
        if rule and not any(self.patterns[p].search(joined) for p in rule[0]):
            return rule[1]
        if field.min_words and len(joined.split()) < field.min_words:
            return self.short_note.format(words=len(joined.split()), min_words=field.min_words)
        return ""


@cache
def load_checks(prompts_dir: Path) -> Checks:
    path = prompts_dir / "review" / "checks.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        patterns = {name: re.compile(p) for name, p in (data.get("patterns") or {}).items()}
        rules, decisive, excluded, told_with = {}, set(), {}, {}
        for name, rule in (data.get("checks") or {}).items():
            if rule.get("decisive"):
                decisive.add(name)
            needs, not_from = tuple(rule.get("needs") or ()), tuple(rule.get("not_from") or ())
            unknown = [p for p in (*needs, *not_from) if p not in patterns]
            if unknown:
                raise KnowledgeError(f"{path}: check '{name}' names unknown patterns {unknown}.")
            if needs:  # a check may only say where the element cannot come from
                rules[name] = (needs, " ".join(str(rule["note"]).split()))
            if not_from:
                excluded[name] = not_from
            if rule.get("told_with"):
                told_with[name] = str(rule["told_with"])
        weak, short = str(data["weak_note"]), str(data["short_note"])
    except (OSError, yaml.YAMLError, re.error, KeyError, TypeError) as exc:
        raise KnowledgeError(f"{path} is missing or malformed ({exc}); restore it from git.") from exc
    weak, short = " ".join(weak.split()), " ".join(short.split())
    return Checks(patterns, rules, frozenset(decisive), weak, short, excluded, told_with)
