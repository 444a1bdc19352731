"""Unit tests of the app's callback logic (assistant.ui: ask, conversation, draft, reader) and its launch settings."""

from __future__ import annotations

import datetime as dt
import inspect
import json
import logging
import zipfile
from collections.abc import Iterator
from pathlib import Path

import gradio as gr
import pytest

from assistant.answering import Answerer
from assistant.errors import AssistantError, DraftError, InvalidInput, LLMError
from assistant.official import OfficialSource
from assistant.prompts import PROMPTS
from assistant.records import Citation
from assistant.settings import Settings
from assistant.ui import build_app, launch_options, parse_auth
from assistant.ui.app import CONCURRENCY_LIMIT, MODEL_GROUP, QUEUE_MAX_SIZE
from assistant.ui.ask import (
    KIND_MARKS,
    WORKING,
    AskState,
    answer_markdown,
    ask_api,
    ask_turn,
    chip_labels,
    passages_html,
    plain_markdown,
)
from assistant.ui.conversation import (
    HISTORY_VERSION,
    MAX_FOCUS,
    MAX_QUESTION_CHARS,
    MAX_SAVED_TURNS,
    browser_reply,
    draft_offer,
    draft_request,
    export_files,
    previous_turn,
    request_types,
)
from assistant.ui.draft import (
    case_from_values,
    draft_api,
    draft_view,
    example_values,
    files_status,
    needs_confirmation,
    prepare_files,
    values_from_case,
    widget,
    widgets,
    write_files,
)
from assistant.ui.guard import guarded, is_guarded, shown_in
from assistant.ui.i18n import page_text
from assistant.ui.reader import (
    UI_TEXT,
    about_markdown,
    article_view,
    chip_article,
    ingest_upload,
    neighbours,
    parse_article,
    search,
    share_link,
    source_banner,
    table_of_contents,
    ui_text,
    ui_texts,
)

PRESERVATION_Q = "What must a request for expedited preservation of stored data contain?"
RESTATEMENT_NOTE = page_text("en", "restatement_note")
FILES_READY = page_text("en", "draft_files_ready")


class ScriptedLLM:
    """A chat backend that streams the given chunks, or fails like an unreachable server."""

    def __init__(self, chunks: list[str], fail: bool = False):
        self.name = "fake:scripted"
        self.chunks = chunks
        self.fail = fail

    def stream(self, messages) -> Iterator[str]:
        yield from self.chunks
        if self.fail:
            raise LLMError("The fake backend at nowhere failed: ConnectError.")

    def invoke(self, messages) -> str:
        return "".join(self.stream(messages))


SECRET = "boom\nTraceback (most recent call last): secret internals"


class BrokenAnswerer:
    """Stands in for an Answerer whose internals crash: the page must show a message, not a traceback."""

    max_question_chars = 2000
    llm = None

    def stream(self, question, previous=None):
        raise RuntimeError(SECRET)
        yield  # pragma: no cover  (makes this a generator)

    def answer(self, question, previous=None):
        raise RuntimeError(SECRET)


@pytest.fixture(scope="module")
def answerer(full_runtime) -> Answerer:
    return Answerer(full_runtime.retriever, full_runtime.settings.answer, None)


@pytest.fixture
def full_settings(full_home: Path) -> Settings:
    return Settings(home=full_home)


def final(views) -> object:
    *_, last = list(views)
    return last


# -- Ask ---------------------------------------------------------------------------------------------------


def test_ask_turn_shows_placeholder_then_cited_answer(answerer):
    views = list(ask_turn(answerer, PRESERVATION_Q))
    assert views[0].state.messages[-1]["content"] == WORKING and not views[0].done
    last = views[-1]
    assert last.done and "Backend: extractive" in last.status
    assert [m["role"] for m in last.state.messages] == ["user", "assistant"]  # this turn only
    assert any(label.startswith("Art. 42") for label in chip_labels(last.state))
    assert last.state.turn is not None and 42 in last.state.turn.focus_articles
    assert last.state.kind == "answered" and last.state.question == PRESERVATION_Q
    assert "Sources (our restatement" in last.state.copy_text and "[Art. 42]" in last.state.copy_text


def test_follow_up_uses_the_previous_turn_it_is_sent(answerer):
    first = final(ask_turn(answerer, PRESERVATION_Q))
    second = final(ask_turn(answerer, "How long does it last?", first.state.turn))
    assert len(second.state.messages) == 2
    assert "60 days" in second.state.messages[-1]["content"]
    assert any(label.startswith("Art. 42") for label in chip_labels(second.state))


def test_empty_message_changes_nothing_and_says_why(answerer):
    turn = final(ask_turn(answerer, PRESERVATION_Q)).state.turn
    views = list(ask_turn(answerer, "   ", turn))
    assert len(views) == 1 and views[0].state.messages == () and views[0].state.turn == turn
    assert "Type a question first" in views[0].status
    assert browser_reply(views[0]) is None  # nothing for the browser to show or keep


def test_very_long_message_is_cut_for_display_and_noted(answerer):
    text = PRESERVATION_Q + " x" * 50_000
    last = final(ask_turn(answerer, text))
    shown = last.state.messages[0]["content"]
    limit = answerer.max_question_chars
    assert len(shown) < limit + 200 and "only the first" in shown
    assert f"first {limit} characters" in last.state.messages[-1]["content"]
    assert len(last.state.question) == limit  # what the browser keeps, and a follow-up sends back


def test_not_covered_is_labelled_as_such_and_keeps_the_context(answerer):
    first = final(ask_turn(answerer, PRESERVATION_Q))
    last = final(ask_turn(answerer, "What is the penalty for hacking in France?", first.state.turn))
    content = last.state.messages[-1]["content"]
    assert content.startswith(KIND_MARKS["not_covered"]) and "Abstained" not in content
    assert last.state.abstained and not last.state.citations
    assert "does not answer" in passages_html(last.state) and "not in the convention" in last.status
    assert last.state.turn == first.state.turn  # a follow-up can still lean on the last real answer


