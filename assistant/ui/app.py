"""The web app: a Gradio Blocks page with five tabs (Ask, Case, Draft, Review, Convention) and named API endpoints.

Layout and wiring only: every callback calls a function of `ask`, `draft` or `reader` in this
package (the Draft tab's layout is in `draft_tab`), and every callback is wrapped by `guard.guarded`, the one
place that turns an error into what the user reads. Per-user data lives in `gr.State` or in the
browser's own components, so one session never sees another's chat or draft; the Ask tab's conversation lives
in the browser alone (`conversation`), and each question sends only the previous turn with it. `build_app` sets
the queue (how many requests run at once, how many may wait); `launch_options` holds the settings for confidential
work: local address, no share link, no analytics, no run history, no fonts or scripts fetched from the internet.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.utils import get_upload_folder

from assistant.answering import Answerer
from assistant.embeddings import torch_threads
from assistant.errors import InvalidInput
from assistant.official import load_official
from assistant.runtime import Runtime
from assistant.settings import Settings
from assistant.ui.ask import EXAMPLES, AskState, AskView, ask_api, ask_turn, chip_labels, passages_html
from assistant.ui.case_tab import case_tab
from assistant.ui.conversation import (
    RequestType,
    Scripts,
    browser_reply,
    draft_offer,
    draft_request,
    export_files,
    previous_turn,
    request_types,
    scripts,
)
from assistant.ui.deadline import TimeLimit
from assistant.ui.draft import draft_api, form_translations
from assistant.ui.draft_tab import PRIVATE, draft_tab
from assistant.ui.guard import guarded, shown_in, warning
from assistant.ui.i18n import (
    CHOOSE_JS,
    LANGUAGE_HEAD,
    START_JS,
    label,
    language_choices,
    language_code,
    page_language,
    page_text,
    translations,
)
from assistant.ui.reader import (
    about_markdown,
    article_view,
    index_notice,
    ingest_languages,
    ingest_upload,
    may_change_knowledge,
    neighbours,
    parse_article,
    search,
    share_link,
    source_banner,
    table_of_contents,
    ui_text,
)
from assistant.ui.review_tab import review_tab
from assistant.ui.sessions import SessionLimits, lifespan
from assistant.ui.style import A11Y_HEAD, CSS, THEME  # THEME: light and dark, both WCAG AA

COPY_JS = """async (text) => {
  if (!text) { return "Nothing to copy yet: ask a question first."; }
  try { await navigator.clipboard.writeText(text); return "Copied the answer and its sources."; }
  catch (e) { return "The browser refused the clipboard: open “Answer with citations” below and copy it there."; }
}"""
# After a citation has opened its article in the Convention tab: bring the article's heading into view.
SCROLL_TO_ARTICLE_JS = """() => { document.querySelector("#article-view")?.scrollIntoView({ block: "start" }); }"""
EXTRACTIVE = "extractive (quotes passages; no language model)"

# The queue, chosen for a small server (2 cores) that many users share behind one index. Answering is CPU-bound
# and takes about 20-50 ms; the embedding model is shared and called under a lock (assistant.embeddings), on one
# thread per question while serving (`serve`), so more threads than cores only add contention and memory. Under
# `make loadtest` the app's CPU per request, not waiting in this queue, bounded throughput (docs/evaluation.md).
# Two at a time per listener: one answer's lexical and composition steps run while another's model call holds the
# lock, and a slow request (a language model's stream, an ingest) cannot stall every other user of the listener.
CONCURRENCY_LIMIT = 2
# Waiting requests beyond which a newcomer is told the queue is full instead of waiting: 100 answers clear in
# about 2.5 s on two workers. It bounds the memory a burst of requests (or a misbehaving client) can take.
QUEUE_MAX_SIZE = 100
# Every listener that runs the embedding model (chat, /ask, search) shares one concurrency group, so together
# they hold at most CONCURRENCY_LIMIT threads on it; page-only listeners (chips, checklist) never wait behind them.
MODEL_GROUP = "model"


def parse_auth(auth: str) -> tuple[str, str] | None:
    """Settings' 'user:password' as Gradio wants it; empty means no login."""
    if not auth:
        return None
    user, sep, password = auth.partition(":")
    if not sep or not user or not password:
        raise InvalidInput("UNCC_AUTH must be 'user:password' (both parts non-empty), or empty for no login.")
    return user, password


