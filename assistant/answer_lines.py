"""Load and validate the authored answer lines (`knowledge/answers/<lang>/*.yaml`, format in FORMAT.md).

Each line must point to a provision that exists in its source file, stay within the word limit, carry
"Yes."/"No." exactly when it declares a polarity (the composer says "Yes" or "No" only from such a line), and
cite no paragraph number that was not seen in an official text (paragraph_refs.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from assistant.errors import KnowledgeError
from assistant.paragraph_refs import check_references, verified_paragraphs
from assistant.records import AnswerLine, Article, GuidanceNote, Overview

MAX_WORDS = 40
BOLD_LABEL = re.compile(r"^\s*[-*]\s+\*\*(.+?)\*\*", re.M)
ARTICLE_IN_QUESTION = re.compile(r"\b(art(icle)?s?\.?|§)\s*\d", re.I)
ARTICLE_MENTION = re.compile(r"\bart(?:icle)?s?\.?\s*(\d+)", re.I)
LINE_FIELDS = {"q", "a", "para", "polarity", "articles"}
MAX_FILE_BYTES = 1_000_000


def provisions(article: Article) -> set[str]:
    """What a line's `para` may name: paragraph headings, bold labels of provisions, and "notes"."""
    names = {p.heading for p in article.paragraphs} | {"notes"}
    for p in article.paragraphs:
        names |= set(BOLD_LABEL.findall(p.text))
    return names


def load_answer_lines(
    folder: Path, articles: tuple[Article, ...], guidance: tuple[GuidanceNote, ...]
) -> tuple[tuple[AnswerLine, ...], tuple[Overview, ...]]:
    """Every answer line and overview in `folder`; a missing folder means none (answers fall back to passages)."""
    if not folder.is_dir():
        return (), ()
    by_number = {a.number: a for a in articles}
    verified = verified_paragraphs(articles)
    notes = {g.slug: g for g in guidance}
    lines: list[AnswerLine] = []
    overviews: list[Overview] = []
    for path in sorted(folder.glob("*.yaml")):
        data = _read_yaml(path)
        if "overviews" in data:
            overviews += _overviews(path, data["overviews"], verified)
        elif "article" in data:
            article = by_number.get(data["article"])
            if article is None:
                raise KnowledgeError(f"{path}: 'article: {data['article']}' is not an article of the knowledge base.")
            lines += _lines(path, data, verified, f"{article.number}", provisions(article), article=article.number)
        elif "guidance" in data:
            note = notes.get(str(data["guidance"]))
            if note is None:
                raise KnowledgeError(f"{path}: no guidance note named {data['guidance']!r} in knowledge/guidance/.")
            headings = {s.heading for s in note.sections}
            lines += _lines(path, data, verified, f"g:{note.slug}", headings, guidance=note.slug)
        else:
            raise KnowledgeError(f"{path}: needs 'article: N', 'guidance: SLUG' or 'overviews:' at the top.")
    return tuple(lines), tuple(overviews)


def _read_yaml(path: Path) -> dict:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise KnowledgeError(f"{path}: larger than {MAX_FILE_BYTES} bytes; split it.")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise KnowledgeError(f"{path}: not valid YAML ({exc}).") from exc
    if not isinstance(data, dict):
        raise KnowledgeError(f"{path}: expected a mapping with 'article' (or 'guidance') and 'answers'.")
    return data


def _lines(
    path: Path, data: dict, verified: dict[int, frozenset[str]], prefix: str, allowed: set[str], **source
) -> list[AnswerLine]:
    items = data.get("answers")
    if not isinstance(items, list) or not items:
        raise KnowledgeError(f"{path}: 'answers' must be a non-empty list of q/a/para entries.")
    out = []
    for number, item in enumerate(items, start=1):
        where = f"{path}: answer {number}"
        question, text = _common(where, item, verified)
        para = str(item.get("para", "")).strip()
        if para not in allowed:
            raise KnowledgeError(f"{where}: para {para!r} is not a paragraph, provision label or section there.")
        polarity = item.get("polarity")
        if polarity not in (None, "yes", "no"):
            raise KnowledgeError(f'{where}: polarity must be "yes" or "no" (quoted), got {polarity!r}.')
        if polarity and not re.match(rf"{polarity.capitalize()}[.,;]", text):
            raise KnowledgeError(
                f"{where}: polarity {polarity!r} needs an answer that starts with '{polarity.capitalize()}.'."
            )
        out.append(
            AnswerLine(
                id=f"{prefix}:{number}",
                question=question,
                text=text,
                para=para,
                polarity=polarity,
                articles=_articles(where, item.get("articles", [])),
                **source,
            )
        )
    return out


def _common(where: str, item: object, verified: dict[int, frozenset[str]]) -> tuple[str, str]:
    if not isinstance(item, dict):
        raise KnowledgeError(f"{where}: expected a mapping with q and a.")
    unknown = set(item) - LINE_FIELDS
    if unknown:
        raise KnowledgeError(f"{where}: unknown fields {sorted(unknown)}; allowed: {sorted(LINE_FIELDS)}.")
    question = " ".join(str(item.get("q", "")).split())
    text = " ".join(str(item.get("a", "")).split())
    if not question or not text:
        raise KnowledgeError(f"{where}: both 'q' and 'a' are required.")
    if ARTICLE_IN_QUESTION.search(question):
        raise KnowledgeError(f"{where}: 'q' must not name an article number: {question!r}.")
    if len(text.split()) > MAX_WORDS:
        raise KnowledgeError(f"{where}: the answer has {len(text.split())} words; at most {MAX_WORDS}.")
    for match in ARTICLE_MENTION.finditer(text):
        if not 1 <= int(match.group(1)) <= 68:
            raise KnowledgeError(f"{where}: names an article that does not exist ({match.group(0)!r}).")
    check_references(where, text, verified)
    return question, text


def _articles(where: str, value: object) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(isinstance(v, int) and 1 <= v <= 68 for v in value):
        raise KnowledgeError(f"{where}: 'articles' must be a list of article numbers from 1 to 68.")
    return tuple(value)


def _overviews(path: Path, items: object, verified: dict[int, frozenset[str]]) -> list[Overview]:
    if not isinstance(items, list) or not items:
        raise KnowledgeError(f"{path}: 'overviews' must be a non-empty list.")
    out = []
    for number, item in enumerate(items, start=1):
        where = f"{path}: overview {number}"
        question, text = _common(where, item, verified)
        articles = _articles(where, item.get("articles", []))
        if not articles:
            raise KnowledgeError(f"{where}: an overview lists at least one article.")
        out.append(Overview(id=f"overview:{number}", question=question, text=text, articles=articles))
    return out