def test_streaming_backend_yields_partial_text_then_the_verified_answer(full_runtime):
    llm = ScriptedLLM(["Preservation requests are governed by article 42. <img src=x> ", "[Art. 42]"])
    streaming = Answerer(full_runtime.retriever, full_runtime.settings.answer, llm)
    views = list(ask_turn(streaming, PRESERVATION_Q))
    partial = [v for v in views if not v.done and v.status == "Writing…"]
    assert partial, "expected partial text while the model writes"
    assert all("<img" not in v.state.messages[-1]["content"] for v in views)  # a model's tag stays text too
    assert views[-1].status.startswith("Backend: fake:scripted")


def test_backend_error_falls_back_with_a_note(full_runtime):
    failing = Answerer(full_runtime.retriever, full_runtime.settings.answer, ScriptedLLM([], fail=True))
    last = final(ask_turn(failing, PRESERVATION_Q))
    reply = last.state.messages[-1]["content"]
    assert "fake backend at nowhere failed" in reply and "extractive answer instead" in reply
    assert "Backend: extractive" in last.status


def test_unexpected_error_shows_a_message_not_a_traceback(caplog):
    with caplog.at_level(logging.ERROR):
        last = final(ask_turn(BrokenAnswerer(), "anything"))  # type: ignore[arg-type]
    assert "Unexpected error (RuntimeError)" in last.status and "rephrase the question" in last.status
    assert "Traceback" not in last.status and "Traceback" not in last.state.messages[-1]["content"]
    assert last.state.turn is None and last.state.kind == "failed"
    assert "secret internals" in caplog.text  # the server log has the details


def test_invalid_input_error_is_shown_in_place(answerer):
    last = final(ask_turn(answerer, "\x00\x01binary"))
    assert "binary data" in last.status and "binary data" in last.state.messages[-1]["content"]


def test_what_the_user_typed_is_shown_as_plain_text():
    assert plain_markdown("What is <img src=x>?") == "What is &lt;img src=x&gt;?"
    shown = plain_markdown("**bold** _it_ `code` [link](http://e.org) ![i](http://e.org/i.png) $$x$$ &lt;")
    assert "<" not in shown and "**" not in shown and "![" not in shown and "](http:" not in shown
    assert "&amp;lt;" in shown and "\\$\\$x" in shown  # an entity typed stays as typed; no LaTeX
    assert plain_markdown("# Title\n- item\n1. one\n===") == "\\# Title  \n\\- item  \n1\\. one  \n\\==="
    assert plain_markdown("see https://e.org, www.e.org or me@e.org") == (
        "see https\\://e.org, www\\.e.org or me\\@e.org"  # no link made of them
    )
    # Our answers keep their Markdown, but never an HTML element or an image.
    assert answer_markdown("**Yes** <img src=x> ![i](y) [Art. 42]") == "**Yes** &lt;img src=x> !\\[i](y) [Art. 42]"


def test_a_question_with_html_reaches_the_chat_as_text(answerer):
    last = final(ask_turn(answerer, "Is sending <img src=x onerror=alert(1)> an offence?"))
    assert "<" not in last.state.messages[0]["content"] and "&lt;img src=x" in last.state.messages[0]["content"]
    assert last.state.question == "Is sending <img src=x onerror=alert(1)> an offence?"  # kept as typed


def test_passages_panel_highlights_the_clicked_citation_and_escapes_text():
    cites = (
        Citation(article=42, paragraph=None, title="Preservation", source="restatement", text="Quick **freeze**."),
        Citation(
            article=7,
            paragraph="1",
            paragraph_verified=True,
            title="<b>Access</b>",
            source="official",
            text="<script>x</script>",
        ),
    )
    state = AskState(citations=cites)
    page = passages_html(state, "Art. 7(1) · para. 1")
    assert page.count("uncc-passage selected") == 1
    assert 'selected" data-label="Art. 7(1) · para. 1"' in page
    assert "<script>" not in page and "&lt;script&gt;" in page and "<strong>freeze</strong>" in page
    assert "official text (ingested)" in page and "our restatement, not the official text" in page
    assert 'data-article="7"' in page  # what "Open Art. N" opens for a chip
    assert "appear here" in passages_html(AskState())


def test_ask_api_returns_text_and_citations(answerer):
    text, citations = ask_api(answerer, PRESERVATION_Q)
    assert "[Art. 42]" in text
    assert citations[0]["article"] == 42 and citations[0]["source"] == "restatement"
    with pytest.raises(InvalidInput):
        ask_api(answerer, "")


# -- the conversation, kept in the browser ----------------------------------------------------------------

FOLLOW_UP = "How long does it last?"


def _saved(*views) -> dict:
    """The conversation as the page keeps it after these turns (what its script appends, turn by turn)."""
    replies = [browser_reply(v) for v in views]
    return {"version": HISTORY_VERSION, "turns": [r["turn"] for r in replies], "view": replies[-1]["view"]}


def test_the_chat_handler_keeps_nothing_between_calls(full_runtime, answerer, tmp_path, monkeypatch):
    """The server side of the chat is a function of the question and the previous turn sent with it: no session
    state among its inputs or outputs, the same answer for the same inputs whatever came before, and a
    follow-up knows only the turn it was sent with."""
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    demo = build_app(full_runtime, answerer)
    chat = next(fn for fn in demo.fns.values() if fn.api_name == "chat")
    assert [type(c) for c in chat.inputs] == [gr.Textbox, gr.JSON]  # the question, the previous turn
    assert not any(isinstance(c, gr.State | gr.BrowserState) for c in [*chat.inputs, *chat.outputs])
    assert not any(isinstance(c, gr.Chatbot) for c in chat.outputs)  # the conversation is the page's to show

    def reply(question: str, previous: dict | None) -> dict:
        return final(chat.fn(question, previous))[0]

    alone = reply(FOLLOW_UP, None)
    first = reply(PRESERVATION_Q, None)
    assert first == reply(PRESERVATION_Q, None)
    assert json.loads(json.dumps(first)) == first  # plain JSON, for the browser to keep
    assert [m["role"] for m in first["messages"]] == ["user", "assistant"]  # this turn only, never a history
    previous = first["turn"]["context"]
    assert previous == {"question": PRESERVATION_Q, "focus_articles": previous["focus_articles"]}
    assert previous["focus_articles"][0] == 42
    reply("Can a State refuse extradition of its own nationals?", None)  # another user's question in between
    follow = reply(FOLLOW_UP, previous)
    assert "60 days" in follow["messages"][-1]["content"]
    assert reply(FOLLOW_UP, None) == alone  # nothing was remembered from the calls before


