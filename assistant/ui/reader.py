"""The Convention tab's logic and the page's labelling: the chapters' contents, articles with their neighbours,
related articles and guidance notes, search, deep links (`?article=42`), the About text, and the wording of
the reader and of screen-reader labels (prompts/ui.yaml).

Nothing here touches Gradio. The article texts are our restatement unless the user ingested the official
text (`uncc ingest`); every view says which one it shows.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from assistant import __version__
from assistant.errors import InvalidInput
from assistant.index import LoadedIndex, newer_generation
from assistant.knowledge import ARTICLE_COUNT, ROMAN, KnowledgeBase, knowledge_files
from assistant.official import OfficialSource
from assistant.prompts import PROMPTS, checked_wording
from assistant.records import Article, GuidanceNote, Passage
from assistant.retrieve import HybridRetriever
from assistant.runtime import Runtime
from assistant.settings import Settings
from assistant.translations import Language, english
from assistant.ui.ask import AskState, chip_label
from assistant.ui.i18n import page_text

SEARCH_RESULTS = 6
SNIPPET_CHARS = 280
# The placeholders each entry of prompts/ui.yaml must have.
UI_TEXT = {
    "question_label": set(),
    "tab_ask": set(),
    "tab_case": set(),
    "tab_draft": set(),
    "tab_review": set(),
    "tab_convention": set(),
    "toc_chapter": {"chapter", "title", "span"},
    "toc_articles": {"chapter"},
    "previous": {"number"},
    "next": {"number"},
    "no_previous": set(),
    "no_next": set(),
    "link_label": set(),
    "guidance_notes": {"count"},
    "related_articles": set(),
    "open_in_reader": {"number"},
    "bad_link": {"problem", "number"},
    "banner_text": {"language", "file", "digest"},
    "banner_official": {"texts"},
    "banner_unvalidated": {"texts"},
    "banner_rest": set(),
    "index_newer": {"version", "built_at", "current"},
    # The Ask tab's conversation (assistant.ui.conversation)
    "history_restored": {"count"},
    "history_discarded": set(),
    "history_cleared": set(),
    "history_not_saved": set(),
    "export_button": set(),
    "export_files": set(),
    "export_ready": set(),
    "export_empty": set(),
    "export_bad": {"problem"},
    "export_title": set(),
    "export_intro": {"date", "count"},
    "export_question": {"number"},
    "export_answer": set(),
    "export_citations": set(),
    "export_no_citations": set(),
    "draft_this": {"title", "article"},
    "draft_none": set(),
    "draft_from_answer": {"articles", "title"},
    "draft_from": set(),
    "draft_from_info": set(),
    "draft_choice": {"number", "question", "title", "article"},
}


@cache
def ui_texts(folder: Path = PROMPTS) -> dict[str, str]:
    """The reader's wording, checked: each key present, each with exactly its placeholders."""
    return checked_wording(folder / "ui.yaml", UI_TEXT)


def ui_text(key: str, **values: object) -> str:
    """One entry of prompts/ui.yaml with its placeholders filled in."""
    return ui_texts()[key].format(**values)


@dataclass(frozen=True)
class Chapter:
    """One chapter of the table of contents: its numeral (I-IX), title and articles in order."""

    numeral: str
    title: str
    articles: tuple[tuple[int, str], ...]  # (number, title)

    def label(self, language: Language) -> str:
        """'Chapter V. International cooperation (arts. 35–52)'; 'art. 22' for a chapter of one article; in
        another language, its title translated and the span with that language's article label."""
        first, last = self.articles[0][0], self.articles[-1][0]
        numbers = str(first) if first == last else f"{first}–{last}"
        if language.code == "en":
            span = f"art. {first}" if first == last else f"arts. {first}–{last}"
        else:
            span = language.label(numbers)
        title = language.chapters.get(self.numeral, self.title)
        return page_text(language.code, "toc_chapter", chapter=self.numeral, title=title, span=span)

    def choices(self, language: Language) -> list[tuple[str, int]]:
        """('Art. 42. International cooperation for …', 42) for each article of the chapter, titles translated."""
        return [(_article_choice(language, n, title), n) for n, title in self.articles]


@dataclass(frozen=True)
class ArticleView:
    """What the tab shows for one article."""

    number: int
    chapter: str
    heading: str  # Markdown: the article's number and title, and its chapter
    markdown: str  # Markdown: official text where ingested, our restatement, practice notes
    related: list[tuple[str, int]]
    guidance: str  # Markdown: the guidance notes that rely on this article ("" if none)
    guidance_count: int
    previous: int | None  # the neighbouring articles, None at either end
    next: int | None


