"""`uncc draft`: exit codes, messages on stderr, never a traceback, case data only where the user names."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

import docx
import pypdf
import pytest
import yaml

from assistant.drafting import api
from assistant.drafting.cli import register
from assistant.errors import AssistantError
from assistant.settings import get_settings

SECRET = "Jane Secret-Witness"  # stands for personal data in a case file


def _standalone_main(argv: list[str]) -> int:
    """What assistant.cli.main does for this command: parse, run the handler, turn our errors into one line."""
    parser = argparse.ArgumentParser(prog="uncc")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    try:
        return args.handler(args, get_settings())
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code


def _cli_main() -> Callable[[list[str]], int] | None:
    """assistant.cli.main, or None while it cannot build a parser with `draft` (plugins still being written)."""
    try:
        from assistant.cli import build_parser, main

        parser = build_parser()
    except ModuleNotFoundError as exc:
        name = exc.name or ""
        if name.startswith("assistant.") and not name.startswith("assistant.drafting"):
            return None
        raise
    commands = next(a.choices for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return main if "draft" in commands else None


@pytest.fixture
def uncc(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run `uncc ARGS` through the real entry point when it can be built; return (exit code, stdout, stderr)."""
    main = _cli_main() or _standalone_main

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return code, out, err

    return run


@pytest.fixture
def example_file(tmp_path: Path) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(api.example_text("preservation"), encoding="utf-8")
    return path


def _case(tmp_path: Path, text: str) -> str:
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_through_the_real_entry_point(capsys: pytest.CaptureFixture[str]) -> None:
    main = _cli_main()
    if main is None:
        pytest.skip("assistant.cli does not register `draft` yet (see _plugins there)")
    assert main(["draft", "--list"]) == 0
    assert "preservation" in capsys.readouterr().out


def test_list(uncc) -> None:
    code, out, _ = uncc("draft", "--list")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == api.list_types()
    assert "Request for mutual legal assistance (Art. 40)" in out


def test_example_round_trip(uncc, tmp_path: Path) -> None:
    code, out, _ = uncc("draft", "mla", "--example")
    assert code == 0
    assert yaml.safe_load(out)["requesting_authority"]
    code, out, _ = uncc("draft", "mla", "--case", _case(tmp_path, out), "--check")
    assert (code, out.splitlines()[0]) == (0, "mla: complete (9 of 9 required elements present)")


def test_check_incomplete_exits_3_with_each_basis(uncc, tmp_path: Path) -> None:
    code, out, _ = uncc("draft", "preservation", "--case", _case(tmp_path, "facts: Data was stolen.\n"), "--check")
    assert code == 3
    assert out.splitlines()[0] == "preservation: incomplete (1 of 10 required elements present; 9 missing, 1 weak)"
    assert "  MISSING  Stored data to be preserved is missing (Art. 42)" in out
    assert "basis: Art. 42: listed among the contents of a preservation request" in out
    assert "  WEAK     Brief summary of the facts has 3 words" in out


def test_check_json(uncc, tmp_path: Path) -> None:
    code, out, _ = uncc("draft", "jit", "--case", _case(tmp_path, "purpose: x\n"), "--check", "--json")
    assert code == 3
    report = json.loads(out)
    assert report["status"] == "incomplete"
    sovereignty = next(i for i in report["items"] if i["field"] == "operating_states")
    assert sovereignty["basis"]["label"] == "Art. 48, see also Art. 5"


def test_markdown_to_stdout(uncc, example_file: Path) -> None:
    code, out, err = uncc("draft", "preservation", "--case", str(example_file))
    assert code == 0
    assert out.startswith("# Request for the expedited preservation of stored electronic data")
    assert err == ""


def test_incomplete_draft_still_renders_with_a_warning(uncc, tmp_path: Path) -> None:
    code, out, err = uncc("draft", "preservation", "--case", _case(tmp_path, "facts: Data was stolen.\n"))
    assert code == 0
    assert "[MISSING: Stored data to be preserved (Art. 42)]" in out
    assert "Warning: preservation: incomplete" in err


