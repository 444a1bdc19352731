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
from assistant.drafting import case as case_module
from assistant.drafting.case import parse_case, read_case_file
from assistant.drafting.casefile import parse_casefile, read_casefile
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
            draft_api(settings, "preservation", "offences:\n" + f"  - {LONG}\n" * 2)  # written out, under 1 MB
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


# -- case files: refused by their size before they are read or parsed ---------------------------------------------


@pytest.mark.parametrize("through", ["file", "text", "web /draft", "case tab", "plan"])
def test_a_case_file_over_the_size_limit_is_refused_before_it_is_parsed(
    through: str, tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "facts: " + "x" * 1_999_992 + "\n"  # 2 MB: parsing it took 6.7 s on a busy machine before it was refused
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    if through == "web /draft":
        from assistant.ui.draft import draft_api
    read = Path.read_text  # the messages and forms are still read
    monkeypatch.setattr(
        Path, "read_text", lambda p, *a, **k: pytest.fail("read unchecked") if p == path else read(p, *a, **k)
    )
    monkeypatch.setattr(case_module, "_CaseLoader", lambda *_: pytest.fail("parsed before its size was checked"))
    with bounded(), pytest.raises(DraftError, match=r"the case file is 2,000 kB, over the 1,000 kB a case file may"):
        if through == "file":
            read_case_file(path, settings)
        elif through == "text":
            parse_case(text, settings=settings)
        elif through == "web /draft":
            draft_api(settings, "mla", text)  # imported above, before the clock starts: it loads the web framework
        elif through == "case tab":
            parse_casefile(text, settings=settings)
        else:
            read_casefile(path, settings)


def test_the_file_limit_counts_bytes_and_is_a_setting(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", drafting={"max_case_file_kb": 10})
    assert parse_case("facts: " + "x" * 9_000 + "\n", settings=settings).data["facts"] == "x" * 9_000
    with pytest.raises(DraftError, match=r"^case: the case file is 12 kB, over the 10 kB"):
        parse_case("facts: " + "案" * 4_000 + "\n", settings=settings)  # 4,000 characters, 12,000 bytes in UTF-8


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


def _parts(path: Path, parts: int, name_chars: int = 8) -> Path:
    """A Word package of `parts` empty pictures besides its text, each named with `name_chars` digits."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", f'<w:document xmlns:w="{W}"><w:body/></w:document>')
        for i in range(parts):
            z.writestr(f"word/media/{i:0{name_chars}d}.png", b"")
    return path


def _zip64_declaring_few(path: Path) -> Path:
    """2,100 parts with a ZIP64 end record (as a package of over 65,535 parts has), the classic end record saying
    5 parts in 100 bytes: `zipfile` believes the ZIP64 one, so the check must too."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 10)  # write the ZIP64 end record from 10 parts on
        _parts(path, 2_100)
    data = bytearray(path.read_bytes())
    struct.pack_into("<HHL", data, data.rfind(b"PK\x05\x06") + 8, 5, 5, 100)
    path.write_bytes(bytes(data))
    return path


DIRECTORIES: dict[str, Callable[[Path], Path]] = {
    "2,100 parts": lambda p: _parts(p, 2_100),
    "300 parts with long names": lambda p: _parts(p, 300, name_chars=1_000),  # a directory of over 300 kB
    "ZIP64 record": _zip64_declaring_few,
}


@pytest.mark.parametrize("kind", DIRECTORIES)
def test_a_package_with_a_huge_directory_is_refused_unread(
    kind: str, tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Opening a ZIP reads its directory whole: 100,000 empty parts (12 MB) took 6.4 s and 72 MB on a busy machine.
    package = DIRECTORIES[kind](tmp_path / "parts.docx")
    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", lambda *_: pytest.fail("the directory was read"))
    refused = r"parts\.docx is a ZIP package of [0-9,]+ parts in a directory of [0-9,]+ kB, not a Word document"
    with bounded(megabytes=16), pytest.raises(IngestError, match=refused):
        detect_format(package)
    with pytest.raises(IngestError, match=refused):
        extract(package, "docx")
    with pytest.raises(
        UnreadableRequest, match=r"parts\.docx cannot be read as a request: it is a ZIP archive but not a Word"
    ):
        read_request(package, settings)
    with pytest.raises(IngestError, match=refused):
        ingest_file(package, settings)


# -- the official text: formats parsed whole are bounded in size, and read in linear time ---------------------------


def test_html_is_read_in_linear_time(tmp_path: Path) -> None:
    # Placing a mark before each of 7,000 paragraphs searched its siblings: 17 s for this megabyte, now about 1 s.
    paragraph = "<p>Each State Party shall adopt such legislative and other measures as may be necessary.</p>\n"
    path = tmp_path / "page.html"
    path.write_text("<html><body>" + paragraph * 11_000 + "</body></html>", encoding="utf-8")
    with bounded(seconds=5, megabytes=None):
        pages = extract(path, "html").pages
    assert len(pages[0]) == 2 * 11_000  # each paragraph, then a blank line


def test_nested_html_is_read_in_linear_time(tmp_path: Path) -> None:
    # Marking the end of each tag walked up to the root (and each footnote's text down to its leaves): quadratic in
    # the depth, 38 s for 8,000 levels on a busy machine; now one pass over the tree.
    path = tmp_path / "nested.html"
    depth = 4_000
    nested = '<div class="footnote">' + "<div>" * depth + "Article 1<br>Purpose" + "</div>" * depth + "</div>"
    path.write_text(f"<html><body>{nested}<p>Article 2</p></body></html>", encoding="utf-8")
    with bounded(seconds=5, megabytes=None):
        lines = [line.text for line in extract(path, "html").pages[0]]
    assert lines == ["Article 1 Purpose", "", "Article 2", ""]  # the "footnote" holds over half the text: kept


def test_html_of_too_many_tags_is_refused_before_it_is_parsed(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "tags.html"
    path.write_text("<html><body>" + "<b>" * 150_000 + "</body></html>", encoding="utf-8")  # 450 kB
    with bounded(), pytest.raises(IngestError, match=r"tags\.html holds 150,004 tags of HTML, over the limit"):
        extract(path, "html")
    with pytest.raises(UnreadableRequest, match=r"tags\.html cannot be read as a request.*150,004 tags"):
        read_request(path, settings)


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
