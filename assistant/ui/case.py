"""The Case tab's logic: plan a case file held as text in the browser, mark steps, and bundle the outputs.

The case text lives in the page (the browser session) and is sent with each click; nothing here keeps it. The
browser also keeps a copy in its local storage (the autosave), so a reload or a closed tab does not lose it.
The files a user downloads are written to Gradio's own cache folder, which the app clears on a timer.
"""

from __future__ import annotations

import datetime as dt
import html
import zipfile
from pathlib import Path

from assistant.drafting.casefile import parse_casefile
from assistant.errors import InvalidInput
from assistant.planning.calendar import plan_calendar
from assistant.planning.drafts import plan_drafts
from assistant.planning.log import mark_text
from assistant.planning.planner import OPEN, Plan, Planner, slug
from assistant.settings import Settings
from assistant.ui.draft import desk_text

CASE_AUTOSAVE_VERSION = 1  # {"version": 1, "saved": "YYYY-MM-DD HH:MM", "text": "..."}; anything else is discarded
STATUS_CLASS = {"to do": "todo", "overdue": "overdue", "sent": "done", "answered": "done", "refused": "refused"}


def plan_date(text: str) -> dt.date:
    """The plan date the user typed, or today when the box is empty."""
    text = (text or "").strip()
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"The plan date must be written YYYY-MM-DD; got {text[:20]!r}.") from None


def plan_text(settings: Settings, case_text: str, today: dt.date) -> Plan:
    """The plan of the case file in the editor."""
    if not (case_text or "").strip():
        raise InvalidInput("The case file is empty: load the example or upload your case file.")
    casefile, warnings = parse_casefile(case_text, source="case file", settings=settings)
    return Planner.from_settings(settings).plan(casefile, today, warnings)


def _chips(articles: list[int]) -> str:
    # A new tab: following a link in this one would reload the page and lose the case in the editor.
    return " ".join(
        f'<a class="uncc-chip" href="?article={a}" target="_blank" rel="noopener">Art. {a}</a>' for a in articles
    )


def plan_html(plan: Plan) -> str:
    """The plan as a timeline: the point first (what is next, what is overdue), then each step."""
    esc = html.escape
    head = f"Plan of {plan.date.isoformat()}."
    if plan.next is not None:
        head += f" Next: step {plan.next}."
    if plan.overdue:
        head += f" Overdue: step {', '.join(str(s.order) for s in plan.overdue)}."
    parts = [f'<p class="uncc-plan-head"><strong>{esc(head)}</strong></p>']
    parts += [f'<p class="uncc-warning" role="note">{esc(w)}</p>' for w in plan.warnings[:1] if plan.missing]
    if plan.legal_basis.states:
        items = "".join(
            f"<li><strong>{esc(b.state)}: convention {esc(b.convention)}.</strong> {esc(b.text)} "
            f"Other bases to check: {esc('; '.join(b.other_bases))}.</li>"
            for b in plan.legal_basis.states
        )
        parts.append(f"<h3>Legal basis</h3><ul>{items}</ul>")
    if plan.steps:
        rows = []
        for s in plan.steps:
            due = f", due {s.deadline.isoformat()}" if s.deadline and s.status in OPEN else ""
            done = f" on {s.done_on.isoformat()}" if s.done_on else ""
            draft = f" · request to draft: <code>{esc(s.draft)}</code>" if s.draft else ""
            needs = "".join(f"<li>{esc(r)}</li>" for r in s.requires) if s.id != "legal-basis" else ""
            warns = "".join(f'<li class="uncc-warning">{esc(w)}</li>' for w in s.warnings)
            rows.append(
                f'<li class="uncc-step uncc-{STATUS_CLASS[s.status]}" id="step-{s.order}">'
                f"<strong>{s.order}. [{esc(s.status)}{done}{due}]</strong> {esc(s.action)}<br>"
                f"{_chips(s.articles)} · channel: {esc(s.channel)}{draft}"
                f"<ul>{needs}{warns}</ul><details><summary>Why</summary>{esc(s.why)}</details></li>"
            )
        parts.append(f'<h3>Steps</h3><ol class="uncc-timeline">{"".join(rows)}</ol>')
    if plan.domestic:
        items = "".join(f"<li>{esc(n.text)} {_chips(n.articles)}</li>" for n in plan.domestic)
        parts.append(f"<h3>In your own State</h3><ul>{items}</ul>")
    rest = plan.warnings[1:] if plan.missing else plan.warnings
    if rest:
        parts.append("<h3>Warnings</h3><ul>" + "".join(f"<li>{esc(w)}</li>" for w in rest) + "</ul>")
    return "\n".join(parts)


def marked(settings: Settings, case_text: str, today: dt.date, order: float | None, status: str, on: str) -> str:
    """The case text with step `order` marked `status` on `on` (default: the plan date) in its log."""
    if order is None or status not in ("sent", "answered", "refused"):
        raise InvalidInput("Choose a step number and whether it was sent, answered or refused.")
    when = plan_date(on) if (on or "").strip() else today
    if when > today:
        raise InvalidInput(f"{when.isoformat()} is after the plan date {today.isoformat()}.")
    step = plan_text(settings, case_text, today).step(int(order))
    return mark_text(case_text, step.id, status, when, source="case file")


def write_bundle(settings: Settings, case_text: str, plan: Plan, folder: Path, lang: str = "en") -> list[Path]:
    """The case file, the deadlines (.ics) and every draft (one .zip), named after the case reference. The drafts
    are in the language the case file asks for (`case.language`), else in the page's language `lang`."""
    casefile, _ = parse_casefile(case_text, source="case file", settings=settings)
    name = slug(plan.case.get("reference") or "case")
    case_path = folder / f"case_{name}.yaml"
    case_path.write_text(case_text, encoding="utf-8")
    ics_path = folder / f"deadlines_{name}.ics"
    ics_path.write_bytes(plan_calendar(plan))
    zip_path = folder / f"drafts_{name}.zip"
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as bundle:
        for file_name, draft in plan_drafts(plan, casefile, settings, casefile.case.language or lang):
            bundle.writestr(file_name, draft.markdown)
    return [case_path, ics_path, zip_path]


def case_autosave(text: str | None, now: dt.datetime | None = None) -> dict[str, object]:
    """What the browser keeps of the editor: its text, and when."""
    when = (now or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    return {"version": CASE_AUTOSAVE_VERSION, "saved": when, "text": text or ""}


def read_case_autosave(saved: object) -> tuple[str | None, str, bool]:
    """The editor's autosave as the browser sent it: (the text to restore or None, the notice, whether the
    autosave was unreadable and is to be discarded). Only text of the current shape reaches the editor."""
    if saved is None or saved == {} or saved == "":
        return None, "", False
    if not (isinstance(saved, dict) and saved.get("version") == CASE_AUTOSAVE_VERSION and "text" in saved):
        return None, desk_text("case_unreadable"), True
    text = saved["text"]
    if not isinstance(text, str):
        return None, desk_text("case_unreadable"), True
    if not text.strip():
        return None, "", False
    when = saved.get("saved") if isinstance(saved.get("saved"), str) else ""
    return text, desk_text("case_restored", saved=when[:16] or "at an unknown time"), False