def is_loopback(host: str) -> bool:
    """Whether an app bound to `host` is reachable from this machine only: localhost, 127.0.0.0/8, ::1."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:  # a host name, or empty (every interface): reachable from elsewhere
        return False


def exposure_warning(settings: Settings) -> str | None:
    """A warning when the app is reachable from other machines without a login, else None."""
    if is_loopback(settings.host) or settings.auth:
        return None
    return (
        f"the app listens on {settings.host}, reachable from other machines, without a login: anyone who reaches "
        "the port can read it and use its drafting desk. Set UNCC_AUTH=user:password (see README, Serving to "
        "an office)."
    )


def launch_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for `Blocks.launch` suited to confidential work on one machine."""
    return {
        "server_name": settings.host,
        "server_port": settings.port,
        "share": False,
        "auth": parse_auth(settings.auth),
        "theme": THEME,
        "css": CSS,
        "head": A11Y_HEAD + LANGUAGE_HEAD,  # screen readers' labels (assistant.ui.style); the page's language
        # The page's fixed wording in six languages (assistant.ui.i18n), the Draft tab's fields' labels included.
        "i18n": translations(form_translations(settings)),
        "footer_links": ["api"],
        "run_history": False,  # it would keep questions and case data in the browser's storage
        "enable_monitoring": False,
        "show_error": False,  # our callbacks show their own messages; never a traceback
        "ssr_mode": False,
        "pwa": False,
        "mcp_server": False,
        "max_file_size": "50mb",  # the convention as a PDF is a few MB; refuse anything far larger
        # What the server keeps per session, bounded (assistant.ui.sessions): Gradio's default is 10,000 sessions.
        "state_session_capacity": settings.web.max_sessions,
        "app_kwargs": {"lifespan": lifespan(SessionLimits.of(settings.web))},
    }


def serve(page: gr.Blocks, settings: Settings) -> None:
    """Launch `page` with `launch_options` until the server stops. The model runs on `web.model_threads` threads
    meanwhile: the queue already answers questions side by side, and a second thread per question mostly spun
    waiting for the first (a start that built the index used every core for it)."""
    with torch_threads(settings.web.model_threads):
        page.launch(**launch_options(settings))


