"""Load and validate `knowledge/`: the article map, the article restatements and the guidance notes."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.answer_lines import load_answer_lines
from assistant.errors import KnowledgeError
from assistant.paragraph_refs import check_references, verified_paragraphs
from assistant.records import AnswerLine, Article, GuidanceNote, GuidanceSection, Overview, Paragraph

ARTICLE_COUNT = 68
ARTICLE_FILE = re.compile(r"^article-(\d{2})\.md$")
NUMBERED_HEADING = re.compile(r"^(\d{1,2})(\([a-z]{1,4}\))?$")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")
ARTICLE_NUMBER = re.compile(r"\b(art(icle)?s?\.?|§)\s*\d", re.I)
# Notes to the knowledge base's writers ("cite as art. 40 without a paragraph", "see the guidance note"):
# metadata, never shown to a user, so they are removed from every text the reader or an answer can show.
WRITER_NOTE = re.compile(
    r"\bcite\s+(?:it|this|them|these|definitions|subparagraphs|the later rules|as|only|\"art|art\.)"
    r"|\bdo not cite\b|\bsee the guidance note\b|\bsafe citations?\b",
    re.I,
)
SENTENCE_END = re.compile(r"(?<=[.;])\s+(?=[A-Z(])")
COMMENT = re.compile(r"<!--.*?-->", re.S)
OFFICIAL_CLAIMS = re.compile(r"\b(this is the (official|authentic) text|verbatim text of the convention)\b", re.I)


@dataclass(frozen=True)
class MapEntry:
    article: int
    title: str
    chapter: str
    chapter_title: str


@dataclass(frozen=True)
class KnowledgeBase:
    articles: tuple[Article, ...]
    guidance: tuple[GuidanceNote, ...]
    answers: tuple[AnswerLine, ...] = ()
    overviews: tuple[Overview, ...] = ()

    def article(self, number: int) -> Article | None:
        return next((a for a in self.articles if a.number == number), None)


@lru_cache(maxsize=4)
def load_map(knowledge_dir: Path) -> dict[int, MapEntry]:
    """The article map: number -> title and chapter."""
    path = knowledge_dir / "convention" / "map.json"
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))["articles"]
        entries = {
            int(r["article"]): MapEntry(int(r["article"]), r["title"], r["chapter"], r["chapter_title"]) for r in rows
        }
    except FileNotFoundError as exc:
        raise KnowledgeError(f"{path}: the article map is missing; restore it from git.") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise KnowledgeError(f"{path}: the article map is not valid JSON with an 'articles' list ({exc}).") from exc
    return entries


def _split_front_matter(path: Path, text: str) -> tuple[dict, str, int]:
    """Return (front matter, body, line number where the body starts)."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise KnowledgeError(f"{path}:1: expected YAML front matter starting with '---'.")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise KnowledgeError(f"{path}:1: the front matter is not closed by a '---' line.") from None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        raise KnowledgeError(f"{path}:{line}: the front matter is not valid YAML ({exc}).") from exc
    if not isinstance(meta, dict):
        raise KnowledgeError(f"{path}:2: the front matter must be a mapping of fields.")
    return meta, "\n".join(lines[end + 1 :]), end + 2


def _sections(body: str, level: str) -> list[tuple[str, str, int]]:
    """Split a Markdown body at headings of exactly `level` ('##' or '###'): (heading, text, line)."""
    out: list[tuple[str, str, int]] = []
    heading, buf, start = None, [], 0
    for i, line in enumerate(body.splitlines()):
        if line.startswith(level + " ") and not line.startswith(level + "#"):
            if heading is not None:
                out.append((heading, "\n".join(buf).strip(), start))
            heading, buf, start = line[len(level) + 1 :].strip(), [], i
        elif heading is not None:
            buf.append(line)
    if heading is not None:
        out.append((heading, "\n".join(buf).strip(), start))
    return out


def _strip_comments(text: str) -> str:
    return COMMENT.sub("", text).strip()


def for_readers(text: str) -> str:
    """The text without comments and without sentences addressed to the knowledge base's writers; a bullet
    that held only such a note goes entirely."""
    kept = []
    for block in re.split(r"\n(?=\s*- )", _strip_comments(text)):
        if not WRITER_NOTE.search(block):
            kept.append(block)
            continue
        bullet = block.lstrip().startswith("- ")
        body = " ".join(block.strip().removeprefix("- ").split())
        sentences = [s for s in SENTENCE_END.split(body) if not WRITER_NOTE.search(s)]
        if sentences:
            kept.append(("- " if bullet else "") + " ".join(sentences))
    return "\n".join(kept).strip()


