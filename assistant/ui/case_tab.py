"""The Case tab's layout and wiring: the case file in an editor, its plan as a timeline, the case log, and the
downloads (case file, deadlines, all drafts). The logic is in `assistant.ui.case`.

The case stays in the browser: the editor holds it, each click sends it, and nothing on the server keeps it
except the files the user asks to download (in Gradio's cache, which the app clears on a timer). Every edit is
also autosaved in the browser's local storage (`draft_tab.browser_storage`) and put back in the editor, with a
notice, when the page is opened again.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.context import Context
from gradio.utils import get_upload_folder

from assistant.drafting.case import check_file_size
from assistant.settings import Settings
from assistant.ui.case import (
    case_autosave,
    marked,
    plan_date,
    plan_html,
    plan_text,
    read_case_autosave,
    write_bundle,
)
from assistant.ui.draft_tab import PRIVATE, browser_storage
from assistant.ui.guard import error_html, guarded, shown_in, warning
from assistant.ui.i18n import label, page_language, page_text

AUTOSAVE_KEY = "uncc-case-autosave"  # the browser's copy of the editor, under this local storage key
READ_AUTOSAVE, WRITE_AUTOSAVE = browser_storage(AUTOSAVE_KEY)
FIRST_EXAMPLE = "ransomware"  # the case that shows every kind of step
# Asked in the browser before the editor's text is replaced; the answer reaches the handler as `replace`.
CONFIRM = """(first, _ok, text) => [first, !(text && text.trim()) ||
  confirm('Replace the case file in the editor? Your text is lost unless you downloaded it.'), text]"""


def _download_folder() -> Path:
    # Inside Gradio's own cache: served without a second copy, and removed by the app's `delete_cache` timer.
    folder = Path(get_upload_folder())
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def case_tab(settings: Settings) -> None:
    """The tab's content, inside the caller's `gr.Tab`."""
    gr.Markdown(label("case_intro"))
    with gr.Row():
        with gr.Column(scale=1):
            examples = sorted(p.stem for p in (settings.knowledge_dir / "cases").glob("*.yaml"))
            with gr.Row():
                chosen = gr.Dropdown(
                    examples,
                    value=FIRST_EXAMPLE if FIRST_EXAMPLE in examples else examples[0],
                    label=label("case_example"),
                    elem_id="case-examples",
                )
                example = gr.Button(label("case_load"), size="sm", elem_id="case-example")
                upload = gr.UploadButton(label("open_case"), file_types=[".yaml", ".yml"], size="sm")
            editor = gr.Code(language="yaml", label=label("case_editor"), lines=24, elem_id="case-editor")
            today = gr.Textbox(label=label("case_date"), elem_id="case-date", max_lines=1)
            run = gr.Button(label("case_plan"), variant="primary", elem_id="case-plan")
            with gr.Accordion(label("case_log"), open=False):
                with gr.Row():
                    step = gr.Number(label=label("case_step"), precision=0, minimum=1, elem_id="case-step")
                    status = gr.Dropdown(
                        ["sent", "answered", "refused"], label=label("case_outcome"), elem_id="case-outcome"
                    )
                    on = gr.Textbox(label=label("case_on"), max_lines=1, elem_id="case-on")
                mark = gr.Button(label("case_mark"), elem_id="case-mark")
        with gr.Column(scale=1):
            timeline = gr.HTML(elem_id="case-plan-view")
            files = gr.File(label=label("downloads"), file_count="multiple", interactive=False, elem_id="case-files")
            message = gr.Markdown(elem_id="case-status")

    replace = gr.Checkbox(value=True, visible=False)  # set by CONFIRM in the browser
    kept = gr.JSON(None, visible=False)  # the autosave, as the page holds it for the storage hooks

    @guarded(shown_in([editor, message], message))
    def on_example(name: str, replace_ok: bool, current: str, request: gr.Request | None = None) -> tuple[Any, str]:
        lang = page_language(request)
        if not replace_ok:
            return gr.skip(), page_text(lang, "case_kept")
        if name not in examples:
            return gr.skip(), warning(page_text(lang, "case_choose_example"))
        text = (settings.knowledge_dir / "cases" / f"{name}.yaml").read_text(encoding="utf-8")
        return text, page_text(lang, "case_example_loaded", name=name)

    @guarded(shown_in([editor, message], message))
    def on_upload(
        path: str | None, replace_ok: bool, current: str, request: gr.Request | None = None
    ) -> tuple[Any, str]:
        lang = page_language(request)
        if not path:
            return gr.skip(), ""
        file = Path(path)
        if not replace_ok:
            file.unlink(missing_ok=True)
            return gr.skip(), page_text(lang, "case_kept")
        try:
            check_file_size(file.stat().st_size, file.name, settings)
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            return gr.skip(), warning(page_text(lang, "case_not_utf8"))
        finally:
            file.unlink(missing_ok=True)  # the case now lives in the editor only
        return text, page_text(lang, "case_opened", name=file.name)

    @guarded(lambda problem: (error_html(problem), None, warning(problem)))
    def on_plan(text: str, day: str, request: gr.Request | None = None) -> tuple[str, list[str], str]:
        """The plan, and the downloads: the drafts in the page's language unless the case file names its own."""
        lang = page_language(request)
        when = plan_date(day)
        plan = plan_text(settings, text, when)
        folder = Path(tempfile.mkdtemp(prefix="uncc-case-", dir=_download_folder()))
        paths = write_bundle(settings, text, plan, folder, lang)
        done = page_text(lang, "case_planned", steps=len(plan.steps))
        return plan_html(plan), [str(p) for p in paths], done

    @guarded(shown_in([editor, timeline, files, message], message))
    def on_mark(
        text: str, day: str, order: float | None, outcome: str, date: str, request: gr.Request | None = None
    ) -> tuple[Any, ...]:
        lang = page_language(request)
        when = plan_date(day)
        updated = marked(settings, text, when, order, outcome, date)
        plan = plan_text(settings, updated, when)
        folder = Path(tempfile.mkdtemp(prefix="uncc-case-", dir=_download_folder()))
        paths = write_bundle(settings, updated, plan, folder, lang)
        note = page_text(lang, "case_marked", step=int(order or 0), outcome=outcome)
        return updated, plan_html(plan), [str(p) for p in paths], note

    @guarded(shown_in([files, message], message))
    def stale() -> tuple[Any, str]:
        # The files no longer match the case once it is edited: clear them rather than let a stale one go out.
        return None, ""

    @guarded(lambda problem: gr.skip())  # a failed autosave keeps the last one
    def on_edit(text: str | None) -> dict[str, object]:
        # Every change (typed, loaded, marked) goes to the browser's local storage, never to the server's disk.
        return case_autosave(text)

    @guarded(shown_in([editor, message, kept], message))
    def on_open(saved: Any, current: str | None) -> tuple[Any, ...]:
        """The page opened: the case file autosaved in this browser back in the editor, with a notice."""
        text, notice, unreadable = read_case_autosave(saved)
        if unreadable:
            return gr.skip(), warning(notice), case_autosave("")
        if text is None or (current or "").strip():
            return gr.skip(), gr.skip(), gr.skip()
        return text, notice, gr.skip()

    store = {"fn": None, "inputs": kept, "js": WRITE_AUTOSAVE, "show_progress": "hidden", "api_visibility": PRIVATE}
    if Context.root_block is not None:  # the page that holds this tab
        Context.root_block.load(
            on_open, inputs=[kept, editor], outputs=[editor, message, kept], js=READ_AUTOSAVE, api_visibility=PRIVATE
        ).then(**store)
    editor.change(
        on_edit,
        inputs=editor,
        outputs=kept,
        trigger_mode="always_last",
        show_progress="hidden",
        api_visibility=PRIVATE,
    ).then(**store)
    example.click(
        on_example, inputs=[chosen, replace, editor], outputs=[editor, message], api_visibility=PRIVATE, js=CONFIRM
    )
    upload.upload(
        on_upload, inputs=[upload, replace, editor], outputs=[editor, message], api_visibility=PRIVATE, js=CONFIRM
    )
    run.click(on_plan, inputs=[editor, today], outputs=[timeline, files, message], api_visibility=PRIVATE)
    mark.click(
        on_mark,
        inputs=[editor, today, step, status, on],
        outputs=[editor, timeline, files, message],
        api_visibility=PRIVATE,
    )
    editor.input(stale, outputs=[files, message], api_visibility=PRIVATE, show_progress="hidden")
