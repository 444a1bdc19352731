"""The Review tab: upload a request you received, or paste its text, see its checklist with each element's
passage highlighted in the request's text, the points to weigh before executing it, and download the reply (Word
and Markdown).

The logic is `assistant.review`; this module lays it out: its labels are the page's wording
(prompts/ui.yaml, in six languages), its messages from prompts/review/messages.yaml.
The request's text is shown to the user who gave it and kept nowhere else: the reply files go to Gradio's own
cache, which `delete_cache` clears.
"""

from __future__ import annotations

import html
import tempfile
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.utils import get_upload_folder

from assistant import drafting
from assistant.errors import InvalidInput
from assistant.review.api import Reviewer
from assistant.review.model import ElementResult, Review
from assistant.review.reply import write_reply
from assistant.review.wording import say
from assistant.settings import Settings
from assistant.ui.guard import guarded, shown_in, warning
from assistant.ui.i18n import label

PRIVATE = "private"  # UI-only listeners: not part of the documented API
FILE_TYPES = [".pdf", ".docx", ".html", ".htm", ".txt", ".md"]
DETECT = "detect"
COLOURS = {"present": "var(--uncc-given)", "unclear": "var(--uncc-weak)", "missing": "var(--uncc-missing)"}
SYMBOLS = {"present": "✓", "unclear": "?", "missing": "✗"}


def review_tab(settings: Settings, concurrency_id: str | None = None) -> None:
    """The tab's content, inside the caller's `gr.Tab`; `concurrency_id` is the page's group for model calls."""
    reviewer = Reviewer(settings)
    types = drafting.list_types(settings)
    choices = [(label("review_detect"), DETECT), *((drafting.form(t, settings).title, t) for t in types)]
    gr.Markdown(label("review_intro"))
    with gr.Row():
        with gr.Column(scale=2):
            upload = gr.File(label=label("review_file"), file_types=FILE_TYPES, type="filepath", elem_id="review-file")
            pasted = gr.Textbox(
                label=label("review_paste"),
                placeholder=label("review_paste_hint"),
                lines=6,
                max_lines=16,
                elem_id="review-paste",
            )
            kind = gr.Dropdown(choices, value=DETECT, label=label("review_type"), elem_id="review-type")
            run = gr.Button(label("review_run"), variant="primary", elem_id="review-run")
            summary = gr.Markdown(elem_id="review-summary")
            checklist = gr.HTML(elem_id="review-checklist")
            points = gr.Markdown(elem_id="review-points")
        with gr.Column(scale=3):
            text = gr.HTML(elem_id="review-text")
            files = gr.File(
                label=label("review_reply"), file_count="multiple", interactive=False, elem_id="review-reply"
            )
            with gr.Accordion(label("review_reply_preview"), open=False):
                preview = gr.Markdown(elem_id="review-reply-preview")
    outputs = [summary, checklist, points, text, files, preview]

    @guarded(shown_in(outputs, summary))
    def on_review(path: str | None, text: str | None, request_type: str) -> tuple[Any, ...]:
        review = review_request(reviewer, path, text, None if request_type == DETECT else request_type)
        folder = Path(tempfile.mkdtemp(prefix="uncc-reply-", dir=_upload_folder()))
        stem = f"reply_{review.type}"
        written = [write_reply(review, folder / f"{stem}.{ext}") for ext in ("docx", "md")]
        return (
            summary_markdown(review),
            checklist_html(review),
            points_markdown(review),
            text_html(review),
            [str(p) for p in written],
            review.reply,
        )

    @guarded(shown_in(outputs, summary))
    def on_clear() -> tuple[Any, ...]:
        return "", "", "", "", None, ""

    run.click(
        on_review,
        inputs=[upload, pasted, kind],
        outputs=outputs,
        api_visibility=PRIVATE,
        concurrency_id=concurrency_id,
    )
    upload.clear(on_clear, outputs=outputs, api_visibility=PRIVATE)


def review_request(reviewer: Reviewer, path: str | None, text: str | None, request_type: str | None) -> Review:
    """The review of the uploaded file or of the pasted text, whichever was given (both or neither: a message
    saying what to do). The pasted text goes through the same `Reviewer`, with the same size limit as a file."""
    prompts = reviewer.settings.prompts_dir
    pasted = bool(text and text.strip())
    if path and pasted:
        raise InvalidInput(say(prompts, "tab_both"))
    if path:
        return reviewer.review_file(Path(path), request_type)
    if not pasted:
        raise InvalidInput(say(prompts, "tab_no_input"))
    return reviewer.review_text(text or "", request_type)