def build_app(rt: Runtime, answerer: Answerer | None = None) -> gr.Blocks:
    """The whole page for this runtime; `answerer` defaults to the runtime's own."""
    # Gradio reads this at call time, for Blocks it creates itself too; app.py sets it before importing gradio.
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    answerer = answerer or rt.answerer
    backend = f"language model {answerer.llm.name}" if answerer.llm else EXTRACTIVE
    with gr.Blocks(title="UNCC assistant", analytics_enabled=False, delete_cache=(3600, 3600)) as demo:
        with gr.Row(equal_height=True):
            gr.Markdown("# " + label("page_title"))
            language = gr.Dropdown(
                language_choices(),
                value="en",
                label=label("language_label"),
                info=label("language_info"),
                scale=0,
                min_width=240,
                elem_id="language",
            )
        manifest = rt.index.manifest
        banner = gr.Markdown(
            source_banner(manifest.official_languages, manifest.official_sources),
            elem_id="banner",
            elem_classes="uncc-banner",
        )
        _index_notice(demo, rt)
        offers = request_types(rt.settings)
        with gr.Tabs() as tabs:
            with gr.Tab(label("name_ask"), id="ask") as tab_ask:
                _tab_heading("ask")
                ask = _ask_tab(demo, answerer, offers, rt.settings.web.answer_timeout)
            with gr.Tab(label("name_case"), id="case") as tab_case:
                _tab_heading("case")
                case_tab(rt.settings)
            with gr.Tab(label("name_draft"), id="draft") as tab_draft:
                _tab_heading("draft")
                from_answer = gr.Markdown(elem_id="draft-from-answer")  # "Draft this request" says why it opened
                picker, show_chosen = draft_tab(rt.settings, language)
            with gr.Tab(label("name_review"), id="review") as tab_review:
                _tab_heading("review")
                review_tab(rt.settings, MODEL_GROUP)
            with gr.Tab(label("name_convention"), id="convention") as tab_convention:
                _tab_heading("convention")
                _convention_tab(demo, tabs, rt, ask, language)
        _draft_from_answer(tabs, ask, picker, show_chosen, from_answer, offers)
        tab_items = [tab_ask, tab_case, tab_draft, tab_review, tab_convention]
        _page_language(demo, language, tab_items, banner, rt)
        with gr.Accordion(label("about"), open=False, elem_id="about"):
            gr.Markdown(about_markdown(rt, backend))
            gr.Markdown(label("unofficial_ui"), elem_id="unofficial")
        _api_endpoints(rt.settings, answerer)
    # The one place the queue is set: callers launch the returned page as it is (another `.queue()` resets it).
    return demo.queue(default_concurrency_limit=CONCURRENCY_LIMIT, max_size=QUEUE_MAX_SIZE)


def _index_notice(demo: gr.Blocks, rt: Runtime) -> None:
    """Empty until a build replaces the index this app reads: each page load then says a restart serves it."""
    notice = gr.Markdown(elem_id="index-notice")

    @guarded(warning)
    def show_index_notice() -> str:
        return index_notice(rt.settings, rt.index)

    demo.load(show_index_notice, outputs=notice, api_visibility=PRIVATE)


def _page_language(
    demo: gr.Blocks, language: gr.Dropdown, tab_items: list[gr.Tab], banner: gr.Markdown, rt: Runtime
) -> None:
    """The page's language: on load the browser applies it (the user's choice, else its own) and the selector
    shows it; when the user picks another, the browser keeps and applies it. Gradio relabels a tab's button only
    when the tab itself is updated, so the server names the tabs in the language each time, and words the banner
    (filled in with the ingested texts) in it."""
    names = [f"name_{item.id}" for item in tab_items]
    manifest = rt.index.manifest

    @guarded()
    def on_language(code: str) -> tuple[Any, ...]:
        lang = language_code(code)
        shown = source_banner(manifest.official_languages, manifest.official_sources, lang)
        return lang, *(gr.Tab(label=page_text(lang, name)) for name in names), shown

    outputs = [language, *tab_items, banner]
    demo.load(on_language, inputs=[language], outputs=outputs, js=START_JS, api_visibility=PRIVATE)
    language.input(on_language, inputs=[language], outputs=outputs, api_visibility=PRIVATE)


def _tab_heading(tab: str) -> None:
    """The tab's heading (level 2), for screen readers: on screen the tab's own button says it. A tab's sections
    are level 3 under it, so no level is skipped below the page's title (axe's heading-order rule)."""
    gr.Markdown("## " + label(f"tab_{tab}"), elem_id=f"{tab}-heading", elem_classes="uncc-sr-only")


# -- Ask ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _AskParts:
    """What other tabs use of the Ask tab: the chips and "Open Art. N" (the reader), "Draft this request" (the
    Draft tab), the status line, and the carrier of what the page's scripts send."""

    sent: gr.JSON  # never shown: each listener's script puts in it what the server may read of the conversation
    chips: gr.Radio
    to_reader: gr.Button
    draft_from: gr.Dropdown  # the answer "Draft this request" drafts from, once there is more than one
    draft_this: gr.Button
    status: gr.Markdown
    scripts: Scripts


