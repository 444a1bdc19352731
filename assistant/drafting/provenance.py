"""The provenance annex: every article a draft relies on, with its text and the elements that rest on it.

Where the user has ingested the official text, the annex quotes it; otherwise it gives our restatement,
marked as such, because a restatement must never pass for the treaty's words. In a draft in another language
the article titles and restatements come from our unofficial translations (knowledge/i18n/<lang>.yaml), which
the annex's wording marks as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.drafting.forms import SAFE_LOADER, FormSpec
from assistant.drafting.render import WORDING, load_template, wording_call
from assistant.drafting.wording import Wording
from assistant.errors import KnowledgeError
from assistant.knowledge import load_map, parse_article
from assistant.official import load_official
from assistant.records import Article
from assistant.settings import Settings


@dataclass(frozen=True)
class AnnexArticle:
    number: int
    title: str
    source: str  # "official" | "restatement" | "none"
    lines: tuple[str, ...]  # official paragraphs, or the restatement summary
    elements: tuple[str, ...]  # labels of the elements resting on this article


@dataclass(frozen=True)
class AnnexPractice:
    source: str
    elements: tuple[str, ...]


def _text_lines(article: Article) -> tuple[str, ...]:
    if article.source == "official":
        return tuple(f"({p.number}) {p.text}" if p.number else p.text for p in article.paragraphs)
    return (article.summary,)


def _restatement(settings: Settings, number: int) -> Article | None:
    """Our restatement of one article, or None where its file is not written yet."""
    # Parsing only the cited files keeps a draft fast (the whole base takes most of a second) and lets an
    # unrelated article being edited elsewhere not block drafting.
    path = settings.knowledge_dir / "convention" / f"article-{number:02d}.md"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeError(f"{path}: cannot be read ({exc}); restore it from git.") from exc
    return parse_article(path, text, load_map(settings.knowledge_dir))


def _translated(knowledge_dir: Path, code: str) -> tuple[dict[int, str], dict[int, str]]:
    """Our unofficial translations of the article titles and summaries in one language; none for English, or
    where the knowledge folder has no translation (a folder of one's own): the annex then shows the English."""
    path = knowledge_dir / "i18n" / f"{code}.yaml"
    if code == "en" or not path.exists():
        return {}, {}
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path}: cannot be read ({exc}); restore it from git.".replace("\n", " ")) from None
    return dict(data.get("titles") or {}), dict(data.get("summaries") or {})


def annex_articles(form: FormSpec, settings: Settings, wording: Wording) -> list[AnnexArticle]:
    """The form's articles in ascending order, with the best text we hold for each, in the draft's language
    where translated."""
    titles = load_map(settings.knowledge_dir)
    own_titles, own_summaries = _translated(settings.knowledge_dir, wording.code)
    official: dict[int, Article] = {}
    for art in load_official(settings):
        if art.source == "official":  # a text stored with --force is never quoted as the official text
            official.setdefault(art.number, art)  # first ingested language wins
    out = []
    for number in form.articles:
        article = official.get(number) or _restatement(settings, number)
        elements = [f.label for f in form.fields if number in f.basis.articles]
        if number in form.legal_basis.articles:
            elements.insert(0, wording.text("annex.legal_basis"))
        lines = _text_lines(article) if article else ()
        if article and article.source != "official" and number in own_summaries:
            lines = (" ".join(str(own_summaries[number]).split()),)
        out.append(
            AnnexArticle(
                number=number,
                title=str(own_titles.get(number) or titles[number].title),
                source=article.source if article else "none",
                lines=lines,
                elements=tuple(elements),
            )
        )
    return out


def annex_practices(form: FormSpec) -> list[AnnexPractice]:
    """Good-practice sources in order of first use, with the elements they support."""
    by_source: dict[str, list[str]] = {}
    for f in form.fields:
        if f.basis.source:
            by_source.setdefault(f.basis.source, []).append(f.label)
    return [AnnexPractice(source, tuple(labels)) for source, labels in by_source.items()]


def render_annex(form: FormSpec, settings: Settings, wording: Wording) -> str:
    """The annex as Markdown in the language of `wording`, from `prompts/drafting/_annex.md.j2`."""
    template = load_template(
        settings.prompts_dir / "drafting",
        "_annex.md.j2",
        {"articles", "practices", WORDING},
        {"articles", "practices"},
        wording,
    )
    text = template.render(
        articles=annex_articles(form, settings, wording),
        practices=annex_practices(form),
        t=wording_call(wording, form),
    )
    return text.strip() + "\n"
