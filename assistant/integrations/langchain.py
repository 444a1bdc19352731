"""`UNCCRetriever`: the assistant's hybrid retrieval as a langchain-core retriever, for your own chains.

    from assistant.integrations.langchain import UNCCRetriever, format_passages

    chain = UNCCRetriever(k=3) | format_passages | prompt | chat_model | StrOutputParser()

Langchain types stay in this module (STYLE.md, seams): the rest of the code speaks in our own records.
"""

from __future__ import annotations

import threading
from functools import lru_cache

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import Field

from assistant.records import Passage
from assistant.runtime import Runtime, load_runtime
from assistant.settings import get_settings

_OPENING = threading.Lock()


@lru_cache(maxsize=1)
def _open_runtime() -> Runtime:
    # The retriever needs no chat model: "extractive" skips building (and warning about) an LLM backend.
    return load_runtime(get_settings(), llm="extractive")


def default_runtime() -> Runtime:
    """The runtime built from the default settings (`UNCC_*`), opened once per process, on first use."""
    with _OPENING:  # two threads asking first build one runtime, not two
        return _open_runtime()


def passage_document(p: Passage) -> Document:
    """A passage as a langchain Document: the passage text, and where it stands in the convention."""
    return Document(
        id=p.id,
        page_content=p.text,
        metadata={
            "article": p.article,  # an int; None for a guidance note
            "paragraph": p.paragraph,
            "paragraph_verified": p.paragraph_verified,
            "source": p.source,  # "restatement" (ours), "official" (ingested authentic text) or "guidance"
            "passage_id": p.id,
            "label": p.label,  # what to cite: "Art. 42", "Art. 42(1)" only where the number is verified
            "title": p.title,
            "heading": p.heading,
            "score": p.score,
        },
    )


def format_passages(docs: list[Document]) -> str:
    """The documents as one block of text for a prompt, each passage under the label to cite it by."""
    return "\n\n".join(f"[{d.metadata['label']}] {d.page_content}" for d in docs)


class UNCCRetriever(BaseRetriever):
    """Passages of the convention that answer a query, best first: those of the `k` best articles, then up to
    two guidance passages. Built from the default settings through the composition root (`load_runtime`)."""

    k: int | None = Field(None, ge=1, description="Distinct articles per query; default UNCC_RETRIEVAL__K (5).")

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        rt = default_runtime()
        passages = rt.retriever.retrieve(query, self.k or rt.settings.retrieval.k)
        return [passage_document(p) for p in passages]
