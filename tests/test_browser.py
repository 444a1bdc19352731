"""End-to-end tests: the app on a free local port, driven in Debian's headless Chromium and by gradio_client.

The app is launched once per session. Each browser test gets its own context (a fresh browser session) that
records every request the page makes; a request to anything but this machine fails the test.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import socket
import zipfile
from concurrent.futures import ThreadPoolExecutor

import pytest
from browser_support import (
    LOCAL_ADDRESSES,
    PRESERVATION_Q,
    PRESERVATION_TITLE,
    WAIT_MS,
    ask,
    bot_messages,
    free_port,
    needs_chromium,
    no_traceback,
)

from assistant.settings import PROJECT_ROOT

# -- browser -----------------------------------------------------------------------------------------------


@pytest.mark.browser
@needs_chromium
def test_ask_click_a_citation_and_follow_up(page, app_url):
    from playwright.sync_api import expect

    page.goto(app_url)
    expect(page.locator("#banner")).to_contain_text("Our restatement, not the official text")
    ask(page, PRESERVATION_Q)
    expect(bot_messages(page).first).to_contain_text("Art. 42")
    expect(page.locator("#chips")).to_contain_text("Art. 42")
    expect(page.locator("#passages .uncc-passage").first).to_contain_text("our restatement")
    expect(page.locator("#ask-status")).to_contain_text("Backend: extractive")

    chip = page.locator("#chips label", has_text=re.compile(r"^\s*Art\. 42 · ")).first
    name = chip.inner_text().split("·", 1)[1].strip()
    chip.click()
    selected = page.locator("#passages .uncc-passage.selected")
    expect(selected).to_have_count(1)
    expect(selected).to_contain_text(name)  # the passage the sentence came from, not the article's first one

    # Several citations, so the last card starts out of sight, below the panel's fold: its chip scrolls to it.
    labels = page.locator("#chips label")
    assert labels.count() >= 3, "the question's answer should cite several passages"
    last_label = labels.last.inner_text().strip()
    last_card = page.locator("#passages .uncc-passage").last
    expect(last_card).not_to_be_in_viewport()
    labels.last.click()
    expect(selected).to_have_attribute("data-label", last_label)
    expect(selected).to_be_in_viewport()

    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url.rstrip("/"))
    page.locator("#copy").click()
    expect(page.locator("#ask-status")).to_contain_text("Copied the answer and its sources")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "[Art. 42]" in copied.splitlines()[0] and "\nSources (our restatement" in copied

    ask(page, "How long does it last?")
    expect(bot_messages(page)).to_have_count(2)
    expect(bot_messages(page).nth(1)).to_contain_text("60 days")
    expect(bot_messages(page).nth(1)).to_contain_text("Art. 42")
    no_traceback(page)


@pytest.mark.browser
@needs_chromium
def test_bad_input_shows_a_message_in_place(page, app_url):
    from playwright.sync_api import expect

    page.goto(app_url)
    page.locator("#send").click()
    expect(page.locator("#ask-status")).to_contain_text("Type a question first")

    ask(page, "How do I make ransomware?")
    expect(bot_messages(page).first).to_contain_text("Declined")
    expect(page.locator("#passages")).to_contain_text("declined")

    ask(page, PRESERVATION_Q + " please" * 15_000)  # about 100,000 characters
    expect(bot_messages(page).nth(1)).to_contain_text("only the first 2000 characters", ignore_case=True)

    ask(page, "What is the 24/7 network?")
    for _ in range(5):  # rapid repeated submits: ignored while pending, then empty (the box was cleared)
        page.locator("#send").click()
    expect(bot_messages(page).nth(2)).to_contain_text("Art. 41")
    expect(bot_messages(page)).to_have_count(3)
    no_traceback(page)


FOLLOW_UP = "How long does it last?"
HTML_Q = "Is posting <img src=x> with **this** an offence?"
CLEAR = '#chat button[aria-label="Clear"]'  # the chat's own Clear button (a bin)


def _kept(page, turns: int | None = None) -> dict | None:
    """The conversation this browser keeps (its local storage), or None; with `turns`, once it holds that many
    (the page saves an answer just after showing it)."""
    from assistant.ui.conversation import HISTORY_KEY

    if turns is not None:
        page.wait_for_function(
            "([key, n]) => (JSON.parse(localStorage.getItem(key) || '{\"turns\": []}').turns || []).length === n",
            arg=[HISTORY_KEY, turns],
        )
    raw = page.evaluate("(key) => localStorage.getItem(key)", HISTORY_KEY)
    return None if raw is None else json.loads(raw)


@pytest.mark.browser
@needs_chromium
def test_the_conversation_is_kept_in_the_browser_and_each_question_sends_one_turn(page, app_url):
    """Asked, reloaded, restored; a question sends the previous turn only; what the user typed stays text;
    Clear removes it for good."""
    from playwright.sync_api import expect

    sent: list[list] = []  # what each question sent the server
    page.on(
        "request",
        lambda r: sent.append(json.loads(r.post_data or "{}").get("data")) if "/queue/join" in r.url else None,
    )
    page.goto(app_url)
    ask(page, PRESERVATION_Q)
    expect(bot_messages(page).first).to_contain_text("Art. 42")
    ask(page, FOLLOW_UP)
    expect(bot_messages(page).nth(1)).to_contain_text("60 days")
    ask(page, HTML_Q)
    expect(bot_messages(page)).to_have_count(3)
    user = page.locator('#chat [data-testid="user"]').nth(2)
    expect(user).to_contain_text("<img src=x> with **this**")  # shown as typed: no image, no bold
    assert page.locator("#chat img").count() == 0 and user.locator("strong").count() == 0

    asked = {
        data[0]: data[1] for data in sent if data and len(data) == 2 and data[0] in (PRESERVATION_Q, FOLLOW_UP, HTML_Q)
    }
    assert asked[PRESERVATION_Q] is None
    assert asked[FOLLOW_UP]["question"] == PRESERVATION_Q and asked[FOLLOW_UP]["focus_articles"][0] == 42
    assert asked[HTML_Q]["question"] == FOLLOW_UP and PRESERVATION_Q not in json.dumps(asked[HTML_Q])
    assert len(_kept(page, turns=3)["turns"]) == 3
    panel = page.locator("#passages").inner_text()

    page.reload()
    expect(bot_messages(page)).to_have_count(3)
    expect(bot_messages(page).nth(1)).to_contain_text("60 days")
    expect(page.locator("#ask-status")).to_contain_text("Conversation restored from this browser (3 question(s))")
    assert page.locator("#chat img").count() == 0
    expect(page.locator("#passages")).to_have_text(panel)  # the latest answer's passages (or why none), back too

    page.locator(CLEAR).click()
    expect(bot_messages(page)).to_have_count(0)
    expect(page.locator("#ask-status")).to_contain_text("Conversation cleared from this browser")
    expect(page.locator("#passages")).to_contain_text("appear here")
    assert _kept(page) is None
    page.reload()
    expect(page.locator("#banner")).to_be_visible()
    page.wait_for_timeout(500)  # the page's restore has run
    expect(bot_messages(page)).to_have_count(0)
    expect(page.locator("#ask-status")).not_to_contain_text("restored")
    no_traceback(page)


@pytest.mark.browser
@needs_chromium
def test_a_conversation_saved_by_another_version_is_discarded_with_a_notice(page, app_url):
    from playwright.sync_api import expect

    from assistant.ui.conversation import HISTORY_KEY, HISTORY_VERSION

    old = [
        json.dumps([{"role": "user", "content": "kept by an old version"}]),  # a list of chat messages
        json.dumps({"version": HISTORY_VERSION, "turns": [{"question": "q", "answer": 42}]}),  # a damaged turn
        "{not json",
    ]
    page.goto(app_url)
    for saved in old:
        page.evaluate("([key, value]) => localStorage.setItem(key, value)", [HISTORY_KEY, saved])
        page.reload()
        expect(page.locator("#ask-status")).to_contain_text("could not be read, so it was discarded")
        expect(bot_messages(page)).to_have_count(0)
        assert _kept(page) is None
    ask(page, PRESERVATION_Q)  # the tab works, and keeps the new conversation
    expect(bot_messages(page).first).to_contain_text("Art. 42")
    expect(page.locator("#ask-status")).to_contain_text("Backend: extractive")
    kept = _kept(page, turns=1)
    assert kept["version"] == HISTORY_VERSION and [t["question"] for t in kept["turns"]] == [PRESERVATION_Q]

    # A browser that refuses to store more (full, or storage turned off): said, and the page still holds it.
    page.add_init_script("Storage.prototype.setItem = () => { throw new DOMException('full', 'QuotaExceededError'); }")
    page.reload()
    expect(bot_messages(page)).to_have_count(1)
    ask(page, FOLLOW_UP)
    expect(page.locator("#ask-status")).to_contain_text("This browser refused to keep the conversation")
    expect(bot_messages(page)).to_have_count(2)
    page.locator("#export").click()
    expect(page.locator("#export-files a")).to_have_count(2)  # both turns can still be exported
    no_traceback(page)


@pytest.mark.browser
@needs_chromium
def test_export_the_conversation_and_draft_this_request(page, app_url, tmp_path):
    from docx import Document
    from playwright.sync_api import expect

    page.goto(app_url)
    ask(page, PRESERVATION_Q)
    expect(bot_messages(page).first).to_contain_text("Art. 42")
    passage = page.locator("#passages .uncc-passage p").first.inner_text().split(":", 1)[1].strip()
    _kept(page, turns=1)

    page.locator("#export").click()
    expect(page.locator("#ask-status")).to_contain_text("Files ready")
    stem = f"{dt.date.today().isoformat()}_uncc-conversation"
    files = {}
    for suffix in (".md", ".docx"):
        with page.expect_download() as info:
            page.locator(f'#export-files a[download="{stem}{suffix}"]').click()
        files[suffix] = tmp_path / f"export{suffix}"
        info.value.save_as(files[suffix])
    markdown = files[".md"].read_text(encoding="utf-8")
    docx_text = "\n".join(p.text for p in Document(str(files[".docx"])).paragraphs)
    for text in (markdown, docx_text):
        assert PRESERVATION_Q in text and "[Art. 42]" in text and passage in text

    ask(page, FOLLOW_UP)  # the files no longer hold the whole conversation: they go
    expect(page.locator("#export-files")).to_be_hidden()

    draft = page.locator("#draft-this")
    expect(draft).to_contain_text("Draft this request: " + PRESERVATION_TITLE)
    draft.click()
    expect(page.get_by_role("tab", name="Draft")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#form-preservation")).to_be_visible()
    expect(page.locator("#draft-type input")).to_have_value(PRESERVATION_TITLE)
    expect(page.locator("#draft-from-answer")).to_contain_text("cites Art. 42")
    no_traceback(page)


EXTRADITION_Q = "Can a State refuse extradition of its own nationals?"
NETWORK_Q = "What is the 24/7 network for?"  # about no request the Draft tab writes


@pytest.mark.browser
@needs_chromium
def test_draft_this_request_from_an_earlier_answer(page, app_url):
    """Every answer about a request can be drafted: the list under the chat chooses which (the latest one with
    an offer at first), after a reload too."""
    from playwright.sync_api import expect

    page.goto(app_url)
    chooser, draft = page.locator("#draft-from"), page.locator("#draft-this")
    ask(page, PRESERVATION_Q)
    expect(draft).to_contain_text("Draft this request: " + PRESERVATION_TITLE)
    expect(chooser).to_be_hidden()  # one answer: nothing to choose
    ask(page, EXTRADITION_Q)
    expect(bot_messages(page)).to_have_count(2)
    ask(page, NETWORK_Q)
    _kept(page, turns=3)
    expect(chooser).to_be_visible()
    expect(draft).to_contain_text("Draft this request: Request for extradition (Art. 37)")  # the latest offer
    expect(chooser.locator("input")).to_have_value(re.compile(r"^Question 2 \(“Can a State refuse extradition"))

    page.reload()  # the choice is offered again from the conversation the browser keeps
    expect(bot_messages(page)).to_have_count(3)
    expect(draft).to_contain_text("Request for extradition")
    chooser.locator("input").click()
    options = page.get_by_role("option")
    expect(options).to_have_count(2)  # the 24/7 answer offers no request
    page.get_by_role("option", name=re.compile(r"^Question 1 ")).click()
    expect(draft).to_contain_text("Draft this request: " + PRESERVATION_TITLE)
    draft.click()
    expect(page.get_by_role("tab", name="Draft")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#draft-type input")).to_have_value(PRESERVATION_TITLE)
    expect(page.locator("#form-preservation")).to_be_visible()
    expect(page.locator("#draft-from-answer")).to_contain_text("cites Art. 42")

    page.get_by_role("tab", name="Ask").click()
    page.locator(CLEAR).click()
    expect(chooser).to_be_hidden()
    expect(draft).to_be_hidden()
    no_traceback(page)


@pytest.mark.browser
@needs_chromium
def test_draft_checklist_flags_missing_and_invalid_fields_then_downloads_docx(page, app_url, tmp_path):
    """Checklist, overwrite confirmation, downloads named after the case, withdrawn on edit, gaps counted."""
    from playwright.sync_api import expect

    page.goto(app_url)
    page.get_by_role("tab", name="Draft").click()
    page.locator("#draft-type input").click()
    page.get_by_role("option", name=PRESERVATION_TITLE).click()
    form = page.locator("#form-preservation")
    expect(form).to_be_visible()

    form.locator("#preservation-requesting_authority textarea").fill("National Cybercrime Police, Aurelia")
    checklist = page.locator("#checklist")
    expect(checklist).to_contain_text("incomplete (1 of 10 required elements present; 9 missing")
    expect(checklist.locator('[data-field="facts"].uncc-check-missing')).to_contain_text("Basis: Art. 42")
    expect(checklist.locator('[data-field="requesting_authority"].uncc-check-given')).to_have_count(1)

    form.locator("#preservation-offence_date textarea").fill("31/12/2026")
    expect(checklist.locator(".uncc-error")).to_contain_text("'Date of the offence' must be a date written YYYY-MM-DD")

    # The form has content: the example waits for a confirmation, and "keep" leaves the form as it was.
    authority = form.locator("#preservation-requesting_authority textarea")
    form.get_by_role("button", name="Start from example").click()
    confirm = page.locator("#confirm-preservation")
    expect(confirm).to_contain_text("Replace what you typed with the example?")
    confirm.get_by_role("button", name="Keep what I typed").click()
    expect(confirm).to_be_hidden()
    expect(authority).to_have_value("National Cybercrime Police, Aurelia")
    form.get_by_role("button", name="Start from example").click()
    confirm.get_by_role("button", name="Replace with the example").click()
    expect(checklist).to_contain_text("preservation: complete")
    expect(page.locator("#preview")).to_contain_text(PRESERVATION_TITLE)
    form.get_by_role("button", name="Prepare DOCX, PDF and Markdown").click()
    expect(page.locator("#draft-status")).to_contain_text("Files ready")
    stem = f"{dt.date.today().isoformat()}_NCP-2026-0311_preservation"  # no date given: today's
    expect(page.locator(f'#downloads a[download="{stem}.pdf"]')).to_have_count(1)
    link = page.locator(f'#downloads a[download="{stem}.docx"]')
    with page.expect_download() as info:
        link.click()
    saved = tmp_path / "request.docx"
    info.value.save_as(saved)
    assert zipfile.is_zipfile(saved)
    from docx import Document

    assert any(PRESERVATION_TITLE in p.text for p in Document(str(saved)).paragraphs)

    # Editing the form withdraws the files made from it; a draft with gaps says how many.
    form.locator("#preservation-necessity textarea").fill("")
    expect(page.locator("#downloads a")).to_have_count(0)
    expect(page.locator("#draft-status")).to_contain_text("the files prepared earlier were withdrawn")
    form.get_by_role("button", name="Prepare DOCX, PDF and Markdown").click()
    expect(page.locator("#draft-status")).to_contain_text("Draft with 1 gap")
    expect(page.locator("#draft-status")).not_to_contain_text("Files ready")
    no_traceback(page)


@pytest.mark.browser
@needs_chromium
def test_review_tab_checks_an_incoming_request(page, app_url):
    """Upload a request, see its type, the checklist with statuses, a passage highlighted, and the reply."""
    from playwright.sync_api import expect

    request = PROJECT_ROOT / "evals" / "review" / "dev" / "preservation-01-form.txt"
    page.goto(app_url)
    page.get_by_role("tab", name="Review").click()
    page.locator("#review-file input[type=file]").set_input_files(str(request))
    page.locator("#review-run").click()
    # The first review loads the matcher's vectors of every form element: allow for a loaded machine.
    expect(page.locator('#review-checklist tr[data-element="necessity"]')).to_have_attribute(
        "data-status", "unclear", timeout=3 * WAIT_MS
    )
    expect(page.locator("#review-summary")).to_contain_text("Request for the expedited preservation")
    page.locator('#review-checklist tr[data-element="custodian"] a').click()
    expect(page.locator("#review-text mark").first).to_be_visible()
    expect(page.locator("#review-reply")).to_contain_text(re.compile(r"reply_preservation\s*\.docx"))
    no_traceback(page)


@pytest.mark.browser
@needs_chromium
def test_review_tab_reviews_pasted_text(page, app_url):
    """Paste a request instead of uploading it: the same checklist; an empty box says what to do."""
    from playwright.sync_api import expect

    request = PROJECT_ROOT / "evals" / "review" / "dev" / "preservation-01-form.txt"
    page.goto(app_url)
    page.get_by_role("tab", name="Review").click()
    page.locator("#review-run").click()
    expect(page.locator("#review-summary")).to_contain_text("Upload the file of the request, or paste its text")
    box = page.get_by_label("Or paste the text of the request")
    box.fill(request.read_text(encoding="utf-8"))
    page.locator("#review-run").click()
    expect(page.locator('#review-checklist tr[data-element="necessity"]')).to_have_attribute(
        "data-status", "unclear", timeout=3 * WAIT_MS
    )
    expect(page.locator("#review-summary")).to_contain_text("Request for the expedited preservation")
    expect(page.locator("#review-text mark").first).to_be_visible()
    no_traceback(page)


@pytest.mark.browser
@needs_chromium
def test_case_tab_plans_the_example_and_keeps_the_users_text(page, app_url):
    """Load an example, plan it, see the timeline with article links and the downloads; an edit withdraws the
    downloads, and loading an example over the user's text asks first ("cancel" keeps the text)."""
    from playwright.sync_api import expect

    page.goto(app_url)
    page.get_by_role("tab", name="Case").click()
    page.get_by_role("button", name="Load the example").click()
    editor = page.locator("#case-editor .cm-content")
    expect(editor).to_contain_text("requesting_state: Republic of Aurelia")
    page.locator("#case-date input, #case-date textarea").first.fill("2026-12-07")
    page.locator("#case-plan").click()
    view = page.locator("#case-plan-view")
    expect(view).to_contain_text("Plan of 2026-12-07. Next: step 1.")
    expect(view.locator('a[href="?article=42"]').first).to_have_attribute("target", "_blank")
    expect(view.locator("#step-2")).to_contain_text("preserve at once")
    files = page.locator("#case-files")
    expect(files.locator('a[download="drafts_2026-cyb-117.zip"]')).to_have_count(1)
    expect(files.locator('a[download="deadlines_2026-cyb-117.ics"]')).to_have_count(1)

    editor.click()
    page.keyboard.press("End")
    page.keyboard.type("  # checked")
    expect(files.locator("a[download]")).to_have_count(0)  # stale files withdrawn
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Load the example").click()
    expect(page.locator("#case-status")).to_contain_text("Kept your case file")
    expect(editor).to_contain_text("# checked")
    no_traceback(page)


