"""Turn articles and guidance notes into passages. A passage never spans two articles."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from assistant.knowledge import for_readers
from assistant.records import INGESTED, AnswerLine, Article, GuidanceNote, Paragraph, Passage

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
    source = f"{article.source}-{article.language}" if article.source in INGESTED else article.source
    prefix = f"{source}:{article.number}"
    if article.summary:
        yield Passage(
            id=f"{prefix}:summary",
            text=" ".join(article.summary.split()),
            kind="summary",
            heading="Summary",
            hint=", ".join(article.topics),  # plain practitioner words help retrieval; they are not for reading
            **base,
        )
    # Official text is authentic: its paragraph numbers are verified by definition.
    for p_index, para in enumerate(article.paragraphs):
        for c_index, piece in enumerate(split_text(para.text, max_chars)):
            yield Passage(
                id=f"{prefix}:p{p_index}:{c_index}",
                text=piece,
                kind="paragraph",
                paragraph=para.number,
                paragraph_verified=bool(para.number) and (para.verified or article.source == "official"),
                heading=para.heading,
                **base,
            )
    if article.practice_notes:
        for c_index, piece in enumerate(split_text(article.practice_notes, max_chars)):
            yield Passage(id=f"{prefix}:notes:{c_index}", text=piece, kind="notes", heading="Practice notes", **base)
    for q_index, question in enumerate(article.questions):
        yield Passage(id=f"{prefix}:q{q_index}", text=question, kind="question", heading="Questions", **base)


def ingested_language(source: str, passage_id: str) -> str | None:
    """The language of a passage (or of the citation of one) from a text the user ingested: its id starts with
    the source and the language ("official-fr:42:p0:0"); None for our own texts."""
    if source not in INGESTED:
        return None
    return passage_id.split(":", 1)[0].removeprefix(f"{source}-")


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


def answer_passages(lines: Iterable[AnswerLine], articles: Iterable[Article], notes: Iterable[GuidanceNote]):
    """One passage per authored answer line: its question is the hint retrieval reads, its answer the text. It
    carries the paragraph number (and whether it is verified) of the provision it comes from."""
    by_number = {a.number: a for a in articles}
    titles = {g.slug: g.title for g in notes}
    for line in lines:
        text = for_readers(line.text)  # a line that only tells writers how to cite is not an answer
        if not text:
            continue
        common = {"id": f"answer:{line.id}", "text": text, "kind": "answer", "heading": line.para}
        common |= {"hint": line.question, "polarity": line.polarity}
        if line.article is None:
            yield Passage(source="guidance", title=titles[line.guidance], articles=line.articles, **common)
            continue
        article = by_number[line.article]
        para = _paragraph_of(article, line.para)
        yield Passage(
            source="restatement",
            article=article.number,
            title=article.title,
            chapter=article.chapter,
            paragraph=para.number if para else None,
            paragraph_verified=bool(para and para.number and para.verified),
            **common,
        )


def _paragraph_of(article: Article, name: str) -> Paragraph | None:
    """The paragraph a line's `para` names: by heading, or the one holding the bold label."""
    for para in article.paragraphs:
        if para.heading == name or f"**{name}**" in para.text:
            return para
    return None


def build_passages(
    articles: Iterable[Article],
    guidance: Iterable[GuidanceNote],
    max_chars: int,
    answers: Iterable[AnswerLine] = (),
) -> list[Passage]:
    articles, guidance = list(articles), list(guidance)
    out = [p for a in articles for p in article_passages(a, max_chars)]
    out += [p for g in guidance for p in guidance_passages(g, max_chars)]
    out += list(answer_passages(answers, articles, guidance))
    return out


def embedding_text(passage: Passage) -> str:
    """What the model sees: the heading context helps a bare paragraph find its subject; an answer line is
    found by its question and its answer together."""
    body = f"{passage.hint} {passage.text}" if passage.hint else passage.text
    if passage.article is not None:
        return f"Article {passage.article}, {passage.title}: {body}"
    return f"{passage.title}, {passage.heading}: {body}"