def _ask_tab(demo: gr.Blocks, answerer: Answerer, offers: dict[int, RequestType], timeout: float) -> _AskParts:
    """The Ask tab. The conversation is kept by the browser (assistant.ui.conversation): the server answers one
    question at a time, from the question and the previous turn, and keeps nothing."""
    js = scripts()
    sent = gr.JSON(visible=False, elem_id="ask-sent")
    reply = gr.JSON(visible="hidden", elem_id="ask-reply")  # each step of the answer on its way, for the script
    with gr.Row():
        with gr.Column(scale=3):
            gr.Markdown(_backend_line(answerer), elem_id="backend")
            # No LaTeX: a "$$" in a question must show as typed (questions are escaped, see ask.plain_markdown).
            chatbot = gr.Chatbot(
                label=label("ask_conversation"), height=460, buttons=["copy"], latex_delimiters=[], elem_id="chat"
            )
            # Choices and value are set by the page's script from the conversation it keeps: the server never
            # holds the list, so it takes any value (the script sends the server the chosen answer's offer only).
            draft_from = gr.Dropdown(
                choices=[],
                label=label("draft_from"),
                info=label("draft_from_info"),
                visible=False,
                allow_custom_value=True,
                elem_id="draft-from",
            )
            draft_this = gr.Button(visible=False, size="sm", elem_id="draft-this")
            with gr.Row():
                msg = gr.Textbox(
                    label=label("question_label"),  # read by screen readers; the placeholder shows it on screen
                    placeholder=label("ask_placeholder"),
                    show_label=False,
                    scale=5,
                    elem_id="question",
                    autofocus=True,
                )
                send = gr.Button(label("ask_send"), variant="primary", scale=1, elem_id="send")
            status = gr.Markdown(elem_id="ask-status")
            gr.Examples([[q] for q in EXAMPLES], inputs=[msg], label=label("ask_examples"))
        with gr.Column(scale=2):
            chips = gr.Radio(
                label=label("ask_citations"),
                choices=[],
                elem_id="chips",
                elem_classes="uncc-chips",
            )
            to_reader = gr.Button(visible=False, size="sm", elem_id="open-in-reader")
            panel = gr.HTML(passages_html(AskState()), elem_id="passages")
            with gr.Row():
                copy = gr.Button(label("ask_copy"), size="sm", elem_id="copy")
                export = gr.Button(label("export_button"), size="sm", elem_id="export")
            files = gr.File(
                label=label("export_files"),
                file_count="multiple",
                interactive=False,
                visible=False,
                elem_id="export-files",
            )
            with gr.Accordion(label("ask_plain"), open=False):
                copy_box = gr.Textbox(
                    label=label("ask_plain"),  # on screen the fold says it; read out from here
                    show_label=False,
                    lines=6,
                    interactive=False,
                    buttons=["copy"],
                    elem_id="copy-text",
                )

    shown = [reply, chips, panel, status, copy_box, msg, draft_this, files]  # the order of _ask_outputs
    # A failure of the answer itself is shown in the chat by ask_turn; anything around it on the status line.
    status_only = shown_in(shown, status)

    @guarded(lambda problem: (None, *status_only(problem)[1:]))
    def on_ask(message: str, previous: dict | None, request: gr.Request | None = None) -> Iterator[tuple[Any, ...]]:
        """Answer one question of a conversation: `previous` is the turn before it, as the page sends it
        ({"question": ..., "focus_articles": [...]}, or null). Each step returns the turn on its way; the
        conversation itself is kept by the caller."""
        before = previous_turn(previous)
        limit = time_limit(timeout, page_language(request))
        for step, view in enumerate(ask_turn(answerer, message, before, limit)):
            yield _ask_outputs(view, offers, first=step == 0)

    @guarded(lambda problem: (gr.File(value=None, visible=False), warning(problem)))
    def on_export(history: object) -> tuple[Any, str]:
        """The conversation kept by the page as Markdown and Word files to download."""
        folder = Path(tempfile.mkdtemp(prefix="uncc-conversation-", dir=_download_folder()))
        paths = export_files(history, folder, dt.date.today())
        return gr.File(value=[str(p) for p in paths], visible=True), ui_text("export_ready")

    # trigger_mode="once": a second Enter while an answer is on its way is ignored, not queued. The script sends
    # the question with the previous turn only; the answer's steps reach `reply`, which the page shows (`show`)
    # and, once complete, appends to the conversation it keeps (`keep`).
    asked = gr.on(
        [msg.submit, send.click],
        on_ask,
        inputs=[msg, sent],
        outputs=shown,
        js=js.send,
        api_name="chat",
        trigger_mode="once",
        show_progress="hidden",
        concurrency_id=MODEL_GROUP,
    )
    asked.then(
        None,
        inputs=[reply],
        outputs=[chatbot, reply, status, draft_from, draft_this],
        js=js.keep,
        api_visibility=PRIVATE,
    )
    reply.change(None, inputs=[reply], outputs=[chatbot], js=js.show, api_visibility=PRIVATE)
    demo.load(
        None,
        outputs=[chatbot, chips, panel, copy_box, status, draft_from, draft_this],
        js=js.restore,
        api_visibility=PRIVATE,
    )
    # The chat's own Clear button empties the display; the conversation kept in the browser goes too.
    chatbot.clear(
        None,
        outputs=[chips, panel, copy_box, status, draft_from, draft_this, files, reply],
        js=js.clear,
        api_visibility=PRIVATE,
    )
    draft_from.input(None, inputs=[draft_from], outputs=[draft_this], js=js.chosen, api_visibility=PRIVATE)
    # .change, not .input: a new answer resets the chips, and "Open Art. N" must go with them.
    chips.change(None, inputs=[chips], outputs=[to_reader], js=js.chip, api_visibility=PRIVATE)
    copy.click(None, inputs=[copy_box], outputs=[status], js=COPY_JS, api_visibility=PRIVATE)
    export.click(on_export, inputs=[sent], outputs=[files, status], js=js.export, api_visibility=PRIVATE)
    return _AskParts(sent, chips, to_reader, draft_from, draft_this, status, js)