@pytest.mark.browser
@needs_chromium
def test_deep_link_opens_the_article_and_steps_to_the_next(page, app_url):
    from playwright.sync_api import expect

    page.goto(app_url + "?article=42")
    head = page.locator("#article-head")
    expect(head).to_contain_text("Article 42. International cooperation for the purpose of expedited preservation")
    expect(page.locator("#article-text")).to_contain_text("Our restatement, not the official text")
    expect(page.get_by_role("tab", name="Convention")).to_have_attribute("aria-selected", "true")
    # The contents: chapter V unfolded, article 42 ticked; a link to share that opens this article.
    expect(page.locator("#toc-V-articles input[value='42']")).to_be_checked()
    expect(page.locator("#article-link textarea")).to_have_value(app_url + "?article=42")

    page.locator("#next").click()
    expect(head).to_contain_text("Article 43. ")
    expect(page.locator("#toc-V-articles input[value='43']")).to_be_checked()
    expect(page.locator("#article-link textarea")).to_have_value(app_url + "?article=43")
    page.locator("#previous").click()
    expect(head).to_contain_text("Article 42. ")

    # Guidance notes and related articles one click away; another chapter from the contents.
    page.locator("#article-guidance > button").click()
    expect(page.locator("#article-notes")).to_contain_text("Urgent requests")
    page.locator("#related label").first.click()
    expect(head).not_to_contain_text("Article 42. ")
    page.locator("#toc-IX > button").click()
    page.locator("#toc-IX-articles label", has_text="Art. 68.").click()
    expect(head).to_contain_text("Article 68. ")
    expect(page.locator("#next")).to_be_disabled()

    for bad in ("99", "abc"):
        page.goto(app_url + "?article=" + bad)
        expect(page.locator("#convention-status")).to_contain_text("articles 1 to 68")
        expect(page.locator("#convention-status")).to_contain_text("Showing article 1 instead")
        expect(head).to_contain_text("Article 1. ")
    no_traceback(page)