def test_docx_out_and_force(uncc, example_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "request.docx"
    code, stdout, err = uncc("draft", "preservation", "--case", str(example_file), "--out", str(out))
    assert (code, stdout, err.strip()) == (0, "", f"Wrote {out}")
    assert docx.Document(str(out)).paragraphs[0].text == api.form("preservation").title
    before = out.read_bytes()
    code, _, err = uncc("draft", "preservation", "--case", str(example_file), "--out", str(out))
    assert code == 2 and "already exists; add --force" in err
    assert out.read_bytes() == before
    assert uncc("draft", "preservation", "--case", str(example_file), "--out", str(out), "--force")[0] == 0


def test_markdown_out_with_explicit_format(uncc, example_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "request.txt"
    code, _, _ = uncc("draft", "preservation", "--case", str(example_file), "--format", "md", "--out", str(out))
    assert code == 0
    assert out.read_text(encoding="utf-8").startswith("# Request for the expedited preservation")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["draft"], "Give a request type (confiscation, extradition, jit, mla"),
        (["draft", "mutual-assistance", "--example"], "Unknown request type 'mutual-assistance'. Valid types: "),
        (["draft", "mutual-assistance"], "Unknown request type 'mutual-assistance'. Valid types: "),
        (["draft", "mla"], "Give --case FILE; start from `uncc draft mla --example > case.yaml`"),
        (["draft", "mla", "--case", "{tmp}/nope.yaml"], "does not exist; check the path"),
        (["draft", "mla", "--case", "{case}", "--check", "--signatory", "X"], "--signatory and --lang go into a draft"),
        (["draft", "mla", "--case", "{case}", "--out", "{tmp}/no-such-folder/r.docx"], "does not exist; create it"),
        (["draft", "mla", "--case", "{case}", "--json"], "--json goes with --check"),
        (["draft", "mla", "--example", "--case", "{case}"], "--example prints an example case"),
        (["draft", "mla", "--case", "{case}", "--check", "--out", "{tmp}/r.md"], "--check prints a report"),
    ],
)
def test_usage_errors(uncc, tmp_path: Path, args: list[str], message: str) -> None:
    case = _case(tmp_path, api.example_text("mla"))
    code, out, err = uncc(*(a.format(tmp=tmp_path, case=case) for a in args))
    assert code == 2
    assert message in err
    assert err.startswith("error: ") and out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.yaml"]  # nothing written


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("facts: fine\noffences:\n  - one\n  bad: [unclosed\n", "case.yaml:4: not valid YAML"),
        (f"facts: fine\noffence_date: {SECRET}\n", "line 2: 'offence_date' must be a date written YYYY-MM-DD"),
        (f"facts: fine\nwitness: {SECRET}\n", "line 2: unknown field 'witness' (not in the mla form)"),
        ("facts: " + "x" * 200_000 + "\n", "line 1: 'facts' is longer than 100,000 characters"),
        ("facts: " + "x" * 10_000_000 + "\n", "case.yaml: the case file is 10,000 kB, over the 1,000 kB"),
    ],
)
def test_bad_case_files(uncc, tmp_path: Path, text: str, message: str) -> None:
    code, out, err = uncc("draft", "mla", "--case", _case(tmp_path, text), "--out", str(tmp_path / "r.docx"))
    assert code == 2
    assert message in err
    assert SECRET not in err
    assert out == "" and not (tmp_path / "r.docx").exists()


def test_case_contents_reach_only_the_named_output(uncc, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    case = api.example_case("mla") | {"persons_concerned": [SECRET]}
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(case), encoding="utf-8")
    out = tmp_path / "r.docx"
    with caplog.at_level(logging.DEBUG):
        code, stdout, err = (
            uncc("-v", "draft", "mla", "--case", str(path), "--out", str(out))
            if _cli_main()
            else uncc("draft", "mla", "--case", str(path), "--out", str(out))
        )
    assert code == 0
    assert SECRET not in stdout + err + caplog.text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.yaml", "r.docx"]
    assert any(SECRET in p.text for p in docx.Document(str(out)).paragraphs)


# -- formats ---------------------------------------------------------------------------------------------


