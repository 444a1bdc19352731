"""The LLM path: langchain's fake chat models and a real OpenAI-compatible HTTP server on loopback."""

from __future__ import annotations

import json
import sys
import threading
import types
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk

from assistant.answering import Answerer
from assistant.errors import InvalidInput, LLMError
from assistant.llm import BACKENDS, ChatBackend, build_messages, make_backend
from assistant.records import Passage
from assistant.runtime import _chat_backend
from assistant.settings import AnswerSettings, LLMSettings, Settings

QUESTION = "What must a request for preservation of stored data contain?"


def _fake(*replies: str) -> ChatBackend:
    return ChatBackend("fake", GenericFakeChatModel(messages=iter(replies)), "memory")


def _answerer(full_runtime, llm) -> Answerer:
    return Answerer(full_runtime.retriever, AnswerSettings(), llm)


def test_verified_llm_answer_keeps_cited_sentences(full_runtime):
    answer = _answerer(full_runtime, _fake("It names the offence and the data to preserve. [Art. 42]")).answer(QUESTION)
    assert answer.backend == "fake" and not answer.abstained
    assert [c.article for c in answer.citations] == [42]


def test_citation_to_an_article_not_retrieved_is_removed(full_runtime):
    reply = "It names the data. [Art. 42] Also, art. 61 requires a fee. [Art. 61] And it must be in Latin."
    answer = _answerer(full_runtime, _fake(reply)).answer(QUESTION)
    assert "[Art. 61]" not in answer.text and "fee" not in answer.text and "Latin" not in answer.text
    assert "1 sentence(s) removed: they cited an article that was not retrieved" in answer.text
    assert "1 sentence(s) removed: they carried no citation" in answer.text
    assert [c.article for c in answer.citations] == [42]


def test_llm_answer_with_nothing_verifiable_falls_back_to_extractive(full_runtime):
    answer = _answerer(full_runtime, _fake("Preservation is great. [Art. 99]")).answer(QUESTION)
    assert answer.backend == "extractive" and answer.citations and answer.citations[0].article == 42
    assert "no verifiable sentence" in answer.text


def test_llm_abstention_sentence_is_respected(full_runtime):
    answer = _answerer(full_runtime, _fake("The convention does not cover this.")).answer(QUESTION)
    assert answer.abstained


def test_streaming_yields_partial_text_then_the_answer(full_runtime):
    answerer = _answerer(full_runtime, _fake("It names the data to preserve. [Art. 42]"))
    parts = list(answerer.stream(QUESTION))
    assert all(isinstance(p, str) for p in parts[:-1]) and len(parts) > 2
    assert parts[-1].citations[0].article == 42


class _OpenAIStub(BaseHTTPRequestHandler):
    """Just enough of the OpenAI chat-completions protocol, answering with a fixed cited sentence."""

    requests: ClassVar[list[dict]] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "body": body})
        payload = {
            "id": "x",
            "object": "chat.completion",
            "created": 0,
            "model": body["model"],
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": "Say which data to preserve. [Art. 42]"},
                }
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def openai_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _OpenAIStub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def test_openai_compatible_backend_over_real_http(full_runtime, openai_server):
    backend = make_backend(LLMSettings(backend="openai", model="tiny", base_url=openai_server))
    answer = _answerer(full_runtime, backend).answer(QUESTION)
    assert answer.backend == "openai:tiny" and [c.article for c in answer.citations] == [42]
    sent = _OpenAIStub.requests[-1]
    assert sent["path"] == "/v1/chat/completions"
    system = sent["body"]["messages"][0]["content"]
    assert "[Art. 42" in system and "does not cover this" in system  # passages and abstention rule were sent


def test_unreachable_server_names_backend_and_url_and_falls_back(full_runtime):
    backend = make_backend(LLMSettings(backend="openai", model="tiny", base_url="http://127.0.0.1:9/v1", timeout=2))
    answer = _answerer(full_runtime, backend).answer(QUESTION)
    assert answer.backend == "extractive" and answer.citations
    assert "openai:tiny backend at http://127.0.0.1:9/v1 failed" in answer.text


