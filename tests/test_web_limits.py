"""The web app's bounds under load: the time limit on answering, and what the server keeps per session."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections.abc import Iterator
from types import SimpleNamespace

import gradio as gr
import httpx
import pytest
from gradio.state_holder import SessionState, StateHolder

from assistant.errors import InvalidInput
from assistant.settings import Settings
from assistant.translations import LANGUAGES
from assistant.ui import app as app_module
from assistant.ui import launch_options
from assistant.ui import sessions as sessions_module
from assistant.ui.app import serve, time_limit
from assistant.ui.ask import ask_api, ask_turn
from assistant.ui.deadline import AnswerTimeout, call_within, stream_within
from assistant.ui.sessions import LeanSession, LeanStateHolder, SessionLimits, lifespan, prune, untouched

# -- the time limit on answering -----------------------------------------------------------------------------


class SlowAnswerer:
    """An answerer that takes `seconds` before its answer; `stopped` is set once its stream was closed."""

    max_question_chars = 2000
    llm = None

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.stopped = threading.Event()

    def stream(self, question, previous=None):
        try:
            yield "partial "
            time.sleep(self.seconds)
            yield "more"
        finally:
            self.stopped.set()

    def answer(self, question, previous=None):
        time.sleep(self.seconds)
        raise AssertionError("never reached within the test's limit")


def test_call_within_returns_the_result_or_times_out_with_a_clear_message():
    assert call_within(time_limit(5, "en"), lambda x: x * 2, 21) == 42
    assert call_within(None, lambda: "no thread") == "no thread"
    started = time.monotonic()
    with pytest.raises(AnswerTimeout, match=r"No answer within 0\.2 seconds"):
        call_within(time_limit(0.2, "en"), time.sleep, 3)
    assert time.monotonic() - started < 2


def test_the_timeout_message_is_worded_in_each_language_of_the_page():
    worded = {code: time_limit(30, code).message for code in LANGUAGES}
    assert all("30" in message for message in worded.values())
    assert len(set(worded.values())) == len(LANGUAGES)  # each its own translation, none left in English
    assert worded["en"].startswith("No answer within 30 seconds")
    assert time_limit(30, "xx").message == worded["en"]  # a language the page does not have: English


def test_call_within_passes_errors_through():
    def fail():
        raise InvalidInput("bad question")

    with pytest.raises(InvalidInput, match="bad question"):
        call_within(time_limit(5, "en"), fail)


def test_stream_within_yields_every_item_and_stops_a_slow_stream():
    assert list(stream_within(time_limit(5, "en"), lambda: iter([1, 2, 3]))) == [1, 2, 3]
    slow = SlowAnswerer(3)
    got = []
    started = time.monotonic()
    with pytest.raises(AnswerTimeout):
        for item in stream_within(time_limit(0.3, "en"), lambda: slow.stream("q")):
            got.append(item)
    assert got == ["partial "] and time.monotonic() - started < 2
    assert slow.stopped.wait(5)  # the producer's generator was closed once it woke up


def test_stream_within_raises_the_producers_error_in_the_caller():
    def broken() -> Iterator[int]:
        yield 1
        raise InvalidInput("stopped halfway")

    with pytest.raises(InvalidInput, match="stopped halfway"):
        list(stream_within(time_limit(5, "en"), broken))


def test_ask_turn_shows_a_clear_message_when_the_answer_takes_too_long():
    views = list(ask_turn(SlowAnswerer(3), "What is the 24/7 network for?", deadline=time_limit(0.3, "en")))  # type: ignore[arg-type]
    last = views[-1]
    assert last.done and last.state.kind == "failed"
    assert "No answer within 0.3 seconds" in last.status
    assert "No answer within 0.3 seconds" in last.state.messages[-1]["content"]


def test_ask_api_times_out_with_our_error():
    with pytest.raises(AnswerTimeout, match="Try again in a moment"):
        ask_api(SlowAnswerer(3), "What is the 24/7 network for?", deadline=time_limit(0.2, "en"))  # type: ignore[arg-type]


def test_the_limits_are_settings(monkeypatch):
    monkeypatch.setenv("UNCC_WEB__ANSWER_TIMEOUT", "12.5")
    monkeypatch.setenv("UNCC_WEB__MAX_SESSIONS", "40")
    web = Settings().web
    assert web.answer_timeout == 12.5 and web.max_sessions == 40
    assert Settings.model_fields["web"].default.answer_timeout == 30.0
    opts = launch_options(Settings())
    assert opts["state_session_capacity"] == 40 and callable(opts["app_kwargs"]["lifespan"])


def test_the_app_serves_on_the_model_threads_of_its_settings(monkeypatch):
    """Each question on one model thread while the page is served (a second one mostly spun waiting), the
    process's own number again after."""
    threads = ["process"]

    @contextlib.contextmanager
    def torch_threads(count: int) -> Iterator[None]:  # as assistant.embeddings', without loading torch
        threads.append(count)
        try:
            yield
        finally:
            threads.pop()

    class Page:
        def launch(self, **options):
            seen.update(options, threads=threads[-1])

    seen: dict = {}
    monkeypatch.setattr(app_module, "torch_threads", torch_threads)
    assert Settings().web.model_threads == 1
    monkeypatch.setenv("UNCC_WEB__MODEL_THREADS", "3")
    serve(Page(), Settings())  # type: ignore[arg-type]
    assert seen["threads"] == 3 and seen["server_name"] == Settings().host
    assert threads == ["process"]


def test_stemming_in_many_threads_at_once_gives_what_one_thread_gives():
    """The web app answers two questions at a time: a stemmer shared by the threads mixed up their words."""
    from concurrent.futures import ThreadPoolExecutor

    from assistant.text import tokens

    texts = [
        "Do penetration testers risk criminal liability for having hacking tools?",
        "international cooperation for expedited preservation of stored computer data and traffic data",
        "extraditability, nationality, jurisdictional conditionality and proportionality",
    ] * 200
    expected = [tokens(t) for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(tokens, texts)) == expected


