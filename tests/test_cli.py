"""`uncc` commands as a user runs them: output shapes, exit codes, and clear errors for bad input."""

from __future__ import annotations

import json

import pytest

from assistant.cli import main
from assistant.settings import get_settings


@pytest.fixture
def full_env(full_home, monkeypatch):
    monkeypatch.setenv("UNCC_HOME", str(full_home))
    from assistant.settings import get_settings

    get_settings.cache_clear()


def test_search_json_shape(full_env, capsys):
    assert main(["search", "what must a request for preservation of stored data contain", "--k", "3", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {tuple(sorted(r)) for r in rows} == {("article", "paragraph", "score", "source", "text", "title")}
    assert len({r["article"] for r in rows if r["article"]}) == 3
    assert rows[0]["article"] == 42
    assert rows == sorted(rows, key=lambda r: r["article"] is None)  # articles first, guidance after


def test_search_batch_one_line_per_query_in_order(full_env, capsys, tmp_path):
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"question": "joint investigation team"}\nnot json {\n{"question": ""}\nextradition\n')
    assert main(["search", "--batch", str(batch), "--json"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(lines) == 4
    assert lines[0]["results"][0]["article"] == 48
    assert "error" not in lines[1] and lines[1]["question"] == "not json {"  # plain-text line is a query
    assert "empty" in lines[2]["error"]
    assert lines[3]["results"][0]["article"] == 37


def test_articles_json_all_and_one(full_env, capsys):
    assert main(["articles", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 68 and rows[41]["article"] == 42 and rows[41]["chapter"] == "V"
    assert rows[0]["paragraphs"] and {"number", "text"} <= set(rows[0]["paragraphs"][0])
    assert main(["articles", "37"]) == 0
    out = capsys.readouterr().out
    assert "Article 37. Extradition" in out and "restatement" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["search", "x", "--k", "0"], "--k must be at least 1"),
        (["search", "x", "--k", "many"], "whole number"),
        (["articles", "69"], "articles 1 to 68"),
        (["search", "x", "--chapter", "XII"], "Roman numeral"),
        (["search", "--batch", "/nonexistent/file.jsonl"], "does not exist"),
    ],
)
def test_invalid_arguments_exit_non_zero_with_message(full_env, capsys, argv, message):
    with pytest.raises(SystemExit) as exit_info:
        code = main(argv)
        raise SystemExit(code)
    assert exit_info.value.code != 0
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_empty_query_is_a_clear_error(full_env, capsys):
    assert main(["search", "   "]) == 2
    assert "empty" in capsys.readouterr().err


def test_index_command_reports_up_to_date(full_env, capsys):
    assert main(["index"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_bad_setting_is_a_clear_error(monkeypatch, capsys):
    monkeypatch.setenv("UNCC_PORT", "not-a-port")
    assert main(["articles"]) == 2
    assert "UNCC_" in capsys.readouterr().err


def test_a_home_that_is_a_file_is_a_clear_error(monkeypatch, capsys, tmp_path):
    home = tmp_path / "not-a-folder"
    home.write_text("x", encoding="utf-8")
    monkeypatch.setenv("UNCC_HOME", str(home))
    get_settings.cache_clear()
    assert main(["search", "preservation"]) == 2
    assert "is a file" in capsys.readouterr().err


def test_eval_refuses_a_file_as_output_folder_before_evaluating(capsys, tmp_path):
    out = tmp_path / "results"
    out.write_text("x", encoding="utf-8")
    assert main(["eval", "--out", str(out), "--limit", "1"]) == 2
    assert "is a file" in capsys.readouterr().err
