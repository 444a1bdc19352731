"""Filesystem trouble in any `uncc` command is one clear line and a non-zero exit, found before the work it would
waste (issue 20, item 8): never a traceback, never a device replaced by a file, never an index built in vain."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from assistant.cli.main import main
from assistant.drafting import api


@pytest.fixture
def case_file(tmp_path: Path) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(api.example_text("preservation"), encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


@pytest.mark.parametrize("command", ["draft", "plan"])
def test_a_pipe_named_as_output_is_refused_and_left_as_it_is(command, case_file, tmp_path, capsys) -> None:
    # Writing went through a temporary file renamed over the target: `--out /dev/full --force` replaced the device.
    pipe = tmp_path / ("out.md" if command == "draft" else "out.ics")
    os.mkfifo(pipe)
    if command == "draft":
        argv = ["draft", "preservation", "--case", str(case_file), "--out", str(pipe), "--force"]
    else:
        main(["plan", "--example"])
        case_file.write_text(capsys.readouterr().out, encoding="utf-8")
        argv = ["plan", "--case", str(case_file), "--ics", str(pipe), "--force"]
    code, err = _run(capsys, *argv)
    assert code == 2
    assert f"error: {pipe} is not a regular file (a device, pipe or socket)" in err
    assert stat.S_ISFIFO(pipe.stat().st_mode)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ask", "--batch", "{tmp}/missing.jsonl"], "Batch file {tmp}/missing.jsonl does not exist."),
        (["search", "--batch", "{tmp}"], "Batch file {tmp} cannot be read"),
        (["ask", "--batch", "{tmp}/huge.txt"], "Batch file {tmp}/huge.txt is 6.0 MB, over the 5 MB"),
        (["ask"], "Give a question"),
        (["search"], "Give a query"),
        (["review", "{tmp}/missing.txt", "--reply", "{tmp}/no/reply.md"], "The folder {tmp}/no does not exist"),
        (["review", "{tmp}/missing.txt", "--reply", "{tmp}/reply.odt"], "Cannot tell the format from the name"),
        (["eval", "--out", "{tmp}/case.yaml/results"], "cannot create this folder (Not a directory)"),
    ],
)
def test_bad_input_is_reported_before_the_index_or_model_is_opened(argv, message, case_file, tmp_path, capsys):
    with (tmp_path / "huge.txt").open("wb") as huge:
        huge.truncate(6_000_000)  # sparse: a 6 MB batch file that takes no disk space
    code, err = _run(capsys, *(a.format(tmp=tmp_path) for a in argv))
    assert code == 2
    assert message.format(tmp=tmp_path) in err
    assert not (tmp_path / "home" / "index").exists()  # no minute spent building an index for nothing
