"""Nothing lost in the Draft and Case tabs, without a browser: the form saved as the YAML case file the command
line reads and opened back, bad case files refused with the form untouched, and the browser's autosave read
back (an autosave of another shape discarded with a notice, never a broken form).

The handlers are the tabs' own, taken from a page holding the tab alone (no index or model needed).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path

import gradio as gr
import pytest
import yaml

from assistant import drafting
from assistant.cli import main as uncc
from assistant.drafting.case import read_case_file, validate_case
from assistant.errors import DraftError
from assistant.settings import PROJECT_ROOT, Settings
from assistant.ui.case import case_autosave, read_case_autosave
from assistant.ui.case_tab import case_tab
from assistant.ui.draft import (
    AUTOSAVE_VERSION,
    DESK_TEXT,
    autosave_with,
    case_file_text,
    desk_text,
    desk_texts,
    example_values,
    form_translations,
    read_autosave,
    values_from_case,
    widgets,
    write_case_file,
)
from assistant.ui.draft_tab import draft_tab

RANSOMWARE = PROJECT_ROOT / "knowledge" / "cases" / "ransomware.yaml"
SKIP = gr.skip()


@pytest.fixture
def form(settings: Settings):
    return drafting.form("preservation", settings)


@pytest.fixture
def empty(form) -> list:
    return blank(form)


def blank(form) -> list:
    """The values of an empty form: its fields, then the closing block's place, date and signatory."""
    return [None if w.kind != "textbox" else "" for w in widgets(form)]


def _handlers(demo: gr.Blocks, *ids: str) -> dict:
    """The handlers of the page whose inputs or outputs include one of the elements `ids` (by elem_id prefix);
    those that read the page's language selector last are called with English."""
    found = {}
    for fn in demo.fns.values():
        names = [getattr(c, "elem_id", None) or "" for c in [*fn.inputs, *fn.outputs]]
        if fn.fn is not None and any(n.startswith(ids) for n in names):
            in_english = fn.inputs and getattr(fn.inputs[-1], "elem_id", None) == "language"
            found.setdefault(fn.name, functools.partial(_last, fn.fn, "en") if in_english else fn.fn)
    return found


def _last(fn, value, *args):
    return fn(*args, value)


@pytest.fixture
def draft_page(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> gr.Blocks:
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    with gr.Blocks() as demo:
        draft_tab(settings, gr.Dropdown(["en", "fr"], value="en", elem_id="language"))
    return demo


@pytest.fixture
def handlers(draft_page) -> dict:
    """The preservation form's handlers, and the tab's shared ones (type, restore, discard, page load)."""
    return _handlers(draft_page, "preservation-", "confirm-preservation", "draft-restore")


# -- the case file: save ---------------------------------------------------------------------------------------


def test_the_saved_case_file_reads_back_to_the_same_values_through_the_cli_reader(settings, form, tmp_path):
    values = example_values(settings, "preservation")
    values[[f.name for f in form.fields].index("custodian")] = "CloudMail S.A.\n8 Rue du Nuage\nValdoria City"
    path = write_case_file(settings, "preservation", values, tmp_path)
    assert path.name == f"{dt.date.today().isoformat()}_NCP-2026-0311_preservation_case.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Case file for `uncc draft preservation`")
    assert "offence_date: 2026-09-14\n" in text and "mla_to_follow: true\n" in text  # written as YAML types
    assert "custodian: |-\n  CloudMail S.A.\n  8 Rue du Nuage\n" in text  # line breaks kept, as a block

    doc = read_case_file(path)  # what `uncc draft --case` reads
    validate_case(form, doc)
    assert values_from_case(form, doc.data) == values
    assert uncc(["draft", "preservation", "--case", str(path), "--check"]) == 0  # complete, as the form was


def test_a_partly_filled_form_saves_only_what_is_filled(settings, form, empty, tmp_path):
    values = list(empty)
    values[0] = "Police: unit 3\n  (cyber)"  # a colon, a line break and indentation: still the same text
    values[3] = "Fraud\nIllegal access"
    values[11] = "no"
    text = case_file_text(settings, "preservation", values, dt.date(2027, 3, 4))
    assert "saved from the web app on 2027-03-04" in text
    data = yaml.safe_load(text)
    assert data == {"requesting_authority": "Police: unit 3\n  (cyber)", "offences": ["Fraud", "Illegal access"]} | {
        "mla_to_follow": False
    }
    assert values_from_case(form, data) == values