def test_pdf_out_by_extension(uncc, example_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "request.pdf"
    code, stdout, err = uncc("draft", "preservation", "--case", str(example_file), "--out", str(out))
    assert (code, stdout, err.strip()) == (0, "", f"Wrote {out}")
    reader = pypdf.PdfReader(str(out))
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 2), round(float(box.height), 2)) == (595.28, 841.89)  # A4
    assert "Reference: NCP-2026-0311" in reader.pages[0].extract_text()


@pytest.mark.parametrize("fmt", ["md", "docx"])
def test_a_pdf_name_never_gets_another_format(uncc, example_file: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "request.pdf"
    code, stdout, err = uncc("draft", "preservation", "--case", str(example_file), "--format", fmt, "--out", str(out))
    assert code == 2 and stdout == ""
    assert f"error: request.pdf is a .pdf name but the format asked for is {fmt}" in err
    assert not out.exists()


def test_explicit_pdf_format(uncc, example_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "request.pdf"
    assert uncc("draft", "preservation", "--case", str(example_file), "--format", "pdf", "--out", str(out))[0] == 0
    assert out.read_bytes().startswith(b"%PDF-")


def test_letter_paper_through_the_environment(
    uncc, example_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNCC_DRAFTING__PAPER", "Letter")
    get_settings.cache_clear()
    out = tmp_path / "request.docx"
    assert uncc("draft", "preservation", "--case", str(example_file), "--out", str(out))[0] == 0
    assert docx.Document(str(out)).sections[0].page_width.inches == 8.5


@pytest.mark.parametrize(("fmt", "suffix"), [(None, "docx"), ("pdf", "pdf"), ("md", "md")])
def test_out_folder_names_the_file_after_the_request(
    uncc, example_file: Path, tmp_path: Path, fmt: str | None, suffix: str
) -> None:
    folder = tmp_path / "drafts"
    folder.mkdir()
    extra = ["--format", fmt] if fmt else []
    code, _, err = uncc("draft", "preservation", "--case", str(example_file), *extra, "--out", str(folder))
    expected = folder / f"{dt.date.today().isoformat()}_NCP-2026-0311_preservation.{suffix}"
    assert (code, err.strip()) == (0, f"Wrote {expected}")
    assert [p.name for p in folder.iterdir()] == [expected.name]


def test_every_format_gets_the_same_name_in_a_folder_or_without_out(uncc, example_file: Path, tmp_path: Path) -> None:
    """<date>_<reference>_<type>: the date the request bears (here --date), the reference made safe, the type; a
    DOCX or PDF without --out goes into the current folder, Markdown without --out to the terminal."""
    case = yaml.safe_load(example_file.read_text(encoding="utf-8")) | {"reference": "CYB/2027 118"}
    example_file.write_text(yaml.safe_dump(case), encoding="utf-8")
    folder = tmp_path / "drafts"
    folder.mkdir()
    when = ["--date", "2027-03-04"]
    for fmt in ("md", "docx", "pdf"):
        assert (
            uncc("draft", "preservation", "--case", str(example_file), "--format", fmt, "--out", f"{folder}/", *when)[0]
            == 0
        )
    stem = "2027-03-04_CYB-2027-118_preservation"
    assert sorted(p.name for p in folder.iterdir()) == [f"{stem}.docx", f"{stem}.md", f"{stem}.pdf"]

    here = tmp_path / "here"
    here.mkdir()
    os.chdir(here)  # the fixture below puts the working folder back
    for fmt in ("docx", "pdf"):
        code, out, err = uncc("draft", "preservation", "--case", str(example_file), "--format", fmt, *when)
        assert (code, out, err.strip()) == (0, "", f"Wrote {stem}.{fmt}")
    code, out, _ = uncc("draft", "preservation", "--case", str(example_file), *when)
    assert code == 0 and out.startswith("# Request for the expedited preservation")
    assert sorted(p.name for p in here.iterdir()) == [f"{stem}.docx", f"{stem}.pdf"]
    code, _, err = uncc("draft", "preservation", "--case", str(example_file), "--format", "pdf", *when)
    assert code == 2 and "already exists; add --force" in err  # never over an earlier draft

    # An explicit file name is kept as given; the form's own date of the request names an mla draft.
    assert uncc("draft", "preservation", "--case", str(example_file), "--out", str(here / "mine.docx"))[0] == 0
    assert (here / "mine.docx").exists()
    mla = _case(tmp_path, api.example_text("mla"))
    assert uncc("draft", "mla", "--case", mla, "--format", "md", "--out", f"{folder}/")[0] == 0
    assert (folder / "2026-04-02_PP-CYB-2026-0147_mla.md").exists()


@pytest.fixture(autouse=True)
def _working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs in its own folder: a draft written to the current folder lands in tmp_path."""
    monkeypatch.chdir(tmp_path)


# -- the closing block: place, date and signatory ------------------------------------------------------------

SIGNATORY = "Inspector Sam Example, Head of the Cybercrime Unit"


def _docx_closing(path: Path) -> list[str]:
    texts = [p.text for p in docx.Document(str(path)).paragraphs]
    start = next(i for i, t in enumerate(texts) if t.startswith("Place: "))
    return texts[start : start + 4]


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(str(path)).pages)


def test_place_date_and_signatory_from_the_command_line(uncc, example_file: Path, tmp_path: Path) -> None:
    closing = ["--place", "Aurelia City", "--date", "2027-03-04", "--signatory", SIGNATORY]
    for fmt in ("docx", "pdf"):
        assert uncc("draft", "preservation", "--case", str(example_file), "--format", fmt, *closing)[0] == 0
    stem = "2027-03-04_NCP-2026-0311_preservation"
    assert _docx_closing(tmp_path / f"{stem}.docx") == [
        "Place: Aurelia City",
        "Date: 4 March 2027",
        f"Name and function of the signing officer: {SIGNATORY}",
        "Signature and official seal: " + "_" * 32,
    ]
    text = _pdf_text(tmp_path / f"{stem}.pdf")
    for line in ("Place: Aurelia City", "Date: 4 March 2027", "Reference: NCP-2026-0311   ·   Date: 4 March 2027"):
        assert line in text
    assert " ".join(SIGNATORY.split()) in " ".join(text.split())


def test_the_case_files_closing_section_and_the_options_over_it(uncc, example_file: Path, tmp_path: Path) -> None:
    text = example_file.read_text(encoding="utf-8")
    example_file.write_text(
        text + f"closing:\n  place: Aurelia City\n  date: 2027-03-04\n  signatory: {SIGNATORY}\n", encoding="utf-8"
    )
    assert uncc("draft", "preservation", "--case", str(example_file), "--format", "docx")[0] == 0
    closing = _docx_closing(tmp_path / "2027-03-04_NCP-2026-0311_preservation.docx")
    assert closing[:3] == [
        "Place: Aurelia City",
        "Date: 4 March 2027",
        f"Name and function of the signing officer: {SIGNATORY}",
    ]

    # An option wins over the case file for its part only; the others stay as the case file says.
    args = ("--case", str(example_file), "--format", "pdf", "--date", "2027-03-05", "--place", "Port Aurelia")
    assert uncc("draft", "preservation", *args)[0] == 0
    pdf = _pdf_text(tmp_path / "2027-03-05_NCP-2026-0311_preservation.pdf")
    assert "Place: Port Aurelia" in pdf and "Date: 5 March 2027" in pdf
    assert "Inspector Sam Example" in pdf


def test_a_whole_case_file_gives_every_request_its_place_and_signatory(uncc, tmp_path: Path) -> None:
    """`case.place` and `case.signatory` sign every request; a request's own `closing:` adds its date."""
    from assistant.settings import PROJECT_ROOT

    case = yaml.safe_load((PROJECT_ROOT / "knowledge" / "cases" / "ransomware.yaml").read_text(encoding="utf-8"))
    case["case"]["signatory"] = SIGNATORY
    case["requests"]["preservation"]["closing"] = {"date": "2027-03-04"}
    path = tmp_path / "ransomware.yaml"
    path.write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    state = ("--state", "Kingdom of Valdoria")
    assert uncc("draft", "preservation", "--case", str(path), *state, "--format", "docx")[0] == 0
    assert _docx_closing(tmp_path / "2027-03-04_2026-CYB-117_preservation.docx")[:3] == [
        "Place: Aurelia City",
        "Date: 4 March 2027",
        f"Name and function of the signing officer: {SIGNATORY}",
    ]
    code, out, _ = uncc("draft", "mla", "--case", str(path), *state)
    assert code == 0 and "Place: Aurelia City\n\nDate: " + "_" * 32 in out and SIGNATORY in out


def test_an_empty_closing_keeps_the_blank_lines_to_sign_by_hand(uncc, example_file: Path, tmp_path: Path) -> None:
    text = example_file.read_text(encoding="utf-8")
    example_file.write_text(text + "closing:\n  place:\n  signatory: ''\n", encoding="utf-8")
    code, out, _ = uncc("draft", "preservation", "--case", str(example_file), "--place", "")
    assert code == 0
    blank = "_" * 32
    assert f"Place: {blank}\n\nDate: {blank}\n\nName and function of the signing officer: {blank}" in out


@pytest.mark.parametrize(
    ("closing", "message"),
    [
        ("closing: Aurelia City\n", "'closing' must be a section of 'place:', 'date:' and 'signatory:' lines"),
        (f"closing:\n  date: {SECRET}\n", "'closing.date' must be a date written YYYY-MM-DD"),
        (f"closing:\n  witness: {SECRET}\n", "unknown field 'closing.witness'"),
    ],
)
def test_a_bad_closing_section_is_refused_with_its_line(uncc, tmp_path: Path, closing: str, message: str) -> None:
    case = _case(tmp_path, api.example_text("mla") + closing)
    code, out, err = uncc("draft", "mla", "--case", case, "--check")
    line = len(api.example_text("mla").splitlines()) + 1
    assert code == 2 and out == ""
    assert f"line {line}: {message}" in err and SECRET not in err


def test_a_bad_date_option_is_a_usage_error(uncc, example_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        uncc("draft", "preservation", "--case", str(example_file), "--date", "4/3/2027")
    assert exited.value.code == 2
    assert "argument --date: '4/3/2027' is not a date: write YYYY-MM-DD, or 'today'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--place", "x" * 1001], "--place and --signatory take at most 1,000 characters"),
        (["--out", "{tmp}/r.doc"], "Cannot tell the format from the name r.doc"),
        (["--format", "md", "--out", "{tmp}/r.docx"], "r.docx is a .docx name but the format asked for is md"),
        (["--format", "pdf", "--out", "{tmp}/missing/"], "The folder {tmp}/missing does not exist"),
    ],
)
def test_format_errors(uncc, tmp_path: Path, args: list[str], message: str) -> None:
    case = _case(tmp_path, api.example_text("mla"))
    code, out, err = uncc("draft", "mla", "--case", case, *(a.format(tmp=tmp_path) for a in args))
    assert code == 2 and out == ""
    assert message.format(tmp=tmp_path) in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.yaml"]