@pytest.mark.browser
@needs_chromium
def test_citation_chip_opens_its_article_in_the_reader(page, app_url):
    from playwright.sync_api import expect

    page.goto(app_url)
    ask(page, PRESERVATION_Q)
    page.locator("#chips label", has_text=re.compile(r"^\s*Art\. 42 · ")).first.click()
    page.locator("#open-in-reader").click()
    expect(page.get_by_role("tab", name="Convention")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#article-head")).to_contain_text("Article 42. ")
    page.locator("#next").click()
    expect(page.locator("#article-head")).to_contain_text("Article 43. ")
    no_traceback(page)


@pytest.mark.browser
@needs_chromium
def test_convention_search_opens_a_result(page, app_url):
    from playwright.sync_api import expect

    page.goto(app_url)
    page.get_by_role("tab", name="Convention").click()
    page.locator("#search textarea").fill("extradition of nationals")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#search-results")).to_contain_text("Art. 37")
    page.locator("#hits label", has_text="Art. 37.").click()
    expect(page.locator("#article-view")).to_contain_text("Article 37. Extradition")


# -- gradio_client ------------------------------------------------------------------------------------------


@pytest.fixture
def client_factory(app_url):
    from gradio_client import Client

    # analytics_enabled defaults to True in gradio_client, whatever GRADIO_ANALYTICS_ENABLED says: it would
    # send telemetry to huggingface.co.
    return lambda: Client(app_url, verbose=False, download_files=False, analytics_enabled=False)


def test_client_ask_endpoint(client_factory):
    text, citations = client_factory().predict(PRESERVATION_Q, api_name="/ask")
    assert "[Art. 42]" in text
    assert citations and citations[0]["article"] == 42 and citations[0]["source"] == "restatement"


def test_client_ask_reports_bad_input(client_factory):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="Type a question first"):
        client_factory().predict("", api_name="/ask")


