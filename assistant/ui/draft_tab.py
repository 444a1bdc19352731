"""The Draft tab's layout and wiring: a type picker, one generated form per request type (ending with the closing
block's place, date and signatory), the live checklist, the preview and the downloads (DOCX, PDF and Markdown,
named after the draft's date, reference and type). The logic is in `assistant.ui.draft`.

Every form is built up front and only the chosen one is visible: the values a user typed into one form stay
there while they look at another, and each form's listeners have fixed inputs. Nothing typed is lost:
"Start from example", or opening a case file, on a form with content asks first, in a panel under the buttons;
the downloads are withdrawn as soon as the form changes; every edit is autosaved in the browser's local storage
(a small script hook, `browser_storage`), and a page opened with an autosave offers it back ("Restore" or
"Discard"). "Save case file"
downloads the form as the YAML file `uncc draft TYPE --case FILE` reads; "Open a case file" reads one back.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.context import Context
from gradio.i18n import I18nData
from gradio.utils import get_upload_folder

from assistant import drafting
from assistant.settings import Settings
from assistant.ui.draft import (
    Autosaved,
    OpenedCase,
    Widget,
    autosave_of,
    autosave_with,
    case_saved_status,
    choice_labels,
    draft_view,
    example_values,
    field_key,
    form_intro,
    form_words,
    needs_confirmation,
    open_case_text,
    prepare_files,
    read_autosave,
    read_upload,
    restore_conflicts,
    restore_notice,
    state_case,
    widgets,
    write_case_file,
)
from assistant.ui.guard import error_html, guarded, shown_in, warning
from assistant.ui.i18n import label, language_code, page_language, page_text

PRIVATE = "private"  # UI-only listeners: not part of the documented API
AUTOSAVE_KEY = "uncc-draft-autosave"  # the browser's copy of the forms, under this local storage key


def browser_storage(key: str) -> tuple[str, str]:
    """The script hooks of an autosave kept in the browser's local storage under `key`, as JSON: one that reads
    it when the page opens (into a listener's first input: the stored value, None when there is none, or
    "unreadable"; the other inputs pass as they are), and one that writes a listener's only input there (None
    removes it).

    The server checks what was read before anything reaches a form, and computes what is written; it keeps
    nothing. (Gradio's `BrowserState` would do the same, but only once its tab has been opened: a page opened on
    another tab would not see its autosave.)"""
    read = f"""(...inputs) => {{
  const rest = inputs.slice(1);
  try {{ const raw = localStorage.getItem({key!r}); return [raw === null ? null : JSON.parse(raw), ...rest]; }}
  catch (e) {{ return ["unreadable", ...rest]; }}
}}"""
    write = f"""(value) => {{
  try {{
    if (value === null || value === undefined) {{ localStorage.removeItem({key!r}); }}
    else {{ localStorage.setItem({key!r}, JSON.stringify(value)); }}
  }} catch (e) {{ /* storage full or disabled: the form itself is unaffected */ }}
}}"""
    return read, write


READ_AUTOSAVE, WRITE_AUTOSAVE = browser_storage(AUTOSAVE_KEY)


@dataclass(frozen=True)
class _DraftOutputs:
    """The Draft tab's shared outputs; every form writes to the same ones."""

    checklist: gr.HTML
    preview: gr.Markdown
    files: gr.File
    status: gr.Markdown
    ready: gr.State  # True while the downloads match the form they were prepared from
    picker: gr.Dropdown
    autosave: gr.JSON  # the autosave (every form with content), as the page holds it for the storage hooks


@dataclass(frozen=True)
class _FormParts:
    """One request type's form: its fields, buttons and the confirmation asked before replacing its content."""

    fields: list[gr.components.Component]
    example: gr.Button
    save: gr.Button
    upload: gr.UploadButton
    note: gr.Markdown  # what opening or saving a case file did, or why it could not
    states: gr.Radio  # the requested State, when a whole-case file names several
    casefile: gr.State  # that whole-case file, until a State is chosen
    build: gr.Button
    confirm: gr.Column
    question: gr.Markdown  # what the confirmation asks
    replace: gr.Button
    keep: gr.Button
    pending: gr.State  # the values waiting for the user's confirmation, and what to say once they are in