def test_a_form_with_a_wrong_value_or_nothing_is_not_saved(settings, form, empty):
    values = list(empty)
    values[[f.name for f in form.fields].index("offence_date")] = "31/12/2026"
    with pytest.raises(DraftError, match="'Date of the offence' must be a date written YYYY-MM-DD"):
        case_file_text(settings, "preservation", values)
    with pytest.raises(DraftError, match="nothing to save"):
        case_file_text(settings, "preservation", empty)


def test_the_save_button_puts_the_case_file_under_downloads(handlers, settings, empty):
    files, status, ready, note = handlers["on_save"](*example_values(settings, "preservation"))
    name = f"{dt.date.today().isoformat()}_NCP-2026-0311_preservation_case.yaml"
    assert Path(files[0]).name == name and ready is True and note == ""
    assert "uncc draft preservation --case FILE" in status
    files, status, ready, note = handlers["on_save"](*empty)
    assert (files, status, ready) == (SKIP, SKIP, SKIP) and "nothing to save" in note


# -- the case file: open -----------------------------------------------------------------------------------------


def _upload(tmp_path: Path, content: str | bytes, name: str = "case.yaml") -> str:
    folder = tmp_path / "upload"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return str(path)


def _filled(out: tuple, n: int) -> list:
    """The form's values of a handler that fills the form (the first n outputs)."""
    return list(out[:n])


