"""The provenance annex: every article a draft relies on, with its text and the elements that rest on it.

Where the user has ingested the official text, the annex quotes it; otherwise it gives our restatement,
marked as such, because a restatement must never pass for the treaty's words.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.drafting.forms import FormSpec
from assistant.drafting.render import load_template
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


def annex_articles(form: FormSpec, settings: Settings) -> list[AnnexArticle]:
    """The form's articles in ascending order, with the best text we hold for each."""
    titles = load_map(settings.knowledge_dir)
    official: dict[int, Article] = {}
    for art in load_official(settings):
        official.setdefault(art.number, art)  # first ingested language wins
    out = []
    for number in form.articles:
        article = official.get(number) or _restatement(settings, number)
        elements = [f.label for f in form.fields if number in f.basis.articles]
        if number in form.legal_basis.articles:
            elements.insert(0, "Legal basis")
        out.append(
            AnnexArticle(
                number=number,
                title=titles[number].title,
                source=article.source if article else "none",
                lines=_text_lines(article) if article else (),
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


def render_annex(form: FormSpec, settings: Settings) -> str:
    """The annex as Markdown, from `prompts/drafting/_annex.md.j2`."""
    template = load_template(
        settings.prompts_dir / "drafting", "_annex.md.j2", {"articles", "practices"}, {"articles", "practices"}
    )
    text = template.render(articles=annex_articles(form, settings), practices=annex_practices(form))
    return text.strip() + "\n"