def _int_list(path: Path, meta: dict, field: str) -> tuple[int, ...]:
    value = meta.get(field) or []
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise KnowledgeError(f"{path}: '{field}' must be a list of article numbers, got {value!r}.")
    bad = [v for v in value if not 1 <= v <= ARTICLE_COUNT]
    if bad:
        raise KnowledgeError(f"{path}: '{field}' names articles that do not exist: {bad} (the convention has 68).")
    return tuple(value)


def _str_list(path: Path, meta: dict, field: str) -> tuple[str, ...]:
    value = meta.get(field) or []
    if not isinstance(value, list):
        raise KnowledgeError(f"{path}: '{field}' must be a list, got {value!r}.")
    return tuple(str(v) for v in value)


def parse_article(path: Path, text: str, article_map: dict[int, MapEntry]) -> Article:
    """Parse one article file; raise KnowledgeError naming the file, line and problem."""
    meta, body, body_line = _split_front_matter(path, text)
    for field in ("article", "title", "chapter", "topics", "related"):
        if field not in meta:
            raise KnowledgeError(f"{path}: front matter lacks the required field '{field}'.")
    number = meta["article"]
    if not isinstance(number, int) or number not in article_map:
        raise KnowledgeError(f"{path}: 'article: {number}' is not an article number from 1 to 68.")
    match = ARTICLE_FILE.match(path.name)
    if match and int(match.group(1)) != number:
        raise KnowledgeError(f"{path}: the file name says article {int(match.group(1))}, front matter says {number}.")
    entry = article_map[number]
    title = str(meta["title"]).strip()
    if entry.title.lower() not in title.lower():
        raise KnowledgeError(f"{path}: title {title!r} does not match the article map ({entry.title!r}).")
    if str(meta["chapter"]).strip() != entry.chapter:
        raise KnowledgeError(f"{path}: chapter {meta['chapter']!r} differs from the map (chapter {entry.chapter}).")
    if OFFICIAL_CLAIMS.search(body):
        raise KnowledgeError(f"{path}: claims to be the official text; the files are our restatement.")

    summary, notes, paragraphs, questions = "", "", [], ()
    for heading, section, line in _sections(body, "##"):
        if heading.lower() == "summary":
            summary = for_readers(section.split("\n### ")[0])
        elif heading.lower().startswith("practice notes"):
            notes = for_readers(section)
        elif heading.lower() == "questions":
            questions = _questions(path, body_line + line, _strip_comments(section))
    for heading, section, line in _sections(body, "###"):
        section = for_readers(section.split("\n## ")[0])
        if not section:
            raise KnowledgeError(f"{path}:{body_line + line}: section '### {heading}' is empty.")
        numbered = NUMBERED_HEADING.match(heading)
        paragraphs.append(Paragraph(number=heading if numbered else None, heading=heading, text=section))
    paragraphs = _mark_verified(path, meta, paragraphs)
    if not summary:
        raise KnowledgeError(f"{path}: the '## Summary' section is missing or empty.")
    if not paragraphs:
        raise KnowledgeError(f"{path}: no '### ' paragraph section; every article needs at least one.")
    return Article(
        number=number,
        title=title,
        chapter=entry.chapter,
        chapter_title=entry.chapter_title,
        topics=_str_list(path, meta, "topics"),
        related=_int_list(path, meta, "related"),
        mirrors=_str_list(path, meta, "mirrors"),
        confidence=str(meta.get("confidence", "medium")),
        summary=summary,
        paragraphs=tuple(paragraphs),
        practice_notes=notes,
        questions=questions,
        source="restatement",
        path=str(path),
    )


