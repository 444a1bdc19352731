"""The receiving desk (`uncc review`) with the real embedding model, on the development set of incoming requests
in evals/review/ (dev/ and heldout/ halves, each request with a sidecar of the elements it leaves out): type
detection, left-out elements flagged, the reply asking for exactly what is missing, the JSON shape, DOCX and PDF
input, and the refusal of what is not a readable request. The model and the forms' vectors are loaded once."""

from __future__ import annotations

import json
import logging
import re
import time
import zipfile
from pathlib import Path

import docx
import numpy as np
import pytest
import yaml
from ingest_fixtures import encrypted, from_knowledge, image_only, render_txt

from assistant.cli import main
from assistant.embeddings import torch_threads
from assistant.errors import DraftError
from assistant.ingest.pages import Line
from assistant.knowledge import load_knowledge, load_map
from assistant.review.api import Reviewer
from assistant.review.considerations import load_points
from assistant.review.errors import NotARequest, UnreadableRequest
from assistant.review.matcher import _sentence, _words, load_checks, with_clauses
from assistant.review.model import Review
from assistant.review.segment import segment
from assistant.review.wording import messages
from assistant.settings import PROJECT_ROOT, Settings
from evals.review_eval import long_request

SET = PROJECT_ROOT / "evals" / "review"
REQUESTS = sorted(p for half in ("dev", "heldout") for p in (SET / half).iterdir() if p.suffix != ".yaml")
BULLET = re.compile(r"^- \*\*(.+?)\*\*", re.M)