def _backend_line(answerer: Answerer) -> str:
    """What answers: extractive, or the language model by its name; in the page's language (translation keys)."""
    if answerer.llm is None:
        return label("backend_extractive")
    return label("backend_llm") + f" **{answerer.llm.name}**"


def _ask_outputs(view: AskView, offers: dict[int, RequestType], first: bool) -> tuple[Any, ...]:
    """Values for [reply, chips, panel, status, copy text, message box, "Draft this request", export files]."""
    s = view.state
    if not s.messages:  # nothing was asked: the status line says why, and nothing else changes
        return None, gr.skip(), gr.skip(), view.status, gr.skip(), gr.skip(), gr.skip(), gr.skip()
    # The box is emptied once, when the question is taken: later steps must not erase what the user types next.
    # Files exported earlier no longer hold the whole conversation: they go too.
    box = "" if first else gr.skip()
    files = gr.File(value=None, visible=False) if first else gr.skip()
    if not view.done:
        return browser_reply(view), gr.skip(), gr.skip(), view.status, gr.skip(), box, gr.skip(), files
    # "Draft this request" is set by the page's script once the answer is kept: it offers every answer's request.
    return (
        browser_reply(view, draft_offer(s, offers)),
        gr.Radio(choices=chip_labels(s), value=None),
        passages_html(s),
        view.status,
        s.copy_text,
        box,
        gr.skip(),
        files,
    )


def time_limit(seconds: float, lang: str) -> TimeLimit:
    """The time an answer may take, with what the user reads past it in the language `lang`."""
    return TimeLimit(seconds, page_text(lang, "answer_timeout", seconds=f"{seconds:g}"))


