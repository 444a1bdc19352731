"""The Convention tab's logic and the page's labelling: chapters, articles, search, deep links, the About text.

Nothing here touches Gradio. The article texts are our restatement unless the user ingested the official
text (`uncc ingest`); every view says which one it shows.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from assistant import __version__
from assistant.errors import InvalidInput
from assistant.knowledge import ARTICLE_COUNT, KnowledgeBase, knowledge_files
from assistant.records import Article, Passage
from assistant.retrieve import HybridRetriever
from assistant.runtime import Runtime
from assistant.settings import Settings

SEARCH_RESULTS = 6
SNIPPET_CHARS = 280
RESTATEMENT_NOTE = (
    "**Our restatement, not the official text.** The convention texts in this app are a plain-English "
    "restatement (A/RES/79/243, annex). Check the wording against an authentic text before quoting it."
)


@dataclass(frozen=True)
class ArticleView:
    """What the tab shows for one article."""

    number: int
    chapter: str
    markdown: str
    related: list[tuple[str, int]]


def source_banner(official_languages: list[str]) -> str:
    """The line at the top of every page saying whose text is shown."""
    if not official_languages:
        return RESTATEMENT_NOTE
    langs = ", ".join(official_languages)
    return (
        f"**Official text ingested ({langs}).** Passages marked *official text* quote it; everything else "
        "is our plain-English restatement, not the official text."
    )


def chapter_choices(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """('Chapter V. International cooperation', 'V') in the order of the convention."""
    seen: dict[str, str] = {}
    for a in kb.articles:
        seen.setdefault(a.chapter, f"Chapter {a.chapter}. {a.chapter_title}".rstrip(". "))
    return [(label, chapter) for chapter, label in seen.items()]


def article_choices(kb: KnowledgeBase, chapter: str) -> list[tuple[str, int]]:
    return [(f"Art. {a.number}. {a.title}", a.number) for a in kb.articles if a.chapter == chapter]


def parse_article(value: object) -> int:
    """An article number typed or linked by the user (`?article=42`), or InvalidInput saying what is valid."""
    text = str(value).strip().lower().removeprefix("art.").removeprefix("article").strip()
    if not text.isdigit() or not 1 <= int(text) <= ARTICLE_COUNT:
        raise InvalidInput(
            f"There is no article {str(value).strip()[:20]!r}: the convention has articles 1 to {ARTICLE_COUNT}."
        )
    return int(text)


def article_view(kb: KnowledgeBase, official: dict[int, Article], number: int) -> ArticleView:
    """One article: official text first where ingested, then our restatement, guidance notes and related articles."""
    article = kb.article(number)
    if article is None:
        raise InvalidInput(f"Article {number} is not in the knowledge base; restore knowledge/ from git.")
    parts = [
        f"## Article {number}. {article.title}",
        f"Chapter {article.chapter}. {article.chapter_title} · confidence: {article.confidence}"
        + (f" · mirrors: {', '.join(article.mirrors)}" if article.mirrors else ""),
    ]
    if number in official:
        parts += ["### Official text (ingested)", *_paragraphs(official[number])]
    parts += [f"> {RESTATEMENT_NOTE}", f"**Summary.** {article.summary}", *_paragraphs(article)]
    if article.practice_notes:
        parts += ["### Practice notes", article.practice_notes]
    parts += _guidance(kb, number)
    related = [(f"Art. {r}. {kb.article(r).title}", r) for r in article.related if kb.article(r) is not None]
    if related:
        parts += ["### Related articles", "Click one below to open it: " + "; ".join(label for label, _ in related)]
    return ArticleView(number, article.chapter, "\n\n".join(parts), related)


def _paragraphs(article: Article) -> list[str]:
    out = []
    for p in article.paragraphs:
        out += [f"#### {'Paragraph ' + p.number if p.number else p.heading}", p.text]
    return out


def _guidance(kb: KnowledgeBase, number: int) -> list[str]:
    notes = [g for g in kb.guidance if number in g.articles]
    if not notes:
        return []
    out = ["### Guidance notes"]
    for note in notes:
        out.append(f"#### {note.title}")
        out += [f"**{s.heading}.** {s.text}" for s in note.sections]
    return out


def search(retriever: HybridRetriever, query: object) -> tuple[str, list[tuple[str, int]]]:
    """Search results as Markdown, and the articles found (to open one)."""
    text = query if isinstance(query, str) else ""
    if not text.strip():
        raise InvalidInput("Type words to search for, e.g. “preservation of traffic data”.")
    hits = retriever.retrieve(text, SEARCH_RESULTS)
    if not hits:
        return "No passage matches.", []
    lines = [f"- {_hit(p)}" for p in hits]
    found = list(dict.fromkeys(p.article for p in hits if p.article is not None))
    titles = {p.article: p.title for p in hits if p.article is not None}
    return "\n".join(lines), [(f"Art. {n}. {titles[n]}", n) for n in found]


def _hit(p: Passage) -> str:
    snippet = " ".join(p.text.split())
    snippet = snippet if len(snippet) <= SNIPPET_CHARS else snippet[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"
    kind = {"official": "official text", "guidance": "guidance note"}.get(p.source, "restatement")
    if p.article is None:
        return f"**Guidance: {p.title}** ({p.heading}; {kind}): {snippet}"
    return f"**{p.label}** {p.title} ({kind}): {snippet}"


def knowledge_version(rt: Runtime) -> str:
    """A short hash of the knowledge files: two installs with the same value hold the same texts."""
    digest = hashlib.sha256()
    for path in knowledge_files(rt.settings.knowledge_dir):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def about_markdown(rt: Runtime, backend: str) -> str:
    """Versions of the app, the knowledge base and the index, and what the app does with the user's data."""
    m = rt.index.manifest
    kb = rt.knowledge
    official = ", ".join(m.official_languages) or "none ingested"
    return "\n".join(
        [
            f"- **App**: uncc-assistant {__version__}",
            f"- **Knowledge base**: version {knowledge_version(rt)}: {len(kb.articles)} articles (our restatement), "
            f"{len(kb.guidance)} guidance notes",
            f"- **Official text**: {official}",
            f"- **Index**: version {m.version}, built {m.built_at}, {m.count} passages, embedding model {m.model}",
            f"- **Answers**: {backend}",
            "- **Privacy**: runs on this machine only; questions and drafts stay in this browser session and are "
            "sent nowhere. Downloaded drafts are written to a private temporary folder, cleared within the hour.",
            "",
            RESTATEMENT_NOTE,
        ]
    )


def ingest_languages() -> list[tuple[str, str]]:
    """('English', 'en') for each language the official-text reader knows."""
    from assistant.ingest.parse import LANGUAGES

    return [(lang.name, code) for code, lang in LANGUAGES.items()]


def ingest_upload(settings: Settings, path: str | None, lang: str, replace: bool, force: bool) -> str:
    """Read an uploaded copy of the convention and store it as the official text; the report as plain text."""
    if not path:
        raise InvalidInput("Choose the file first: the convention (A/RES/79/243) as PDF, DOCX, HTML or text.")
    from assistant.ingest.api import ingest_file
    from assistant.ingest.report import render_report

    report = ingest_file(path, settings, lang, replace, force)
    text = render_report(report)
    if report.stored_path:
        # The running app keeps the index it opened; the next start rebuilds it with the official text.
        text += (
            "\n\nRestart the app (`make run`) to index the official text. Until then, answers, search and "
            "this tab keep using the previous index."
        )
    return text