def test_client_draft_endpoint(client_factory):
    client = client_factory()
    markdown, report = client.predict(
        "preservation", "requesting_authority: Police\noffences: [Fraud]\n", api_name="/draft"
    )
    assert markdown.startswith(f"# {PRESERVATION_TITLE}") and "[MISSING: Contact person" in markdown
    assert report["status"] == "incomplete" and report["present"] == 2
    assert any(i["field"] == "contact_person" and i["problem"] == "missing" for i in report["items"])
    _, report = client.predict("preservation", '{"requesting_authority": "Police"}', api_name="/draft")
    assert report["present"] == 1


def _reply_text(reply: dict) -> str:
    return " ".join(m["content"] for m in reply["messages"])


def test_the_chat_endpoint_answers_from_the_question_and_the_previous_turn(client_factory):
    """Two sessions at once: each reply is its own turn only; a follow-up knows the turn it is sent with, and
    nothing else."""
    alice, bob = client_factory(), client_factory()
    with ThreadPoolExecutor(max_workers=2) as pool:  # at the same time
        a = pool.submit(alice.predict, PRESERVATION_Q, None, api_name="/chat")
        b = pool.submit(bob.predict, "Can a State refuse extradition of its own nationals?", None, api_name="/chat")
        a_reply, b_reply = a.result()[0], b.result()[0]
    assert len(a_reply["messages"]) == 2 and len(b_reply["messages"]) == 2
    assert "preservation" in _reply_text(a_reply) and "nationals" not in _reply_text(a_reply)
    assert "nationals" in _reply_text(b_reply) and "preservation of stored" not in _reply_text(b_reply)

    follow = alice.predict("How long does it last?", a_reply["turn"]["context"], api_name="/chat")[0]
    assert len(follow["messages"]) == 2 and "60 days" in _reply_text(follow)
    assert len(bob.predict("And who decides?", None, api_name="/chat")[0]["messages"]) == 2


