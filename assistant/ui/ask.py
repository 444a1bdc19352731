"""The Ask tab's logic: one chat turn, the citation chips, the cited-passages panel and the copy text.

Nothing here touches Gradio: `assistant.ui.app` maps these values onto components, so the behaviour is tested
without a browser. A session's conversation lives in an `AskState` kept in `gr.State`, one per browser tab.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from assistant.answering import Answerer, Turn, as_turn
from assistant.errors import InvalidInput
from assistant.records import Answer, Citation, provision_label
from assistant.ui.guard import user_message, warning

EXAMPLES = (
    "What must a request for expedited preservation of stored data contain?",
    "Can a State refuse extradition of its own nationals?",
    "What is the 24/7 network for?",
    "Which offences must States Parties establish for illegal access?",
)
EMPTY_MESSAGE = "Type a question first, e.g. “What must a preservation request contain?”"
# A correct "no" is not a failure: the mark says which kind of answer it is.
KIND_MARKS = {"not_covered": "ℹ️ **Not in the convention**", "declined": "ℹ️ **Declined**"}
WORKING = "_Looking this up in the convention…_"
REPHRASE = "Try again, or rephrase the question."
SOURCE_NAMES = {
    "restatement": "our restatement, not the official text",
    "official": "official text (ingested)",
    "guidance": "guidance note",
}
BOLD = re.compile(r"\*\*(.+?)\*\*")

Message = dict[str, str]


@dataclass(frozen=True)
class AskState:
    """One session's conversation. Frozen: every turn makes a new one, so no turn half-updates it."""

    messages: tuple[Message, ...] = ()
    turn: Turn | None = None  # what a follow-up leans on (answer.as_turn)
    citations: tuple[Citation, ...] = ()  # of the latest answer
    abstained: bool = False
    copy_text: str = ""  # the latest answer with its sources, for "copy"


@dataclass(frozen=True)
class AskView:
    """What one step of a turn shows: the new state and a status line under the chat."""

    state: AskState
    status: str
    done: bool = True


def ask_turn(answerer: Answerer, message: object, state: AskState) -> Iterator[AskView]:
    """Answer `message` in the context of `state`: a placeholder first, streamed text, then the final view."""
    text = message if isinstance(message, str) else ""
    if not text.strip():
        yield AskView(state, warning(EMPTY_MESSAGE))
        return
    limit = answerer.max_question_chars
    asked = (*state.messages, {"role": "user", "content": shown_question(text, limit)})
    yield AskView(replace(state, messages=(*asked, _bot(WORKING))), "Working…", done=False)
    final: Answer | None = None
    try:
        for item in answerer.stream(text, state.turn):
            if isinstance(item, Answer):
                final = item
            else:  # partial text while a language model writes
                yield AskView(replace(state, messages=(*asked, _bot(item))), "Writing…", done=False)
    except Exception as exc:  # the page must stay usable: the failure is shown in the conversation itself
        yield _failed(state, asked, user_message(exc, "answering", REPHRASE))
        return
    if final is None:
        yield _failed(state, asked, "No answer was produced; try again.")
        return
    new = AskState(
        messages=(*asked, _bot(chat_text(final))),
        turn=as_turn(final) if not final.abstained else state.turn,
        citations=final.citations,
        abstained=final.abstained,
        copy_text=copy_text(final),
    )
    yield AskView(new, status_line(final))


def _bot(text: str) -> Message:
    return {"role": "assistant", "content": text}


def _failed(state: AskState, asked: tuple[Message, ...], problem: str) -> AskView:
    """Keep the conversation and the follow-up context as they were; show the problem in the chat and below."""
    return AskView(replace(state, messages=(*asked, _bot(warning(problem)))), warning(problem))


def shown_question(text: str, limit: int) -> str:
    """The question as the chat shows it: a pasted 100k-character text would bury the conversation."""
    text = text.strip()
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… _[{len(text):,} characters; only the first {limit:,} are used]_"


def chat_text(answer: Answer) -> str:
    """The answer as the chat shows it; "not in the convention" and "declined" are marked as such."""
    mark = KIND_MARKS.get(answer.kind)
    return f"{mark}\n\n{answer.text}" if mark else answer.text


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
    return (
        f'<article class="{cls}" data-label="{html.escape(chip_label(c))}" id="{html.escape(c.passage_id)}">'
        f'<div class="uncc-passage-head"><span class="uncc-label">{html.escape(c.label)}</span>'
        f'<span class="uncc-kind uncc-kind-{c.source}">{html.escape(SOURCE_NAMES.get(c.source, c.source))}</span></div>'
        f'<div class="uncc-passage-title">{html.escape(where)} · {html.escape(c.title)}</div>'
        f"<p>{body}</p></article>"
    )


def ask_api(answerer: Answerer, question: str) -> tuple[str, list[dict[str, Any]]]:
    """The `/ask` endpoint: one question, no conversation; the answer text and its citations."""
    if not isinstance(question, str) or not question.strip():
        raise InvalidInput(EMPTY_MESSAGE)
    data = answerer.answer(question).as_json()
    return data["answer"], data["citations"]