def _download_folder() -> Path:
    # Inside Gradio's own cache: served without a second copy, and removed by the app's `delete_cache` timer.
    folder = Path(get_upload_folder())
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _draft_from_answer(
    tabs: gr.Tabs,
    ask: _AskParts,
    picker: gr.Dropdown,
    show_chosen: Callable[[Any], None],
    note: gr.Markdown,
    offers: dict[int, RequestType],
) -> None:
    """The Ask tab's "Draft this request" for an answer (the one chosen in the list, else the latest with an
    offer): the Draft tab, on the request type of the answer's subject, with a line naming the articles the answer
    cites."""

    # No on_error: a problem is raised as gr.Error, so that the Draft tab's form is not redrawn for nothing.
    @guarded()
    def on_draft_this(offer: object, _chosen: object = None) -> tuple[Any, ...]:
        """`offer` is the chosen answer's, as the page keeps it; the list's value itself stays in the page."""
        chosen, line = draft_request(offer, offers)
        return gr.Tabs(selected="draft"), gr.update(value=chosen.type), line

    chosen = ask.draft_this.click(
        on_draft_this,
        inputs=[ask.sent, ask.draft_from],
        outputs=[tabs, picker, note],
        js=ask.scripts.draft,
        api_visibility=PRIVATE,
    )
    show_chosen(chosen)
    # Another type chosen by hand: the line no longer describes the form.
    picker.input(None, outputs=[note], js="() => ''", api_visibility=PRIVATE)


# -- Convention --------------------------------------------------------------------------------------------