def test_backend_choice_errors_are_clear():
    assert make_backend(LLMSettings()) is None
    with pytest.raises(LLMError, match="needs a model"):
        make_backend(LLMSettings(backend="ollama"))
    with pytest.raises(LLMError, match="BASE_URL"):
        make_backend(LLMSettings(backend="openai", model="m"))
    with pytest.raises(LLMError, match="Unknown LLM backend"):
        make_backend(LLMSettings(), "gpt-9")


# -- the registry ------------------------------------------------------------------------------------------


class _FakeLlamaCpp:
    """Stands in for langchain-community's ChatLlamaCpp, which needs the optional extra and a GGUF file."""

    def __init__(self, **kwargs):
        self.kwargs = kwargs


def test_every_registered_backend_builds(monkeypatch):
    community = types.ModuleType("langchain_community")
    chat_models = types.ModuleType("langchain_community.chat_models")
    chat_models.ChatLlamaCpp = _FakeLlamaCpp
    monkeypatch.setitem(sys.modules, "langchain_community", community)
    monkeypatch.setitem(sys.modules, "langchain_community.chat_models", chat_models)
    settings = LLMSettings(model="tiny", base_url="http://127.0.0.1:9/v1")
    built = {name: make_backend(settings, name) for name in BACKENDS}
    assert set(built) == {"ollama", "openai", "llamacpp"}
    assert all(isinstance(b, ChatBackend) for b in built.values())
    assert [b.name for b in built.values()] == ["ollama:tiny", "openai:tiny", "llamacpp"]
    assert built["openai"].where == "http://127.0.0.1:9/v1"
    assert built["llamacpp"].model.kwargs["model_path"] == "tiny"


def test_llamacpp_without_the_extra_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "langchain_community.chat_models", None)  # makes the import fail
    with pytest.raises(LLMError, match=r"pip install -e '\.\[llamacpp\]'"):
        make_backend(LLMSettings(model="model.gguf"), "llamacpp")


def test_unknown_backend_lists_the_registry_names():
    with pytest.raises(LLMError) as info:
        make_backend(LLMSettings(), "gpt-9")
    assert "'gpt-9'" in str(info.value)
    assert all(name in str(info.value) for name in ("extractive", *BACKENDS))
    with pytest.raises(InvalidInput, match="choose one of: extractive, ollama, openai, llamacpp"):
        _chat_backend(Settings(), "gpt-9")


def test_unconfigured_backend_falls_back_with_a_warning():
    backend, warnings = _chat_backend(Settings(), "ollama")  # no UNCC_LLM__MODEL
    assert backend is None and len(warnings) == 1
    assert "ollama backend needs a model" in warnings[0] and warnings[0].endswith("Using extractive answers.")
    assert _chat_backend(Settings(), "extractive") == (None, ())


def test_a_new_backend_is_one_registry_entry(monkeypatch):
    monkeypatch.setitem(BACKENDS, "scripted", lambda settings: _scripted(f"reply from {settings.model}"))
    backend, warnings = _chat_backend(Settings(llm=LLMSettings(model="m")), "scripted")
    assert warnings == () and backend.invoke([("human", "hi")]) == "reply from m"
    with pytest.raises(LLMError, match="llamacpp, scripted"):
        make_backend(LLMSettings(), "gpt-9")


# -- the prompt --------------------------------------------------------------------------------------------


def test_system_prompt_gives_the_answer_shape_and_the_passage_kinds():
    line = Passage(
        id="answer:dual",
        text="No. Dual criminality is not a condition for preservation.",
        kind="answer",
        source="restatement",
        article=42,
        paragraph="3",
        title="Preservation",
        hint="Is dual criminality required for preservation?",
    )
    restated = line.model_copy(update={"id": "p", "kind": "paragraph", "text": "The full provision.", "hint": ""})
    official = Passage(
        id="o",
        text="Official words.",
        kind="paragraph",
        source="official",
        article=37,
        paragraph="1",
        paragraph_verified=True,
        title="Extradition",
    )
    (role, system), (human_role, human) = build_messages("Is dual criminality required?", [line, restated, official])
    assert (role, human_role) == ("system", "human") and "Is dual criminality required?" in human
    # The rules: answer first, in one short sentence; Yes/No only when settled; at most three cited points.
    for rule in (
        "at most about 40 words",
        'Start it with "Yes." or "No." only when',
        "at most three short supporting points",
        'starting with "- "',
        "Never paste a whole passage",
        "preferred wording",
        "reply with exactly this sentence and nothing else: The convention does not cover this.",
    ):
        assert rule in system, rule
    # The passages, each with its citation label exactly as Passage.label gives it, and its kind.
    assert line.label == "Art. 42" and official.label == "Art. 37(1)"
    assert (
        '[1] [Art. 42] Preservation (answer line, written for the question "Is dual criminality required for '
        'preservation?")\nNo. Dual criminality is not a condition for preservation.'
    ) in system
    assert "[2] [Art. 42] Preservation (restatement)\nThe full provision." in system
    assert "[3] [Art. 37(1)] Extradition (official text)\nOfficial words." in system
    assert "{" not in system  # every placeholder filled


