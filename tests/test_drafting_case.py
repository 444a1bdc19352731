"""Case files: reading, typing and refusing bad input with a message that says where and how to fix it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.drafting import api
from assistant.drafting.case import MAX_FIELD_CHARS, parse_case, read_case_file
from assistant.errors import DraftError

SECRET = "Jane Secret-Witness"  # stands for personal data: it must never appear in an error message


def _file(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "case.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _check_file(tmp_path: Path, text: str, request_type: str = "preservation") -> str:
    """The DraftError message for a case file."""
    with pytest.raises(DraftError) as err:
        api.check(request_type, read_case_file(_file(tmp_path, text)))
    return str(err.value)


# -- reading the file ------------------------------------------------------------------------------------


def test_missing_case_file(tmp_path: Path) -> None:
    with pytest.raises(DraftError, match="does not exist; check the path"):
        read_case_file(tmp_path / "nope.yaml")


def test_case_file_that_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(DraftError, match="is a folder"):
        read_case_file(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_case_file(tmp_path: Path) -> None:
    path = _file(tmp_path, "facts: x\n")
    path.chmod(0)
    with pytest.raises(DraftError, match="cannot be read"):
        read_case_file(path)


def test_case_file_not_utf8(tmp_path: Path) -> None:
    with pytest.raises(DraftError, match="not UTF-8"):
        read_case_file(_file(tmp_path, "facts: caf\xe9\n".encode("latin-1")))


def test_oversized_case_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as fh:  # sparse: the size is what matters, not the content
        fh.truncate(20_000_000)
    with pytest.raises(DraftError, match=r"huge\.yaml: the case file is 20,000 kB, over the 1,000 kB"):
        read_case_file(path)


def test_invalid_yaml_gives_the_line(tmp_path: Path) -> None:
    message = _check_file(tmp_path, "facts: fine\noffences:\n  - one\n  bad: [unclosed\n")
    assert "case.yaml:4: not valid YAML" in message


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "the case file is empty"),
        ("# only a comment\n", "the case file is empty"),
        ("- a\n- b\n", "must be a mapping"),
        ("just a sentence\n", "must be a mapping"),
        ("facts: a\n---\nfacts: b\n", "not valid YAML"),
        ("facts: one\noffences: [x]\nfacts: two\n", "case.yaml:3: 'facts' is given twice (also line 1)"),
        ("1: x\n", "field names must be text"),
    ],
)
def test_case_file_shape_problems(tmp_path: Path, text: str, problem: str) -> None:
    assert problem in _check_file(tmp_path, text)


# -- typing the values -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (f"requesting_authority: {{name: {SECRET}}}", "'requesting_authority' must be text"),
        (f"offences: {{first: {SECRET}}}", "'offences' must be a list of text items"),
        (f"offences: [[{SECRET}]]", "'offences' must be a list of text items"),
        (f"offence_date: {SECRET}", "'offence_date' must be a date written YYYY-MM-DD"),
        ("offence_date: 1700000000", "'offence_date' must be a date written YYYY-MM-DD"),
        ("offence_date: 2026-02-30", "'offence_date' must be a date written YYYY-MM-DD"),
        (f"mla_to_follow: {SECRET}", "'mla_to_follow' must be true or false"),
        ("mla_to_follow: 1", "'mla_to_follow' must be true or false"),
    ],
)
def test_wrong_field_types_are_refused_with_line_and_without_the_value(tmp_path: Path, line: str, problem: str) -> None:
    message = _check_file(tmp_path, f"facts: something\n{line}\n")
    assert f"line 2: {problem}" in message
    assert SECRET not in message


def test_choice_outside_the_list(tmp_path: Path) -> None:
    message = _check_file(tmp_path, "stage: deportation\n", "extradition")
    assert "line 1: 'stage' must be one of: 'prosecution', 'enforcement of a sentence'" in message


def test_unknown_field_is_refused_with_a_suggestion(tmp_path: Path) -> None:
    message = _check_file(tmp_path, "facts: x\ncustodain: CloudMail S.A.\n")
    assert "line 2: unknown field 'custodain' (not in the preservation form). Did you mean 'custodian'?" in message
    assert "uncc draft preservation --example" in message


def test_no_far_fetched_suggestion(tmp_path: Path) -> None:
    assert "Did you mean" not in _check_file(tmp_path, "costs: x\n")


def test_every_problem_is_listed_in_line_order(tmp_path: Path) -> None:
    message = _check_file(tmp_path, "zzz: 1\nofence_date: x\nmla_to_follow: perhaps\n")
    assert message.index("line 1:") < message.index("line 2:") < message.index("line 3:")
    assert "3 problem(s)" in message


def test_ten_megabytes_in_a_field_are_refused(tmp_path: Path) -> None:
    huge = "word " * (2 * 1024 * 1024)  # 10 MB
    with pytest.raises(DraftError) as err:
        api.check("mla", {"facts": huge})
    assert f"'facts' is longer than {MAX_FIELD_CHARS:,} characters" in str(err.value)
    message = _check_file(tmp_path, f"facts: {huge[:200_000]}\n", "mla")  # a file under the size limit
    assert "line 1: 'facts' is longer than 100,000 characters" in message
    assert "over the 1,000 kB a case file may take" in _check_file(tmp_path, f"facts: {huge}\n", "mla")


def test_field_at_the_limit_is_accepted() -> None:
    report = api.check("mla", {"facts": "x" * MAX_FIELD_CHARS})
    assert report.status == "incomplete"  # the other elements are missing, but the size is fine


def test_unpaired_surrogates_are_refused() -> None:
    with pytest.raises(DraftError, match="'facts' contains invalid characters"):
        api.check("mla", {"facts": "broken \ud800 text"})


def test_case_must_be_a_mapping_through_the_api() -> None:
    with pytest.raises(DraftError, match="mapping"):
        api.check("mla", ["facts"])  # type: ignore[arg-type]  # the wrong type is the point of the test


# -- friendly readings ----------------------------------------------------------------------------------


def test_numbers_quoted_dates_and_single_items_are_read_sensibly() -> None:
    doc = parse_case("reference: 12345\noffence_date: '2026-03-02'\noffences: Fraud\n")
    markdown, _ = api.draft_markdown("mla", doc)
    assert "Reference: 12345" in markdown
    assert "on or about 2 March 2026" in markdown
    assert "- Fraud" in markdown


def test_line_numbers_are_those_of_the_file() -> None:
    doc = parse_case("# comment\n\nfacts: >\n  long\n  text\noffences:\n  - a\n")
    assert doc.lines == {"facts": 3, "offences": 6}
