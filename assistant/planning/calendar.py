"""Deadlines as an iCalendar file: one all-day event per open step that has a deadline, with reminders."""

from __future__ import annotations

import datetime as dt

from icalendar import Alarm, Calendar, Event

from assistant.planning.planner import OPEN, Plan, slug

REMINDERS_DAYS = (3, 0)  # three days before, and on the morning of the day


def plan_calendar(plan: Plan, stamp: dt.datetime | None = None) -> bytes:
    """The plan's deadlines as iCalendar bytes (RFC 5545)."""
    stamp = stamp or dt.datetime.now(dt.UTC)
    reference = plan.case.get("reference") or "case"
    cal = Calendar()
    cal.add("prodid", "-//uncc//cooperation plan//EN")
    cal.add("version", "2.0")
    for step in plan.steps:
        if step.deadline is None or step.status not in OPEN:
            continue
        articles = ", ".join(str(a) for a in step.articles)
        event = Event()
        event.add("uid", f"{slug(reference)}-{step.id.replace(':', '-')}@uncc")
        event.add("dtstamp", stamp)
        event.add("dtstart", step.deadline)
        event.add("dtend", step.deadline + dt.timedelta(days=1))
        event.add("summary", f"{reference}: step {step.order}, {step.action} (Art. {articles})")
        event.add("description", f"{step.why}\nChannel: {step.channel}\nArticles: {articles}")
        event.add("categories", ["uncc", reference])
        for days in REMINDERS_DAYS:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"{reference}: step {step.order} due {step.deadline.isoformat()}")
            alarm.add("trigger", dt.timedelta(days=-days, hours=9 if days == 0 else 0))
            event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()