def test_previous_turn_is_checked():
    assert previous_turn(None) is None
    turn = previous_turn({"question": PRESERVATION_Q, "focus_articles": [42, 41], "extra": 1})
    assert turn.question == PRESERVATION_Q and turn.focus_articles == (42, 41)
    # What a question may bring along is bounded: one earlier question and the articles its answer was about.
    too_long = {"question": "q" * (MAX_QUESTION_CHARS + 1)}
    too_many = {"question": "q", "focus_articles": list(range(1, MAX_FOCUS + 2))}
    wrong = ("text", {"focus_articles": [42]}, {"question": "q", "focus_articles": [99]}, [1, 2])
    for bad in (*wrong, too_long, too_many):
        with pytest.raises(InvalidInput, match="'previous' must be the previous turn"):
            previous_turn(bad)


def test_a_finished_turn_carries_what_the_page_keeps_and_shows_again(answerer):
    view = final(ask_turn(answerer, PRESERVATION_Q))
    reply = browser_reply(view, {"type": "preservation", "label": "Draft", "articles": [42]})
    turn = reply["turn"]
    assert reply["done"] and turn["question"] == PRESERVATION_Q and turn["kind"] == "answered"
    assert turn["user"] == view.state.messages[0]["content"] and turn["answer"] == view.state.messages[1]["content"]
    assert {c["label"] for c in turn["citations"]} >= {"Art. 42"} and all(c["text"] for c in turn["citations"])
    assert reply["view"]["chips"] == chip_labels(view.state) and reply["view"]["panel"] == passages_html(view.state)
    assert reply["view"]["offer"]["type"] == "preservation"
    assert turn["offer"]["type"] == "preservation"  # each turn keeps its own offer: any answer can be drafted
    working = browser_reply(next(ask_turn(answerer, PRESERVATION_Q)))
    assert working == {
        "done": False,
        "messages": [{"role": "user", "content": PRESERVATION_Q}, {"role": "assistant", "content": WORKING}],
    }


def test_export_has_each_question_answer_citation_and_passage(answerer, tmp_path):
    from docx import Document

    asked = "Is sending <img src=x> to a victim an offence?\nAsking for a **colleague**."
    first = final(ask_turn(answerer, PRESERVATION_Q))
    second = final(ask_turn(answerer, asked, first.state.turn))
    paths = export_files(_saved(first, second), tmp_path, dt.date(2027, 3, 4))
    assert [p.name for p in paths] == ["2027-03-04_uncc-conversation.md", "2027-03-04_uncc-conversation.docx"]
    markdown = paths[0].read_text(encoding="utf-8")
    document = Document(str(paths[1]))
    docx_text = "\n".join(p.text for p in document.paragraphs)
    assert document.sections[0].page_width == 7560310  # A4
    assert PRESERVATION_Q in markdown and PRESERVATION_Q in docx_text
    assert "&lt;img src=x&gt;" in markdown and "<img" not in markdown  # what the user typed stays text
    assert "Is sending <img src=x> to a victim an offence?\nAsking for a **colleague**." in docx_text  # as typed
    for view in (first, second):
        sentence = view.state.messages[-1]["content"].split(" [Art.")[0]
        assert sentence in markdown and sentence in docx_text  # the answer
        for c in view.state.citations:
            passage = " ".join(c.text.split())
            assert f"[{c.label}]" in markdown and f"[{c.label}]" in docx_text  # each citation's label
            assert passage in markdown  # and the passage it cites
            assert passage.replace("**", "") in docx_text  # (bold labels are bold in Word)
    assert markdown.count("## Question ") == 2 and "Exported on 2027-03-04: 2 question(s)" in markdown


def test_export_refuses_what_it_cannot_read(answerer, tmp_path):
    with pytest.raises(InvalidInput, match="Nothing to export yet"):
        export_files({"version": HISTORY_VERSION, "turns": []}, tmp_path, dt.date(2027, 3, 4))
    view = final(ask_turn(answerer, PRESERVATION_Q))
    too_many = _saved(*[view] * (MAX_SAVED_TURNS + 1))
    for bad, why in [
        ({"version": 0, "turns": []}, "another version"),
        ({"messages": []}, "version"),
        ("not a conversation", "could not be read"),
        (too_many, "turns"),
    ]:
        with pytest.raises(InvalidInput, match=why):
            export_files(bad, tmp_path, dt.date(2027, 3, 4))
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_request_types_come_from_the_forms(full_settings):
    from assistant import drafting

    types = request_types(full_settings)
    assert {a: t.type for a, t in types.items()} == {
        37: "extradition",
        39: "transfer-proceedings",
        40: "mla",
        42: "preservation",
        43: "traffic-disclosure",
        44: "mla",
        48: "jit",
        49: "confiscation",
        50: "confiscation",
        52: "confiscation",
    }
    for t in types.values():  # each names its form's legal basis and title
        form = drafting.form(t.type, full_settings)
        assert (t.article, t.title) == (form.legal_basis.article, form.title)
    assert 41 not in types and 5 not in types  # shared by several forms; another chapter