# -- end to end, through the real answerer -----------------------------------------------------------------


class _ScriptedModel:
    """A chat model that returns the scripted replies in turn and keeps the messages it was sent."""

    def __init__(self, replies: tuple[str, ...]):
        self.replies = list(replies)
        self.history: list[list[tuple[str, str]]] = []

    def invoke(self, messages):
        self.history.append(messages)
        return AIMessage(content=self.replies.pop(0))

    def stream(self, messages):
        self.history.append(messages)
        for word in self.replies.pop(0).split(" "):
            yield AIMessageChunk(content=word + " ")


def _scripted(*replies: str) -> ChatBackend:
    return ChatBackend("scripted", _ScriptedModel(replies), "memory")


ANSWER_FIRST = (
    "A preservation request names the requesting authority, the offence with brief facts, the data and its link "
    "to the offence, what is known of its custodian or location, why preservation is needed, and the intended MLA "
    "request. [Art. 42]\n"
    "- The requested State then preserves the data expeditiously under its own law. [Art. 42]\n"
    "- The data stays preserved for at least 60 days. [Art. 42]"
)


def test_answer_first_reply_through_the_real_answerer(full_runtime):
    backend = _scripted(ANSWER_FIRST)
    answer = _answerer(full_runtime, backend).answer(QUESTION)
    assert answer.kind == "answered" and answer.backend == "scripted" and not answer.notes
    assert answer.text == ANSWER_FIRST  # the shape survives verification unchanged
    assert [c.article for c in answer.citations] == [42]
    retrieved = {p.text for p in answer.passages if p.article == 42}
    assert all(c.text and c.text in retrieved for c in answer.citations)  # each citation carries its passage
    # The model was given the authored answer lines, told apart from the restated provisions.
    system = backend.model.history[0][0][1]
    assert "(answer line, written for the question" in system and "(restatement)" in system
    lines = [p for p in full_runtime.retriever.answer_lines(42) if p.text in system]
    assert lines and all(f"[{p.label}]" in system for p in lines)


def test_answer_first_reply_with_a_point_citing_an_article_not_retrieved(full_runtime):
    reply = ANSWER_FIRST + "\n- A fee of 100 euros is payable. [Art. 61]"
    answer = _answerer(full_runtime, _scripted(reply)).answer(QUESTION)
    assert answer.kind == "answered" and answer.backend == "scripted"
    assert "[Art. 61]" not in answer.text and "fee" not in answer.text
    assert answer.text.startswith(ANSWER_FIRST + "\n\n_Note: ")
    assert answer.notes == ("1 sentence(s) removed: they cited an article that was not retrieved.",)
    assert [c.article for c in answer.citations] == [42]


def test_answer_first_reply_streams(full_runtime):
    parts = list(_answerer(full_runtime, _scripted(ANSWER_FIRST)).stream(QUESTION))
    assert all(isinstance(p, str) for p in parts[:-1]) and parts[-2].strip() == ANSWER_FIRST
    assert parts[-1].text == ANSWER_FIRST and parts[-1].backend == "scripted"


def test_yes_no_lead_survives_verification(full_runtime):
    reply = "No. Dual criminality is not a condition for preservation. [Art. 42]"
    answer = _answerer(full_runtime, _scripted(reply)).answer("Is dual criminality required for preservation?")
    assert answer.kind == "answered" and answer.text == reply and not answer.notes
