"""Adapters that let other frameworks use the assistant: `langchain.UNCCRetriever` for langchain-core chains.

(The MCP server is an interface of its own: `assistant/mcp_server.py`, `uncc mcp`.) Each adapter is imported
on demand, so importing this package does not import langchain.
"""

from __future__ import annotations

__all__ = ["UNCCRetriever", "format_passages"]


def __getattr__(name: str):
    if name in __all__:
        from assistant.integrations import langchain

        return getattr(langchain, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
