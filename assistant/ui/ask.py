"""The Ask tab's logic: one chat turn, the citation chips, the cited-passages panel and the copy text.

Nothing here touches Gradio, and nothing here keeps a conversation: `ask_turn` answers one question from what the
browser sends with it (the question and the previous turn, a `Turn` or None) and returns what this turn shows.
The browser keeps the conversation (`assistant.ui.conversation`); `assistant.ui.app` maps these values onto
components, so the behaviour is tested without a browser.

What the user typed is shown as plain text (`plain_markdown`); answers are our own Markdown and keep their
formatting, but never carry an HTML element or an image (`answer_markdown`): a pasted `<img src=...>` would
make the browser fetch it from the internet.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from assistant.answering import Answerer, Turn, as_turn
from assistant.errors import InvalidInput
from assistant.records import Answer, Citation, provision_label
from assistant.ui.deadline import TimeLimit, call_within, stream_within
from assistant.ui.guard import user_message, warning

EXAMPLES = (
    "What must a request for expedited preservation of stored data contain?",
    "Can a State refuse extradition of its own nationals?",
    "What is the 24/7 network for?",
    "Which offences must States Parties establish for illegal access?",
)
EMPTY_MESSAGE = "Type a question first, e.g. “What must a preservation request contain?”"
RIGHT_TO_LEFT = {"ar"}  # of the six languages, the one written right to left
# A correct "no" is not a failure: the mark says which kind of answer it is.
KIND_MARKS = {"not_covered": "ℹ️ **Not in the convention**", "declined": "ℹ️ **Declined**"}
WORKING = "_Looking this up in the convention…_"
REPHRASE = "Try again, or rephrase the question."
SOURCE_NAMES = {
    "restatement": "our restatement, not the official text",
    "official": "official text (ingested)",
    "unvalidated": "unvalidated text (stored although it failed the check; not the official text)",
    "guidance": "guidance note",
}
BOLD = re.compile(r"\*\*(.+?)\*\*")
FAILED = "failed"  # the kind of a turn that produced no answer (the problem is shown in its place)
# Escaped anywhere in a user's text: what starts emphasis, code, links, images, headings, tables, strikethrough,
# LaTeX and e-mail autolinks. '&', '<' and '>' become HTML entities, so no tag and no entity survives either.
MARKUP = re.compile(r"([\\`*_{}\[\]#|~$@])")
# At the start of a line: list items, and the underlines that turn the line above into a heading.
LINE_MARKUP = re.compile(r"^(?:([-+=])|(\d+)([.)]))")
# Web addresses that Markdown would turn into links: "https://..." and "www....".
AUTOLINK = re.compile(r"(?i)(?<=[a-z])://|\bwww\.")

Message = dict[str, str]


@dataclass(frozen=True)
class AskState:
    """One turn as the tab shows it, made afresh for each question: nothing keeps it between requests."""

    messages: tuple[Message, ...] = ()  # this turn's question and its answer (or a placeholder, or the problem)
    turn: Turn | None = None  # what the next question sends back: this answer's turn, or the previous one
    citations: tuple[Citation, ...] = ()  # of this answer
    abstained: bool = False
    copy_text: str = ""  # this answer with its sources, for "copy"
    question: str = ""  # as answered: the first `max_question_chars` characters
    kind: str = ""  # the answer's kind (`Answer.kind`), FAILED when none came, "" while it is on its way


@dataclass(frozen=True)
class AskView:
    """What one step of a turn shows: the new state and a status line under the chat."""

    state: AskState
    status: str
    done: bool = True


def ask_turn(
    answerer: Answerer, message: object, previous: Turn | None = None, deadline: TimeLimit | None = None
) -> Iterator[AskView]:
    """Answer `message`, a follow-up of `previous` (the turn the browser sent with it): a placeholder first,
    streamed text, then the final view; an answer not done within `deadline` is shown as a problem. A pure
    function of its inputs: nothing is kept for the next call."""
    text = message if isinstance(message, str) else ""
    if not text.strip():
        yield AskView(AskState(turn=previous), warning(EMPTY_MESSAGE))
        return
    limit = answerer.max_question_chars
    asked = {"role": "user", "content": shown_question(text, limit)}
    base = AskState(turn=previous, question=text.strip()[:limit])
    yield AskView(_with(base, asked, WORKING), "Working…", done=False)
    final: Answer | None = None
    try:
        for item in stream_within(deadline, lambda: answerer.stream(text, previous)):
            if isinstance(item, Answer):
                final = item
            else:  # partial text while a language model writes
                yield AskView(_with(base, asked, answer_markdown(item)), "Writing…", done=False)
    except Exception as exc:  # the page must stay usable: the failure is shown in the conversation itself
        yield _failed(base, asked, user_message(exc, "answering", REPHRASE))
        return
    if final is None:
        yield _failed(base, asked, "No answer was produced; try again.")
        return
    new = AskState(
        messages=(asked, _bot(chat_text(final))),
        turn=as_turn(final) if not final.abstained else previous,
        citations=final.citations,
        abstained=final.abstained,
        copy_text=copy_text(final),
        question=base.question,
        kind=final.kind,
    )
    yield AskView(new, status_line(final))


def _bot(text: str) -> Message:
    return {"role": "assistant", "content": text}


def _with(base: AskState, asked: Message, reply: str, kind: str = "") -> AskState:
    return AskState(turn=base.turn, question=base.question, messages=(asked, _bot(reply)), kind=kind)


def _failed(base: AskState, asked: Message, problem: str) -> AskView:
    """Keep the follow-up context as it was; show the problem in the chat and below."""
    return AskView(_with(base, asked, warning(problem), FAILED), warning(problem))


def plain_markdown(text: str) -> str:
    """Text a user typed, escaped so that Markdown shows it as typed: no HTML element (`<img src=...>` stays
    text), no link, image, emphasis, heading, list or LaTeX. Line breaks are kept; indentation is not."""
    return "  \n".join(_plain_line(line) for line in text.strip().splitlines())


def _plain_line(line: str) -> str:
    line = MARKUP.sub(r"\\\1", html.escape(line.strip(), quote=False))
    line = AUTOLINK.sub(lambda m: m.group(0).replace(":", "\\:").replace(".", "\\."), line)
    return LINE_MARKUP.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", line)


def answer_markdown(text: str) -> str:
    """An answer as the chat shows it: our Markdown keeps its formatting, but no HTML element and no image (a
    language model could echo a pasted tag); '<' shows as itself."""
    return text.replace("<", "&lt;").replace("![", "!\\[")


def shown_question(text: str, limit: int) -> str:
    """The question as the chat shows it: a pasted 100k-character text would bury the conversation."""
    text = text.strip()
    if len(text) <= limit:
        return plain_markdown(text)
    return f"{plain_markdown(text[:limit])}… _[{len(text):,} characters; only the first {limit:,} are used]_"


def chat_text(answer: Answer) -> str:
    """The answer as the chat shows it; "not in the convention" and "declined" are marked as such."""
    mark = KIND_MARKS.get(answer.kind)
    text = answer_markdown(answer.text)
    text = f"{mark}\n\n{text}" if mark else text
    if answer.language == "en":
        return text
    # The answer's language for screen readers and fonts; Arabic reads right to left.
    direction = "rtl" if answer.language in RIGHT_TO_LEFT else "ltr"
    return f'<div lang="{answer.language}" dir="{direction}">\n\n{text}\n\n</div>'


def status_line(answer: Answer) -> str:
    what = {"not_covered": "not in the convention", "declined": "declined"}.get(
        answer.kind, f"{len(answer.citations)} citation(s)"
    )
    return f"Backend: {answer.backend} · {what} · {answer.latency_ms:.0f} ms"


def copy_text(answer: Answer) -> str:
    """The answer followed by the text of each source it cites, ready to paste into a note or an e-mail."""
    if not answer.citations:
        return answer.text
    lines = [answer.text, "", "Sources (our restatement of the convention unless marked official text):"]
    for c in answer.citations:
        lines.append(f"[{c.label}] {c.title} ({SOURCE_NAMES.get(c.source, c.source)}): {' '.join(c.text.split())}")
    return "\n".join(lines)


def chip_label(c: Citation) -> str:
    """A chip names the provision too: several passages of one article can stand behind one answer."""
    name = provision_label(c.text) or (f"para. {c.paragraph}" if c.paragraph else "")
    return f"{c.label} · {name}" if name else c.label


def chip_labels(state: AskState) -> list[str]:
    return list(dict.fromkeys(chip_label(c) for c in state.citations))


def cited_articles(citations: tuple[Citation, ...]) -> list[int]:
    """The articles an answer cites, in the order it cites them."""
    return list(dict.fromkeys(c.article for c in citations if c.article is not None))


def passages_html(state: AskState, selected: str | None = None) -> str:
    """The cited passages of the latest answer as cards; the one whose chip was clicked is highlighted."""
    if state.abstained:
        return (
            '<div class="uncc-empty">No passage is cited: the convention does not answer this question, or it was '
            "declined. The nearest provisions named in the reply are for orientation only.</div>"
        )
    if not state.citations:
        return '<div class="uncc-empty">The passages behind the latest answer appear here.</div>'
    # A region a keyboard can reach (tabindex) and scroll, named for a screen reader.
    return (
        '<div class="uncc-passages" role="region" aria-label="Cited passages" tabindex="0">'
        + "".join(_card(c, chip_label(c) == selected) for c in state.citations)
        + "</div>"
    )


def _card(c: Citation, selected: bool) -> str:
    where = f"Article {c.article}" if c.article is not None else "Guidance note"
    if c.paragraph:
        where += f", paragraph {c.paragraph}" if c.paragraph_verified else f", {c.paragraph_note}"
    cls = "uncc-passage selected" if selected else "uncc-passage"
    body = BOLD.sub(r"<strong>\1</strong>", html.escape(" ".join(c.text.split())))
    article = f' data-article="{c.article}"' if c.article is not None else ""
    return (
        f'<article class="{cls}" data-label="{html.escape(chip_label(c))}"{article} id="{html.escape(c.passage_id)}">'
        f'<div class="uncc-passage-head"><span class="uncc-label">{html.escape(c.label)}</span>'
        f'<span class="uncc-kind uncc-kind-{c.source}">{html.escape(SOURCE_NAMES.get(c.source, c.source))}</span></div>'
        f'<div class="uncc-passage-title">{html.escape(where)} · {html.escape(c.title)}</div>'
        f"<p>{body}</p></article>"
    )


def ask_api(answerer: Answerer, question: str, deadline: TimeLimit | None = None) -> tuple[str, list[dict[str, Any]]]:
    """The `/ask` endpoint: one question, no conversation; the answer text and its citations (`AnswerTimeout`
    when not done within `deadline`)."""
    if not isinstance(question, str) or not question.strip():
        raise InvalidInput(EMPTY_MESSAGE)
    data = call_within(deadline, answerer.answer, question).as_json()
    return data["answer"], data["citations"]
