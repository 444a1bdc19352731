"""The assistant inside other tools: the langchain retriever in a real chain, and `uncc mcp` through the MCP SDK's
own client over stdio. Both run over the real index of the session (`full_home`)."""

from __future__ import annotations

import ast
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import anyio
import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.documents import Document
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnablePassthrough

from assistant.cli import main
from assistant.integrations import langchain as lc
from assistant.settings import PROJECT_ROOT, get_settings

PRESERVATION_QUERY = "preservation of stored data abroad"
QUESTION = "Is dual criminality required for preservation?"

# -- langchain --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def default_runtime(full_home: Path):
    """The retriever's process-wide runtime, opened from the default settings with UNCC_HOME at the test index."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("UNCC_HOME", str(full_home))
        get_settings.cache_clear()
        lc._open_runtime.cache_clear()
        rt = lc.default_runtime()
    get_settings.cache_clear()
    yield rt
    lc._open_runtime.cache_clear()  # the next module that asks gets its own settings


def test_the_retriever_opens_one_runtime_from_the_default_settings(default_runtime, full_home):
    assert default_runtime.settings.home == full_home
    assert lc.default_runtime() is default_runtime
    assert default_runtime.answerer.llm is None  # retrieval needs no chat backend


def test_retriever_documents_carry_typed_metadata(default_runtime):
    docs = lc.UNCCRetriever().invoke(PRESERVATION_QUERY)
    assert docs and all(isinstance(d, Document) and d.page_content for d in docs)
    assert docs[0].metadata["article"] == 42
    for d in docs:
        m = d.metadata
        assert m["article"] is None or isinstance(m["article"], int)
        assert m["paragraph"] is None or isinstance(m["paragraph"], str)
        assert isinstance(m["paragraph_verified"], bool)
        assert m["source"] in ("restatement", "official", "guidance")
        assert m["source"] != "guidance" or m["article"] is None
        assert m["passage_id"] == d.id and m["passage_id"]
        assert isinstance(m["label"], str) and isinstance(m["title"], str)
        assert m["article"] is None or m["label"].startswith(f"Art. {m['article']}")
    articles = {d.metadata["article"] for d in docs if d.metadata["article"] is not None}
    assert len(articles) == default_runtime.settings.retrieval.k  # the default k, from settings


@pytest.mark.parametrize("k", [1, 3])
def test_retriever_respects_k(default_runtime, k):
    docs = lc.UNCCRetriever(k=k).invoke(PRESERVATION_QUERY)
    assert len({d.metadata["article"] for d in docs if d.metadata["article"] is not None}) == k
    assert docs[0].metadata["article"] == 42


def test_retriever_rejects_a_k_below_one():
    with pytest.raises(ValueError, match="greater than or equal to 1"):
        lc.UNCCRetriever(k=0)


class _Prompts(BaseCallbackHandler):
    """Records the messages each chat model call receives."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def on_chat_model_start(self, serialized, messages, **kwargs) -> None:
        self.seen += ["\n".join(str(m.content) for m in batch) for batch in messages]


def test_documented_chain_runs_with_a_fake_chat_model(default_runtime):
    # The chain of docs/integrations.md, with a scripted model in place of a real one.
    prompt = ChatPromptTemplate.from_messages(
        [
            ("system", "Answer from these passages of the convention only; cite the [Art. N] label.\n\n{context}"),
            ("human", "{question}"),
        ]
    )
    model = FakeListChatModel(responses=["No: dual criminality is not a condition for preservation. [Art. 42]"])
    chain = (
        {"context": lc.UNCCRetriever(k=3) | lc.format_passages, "question": RunnablePassthrough()}
        | prompt
        | model
        | StrOutputParser()
    )
    prompts = _Prompts()
    out = chain.invoke(QUESTION, config={"callbacks": [prompts]})
    assert out == "No: dual criminality is not a condition for preservation. [Art. 42]"
    assert len(prompts.seen) == 1
    assert "[Art. 42] " in prompts.seen[0] and QUESTION in prompts.seen[0]


# -- MCP server -------------------------------------------------------------------------------------------

CASE = (PROJECT_ROOT / "knowledge" / "forms" / "examples" / "preservation.yaml").read_text(encoding="utf-8")
INCOMPLETE_CASE = "\n".join(line for line in CASE.splitlines() if not line.startswith("requested_state:"))
CALLS = {
    "search": ("search", {"query": PRESERVATION_QUERY, "k": 3}),
    "ask": ("ask", {"question": QUESTION}),
    "article": ("article", {"number": 42}),
    "check_request": ("check_request", {"request_type": "preservation", "case_yaml": INCOMPLETE_CASE}),
    "wrong_type": ("article", {"number": "forty-two"}),
    "no_such_article": ("article", {"number": 69}),
    "unknown_type": ("check_request", {"request_type": "subpoena", "case_yaml": CASE}),
}


