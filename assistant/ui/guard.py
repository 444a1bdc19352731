"""One error policy for every handler of the web app.

Our own errors (`AssistantError`) say what went wrong and how to fix it: the user reads that message where the
handler shows its results. Anything else is a bug: its traceback goes to the server log only, and the user
reads a short message naming no internals. API endpoints raise the message as `gr.Error`, which Gradio passes
to the client (and shows in the page) even with `show_error=False`.
"""

from __future__ import annotations

import functools
import html
import inspect
import logging
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import gradio as gr

from assistant.errors import AssistantError

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])
TRY_AGAIN = "Try again."
_MARK = "__uncc_guarded__"  # set on every wrapper, so a test can check that no handler was left out


def user_message(exc: Exception, where: str, advice: str = TRY_AGAIN) -> str:
    """What a user reads about `exc`; an unexpected one is logged with its traceback, for the server's eyes only."""
    if isinstance(exc, AssistantError):
        return str(exc)
    log.error("unexpected error in %s", where, exc_info=exc)
    return f"Unexpected error ({exc.__class__.__name__}); the details are in the server log. {advice}"


def warning(message: str) -> str:
    """A problem as a Markdown status line."""
    return f"⚠️ {message}"


def error_html(message: str) -> str:
    """A problem as an HTML box, for outputs that are HTML (the checklist, the passages panel)."""
    return f'<div class="uncc-error" role="alert">{html.escape(message)}</div>'


def shown_in(
    outputs: Sequence[object], target: object, render: Callable[[str], Any] = warning
) -> Callable[[str], tuple[Any, ...]]:
    """An `on_error` for a handler with several outputs: the problem in `target`, every other output unchanged."""
    return lambda message: tuple(render(message) if o is target else gr.skip() for o in outputs)


def guarded(on_error: Callable[[str], Any] | None = None) -> Callable[[F], F]:
    """Decorate a handler: a failure becomes `on_error(message)`, the handler's outputs showing the problem.

    Without `on_error` (the API endpoints) the message is raised as `gr.Error`. Generator handlers are covered
    too: a failure mid-stream yields the error outputs as the last step. A `gr.Error` passes through as is.
    """

    def fail(fn: Callable[..., Any], exc: Exception) -> Any:
        message = user_message(exc, fn.__qualname__)
        if on_error is None:
            # No second traceback from Gradio: an unexpected error's is logged above, and ours need none.
            raise gr.Error(message, print_exception=False) from None
        return on_error(message)

    def decorate(fn: F) -> F:
        # functools.wraps keeps the signature, type hints and docstring Gradio reads for inputs and the API page.
        if inspect.isgeneratorfunction(fn):

            @functools.wraps(fn)
            def stream(*args: Any, **kwargs: Any) -> Any:
                try:
                    yield from fn(*args, **kwargs)
                except gr.Error:
                    raise
                except Exception as exc:
                    yield fail(fn, exc)

            setattr(stream, _MARK, True)
            return stream  # type: ignore[return-value]

        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except gr.Error:
                raise
            except Exception as exc:
                return fail(fn, exc)

        setattr(call, _MARK, True)
        return call  # type: ignore[return-value]

    return decorate


def is_guarded(fn: Callable[..., Any]) -> bool:
    """Whether `fn` is wrapped by `guarded`."""
    return getattr(fn, _MARK, False) is True