def draft_tab(settings: Settings, language: gr.Dropdown) -> tuple[gr.Dropdown, Any]:
    """The tab's content, inside the caller's `gr.Tab`. Returns the type picker and `show_chosen(listener)`,
    which shows the form of the type another tab's listener put into the picker.

    `language` is the page's language selector: every listener that shows or writes a draft reads it (its last
    input), so the checklist, the preview and the files are in the page's language. The fields' labels and help
    are translation keys the browser shows in that language (`field_key`); the titles in the type picker and
    the choices of a field are set here whenever the language changes."""
    types = drafting.list_types(settings)
    forms = {t: drafting.form(t, settings) for t in types}
    first = types[0]
    first_view = draft_view(settings, first, [None] * len(forms[first].fields))
    # Made first, placed later: every form's listeners need them before the right-hand column exists.
    out = _DraftOutputs(
        gr.HTML(first_view.checklist, elem_id="checklist", render=False),
        gr.Markdown(first_view.preview, elem_id="preview", render=False),
        gr.File(label=label("downloads"), file_count="multiple", interactive=False, elem_id="downloads", render=False),
        gr.Markdown(elem_id="draft-status", render=False),
        gr.State(False),
        gr.Dropdown(
            [(forms[t].title, t) for t in types],
            value=first,
            label=label("draft_type"),
            elem_id="draft-type",
            render=False,
        ),
        gr.JSON(None, visible=False),
    )
    with gr.Column(visible=False, elem_id="draft-restore") as notice:
        notice_text = gr.Markdown(elem_id="draft-restore-text", elem_classes="uncc-banner")
        with gr.Row():
            restore = gr.Button(
                label("restore_draft"), variant="primary", size="sm", scale=0, elem_id="draft-restore-yes"
            )
            discard = gr.Button(label("discard_draft"), size="sm", scale=0, elem_id="draft-restore-no")
    restore_note = gr.Markdown(visible=False, elem_id="draft-restore-note")  # what became of the autosave
    with gr.Row():
        with gr.Column(scale=3):
            out.picker.render()
            intro = gr.Markdown(form_intro(forms[first]))
            groups: dict[str, tuple[gr.Column, list[gr.components.Component]]] = {}
            for t in types:
                with gr.Column(visible=t == first, elem_id=f"form-{t}") as column:
                    with gr.Row():
                        example = gr.Button(label("draft_example"), size="sm")
                        save = gr.Button(label("save_case"), size="sm", elem_id=f"save-case-{t}")
                        upload = gr.UploadButton(
                            label("open_case"), file_types=[".yaml", ".yml"], size="sm", elem_id=f"open-case-{t}"
                        )
                    note = gr.Markdown(elem_id=f"case-note-{t}")
                    states = gr.Radio([], label=label("choose_state"), visible=False, elem_id=f"case-states-{t}")
                    with gr.Column(visible=False, elem_id=f"confirm-{t}") as confirm:
                        question = gr.Markdown(page_text("en", "draft_confirm_example"))
                        with gr.Row():
                            replace = gr.Button(label("draft_replace_example"), variant="stop", size="sm")
                            keep = gr.Button(label("draft_keep"), size="sm")
                    inputs, own = widgets(forms[t]), len(forms[t].fields)
                    fields = [_component(w, t) for w in inputs[:own]]
                    gr.Markdown(label("closing_intro"), elem_id=f"closing-intro-{t}")
                    with gr.Row(elem_id=f"closing-{t}"):  # place, date, signatory: the closing block
                        fields += [_component(w, t) for w in inputs[own:]]
                    build = gr.Button(label("draft_build"), variant="primary")
                groups[t] = (column, fields)
                parts = _FormParts(
                    fields, example, save, upload, note, states, gr.State(None), build, confirm, question, replace,
                    keep, gr.State(None),
                )  # fmt: skip
                _wire_form(settings, t, parts, out, language)
        with gr.Column(scale=2):
            gr.Markdown("### " + label("draft_completeness"))  # under the tab's heading (level 2, app._tab_heading)
            out.checklist.render()
            out.files.render()
            out.status.render()
    with gr.Accordion(label("draft_preview"), open=True):
        out.preview.render()
    every = [c for _, fields in groups.values() for c in fields]
    columns = [g[0] for g in groups.values()]
    shown = [*columns, intro, out.checklist, out.preview, out.files, out.status, out.ready]

    def by_type(values: tuple[Any, ...]) -> dict[str, list[Any]]:
        """The values of every form, which arrive flat, form by form."""
        found, offset = {}, 0
        for t in types:
            n = len(groups[t][1])
            found[t] = list(values[offset : offset + n])
            offset += n
        return found

    def showing(request_type: str, values: list[Any], lang: str) -> tuple[Any, ...]:
        """The outputs of `shown` for the form of `request_type` in the page's language, downloads cleared."""
        view = draft_view(settings, request_type, values, lang)
        visible = (gr.Column(visible=t == request_type) for t in types)
        intro = form_intro(forms[request_type], form_words(settings, lang))
        return *visible, intro, view.checklist, view.preview, None, "", False

    @guarded(shown_in(shown, out.status))
    def on_type(request_type: str, *values: Any) -> tuple[Any, ...]:
        *values, code = values  # type: ignore[assignment]  # the page's language comes last
        return showing(request_type, by_type(tuple(values))[request_type], language_code(code))

    out.picker.input(
        on_type,
        inputs=[out.picker, *every, language],
        outputs=shown,
        api_visibility=PRIVATE,
    )
    choosers = [(c, w) for t in types for c, w in zip(groups[t][1], widgets(forms[t]), strict=True) if w.choices]

    @guarded(shown_in([out.picker, *shown, *(c for c, _ in choosers)], out.status))
    def on_language(code: str, request_type: str, *values: Any) -> tuple[Any, ...]:
        """The page's language changed (chosen, or applied on load): the form on screen, its checklist and preview
        again in it, the picker's titles and the fields' choices too (their labels follow in the browser)."""
        lang = language_code(code)
        words = form_words(settings, lang)
        titles = gr.Dropdown(choices=[(words.title(forms[t]), t) for t in types])
        shown_choices = (gr.update(choices=choice_labels(w, words)) for _, w in choosers)
        return titles, *showing(request_type, by_type(values)[request_type], lang), *shown_choices

    language.change(
        on_language,
        inputs=[language, out.picker, *every],
        outputs=[out.picker, *shown, *(c for c, _ in choosers)],
        show_progress="hidden",
        api_visibility=PRIVATE,
    )
    offered, armed = gr.State(None), gr.State(False)
    restored = [out.picker, *shown, *every, notice, notice_text, armed, out.autosave, restore_note]
    kept_as_is = tuple(gr.skip() for _ in restored[:-5])  # the forms and the panels beside them

    @guarded(shown_in([notice, notice_text, restore_note, offered, out.autosave], restore_note, _said))
    def on_load(saved: Any, request: gr.Request | None = None) -> tuple[Any, ...]:
        """A page opened with an autosave offers it back; one it cannot read is discarded, and said."""
        autosaved = read_autosave(saved, forms)
        lang = page_language(request)
        if autosaved.discarded or (autosaved.notes and not autosaved.forms):
            empty = autosave_of(forms, {}, None)
            return gr.Column(visible=False), "", _said(page_text(lang, "draft_unreadable")), None, empty
        if not autosaved.forms:
            return gr.skip(), gr.skip(), gr.skip(), None, gr.skip()
        kept = autosave_of(forms, autosaved.forms, autosaved.current) | {"saved": autosaved.saved}  # as migrated
        offer = restore_notice(autosaved, forms, form_words(settings, lang))
        return gr.Column(visible=True), offer, gr.skip(), autosaved, kept

    @guarded(shown_in(restored, notice_text))
    def on_restore(autosaved: Autosaved | None, confirmed: bool, *values: Any) -> tuple[Any, ...]:
        """Put the autosave back into the forms; asks first if a form got new content since the page opened."""
        *values, code = values  # type: ignore[assignment]  # the page's language comes last
        lang = language_code(code)
        current = by_type(tuple(values))
        if autosaved is None or not autosaved.forms:
            return *kept_as_is, gr.Column(visible=False), gr.skip(), False, gr.skip(), gr.skip()
        clashes = restore_conflicts(autosaved, forms, current)
        if clashes and not confirmed:
            ask = page_text(lang, "restore_clash", forms="; ".join(clashes))
            return *kept_as_is, gr.skip(), ask, True, gr.skip(), gr.skip()
        merged = current | autosaved.forms
        chosen = autosaved.current or next(iter(autosaved.forms))
        filled = [
            v for t in types for v in (autosaved.forms[t] if t in autosaved.forms else [gr.skip()] * len(current[t]))
        ]
        return (
            chosen,
            *showing(chosen, merged[chosen], lang),
            *filled,
            gr.Column(visible=False),
            "",
            False,
            autosave_of(forms, merged, chosen),
            _say(page_text(lang, "draft_restored")),
        )

    @guarded(shown_in([notice, armed, offered, out.autosave, restore_note], restore_note, _said))
    def on_discard(*values: Any) -> tuple[Any, ...]:
        """Forget the autosave offered; what is on screen now is what the browser keeps."""
        *values, code = values  # type: ignore[assignment]  # the page's language comes last
        return (
            gr.Column(visible=False),
            False,
            None,
            autosave_of(forms, by_type(tuple(values)), None),
            _say(page_text(language_code(code), "draft_discarded")),
        )

    store = {"fn": None, "inputs": out.autosave, "js": WRITE_AUTOSAVE, "api_visibility": PRIVATE}
    if Context.root_block is not None:  # the page that holds this tab
        Context.root_block.load(
            on_load,
            inputs=out.autosave,
            outputs=[notice, notice_text, restore_note, offered, out.autosave],
            js=READ_AUTOSAVE,
            api_visibility=PRIVATE,
        ).then(**store)
    restore.click(on_restore, inputs=[offered, armed, *every, language], outputs=restored, api_visibility=PRIVATE).then(
        **store
    )
    discard.click(
        on_discard,
        inputs=[*every, language],
        outputs=[notice, armed, offered, out.autosave, restore_note],
        api_visibility=PRIVATE,
    ).then(**store)

    def show_chosen(listener: Any) -> None:
        """After `listener` (e.g. "Draft this request" in the Ask tab) set the picker: show that type's form."""
        listener.success(on_type, inputs=[out.picker, *every, language], outputs=shown, api_visibility=PRIVATE)

    return out.picker, show_chosen


