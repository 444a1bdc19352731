"""A time limit on answering in the web app (`UNCC_WEB__ANSWER_TIMEOUT`, 30 s by default).

A Python thread cannot be stopped from outside, so the answer is made in a worker thread of a small pool and the
handler waits for it at most the limit: past it, the user reads `AnswerTimeout`'s message and the handler's
thread is free for the next request. A streamed answer (a language model's) is stopped at its next step; an
extractive answer that overruns finishes in the background and is thrown away. The pool is bounded, so answers
that never end cannot pile up threads: once it is full, further questions wait in it, and time out in turn.

What the user reads then comes with the limit (`TimeLimit.message`): the caller words it from prompts/ui.yaml
(`answer_timeout`) in the page's language, so this module holds no wording.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import TypeVar

from assistant.errors import AssistantError

T = TypeVar("T")
WORKERS = 8  # the web app answers two questions at a time (assistant.ui.app); the rest is room for overruns
_POOL = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="uncc-answer")
_ITEM, _DONE, _FAILED = "item", "done", "failed"


class AnswerTimeout(AssistantError):
    """An answer took longer than the web app allows."""


@dataclass(frozen=True)
class TimeLimit:
    """How long one answer may take, and what the user reads when it takes longer."""

    seconds: float
    message: str


def call_within(limit: TimeLimit | None, fn: Callable[..., T], *args: object) -> T:
    """`fn(*args)`, or `AnswerTimeout` when it has not returned within the limit (None: no limit, no thread)."""
    if limit is None:
        return fn(*args)
    future = _POOL.submit(fn, *args)
    try:
        return future.result(timeout=limit.seconds)
    except FutureTimeout:
        future.cancel()  # still waiting for a worker: it never starts
        raise AnswerTimeout(limit.message) from None


def stream_within(limit: TimeLimit | None, make: Callable[[], Iterator[T]]) -> Iterator[T]:
    """The items of `make()`, made in a worker thread; `AnswerTimeout` once the limit has passed since the start
    before the last one came. The producer stops at its next item when the consumer is gone (None: no limit)."""
    if limit is None:
        yield from make()
        return
    items: queue.Queue[tuple[str, object]] = queue.Queue()
    stop = threading.Event()

    def produce() -> None:
        try:
            stream = make()
            try:
                for item in stream:
                    if stop.is_set():
                        return
                    items.put((_ITEM, item))
            finally:
                close = getattr(stream, "close", None)
                if close is not None:
                    close()
            items.put((_DONE, None))
        except BaseException as exc:  # handed to the consumer, which raises it in the handler's thread
            items.put((_FAILED, exc))

    future = _POOL.submit(produce)
    deadline = time.monotonic() + limit.seconds
    try:
        while True:
            try:
                kind, value = items.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AnswerTimeout(limit.message) from None
            if kind == _DONE:
                return
            if kind == _FAILED:
                raise value  # type: ignore[misc]
            if time.monotonic() > deadline:  # a stream still writing at the limit is stopped too
                raise AnswerTimeout(limit.message)
            yield value  # type: ignore[misc]
    finally:
        stop.set()
        future.cancel()