def test_lang_drafts_the_wording_in_that_language(uncc, example_file: Path) -> None:
    code, out, _ = uncc("draft", "preservation", "--case", str(example_file), "--lang", "fr")
    assert code == 0 and out.startswith("# Demande de conservation rapide")
    assert "en vertu de l'art. 42 de la Convention" in out


def test_a_case_files_language_is_the_default_and_lang_wins(uncc, tmp_path: Path) -> None:
    text = (get_settings().knowledge_dir / "cases" / "ransomware.yaml").read_text(encoding="utf-8")
    case = _case(tmp_path, text.replace("case:\n", "case:\n  language: ru\n", 1))
    state = ("--state", "Kingdom of Valdoria")
    code, out, _ = uncc("draft", "preservation", "--case", case, *state)
    assert code == 0 and out.startswith("# Запрос об оперативном обеспечении")
    code, out, _ = uncc("draft", "preservation", "--case", case, *state, "--lang", "en")
    assert code == 0 and out.startswith("# Request for the expedited preservation")


@pytest.mark.parametrize("lang", ["ar", "zh"])
def test_a_pdf_in_arabic_or_chinese_is_refused_before_any_work(uncc, example_file: Path, lang: str) -> None:
    out_path = example_file.parent / "request.pdf"
    code, out, err = uncc("draft", "preservation", "--case", str(example_file), "--lang", lang, "--out", str(out_path))
    assert code == 2 and out == "" and "DOCX" in err and not out_path.exists()
