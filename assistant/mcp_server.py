"""`uncc mcp`: the assistant as a Model Context Protocol server on stdio, for desktop assistants and agents.

Four tools, each returning the JSON of the matching command: `search` (`uncc search --json`), `ask`
(`uncc ask --json`), `article` (`uncc articles N --json`) and `check_request` (`uncc draft TYPE --case FILE
--check --json`). An `AssistantError` becomes a tool error carrying its message; arguments of the wrong type get
the SDK's validation error. The runtime (index, model, answerer) is built once, on the first tool call that
needs it, so the client's handshake is answered at once. Nothing but the protocol is written to stdout: the
SDK diverts file descriptor 1 to stderr while it serves, and our own messages go to stderr.
"""

# No `from __future__ import annotations` here: the SDK reads the tools' signatures, and the types named in them
# are imported with the SDK, inside `build_server` (not at import time: `uncc --help` must not pay for it).

import argparse
import json
import sys
import threading
from typing import Annotated

from pydantic import Field

from assistant import __version__
from assistant.errors import AssistantError, InvalidInput
from assistant.knowledge import ARTICLE_COUNT
from assistant.settings import Settings

INSTRUCTIONS = (
    "Tools over the United Nations Convention against Cybercrime (General Assembly resolution 79/243, "
    f"{ARTICLE_COUNT} articles). Cite the article (the `label` of a citation) for every claim. Passages whose "
    "`source` is 'restatement' are this assistant's own restatement of the convention, not its official text; "
    "'official' marks the authentic text the user ingested; 'guidance' marks a practitioner note."
)


class Desk:
    """What the tools share: the settings, and the runtime and knowledge, each opened once, on first use.

    Tools run in worker threads, so opening is guarded by a lock: two first calls at once build one runtime."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._runtime = None
        self._knowledge = None

    def runtime(self):
        """The composition root's runtime, built on first use (the index too, if missing or stale)."""
        with self._lock:
            if self._runtime is None:
                from assistant.runtime import load_runtime

                rt = load_runtime(self.settings, progress=False)
                if rt.ensured and rt.ensured.action != "up to date":
                    print(f"Index {rt.ensured.action} ({rt.ensured.reason}).", file=sys.stderr)
                for warning in rt.warnings:
                    print(f"warning: {warning}", file=sys.stderr)
                self._runtime = rt
            return self._runtime

    def knowledge(self):
        """The knowledge base, without the model: `article` needs no index."""
        with self._lock:
            if self._runtime is not None:
                return self._runtime.knowledge
            if self._knowledge is None:
                from assistant.knowledge import load_knowledge

                self._knowledge = load_knowledge(self.settings.knowledge_dir)
            return self._knowledge

    def search(self, query: str, k: int) -> list[dict]:
        """`uncc search QUERY --k K --json`."""
        return [p.as_json() for p in self.runtime().retriever.retrieve(query, k)]

    def ask(self, question: str) -> dict:
        """`uncc ask QUESTION --json`."""
        return self.runtime().answerer.answer(question).as_json()

    def article(self, number: int) -> dict:
        """`uncc articles N --json`: our restatement, with the ingested official text (or None) under `official`."""
        from assistant.official import load_official
        from assistant.prompts import message

        found = [a for a in self.knowledge().articles if a.number == number]
        if not found:
            raise InvalidInput(message("no_such_article", number=number, count=ARTICLE_COUNT))
        official = next((a for a in load_official(self.settings) if a.number == number), None)
        return {**found[0].as_json(), "official": official.as_json() if official else None}

    def check_request(self, request_type: str, case_yaml: str) -> dict:
        """`uncc draft TYPE --case FILE --check --json`, with the case file's text given inline."""
        from assistant.drafting import api
        from assistant.drafting.case import parse_case

        api.form(request_type, self.settings)  # an unknown type is reported first, with the valid ones
        case = parse_case(case_yaml, source="case_yaml", settings=self.settings)
        return api.check(request_type, case, self.settings).model_dump(mode="json")


def build_server(settings: Settings, desk: Desk | None = None):
    """The MCP server with its four tools over `desk` (by default, one built from `settings`)."""
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError
    from mcp_types import CallToolResult, TextContent, ToolAnnotations

    desk = desk or Desk(settings)
    server = MCPServer("uncc", version=__version__, instructions=INSTRUCTIONS)
    # Every tool only reads the knowledge base and index on this machine.
    read_only = ToolAnnotations(read_only_hint=True, destructive_hint=False, open_world_hint=False)

    def result(work, *args) -> CallToolResult:
        """The command's JSON as text (what the model reads) and as structured content (an object: a list is
        given as {"results": [...]}); our errors become tool errors with their message, never a traceback."""
        try:
            data = work(*args)
        except AssistantError as exc:
            raise ToolError(str(exc)) from exc
        text = json.dumps(data, indent=2, ensure_ascii=False)
        structured = data if isinstance(data, dict) else {"results": data}
        return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=structured)

    @server.tool(annotations=read_only)
    def search(
        query: Annotated[str, Field(description="What to look for, in English, e.g. 'preservation of stored data'")],
        k: Annotated[int, Field(ge=1, description="How many distinct articles to return")] = settings.retrieval.k,
    ) -> CallToolResult:
        """Find the convention's passages that answer a query: the passages of the k best articles, best first,
        then up to two guidance passages. Each has article (null for guidance), paragraph, title, source
        ('restatement', 'official' or 'guidance'), score and text."""
        return result(desk.search, query, k)

    @server.tool(annotations=read_only)
    def ask(
        question: Annotated[str, Field(description="A question about the convention, in English")],
    ) -> CallToolResult:
        """Answer a question about the convention with an article citation on every claim. `kind` is 'answered',
        'not_covered' (the convention does not cover this) or 'declined'; each citation carries the passage it
        rests on and a `label` such as 'Art. 42' to cite."""
        return result(desk.ask, question)

    @server.tool(annotations=read_only)
    def article(
        number: Annotated[int, Field(description=f"Article number, 1 to {ARTICLE_COUNT}")],
    ) -> CallToolResult:
        """One article of the convention: title, chapter, summary, paragraphs and practice notes (our restatement),
        with the official text under `official` where the user has ingested it (else null)."""
        return result(desk.article, number)

    @server.tool(annotations=read_only)
    def check_request(
        request_type: Annotated[
            str,
            Field(
                description="mla, preservation, traffic-disclosure, extradition, jit, transfer-proceedings or "
                "confiscation"
            ),
        ],
        case_yaml: Annotated[str, Field(description="The case file's YAML text (`uncc draft TYPE --example`)")],
    ) -> CallToolResult:
        """Check a draft cooperation request for completeness against what the convention requires: the missing
        and weak elements, each with its basis (an article, or a good-practice source)."""
        return result(desk.check_request, request_type, case_yaml)

    return server


def cmd_mcp(args: argparse.Namespace, settings: Settings) -> int:
    """Handle `uncc mcp`: serve until the client closes stdin."""
    server = build_server(settings)
    if sys.stdin.isatty():  # started by hand rather than by a client: say what is waiting on stdin
        print("uncc MCP server on stdio; a client talks to it (Ctrl-C to stop).", file=sys.stderr)
    server.run("stdio")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `mcp` command."""
    p = sub.add_parser(
        "mcp",
        help="serve search, ask, article and check_request to desktop assistants and agents (MCP, stdio)",
        description="Run a Model Context Protocol server on stdin/stdout. Configure it in your MCP client as the "
        "command `uncc mcp`; see docs/integrations.md.",
    )
    p.set_defaults(handler=cmd_mcp)