def _convention_tab(demo: gr.Blocks, tabs: gr.Tabs, rt: Runtime, ask: _AskParts, language: gr.Dropdown) -> None:
    """The reader: chapters I-IX on the left (one fold each), the article on the right with previous/next, a
    link to share, its related articles and guidance notes one click away; search; `?article=42` links. Titles,
    chapters and summaries are shown in the page's language, and again whenever the user picks another."""
    kb = rt.knowledge
    official = {a.number: a for a in load_official(rt.settings)}
    chapters = table_of_contents(kb)
    english = rt.answerer.wording("en")  # the page as built; the browser's language is applied on load
    first = article_view(kb, official, kb.articles[0].number)
    shown = gr.State(first.number)  # the article on screen, for previous/next
    with gr.Row():
        with gr.Column(scale=1, elem_id="toc"):
            folds, lists = [], []
            for ch in chapters:
                here = ch.numeral == first.chapter
                with gr.Accordion(ch.label(english), open=here, elem_id=f"toc-{ch.numeral}") as fold:
                    listed = gr.Radio(
                        ch.choices(english),
                        value=first.number if here else None,
                        label=ui_text("toc_articles", chapter=ch.numeral),
                        show_label=False,
                        elem_id=f"toc-{ch.numeral}-articles",
                        elem_classes="uncc-toc",
                    )
                folds.append(fold)
                lists.append(listed)
            query = gr.Textbox(label=label("search_label"), placeholder=label("search_placeholder"), elem_id="search")
            find = gr.Button(label("search_button"), size="sm")
            results = gr.Markdown(elem_id="search-results")
            hits = gr.Radio(label=label("search_open"), choices=[], visible=False, elem_id="hits")
        with gr.Column(scale=3):
            conv_status = gr.Markdown(elem_id="convention-status")
            with gr.Column(elem_id="article-view"):
                head = gr.Markdown(first.heading, elem_id="article-head")
                with gr.Row(elem_classes="uncc-nav"):
                    previous = gr.Button(**_step_button("previous", first.previous), size="md", elem_id="previous")
                    following = gr.Button(**_step_button("next", first.next), size="md", elem_id="next")
                    link = gr.Textbox(
                        share_link(None, first.number),
                        label=label("link_label"),
                        interactive=False,
                        buttons=["copy"],
                        scale=2,
                        elem_id="article-link",
                    )
                related = gr.Radio(
                    first.related,
                    label=label("related_articles"),
                    elem_id="related",
                    elem_classes="uncc-chips",
                    visible=bool(first.related),
                )
                with gr.Accordion(
                    ui_text("guidance_notes", count=first.guidance_count),
                    open=False,
                    visible=bool(first.guidance_count),
                    elem_id="article-guidance",
                ) as notes_fold:
                    notes = gr.Markdown(first.guidance, elem_id="article-notes")
                text = gr.Markdown(first.markdown, elem_id="article-text")
            _official_upload(rt.settings)
    opened = [shown, *folds, *lists, head, previous, following, link, related, notes_fold, notes, text, conv_status]

    status_only = shown_in(opened, conv_status)
    unchanged = tuple(gr.skip() for _ in opened)  # previous/next at either end (their buttons are greyed out)

    def show(number: int, request: gr.Request | None, note: str = "", code: str | None = None) -> tuple[Any, ...]:
        """Every output of `opened` for article `number` in the page's language (`code`, else the request's): its
        chapter's fold open, the others closed, the chapters' titles in that language."""
        lang = code or page_language(request)
        words = rt.answerer.wording(lang)
        v = article_view(kb, official, number, words)
        page = request.headers.get("referer") if request else None
        return (
            v.number,
            *(gr.update(open=ch.numeral == v.chapter, label=ch.label(words)) for ch in chapters),
            *(
                gr.update(
                    value=v.number if ch.numeral == v.chapter else None,
                    choices=ch.choices(words),
                    label=page_text(lang, "toc_articles", chapter=ch.numeral),
                )
                for ch in chapters
            ),
            v.heading,
            gr.update(**_step_button("previous", v.previous, lang)),
            gr.update(**_step_button("next", v.next, lang)),
            share_link(page, v.number),
            gr.update(choices=v.related, value=None, visible=bool(v.related)),
            gr.update(
                label=page_text(lang, "guidance_notes", count=v.guidance_count), open=False, visible=bool(v.guidance)
            ),
            v.guidance,
            v.markdown,
            note,
        )

    @guarded(status_only)
    def open_article(number: int, request: gr.Request | None = None) -> tuple[Any, ...]:
        return show(int(number), request)

    @guarded(status_only)
    def on_previous(number: int, request: gr.Request | None = None) -> tuple[Any, ...]:
        target, _ = neighbours(kb, int(number))
        return unchanged if target is None else show(target, request)

    @guarded(status_only)
    def on_next(number: int, request: gr.Request | None = None) -> tuple[Any, ...]:
        _, target = neighbours(kb, int(number))
        return unchanged if target is None else show(target, request)

    @guarded(lambda problem: (warning(problem), gr.Radio(choices=[], visible=False)))
    def on_search(text: str, request: gr.Request | None = None) -> tuple[str, Any]:
        markdown, found = search(rt.retriever, text, page_language(request))
        return markdown, gr.Radio(choices=found, value=None, visible=bool(found))

    @guarded(lambda problem: (gr.skip(), *status_only(problem)))
    def on_cited(label: str | None, number: object, request: gr.Request | None = None) -> tuple[Any, ...]:
        """The Ask tab's "Open Art. N" under the chips: this tab, on the article of the chip `label` (its passage
        card names it: `number`)."""
        if not label or not isinstance(number, int) or isinstance(number, bool):
            raise InvalidInput("Click a citation chip first: its article opens here.")
        return gr.Tabs(selected="convention"), *show(number, request)

    # A bad link still opens this tab, on the first article, saying which articles exist.
    @guarded(lambda problem: (gr.Tabs(selected="convention"), *status_only(problem)))
    def on_load(request: gr.Request) -> tuple[Any, ...]:
        """`?article=42` opens that article in this tab; without it the reader is set up on its first article."""
        wanted = request.query_params.get("article") if request else None
        if wanted is None:
            return gr.skip(), *show(first.number, request)
        try:
            number = parse_article(wanted)
        except InvalidInput as exc:
            note = warning(page_text(page_language(request), "bad_link", problem=str(exc), number=first.number))
            return gr.Tabs(selected="convention"), *show(first.number, request, note)
        return gr.Tabs(selected="convention"), *show(number, request)

    for chooser in (*lists, related, hits):
        chooser.input(open_article, inputs=chooser, outputs=opened, api_visibility=PRIVATE)
    previous.click(on_previous, inputs=shown, outputs=opened, api_visibility=PRIVATE)
    following.click(on_next, inputs=shown, outputs=opened, api_visibility=PRIVATE)
    gr.on(
        [query.submit, find.click],
        on_search,
        inputs=query,
        outputs=[results, hits],
        api_visibility=PRIVATE,
        concurrency_id=MODEL_GROUP,
    )
    ask.to_reader.click(
        on_cited, inputs=[ask.chips, ask.sent], outputs=[tabs, *opened], js=ask.scripts.cited, api_visibility=PRIVATE
    ).then(None, js=SCROLL_TO_ARTICLE_JS, api_visibility=PRIVATE)
    demo.load(on_load, outputs=[tabs, *opened], api_visibility=PRIVATE)

    @guarded(status_only)
    def on_language(code: str, number: int, request: gr.Request | None = None) -> tuple[Any, ...]:
        """The user picked the page's language: the reader again, in it (the browser relabels the rest)."""
        return show(int(number), request, code=code)

    language.input(on_language, inputs=[language, shown], outputs=opened, js=CHOOSE_JS, api_visibility=PRIVATE)