BAD_FILES = {
    "not YAML": ("requesting_authority: [Police\n", "not valid YAML"),
    "not a mapping": ("just a sentence\n", "must be a mapping"),
    "unknown field": ("requesting_authority: Police\nrequestin_state: Valdoria\n", "unknown field 'requestin_state'"),
    "wrong type": ("requesting_authority: Police\noffence_date: yesterday\n", "'Date of the offence' must be a date"),
    "wrong bool": ("mla_to_follow: maybe\n", "true or false"),
    "another type": ("person_name: Joe Example\nstage: prosecution\n", "It fits the extradition form"),
    "not UTF-8": (b"requesting_authority: \xff\xfe\n", "not UTF-8"),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_a_bad_case_file_is_explained_and_the_form_left_untouched(handlers, form, empty, tmp_path, kind):
    content, message = BAD_FILES[kind]
    typed = ["My own authority", *empty[1:]]
    path = _upload(tmp_path, content)
    out = handlers["on_upload"](path, *typed)
    n = len(widgets(form))
    assert all(v == SKIP for v in out[:n]), "the form must be left as it is"
    note = out[n + 5]
    assert note.startswith("⚠️ ") and message in note and "Traceback" not in note
    assert not Path(path).exists()  # the upload is not kept on the server


def test_a_case_file_over_the_size_limit_is_refused_before_it_is_read(handlers, form, empty, tmp_path, monkeypatch):
    path = _upload(tmp_path, b"a" * 1_000_001)  # over the default limit of 1,000 kB
    read = Path.read_text  # the message is still read from prompts/
    unread = lambda p, *a, **k: pytest.fail("read unchecked") if str(p) == path else read(p, *a, **k)  # noqa: E731
    monkeypatch.setattr(Path, "read_text", unread)
    out = handlers["on_upload"](path, *empty)
    n = len(widgets(form))
    assert all(v == SKIP for v in out[:n]) and "the case file is 1,000 kB, over the 1,000 kB" in out[n + 5]


def test_a_case_file_opens_into_an_empty_form_and_asks_before_replacing_typed_content(handlers, settings, form, empty):
    n = len(widgets(form))
    example = example_values(settings, "preservation")
    text = case_file_text(settings, "preservation", example)
    tmp = Path(settings.home)
    tmp.mkdir(parents=True, exist_ok=True)
    out = handlers["on_upload"](_upload(tmp, text, "mine.yaml"), *empty)
    assert _filled(out, n) == example and out[n].visible is False and "Opened **mine.yaml**" in out[n + 5]

    out = handlers["on_upload"](_upload(tmp, text, "mine.yaml"), "My own authority", *empty[1:])
    assert all(v == SKIP for v in out[:n]) and out[n].visible is True  # the confirmation, the file waiting
    assert "Replace what you typed with the case file mine.yaml?" in out[n + 3]
    assert out[n + 4].value == "Replace with the case file"
    replaced = handlers["on_replace"](out[n + 1])
    assert _filled(replaced, n) == example and "Opened **mine.yaml**" in replaced[n + 5]


def test_a_whole_case_file_is_drawn_for_the_request_and_several_states_are_said(handlers, settings, form, empty):
    n = len(widgets(form))
    tmp = Path(settings.home)
    tmp.mkdir(parents=True, exist_ok=True)
    text = RANSOMWARE.read_text(encoding="utf-8")
    out = handlers["on_upload"](_upload(tmp, text, "ransomware.yaml"), *empty)
    assert all(v == SKIP for v in out[:n])  # nothing filled until the State is chosen
    note, states, held = out[n + 5], out[n + 6], out[n + 7]
    assert "2 States" in note and "Kingdom of Valdoria and Federation of Zembla" in note
    assert states.visible is True and [c[1] for c in states.choices] == ["Kingdom of Valdoria", "Federation of Zembla"]

    out = handlers["on_state"]("Federation of Zembla", held, *empty)
    values = dict(zip([w.name for w in widgets(form)], _filled(out, n), strict=True))
    assert values["requested_state"] == "Federation of Zembla" and values["reference"] == "2026/CYB/117"
    assert "Filled for the request to **Federation of Zembla**" in out[n + 5] and out[n + 6].visible is False


def test_a_whole_case_file_with_one_state_fills_the_form_at_once(settings):
    from assistant.ui.draft import open_case_text

    opened = open_case_text(settings, "mla", RANSOMWARE.read_text(encoding="utf-8"), "ransomware.yaml")
    form = drafting.form("mla", settings)
    values = dict(zip([w.name for w in widgets(form)], opened.values or [], strict=True))
    assert values["requested_state"] == "Kingdom of Valdoria" and "Filled for the request" in opened.message
    with pytest.raises(DraftError, match="names no other State"):
        open_case_text(settings, "jit", (PROJECT_ROOT / "knowledge/cases/fraud.yaml").read_text("utf-8"), "f.yaml")


# -- autosave in the browser ---------------------------------------------------------------------------------------


def test_an_edit_is_autosaved_per_form_and_an_empty_form_leaves_the_autosave(settings, form, empty):
    mla = drafting.form("mla", settings)
    mla_values = [None if f.type in ("choice", "bool") else "" for f in mla.fields]
    mla_values[0] = "Prosecutor"
    saved = autosave_with(None, mla, mla_values, dt.datetime(2027, 3, 4, 9, 30))
    typed = ["My own authority", *empty[1:]]
    saved = autosave_with(saved, form, typed, dt.datetime(2027, 3, 4, 9, 31))
    assert saved["version"] == AUTOSAVE_VERSION and saved["saved"] == "2027-03-04 09:31"
    assert saved["current"] == "preservation" and set(saved["forms"]) == {"mla", "preservation"}
    assert saved["forms"]["preservation"] == {"requesting_authority": "My own authority"}
    json.dumps(saved)  # what the browser stores
    assert set(autosave_with(saved, form, empty)["forms"]) == {"mla"}


def test_an_autosave_reads_back_into_the_forms(settings, form, empty):
    forms = {t: drafting.form(t, settings) for t in drafting.list_types(settings)}
    typed = ["My own authority", *empty[1:]]
    typed[11] = "yes"
    read = read_autosave(autosave_with(None, form, typed), forms)
    assert read.forms == {"preservation": typed} and read.current == "preservation"
    assert not read.discarded and read.notes == ()
    assert read_autosave(None, forms) == read_autosave({}, forms)  # nothing saved: nothing offered
    assert not read_autosave(None, forms).forms


@pytest.mark.parametrize(
    "old",
    [
        {"type": "preservation", "values": ["Police", "Valdoria"]},  # a shape this app never wrote
        {"version": 0, "forms": {"preservation": {"requesting_authority": "Police"}}},
        {"version": AUTOSAVE_VERSION + 1, "forms": {}},  # a newer app's
        ["Police", "Valdoria"],
        "Police",
    ],
)
def test_an_autosave_of_another_shape_is_discarded_with_a_notice(handlers, settings, old):
    forms = {t: drafting.form(t, settings) for t in drafting.list_types(settings)}
    assert read_autosave(old, forms).discarded
    notice, _text, note, offered, saved = handlers["on_load"](old)
    assert notice.visible is False and offered is None
    assert note.visible and note.value.startswith("⚠️ ") and "could not be read, so it was discarded" in note.value
    assert saved["version"] == AUTOSAVE_VERSION and saved["forms"] == {}  # the browser forgets it


def test_an_older_autosave_is_migrated_field_by_field(handlers, settings, form):
    old = {
        "version": AUTOSAVE_VERSION,
        "saved": "2027-03-04 09:31",
        "current": "preservation",
        "forms": {
            "preservation": {
                "requesting_authority": "Police",
                "authority_fax": "+000 555",  # a field the form no longer has
                "mla_to_follow": "perhaps",  # not a choice the widget offers
                "reference": 12345,  # not text as a text box holds it
            },
            "letter-rogatory": {"court": "X"},  # a request type the app no longer has
            "mla": "not a mapping",
        },
    }
    forms = {t: drafting.form(t, settings) for t in drafting.list_types(settings)}
    read = read_autosave(old, forms)
    assert list(read.forms) == ["preservation"] and read.forms["preservation"][0] == "Police"
    assert read.forms["preservation"][11] is None and read.forms["preservation"][2] == ""
    assert any("'authority_fax'" in n and "'mla_to_follow'" in n for n in read.notes)
    assert any("letter-rogatory" in n for n in read.notes)

    notice, text, _note, offered, saved = handlers["on_load"](old)
    assert notice.visible is True and offered == read
    assert saved["forms"] == {"preservation": {"requesting_authority": "Police"}}  # kept as migrated
    assert saved["saved"] == "2027-03-04 09:31" and saved["current"] == "preservation"
    assert "Unsaved draft found in this browser** (saved 2027-03-04 09:31)" in text
    assert "(1 field)" in text and "earlier version" in text and "'authority_fax'" in text


def test_restore_fills_the_forms_and_asks_before_replacing_what_was_typed_since(handlers, settings, form, empty):
    forms = {t: drafting.form(t, settings) for t in drafting.list_types(settings)}
    typed = ["Saved authority", *empty[1:]]
    offered = read_autosave(autosave_with(None, form, typed), forms)
    every = {t: blank(forms[t]) for t in forms}
    flat = [v for t in forms for v in every[t]]
    start = sum(len(widgets(forms[t])) for t in list(forms)[: list(forms).index("preservation")])
    n = len(widgets(form))

    out = handlers["on_restore"](offered, False, *flat)
    picker, *rest = out
    assert picker == "preservation"
    shown = rest[: len(forms) + 6]
    assert [c.visible for c in shown[: len(forms)]] == [t == "preservation" for t in forms]
    fields = rest[len(forms) + 6 : len(forms) + 6 + len(flat)]
    assert fields[start : start + n] == typed and all(v == SKIP for v in fields[:start])
    notice, _text, armed, saved, note = rest[-5:]
    assert notice.visible is False and armed is False and saved["forms"]["preservation"] == typed_entry(typed)
    assert note.value.startswith("Unsaved draft restored") and shown[-2] == ""  # the status under the downloads

    flat[start] = "Typed since the page opened"
    out = handlers["on_restore"](offered, False, *flat)
    assert all(v == SKIP for v in out[:-5]) and out[-3] is True  # armed: the next click replaces
    assert "Restoring would replace what you typed since" in out[-4] and forms["preservation"].title in out[-4]
    out = handlers["on_restore"](offered, True, *flat)
    assert out[0] == "preservation" and out[-3] is False


def typed_entry(values: list) -> dict:
    return {"requesting_authority": values[0]}


def test_discard_keeps_only_what_is_on_screen(handlers, settings, form, empty):
    forms = {t: drafting.form(t, settings) for t in drafting.list_types(settings)}
    flat = [v for t in forms for v in blank(forms[t])]
    notice, armed, offered, saved, note = handlers["on_discard"](*flat)
    assert notice.visible is False and armed is False and offered is None and saved["forms"] == {}
    assert note.visible and note.value == "Unsaved draft discarded."


def test_a_hidden_form_changed_by_a_restore_only_autosaves(handlers, empty):
    typed = ["My own authority", *empty[1:]]
    out = handlers["on_change"](*typed, False, "mla", None)
    assert all(v == SKIP for v in out[:5]) and out[5]["forms"]["preservation"] == typed_entry(typed)


# -- the closing block: place, date and signatory ---------------------------------------------------------------

CLOSING = {"closing_place": "Aurelia City", "closing_date": "2027-03-04", "closing_signatory": "Inspector Sam Example"}


def _closed(form, values: list) -> list:
    """`values` with the closing block's three inputs (the last ones of every form) filled in."""
    return [*values[: len(form.fields)], *CLOSING.values()]


def test_every_form_ends_with_the_closing_blocks_labelled_inputs(draft_page, settings):
    boxes = {c.elem_id: c for c in draft_page.blocks.values() if isinstance(c, gr.Textbox) and c.elem_id}
    english = form_translations(settings)["en"]  # the labels are translation keys, shown in the page's language
    for request_type in drafting.list_types(settings):
        labels = [english[boxes[f"{request_type}-{name}"].label.key] for name in CLOSING]
        assert labels == ["Place of signature", "Date of signature", "Name and function of the signing officer"]
        assert all(english[boxes[f"{request_type}-{name}"].info.key] for name in CLOSING)  # what each is for
    assert boxes["preservation-closing_date"].placeholder == "YYYY-MM-DD"


def test_the_closing_block_is_autosaved_and_restored(handlers, settings, form, empty):
    forms = {t: drafting.form(t, settings) for t in drafting.list_types(settings)}
    only_closing = _closed(form, empty)
    saved = json.loads(json.dumps(autosave_with(None, form, only_closing)))  # as the browser keeps it
    assert saved["forms"]["preservation"] == CLOSING
    read = read_autosave(saved, forms)
    assert read.forms["preservation"] == only_closing and read.notes == ()

    flat = [v for t in forms for v in blank(forms[t])]
    out = handlers["on_restore"](read, False, *flat)
    start = sum(len(widgets(forms[t])) for t in list(forms)[: list(forms).index("preservation")])
    fields = out[1 + len(forms) + 6 :][: len(flat)]
    assert list(fields[start : start + len(widgets(form))]) == only_closing


def test_the_closing_block_is_saved_in_the_case_file_and_opened_again(handlers, settings, form, tmp_path):
    values = _closed(form, example_values(settings, "preservation"))
    path = write_case_file(settings, "preservation", values, tmp_path)
    assert path.name == "2027-03-04_NCP-2026-0311_preservation_case.yaml"  # the closing date names the files
    text = path.read_text(encoding="utf-8")
    assert "closing:\n  place: Aurelia City\n  date: 2027-03-04\n  signatory: Inspector Sam Example\n" in text
    assert uncc(["draft", "preservation", "--case", str(path), "--check"]) == 0  # the command line reads it
    assert values_from_case(form, read_case_file(path).data) == values

    n = len(widgets(form))
    out = handlers["on_upload"](_upload(tmp_path, text, "signed.yaml"), *blank(form))
    assert _filled(out, n) == values


def test_the_closing_block_reaches_the_files_and_a_bad_date_is_named_by_its_label(settings, form, tmp_path):
    from assistant.ui.draft import draft_view, prepare_files

    values = _closed(form, example_values(settings, "preservation"))
    prepared = prepare_files(settings, "preservation", values, tmp_path)
    stem = "2027-03-04_NCP-2026-0311_preservation"
    assert [p.name for p in prepared.paths] == [f"{stem}.docx", f"{stem}.pdf", f"{stem}.md"]
    assert "Place: Aurelia City\n\nDate: 4 March 2027" in prepared.paths[2].read_text(encoding="utf-8")
    values[-2] = "4 March 2027"
    view = draft_view(settings, "preservation", values)
    assert not view.ok and "Date of signature&#x27; must be a date written YYYY-MM-DD" in view.checklist


# -- the Case tab's editor -------------------------------------------------------------------------------------------


@pytest.fixture
def case_handlers(settings, tmp_path, monkeypatch) -> dict:
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    with gr.Blocks() as demo:
        case_tab(settings)
    return _handlers(demo, "case-editor")


def test_the_case_editor_is_autosaved_and_restored_with_a_notice(case_handlers):
    text = RANSOMWARE.read_text(encoding="utf-8")
    saved = case_handlers["on_edit"](text)
    assert saved["text"] == text and saved["version"] == 1
    editor, message, kept = case_handlers["on_open"](json.loads(json.dumps(saved)), "")
    assert editor == text and "Restored the case file you were editing" in message and kept == SKIP
    assert case_handlers["on_open"](saved, "already typed") == (SKIP, SKIP, SKIP)  # never over the user's text
    assert case_handlers["on_open"](None, "") == (SKIP, SKIP, SKIP)
    assert case_handlers["on_open"](case_autosave("  "), "") == (SKIP, SKIP, SKIP)


@pytest.mark.parametrize("old", ["ransomware text", {"text": 3, "version": 1}, {"case": "x"}, [1, 2]])
def test_a_case_autosave_of_another_shape_is_discarded_with_a_notice(case_handlers, old):
    assert read_case_autosave(old)[2] is True
    editor, message, kept = case_handlers["on_open"](old, "")
    assert editor == SKIP and "could not be read, so it was discarded" in message and kept["text"] == ""


def test_the_desk_wording_is_complete_and_checked(tmp_path):
    assert set(desk_texts()) == set(DESK_TEXT)
    assert desk_text("save_case") == "Save case file (.yaml)"
    full = (PROJECT_ROOT / "prompts" / "ui.yaml").read_text(encoding="utf-8")
    (tmp_path / "ui.yaml").write_text(full.replace("(saved {saved})", "(saved {when})"), encoding="utf-8")
    with pytest.raises(Exception, match="'draft_found' has placeholders"):
        desk_texts.__wrapped__(tmp_path)
