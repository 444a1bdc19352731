"""What the web server keeps per session, bounded.

Gradio keeps a `SessionState` for every session hash it sees: its own copy of the page's configuration (about
0.8 MB for this page, more once a handler has updated components) and the session's `gr.State` values. It only
ever drops the `gr.State` values (on their `time_to_live`, or an hour after the page closed); the session itself
stays until 10,000 sessions are held. An API call without a session of its own (`/gradio_api/call/ask`, or a
script that opens a new `gradio_client.Client` for each question) is a session too. Measured with `make loadtest`,
each session added about 1.1-1.4 MB of resident memory, none of it given back: thousands of one-question sessions
are gigabytes.

Here a sweep, started with the server (`lifespan`), drops whole sessions:

- a session that holds nothing of its own (no `gr.State` value, no component changed by a handler: API calls)
  once it has had no request for `UNTOUCHED_AFTER_S`; recreating it gives the same;
- a session whose page was closed (Gradio marks it when the page's heartbeat ends), after `closed_s`;
- a session no request has used for `idle_s` (a tab left open overnight: its next click starts afresh).

`max_sessions` (Gradio's `state_session_capacity`) bounds what is kept between sweeps: the least recently used
session goes first. After sessions were dropped, the C allocator is asked to hand freed memory back to the system
(`malloc_trim`), at most every `TRIM_EVERY_S`.

A new session is also made cheaper (`LeanSession`): Gradio configures every component of the page for it up front
(`config_values`), which only its deep links read (this app offers none). For this page that took about 50 ms of
CPU on the server's event loop, so every other user's answer stream waited while a page opened or a script
connected; `make loadtest` measured it (docs/evaluation.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import datetime as dt
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from gradio.state_holder import SessionState, StateHolder

from assistant.settings import WebSettings

log = logging.getLogger(__name__)

SWEEP_EVERY_S = 5.0
# A session that keeps nothing is dropped once this long without a request. Not at once: a script that asks
# through one `gradio_client.Client` keeps one session between its questions. (Chosen when making a session took
# Gradio about 130 ms of CPU on a busy 2-core machine; `LeanSession` has since made it cheap.)
UNTOUCHED_AFTER_S = 10.0
TRIM_EVERY_S = 30.0  # after sessions were dropped, memory is handed back to the system at most this often


@dataclass(frozen=True)
class SessionLimits:
    idle_s: float  # no request for this long: the session is dropped
    closed_s: float  # the page closed this long ago (its last request): the session is dropped
    max_sessions: int  # Gradio's own bound, between sweeps

    @classmethod
    def of(cls, web: WebSettings) -> SessionLimits:
        return cls(web.session_idle_minutes * 60, web.session_closed_seconds, web.max_sessions)


class _NoComponents:
    """What `SessionState.__init__` reads of a page: its default configuration, and here no component to configure
    up front."""

    def __init__(self, blocks: Any):
        self.default_config = blocks.default_config
        self.blocks: dict[int, Any] = {}


class LeanSession(SessionState):
    """Gradio's session with no configuration made up front: Gradio adds a component's own when a handler changes
    it (`SessionState._update_value_in_config`), and the page keeps its defaults."""

    def __init__(self, blocks: Any):
        super().__init__(_NoComponents(blocks))


class LeanStateHolder(StateHolder):
    """Gradio's store of sessions, making each new one a `LeanSession`."""

    def __getitem__(self, session_id: str) -> SessionState:
        if session_id not in self.session_data:
            self.session_data[session_id] = LeanSession(self.blocks)
        return super().__getitem__(session_id)


def use_lean_sessions(app: Any) -> None:
    """Give the running server (Gradio's `App`) a `LeanStateHolder`; before its first request, so no session is
    lost."""
    holder = LeanStateHolder()
    holder.set_blocks(app.get_blocks())  # the page now finds its sessions there too
    app.state_holder = holder