def test_draft_this_request_is_offered_for_an_answer_about_a_request(answerer, full_settings):
    types = request_types(full_settings)
    preservation = final(ask_turn(answerer, PRESERVATION_Q)).state
    offer = draft_offer(preservation, types)
    assert offer["type"] == "preservation" and offer["articles"][0] == 42
    assert (
        offer["label"]
        == "Draft this request: Request for the expedited preservation of stored electronic data (Art. 42)"
    )
    # How the list of answers to draft from names it; the page puts in the question's number.
    assert offer["choice"] == (
        "Question {number} (“What must a request for expedited preservation of stored…”): "
        "Request for the expedited preservation of stored electronic data (Art. 42)"
    )
    extradition = final(ask_turn(answerer, "Can a State refuse extradition of its own nationals?")).state
    assert draft_offer(extradition, types)["type"] == "extradition"
    assert draft_offer(final(ask_turn(answerer, "What is the 24/7 network for?")).state, types) is None
    not_covered = final(ask_turn(answerer, "What is the penalty for hacking in France?")).state
    assert draft_offer(not_covered, types) is None

    chosen, note = draft_request(offer, types)
    assert chosen.type == "preservation" and "cites Art. 42" in note and "expedited preservation" in note
    chosen, note = draft_request({"type": "mla", "articles": [44, True, 99, "x"]}, types)
    assert chosen.type == "mla" and "cites Art. 44:" in note  # only real article numbers are named
    for bad in (None, {}, {"type": "unknown"}, "preservation"):
        with pytest.raises(InvalidInput, match="Only an answer about a request"):
            draft_request(bad, types)


def test_draft_this_request_opens_the_draft_tab_on_its_type(full_runtime, answerer, tmp_path, monkeypatch):
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    handlers = _app_handlers(build_app(full_runtime, answerer))
    tabs, picker, note = handlers["on_draft_this"]({"type": "extradition", "label": "x", "articles": [37]})
    assert tabs.selected == "draft" and picker["value"] == "extradition" and "cites Art. 37" in note
    with pytest.raises(gr.Error, match="Only an answer about a request"):  # the Draft tab is left as it is
        handlers["on_draft_this"](None)


def test_export_handler_offers_the_files(full_runtime, answerer, tmp_path, monkeypatch):
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    handlers = _app_handlers(build_app(full_runtime, answerer))
    files, status = handlers["on_export"](_saved(final(ask_turn(answerer, PRESERVATION_Q))))
    assert files.visible and [Path(f["orig_name"]).suffix for f in files.value] == [".md", ".docx"]
    assert status.startswith("Files ready")
    files, status = handlers["on_export"]({"version": 0})
    assert files.visible is False and status.startswith("⚠️ The conversation kept in this browser could not be read")


# -- Draft -------------------------------------------------------------------------------------------------


def test_widgets_follow_the_form(full_settings):
    from assistant import drafting

    form = drafting.form("preservation", full_settings)
    by_name = {w.name: w for w in widgets(form)}
    assert by_name["requesting_authority"].label.endswith(" *")
    assert not by_name["reference"].label.endswith("*")
    assert by_name["mla_to_follow"].kind == "radio" and by_name["mla_to_follow"].choices == ("yes", "no")
    assert by_name["offences"].lines == 3 and "One item per line" in by_name["offences"].info
    assert "Basis: Art. 42." in by_name["facts"].info
    assert by_name["offence_date"].placeholder == "YYYY-MM-DD"
    closing = [w for w in widgets(form)][len(form.fields) :]  # every form ends with the closing block
    assert [w.name for w in closing] == ["closing_place", "closing_date", "closing_signatory"]
    assert [w.label for w in closing] == [
        "Place of signature",
        "Date of signature",
        "Name and function of the signing officer",
    ]
    assert all(w.kind == "textbox" and w.info for w in closing) and closing[1].placeholder == "YYYY-MM-DD"
    choice = next(f for f in drafting.form("extradition", full_settings).fields if f.type == "choice")
    assert widget(choice).kind == "dropdown"


def test_example_round_trips_and_is_complete(full_settings):
    from assistant import drafting

    form = drafting.form("preservation", full_settings)
    values = example_values(full_settings, "preservation")
    case = case_from_values(form, values)
    assert case["mla_to_follow"] is True and isinstance(case["offences"], list)
    assert values_from_case(form, case) == values
    view = draft_view(full_settings, "preservation", values)
    assert view.ok and "preservation: complete" in view.checklist
    assert view.preview.startswith("# Request for the expedited preservation")


def test_missing_fields_are_flagged_with_their_basis(full_settings):
    from assistant import drafting

    form = drafting.form("preservation", full_settings)
    values = [None] * len(form.fields)
    values[0] = "National Cybercrime Police"
    view = draft_view(full_settings, "preservation", values)
    assert view.ok and "incomplete (1 of 10 required" in view.checklist
    assert 'uncc-check-missing" data-field="contact_person"' in view.checklist
    assert 'uncc-check-given" data-field="requesting_authority"' in view.checklist
    assert "Basis: Art. 42: listed among the contents" in view.checklist
    assert "[MISSING: Contact person" in view.preview


def test_invalid_field_is_explained_by_its_label(full_settings):
    from assistant import drafting

    form = drafting.form("preservation", full_settings)
    values = [None] * len(form.fields)
    values[[f.name for f in form.fields].index("offence_date")] = "31/12/2026"
    view = draft_view(full_settings, "preservation", values)
    assert not view.ok
    assert "uncc-error" in view.checklist and "Date of the offence" in view.checklist
    assert "YYYY-MM-DD" in view.checklist and "Traceback" not in view.checklist
    assert "Fix the fields" in view.preview


def test_write_files_gives_docx_pdf_and_markdown_named_after_the_date_case_and_request(full_settings, tmp_path):
    paths = write_files(full_settings, "preservation", example_values(full_settings, "preservation"), tmp_path)
    docx, pdf, md = paths
    stem = f"{dt.date.today().isoformat()}_NCP-2026-0311_preservation"  # no date of signature: today's
    assert [p.name for p in paths] == [f"{stem}.{ext}" for ext in ("docx", "pdf", "md")]
    assert zipfile.is_zipfile(docx) and pdf.read_bytes().startswith(b"%PDF-")
    assert md.read_text(encoding="utf-8").startswith("# Request for the expedited preservation")


def _gappy_values(settings, **changes):
    """The preservation example with `changes` (None clears a field)."""
    from assistant import drafting

    form = drafting.form("preservation", settings)
    case = drafting.example_case("preservation", settings) | changes
    return values_from_case(form, {k: v for k, v in case.items() if v is not None})


