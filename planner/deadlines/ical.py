"""iCalendar (RFC 5545) for deadlines, with the ``icalendar`` package."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from planner.core.models import utcnow
from planner.core.urls import external_url
from planner.deadlines.models import Deadline, DeadlineState
from planner.deadlines.services import BERLIN

PRODID = "-//Planner//Strategische Sozialplanung//DE"
UID_DOMAIN = "planner.sozialplanung"


def _event(deadline: Deadline, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"frist-{deadline.uid}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("sequence", deadline.sequence or 0)
    event.add("last-modified", deadline.updated_at)
    prefix = {DeadlineState.ERLEDIGT: "[erledigt] ", DeadlineState.VERSAEUMT: "[versäumt] "}.get(
        deadline.state, ""
    )
    event.add("summary", f"{prefix}{deadline.kind.label}: {deadline.title}")
    if deadline.due_time is None:
        event.add("dtstart", deadline.due_date)  # VALUE=DATE: an all-day event
        event.add("dtend", deadline.due_date + timedelta(days=1))
        event.add("transp", "TRANSPARENT")
    else:
        start = datetime.combine(deadline.due_date, deadline.due_time, tzinfo=BERLIN)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(hours=1))
    description = [f"Art: {deadline.kind.label}", f"Status: {deadline.state.label}"]
    if deadline.organisation is not None:
        description.append(f"Verantwortlich: {deadline.organisation.name}")
    if deadline.notes:
        description += ["", deadline.notes]
    event.add("description", "\n".join(description))
    event.add("categories", [deadline.kind.label])
    event.add("status", "CANCELLED" if deadline.state == DeadlineState.VERSAEUMT else "CONFIRMED")
    event.add("url", external_url("deadlines.detail", deadline_id=deadline.id))
    return event


def _berlin_timezone() -> Timezone:
    """Europe/Berlin with the EU rules as RRULEs (since 1996), the form calendar programs
    themselves write; it is valid for every future year, unlike a list of transitions."""
    tz = Timezone()
    tz.add("tzid", "Europe/Berlin")
    for part, name, start, offset_from, offset_to, month in (
        (
            TimezoneDaylight(),
            "CEST",
            datetime(1970, 3, 29, 2),
            timedelta(hours=1),
            timedelta(hours=2),
            3,
        ),
        (
            TimezoneStandard(),
            "CET",
            datetime(1970, 10, 25, 3),
            timedelta(hours=2),
            timedelta(hours=1),
            10,
        ),
    ):
        part.add("tzname", name)
        part.add("dtstart", start)
        part.add("tzoffsetfrom", offset_from)
        part.add("tzoffsetto", offset_to)
        part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
        tz.add_component(part)
    return tz


def calendar_for(deadlines: list[Deadline], name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Berlin")
    stamp = utcnow().replace(microsecond=0)
    if any(d.due_time is not None for d in deadlines):
        cal.add_component(_berlin_timezone())
    for deadline in deadlines:
        cal.add_component(_event(deadline, stamp))
    return cal.to_ical()
