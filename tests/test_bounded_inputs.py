"""Bounded work for every input (issue 20, item 2): a case that would print megabytes, and a Word file that
would inflate to gigabytes, are refused quickly, in little memory, with a message naming the field or the limit."""

from __future__ import annotations

import re
import struct
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from assistant.drafting import api
from assistant.drafting.case import parse_case, read_case_file
from assistant.drafting.casefile import parse_casefile
from assistant.errors import DraftError, IngestError
from assistant.ingest import ingest_file
from assistant.ingest.detect import detect_format
from assistant.ingest.extract import MAX_INFLATED_BYTES, extract
from assistant.review.errors import UnreadableRequest
from assistant.review.reader import read_request
from assistant.settings import Settings

MB = 1024 * 1024
LONG = "y" * 99_000  # the probe's string: under the 100,000-character limit of one text


@contextmanager
def bounded(seconds: float = 2.0, megabytes: int | None = 100) -> Iterator[None]:
    """The block must finish within `seconds` and allocate at most `megabytes` at its peak (Python objects; None:
    not traced, as tracing slows code that allocates much several times over)."""
    if megabytes:
        tracemalloc.start()
    start = time.perf_counter()
    try:
        yield
    finally:
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] if megabytes else 0
        tracemalloc.stop()
    assert elapsed < seconds, f"took {elapsed:.2f} s"
    assert not megabytes or peak < megabytes * MB, f"peak {peak / MB:.0f} MB"


# -- drafts: per-field and total limits, counted on the data as the draft would print it ------------------------


def test_a_list_repeating_one_long_text_through_aliases_is_refused_naming_the_field(tmp_path: Path) -> None:
    # The probe: ~100 kB of YAML whose list repeats a 99,000-character text 500 times (a 49.5 MB draft).
    path = tmp_path / "case.yaml"
    path.write_text("offences:\n  - &a " + LONG + "\n" + "  - *a\n" * 499, encoding="utf-8")
    assert path.stat().st_size < 110_000
    with bounded(), pytest.raises(DraftError, match=r"case\.yaml:2: 'offences' repeats a value through a YAML alias"):
        read_case_file(path)


@pytest.mark.parametrize("through", ["api", "web /draft", "case tab"])
def test_the_same_text_expanded_is_refused_naming_the_field_and_the_limit(through: str, settings: Settings) -> None:
    from assistant.ui.draft import draft_api  # imported before the clock starts: it loads the web framework

    with bounded(), pytest.raises(DraftError) as err:
        if through == "api":  # one string object, 500 times: what an alias expands to, counted item by item
            api.draft("preservation", {"offences": [LONG] * 500}, settings)
        elif through == "web /draft":
            draft_api(settings, "preservation", "offences:\n" + f"  - {LONG}\n" * 150)  # 15 MB, written out
        else:
            case = "case:\n  requesting_state: Aurelia\ndata:\n"
            parse_casefile(case + f"  - {{what: {LONG}, kind: stored, state: Valdoria}}\n" * 3)
    assert "is longer than 100,000 characters (a list's items counted together)" in str(err.value)
    assert ("'offences'" if through != "case tab" else "'data'") in str(err.value)
    assert LONG not in str(err.value)


def test_a_case_over_the_total_limit_names_its_longest_fields(settings: Settings) -> None:
    case = {"facts": "f" * 90_000, "offences": ["o" * 40_000], "assistance_sought": ["a" * 30_000]}
    with pytest.raises(DraftError, match=r"more than 150,000 characters in all.*\('facts', 'offences', 'ass"):
        api.draft("mla", case, settings)
    api.check("mla", {"facts": "f" * 90_000, "offences": ["o" * 40_000]}, settings)  # 130,000: accepted


def test_a_case_of_many_short_fields_is_measured_in_linear_time(settings: Settings) -> None:
    case = parse_case("".join(f"f{i}: x\n" for i in range(40_000)))  # 280,000 characters, names included
    with bounded(), pytest.raises(DraftError, match="more than 150,000 characters in all"):
        api.check("mla", case, settings)


