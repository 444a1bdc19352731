"""`ingest_file`: read the user's copy of the convention, validate it, store it as the official text.

Used by `uncc ingest` and by the app's upload. The file is only read; what is stored goes to
`HOME/official/<lang>.json`, written atomically, and only when the parse validates (or `force`: the CLI only; the
text is then labelled "unvalidated text" wherever it is shown, never "official text").
"""

from __future__ import annotations

from pathlib import Path

from assistant.audit import file_sha256, record
from assistant.errors import IngestError, InvalidInput
from assistant.ingest.clean import clean
from assistant.ingest.detect import FORMAT_NAMES, Format, detect_format
from assistant.ingest.extract import extract
from assistant.ingest.parse import LANGUAGES, Language, RawArticle, get_language, parse
from assistant.ingest.report import IngestReport
from assistant.ingest.validate import Validation, validate
from assistant.knowledge import ARTICLE_COUNT, MapEntry, load_map
from assistant.official import OfficialSource, save_official
from assistant.records import Article
from assistant.settings import Settings

_SUFFIXES: dict[str, Format] = {".pdf": "pdf", ".docx": "docx", ".htm": "html", ".html": "html", ".txt": "txt"}


def ingest_file(
    path: str | Path,
    settings: Settings,
    lang: str = "en",
    replace: bool = False,
    force: bool = False,
    via: str = "cli",
) -> IngestReport:
    """Parse and validate PATH; store it when valid (or forced), and record it in the audit log with the file's
    SHA-256 and the front end (`via`). Damaged files raise IngestError."""
    language = get_language(lang)
    path = Path(path).expanduser()
    if not path.is_file():
        what = "is not a file" if path.exists() else "does not exist"
        raise InvalidInput(f"{path} {what}: give the path of the convention file you downloaded.")
    target = settings.official_dir / f"{lang}.json"
    if target.exists() and not replace:
        raise IngestError(
            f"The official text in {language.name} is already ingested ({target}). "
            f"Add --replace to replace it with {path.name}."
        )
    try:
        fmt = detect_format(path)
        extraction = extract(path, fmt)
    except OSError as exc:
        raise IngestError(f"{path} cannot be read ({exc.strerror or exc}): check that you can open it.") from exc
    lines = clean(extraction.pages, keep=language.is_heading)
    article_map = load_map(settings.knowledge_dir)
    english = lang == "en"
    raw = parse(lines, language, {n: e.title for n, e in article_map.items()} if english else None)
    check = validate(raw, article_map, lang, settings.knowledge_dir)
    report = IngestReport(
        **check.model_dump(),
        source_file=path.name,
        file_format=fmt,
        lang=lang,
        pages=extraction.page_count,
        paragraphs=sum(1 for a in raw for p in a.paragraphs if p.number),
        warnings=[*_suffix_warning(path, fmt), *extraction.warnings],
    )
    if not check.ok and (not force or not check.found):
        return report.model_copy(update={"message": _refusal(check, raw, language, len(lines), force)})
    articles = _records(raw, article_map, path.name, validated=check.ok)
    source = OfficialSource(lang=lang, file=path.name, sha256=file_sha256(path), validated=check.ok)
    stored = save_official(settings, articles, source)
    record(settings, "ingest official text", **source.model_dump(), via=via)
    done = "Stored" if check.ok else "Stored anyway (--force), with the problems above"
    return report.model_copy(
        update={
            "stored_path": str(stored),
            "message": f"{done}: {len(articles)} articles of the official {language.name} text, at {stored}.",
        }
    )


def _suffix_warning(path: Path, fmt: Format) -> list[str]:
    named = _SUFFIXES.get(path.suffix.lower())
    if named is None or named == fmt:
        return []
    return [f"{path.name} is named like a {FORMAT_NAMES[named]} file but holds {FORMAT_NAMES[fmt]}; read as such"]


def _refusal(check: Validation, raw: list[RawArticle], language: Language, line_count: int, force: bool) -> str:
    if not raw:
        return (
            f"Not stored: no '{language.article}' headings were found in {line_count} lines of text. Is this the "
            f"convention (A/RES/79/243) in {language.name}? For another language use --lang "
            f"({', '.join(LANGUAGES)})."
        )
    problems = []
    if check.missing:
        problems.append(f"{len(check.missing)} of {ARTICLE_COUNT} articles missing")
    if check.duplicated:
        problems.append(f"{len(check.duplicated)} duplicated")
    if check.out_of_order:
        problems.append(f"{len(check.out_of_order)} out of order")
    if check.unexpected:
        problems.append(f"{len(check.unexpected)} headings with numbers the convention does not have")
    if check.empty:
        problems.append(f"{len(check.empty)} with no text")
    hint = ""
    last = max(check.found, default=0)
    if 0 < last < ARTICLE_COUNT and set(range(last + 1, ARTICLE_COUNT + 1)) <= set(check.missing):
        hint = f" The text stops after article {last}: the file looks cut short; download it again."
    if not check.found:
        return f"Not stored, even with --force: no article numbered 1 to {ARTICLE_COUNT} was found.{hint}"
    action = "" if force else " Add --force to store it anyway."
    return (
        f"Not stored: {'; '.join(problems)}.{hint} Check that the file holds the whole convention "
        f"(A/RES/79/243) in {language.name}. Your existing official text and index are unchanged.{action}"
    )


def _records(raw: list[RawArticle], article_map: dict[int, MapEntry], source: str, validated: bool) -> list[Article]:
    """One record per article, in order: the first copy of a duplicate, never a stray or empty heading. A text
    that failed the check is "unvalidated": it is quoted, but never as the official text."""
    chosen: dict[int, RawArticle] = {}
    for art in raw:
        if art.number in article_map and art.paragraphs:
            chosen.setdefault(art.number, art)
    out = []
    for number in sorted(chosen):
        art, entry = chosen[number], article_map[number]
        same_chapter = art.chapter == entry.chapter and art.chapter_title
        out.append(
            Article(
                number=number,
                title=art.title or entry.title,
                chapter=entry.chapter,
                chapter_title=art.chapter_title if same_chapter else entry.chapter_title,
                paragraphs=tuple(art.paragraphs),
                confidence="high" if validated else "low",  # the authentic text, not a restatement
                source="official" if validated else "unvalidated",
                path=source,
            )
        )
    return out
