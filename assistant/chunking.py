"""Turn articles and guidance notes into passages. A passage never spans two articles."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from assistant.records import Article, GuidanceNote, Passage

BULLET = re.compile(r"^\s*[-*]\s+", re.M)
SENTENCE_END = re.compile(r"(?<=[.;:])\s+(?=[A-Z(])")


def split_text(text: str, max_chars: int) -> list[str]:
    """Split at list bullets, then at sentence ends, so each piece stays under max_chars where possible."""
    return [" ".join(piece.split()) for piece in _split(text.strip(), max_chars)]


def _split(text: str, max_chars: int) -> list[str]:
    if len(text) <= max_chars and not BULLET.search(text):
        return [text]
    items = [i.strip() for i in BULLET.split(text) if i.strip()] if BULLET.search(text) else [text]
    pieces: list[str] = []
    for item in items:
        if len(item) <= max_chars:
            pieces.append(item)
            continue
        buf = ""
        for sentence in SENTENCE_END.split(item):
            if buf and len(buf) + len(sentence) + 1 > max_chars:
                pieces.append(buf)
                buf = sentence
            else:
                buf = f"{buf} {sentence}".strip()
        if buf:
            pieces.append(buf)
    return pieces


def article_passages(article: Article, max_chars: int) -> Iterator[Passage]:
    """The summary card (title, plain words, summary), each paragraph, the practice notes, and the question
    hints (retrieval only)."""
    base = {
        "source": article.source,
        "article": article.number,
        "title": article.title,
        "chapter": article.chapter,
    }
    # Official text can be ingested in several languages; the language keeps their passage ids apart.
    source = f"official-{article.language}" if article.source == "official" else article.source
    prefix = f"{source}:{article.number}"
    if article.summary:
        topics = f" Also known as: {', '.join(article.topics)}." if article.topics else ""
        yield Passage(
            id=f"{prefix}:summary",
            text=" ".join(article.summary.split()) + topics,
            kind="summary",
            heading="Summary",
            **base,
        )
    for p_index, para in enumerate(article.paragraphs):
        for c_index, piece in enumerate(split_text(para.text, max_chars)):
            yield Passage(
                id=f"{prefix}:p{p_index}:{c_index}",
                text=piece,
                kind="paragraph",
                paragraph=para.number,
                heading=para.heading,
                **base,
            )
    if article.practice_notes:
        for c_index, piece in enumerate(split_text(article.practice_notes, max_chars)):
            yield Passage(id=f"{prefix}:notes:{c_index}", text=piece, kind="notes", heading="Practice notes", **base)
    for q_index, question in enumerate(article.questions):
        yield Passage(id=f"{prefix}:q{q_index}", text=question, kind="question", heading="Questions", **base)


def guidance_passages(note: GuidanceNote, max_chars: int) -> Iterator[Passage]:
    for s_index, section in enumerate(note.sections):
        for c_index, piece in enumerate(split_text(section.text, max_chars * 2)):
            yield Passage(
                id=f"guidance:{note.slug}:{s_index}:{c_index}",
                text=piece,
                kind=note.kind,
                source="guidance",
                heading=section.heading,
                title=note.title,
                articles=note.articles,
            )
        for q_index, question in enumerate(section.questions):
            yield Passage(
                id=f"guidance:{note.slug}:{s_index}:q{q_index}",
                text=question,
                kind="question",
                source="guidance",
                heading=section.heading,
                title=note.title,
                articles=note.articles,
            )


def build_passages(articles: Iterable[Article], guidance: Iterable[GuidanceNote], max_chars: int) -> list[Passage]:
    out = [p for a in articles for p in article_passages(a, max_chars)]
    out += [p for g in guidance for p in guidance_passages(g, max_chars)]
    return out


def embedding_text(passage: Passage) -> str:
    """What the model sees: the heading context helps a bare paragraph find its subject."""
    if passage.article is not None:
        return f"Article {passage.article}, {passage.title}: {passage.text}"
    return f"{passage.title}, {passage.heading}: {passage.text}"