def test_files_status_counts_the_gaps_instead_of_saying_ready(full_settings, tmp_path):
    values = _gappy_values(full_settings, necessity=None, custodian=None, facts="Too short.")
    prepared = prepare_files(full_settings, "preservation", values, tmp_path)
    assert not prepared.report.complete
    assert prepared.status.startswith("**Draft with 3 gaps** (2 missing, 1 weak)")
    assert "Files ready" not in prepared.status and "⇣" in prepared.status
    one = prepare_files(full_settings, "preservation", _gappy_values(full_settings, necessity=None), tmp_path)
    assert one.status.startswith("**Draft with 1 gap** (1 missing)")
    complete = prepare_files(full_settings, "preservation", example_values(full_settings, "preservation"), tmp_path)
    assert complete.status == files_status(complete.report) == f"{FILES_READY} {page_text('en', 'draft_download')}"


def test_replacing_a_form_asks_only_when_typed_content_would_be_lost(full_settings):
    from assistant import drafting

    form = drafting.form("preservation", full_settings)
    example = example_values(full_settings, "preservation")
    empty = [None if w.kind != "textbox" else "" for w in widgets(form)]
    assert not needs_confirmation(form, empty, example)
    assert not needs_confirmation(form, ["   ", *empty[1:]], example)  # blanks are not content
    assert needs_confirmation(form, ["My own authority", *empty[1:]], example)
    assert not needs_confirmation(form, example, example)  # nothing would change


def _draft_handlers(demo, request_type: str) -> dict:
    """The Draft tab's handlers of one form, by name."""
    found = {}
    for fn in demo.fns.values():
        ids = [getattr(c, "elem_id", None) or "" for c in [*fn.inputs, *fn.outputs]]
        mine = [i for i in ids if i.startswith(f"{request_type}-") or i == f"confirm-{request_type}"]
        if fn.fn is not None and mine and fn.name != "on_type":
            found[fn.name] = fn.fn
    return found


# The change handler's last inputs: the type on screen, the browser's autosave, the page's language.
SHOWN = ("preservation", None, "en")


def test_draft_tab_confirms_before_replacing_and_withdraws_stale_files(full_runtime, answerer, tmp_path, monkeypatch):
    from assistant import drafting

    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    handlers = _draft_handlers(build_app(full_runtime, answerer), "preservation")
    assert {"on_change", "on_example", "on_replace", "on_keep", "on_build"} <= set(handlers)
    settings = full_runtime.settings
    n = len(widgets(drafting.form("preservation", settings)))  # its fields, then place, date and signatory
    example = example_values(settings, "preservation")

    # An empty form takes the example at once.
    loaded = handlers["on_example"](*([""] * n), "en")  # the page's language comes last
    assert list(loaded[:n]) == example and loaded[n].visible is False
    # A form with content is left as it is, and the confirmation is shown with the example waiting.
    typed = ["My own authority", *[""] * (n - 1)]
    asked = handlers["on_example"](*typed, "en")
    assert all(v == gr.skip() for v in asked[:n]) and asked[n].visible is True and asked[n + 1]["values"] == example
    kept = handlers["on_keep"]()
    assert kept[0].visible is False and kept[1] is None
    replaced = handlers["on_replace"](asked[n + 1])
    assert list(replaced[:n]) == example and replaced[n].visible is False and replaced[n + 1] is None

    # Files prepared from a draft with gaps say so, and are withdrawn as soon as the form changes.
    values = _gappy_values(settings, necessity=None, custodian=None, facts="Too short.")
    files, status, ready = handlers["on_build"](*values, "en")
    assert len(files) == 3 and ready is True
    assert status.startswith("**Draft with 3 gaps**") and "Files ready" not in status
    changed = list(values)
    changed[[f.name for f in drafting.form("preservation", settings).fields].index("contact_person")] = "changed"
    checklist, preview, files, status, ready, saved = handlers["on_change"](*changed, True, *SHOWN)
    assert (files, status, ready) == (None, page_text("en", "draft_files_stale"), False)
    assert "preservation: incomplete" in checklist and preview.startswith("# Request")
    assert saved["forms"]["preservation"]["contact_person"] == "changed"  # autosaved in the browser
    # With nothing prepared, a change leaves the downloads and status alone.
    *_, files, status, ready, _ = handlers["on_change"](*values, False, *SHOWN)
    assert files == gr.skip() and status == gr.skip() and ready == gr.skip()


def test_draft_api_accepts_yaml_and_json(full_settings):
    markdown, report = draft_api(full_settings, "preservation", "requesting_authority: Police\noffences:\n  - Fraud\n")
    assert "Police" in markdown and report["status"] == "incomplete" and report["present"] == 2
    _, report = draft_api(full_settings, "preservation", '{"requesting_authority": "Police"}')
    assert report["present"] == 1
    with pytest.raises(DraftError, match="Unknown request type"):
        draft_api(full_settings, "nonsense", "a: b")
    with pytest.raises(DraftError, match="not valid YAML"):
        draft_api(full_settings, "preservation", "a: [b")
    with pytest.raises(DraftError, match="unknown field"):
        draft_api(full_settings, "preservation", "requesting_authorit: Police")


# -- Convention --------------------------------------------------------------------------------------------


def test_table_of_contents_has_the_nine_chapters_in_order(full_runtime):
    chapters = table_of_contents(full_runtime.knowledge)
    assert [c.numeral for c in chapters] == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"]
    assert sum(len(c.articles) for c in chapters) == 68
    first, jurisdiction, cooperation = chapters[0], chapters[2], chapters[4]
    english = full_runtime.answerer.wording("en")
    assert first.label(english) == "Chapter I. General provisions (arts. 1–6)"
    assert jurisdiction.label(english) == "Chapter III. Jurisdiction (art. 22)"  # one article: no range
    assert cooperation.choices(english)[7] == ("Art. 42. " + full_runtime.knowledge.article(42).title, 42)
    numbers = [n for c in chapters for n, _ in c.articles]
    assert numbers == list(range(1, 69))