def _step_button(direction: str, target: int | None, lang: str = "en") -> dict[str, Any]:
    """Previous/next: named after the article it opens; greyed out at the first and the last article."""
    if target is None:
        return {"value": page_text(lang, f"no_{direction}"), "interactive": False}
    return {"value": page_text(lang, direction, number=target), "interactive": True}


def _official_upload(settings: Settings) -> None:
    """Load the user's copy of the official text (the same path as `uncc ingest`), where the app may."""
    with gr.Accordion(label("official_heading"), open=False, elem_id="official"):
        if not may_change_knowledge(settings):
            gr.Markdown(label("official_off"))
            return
        gr.Markdown(label("official_intro"))
        upload = gr.File(
            label=label("official_file"), file_types=[".pdf", ".docx", ".html", ".htm", ".txt"], type="filepath"
        )
        with gr.Row():
            lang = gr.Dropdown(ingest_languages(), value="en", label=label("official_language"))
            replace = gr.Checkbox(label=label("official_replace"))
        run = gr.Button(label("official_run"))
        report = gr.Textbox(label=label("official_report"), lines=8, interactive=False)

    @guarded(warning)
    def on_ingest(path: str | None, code: str, again: bool) -> str:
        return ingest_upload(settings, path, code, again)

    run.click(on_ingest, inputs=[upload, lang, replace], outputs=report, api_visibility=PRIVATE)


# -- API ---------------------------------------------------------------------------------------------------


def _api_endpoints(settings: Settings, answerer: Answerer) -> None:
    """`/ask` and `/draft` for `gradio_client`; errors reach the client as a message (`gr.Error`), never a traceback."""

    @guarded()
    def ask(question: str) -> tuple[str, list[dict]]:
        """Answer one question (no conversation): the answer text and its citations."""
        return ask_api(answerer, question, time_limit(settings.web.answer_timeout, "en"))

    @guarded()
    def draft(request_type: str, case: str) -> tuple[str, dict]:
        """Draft a request from a case given as YAML or JSON text: the Markdown and the completeness report."""
        return draft_api(settings, request_type, case)

    gr.api(ask, api_name="ask", concurrency_id=MODEL_GROUP)
    gr.api(draft, api_name="draft")
