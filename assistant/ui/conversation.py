"""The Ask tab's conversation, kept in the browser: its saved form, the script that keeps it, the export and
"Draft this request".

The server keeps no conversation. The browser holds it in its local storage (`HISTORY_KEY`, as JSON in the
form of `SavedHistory`) and sends the server, with each question, only the previous turn (`previous_turn`). Each
answer reaches the browser as a `browser_reply`, which the page's script (`js`) shows and then appends to the
saved conversation; a reload shows it again, and the chat's Clear button removes it. A conversation saved by
another version, or damaged, is discarded with a notice when the page loads. Only "Export" sends the whole
conversation, once, to write it as Markdown and Word (`export_files`).

"Draft this request" is offered for every answer about a request the Draft tab can write, not only the latest:
each saved turn keeps its own offer (`draft_offer`), and once the conversation has more than one answer a list
under the chat chooses the answer to draft from (the latest one with an offer at first). The request types come
from the forms (`request_types`), not from a table here.

Nothing here touches Gradio.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from docx import Document
from docx.document import Document as DocxDocument
from docx.text.paragraph import Paragraph
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant import drafting
from assistant.answering import Turn
from assistant.drafting.export import atomic_write
from assistant.drafting.render import blocks, spans, unescape
from assistant.drafting.word import MARGIN, PAGE_SIZES
from assistant.errors import InvalidInput
from assistant.knowledge import ARTICLE_COUNT, load_map
from assistant.settings import Settings
from assistant.ui.ask import (
    FAILED,
    SOURCE_NAMES,
    AskState,
    AskView,
    chip_label,
    chip_labels,
    cited_articles,
    passages_html,
    plain_markdown,
)
from assistant.ui.reader import ui_text

HISTORY_KEY = "uncc-ask-history"  # the browser's local storage entry
HISTORY_VERSION = 1  # raise it when the saved form changes: older conversations are then discarded with a notice
MAX_SAVED_TURNS = 100  # the browser keeps the latest ones
MAX_QUESTION_CHARS = 10_000
MAX_ANSWER_CHARS = 50_000
MAX_PASSAGE_CHARS = 20_000
MAX_CITATIONS = 60
MAX_FOCUS = 20
MAX_EXPORT_CHARS = 6_000_000  # a browser's local storage holds about 5 million characters per site
EXPORT_STEM = "uncc-conversation"
UNDERSCORE_ITALIC = re.compile(r"(?<![\w*])_(\S(?:[^_\n]*\S)?)_(?![\w*])")


# -- the saved form ----------------------------------------------------------------------------------------


class _Saved(BaseModel):
    # What the browser sends back is checked, not trusted; keys this version does not use are ignored.
    model_config = ConfigDict(frozen=True, extra="ignore")


class SavedCitation(_Saved):
    label: str = Field(max_length=300)
    chip: str = Field(max_length=600)
    article: int | None = Field(default=None, ge=1, le=ARTICLE_COUNT)
    paragraph: str | None = Field(default=None, max_length=40)
    title: str = Field(max_length=600)
    source: str = Field(max_length=40)
    text: str = Field(max_length=MAX_PASSAGE_CHARS)


class SavedContext(_Saved):
    """What a follow-up leans on (`Turn`): the question and the articles its answer was about."""

    question: str = Field(max_length=MAX_QUESTION_CHARS)
    focus_articles: tuple[int, ...] = Field(default=(), max_length=MAX_FOCUS)

    def as_turn(self) -> Turn:
        bad = [a for a in self.focus_articles if not 1 <= a <= ARTICLE_COUNT]
        if bad:
            raise ValueError(f"articles {bad} do not exist")
        return Turn(question=self.question, focus_articles=self.focus_articles)


class SavedTurn(_Saved):
    """One question and its answer as the browser keeps them. Beside these it holds `offer` (its "Draft this
    request" offer, or null), which only the page's script reads."""

    question: str = Field(max_length=MAX_QUESTION_CHARS)  # as answered (the part the answerer read)
    user: str = Field(max_length=8 * MAX_QUESTION_CHARS)  # the chat's copy of it, escaped (`plain_markdown`)
    answer: str = Field(max_length=MAX_ANSWER_CHARS)  # the chat's copy of the answer (our Markdown)
    kind: str = Field(max_length=20)  # answered, not_covered, declined, or failed
    citations: tuple[SavedCitation, ...] = Field(default=(), max_length=MAX_CITATIONS)
    context: SavedContext | None = None  # what the next question sends back


class SavedHistory(_Saved):
    """The conversation in the browser's local storage. Beside the turns it holds `view` (the latest answer's
    chips, passages, copy text and draft offer, shown again after a reload), which only the page's script reads."""

    version: int
    turns: tuple[SavedTurn, ...] = Field(default=(), max_length=MAX_SAVED_TURNS)


def saved_turn(state: AskState, offer: dict[str, Any] | None = None) -> dict[str, Any]:
    """A finished turn as the browser keeps it, with its "Draft this request" offer (None when it has none)."""
    user, answer = state.messages[0]["content"], state.messages[-1]["content"]
    context = None
    if state.turn is not None:
        context = {"question": state.turn.question, "focus_articles": list(state.turn.focus_articles)}
    return {
        "question": state.question,
        "user": user,
        "answer": answer,
        "kind": state.kind,
        "citations": [{**c.as_json(), "chip": chip_label(c)} for c in state.citations],
        "context": context,
        "offer": offer,
    }


def browser_reply(view: AskView, offer: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """What the browser receives at one step of a turn: the turn's two messages to show; at the end, also the
    turn to save and the latest answer's view. None when nothing was asked (an empty question)."""
    s = view.state
    if not s.messages:
        return None
    reply: dict[str, Any] = {"done": view.done, "messages": [dict(m) for m in s.messages]}
    if view.done:
        reply["turn"] = saved_turn(s, offer)
        reply["view"] = {"chips": chip_labels(s), "panel": passages_html(s), "copy": s.copy_text, "offer": offer}
    return reply


def previous_turn(value: object) -> Turn | None:
    """The previous turn as the browser sends it with a question (None for the first question)."""
    if value is None or value == {}:
        return None
    try:
        return SavedContext.model_validate(value).as_turn()
    except (ValidationError, ValueError):
        raise InvalidInput(
            "'previous' must be the previous turn as the page sends it: "
            '{"question": "...", "focus_articles": [42]}, or null for a first question.'
        ) from None


def parse_history(value: object) -> SavedHistory:
    """The conversation the browser sent for export, checked; a clear message when it cannot be read."""
    try:
        size = len(json.dumps(value))
    except (TypeError, ValueError):
        size = MAX_EXPORT_CHARS + 1
    if size > MAX_EXPORT_CHARS:
        raise InvalidInput(ui_text("export_bad", problem="it is larger than a browser keeps"))
    try:
        history = SavedHistory.model_validate(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the top level"
        raise InvalidInput(ui_text("export_bad", problem=f"{where}: {first['msg']}")) from None
    if history.version != HISTORY_VERSION:
        raise InvalidInput(ui_text("export_bad", problem=f"it was saved by another version ({history.version})"))
    return history


# -- "Draft this request" ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestType:
    """A request the Draft tab can write, and the article its form rests on."""

    type: str
    title: str
    article: int


def request_types(settings: Settings) -> dict[int, RequestType]:
    """Which request an answer about each article can be drafted as, read from the forms (knowledge/forms/):
    the article a form rests on (its legal basis), and the articles of the same chapter that only that form's
    elements rest on (so Art. 44 for mutual legal assistance, Art. 49 and 52 for confiscation). An article two
    forms claim at the same level is left out: the answer alone does not say which request is meant."""
    chapters = {number: entry.chapter for number, entry in load_map(settings.knowledge_dir).items()}
    forms = {t: drafting.form(t, settings) for t in drafting.list_types(settings)}

    def owned(claims: list[tuple[int, str]]) -> dict[int, str]:
        owners: dict[int, set[str]] = {}
        for article, request_type in claims:
            owners.setdefault(article, set()).add(request_type)
        return {article: next(iter(types)) for article, types in owners.items() if len(types) == 1}

    primary = owned([(a, t) for t, f in forms.items() for a in f.legal_basis.articles])
    secondary = owned(
        [
            (a, t)
            for t, f in forms.items()
            for spec in f.fields
            for a in spec.basis.articles
            if a not in primary and chapters.get(a) == chapters.get(f.legal_basis.article)
        ]
    )
    found = {**secondary, **primary}
    return {a: RequestType(t, forms[t].title, forms[t].legal_basis.article or a) for a, t in sorted(found.items())}


MAX_CHOICE_QUESTION = 60  # characters of the question that name its answer in the list of answers to draft from


def draft_offer(state: AskState, types: Mapping[int, RequestType]) -> dict[str, Any] | None:
    """The "Draft this request" offer for an answer whose subject (the first article it cites) is a request the
    Draft tab writes: the type, the button's label, the articles the answer cites, and how the list of answers
    to draft from names it ('{number}' left for the page to fill in). None otherwise."""
    if state.kind != "answered" or state.turn is None or not state.turn.focus_articles:
        return None
    chosen = types.get(state.turn.focus_articles[0])
    if chosen is None:
        return None
    question = " ".join(state.question.split())
    if len(question) > MAX_CHOICE_QUESTION:
        question = question[:MAX_CHOICE_QUESTION].rsplit(" ", 1)[0] + "…"
    return {
        "type": chosen.type,
        "label": ui_text("draft_this", title=chosen.title, article=chosen.article),
        "articles": cited_articles(state.citations)[:MAX_FOCUS],
        "choice": ui_text(
            "draft_choice", number="{number}", question=question, title=chosen.title, article=chosen.article
        ),
    }


def draft_request(offer: object, types: Mapping[int, RequestType]) -> tuple[RequestType, str]:
    """The request type an offer (as the browser sends it back) opens in the Draft tab, and the one-line note
    that names the answer's articles there."""
    known = {t.type: t for t in types.values()}
    chosen = known.get(offer.get("type")) if isinstance(offer, dict) else None
    if chosen is None:
        raise InvalidInput(ui_text("draft_none"))
    given = offer.get("articles") if isinstance(offer, dict) else None
    articles = [
        a
        for a in (given if isinstance(given, list) else [])[:MAX_FOCUS]
        if isinstance(a, int) and not isinstance(a, bool) and 1 <= a <= ARTICLE_COUNT
    ] or [chosen.article]
    names = ", ".join(f"Art. {a}" for a in dict.fromkeys(articles))
    return chosen, ui_text("draft_from_answer", articles=names, title=chosen.title)


# -- export ------------------------------------------------------------------------------------------------


def export_files(value: object, folder: Path, today: dt.date) -> list[Path]:
    """The conversation the browser sent as Markdown and Word files in `folder` (a fresh folder the caller
    owns), named after the day, e.g. '2027-03-04_uncc-conversation.md'."""
    history = parse_history(value)
    if not history.turns:
        raise InvalidInput(ui_text("export_empty"))
    stem = f"{today.isoformat()}_{EXPORT_STEM}"
    markdown = conversation_markdown(history, today).encode("utf-8")
    document = conversation_docx(history, today)
    return [
        atomic_write(folder / f"{stem}.md", lambda fh: fh.write(markdown)),
        atomic_write(folder / f"{stem}.docx", lambda fh: _save(document, fh)),
    ]


def _save(document: DocxDocument, fh: BinaryIO) -> None:
    document.save(fh)


def _intro(history: SavedHistory, today: dt.date) -> str:
    return ui_text("export_intro", date=today.isoformat(), count=len(history.turns))


def _answer_source(turn: SavedTurn) -> str:
    """The answer's Markdown as written, without the chat's safety escapes (`ask.answer_markdown`)."""
    return turn.answer.replace("!\\[", "![").replace("&lt;", "<")


def _source_name(c: SavedCitation) -> str:
    return SOURCE_NAMES.get(c.source, c.source)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def conversation_markdown(history: SavedHistory, today: dt.date) -> str:
    """The conversation as Markdown: each question (escaped: it is what the user typed), its answer, and each
    citation's label with the passage it cites."""
    out = [f"# {ui_text('export_title')}", "", _intro(history, today), ""]
    for number, turn in enumerate(history.turns, 1):
        out += [f"## {ui_text('export_question', number=number)}", "", plain_markdown(turn.question) or "—", ""]
        out += [f"### {ui_text('export_answer')}", "", turn.answer, ""]
        if turn.kind == FAILED:
            continue
        out += [f"### {ui_text('export_citations')}", ""]
        if not turn.citations:
            out += [ui_text("export_no_citations"), ""]
        for c in turn.citations:
            head = f"**[{html.escape(c.label, quote=False)}]** {html.escape(c.title, quote=False)}"
            out += [f"{head} ({_source_name(c)})", "", f"> {html.escape(_one_line(c.text), quote=False)}", ""]
    return "\n".join(out).rstrip() + "\n"


def conversation_docx(history: SavedHistory, today: dt.date) -> DocxDocument:
    """The same conversation as a Word document on A4: the question as typed, the answer with its emphasis and
    bullets, and each citation with the passage it cites as a quotation."""
    doc = Document()
    props = doc.core_properties
    # The default template names python-docx as author; a note for a file should carry no stray metadata.
    props.title, props.author, props.last_modified_by, props.comments = ui_text("export_title"), "", "", ""
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_SIZES["A4"]
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = MARGIN
    doc.add_heading(ui_text("export_title"), level=0)
    doc.add_paragraph(_intro(history, today))
    for number, turn in enumerate(history.turns, 1):
        doc.add_heading(ui_text("export_question", number=number), level=1)
        _plain(doc.add_paragraph(), turn.question)
        doc.add_heading(ui_text("export_answer"), level=2)
        _markdown(doc, _answer_source(turn))
        if turn.kind == FAILED:
            continue
        doc.add_heading(ui_text("export_citations"), level=2)
        if not turn.citations:
            doc.add_paragraph(ui_text("export_no_citations"))
        for c in turn.citations:
            head = doc.add_paragraph()
            head.add_run(f"[{c.label}]").bold = True
            head.add_run(f" {c.title} ({_source_name(c)})")
            _runs(doc.add_paragraph(style="Quote"), _one_line(c.text))
    return doc


def _plain(paragraph: Paragraph, text: str) -> None:
    """Text as typed, with its line breaks: never read as Markdown."""
    run = paragraph.add_run()
    for i, line in enumerate(text.strip().split("\n")):
        if i:
            run.add_break()
        run.add_text(line)


def _markdown(doc: DocxDocument, markdown: str) -> None:
    """Our answer Markdown: paragraphs, bullets and quotations, with **bold** and *italic* (or _italic_)."""
    styles = {"bullet": "List Bullet", "quote": "Quote", "para": None}
    for block in blocks(UNDERSCORE_ITALIC.sub(r"*\1*", markdown)):
        if block.kind.startswith("h"):
            doc.add_paragraph(unescape(block.text)).runs[0].bold = True
        else:
            _runs(doc.add_paragraph(style=styles[block.kind]), block.text)


def _runs(paragraph: Paragraph, text: str) -> None:
    for style, part in spans(text):
        lines = part.split("\n")
        run = paragraph.add_run(lines[0])
        for line in lines[1:]:
            run.add_break()
            run.add_text(line)
        run.bold = style in ("bold", "missing") or None
        run.italic = style == "italic" or None


# -- the page's script -------------------------------------------------------------------------------------

# Shared by every script below: reads and checks the saved conversation, saves it, removes it, and turns it into
# chat messages. A saved conversation that is not in this version's form is removed, and `read` says so.
_LIB = """
const UNCC = (() => {
  const KEY = %(key)s, VERSION = %(version)d, MAX_TURNS = %(max_turns)d, ARTICLES = %(articles)d;
  const TEXT = %(text)s, EMPTY_PANEL = %(empty_panel)s;
  const isStr = (v) => typeof v === "string";
  const isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  const isArticle = (v) => Number.isInteger(v) && v >= 1 && v <= ARTICLES;
  const strings = (o, keys) => keys.every((k) => isStr(o[k]));
  const citation = (c) => isObj(c) && strings(c, ["label", "chip", "title", "source", "text"])
    && (c.article === null || c.article === undefined || isArticle(c.article));
  const context = (c) => c === null || (isObj(c) && isStr(c.question)
    && Array.isArray(c.focus_articles) && c.focus_articles.every(isArticle));
  const turn = (t) => isObj(t) && strings(t, ["question", "user", "answer", "kind"])
    && Array.isArray(t.citations) && t.citations.every(citation) && context(t.context)
    && (t.offer === undefined || offer(t.offer));
  const offer = (o) => o === null || (isObj(o) && strings(o, ["type", "label"])
    && (o.choice === undefined || isStr(o.choice)) && Array.isArray(o.articles) && o.articles.every(isArticle));
  const view = (v) => v === null || (isObj(v) && Array.isArray(v.chips) && v.chips.every(isStr)
    && strings(v, ["panel", "copy"]) && offer(v.offer));
  const valid = (h) => isObj(h) && h.version === VERSION && Array.isArray(h.turns)
    && h.turns.length <= MAX_TURNS && h.turns.every(turn) && view(h.view);
  const empty = () => ({ version: VERSION, turns: [], view: null });
  // When the storage refuses a write (full, or turned off), this page holds the conversation until a reload.
  const forget = () => {
    window.unccUnsaved = null;
    try { window.localStorage.removeItem(KEY); } catch (e) { /* storage turned off */ }
  };
  const save = (h) => {
    try { window.localStorage.setItem(KEY, JSON.stringify(h)); window.unccUnsaved = null; return true; }
    catch (e) { window.unccUnsaved = h; return false; }
  };
  const read = () => {
    if (window.unccUnsaved) { return { history: window.unccUnsaved, discarded: false }; }
    let raw = null;
    try { raw = window.localStorage.getItem(KEY); } catch (e) { return { history: empty(), discarded: false }; }
    if (raw === null) { return { history: empty(), discarded: false }; }
    try { const h = JSON.parse(raw); if (valid(h)) { return { history: h, discarded: false }; } } catch (e) { }
    forget();
    return { history: empty(), discarded: true };
  };
  // The server escaped both texts; '<' is escaped again in case the storage was edited by hand: never a tag,
  // but for the one wrapper an answer in another language comes in (ask.chat_text), rebuilt here from its
  // two-letter language and its direction only.
  const WRAPPED = /^&lt;div lang="([a-z]{2})" dir="(rtl|ltr)">([\\s\\S]*)&lt;\\/div>$/;
  const message = (role, text) => {
    let safe = String(text).replace(/</g, "&lt;");
    const wrapped = role === "assistant" ? WRAPPED.exec(safe) : null;
    if (wrapped) { safe = `<div lang="${wrapped[1]}" dir="${wrapped[2]}">${wrapped[3]}</div>`; }
    return { role: role, metadata: null, options: null, content: [{ type: "text", text: safe }] };
  };
  const messages = (h) => h.turns.flatMap((t) => [message("user", t.user), message("assistant", t.answer)]);
  const previous = (h) => (h.turns.length ? h.turns[h.turns.length - 1].context : null);
  const skip = { __type__: "update" };
  const chips = (v) => ({ __type__: "update", value: null, choices: (v ? v.chips : []).map((c) => [c, c]) });
  // "Draft this request": the answers that offer one, by question number; the one chosen (else the latest).
  // A conversation saved before turns kept their own offer has the latest answer's in its view.
  const own = (h, t, i) => (t.offer !== undefined ? t.offer
    : i === h.turns.length - 1 && h.view ? h.view.offer : null);
  const offers = (h) => h.turns.map((t, i) => [i + 1, own(h, t, i)]).filter((pair) => pair[1]);
  const chosen = (h, number) => {
    const found = offers(h);
    return found.find((pair) => pair[0] === Number(number)) || found[found.length - 1] || null;
  };
  // The list of answers to draft from (shown once there is more than one answer) and the button, for `number`.
  const drafts = (h, number) => {
    const pick = chosen(h, number);
    if (!pick) {
      return [{ __type__: "update", choices: [], value: null, visible: false }, { __type__: "update", visible: false }];
    }
    const name = (pair) => (pair[1].choice || pair[1].label).replace("{number}", String(pair[0]));
    const list = { __type__: "update", choices: offers(h).map((pair) => [name(pair), pair[0]]), value: pick[0],
      visible: h.turns.length > 1 };
    return [list, { __type__: "update", value: pick[1].label, visible: true }];
  };
  return { TEXT, EMPTY_PANEL, MAX_TURNS, read, save, forget, message, messages, previous, skip, chips, chosen,
    drafts, empty };
})();
"""

# On load: the saved conversation back in the chat, with the latest answer's chips, passages and copy text, and
# the answers to draft from; a notice when one was restored or discarded.
_RESTORE = """() => {
  const { history, discarded } = UNCC.read();
  if (discarded) {
    return [[], UNCC.chips(null), UNCC.EMPTY_PANEL, "", UNCC.TEXT.discarded, ...UNCC.drafts(UNCC.empty())];
  }
  if (!history.turns.length) { return [UNCC.skip, UNCC.skip, UNCC.skip, UNCC.skip, UNCC.skip, UNCC.skip, UNCC.skip]; }
  const v = history.view;
  const note = UNCC.TEXT.restored.replace("{count}", String(history.turns.length));
  return [UNCC.messages(history), UNCC.chips(v), v ? v.panel : UNCC.EMPTY_PANEL, v ? v.copy : "", note,
    ...UNCC.drafts(history)];
}"""

# Before a question goes to the server: what it sends is the question and the previous turn, nothing more.
_SEND = """(question, _previous) => [question, UNCC.previous(UNCC.read().history)]"""

# Each step of an answer: the saved conversation, then the turn on its way.
_SHOW = """(reply) => {
  const shown = UNCC.messages(UNCC.read().history);
  if (reply && Array.isArray(reply.messages)) {
    reply.messages.forEach((m) => shown.push(UNCC.message(m.role, m.content)));
  }
  return [shown];
}"""

# Once an answer is complete: append it to the saved conversation (the latest MAX_TURNS are kept); the answers to
# draft from now end with it, and the latest one with an offer is chosen.
_KEEP = """(reply) => {
  const history = UNCC.read().history;
  if (!reply || !reply.done || !reply.turn) {
    return [UNCC.skip, UNCC.skip, UNCC.skip, ...UNCC.drafts(history)];
  }
  const last = history.turns[history.turns.length - 1];
  if (last && last.offer === undefined) { last.offer = history.view ? history.view.offer : null; }  // older save
  history.turns = history.turns.concat([reply.turn]).slice(-UNCC.MAX_TURNS);
  history.view = reply.view || null;
  const saved = UNCC.save(history);
  return [UNCC.messages(history), null, saved ? UNCC.skip : UNCC.TEXT.not_saved, ...UNCC.drafts(history)];
}"""

# The chat's Clear button: the saved conversation goes, and everything shown beside it.
_CLEAR = """() => {
  UNCC.forget();
  return [UNCC.chips(null), UNCC.EMPTY_PANEL, "", UNCC.TEXT.cleared, ...UNCC.drafts(UNCC.empty()),
    { __type__: "update", value: null, visible: false }, null];
}"""

# "Export": the one action that sends the whole conversation, to write the files.
_EXPORT = """(_history) => [UNCC.read().history]"""

# "Draft this request": the offer (request type and articles) of the answer chosen in the list, else of the latest
# answer with one. The list's own value stays in the page: the server needs only the offer.
_DRAFT = """(_offer, number) => {
  const pick = UNCC.chosen(UNCC.read().history, number);
  return [pick ? pick[1] : null, null];
}"""

# An answer chosen in the list: the button says which request it drafts.
_CHOSEN = """(number) => [UNCC.drafts(UNCC.read().history, number)[1]]"""

# A chip: highlight its passage card and bring it into view; show "Open Art. N" for a citation of an article.
_CHIP = """(label) => {
  const cards = [...document.querySelectorAll("#passages .uncc-passage")];
  cards.forEach((c) => c.classList.toggle("selected", c.dataset.label === label));
  const card = cards.find((c) => c.dataset.label === label);
  if (card) { card.scrollIntoView({ block: "nearest", behavior: "smooth" }); }
  if (!card || !card.dataset.article) { return { __type__: "update", visible: false }; }
  return { __type__: "update", visible: true, value: %(open)s.replace("{number}", card.dataset.article) };
}"""

# "Open Art. N": the article of the chip chosen, read from its passage card.
_CITED = """(label, _number) => {
  const card = [...document.querySelectorAll("#passages .uncc-passage")].find((c) => c.dataset.label === label);
  return [label, card && card.dataset.article ? Number(card.dataset.article) : null];
}"""


@dataclass(frozen=True)
class Scripts:
    """The page's scripts for the Ask tab, each a function for a listener's `js`."""

    restore: str
    send: str
    show: str
    keep: str
    clear: str
    export: str
    draft: str
    chosen: str
    chip: str
    cited: str


def scripts() -> Scripts:
    """The scripts with this version's storage key, limits and wording filled in."""
    lib = _LIB % {
        "key": json.dumps(HISTORY_KEY),
        "version": HISTORY_VERSION,
        "max_turns": MAX_SAVED_TURNS,
        "articles": ARTICLE_COUNT,
        "text": json.dumps(
            {
                "restored": ui_text("history_restored", count="{count}"),
                "discarded": ui_text("history_discarded"),
                "cleared": ui_text("history_cleared"),
                "not_saved": ui_text("history_not_saved"),
            },
            ensure_ascii=False,
        ),
        "empty_panel": json.dumps(passages_html(AskState())),
    }

    def with_lib(body: str) -> str:
        """A function that has the shared code at hand, called with the listener's values."""
        return f"(...args) => {{ {lib} return ({body})(...args); }}"

    chip = _CHIP % {"open": json.dumps(ui_text("open_in_reader", number="{number}"), ensure_ascii=False)}
    return Scripts(
        restore=with_lib(_RESTORE),
        send=with_lib(_SEND),
        show=with_lib(_SHOW),
        keep=with_lib(_KEEP),
        clear=with_lib(_CLEAR),
        export=with_lib(_EXPORT),
        draft=with_lib(_DRAFT),
        chosen=with_lib(_CHOSEN),
        chip=chip,
        cited=_CITED,
    )