def _say(text: str) -> Any:
    """A note that takes no room on the page until it has something to say."""
    return gr.Markdown(text, visible=bool(text))


def _said(problem: str) -> Any:
    return _say(warning(problem))


def _problem(message: str) -> str:
    """A problem beside the form: the first line, then one bullet per field ("  line 3: ..." in the message)."""
    return warning(message.replace("\n  ", "\n- "))


def _component(w: Widget, request_type: str) -> gr.components.Component:
    """The field's input; its label and help are translation keys (`field_key`), shown in the page's language."""
    elem_id = f"{request_type}-{w.name}"
    words = {
        "label": I18nData(field_key(request_type, w.name, "label")),
        "info": I18nData(field_key(request_type, w.name, "info")),
    }
    if w.kind == "dropdown":
        return gr.Dropdown(choice_labels(w), value=None, **words, elem_id=elem_id)
    if w.kind == "radio":
        return gr.Radio(choice_labels(w), value=None, **words, elem_id=elem_id)
    return gr.Textbox(**words, lines=w.lines, placeholder=w.placeholder, elem_id=elem_id)


def _wire_form(
    settings: Settings, request_type: str, parts: _FormParts, out: _DraftOutputs, language: gr.Dropdown
) -> None:
    """Live checklist and preview on every change (withdrawing files made from earlier values, autosaving the
    form in the browser), the example loader and the case file opener with their confirmation, the case file
    download and the file builder of one form; each in the page's language, the last input of its listener."""
    fields = parts.fields
    form = drafting.form(request_type, settings)
    hidden = gr.Column(visible=False)
    # Everything that puts values into the form, in this order.
    fill = [*fields, parts.confirm, parts.pending, out.status, parts.question, parts.replace, parts.note]
    fill += [parts.states, parts.casefile]
    unchanged = tuple(gr.skip() for _ in fields)

    def put(values: list[Any], note: Any) -> tuple[Any, ...]:
        """Fill the form at once: the confirmation and the State choice put away."""
        return *values, hidden, None, gr.skip(), gr.skip(), gr.skip(), note, gr.Radio(visible=False), None

    def ask(values: list[Any], question: str, replace_label: str, note: str) -> tuple[Any, ...]:
        """The form has content: the values wait in `pending` for "Replace" (or "Keep")."""
        return (
            *unchanged,
            gr.Column(visible=True),
            {"values": values, "note": note},
            gr.skip(),
            question,
            gr.Button(replace_label),
            gr.skip(),
            gr.skip(),
            gr.skip(),
        )

    def offer(values: list[Any], current: list[Any], opened: OpenedCase, lang: str) -> tuple[Any, ...]:
        if needs_confirmation(form, current, values):
            question = page_text(lang, "draft_confirm_upload", name=opened.name)
            return ask(values, question, page_text(lang, "replace_with_case"), opened.message)
        return put(values, opened.message)

    @guarded(
        shown_in(
            [out.checklist, out.preview, out.files, out.status, out.ready, out.autosave], out.checklist, error_html
        )
    )
    def on_change(*values: Any) -> tuple[Any, ...]:
        # then the shared flag, the type on screen, the autosave and the page's language
        *values, ready, chosen, saved, code = values  # type: ignore[assignment]
        autosaved = autosave_with(saved, form, values)
        if chosen != request_type:  # a hidden form filled by a restore: its checklist is not the one on screen
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), autosaved
        lang = language_code(code)
        view = draft_view(settings, request_type, values, lang)
        if ready:  # the files on screen no longer match the form
            return view.checklist, view.preview, None, page_text(lang, "draft_files_stale"), False, autosaved
        return view.checklist, view.preview, gr.skip(), gr.skip(), gr.skip(), autosaved

    @guarded(shown_in(fill, out.status))
    def on_example(*values: Any) -> tuple[Any, ...]:
        *values, code = values  # type: ignore[assignment]  # the page's language comes last
        lang = language_code(code)
        example = example_values(settings, request_type)
        if needs_confirmation(form, values, example):  # ask first; the example waits in `pending`
            question = page_text(lang, "draft_confirm_example")
            return ask(example, question, page_text(lang, "draft_replace_example"), "")
        return put(example, "")

    @guarded(shown_in(fill, parts.note, _problem))
    def on_replace(pending: dict[str, Any] | None) -> tuple[Any, ...]:
        if pending is None:
            return *unchanged, hidden, None, *(gr.skip() for _ in fill[len(fields) + 2 :])
        return put(pending["values"], pending["note"])

    @guarded(shown_in([parts.confirm, parts.pending, out.status, parts.note], out.status))
    def on_keep() -> tuple[Any, ...]:
        return hidden, None, gr.skip(), ""

    @guarded(shown_in(fill, parts.note, _problem))
    def on_upload(path: str | None, *values: Any) -> tuple[Any, ...]:
        """Open a case file: read and checked as the command line does; any problem leaves the form as it is."""
        *values, code = values  # type: ignore[assignment]  # the page's language comes last
        if not path:
            return tuple(gr.skip() for _ in fill)
        file = Path(path)
        try:
            opened = open_case_text(settings, request_type, read_upload(file, settings), file.name)
        finally:
            file.unlink(missing_ok=True)  # the case now lives in the form only
        if opened.values is None:  # a whole-case file with several States: the user chooses first
            choose = gr.Radio(choices=list(opened.states), value=None, visible=True)
            held = (opened.casefile, opened.name, opened.notes)
            return *unchanged, *(gr.skip() for _ in range(5)), opened.message, choose, held
        return offer(opened.values, values, opened, language_code(code))

    @guarded(shown_in(fill, parts.note, _problem))
    def on_state(state: str | None, held: tuple[Any, str, tuple[str, ...]] | None, *values: Any) -> tuple[Any, ...]:
        """The requested State chosen for a whole-case file: the form filled for the request to it."""
        *values, code = values  # type: ignore[assignment]  # the page's language comes last
        if not state or held is None:
            return tuple(gr.skip() for _ in fill)
        casefile, name, notes = held
        opened = state_case(settings, request_type, casefile, state, name, notes)
        return offer(opened.values or [], values, opened, language_code(code))

    @guarded(shown_in([out.files, out.status, out.ready, parts.note], parts.note, _problem))
    def on_save(*values: Any) -> tuple[Any, ...]:
        """The form as a YAML case file, under Downloads (withdrawn, like the drafts, when the form changes)."""
        *values, code = values  # type: ignore[assignment]  # the page's language comes last
        folder = Path(tempfile.mkdtemp(prefix="uncc-case-", dir=_upload_folder()))
        path = write_case_file(settings, request_type, values, folder)
        return [str(path)], case_saved_status(path, request_type, language_code(code)), True, ""

    @guarded(lambda problem: (None, warning(problem), False))
    def on_build(*values: Any) -> tuple[list[str] | None, str, bool]:
        """The draft's files in the page's language (its last input): DOCX and Markdown, and PDF where the
        language can be printed as one."""
        *values, code = values  # type: ignore[assignment]
        folder = Path(tempfile.mkdtemp(prefix="uncc-draft-", dir=_upload_folder()))
        prepared = prepare_files(settings, request_type, values, folder, language_code(code))
        return [str(p) for p in prepared.paths], prepared.status, True

    gr.on(
        [f.change for f in fields],
        on_change,
        inputs=[*fields, out.ready, out.picker, out.autosave, language],
        outputs=[out.checklist, out.preview, out.files, out.status, out.ready, out.autosave],
        trigger_mode="always_last",
        show_progress="hidden",
        api_visibility=PRIVATE,
    ).then(None, inputs=out.autosave, js=WRITE_AUTOSAVE, show_progress="hidden", api_visibility=PRIVATE)
    parts.example.click(on_example, inputs=[*fields, language], outputs=fill, api_visibility=PRIVATE)
    parts.replace.click(on_replace, inputs=parts.pending, outputs=fill, api_visibility=PRIVATE)
    parts.keep.click(on_keep, outputs=[parts.confirm, parts.pending, out.status, parts.note], api_visibility=PRIVATE)
    parts.upload.upload(on_upload, inputs=[parts.upload, *fields, language], outputs=fill, api_visibility=PRIVATE)
    parts.states.input(
        on_state, inputs=[parts.states, parts.casefile, *fields, language], outputs=fill, api_visibility=PRIVATE
    )
    parts.save.click(
        on_save,
        inputs=[*fields, language],
        outputs=[out.files, out.status, out.ready, parts.note],
        api_visibility=PRIVATE,
    )
    parts.build.click(
        on_build, inputs=[*fields, language], outputs=[out.files, out.status, out.ready], api_visibility=PRIVATE
    )


def _upload_folder() -> Path:
    # Inside Gradio's own cache: served without a second copy, and removed by `delete_cache`.
    folder = Path(get_upload_folder())
    folder.mkdir(parents=True, exist_ok=True)
    return folder