def test_table_of_contents_follows_the_knowledge_base(tiny_settings):
    from assistant.knowledge import load_knowledge

    kb = load_knowledge(tiny_settings.knowledge_dir)  # articles 7, 37 and 42 only
    chapters = table_of_contents(kb)
    assert [(c.numeral, [n for n, _ in c.articles]) for c in chapters] == [("II", [7]), ("V", [37, 42])]
    assert neighbours(kb, 37) == (7, 42) and neighbours(kb, 7) == (None, 37) and neighbours(kb, 42) == (37, None)
    assert neighbours(kb, 99) == (None, None)


def test_article_view_links_neighbours_related_and_guidance(full_runtime):
    kb = full_runtime.knowledge
    view = article_view(kb, {}, 42)
    assert view.heading.startswith("## Article 42. International cooperation")
    assert "Chapter V. International cooperation" in view.heading and view.chapter == "V"
    assert RESTATEMENT_NOTE in view.markdown and "#### Paragraph" in view.markdown
    assert view.markdown.startswith("### Our restatement")  # headings go h2 (article), h3, h4: none skipped
    assert (view.previous, view.next) == (41, 43)
    assert view.related and all(isinstance(n, int) for _, n in view.related)
    assert view.guidance_count == sum(42 in g.articles for g in kb.guidance) > 0
    assert view.guidance.startswith("### ") and "### Guidance" not in view.markdown
    assert (article_view(kb, {}, 1).previous, article_view(kb, {}, 68).next) == (None, None)
    without = next(a.number for a in kb.articles if not any(a.number in g.articles for g in kb.guidance))
    assert article_view(kb, {}, without).guidance == "" and article_view(kb, {}, without).guidance_count == 0


def test_article_view_shows_official_text_first(full_runtime):
    kb = full_runtime.knowledge
    official = kb.article(7).model_copy(update={"source": "official"})
    markdown = article_view(kb, {7: official}, 7).markdown
    assert markdown.index("Official text (ingested)") < markdown.index(RESTATEMENT_NOTE)


def test_article_view_of_a_missing_article_says_so(tiny_settings):
    from assistant.knowledge import load_knowledge

    with pytest.raises(InvalidInput, match="Article 8 is not in the knowledge base"):
        article_view(load_knowledge(tiny_settings.knowledge_dir), {}, 8)


@pytest.mark.parametrize(
    "page,link",
    [
        ("http://127.0.0.1:7860/?__theme=dark&article=41", "http://127.0.0.1:7860/?article=42"),
        ("https://desk.example.org/uncc/", "https://desk.example.org/uncc/?article=42"),
        ("http://127.0.0.1:7860", "http://127.0.0.1:7860/?article=42"),
        (None, "?article=42"),
        ("not a url", "?article=42"),
    ],
)
def test_share_link(page, link):
    assert share_link(page, 42) == link


def test_chip_article_names_the_cited_article():
    cites = (
        Citation(article=42, paragraph=None, title="Preservation", source="restatement", text="**Duration**: 60 days."),
        Citation(article=None, paragraph=None, title="Urgent requests", source="guidance", text="Call first."),
    )
    state = AskState(citations=cites)
    assert chip_article(state, "Art. 42 · Duration") == 42
    assert chip_article(state, "Urgent requests") is None  # a guidance note has no article to open
    assert chip_article(state, "Art. 7") is None and chip_article(state, None) is None


def test_ui_wording_is_complete_and_checked(tmp_path):
    assert set(ui_texts()) == set(UI_TEXT)
    assert ui_text("next", number=43) == "Next: Art. 43 →"
    assert "Your question" in ui_text("question_label")
    (tmp_path / "ui.yaml").write_text('question_label: "Q"\n', encoding="utf-8")
    with pytest.raises(AssistantError, match="lacks the entries"):
        ui_texts.__wrapped__(tmp_path)
    full = (PROMPTS / "ui.yaml").read_text(encoding="utf-8")
    (tmp_path / "ui.yaml").write_text(full.replace("Art. {number} →", "Art. {numbr} →"), encoding="utf-8")
    with pytest.raises(AssistantError, match="'next' has placeholders"):
        ui_texts.__wrapped__(tmp_path)


@pytest.mark.parametrize("value,number", [("42", 42), (" 7 ", 7), ("Art. 68", 68)])
def test_parse_article_accepts(value, number):
    assert parse_article(value) == number


@pytest.mark.parametrize("value", ["0", "69", "99", "abc", "", "4.2", "<script>"])
def test_parse_article_refuses_with_the_valid_range(value):
    with pytest.raises(InvalidInput, match="articles 1 to 68"):
        parse_article(value)


def test_search_lists_hits_and_articles(full_runtime):
    markdown, found = search(full_runtime.retriever, "expedited preservation of stored data")
    assert "**Art. 42" in markdown and 42 in [n for _, n in found]
    with pytest.raises(InvalidInput):
        search(full_runtime.retriever, "  ")


def test_banner_and_about(full_runtime):
    assert source_banner([], []) == RESTATEMENT_NOTE
    assert "Official text ingested: English." in source_banner(["en"], [])  # stored before sources were kept
    forced = OfficialSource(lang="fr", file="autre.pdf", sha256="ab" * 32, validated=False)
    both = source_banner(
        ["en", "fr"], [OfficialSource(lang="en", file="c.pdf", sha256="cd" * 32, validated=True), forced]
    )
    official, unvalidated = both.split("**Unvalidated text stored: ")
    assert "English from c.pdf (SHA-256 `" + "cd" * 32 + "`)" in official and "French" not in official
    assert unvalidated.startswith("French from autre.pdf (SHA-256 `" + "ab" * 32 + "`)")
    assert "Official text ingested" not in source_banner(["fr"], [forced])
    about = about_markdown(full_runtime, "extractive")
    m = full_runtime.index.manifest
    assert m.version in about and m.built_at in about and "68 articles" in about