# -- what the server keeps per session -----------------------------------------------------------------------

LIMITS = SessionLimits(idle_s=3600, closed_s=60, max_sessions=100)


@pytest.fixture
def page():
    deleted = []
    with gr.Blocks() as demo:
        state = gr.State(0, delete_callback=deleted.append)
        box = gr.Textbox()
    holder = LeanStateHolder()  # as the running app's (`lifespan`)
    holder.set_blocks(demo)
    return SimpleNamespace(holder=holder, state=state, box=box, deleted=deleted)


def _queue(**pending: set[str]) -> SimpleNamespace:
    return SimpleNamespace(
        pending_event_ids_session=dict(pending),
        pending_messages_per_session={s: _Box() for s in pending},
    )


class _Box:
    def __init__(self, waiting: int = 0):
        self.waiting = waiting

    def empty(self) -> bool:
        return self.waiting == 0


def _age(holder: StateHolder, session: str, seconds: float) -> None:
    holder.time_last_used[session] = dt.datetime.now() - dt.timedelta(seconds=seconds)


def test_a_new_session_configures_no_component_up_front(page):
    """Gradio configured every component of the page for each new session (about 50 ms on the event loop for this
    app's page); a lean session is Gradio's own but for that, and configures a component once a handler changes it."""
    gradio_own, lean = SessionState(page.holder.blocks), page.holder["new"]
    assert isinstance(lean, LeanSession)
    assert {page.state._id, page.box._id} <= set(gradio_own.config_values) and lean.config_values == {}
    assert vars(lean).keys() == vars(gradio_own).keys()
    assert lean.blocks_config.blocks == gradio_own.blocks_config.blocks
    assert lean.blocks_config is not page.holder.blocks.default_config  # each session's own, as Gradio's
    lean[page.box._id] = gr.Textbox(visible=False)  # what Gradio does with a handler's update of a component
    assert set(lean.config_values) == {page.box._id}
    lean._update_value_in_config(page.box._id, "typed")  # and with a handler's new value
    assert lean.config_values[page.box._id]["props"]["value"] == "typed"
    assert page.holder["new"] is lean


def test_a_session_that_keeps_nothing_goes_once_no_request_is_waiting(page):
    holder = page.holder
    for s in ("api-call", "busy", "just-now"):
        holder[s]  # what every request does: its session, made on first use
    holder["with-state"][page.state._id] = 5
    holder["with-update"][page.box._id] = gr.Textbox(visible=False)
    for s in ("api-call", "busy", "with-state", "with-update"):
        _age(holder, s, 30)
    assert untouched(holder["just-now"], holder.blocks.default_config)
    queue = _queue(busy={"event-1"})
    assert prune(holder, queue, LIMITS) == 1
    assert set(holder.session_data) == {"busy", "just-now", "with-state", "with-update"}


def test_a_closed_page_goes_after_the_grace_and_an_idle_one_after_the_idle_limit(page):
    holder = page.holder
    for s in ("closed-long-ago", "closed-just-now", "idle-long", "active"):
        holder[s][page.state._id] = s
    holder.session_data["closed-long-ago"].is_closed = True
    holder.session_data["closed-just-now"].is_closed = True
    _age(holder, "closed-long-ago", 61)
    _age(holder, "closed-just-now", 30)
    _age(holder, "idle-long", 3601)
    _age(holder, "active", 3000)
    assert prune(holder, _queue(), LIMITS) == 2
    assert set(holder.session_data) == {"closed-just-now", "active"}
    assert set(holder.time_last_used) == {"closed-just-now", "active"}
    assert sorted(page.deleted) == ["closed-long-ago", "idle-long"]  # each gr.State's delete_callback ran


def test_the_queues_leftovers_of_gone_sessions_go_too(page):
    holder = page.holder
    holder["kept"][page.state._id] = 1
    queue = _queue(kept=set(), gone=set(), waiting=set())
    queue.pending_messages_per_session["waiting"] = _Box(waiting=1)  # a message not yet delivered
    prune(holder, queue, LIMITS)
    assert set(queue.pending_messages_per_session) == {"kept", "waiting"}
    assert set(queue.pending_event_ids_session) == {"kept", "waiting"}


def test_the_sweep_drops_the_sessions_of_api_calls_in_a_running_server(monkeypatch):
    monkeypatch.setattr(sessions_module, "SWEEP_EVERY_S", 0.2)
    monkeypatch.setattr(sessions_module, "UNTOUCHED_AFTER_S", 0.1)
    with gr.Blocks(analytics_enabled=False) as demo:
        gr.Textbox()

        def echo(text: str) -> str:
            return text

        gr.api(echo, api_name="echo")
    demo.queue()
    _, url, _ = demo.launch(
        prevent_thread_lock=True,
        quiet=True,
        server_name="127.0.0.1",
        app_kwargs={"lifespan": lifespan(LIMITS)},
        ssr_mode=False,
    )
    try:
        for _ in range(5):  # each call without a session of its own is a session to Gradio
            event = httpx.post(f"{url}gradio_api/call/echo", json={"data": ["hi"]}, timeout=10).json()["event_id"]
            assert "hi" in httpx.get(f"{url}gradio_api/call/echo/{event}", timeout=10).text
        holder = demo.server_app.state_holder
        assert isinstance(holder, LeanStateHolder) and demo.state_holder is holder
        deadline = time.monotonic() + 10
        while holder.session_data and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not holder.session_data
        assert not demo._queue.pending_event_ids_session
    finally:
        demo.close()
