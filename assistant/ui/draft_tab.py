"""The Draft tab's layout and wiring: a type picker, one generated form per request type, the live checklist,
the preview and the downloads. The logic is in `assistant.ui.draft`.

Every form is built up front and only the chosen one is visible: the values a user typed into one form stay
there while they look at another, and each form's listeners have fixed inputs.
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
from assistant.ui.draft import Widget, draft_view, example_values, form_intro, widgets, write_files
from assistant.ui.guard import error_html, guarded, shown_in, warning

PRIVATE = "private"  # UI-only listeners: not part of the documented API


@dataclass(frozen=True)
class _DraftOutputs:
    """The Draft tab's shared outputs; every form writes to the same ones."""

    checklist: gr.HTML
    preview: gr.Markdown
    files: gr.File
    status: gr.Markdown


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
                    fields = [_component(w, t) for w in widgets(forms[t])]
                    build = gr.Button("Prepare DOCX and Markdown", variant="primary")
                groups[t] = (column, fields)
                _wire_form(settings, t, fields, example, build, out)
        with gr.Column(scale=2):
            gr.Markdown("### Completeness")
            out.checklist.render()
            out.files.render()
            out.status.render()
    with gr.Accordion("Preview", open=True):
        out.preview.render()
    every = [c for _, fields in groups.values() for c in fields]
    shown = [*(g[0] for g in groups.values()), intro, out.checklist, out.preview, out.files, out.status]

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


def _wire_form(
    settings: Settings,
    request_type: str,
    fields: list[gr.components.Component],
    example: gr.Button,
    build: gr.Button,
    out: _DraftOutputs,
) -> None:
    """Live checklist and preview on every change, the example loader and the file builder of one form."""

    @guarded(shown_in([out.checklist, out.preview], out.checklist, error_html))
    def on_change(*values: Any) -> tuple[str, str]:
        view = draft_view(settings, request_type, values)
        return view.checklist, view.preview

    @guarded(shown_in([*fields, out.status], out.status))
    def on_example() -> tuple[Any, ...]:
        return *example_values(settings, request_type), gr.skip()

    @guarded(lambda problem: (None, warning(problem)))
    def on_build(*values: Any) -> tuple[list[str] | None, str]:
        folder = Path(tempfile.mkdtemp(prefix="uncc-draft-", dir=_upload_folder()))
        paths = write_files(settings, request_type, values, folder)
        return [str(p) for p in paths], "Files ready: click ⇣ beside a file above to download it."

    gr.on(
        [f.change for f in fields],
        on_change,
        inputs=fields,
        outputs=[out.checklist, out.preview],
        trigger_mode="always_last",
        show_progress="hidden",
        api_visibility=PRIVATE,
    )
    example.click(on_example, outputs=[*fields, out.status], api_visibility=PRIVATE)
    build.click(on_build, inputs=fields, outputs=[out.files, out.status], api_visibility=PRIVATE)


def _upload_folder() -> Path:
    # Inside Gradio's own cache: served without a second copy, and removed by `delete_cache`.
    folder = Path(get_upload_folder())
    folder.mkdir(parents=True, exist_ok=True)
    return folder
