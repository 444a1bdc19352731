"""Optional chat-model backends through langchain: Ollama, any OpenAI-compatible server, a local GGUF file.

None is needed for the default (extractive) answers; every backend error becomes an LLMError naming the
backend and where it was looked for. The backends live in one registry, `BACKENDS`: a new one is a factory
function and one entry there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from assistant.errors import LLMError
from assistant.prompts import load_prompt
from assistant.records import INGESTED, Passage
from assistant.settings import LLMSettings
from assistant.translations import LANGUAGES, Language, english

# Names that choose no language model: answers come from the extractive composer.
EXTRACTIVE = ("extractive", "none")


def build_messages(question: str, passages: list[Passage], language: Language | None = None) -> list[tuple[str, str]]:
    """System prompt with the numbered passages, each headed by its citation label and kind, then the question;
    the model sees nothing else. The prompt names the answer's language (English by default); labels, titles and
    answer lines are given in it where we have them, the abstention sentence and "Yes"/"No" too."""
    say = language or english()
    blocks = []
    for i, p in enumerate(passages, 1):
        blocks.append(f"[{i}] [{_label(p, say)}] {_title(p, say)} ({passage_kind(p)})\n{_text(p, say)}")
    system = load_prompt("answer_system.md").format(
        abstain=say.message("not_covered"),
        passages="\n\n".join(blocks),
        language=LANGUAGES[say.code],
        yes=say.words["yes"],
        no=say.words["no"],
        example=f"[{say.label(42)}] or [{say.label(65, '1')}]",
    )
    user = load_prompt("answer_user.md").format(question=question, language=LANGUAGES[say.code])
    return [("system", system), ("human", user)]


def _label(p: Passage, say: Language) -> str:
    return p.title if p.article is None else say.label(p.article, p.paragraph if p.paragraph_verified else None)


def _title(p: Passage, say: Language) -> str:
    """Our title in the answer's language; a text the user ingested keeps its own."""
    return p.title if p.article is None or p.source in INGESTED else say.title(p.article, p.title)


def _text(p: Passage, say: Language) -> str:
    """An answer line as translated into the answer's language where it is; any other passage as written."""
    return say.lines.get(p.id.removeprefix("answer:"), p.text) if p.kind == "answer" else p.text


def passage_kind(p: Passage) -> str:
    """How a passage is described to the model. An answer line also says which question it was written for,
    so the model can tell whether its wording (and its "Yes."/"No.") fits the question asked."""
    if p.kind == "answer":
        return f'answer line, written for the question "{p.hint}"' if p.hint else "answer line"
    if p.source == "official":
        return "official text"
    if p.source == "unvalidated":
        return "a text the user stored although it failed the check: not the official text"
    if p.source == "guidance":
        return "practice guidance"
    return "restatement"


class ChatBackend:
    """A langchain chat model behind two calls: invoke and stream, returning plain text."""

    def __init__(self, name: str, model, where: str):
        self.name = name
        self.model = model
        self.where = where

    def _fail(self, exc: Exception) -> LLMError:
        return LLMError(f"The {self.name} backend at {self.where} failed: {exc.__class__.__name__}: {exc}.")

    def invoke(self, messages: list[tuple[str, str]]) -> str:
        try:
            return str(self.model.invoke(messages).content)
        except Exception as exc:  # connection, HTTP and protocol errors differ per client library
            raise self._fail(exc) from exc

    def stream(self, messages: list[tuple[str, str]]) -> Iterator[str]:
        try:
            for chunk in self.model.stream(messages):
                yield str(chunk.content)
        except Exception as exc:
            raise self._fail(exc) from exc


# -- the backends: each factory gets settings with a model set, and returns a ready ChatBackend ----------------


def _ollama(settings: LLMSettings) -> ChatBackend:
    from langchain_ollama import ChatOllama

    url = settings.base_url or "http://127.0.0.1:11434"
    model = ChatOllama(model=settings.model, base_url=url, temperature=settings.temperature)
    return ChatBackend(f"ollama:{settings.model}", model, url)


def _openai(settings: LLMSettings) -> ChatBackend:
    if not settings.base_url:
        raise LLMError("The openai backend needs UNCC_LLM__BASE_URL, e.g. http://127.0.0.1:8000/v1.")
    from langchain_openai import ChatOpenAI

    model = ChatOpenAI(
        model=settings.model,
        base_url=settings.base_url,
        api_key=settings.api_key,
        timeout=settings.timeout,
        temperature=settings.temperature,
        max_retries=0,  # an unreachable server falls back to extractive answers at once, not after retries
    )
    return ChatBackend(f"openai:{settings.model}", model, settings.base_url)


def _llamacpp(settings: LLMSettings) -> ChatBackend:
    try:
        from langchain_community.chat_models import ChatLlamaCpp
    except ImportError as exc:
        raise LLMError(
            "The llamacpp backend needs the extra: pip install -e '.[llamacpp]' "
            "(llama-cpp-python and langchain-community)."
        ) from exc
    try:
        model = ChatLlamaCpp(model_path=settings.model, temperature=settings.temperature, verbose=False)
    except Exception as exc:  # a missing or unreadable GGUF file, or a llama.cpp load error
        raise LLMError(f"The llamacpp backend could not load {settings.model}: {exc}.") from exc
    return ChatBackend("llamacpp", model, settings.model)


BACKENDS: dict[str, Callable[[LLMSettings], ChatBackend]] = {
    "ollama": _ollama,
    "openai": _openai,
    "llamacpp": _llamacpp,
}


def make_backend(settings: LLMSettings, name: str | None = None) -> ChatBackend | None:
    """The chat backend chosen by settings or by `--llm NAME`; None means extractive answers."""
    name = name or settings.backend
    if not name or name in EXTRACTIVE:
        return None
    factory = BACKENDS.get(name)
    if factory is None:
        raise LLMError(f"Unknown LLM backend {name!r}; choose one of: {', '.join((EXTRACTIVE[0], *BACKENDS))}.")
    if not settings.model:
        raise LLMError(f"The {name} backend needs a model: set UNCC_LLM__MODEL (a model name, or a GGUF path).")
    return factory(settings)