def source_banner(official_languages: list[str], sources: list[OfficialSource], lang: str = "en") -> str:
    """The line at the top of every page, in the page's language `lang`, saying whose text is shown: each ingested
    text by its file and SHA-256, a text stored although it failed the check apart from the official ones."""
    if not official_languages:
        return page_text(lang, "restatement_note")
    from assistant.ingest.parse import get_language

    by_lang = {s.lang: s for s in sources}
    named: dict[bool, list[str]] = {True: [], False: []}
    for code in official_languages:
        source, language = by_lang.get(code), get_language(code).name
        if source is None:  # stored before sources were recorded: its language is all that is known
            named[True].append(language)
            continue
        text = page_text(lang, "banner_text", language=language, file=source.file, digest=source.sha256)
        named[source.validated].append(text)
    parts = [page_text(lang, f"banner_{kind}", texts="; ".join(named[ok])) for ok, kind in _BANNERS if named[ok]]
    return " ".join([*parts, page_text(lang, "banner_rest")])


_BANNERS = ((True, "official"), (False, "unvalidated"))


def index_notice(settings: Settings, index: LoadedIndex) -> str:
    """Empty, or the notice that the index was rebuilt since this app opened it and a restart serves it."""
    newer = newer_generation(settings, index)
    if newer is None:
        return ""
    return ui_text("index_newer", version=newer.version, built_at=newer.built_at, current=index.manifest.version)


def table_of_contents(kb: KnowledgeBase) -> list[Chapter]:
    """The chapters I-IX in the order of the convention, each with its articles (from the article map's
    chapter data, which every article of the knowledge base carries)."""
    grouped: dict[str, list[Article]] = {}
    for a in kb.articles:
        grouped.setdefault(a.chapter, []).append(a)
    order = sorted(grouped, key=lambda c: (ROMAN.index(c) if c in ROMAN else len(ROMAN), c))
    return [Chapter(c, grouped[c][0].chapter_title, tuple((a.number, a.title) for a in grouped[c])) for c in order]


def neighbours(kb: KnowledgeBase, number: int) -> tuple[int | None, int | None]:
    """The articles before and after `number` in the knowledge base, None at either end."""
    numbers = [a.number for a in kb.articles]
    if number not in numbers:
        return None, None
    i = numbers.index(number)
    return (numbers[i - 1] if i > 0 else None), (numbers[i + 1] if i + 1 < len(numbers) else None)


def parse_article(value: object) -> int:
    """An article number typed or linked by the user (`?article=42`), or InvalidInput saying what is valid."""
    text = str(value).strip().lower().removeprefix("art.").removeprefix("article").strip()
    if not text.isdigit() or not 1 <= int(text) <= ARTICLE_COUNT:
        raise InvalidInput(
            f"There is no article {str(value).strip()[:20]!r}: the convention has articles 1 to {ARTICLE_COUNT}."
        )
    return int(text)


def share_link(page_url: str | None, number: int) -> str:
    """The address that opens article `number` in the reader: the page's own address with `?article=N` (any
    other parameter dropped); just `?article=N` when the page's address is unknown."""
    query = f"article={number}"
    if not page_url:
        return f"?{query}"
    parts = urlsplit(page_url)
    if not parts.scheme or not parts.netloc:
        return f"?{query}"
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, ""))


def chip_article(state: AskState, label: str | None) -> int | None:
    """The article of the citation behind the chip `label` of the latest answer (None for a guidance note)."""
    if not label:
        return None
    return next((c.article for c in state.citations if chip_label(c) == label), None)


def article_view(
    kb: KnowledgeBase, official: dict[int, Article], number: int, language: Language | None = None
) -> ArticleView:
    """One article: official text first where ingested, then our restatement; its guidance notes and related
    articles apart, to be shown one click away; its neighbours for previous/next. In another `language`, the
    title, chapter, summary and headings are translated (unofficially); the restatement itself stays in English,
    and says so."""
    language = language or english()
    code = language.code
    article = kb.article(number)
    if article is None:
        raise InvalidInput(f"Article {number} is not in the knowledge base; restore knowledge/ from git.")
    chapter_title = language.chapters.get(article.chapter, article.chapter_title)
    about = [
        page_text(code, "reader_chapter", chapter=article.chapter, title=chapter_title),
        page_text(code, "reader_confidence", confidence=article.confidence),
        *([page_text(code, "reader_mirrors", mirrors=", ".join(article.mirrors))] if article.mirrors else []),
    ]
    title = language.title(number, article.title)
    heading = "\n\n".join(["## " + page_text(code, "reader_heading", number=number, title=title), " · ".join(about)])
    parts = []
    if number in official:
        parts += [f"### {page_text(code, f'reader_{official[number].source}')}", *_paragraphs(official[number])]
    parts += [f"### {page_text(code, 'reader_restatement')}", f"> {page_text(code, 'restatement_note')}"]
    parts.append(f"**{page_text(code, 'reader_summary')}** {language.summary(number, article.summary)}")
    if code != "en":  # what follows is the English restatement: said in the reader's language
        parts.append(f"*{page_text(code, 'reader_english')}*")
    parts += _paragraphs(article)
    if article.practice_notes:
        parts += [f"### {page_text(code, 'reader_notes')}", article.practice_notes]
    notes = [g for g in kb.guidance if number in g.articles]
    related = [(_article_choice(language, r, kb.article(r).title), r) for r in article.related if kb.article(r)]
    before, after = neighbours(kb, number)
    return ArticleView(
        number=number,
        chapter=article.chapter,
        heading=heading,
        markdown="\n\n".join(parts),
        related=related,
        guidance="\n\n".join(_guidance(note) for note in notes),
        guidance_count=len(notes),
        previous=before,
        next=after,
    )