def untouched(session: Any, defaults: Any) -> bool:
    """Whether a Gradio `SessionState` holds nothing a new one would not: no `gr.State` value set by a handler,
    and every component as the page built it."""
    if session.state_data:
        return False
    blocks = session.blocks_config.blocks
    default = defaults.blocks
    return len(blocks) == len(default) and all(blocks.get(k) is b for k, b in default.items())


def prune(
    holder: Any, queue: Any, limits: SessionLimits, now: dt.datetime | None = None, touched: set[str] | None = None
) -> int:
    """Drop the sessions of Gradio's `StateHolder` that `limits` let go, with what the queue keeps for them; a
    session with a request in the queue is never dropped. `touched` remembers, from one sweep to the next, the
    sessions found to keep something (they stay so). Returns how many sessions were dropped."""
    now = now or dt.datetime.now()
    touched = set() if touched is None else touched
    busy = {s for s, ids in queue.pending_event_ids_session.items() if ids}
    defaults = holder.blocks.default_config
    dropped = []
    for session_id, session in list(holder.session_data.items()):
        if session_id in busy:
            continue
        used = holder.time_last_used.get(session_id)
        idle = (now - used).total_seconds() if used else float("inf")
        if idle >= limits.idle_s or (session.is_closed and idle >= limits.closed_s):
            dropped.append(session_id)
        elif idle >= UNTOUCHED_AFTER_S and session_id not in touched:
            if untouched(session, defaults):
                dropped.append(session_id)
            else:
                touched.add(session_id)
    for session_id in dropped:
        holder.delete_state(session_id)  # runs the delete_callback of each gr.State
        with holder.lock:
            holder.session_data.pop(session_id, None)
            holder.time_last_used.pop(session_id, None)
        touched.discard(session_id)
    touched.intersection_update(holder.session_data)  # sessions Gradio itself evicted (max_sessions)
    _forget_finished(queue, holder, busy)
    return len(dropped)


def _forget_finished(queue: Any, holder: Any, busy: set[str]) -> None:
    """The queue keeps an empty message box and an empty set of event ids for every session that ever asked
    anything: once the session is gone and nothing is waiting, they go too."""
    for session_id, box in list(queue.pending_messages_per_session.items()):
        if session_id in busy or session_id in holder.session_data or not box.empty():
            continue
        queue.pending_messages_per_session.pop(session_id, None)
        queue.pending_event_ids_session.pop(session_id, None)
    for session_id in [s for s, ids in queue.pending_event_ids_session.items() if not ids]:
        if session_id not in holder.session_data and session_id not in queue.pending_messages_per_session:
            queue.pending_event_ids_session.pop(session_id, None)


def _malloc_trim() -> Callable[[], object] | None:
    """glibc's `malloc_trim`: the allocator keeps freed memory for reuse; this returns what it can to the system
    (without it the app's resident memory stays at its peak after a load). None where the C library has none."""
    try:
        libc = ctypes.CDLL("libc.so.6")  # glibc (Debian); elsewhere none, and nothing is trimmed
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    return lambda: trim(0)


def lifespan(limits: SessionLimits) -> Callable[[Any], contextlib.AbstractAsyncContextManager[None]]:
    """For `launch(app_kwargs={"lifespan": ...})`: lean sessions, and the sweep, running while the server runs."""

    async def sweep(app: Any) -> None:
        touched: set[str] = set()
        trim, dropped, trimmed = _malloc_trim(), 0, time.monotonic()
        while True:
            await asyncio.sleep(SWEEP_EVERY_S)
            try:
                dropped += prune(app.state_holder, app.get_blocks()._queue, limits, touched=touched)
                if trim and dropped and time.monotonic() - trimmed >= TRIM_EVERY_S:
                    await asyncio.to_thread(trim)  # a few ms; off the event loop all the same
                    dropped, trimmed = 0, time.monotonic()
            except Exception:  # never stop sweeping: a failed sweep is retried at the next
                log.exception("pruning sessions failed")

    @contextlib.asynccontextmanager
    async def run(app: Any) -> AsyncIterator[None]:
        use_lean_sessions(app)
        task = asyncio.create_task(sweep(app))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return run
