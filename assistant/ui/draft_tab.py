"""The Draft tab's layout and wiring: a type picker, one generated form per request type, the live checklist,
the preview and the downloads (DOCX, PDF and Markdown). The logic is in `assistant.ui.draft`.

Every form is built up front and only the chosen one is visible: the values a user typed into one form stay
there while they look at another, and each form's listeners have fixed inputs. "Start from example" on a form
with content asks first, in a panel under the button; the downloads are withdrawn as soon as the form changes.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.utils import get_upload_folder

from assistant import drafting
from assistant.settings import Settings
from assistant.ui.draft import (
    CONFIRM_EXAMPLE,
    FILES_STALE,
    Widget,
    draft_view,
    example_values,
    form_intro,
    needs_confirmation,
    prepare_files,
    widgets,
)
from assistant.ui.guard import error_html, guarded, shown_in, warning

PRIVATE = "private"  # UI-only listeners: not part of the documented API


@dataclass(frozen=True)
class _DraftOutputs:
    """The Draft tab's shared outputs; every form writes to the same ones."""

    checklist: gr.HTML
    preview: gr.Markdown
    files: gr.File
    status: gr.Markdown
    ready: gr.State  # True while the downloads match the form they were prepared from


@dataclass(frozen=True)
class _FormParts:
    """One request type's form: its fields, buttons and the confirmation asked before replacing its content."""

    fields: list[gr.components.Component]
    example: gr.Button
    build: gr.Button
    confirm: gr.Column
    replace: gr.Button
    keep: gr.Button
    pending: gr.State  # the values waiting for the user's confirmation


def draft_tab(settings: Settings) -> None:
    """The tab's content, inside the caller's `gr.Tab`."""
    types = drafting.list_types(settings)
    forms = {t: drafting.form(t, settings) for t in types}
    first = types[0]
    first_view = draft_view(settings, first, [None] * len(forms[first].fields))
    # Made first, placed later: every form's listeners need them before the right-hand column exists.
    out = _DraftOutputs(
        gr.HTML(first_view.checklist, elem_id="checklist", render=False),
        gr.Markdown(first_view.preview, elem_id="preview", render=False),
        gr.File(label="Downloads", file_count="multiple", interactive=False, elem_id="downloads", render=False),
        gr.Markdown(elem_id="draft-status", render=False),
        gr.State(False),
    )
    with gr.Row():
        with gr.Column(scale=3):
            picker = gr.Dropdown(
                [(forms[t].title, t) for t in types], value=first, label="Request type", elem_id="draft-type"
            )
            intro = gr.Markdown(form_intro(forms[first]))
            groups: dict[str, tuple[gr.Column, list[gr.components.Component]]] = {}
            for t in types:
                with gr.Column(visible=t == first, elem_id=f"form-{t}") as column:
                    example = gr.Button("Start from example", size="sm")
                    with gr.Column(visible=False, elem_id=f"confirm-{t}") as confirm:
                        gr.Markdown(CONFIRM_EXAMPLE)
                        with gr.Row():
                            replace = gr.Button("Replace with the example", variant="stop", size="sm")
                            keep = gr.Button("Keep what I typed", size="sm")
                    fields = [_component(w, t) for w in widgets(forms[t])]
                    build = gr.Button("Prepare DOCX, PDF and Markdown", variant="primary")
                groups[t] = (column, fields)
                parts = _FormParts(fields, example, build, confirm, replace, keep, gr.State(None))
                _wire_form(settings, t, parts, out)
        with gr.Column(scale=2):
            gr.Markdown("### Completeness")
            out.checklist.render()
            out.files.render()
            out.status.render()
    with gr.Accordion("Preview", open=True):
        out.preview.render()
    every = [c for _, fields in groups.values() for c in fields]
    shown = [*(g[0] for g in groups.values()), intro, out.checklist, out.preview, out.files, out.status, out.ready]

    @guarded(shown_in(shown, out.status))
    def on_type(request_type: str, *values: Any) -> tuple[Any, ...]:
        offset = 0
        for t in types:  # the values of every form arrive flat, form by form
            if t == request_type:
                break
            offset += len(groups[t][1])
        view = draft_view(settings, request_type, values[offset : offset + len(groups[request_type][1])])
        return (
            *(gr.Column(visible=t == request_type) for t in types),
            form_intro(forms[request_type]),
            view.checklist,
            view.preview,
            None,
            "",
            False,
        )

    picker.input(
        on_type,
        inputs=[picker, *every],
        outputs=shown,
        api_visibility=PRIVATE,
    )


