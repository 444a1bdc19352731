"""`uncc ingest` as a user runs it: the report on stdout, errors as one line on stderr, exit codes, and
the index rebuilt with the official passages only when the text was stored (one real index build)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest
from ingest_fixtures import Doc, encrypted, placeholder, render_pdf, render_txt, without

from assistant.errors import AssistantError
from assistant.ingest.cli import register
from assistant.knowledge import load_map
from assistant.official import OfficialSource
from assistant.settings import PROJECT_ROOT, Settings

KNOWLEDGE = PROJECT_ROOT / "knowledge"


@pytest.fixture(scope="module")
def doc() -> Doc:
    return placeholder(load_map(KNOWLEDGE))  # one sentence an article: quick to embed


@pytest.fixture(scope="module")
def folder(doc: Doc, tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("cli")
    render_pdf(doc, d / "convention.pdf")
    render_txt(without(doc, 30), d / "missing.txt")
    encrypted(d / "convention.pdf", d / "locked.pdf")
    (d / "empty.pdf").write_bytes(b"")
    return d


def run(argv: list[str], settings: Settings) -> int:
    """What `uncc` does with a subcommand: parse, call the handler, print an AssistantError as one line."""
    parser = argparse.ArgumentParser(prog="uncc")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    try:
        return args.handler(args, settings)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code


def test_register_adds_ingest_and_its_options(capsys) -> None:
    parser = argparse.ArgumentParser(prog="uncc")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["ingest", "a.pdf", "--lang", "fr", "--replace", "--force"])
    assert (args.path, args.lang, args.replace, args.force) == ("a.pdf", "fr", True, True)
    assert parser.parse_args(["ingest", "a.pdf"]).lang == "en"
    with pytest.raises(SystemExit) as exit_:
        parser.parse_args(["ingest", "a.pdf", "--lang", "de"])
    assert exit_.value.code == 2 and "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "code", "stream", "words"),
    [
        ("missing.txt", 1, "out", "Missing articles: 30"),
        ("locked.pdf", 1, "err", "error: locked.pdf is encrypted and needs a password"),
        ("empty.pdf", 1, "err", "error: empty.pdf is empty (0 bytes)"),
        ("absent.pdf", 2, "err", "does not exist"),
    ],
)
def test_failures_exit_nonzero_and_never_touch_the_index(
    folder, settings, monkeypatch, capsys, name, code, stream, words
):
    def no_index(*_args, **_kwargs):
        raise AssertionError("the index must not be rebuilt when nothing was stored")

    monkeypatch.setattr("assistant.index.ensure_index", no_index)
    assert run(["ingest", str(folder / name)], settings) == code
    captured = capsys.readouterr()
    assert words in getattr(captured, stream)
    assert "Traceback" not in captured.err
    assert not settings.official_dir.exists()


def test_ingest_then_index_includes_official_passages(folder, tiny_settings: Settings, capsys) -> None:
    from assistant.index import open_index, read_manifest

    assert run(["ingest", str(folder / "convention.pdf")], tiny_settings) == 0
    out = capsys.readouterr().out
    assert "Articles found: 68 of 68" in out and "official languages: en" in out
    index = open_index(tiny_settings)
    official = [p for p in index.passages if p.source == "official"]
    assert len({p.article for p in official}) == 68
    assert index.manifest.official_languages == ["en"]
    assert any(p.text == "Official wording of article 42 for the test." for p in official)

    # A damaged file afterwards leaves the stored text and the built index exactly as they were.
    stored = (tiny_settings.official_dir / "en.json").read_bytes()
    fingerprint = read_manifest(tiny_settings.index_dir).fingerprint
    assert run(["ingest", str(folder / "missing.txt"), "--replace"], tiny_settings) == 1
    assert "Not stored" in capsys.readouterr().out
    assert (tiny_settings.official_dir / "en.json").read_bytes() == stored
    assert read_manifest(tiny_settings.index_dir).fingerprint == fingerprint

    # Answers now quote the official wording, marked as such, and `uncc articles` would show it first.
    from assistant.answering import Answerer
    from assistant.runtime import load_runtime

    rt = load_runtime(tiny_settings, ensure=False)
    answer = Answerer(rt.retriever, tiny_settings.answer).answer("Can we ask another State to preserve stored data?")
    assert "“Official wording of article 42 for the test.” (official text)" in answer.text
    assert any(c.source == "official" and c.article == 42 for c in answer.citations)


def test_a_forced_text_that_failed_the_check_is_never_called_official(folder, tiny_settings: Settings, capsys) -> None:
    from assistant.audit import entries, file_sha256
    from assistant.runtime import load_runtime
    from assistant.ui.reader import search, source_banner

    assert run(["ingest", str(folder / "missing.txt"), "--force"], tiny_settings) == 0
    assert "Stored anyway (--force)" in capsys.readouterr().out
    rt = load_runtime(tiny_settings, ensure=False)
    ingested = {p.source for p in rt.index.passages if p.source not in ("restatement", "guidance")}
    assert ingested == {"unvalidated"}
    digest = file_sha256(folder / "missing.txt")
    source = OfficialSource(lang="en", file="missing.txt", sha256=digest, validated=False)
    assert rt.index.manifest.official_sources == [source]
    logged = entries(tiny_settings)[-1]
    assert (logged["action"], logged["file"], logged["sha256"], logged["validated"]) == (
        "ingest official text",
        "missing.txt",
        digest,
        False,
    )
    banner = source_banner(rt.index.manifest.official_languages, rt.index.manifest.official_sources)
    assert "Unvalidated text stored: English from missing.txt" in banner and digest in banner
    assert "Official text ingested" not in banner
    found, _ = search(rt.retriever, "Official wording of article 42 for the test")
    assert "(unvalidated text)" in found and "(official text)" not in found


def test_uncc_main_reports_a_missing_file(capsys, tmp_path: Path) -> None:
    from assistant.cli import main

    assert main(["ingest", str(tmp_path / "absent.pdf")]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and "Traceback" not in err