def _article_choice(language: Language, number: int, english_title: str) -> str:
    """'Art. 42. Expedited preservation of stored electronic data', the title in `language`."""
    return page_text(language.code, "reader_article", number=number, title=language.title(number, english_title))


def _paragraphs(article: Article) -> list[str]:
    out = []
    for p in article.paragraphs:
        out += [f"#### {'Paragraph ' + p.number if p.number else p.heading}", p.text]
    return out


def _guidance(note: GuidanceNote) -> str:
    return "\n\n".join([f"### {note.title}", *(f"**{s.heading}.** {s.text}" for s in note.sections)])


def search(retriever: HybridRetriever, query: object, lang: str = "en") -> tuple[str, list[tuple[str, int]]]:
    """Search results as Markdown, and the articles found (to open one); the page's words in `lang` (the passages
    are as the knowledge base has them)."""
    text = query if isinstance(query, str) else ""
    if not text.strip():
        raise InvalidInput(page_text(lang, "search_empty"))
    hits = retriever.retrieve(text, SEARCH_RESULTS)
    if not hits:
        return page_text(lang, "search_none"), []
    lines = [f"- {_hit(p, lang)}" for p in hits]
    found = list(dict.fromkeys(p.article for p in hits if p.article is not None))
    titles = {p.article: p.title for p in hits if p.article is not None}
    return "\n".join(lines), [(f"Art. {n}. {titles[n]}", n) for n in found]


def _hit(p: Passage, lang: str) -> str:
    snippet = " ".join(p.text.split())
    snippet = snippet if len(snippet) <= SNIPPET_CHARS else snippet[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"
    kind = page_text(lang, f"hit_{p.source if p.source in ('official', 'unvalidated', 'guidance') else 'restatement'}")
    if p.article is None:
        return f"**{page_text(lang, 'hit_guidance_title', title=p.title)}** ({p.heading}; {kind}): {snippet}"
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
            page_text("en", "restatement_note"),
        ]
    )


def ingest_languages() -> list[tuple[str, str]]:
    """('English', 'en') for each language the official-text reader knows."""
    from assistant.ingest.parse import LANGUAGES

    return [(lang.name, code) for code, lang in LANGUAGES.items()]


def may_change_knowledge(settings: Settings) -> bool:
    """Whether the web app may load an official text: it changes what every user is shown, so only an app
    started with the admin setting and a login (UNCC_ADMIN and UNCC_AUTH) may."""
    return settings.admin and bool(settings.auth)


def ingest_upload(settings: Settings, path: str | None, lang: str, replace: bool) -> str:
    """Read an uploaded copy of the convention and store it as the official text; the report as plain text.

    Never forced from the web: a text that fails the check is only stored through `uncc ingest --force`."""
    if not may_change_knowledge(settings):
        raise InvalidInput(
            "Loading the official text from the web app is switched off: it changes what every user is shown. "
            "Use `uncc ingest FILE` on the server, or start the app with UNCC_ADMIN=1 and UNCC_AUTH set."
        )
    if not path:
        raise InvalidInput("Choose the file first: the convention (A/RES/79/243) as PDF, DOCX, HTML or text.")
    from assistant.ingest.api import ingest_file
    from assistant.ingest.report import render_report

    report = ingest_file(path, settings, lang, replace, force=False, via="web")
    text = render_report(report)
    if report.stored_path:
        # The running app keeps the index it opened; the next start rebuilds it with the official text.
        text += (
            "\n\nRestart the app (`make run`) to index the official text. Until then, answers, search and "
            "this tab keep using the previous index."
        )
    return text