def _component(w: Widget, request_type: str) -> gr.components.Component:
    elem_id = f"{request_type}-{w.name}"
    if w.kind == "dropdown":
        return gr.Dropdown(list(w.choices), value=None, label=w.label, info=w.info, elem_id=elem_id)
    if w.kind == "radio":
        return gr.Radio(list(w.choices), value=None, label=w.label, info=w.info, elem_id=elem_id)
    return gr.Textbox(label=w.label, info=w.info, lines=w.lines, placeholder=w.placeholder, elem_id=elem_id)


def _wire_form(settings: Settings, request_type: str, parts: _FormParts, out: _DraftOutputs) -> None:
    """Live checklist and preview on every change (withdrawing files made from earlier values), the example
    loader with its confirmation, and the file builder of one form."""
    fields = parts.fields
    hidden = gr.Column(visible=False)

    @guarded(shown_in([out.checklist, out.preview, out.files, out.status, out.ready], out.checklist, error_html))
    def on_change(*values: Any) -> tuple[Any, ...]:
        *values, ready = values  # type: ignore[assignment]  # the last input is the shared `ready` flag
        view = draft_view(settings, request_type, values)
        if ready:  # the files on screen no longer match the form
            return view.checklist, view.preview, None, FILES_STALE, False
        return view.checklist, view.preview, gr.skip(), gr.skip(), gr.skip()

    @guarded(shown_in([*fields, parts.confirm, parts.pending, out.status], out.status))
    def on_example(*values: Any) -> tuple[Any, ...]:
        example = example_values(settings, request_type)
        form = drafting.form(request_type, settings)
        if needs_confirmation(form, values, example):  # ask first; the example waits in `pending`
            return *(gr.skip() for _ in fields), gr.Column(visible=True), example, gr.skip()
        return *example, hidden, None, gr.skip()

    @guarded(shown_in([*fields, parts.confirm, parts.pending, out.status], out.status))
    def on_replace(pending: list[Any] | None) -> tuple[Any, ...]:
        values = pending if pending is not None else [gr.skip() for _ in fields]
        return *values, hidden, None, gr.skip()

    @guarded(shown_in([parts.confirm, parts.pending, out.status], out.status))
    def on_keep() -> tuple[Any, ...]:
        return hidden, None, gr.skip()

    @guarded(lambda problem: (None, warning(problem), False))
    def on_build(*values: Any) -> tuple[list[str] | None, str, bool]:
        folder = Path(tempfile.mkdtemp(prefix="uncc-draft-", dir=_upload_folder()))
        prepared = prepare_files(settings, request_type, values, folder)
        return [str(p) for p in prepared.paths], prepared.status, True

    gr.on(
        [f.change for f in fields],
        on_change,
        inputs=[*fields, out.ready],
        outputs=[out.checklist, out.preview, out.files, out.status, out.ready],
        trigger_mode="always_last",
        show_progress="hidden",
        api_visibility=PRIVATE,
    )
    parts.example.click(
        on_example,
        inputs=fields,
        outputs=[*fields, parts.confirm, parts.pending, out.status],
        api_visibility=PRIVATE,
    )
    parts.replace.click(
        on_replace,
        inputs=parts.pending,
        outputs=[*fields, parts.confirm, parts.pending, out.status],
        api_visibility=PRIVATE,
    )
    parts.keep.click(on_keep, outputs=[parts.confirm, parts.pending, out.status], api_visibility=PRIVATE)
    parts.build.click(on_build, inputs=fields, outputs=[out.files, out.status, out.ready], api_visibility=PRIVATE)


def _upload_folder() -> Path:
    # Inside Gradio's own cache: served without a second copy, and removed by `delete_cache`.
    folder = Path(get_upload_folder())
    folder.mkdir(parents=True, exist_ok=True)
    return folder