def test_server_makes_no_outbound_connection(full_runtime, monkeypatch, tmp_path):
    """Launching the app and serving a question touch nothing but this machine (no analytics, no update check)."""
    import httpx
    from gradio_client import Client

    from assistant.answering import Answerer
    from assistant.ui import build_app, launch_options

    outside: list[object] = []
    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def connect(self, address, *args, **kwargs):
        if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in LOCAL_ADDRESSES:
            outside.append(address)
            raise OSError(f"network blocked by test: {address}")
        return real_connect(self, address, *args, **kwargs)

    def getaddrinfo(host, *args, **kwargs):
        if host not in LOCAL_ADDRESSES:
            outside.append(host)
            raise OSError(f"name lookup blocked by test: {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    demo = build_app(full_runtime, Answerer(full_runtime.retriever, full_runtime.settings.answer, None))
    settings = full_runtime.settings.model_copy(update={"port": free_port()})
    try:
        demo.launch(prevent_thread_lock=True, quiet=True, **launch_options(settings))
        url = f"http://127.0.0.1:{settings.port}/"
        assert httpx.get(url).status_code == 200
        client = Client(url, verbose=False, download_files=False, analytics_enabled=False)
        text, _ = client.predict(PRESERVATION_Q, api_name="/ask")
        assert "[Art. 42]" in text
    finally:
        demo.close()
    assert outside == [], f"outbound connection attempted: {outside}"


# -- nothing lost: autosave in the browser, the case file saved and opened ------------------------------------------

DRAFT_KEY = "uncc-draft-autosave"


def _draft_form(page, title: str = PRESERVATION_TITLE):
    page.get_by_role("tab", name="Draft").click()
    page.locator("#draft-type input").click()
    page.get_by_role("option", name=title).click()
    return page.locator("#form-preservation")


def _stored(page, key: str, text: str) -> None:
    """Wait until the browser's local storage under `key` holds `text` (the autosave has been written)."""
    page.wait_for_function(f"() => (localStorage.getItem({key!r}) || '').includes({text!r})")


@pytest.mark.browser
@needs_chromium
def test_draft_autosave_is_offered_back_after_a_reload_restored_or_discarded(page, app_url):
    from playwright.sync_api import expect

    page.goto(app_url)
    form = _draft_form(page)
    authority = form.locator("#preservation-requesting_authority textarea")
    offences = form.locator("#preservation-offences textarea")
    authority.fill("National Cybercrime Police, Aurelia")
    offences.fill("Illegal access (s. 301)\nFraud (s. 305)")
    expect(page.locator("#checklist")).to_contain_text("2 of 10 required elements present")
    _stored(page, DRAFT_KEY, "Fraud (s. 305)")

    page.reload()  # the page opens on Ask; the offer waits in the Draft tab, every form empty until restored
    page.get_by_role("tab", name="Draft").click()
    notice = page.locator("#draft-restore")
    expect(notice).to_contain_text("Unsaved draft found in this browser")
    expect(notice).to_contain_text(f"{PRESERVATION_TITLE} (2 fields)")
    expect(form).to_be_hidden()
    page.get_by_role("button", name="Restore unsaved draft").click()
    expect(notice).to_be_hidden()
    expect(page.locator("#draft-restore-note")).to_contain_text("Unsaved draft restored")
    expect(authority).to_have_value("National Cybercrime Police, Aurelia")  # the form it was typed in, shown
    expect(offences).to_have_value("Illegal access (s. 301)\nFraud (s. 305)")
    expect(page.locator("#checklist")).to_contain_text("2 of 10 required elements present")

    page.reload()  # restoring kept the autosave; "Discard it" forgets it
    page.get_by_role("tab", name="Draft").click()
    page.get_by_role("button", name="Discard it").click()
    expect(notice).to_be_hidden()
    expect(page.locator("#draft-restore-note")).to_contain_text("Unsaved draft discarded")
    forgotten = f"() => Object.keys(JSON.parse(localStorage.getItem({DRAFT_KEY!r})).forms).length === 0"
    page.wait_for_function(forgotten)  # the browser keeps what is on screen: nothing

    # An autosave of another shape (an older version's) is discarded with a notice; the forms stay usable.
    page.evaluate(f"localStorage.setItem({DRAFT_KEY!r}, JSON.stringify({{type: 'preservation', values: [1, 2]}}))")
    page.reload()
    page.get_by_role("tab", name="Draft").click()
    expect(page.locator("#draft-restore-note")).to_contain_text("could not be read, so it was discarded")
    expect(notice).to_be_hidden()
    form = _draft_form(page)
    authority.fill("Police")
    expect(page.locator("#checklist")).to_contain_text("1 of 10 required elements present")
    no_traceback(page)


@pytest.mark.browser
@needs_chromium
def test_draft_place_date_and_signatory_are_labelled_autosaved_and_in_the_files(page, app_url, tmp_path):
    from docx import Document
    from playwright.sync_api import expect

    page.goto(app_url)
    form = _draft_form(page)
    form.get_by_role("button", name="Start from example").click()
    expect(page.locator("#checklist")).to_contain_text("preservation: complete")
    closing = {  # each box, the name a screen reader reads for it, and what is typed
        "closing_place": ("Place of signature", "Aurelia City"),
        "closing_date": ("Date of signature", "2027-03-04"),
        "closing_signatory": ("Name and function of the signing officer", "Inspector Sam Example, Head of Unit"),
    }
    for name, (label, value) in closing.items():
        box = form.locator(f"#preservation-{name} textarea")
        expect(box).to_have_accessible_name(re.compile("^" + re.escape(label)))
        box.fill(value)
    expect(page.locator("#preview")).to_contain_text("Place: Aurelia City")
    _stored(page, DRAFT_KEY, "Head of Unit")

    page.reload()
    page.get_by_role("tab", name="Draft").click()
    page.get_by_role("button", name="Restore unsaved draft").click()
    for name, (_label, value) in closing.items():
        expect(form.locator(f"#preservation-{name} textarea")).to_have_value(value)
    expect(page.locator("#preview")).to_contain_text("Date: 4 March 2027")

    form.get_by_role("button", name="Prepare DOCX, PDF and Markdown").click()
    stem = "2027-03-04_NCP-2026-0311_preservation"  # the date of signature names every file
    for suffix in ("pdf", "md"):
        expect(page.locator(f'#downloads a[download="{stem}.{suffix}"]')).to_have_count(1)
    with page.expect_download() as info:
        page.locator(f'#downloads a[download="{stem}.docx"]').click()
    saved = tmp_path / "signed.docx"
    info.value.save_as(saved)
    texts = [p.text for p in Document(str(saved)).paragraphs]
    assert {"Place: Aurelia City", "Date: 4 March 2027"} <= set(texts)
    assert "Name and function of the signing officer: Inspector Sam Example, Head of Unit" in texts
    no_traceback(page)


@pytest.mark.browser
@needs_chromium
def test_draft_saves_the_case_file_and_opens_it_back(page, app_url, tmp_path):
    """Save the form as YAML (the CLI reads it), open a bad file (message, form untouched), open the saved one
    over typed content (asks first)."""
    from playwright.sync_api import expect

    from assistant import drafting
    from assistant.drafting.case import read_case_file
    from assistant.settings import get_settings
    from assistant.ui.draft import example_values, values_from_case

    page.goto(app_url)
    form = _draft_form(page)
    form.get_by_role("button", name="Start from example").click()
    expect(page.locator("#checklist")).to_contain_text("preservation: complete")
    form.get_by_role("button", name="Save case file (.yaml)").click()
    expect(page.locator("#draft-status")).to_contain_text("Case file ready")
    link = page.locator(f'#downloads a[download="{dt.date.today().isoformat()}_NCP-2026-0311_preservation_case.yaml"]')
    with page.expect_download() as info:
        link.click()
    saved = tmp_path / "case.yaml"
    info.value.save_as(saved)
    form_spec = drafting.form("preservation")
    read = read_case_file(saved)  # what `uncc draft --case` reads: the example, as the form showed it
    assert values_from_case(form_spec, read.data) == example_values(get_settings(), "preservation")

    authority = form.locator("#preservation-requesting_authority textarea")
    note = page.locator("#case-note-preservation")
    opener = form.locator("input[type=file]")
    bad = tmp_path / "bad.yaml"
    bad.write_text("requesting_authority: Police\nrequestin_state: Valdoria\n", encoding="utf-8")
    opener.set_input_files(str(bad))
    expect(note).to_contain_text("unknown field 'requestin_state'")
    expect(authority).to_have_value(re.compile(r"^National Cybercrime Police"))  # untouched
    broken = tmp_path / "broken.yaml"  # another name: the browser sends a file chosen twice only once
    broken.write_text("requesting_authority: [Police\n", encoding="utf-8")
    opener.set_input_files(str(broken))
    expect(note).to_contain_text("not valid YAML")

    authority.fill("My own authority")
    opener.set_input_files(str(saved))
    confirm = page.locator("#confirm-preservation")
    expect(confirm).to_contain_text("Replace what you typed with the case file case.yaml?")
    expect(authority).to_have_value("My own authority")
    confirm.get_by_role("button", name="Replace with the case file").click()
    expect(authority).to_have_value(re.compile(r"^National Cybercrime Police"))
    expect(note).to_contain_text("Opened case.yaml")
    no_traceback(page)


@pytest.mark.browser
@needs_chromium
def test_case_editor_text_survives_a_reload(page, app_url):
    from playwright.sync_api import expect

    page.goto(app_url)
    page.get_by_role("tab", name="Case").click()
    page.get_by_role("button", name="Load the example").click()
    editor = page.locator("#case-editor .cm-content")
    expect(editor).to_contain_text("requesting_state: Republic of Aurelia")
    editor.click()
    page.keyboard.press("Control+Home")  # at the top: the editor draws only the lines in sight
    page.keyboard.type("# my own note\n")
    _stored(page, "uncc-case-autosave", "# my own note")

    page.reload()
    page.get_by_role("tab", name="Case").click()
    expect(editor).to_contain_text("# my own note")
    expect(editor).to_contain_text("requesting_state: Republic of Aurelia")
    expect(page.locator("#case-status")).to_contain_text("Restored the case file you were editing")
    no_traceback(page)


def test_an_answer_in_another_language_keeps_its_language_and_direction_wrapper_only(page, app_url):
    """The page's chat escapes every tag of a stored conversation but the one wrapper an answer in another
    language comes in (ask.chat_text): that one is rebuilt from its language and direction alone."""
    from assistant.ui.conversation import scripts

    page.goto(app_url)
    show = scripts().show  # the listener that puts each message of an answer on its way into the chat

    def text(role: str, raw: str) -> str:
        shown = page.evaluate(show, {"messages": [{"role": role, "content": raw}]})[0]
        return shown[-1]["content"][0]["text"]

    wrapped = '<div lang="ar" dir="rtl">\n\nلا. **نص** <img src=x>\n\n</div>'
    assert text("assistant", wrapped) == '<div lang="ar" dir="rtl">\n\nلا. **نص** &lt;img src=x>\n\n</div>'
    assert text("user", wrapped).startswith("&lt;div")  # what the user typed is never a tag
    hostile = '<div lang="ar" dir="rtl" onmouseover="alert(1)">x</div>'
    assert "<" not in text("assistant", hostile)
    assert "<" not in text("assistant", '<div lang="ar" dir="rtl">x</div><img src=x>')
