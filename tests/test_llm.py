"""The LLM path: langchain's fake chat models and a real OpenAI-compatible HTTP server on loopback."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel

from assistant.answering import Answerer
from assistant.llm import ChatBackend, make_backend
from assistant.settings import AnswerSettings, LLMSettings

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
    from assistant.errors import LLMError

    assert make_backend(LLMSettings()) is None
    with pytest.raises(LLMError, match="needs a model"):
        make_backend(LLMSettings(backend="ollama"))
    with pytest.raises(LLMError, match="BASE_URL"):
        make_backend(LLMSettings(backend="openai", model="m"))
    with pytest.raises(LLMError, match="Unknown LLM backend"):
        make_backend(LLMSettings(), "gpt-9")