async def _session(home: Path, errlog) -> dict:
    from mcp import ClientSession, StdioServerParameters, stdio_client

    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "assistant", "mcp"],
        env={"UNCC_HOME": str(home), "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(PROJECT_ROOT)},
        cwd=str(PROJECT_ROOT),
    )
    transport_faults: list[Exception] = []  # a line on stdout that is not the protocol would land here

    async def on_message(message) -> None:
        if isinstance(message, Exception):
            transport_faults.append(message)

    out: dict = {}
    with anyio.fail_after(300):
        async with (
            stdio_client(params, errlog=errlog) as (read, write),
            ClientSession(read, write, message_handler=on_message) as session,
        ):
            out["init"] = await session.initialize()
            out["tools"] = (await session.list_tools()).tools
            for key, (name, arguments) in CALLS.items():
                out[key] = await session.call_tool(name, arguments)
    out["faults"] = transport_faults
    return out


@pytest.fixture(scope="module")
def mcp_session(full_home: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One server process for every call: its start and first tool call cost a model load."""
    log = tmp_path_factory.mktemp("mcp") / "stderr.log"
    with log.open("w", encoding="utf-8") as errlog, ThreadPoolExecutor(1) as pool:
        # In a thread of its own: an earlier test (the browser's sync API) may leave an event loop running in
        # this one, and anyio refuses to start a second there.
        results = pool.submit(anyio.run, _session, full_home, errlog).result()
    results["stderr"] = log.read_text(encoding="utf-8")
    return results


def _json(result) -> object:
    assert not result.is_error, result.content[0].text
    assert len(result.content) == 1
    return json.loads(result.content[0].text)


@pytest.fixture
def full_env(full_home: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("UNCC_HOME", str(full_home))
    get_settings.cache_clear()


def test_mcp_lists_the_four_tools_with_their_arguments(mcp_session):
    assert mcp_session["init"].server_info.name == "uncc"
    tools = {t.name: t for t in mcp_session["tools"]}
    assert set(tools) == {"search", "ask", "article", "check_request"}
    assert set(tools["search"].input_schema["properties"]) == {"query", "k"}
    assert tools["search"].input_schema["required"] == ["query"]
    assert tools["article"].input_schema["properties"]["number"]["type"] == "integer"
    assert set(tools["check_request"].input_schema["required"]) == {"request_type", "case_yaml"}
    assert all(t.description and t.annotations.read_only_hint for t in tools.values())


def test_mcp_search_is_uncc_search_json(mcp_session, full_runtime):
    # The same shape as the in-process retriever's; not the same floats: the server process opens the index
    # itself (and rebuilds it if a knowledge file changed since the session built it).
    rows = _json(mcp_session["search"])
    expected = [p.as_json() for p in full_runtime.retriever.retrieve(PRESERVATION_QUERY, 3)]
    assert [list(r) for r in rows] == [list(r) for r in expected]
    assert rows[0]["article"] == expected[0]["article"] == 42
    assert len({r["article"] for r in rows if r["article"] is not None}) == 3
    assert mcp_session["search"].structured_content == {"results": rows}


def test_mcp_ask_is_the_answer_json(mcp_session, full_runtime):
    answer = _json(mcp_session["ask"])
    expected = full_runtime.answerer.answer(QUESTION).as_json()
    assert list(answer) == list(expected)
    assert [list(c) for c in answer["citations"]] == [list(c) for c in expected["citations"]]
    assert (answer["question"], answer["kind"], answer["backend"]) == (QUESTION, "answered", "extractive")
    assert answer["answer"].startswith("No.") and answer["citations"][0]["article"] == 42
    assert mcp_session["ask"].structured_content == answer


def test_mcp_article_is_uncc_articles_json(mcp_session, full_env, capsys):
    assert main(["articles", "42", "--json"]) == 0
    assert _json(mcp_session["article"]) == json.loads(capsys.readouterr().out)


def test_mcp_check_request_is_the_draft_check_report(mcp_session, full_env, tmp_path, capsys):
    case = tmp_path / "case.yaml"
    case.write_text(INCOMPLETE_CASE, encoding="utf-8")
    assert main(["draft", "preservation", "--case", str(case), "--check", "--json"]) == 3
    report = _json(mcp_session["check_request"])
    assert report == json.loads(capsys.readouterr().out)
    assert report["status"] != "complete" and report["items"]


def test_mcp_a_wrong_argument_type_is_the_sdks_validation_error(mcp_session):
    result = mcp_session["wrong_type"]
    assert result.is_error
    assert "validation error" in result.content[0].text and "number" in result.content[0].text


def test_mcp_our_errors_are_tool_errors_with_their_message(mcp_session):
    assert mcp_session["no_such_article"].is_error
    assert "There is no article 69" in mcp_session["no_such_article"].content[0].text
    assert mcp_session["unknown_type"].is_error
    assert "Unknown request type 'subpoena'" in mcp_session["unknown_type"].content[0].text


def test_mcp_writes_nothing_but_the_protocol_to_stdout_and_no_traceback(mcp_session):
    assert mcp_session["faults"] == []
    assert "Traceback" not in mcp_session["stderr"]


def test_the_mcp_server_does_not_import_the_cli():
    # Interfaces do not import each other: the server reaches the system through the runtime, as the CLI does.
    tree = ast.parse((PROJECT_ROOT / "assistant" / "mcp_server.py").read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not any(name.startswith(("assistant.cli", "assistant.ui")) for name in imported), imported
