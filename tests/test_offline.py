"""Nothing phones home: building the index and answering work with every outbound connection refused."""

from __future__ import annotations

import socket

import pytest

from assistant.answering import Answerer
from assistant.index import ensure_index
from assistant.runtime import load_runtime


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch):
    attempts: list[object] = []

    def refuse(self, address, *args, **kwargs):
        if self.family == socket.AF_UNIX:
            return real_connect(self, address, *args, **kwargs)
        attempts.append(address)
        raise OSError(f"network blocked by test: {address}")

    real_connect = socket.socket.connect
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: refuse(socket.socket(), address))
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, *a, **k: (
            attempts.append(host) or (_ for _ in ()).throw(OSError(f"name lookup blocked by test: {host}"))
        ),
    )
    return attempts


def test_index_build_and_answer_make_no_outbound_connection(tiny_settings, no_network):
    result = ensure_index(tiny_settings, rebuild=True)
    assert result.manifest.count > 0
    rt = load_runtime(tiny_settings, ensure=False)
    answer = Answerer(rt.retriever, tiny_settings.answer).answer("when can a state refuse extradition?")
    assert answer.citations
    assert no_network == [], f"outbound connection attempted: {no_network}"
