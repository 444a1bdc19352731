"""Property-based fuzzing of the parsers (issue 20, item 7): the case-file loader, the official-text parser and the
question cleaner. Whatever they are given, they answer or refuse with the project's own error (never another
exception, so never a traceback), within a deadline, and a refusal writes nothing: no output file, no change to
the data folder. Derandomized (the same examples on every run) and kept to a few seconds."""

from __future__ import annotations

import contextlib
import io
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.cli.main import main
from assistant.drafting import api
from assistant.errors import AssistantError, InvalidInput
from assistant.ingest import ingest_file
from assistant.ingest.parse import LANGUAGES
from assistant.prompts import question_type
from assistant.settings import Settings
from assistant.text import clean_query, tokens, without_self_reference

FUZZ = settings(
    derandomize=True,
    database=None,  # nothing written into the working tree
    deadline=2_000,  # milliseconds per example: a parser that goes quadratic on some input fails here
    max_examples=40,
    # Each example resets the files it uses itself; the per-test folder is only where they live.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _snapshot(folder: Path) -> list[tuple[str, int, int]]:
    """Every file under `folder` with its size and modification time: equal snapshots, nothing written."""
    if not folder.exists():
        return []
    return sorted((str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*"))


# -- the case-file loader, through `uncc draft` and `uncc plan` ------------------------------------------------

TYPES = api.list_types()
NAMES = [*sorted({f.name for t in TYPES for f in api.form(t).fields}), "closing", "case", "data", "persons", "log"]
# Text that YAML reads as something else, or that breaks it: tags, aliases, flow markers, impossible dates.
TRICKY = ["2026-02-30", "2026-01-01", "yes", "~", "&a x", "*a", "!!python/object:os.system", "'", '"', "{", "[",
          "- x", ": y", "#", "1" * 5000, "\t", "\x0c", "\ud800", "Ø" * 3]  # fmt: skip
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=40), st.sampled_from(TRICKY), st.dates()
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(NAMES) | st.text(max_size=8), inner),
    max_leaves=12,
)
as_yaml = st.dictionaries(st.sampled_from(NAMES), values, max_size=6).map(
    lambda data: yaml.safe_dump(data, allow_unicode=True)
)
spliced = st.tuples(as_yaml, st.integers(0, 400), st.sampled_from(TRICKY) | st.text(max_size=5)).map(
    lambda t: t[0][: t[1]] + t[2] + t[0][t[1] :]
)
case_texts = as_yaml | spliced | st.text(max_size=300)


@FUZZ
@given(text=case_texts, command=st.sampled_from([*TYPES, "plan"]))
def test_any_case_file_is_drafted_or_refused_in_words(text: str, command: str, tmp_path: Path) -> None:
    case, out = tmp_path / "case.yaml", tmp_path / "out"
    out.mkdir(exist_ok=True)
    case.write_text(text, encoding="utf-8", errors="surrogatepass")
    home = _snapshot(tmp_path / "home")
    if command == "plan":
        argv = ["plan", "--case", str(case), "--ics", str(out / "plan.ics")]
    else:
        argv = ["draft", command, "--case", str(case), "--out", str(out / "draft.md")]
    stderr = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
        code = main(argv)  # any exception but the project's own propagates and fails the example
    if code != 0:
        assert stderr.getvalue().startswith("error: ")
        assert not any(out.iterdir())  # no draft, no calendar, no temporary file left behind
    for written in out.iterdir():
        written.unlink()
    assert _snapshot(tmp_path / "home") == home


# -- the official-text parser, through `ingest_file` -----------------------------------------------------------

HEADINGS = ["Article 1", "Article 68", "Article 69", "Article 0", "Article 12 bis", "Chapter I", "Chapter IX",
            "CHAPTER XLII", "Chapitre II", "Artículo 3", "Статья 4", "Глава V", "المادة ٥", "الفصل الأول", "第六条",
            "第一章", "1.", "2. Each State Party shall adopt", "(a)", "(b) computer data;", "Preamble", "-", "12",
            "Done at Hanoi", "United Nations Convention against Cybercrime", "", "   ", "Art-", "\f"]  # fmt: skip
official_lines = st.lists(st.sampled_from(HEADINGS) | st.text(max_size=60), max_size=120)


@FUZZ
@given(lines=official_lines, lang=st.sampled_from(sorted(LANGUAGES)))
def test_any_official_text_is_parsed_or_refused_and_only_a_valid_one_is_stored(
    lines: list[str], lang: str, tmp_path: Path
) -> None:
    source = tmp_path / "convention.txt"
    source.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    config = Settings(home=tmp_path / "home")
    before = _snapshot(config.home)
    try:
        report = ingest_file(source, config, lang=lang)
    except AssistantError:
        report = None
    if report is None or report.stored_path is None:
        assert _snapshot(config.home) == before


# -- the question cleaner --------------------------------------------------------------------------------------

questions = st.text(max_size=3_000) | st.binary(max_size=300).map(lambda b: b.decode("latin-1"))


@FUZZ
@given(text=questions, limit=st.integers(1, 2_000))
def test_any_question_is_cleaned_or_refused(text: str, limit: int) -> None:
    try:
        cleaned = clean_query(text, limit)
    except InvalidInput:
        return
    assert 0 < len(cleaned) <= limit
    assert cleaned == " ".join(cleaned.split())  # one space between words, none at the ends
    assert not any(unicodedata.category(ch).startswith("C") for ch in cleaned)  # no control characters
    assert clean_query(cleaned, limit) == cleaned  # cleaning twice changes nothing
    assert question_type(cleaned) and isinstance(tokens(without_self_reference(cleaned)), list)


def test_a_question_that_is_not_text_is_refused() -> None:
    with pytest.raises(InvalidInput, match="must be text"):
        clean_query(b"what is article 42?", 100)