def test_the_limits_are_settings(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", drafting={"max_field_chars": 1_000, "max_case_chars": 2_000})
    with pytest.raises(DraftError, match=r"line 2: 'facts' is longer than 1,000 characters"):
        api.check("mla", parse_case("offences: [one]\nfacts: " + "x" * 1_001 + "\n"), settings)
    with pytest.raises(DraftError, match="more than 2,000 characters in all"):
        api.check("mla", {"facts": "x" * 900, "offences": ["y" * 900], "assistance_sought": ["z" * 900]}, settings)


def test_a_structure_that_holds_itself_is_refused_not_walked_forever(settings: Settings) -> None:
    loop: list[object] = []
    loop.append(loop)
    with bounded(), pytest.raises(DraftError, match="'offences' is longer than"):
        api.check("preservation", {"offences": loop}, settings)


def test_a_number_too_long_for_python_is_read_as_text() -> None:
    # int() refuses over 4,300 digits with a bare ValueError, which ended `uncc draft` and `uncc plan` in a traceback.
    assert parse_case("reference: " + "1" * 5_000 + "\n").data["reference"] == "1" * 5_000


# -- Word files: the text part inflated with a cap, whatever sizes the archive declares ---------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx(path: Path, megabytes: int, media: int = 0) -> Path:
    """A Word package whose text part is padded to `megabytes` MB with empty paragraphs and spaces (about 1 kB on
    disk per MB), and whose picture holds `media` bytes."""
    xml = f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>Request</w:t></w:r></w:p>'.encode()
    padding = (b" " * (MB - 6) + b"<w:p/>") * megabytes  # no text node over the XML parser's 10 MB
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", xml + padding + b"</w:body></w:document>")
        z.writestr("word/media/image1.png", b"\0" * media)
    return path


def _declare(path: Path, member: str, size: int) -> Path:
    """Rewrite the size the archive declares for `member` (local header and central directory): a lie."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for header, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        for match in re.finditer(re.escape(header), data):
            at = match.start()
            if data[at + name_at : at + name_at + len(name)] == name:
                struct.pack_into("<I", data, at + size_at, size)
    path.write_bytes(bytes(data))
    return path


BOMBS: dict[str, Callable[[Path], Path]] = {
    # The text part truly inflates to 30 MB, and says so: inflating stops at the limit.
    "text part over the limit": lambda p: _docx(p, 30),
    # The text part declares 1 kB but inflates to 30 MB: reading stops at the declared size, and the part is
    # refused as damaged (its checksum is that of the whole text).
    "text part declared small": lambda p: _declare(_docx(p, 30), "word/document.xml", 1024),
    # The probe: a picture declared (and meant) to inflate to 1.5 GiB; it is never inflated, the package refused.
    "picture of 1.5 GiB": lambda p: _declare(_docx(p, 0, media=1024), "word/media/image1.png", 1536 * MB),
}


@pytest.mark.parametrize("kind", BOMBS)
def test_a_word_bomb_is_refused_quickly_in_bounded_memory(kind: str, tmp_path: Path, settings: Settings) -> None:
    bomb = BOMBS[kind](tmp_path / "bomb.docx")
    assert bomb.stat().st_size < 100_000
    with bounded(megabytes=64), pytest.raises(IngestError, match=r"inflates to over|cannot be opened"):
        extract(bomb, detect_format(bomb))
    with bounded(megabytes=64), pytest.raises(UnreadableRequest, match=r"bomb\.docx"):
        read_request(bomb, settings)
    with pytest.raises(IngestError):
        ingest_file(bomb, settings)
    assert not settings.home.exists() or not any(settings.home.rglob("*.json"))  # nothing stored


def test_the_limits_differ_for_a_treaty_and_a_request(tmp_path: Path, settings: Settings) -> None:
    text = _docx(tmp_path / "t.docx", MAX_INFLATED_BYTES // MB + 1)  # 21 MB: over the treaty's 20, under a request's 25
    with pytest.raises(IngestError, match="inflates to over 20 MB"):
        extract(text, "docx")
    assert read_request(text, settings).lines[0].text == "Request"
    with pytest.raises(UnreadableRequest, match="inflates to over 25 MB when opened"):
        read_request(_docx(tmp_path / "r.docx", 26), settings)


# -- the official text: formats parsed whole are bounded in size, and read in linear time ---------------------------


def test_html_is_read_in_linear_time(tmp_path: Path) -> None:
    # Placing a mark before each of 7,000 paragraphs searched its siblings: 17 s for this megabyte, now about 1 s.
    paragraph = "<p>Each State Party shall adopt such legislative and other measures as may be necessary.</p>\n"
    path = tmp_path / "page.html"
    path.write_text("<html><body>" + paragraph * 11_000 + "</body></html>", encoding="utf-8")
    with bounded(seconds=5, megabytes=None):
        pages = extract(path, "html").pages
    assert len(pages[0]) == 2 * 11_000  # each paragraph, then a blank line


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("word " * (1_100_000), r"is 5 MB of plain text, over the 5 MB limit for that format"),
        (("w" * 99 + "\n") * 33_000, r"holds 3\.3 million characters of text, over the limit of 3 million"),
    ],
)
def test_a_text_far_larger_than_the_convention_is_refused(tmp_path: Path, settings: Settings, text, words) -> None:
    path = tmp_path / "big.txt"
    path.write_text(text, encoding="utf-8")
    with bounded(), pytest.raises(IngestError, match=words):
        ingest_file(path, settings)
    assert not settings.home.exists() or not any(settings.home.rglob("*.json"))