def test_ingest_upload_explains_a_wrong_file(tmp_path):
    settings = Settings(home=tmp_path / "home", admin=True, auth="admin:secret")
    with pytest.raises(InvalidInput, match="Choose the file first"):
        ingest_upload(settings, None, "en", False)
    wrong = tmp_path / "notes.txt"
    wrong.write_text("Shopping list: milk, bread.\n", encoding="utf-8")
    report = ingest_upload(settings, str(wrong), "en", False)
    assert "Not stored" in report and not (settings.official_dir / "en.json").exists()


@pytest.mark.parametrize(("admin", "auth"), [(False, ""), (True, ""), (False, "user:pw")])
def test_the_web_app_may_not_change_the_official_text_without_admin_and_login(tmp_path, admin, auth):
    settings = Settings(home=tmp_path / "home", admin=admin, auth=auth)
    text = tmp_path / "convention.txt"
    text.write_text("Article 1\nStatement of purpose\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="switched off"):
        ingest_upload(settings, str(text), "en", True)
    assert not settings.official_dir.exists()


# -- launch settings and the page --------------------------------------------------------------------------


def test_launch_options_are_local_and_private():
    opts = launch_options(Settings())
    assert opts["server_name"] == "127.0.0.1" and opts["server_port"] == 7860
    assert opts["share"] is False and opts["auth"] is None and opts["run_history"] is False
    assert opts["show_error"] is False and opts["enable_monitoring"] is False
    theme = opts["theme"]
    fonts = [*theme._font, *theme._font_mono]
    # A Google font would make the browser fetch it from fonts.googleapis.com.
    assert not any(isinstance(f, gr.themes.GoogleFont) for f in fonts), fonts


def test_parse_auth():
    assert parse_auth("") is None
    assert parse_auth("ana:s3cret:x") == ("ana", "s3cret:x")
    for bad in ("ana", ":pw", "ana:"):
        with pytest.raises(InvalidInput, match="user:password"):
            parse_auth(bad)


# -- errors: one wrapper for every handler -------------------------------------------------------------------


def test_guarded_shows_our_error_message_in_the_handlers_outputs():
    @guarded(lambda problem: ("shown", problem))
    def handler(number: int) -> tuple[str, str]:
        """Doc."""
        raise InvalidInput(f"There is no article {number}.")

    assert handler(99) == ("shown", "There is no article 99.")
    assert list(inspect.signature(handler).parameters) == ["number"] and handler.__doc__ == "Doc."


def test_guarded_hides_an_unexpected_error_and_logs_its_traceback(caplog):
    @guarded(lambda problem: problem)
    def handler() -> str:
        raise KeyError(SECRET)

    with caplog.at_level(logging.ERROR, logger="assistant.ui.guard"):
        shown = handler()
    assert shown.startswith("Unexpected error (KeyError); the details are in the server log.")
    assert "secret" not in shown and "Traceback" not in shown
    assert "secret internals" in caplog.text and caplog.records[-1].exc_info is not None
    assert "handler" in caplog.records[-1].getMessage()


def test_guarded_api_raises_the_message_as_gr_error():
    @guarded()
    def endpoint(question: str) -> str:
        if not question:
            raise InvalidInput("Type a question first.")
        raise RuntimeError(SECRET)

    with pytest.raises(gr.Error, match="Type a question first"):
        endpoint("")
    with pytest.raises(gr.Error) as caught:
        endpoint("anything")
    assert "Unexpected error (RuntimeError)" in caught.value.message and "secret" not in caught.value.message
    assert caught.value.print_exception is False  # its traceback is logged once, by the wrapper


def test_guarded_generator_ends_with_the_error_outputs():
    @guarded(lambda problem: f"error: {problem}")
    def steps():
        yield "placeholder"
        raise LLMError("The server at nowhere went away.")

    assert inspect.isgeneratorfunction(steps) and is_guarded(steps)
    assert list(steps()) == ["placeholder", "error: The server at nowhere went away."]


def test_guarded_lets_gr_error_through_and_shown_in_skips_other_outputs():
    @guarded(lambda problem: "not this")
    def handler() -> str:
        raise gr.Error("as raised")

    with pytest.raises(gr.Error, match="as raised"):
        handler()
    first, status, last = object(), object(), object()
    assert shown_in([first, status, last], status)("no") == (gr.skip(), "⚠️ no", gr.skip())


def test_every_handler_of_the_page_is_guarded(full_runtime, tmp_path, monkeypatch):
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    demo = build_app(full_runtime, BrokenAnswerer())  # type: ignore[arg-type]
    ours = [fn for fn in demo.fns.values() if fn.fn is not None and fn.fn.__module__.startswith("assistant.")]
    assert len(ours) > 10 and [fn.name for fn in ours if not is_guarded(fn.fn)] == []
    handlers = {fn.api_name: fn.fn for fn in ours}

    with pytest.raises(gr.Error) as caught:
        handlers["ask"]("anything")
    assert "Unexpected error (RuntimeError)" in caught.value.message and "secret" not in caught.value.message
    with pytest.raises(gr.Error, match="unknown field"):
        handlers["draft"]("preservation", "requesting_authorit: Police")
    reply, _chips, _panel, status, *_ = final(handlers["chat"]("anything", None))
    assert "Unexpected error (RuntimeError)" in status and "secret" not in status
    assert "secret" not in json.dumps(reply) and reply["turn"]["kind"] == "failed"
    reply, *_, status, _copy, _box, _draft, _files = final(handlers["chat"]("anything", {"question": 3}))
    assert reply is None and status.startswith("⚠️ 'previous' must be the previous turn")
    # A handler that used to let a failure escape now shows it in its own status line.
    *skipped, message = handlers["open_article"](99)
    assert all(v == gr.skip() for v in skipped) and message.startswith("⚠️ ") and "99" in message


def test_build_app_sets_the_queue_once(full_runtime, answerer, tmp_path, monkeypatch):
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    demo = build_app(full_runtime, answerer)
    assert demo._queue.default_concurrency_limit == CONCURRENCY_LIMIT == 2
    assert demo._queue.max_size == QUEUE_MAX_SIZE
    groups = {fn.api_name: fn.concurrency_id for fn in demo.fns.values()}
    assert groups["ask"] == groups["chat"] == groups["on_search"] == MODEL_GROUP
    assert groups["draft"] != MODEL_GROUP  # drafting does not use the model: it does not wait behind answers


def test_build_app_names_the_api_endpoints(full_runtime, answerer, tmp_path, monkeypatch):
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    demo = build_app(full_runtime, answerer)
    names = {fn.api_name for fn in demo.fns.values() if fn.api_visibility == "public"}
    assert {"ask", "draft", "chat"} <= names
    assert names <= {"ask", "draft", "chat"}, "UI-only listeners must stay out of the public API"


# -- the reader's handlers, as the page calls them ------------------------------------------------------------


def _app_handlers(demo: gr.Blocks) -> dict:
    """The page's own handlers by function name (the first listener of each)."""
    found: dict = {}
    for fn in demo.fns.values():
        if fn.fn is not None and fn.fn.__module__ == "assistant.ui.app":
            found.setdefault(fn.name, fn.fn)
    return found


def _page(query: dict | None = None):
    """What a handler reads of gr.Request: the page's query and its address (the Referer header)."""
    from types import SimpleNamespace

    return SimpleNamespace(query_params=query or {}, headers={"referer": "http://127.0.0.1:7860/?__theme=dark"})


def _opened(outputs: tuple) -> dict:
    """The reader's outputs by name (the order of `opened` in assistant.ui.app)."""
    shown, *rest = outputs
    names = ["head", "previous", "next", "link", "related", "notes_fold", "notes", "text", "status"]
    return {"shown": shown, "folds": rest[:9], "lists": rest[9:18], **dict(zip(names, rest[18:], strict=True))}


def test_reader_opens_steps_and_follows_links(full_runtime, answerer, tmp_path, monkeypatch):
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    handlers = _app_handlers(build_app(full_runtime, answerer))

    view = _opened(handlers["open_article"](42, _page()))
    assert view["shown"] == 42 and view["status"] == ""
    assert [f["open"] for f in view["folds"]] == [False] * 4 + [True] + [False] * 4  # chapter V unfolded
    assert [r["value"] for r in view["lists"]] == [None] * 4 + [42] + [None] * 4
    assert view["head"].startswith("## Article 42. International cooperation")
    assert view["previous"]["value"] == "← Previous: Art. 41" and view["previous"]["interactive"]
    assert view["next"]["value"] == "Next: Art. 43 →"
    assert view["link"] == "http://127.0.0.1:7860/?article=42"
    assert view["related"]["visible"] and view["notes_fold"]["visible"] and view["notes"].startswith("### ")
    assert view["notes_fold"]["label"].startswith("Guidance notes on this article (")

    assert _opened(handlers["on_next"](42, _page()))["shown"] == 43
    assert _opened(handlers["on_previous"](42, _page()))["shown"] == 41
    assert _opened(handlers["on_next"](52, _page()))["folds"][5]["open"]  # into chapter VI
    first = _opened(handlers["open_article"](1, _page()))
    assert not first["previous"]["interactive"] and "first article" in first["previous"]["value"]
    assert all(v == gr.skip() for v in handlers["on_previous"](1, _page()))  # nothing before article 1
    assert not _opened(handlers["open_article"](68, _page()))["next"]["interactive"]


@pytest.mark.parametrize("wanted", ["99", "abc", "0", "<script>"])
def test_a_bad_link_opens_the_first_article_with_a_note(full_runtime, answerer, tmp_path, monkeypatch, wanted):
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    handlers = _app_handlers(build_app(full_runtime, answerer))
    tabs, *outputs = handlers["on_load"](_page({"article": wanted}))
    view = _opened(tuple(outputs))
    assert tabs.selected == "convention" and view["shown"] == 1
    assert view["head"].startswith("## Article 1. ")
    assert view["status"].startswith("⚠️ There is no article") and "articles 1 to 68" in view["status"]
    assert "Showing article 1 instead" in view["status"] and "Traceback" not in view["status"]


def test_a_link_opens_its_article_and_a_plain_visit_stays_on_ask(full_runtime, answerer, tmp_path, monkeypatch):
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    handlers = _app_handlers(build_app(full_runtime, answerer))
    tabs, *outputs = handlers["on_load"](_page({"article": "42"}))
    assert tabs.selected == "convention" and _opened(tuple(outputs))["shown"] == 42
    tabs, *outputs = handlers["on_load"](_page())
    view = _opened(tuple(outputs))
    assert tabs == gr.skip() and view["shown"] == 1 and view["link"] == "http://127.0.0.1:7860/?article=1"


def test_a_citation_chip_opens_its_article_in_the_reader(full_runtime, answerer, tmp_path, monkeypatch):
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    handlers = _app_handlers(build_app(full_runtime, answerer))
    state = final(ask_turn(answerer, PRESERVATION_Q)).state
    label = next(label for label in chip_labels(state) if label.startswith("Art. 42"))
    assert f'data-label="{label}" data-article="42"' in passages_html(state)  # where the page reads the number

    tabs, *outputs = handlers["on_cited"](label, 42, _page())
    assert tabs.selected == "convention" and _opened(tuple(outputs))["shown"] == 42
    skipped, *outputs = handlers["on_cited"](None, None, _page())
    assert skipped == gr.skip() and _opened(tuple(outputs))["status"].startswith("⚠️ Click a citation chip first")


def test_the_app_warns_when_reachable_without_a_login():
    from assistant.ui.app import exposure_warning

    for host in ("127.0.0.1", "localhost", "LOCALHOST", "127.0.0.2", "::1", "[::1]"):
        assert exposure_warning(Settings(host=host)) is None, host
    assert exposure_warning(Settings(host="0.0.0.0", auth="a:b")) is None
    for host in ("0.0.0.0", "::", "", "192.168.1.20", "office-server"):  # "": every interface
        assert "UNCC_AUTH" in exposure_warning(Settings(host=host)), host