def _mark_verified(path: Path, meta: dict, paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Flag the numbered paragraphs listed in `verified_paragraphs` (numbers seen in an official text); every
    other number is the parent treaty's position, inferred, and is cited without it."""
    listed = [str(v) for v in meta.get("verified_paragraphs") or []]
    numbers = {p.number for p in paragraphs if p.number}
    unknown = [v for v in listed if v not in numbers]
    if unknown:
        raise KnowledgeError(f"{path}: 'verified_paragraphs' names paragraphs without a '### ' heading: {unknown}.")
    return [p.model_copy(update={"verified": p.number in listed}) if p.number else p for p in paragraphs]


def _questions(path: Path, line: int, section: str) -> tuple[str, ...]:
    """Question-hint bullets ('## Questions' of an article, '### Questions' of a guidance section). They must
    not name article numbers: a hint saying "article 42" would pull every question naming 42 towards it."""
    found = []
    for item in section.splitlines():
        text = " ".join(item.strip().removeprefix("- ").split())
        if not text:
            continue
        if not item.lstrip().startswith("- ") or not text.endswith("?"):
            raise KnowledgeError(f"{path}:{line}: Questions take one '- question?' bullet per line, got {text!r}.")
        if ARTICLE_NUMBER.search(text):
            raise KnowledgeError(f"{path}:{line}: a question hint must not name an article number: {text!r}.")
        found.append(text)
    return tuple(found)


def _guidance_section(path: Path, line: int, heading: str, text: str) -> GuidanceSection:
    """A '## ' section of a guidance note; a '### Questions' list at its end holds its question hints."""
    statement, _, hints = text.partition("### Questions")
    return GuidanceSection(
        heading=heading, text=for_readers(statement), questions=_questions(path, line, hints) if hints else ()
    )


def parse_guidance(path: Path, text: str) -> GuidanceNote:
    meta, body, body_line = _split_front_matter(path, text)
    if not meta.get("title"):
        raise KnowledgeError(f"{path}: guidance front matter lacks 'title'.")
    articles = _int_list(path, meta, "articles")
    if not articles:
        raise KnowledgeError(f"{path}: a guidance note must name at least one article in 'articles'.")
    sections = tuple(
        _guidance_section(path, body_line + line, heading, _strip_comments(text))
        for heading, text, line in _sections(body, "##")
        if _strip_comments(text)
    )
    if not sections:
        raise KnowledgeError(f"{path}:{body_line}: a guidance note needs at least one '## ' section with text.")
    kind = meta.get("kind", "guidance")
    if kind not in ("guidance", "absence"):
        raise KnowledgeError(f"{path}: 'kind' must be 'guidance' or 'absence', got {kind!r}.")
    return GuidanceNote(
        kind=kind,
        slug=path.stem,
        title=str(meta["title"]),
        articles=articles,
        topics=_str_list(path, meta, "topics"),
        sections=sections,
        path=str(path),
    )


def knowledge_files(knowledge_dir: Path) -> list[Path]:
    """Every file whose content shapes the index, in a stable order."""
    conv = sorted((knowledge_dir / "convention").glob("article-*.md"))
    guide = sorted((knowledge_dir / "guidance").glob("*.md"))
    answers = sorted((knowledge_dir / "answers" / "en").glob("*.yaml"))  # translations are read at run time
    return [knowledge_dir / "convention" / "map.json", *conv, *guide, *answers]


def load_knowledge(knowledge_dir: Path) -> KnowledgeBase:
    """Read and validate every article and guidance note."""
    if not (knowledge_dir / "convention").is_dir():
        raise KnowledgeError(
            f"{knowledge_dir}: no 'convention' folder; set UNCC_KNOWLEDGE_DIR to the knowledge folder."
        )
    article_map = load_map(knowledge_dir)
    articles: dict[int, Article] = {}
    texts = {p: _read(p) for p in sorted((knowledge_dir / "convention").glob("article-*.md"))}
    for path, text in texts.items():
        art = parse_article(path, text, article_map)
        if art.number in articles:
            raise KnowledgeError(f"{path}: article {art.number} is already defined in {articles[art.number].path}.")
        articles[art.number] = art
    for art in articles.values():
        # A related entry must point to an article we actually have, or the reader follows a dead link.
        missing = [r for r in art.related if r not in articles]
        if missing and len(articles) == ARTICLE_COUNT:
            raise KnowledgeError(f"{art.path}: 'related' points to articles without a file: {missing}.")
    guidance_texts = {p: _read(p) for p in sorted((knowledge_dir / "guidance").glob("*.md"))}
    guidance = tuple(parse_guidance(p, text) for p, text in guidance_texts.items())
    ordered = tuple(sorted(articles.values(), key=lambda a: a.number))
    # Checked on the whole file, writer notes included (a note saying "cite art. 40(8)" teaches the wrong number),
    # but not the comments, which record where each fact came from; blanked line for line, so lines still match.
    verified = verified_paragraphs(ordered)
    for path, text in (texts | guidance_texts).items():
        check_references(str(path), COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text), verified)
    answers, overviews = load_answer_lines(knowledge_dir / "answers" / "en", ordered, guidance)
    return KnowledgeBase(articles=ordered, guidance=guidance, answers=answers, overviews=overviews)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise KnowledgeError(f"{path}: not valid UTF-8 text ({exc}).") from exc
    except OSError as exc:
        raise KnowledgeError(f"{path}: cannot be read ({exc.strerror}).") from exc