def _upload_folder() -> Path:
    # Inside Gradio's own cache: served without a second copy, and removed by `delete_cache`.
    folder = Path(get_upload_folder())
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# -- what the tab shows (plain functions, tested without a browser) --------------------------------------------


def summary_markdown(review: Review) -> str:
    """The type, how sure, the counts and any warning."""
    how = "as chosen" if review.type_given else f"detected, confidence {review.type_confidence:.2f}"
    lines = [
        f"**{html.escape(review.title)}** ({how}): {review.count('present')} present, "
        f"{review.count('unclear')} unclear, {review.count('missing')} missing. "
        f"The reply asks for {len(review.asked)} element(s).",
    ]
    lines += [warning(html.escape(w)) for w in review.warnings]
    return "\n\n".join(lines)


def _spans(review: Review) -> dict[tuple[int, int], list[ElementResult]]:
    """Evidence passages by place in the text; one passage may supply several elements."""
    spans: dict[tuple[int, int], list[ElementResult]] = {}
    for e in review.elements:
        if e.status != "missing" and e.start is not None and e.end is not None:
            spans.setdefault((e.start, e.end), []).append(e)
    return dict(sorted(spans.items()))


def _anchor(span: tuple[int, int]) -> str:
    return f"review-passage-{span[0]}"


def checklist_html(review: Review) -> str:
    """Every element with its status, basis and note; a link to its passage in the request's text."""
    where = {e.id: span for span, group in _spans(review).items() for e in group}
    rows = []
    for e in review.elements:
        colour, symbol = COLOURS[e.status], SYMBOLS[e.status]
        label = html.escape(e.label) + ("" if e.required else " <small>(optional)</small>")
        if e.id in where:
            label = f'<a href="#{_anchor(where[e.id])}">{label}</a>'
        note = f"<br><small>{html.escape(e.note)}</small>" if e.note else ""
        rows.append(
            f'<tr data-element="{e.id}" data-status="{e.status}">'
            f'<td style="color:{colour};font-weight:bold;white-space:nowrap">{symbol} {e.status}</td>'
            f"<td>{label}{note}</td><td><small>{html.escape(e.basis)}</small></td></tr>"
        )
    return (
        '<table class="uncc-review-checklist" style="width:100%;border-collapse:collapse">'
        "<thead><tr><th scope='col'>Status</th><th scope='col'>Element</th><th scope='col'>Basis</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def text_html(review: Review) -> str:
    """The request's text, each passage that supplies an element highlighted and named."""
    out, at = [], 0
    text = review.text
    # A passage that starts inside an earlier one (a clause of a long sentence that supplies another element)
    # cuts the earlier highlight short, so that every passage the checklist links to has its mark; passages that
    # start at the same place share one.
    marks: list[tuple[int, int, list[ElementResult]]] = []
    for (start, end), group in _spans(review).items():
        if marks and start < marks[-1][1]:
            if start == marks[-1][0]:
                continue
            marks[-1] = (marks[-1][0], start, marks[-1][2])
        marks.append((start, end, group))
    for start, end, group in marks:
        span = (start, end)
        worst = "unclear" if any(e.status == "unclear" for e in group) else "present"
        names = "; ".join(e.label for e in group)
        out.append(html.escape(text[at:start]))
        out.append(
            f'<mark id="{_anchor(span)}" title="{html.escape(names)}" data-status="{worst}" '
            f'style="background:var(--uncc-{"warn" if worst == "unclear" else "ok"}-bg);'
            f'color:var(--uncc-{"warn" if worst == "unclear" else "ok"}-text);scroll-margin-top:4rem">'
            f"{html.escape(text[start:end])}</mark>"
        )
        at = end
    out.append(html.escape(text[at:]))
    body = "".join(out).replace("\n", "<br>")
    return (
        f'<div class="uncc-review-text" role="region" aria-label="Text of the request" tabindex="0" '
        f'style="max-height:640px;overflow:auto;padding:0.75rem;border:1px solid var(--uncc-border)">{body}</div>'
    )


def points_markdown(review: Review) -> str:
    """The points to weigh before executing, each with its articles."""
    lines = ["### Points to weigh before executing", ""]
    for c in review.considerations:
        arts = ", ".join(str(a) for a in c.articles)
        lines.append(f"- {c.text} ({'art.' if len(c.articles) == 1 else 'arts.'} {arts})")
    return "\n".join(lines)