def sidecar(path: Path) -> dict:
    return yaml.safe_load(path.with_suffix(".yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def reviewer(request: pytest.FixtureRequest) -> Reviewer:
    # The forms' vectors are kept in pytest's cache between runs; a data folder of the user is never touched.
    cache = request.config.cache.mkdir("uncc-review") if request.config.cache else None
    reviewer = Reviewer(Settings(home=cache) if cache else Settings())
    reviewer.warm()
    return reviewer


@pytest.fixture(scope="module")
def reviews(reviewer: Reviewer) -> dict[str, Review]:
    """Every request of the development set, reviewed once with its type detected."""
    return {p.name: reviewer.review_file(p) for p in REQUESTS}


def test_the_set_has_enough_requests_of_enough_types():
    types = {sidecar(p)["type"] for p in REQUESTS}
    assert len(REQUESTS) >= 16 and len(types) >= 4
    sidecars = sorted(SET.glob("*/*.yaml"))  # the never-seen sets too, which the tests do not review
    assert {p.parent.name for p in sidecars} >= {"dev", "heldout", "fresh", "fresh2", "fresh3", "fresh4"}
    for p in sidecars:  # every id in a sidecar is an element of the form
        form = yaml.safe_load((PROJECT_ROOT / "knowledge" / "forms" / f"{sidecar(p)['type']}.yaml").read_text())
        names = {f["name"] for f in form["fields"]}
        listed = {n for key in ("left_out", "vague", "absent", "ignore") for n in sidecar(p).get(key) or []}
        assert listed <= names, (p.name, listed - names)


def test_type_is_detected_for_every_request(reviews):
    wrong = {name: r.type for name, r in reviews.items() if r.type != sidecar(SET / _half(name) / name)["type"]}
    assert not wrong
    assert all(0 < r.type_confidence <= 1 for r in reviews.values())


def _half(name: str) -> str:
    return "dev" if (SET / "dev" / name).exists() else "heldout"


def test_left_out_elements_are_reported_missing_or_unclear(reviews):
    flagged, total, false_missing = 0, 0, {}
    for name, review in reviews.items():
        side = sidecar(SET / _half(name) / name)
        status = {e.id: e.status for e in review.elements}
        for element in (side.get("left_out") or []) + (side.get("vague") or []):
            total += 1
            flagged += status[element] != "present"
        there = set(status).difference(*(side.get(k) or [] for k in ("left_out", "vague", "absent", "ignore")))
        false_missing[name] = sorted(e for e in there if status[e] == "missing")
    # Issue 21's bar, on both halves: at most one element that is there reported missing per request ...
    assert all(len(v) <= 1 for v in false_missing.values()), false_missing
    # ... and the left-out elements flagged: 51 of 51 today, 47 of 51 before the changes docs/review.md describes.
    assert flagged / total >= 0.93, (flagged, total)


def test_dev_half_meets_the_bar_exactly(reviews):
    for name, review in reviews.items():
        if _half(name) != "dev":
            continue
        side = sidecar(SET / "dev" / name)
        status = {e.id: e.status for e in review.elements}
        assert all(status[e] != "present" for e in (side.get("left_out") or []) + (side.get("vague") or [])), name


def test_the_reply_asks_for_exactly_the_missing_and_unclear_required_elements(reviews):
    for review in reviews.values():
        asked = BULLET.findall(review.reply)
        expected = [e.label for e in review.elements if e.required and e.status != "present"]
        assert asked == expected, review.source
        for e in review.asked:  # each with why it is needed, from the form
            assert e.why[:30] in " ".join(review.reply.split()) or "recommended by" in review.reply


def test_a_request_that_leaves_out_one_element_gets_a_reply_asking_for_it(reviews):
    review = reviews["preservation-01-form.txt"]
    assert [e.id for e in review.asked] == ["necessity"]
    assert BULLET.findall(review.reply) == ["Why preservation is necessary"]
    assert "(art. 42)" in review.reply and "NCC-OST-2025-2291" in review.reply  # their reference, filled in


def _element(review: Review, element_id: str):
    return next(e for e in review.elements if e.id == element_id)


@pytest.mark.parametrize(
    ("name", "element_id", "evidence"),
    [
        # Named only in a sentence of the note verbale: long sentences and proper names are far from any model
        # wording, but this one is far closer to the person sought than to any other element.
        ("extradition-05-noteverbale.txt", "person_name", "Mr Raul Denes was born on 30 April 1983 in Valmont."),
        # The addressee of a letter in prose, on a line of its own without "To:".
        ("preservation-06-prose.txt", "requested_state", "To the 24/7 point of contact of the Kingdom of Valdoria"),
    ],
)
def test_a_present_element_with_its_evidence_is_not_asked_for(reviews, name, element_id, evidence):
    review = reviews[name]
    element = _element(review, element_id)
    assert element.status == "present" and element.evidence == evidence
    assert review.text[element.start : element.end] == evidence  # the passage the tab highlights
    assert element.label not in BULLET.findall(review.reply)
    assert element.label not in review.reply


@pytest.mark.parametrize(
    ("name", "element_id", "starts"),
    [
        # The date in the account of the conduct: not the letter's date line ("Meridia City, 9 September 2025",
        # shown before), nor the dates of the judgment and of the escape that come closer to "a date".
        ("extradition-02-prose.txt", "offence_date", "From March 2021 to May 2022, Ms Baptiste received"),
        # Not the e-mail's "Date: 3 June 2025" (shown before).
        ("mla-02-email.txt", "offence_date", "Between October 2024 and March 2025, more than 200 residents"),
        # The period is given inside the description of the data: its clause is shown, not the whole sentence.
        ("preservation-02-noteverbale.txt", "data_period", "for the period from 1 March 2025"),
        # The value of the "To:" line, not a sentence of the body (the label's section used to run to the end).
        ("mla-03-partial.txt", "requested_state", "the Central Authority of the Kingdom of Valdoria"),
    ],
)
def test_the_evidence_is_the_passage_that_supplies_the_element(reviews, name, element_id, starts):
    element = _element(reviews[name], element_id)
    assert element.status == "present"
    assert element.evidence and element.evidence.startswith(starts), element.evidence


def test_structure_a_label_ends_at_a_blank_line_and_numbers_leave_headings():
    lines = [
        "Subject: Request for assistance - ref. X-1/2025",
        "",
        "Dear colleagues,",
        "",
        "We ask for the records of the account.",
        "What we need: please send us",
        "1) the statements,",
        "",
        "2) the login IP addresses.",
        "",
        "## 10. Persons concerned",
        "",
        "The persons responsible are unknown.",
    ]
    units = {u.text: u for u in segment([Line(t) for t in lines]).units}
    assert units["Request for assistance - ref. X-1/2025"].heading == "Subject"
    assert units["We ask for the records of the account."].heading == ""  # the body is not the subject's value
    assert units["1) the statements,"].heading == "What we need"  # the items of a label's list stay with it
    assert units["2) the login IP addresses."].heading == "What we need"
    assert units["The persons responsible are unknown."].heading == "Persons concerned"


def test_structure_a_scan_keeps_a_label_value_and_its_sentences_whole():
    lines = [
        "CYBER CRIME UNIT          page 1 of 2",
        "",
        "SUBJECT: expedited preservation of stored",
        "data - ransomware attack on the water authority",
        "",
        "1. Your office preserved the data at our",
        "request no. CD-1402 of 3 December 2026.",
        "",
        "3. The communication concerned: the session",
        "of 1 December 2026.",
        "",
        "4. We ask you to disclose the traffic data at",
        "page 2 of 2",
        "once.",
    ]
    doc = segment([Line(t) for t in lines])
    units = {u.text: u for u in doc.units}
    # The value a line break cut goes on over the next line; the page marks are not text.
    subject = units["expedited preservation of stored data - ransomware attack on the water authority"]
    assert subject.label == "SUBJECT"
    assert "page" not in doc.text
    # A numbered line that the next line continues in lower case is a paragraph, not a heading ...
    assert "1. Your office preserved the data at our request no. CD-1402 of 3 December 2026." in units
    assert "Your office preserved the data at our" not in doc.headings
    # ... and the numbered item after a numbered label is its sibling, not its value.
    assert units["4. We ask you to disclose the traffic data at once."].heading == "CYBER CRIME UNIT"


def test_checks_know_what_an_element_cannot_come_from():
    checks = load_checks(Settings().prompts_dir)
    rule = checks.patterns
    # The dual-criminality threshold, its clause included, is not the requesting State's penalty.
    dual = (
        "Both offences are also offences under the law of Norland (sections 202a and 263a of its Criminal Code), "
        "where each is punishable by imprisonment for a maximum term of more than one year."
    )
    doc = segment([Line(dual)])
    assert "dual" in checks.excluded["penalties"]
    mask = checks.masks(doc)["dual"]
    assert doc.units[-1].text.startswith("where") and not mask[-1]  # the clause alone does not say "also"
    assert with_clauses(mask, doc).all()
    # A list of enclosed statements is not a warrant, and a request to preserve announces no later request.
    assert not rule["decision"].search("The statements of two investigators are enclosed, in order to help.")
    assert rule["decision"].search("A warrant for his arrest was issued on 1 March 2025.")
    assert not rule["later_request"].search("We request the expedited preservation of stored data.")
    assert rule["later_request"].search("A request for mutual legal assistance will follow.")
    assert rule["nationality"].search("He is a national of Kestria.")
    assert not rule["nationality"].search("National Police of Kestria, Cybercrime Unit")
    assert rule["courtesy"].search("Please accept, Excellency, the assurances of my highest consideration.")


def test_the_contact_is_the_requesting_authoritys_not_an_address_among_the_data_sought():
    checks = load_checks(Settings().prompts_dir)
    lines = [
        "11. Assistance sought",
        "",
        "3. To obtain from Fjordmail AB the subscriber information and the login records of the account "
        "ops@mail.example since its creation.",
        "",
        "The e-mails came from the account of the victim, anna@mail.example.",
        "",
        "Should you need anything further, Ms Petra Linn can be reached at +383 2 660 4412 or petra@justice.example.",
    ]
    doc = segment([Line(t) for t in lines])
    masks = checks.masks(doc)
    blocked = np.zeros(len(doc.units), dtype=bool)
    for name in checks.excluded["contact_person"]:
        blocked |= with_clauses(masks[name], doc)
    texts = [u.text for u in doc.units]
    item = texts.index(lines[2])
    facts = texts.index(lines[4])
    contact = texts.index(lines[6])
    # Each has an address the contact check accepts; only the last is someone to contact.
    assert all(masks["contact"][[item, facts, contact]])
    assert blocked[item] and blocked[facts] and not blocked[contact]


def test_the_list_of_measures_is_not_the_purpose_nor_a_request_to_preserve_its_necessity():
    checks = load_checks(Settings().prompts_dir)
    rule = checks.patterns
    assert "measure_item" in checks.excluded["purpose"]
    assert "preservation_ask" in checks.excluded["necessity"]
    for item in (
        "4. To obtain from **Solvik Savings Bank** the account opening documents of the company.",
        "b) to search the home of the suspect and seize any computer found there.",
        "To hear Mr Berg as a witness.",
    ):
        assert rule["measure_item"].search(item), item
    # An item too long for one passage is cut at its semicolons: its pieces are still the item.
    long_item = (
        "1. To obtain from Nordvault Exchange AB the identity documents, customer records and account history of "
        "the holders of the eleven deposit addresses listed in the annex to this request; the records of all "
        "deposits, trades and withdrawals of those accounts between 1 April 2024 and the date of execution; and "
        "the bank accounts to which money was withdrawn from them."
    )
    doc = segment([Line(long_item)])
    assert doc.sentences == 3
    assert with_clauses(checks.masks(doc)["measure_item"], doc).all()
    for purpose in (
        "The records are needed to identify the person who ran the shop and as evidence at trial.",
        "To identify and bring to trial the administrators of the market.",
    ):
        assert not rule["measure_item"].search(purpose), purpose
    ask = (
        "I ask your authorities to ensure the expedited preservation of the stored data that this company holds "
        "about the web shop: the subscriber details and the access logs."
    )
    assert rule["preservation_ask"].search(ask)
    # A request to preserve that gives its reason still tells why preservation is necessary.
    for reason in (
        "We request preservation because the provider deletes its logs after 90 days.",
        "We ask that the data be preserved, since the account may be closed by its holder at any time.",
    ):
        assert not rule["preservation_ask"].search(reason), reason


def test_dotted_leaders_are_labels_and_an_ellipsis_is_not():
    lines = [
        "REQUEST FOR EXTRADITION",
        "",
        "Issuing authority ........ Ministry of Justice of Marvenia",
        "Our reference ............ MJ-MAR/EXT/2026/077",
        "Date . . . . . . 9 December 2026",
        "",
        "He left... and never came back.",
    ]
    units = {u.text: u for u in segment([Line(t) for t in lines]).units}
    assert units["Ministry of Justice of Marvenia"].label == "Issuing authority"
    assert units["MJ-MAR/EXT/2026/077"].label == "Our reference"
    assert units["9 December 2026"].label == "Date"
    assert units["He left... and never came back."].label == ""


def test_a_long_sentence_is_also_compared_clause_by_clause():
    sentence = (
        "The Embassy presents its compliments to the Ministry of Foreign Affairs of Ostmark and has the honour to "
        "transmit a request from the Investigating Magistrate of the City Court, who directs an investigation into "
        "the hacking of the Land Registry."
    )
    doc = segment([Line("Note No. 7/2025"), Line(""), Line(sentence), Line(""), Line("A short one.")])
    assert [u.text for u in doc.units[: doc.sentences]] == ["Note No. 7/2025", sentence, "A short one."]
    parts = doc.units[doc.sentences :]  # after every sentence, so the opening passages stay the sentences
    assert [u.text for u in parts] == [
        "The Embassy presents its compliments to the Ministry of Foreign Affairs of Ostmark",
        "and has the honour to transmit a request from the Investigating Magistrate of the City Court",
        "who directs an investigation into the hacking of the Land Registry.",
    ]
    assert all(u.whole == 1 and doc.text[u.start : u.end] == u.text for u in parts)


def test_a_clause_counts_once_in_a_narrative_and_is_checked_with_its_sentence():
    sentence = (
        "Mr Vey was charged with computer fraud under article 301 of the Penal Code, and the trial began on "
        "5 January 2026 before the Criminal Court."
    )
    doc = segment([Line(sentence)])
    assert doc.sentences == 1 and len(doc.units) == 3
    assert _words(doc, list(range(len(doc.units)))) == len(sentence.split())
    assert "article 301" in _sentence(doc, 2) and "article 301" not in doc.units[2].text


def test_the_model_runs_on_the_threads_asked_for_and_then_as_before():
    import torch

    before = torch.get_num_threads()
    with torch_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before


def test_conduct_without_an_offence_named_is_unclear(reviews):
    offences = next(e for e in reviews["mla-02-email.txt"].elements if e.id == "offences")
    assert offences.status == "unclear"


def test_json_shape_and_exit_code(reviewer, capsys):
    path = SET / "dev" / "extradition-01-formal.md"
    assert main(["review", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["type", "type_confidence", "elements", "considerations", "reply"]
    assert data["type"] == "extradition" and isinstance(data["type_confidence"], float)
    for e in data["elements"]:
        assert list(e) == ["id", "label", "status", "articles", "evidence"]
        assert e["status"] in ("present", "unclear", "missing")
        assert all(isinstance(a, int) for a in e["articles"])
        assert (e["evidence"] is None) == (e["status"] == "missing")
    warrant = next(e for e in data["elements"] if e["id"] == "warrant_or_judgment")
    assert warrant["status"] != "present"  # left out of this request on purpose
    for c in data["considerations"]:
        assert list(c) == ["text", "articles"] and c["articles"] and all(isinstance(a, int) for a in c["articles"])
    assert data["reply"].startswith("# Acknowledgement of receipt")


def test_text_output_and_reply_files(reviewer, capsys, tmp_path):
    path = SET / "heldout" / "extradition-04-form.txt"
    assert main(["review", str(path), "--type", "extradition", "--reply", str(tmp_path / "reply.docx")]) == 0
    out = capsys.readouterr().out
    assert "Request for extradition (type given with --type)" in out and "Points to weigh before executing:" in out
    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "reply.docx")).paragraphs)
    assert "Contact person" in text and "Acknowledgement of receipt" in text
    assert main(["review", str(path), "--reply", str(tmp_path / "reply.md")]) == 0
    assert (tmp_path / "reply.md").read_text(encoding="utf-8").startswith("# Acknowledgement of receipt")
    capsys.readouterr()
    assert main(["review", str(path), "--reply", str(tmp_path / "reply.md")]) == 2  # never overwritten silently
    assert "already exists" in capsys.readouterr().err


def test_an_unknown_type_lists_the_valid_ones(reviewer):
    with pytest.raises(DraftError, match="Valid types: confiscation, extradition"):
        reviewer.review_file(SET / "dev" / "mla-01-formal.md", "subpoena")


def test_considerations_come_from_the_data_with_their_articles(reviews):
    extradition = reviews["extradition-02-prose.txt"].considerations
    texts = " ".join(c.text for c in extradition)
    assert "at least one year" in texts and "national" in texts and "fiscal" in texts
    assert all(c.articles for c in extradition)
    assert any(c.uncertain and c.text.startswith("Uncertain") for c in extradition)
    mla = " ".join(c.text for c in reviews["mla-01-formal.md"].considerations)
    assert "Bank secrecy" in mla and "Costs" in mla and "prior authorization" in mla  # art. 40 and art. 36
    _, points = load_points(PROJECT_ROOT / "prompts")
    for p in points:  # articles only: no paragraph number that the knowledge base does not establish
        assert not re.search(r"art(icle)?s?\.? \d+\(\d", p.text), p.id


def test_docx_and_pdf_requests_are_read(reviewer, reviews, tmp_path):
    source = SET / "dev" / "mla-02-email.txt"
    paragraphs = source.read_text(encoding="utf-8").split("\n")
    document = docx.Document()
    for line in paragraphs:
        document.add_paragraph(line)
    document.save(str(tmp_path / "request.docx"))
    _pdf(paragraphs, tmp_path / "request.pdf")
    expected = {e.id: e.status for e in reviews[source.name].elements}
    for name in ("request.docx", "request.pdf"):
        review = reviewer.review_file(tmp_path / name)
        assert review.type == "mla"
        got = {e.id: e.status for e in review.elements}
        assert got["purpose"] != "present" and got["offences"] != "present"
        assert sum(got[k] == expected[k] for k in got) >= len(got) - 2, name


def _pdf(lines: list[str], path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    y = 800
    for line in lines:
        for k in range(0, max(len(line), 1), 95):  # wrap long lines as a word processor would
            c.drawString(40, y, line[k : k + 95])
            y -= 14
        if y < 60:
            c.showPage()
            y = 800
    c.save()


# -- bad input ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bad")
    image_only(folder / "scan.pdf")
    _pdf(["Request for mutual legal assistance", "Reference: X-1/2025, 3 May 2025"] * 5, folder / "text.pdf")
    encrypted(folder / "text.pdf", folder / "locked.pdf")
    with open(folder / "huge.pdf", "wb") as fh:
        fh.truncate(20 * 1024 * 1024)  # sparse: 20 MB that cost no disk
    with zipfile.ZipFile(folder / "bomb.docx", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document>" + " " * (30 * 1024 * 1024) + "</w:document>")
    (folder / "empty.txt").write_bytes(b"")
    knowledge = PROJECT_ROOT / "knowledge"
    render_txt(from_knowledge(load_knowledge(knowledge), load_map(knowledge)), folder / "convention.txt")
    return folder


@pytest.mark.parametrize(
    ("name", "error", "words"),
    [
        ("scan.pdf", UnreadableRequest, r"without a text layer .* paste the text .* \.txt"),
        ("locked.pdf", UnreadableRequest, "protected by a password"),
        ("huge.pdf", UnreadableRequest, "20 MB, over the 10 MB limit"),
        ("bomb.docx", UnreadableRequest, "inflates to over 25 MB when opened"),
        ("empty.txt", NotARequest, "does not look like a request"),
        ("convention.txt", NotARequest, "does not look like a request .* treaty or statute"),
    ],
)
def test_bad_input_is_refused_with_a_reason(reviewer, bad, name, error, words):
    with pytest.raises(error, match=words):
        reviewer.review_file(bad / name)


@pytest.mark.parametrize("name", sorted(p.name for p in (SET / "negative").iterdir()))
def test_texts_that_are_not_requests_get_no_checklist(reviewer, name):
    with pytest.raises(NotARequest, match="does not look like a request"):
        reviewer.review_file(SET / "negative" / name)


def test_cli_refusal_is_one_line_and_exit_2(bad, capsys):
    assert main(["review", str(bad / "scan.pdf")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: scan.pdf is a PDF without a text layer") and "Traceback" not in err


def test_the_request_content_is_never_logged(reviewer, caplog):
    with caplog.at_level(logging.DEBUG):
        review = reviewer.review_file(SET / "dev" / "preservation-03-email.txt")
    assert review.elements and "reviewed a request" in caplog.text
    for sentence in ("luna_deals_2025", "Instagrid", "Luis Moreno", "38,000"):
        assert sentence not in caplog.text


def test_messages_have_their_placeholders():
    assert messages(PROJECT_ROOT / "prompts")["not_a_request"].count("{") == 2


# -- speed -------------------------------------------------------------------------------------------------


def test_a_ten_page_request_is_reviewed_within_the_budget(reviewer, tmp_path):
    path = tmp_path / "ten-pages.md"
    path.write_text(long_request(), encoding="utf-8")
    units = segment([Line(t) for t in path.read_text(encoding="utf-8").splitlines()]).sentences
    start = time.process_time()
    review = reviewer.review_file(path)
    cpu = time.process_time() - start
    assert units > reviewer.settings.review.max_units  # long enough to need the budget
    assert any(f"{reviewer.settings.review.max_units} of its {units}" in w for w in review.warnings)
    # 2 s is the target on 2 idle cores (docs/review.md). The CPU time of this process (all its threads) is
    # checked, not the wall-clock: on this shared machine the wall-clock measures the other jobs (3.4 to 3.9 s at a
    # load average of 11 on 2 cores), while the review itself costs about 1.8 s of CPU on its one thread.
    assert cpu < 4, cpu
    assert review.type == "mla"


# -- the Review tab --------------------------------------------------------------------------------------------


def test_review_tab_shows_the_checklist_the_passages_and_the_points(reviews):
    from assistant.ui.review_tab import checklist_html, points_markdown, summary_markdown, text_html

    review = reviews["preservation-02-noteverbale.txt"]
    table = checklist_html(review)
    assert table.count("<tr data-element=") == len(review.elements)
    contact = next(e for e in review.elements if e.id == "contact_person")  # left out of this note verbale
    assert contact.status != "present" and f'data-element="contact_person" data-status="{contact.status}"' in table
    text = text_html(review)
    supplied = [e for e in review.elements if e.status == "present" and e.start is not None]
    assert text.count("<mark ") >= len({e.start for e in supplied}) - 1  # overlapping passages share a mark
    for e in supplied:  # every passage linked from the checklist is highlighted in the text
        assert f'id="review-passage-{e.start}"' in text or f"review-passage-{e.start}" not in table
    assert "detected, confidence" in summary_markdown(review)
    assert "(art. 42)" in points_markdown(review)


# -- the Review tab: pasted text ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def on_review(reviewer: Reviewer):
    """The Review tab's own handler, built in a page of its own, with the real reviewer behind it."""
    import gradio as gr

    from assistant.ui.review_tab import review_tab

    with gr.Blocks() as demo:
        review_tab(reviewer.settings)
    return next(fn.fn for fn in demo.fns.values() if fn.fn is not None and fn.name == "on_review")


def test_pasted_text_is_reviewed_like_the_file(reviews, on_review):
    source = SET / "dev" / "preservation-01-form.txt"
    summary, checklist, points, text, files, reply = on_review(None, source.read_text(encoding="utf-8"), "detect")
    assert "Request for the expedited preservation" in summary and "detected, confidence" in summary
    for e in reviews[source.name].elements:  # the same Reviewer: the same checklist as the uploaded file
        assert f'data-element="{e.id}" data-status="{e.status}"' in checklist
    assert "<mark " in text and "(art. 42)" in points
    assert reply.startswith("# Acknowledgement of receipt") and "Why preservation is necessary" in reply
    assert sorted(Path(f).suffix for f in files) == [".docx", ".md"]


def _refusal(outputs: tuple) -> str:
    """The message a refused review shows in the summary; every other output is left as it was."""
    import gradio as gr

    summary, *rest = outputs
    assert all(isinstance(o, type(gr.skip())) for o in rest), rest
    assert summary.startswith("⚠️") and "Traceback" not in summary and "Error" not in summary
    return summary


@pytest.mark.parametrize(
    ("path", "text", "words"),
    [
        (None, "", "Upload the file of the request, or paste its text"),
        (None, " \n\t \n", "Upload the file of the request, or paste its text"),
        (SET / "dev" / "mla-01-formal.md", "Some pasted text", "both a file and pasted text"),
        (None, "Please help us with our case, reference 12/2025, dated 3 May 2025.", "does not look like a request"),
        (None, "x" * (10 * 1024 * 1024 + 1), r"The pasted text is 10\.0 MB, over the 10 MB limit"),
    ],
    ids=["empty", "blank", "both", "too-short", "too-long"],
)
def test_bad_pasted_input_gets_a_clear_message(on_review, path, text, words):
    assert re.search(words, _refusal(on_review(str(path) if path else None, text, "detect")))


def test_review_text_refuses_empty_and_oversized_text(reviewer):
    with pytest.raises(NotARequest, match="The pasted text is empty"):
        reviewer.review_text("   \n")
    with pytest.raises(UnreadableRequest, match="over the 10 MB limit"):
        reviewer.review_text("é" * (6 * 1024 * 1024))  # 12 MB once encoded: the limit is on bytes, as for a file
