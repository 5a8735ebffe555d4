"""iCalendar (RFC 5545) for deadlines, with the ``icalendar`` package."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta

from flask_babel import gettext as _
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from planner.core.i18n import BERLIN
from planner.core.models import utcnow
from planner.core.urls import url_builder
from planner.deadlines.models import Deadline, DeadlineState

PRODID = "-//Planner//Strategische Sozialplanung//DE"
UID_DOMAIN = "planner.sozialplanung"


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _text(value: str) -> str:
    """Text as a calendar line can carry it: line breaks as LF (the library escapes them),
    no other control characters (a bare CR would end the line early)."""
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def _event(deadline: Deadline, stamp: datetime, url: Callable[..., str]) -> Event:
    event = Event()
    event.add("uid", f"frist-{deadline.uid}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("sequence", deadline.sequence or 0)
    prefix = f"[{deadline.state.label}] " if deadline.state != DeadlineState.OFFEN else ""
    event.add("summary", _text(f"{prefix}{deadline.kind.label}: {deadline.title}"))
    if deadline.due_time is None:
        event.add("dtstart", deadline.due_date)  # VALUE=DATE: an all-day event
        event.add("dtend", deadline.due_date + timedelta(days=1))
    else:
        start = datetime.combine(deadline.due_date, deadline.due_time, tzinfo=BERLIN)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(hours=1))
    description = [
        _("Art: %(kind)s", kind=deadline.kind.label),
        _("Status: %(state)s", state=deadline.state.label),
    ]
    if deadline.organisation is not None:
        description.append(_("Verantwortlich: %(org)s", org=deadline.organisation.name))
    if deadline.notes:
        description += ["", deadline.notes]
    event.add("description", _text("\n".join(description)))
    event.add("status", "CANCELLED" if deadline.state == DeadlineState.VERSAEUMT else "CONFIRMED")
    event.add("url", url("deadlines.detail", deadline_id=deadline.id))
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
    cal.add("x-wr-calname", _text(name))
    cal.add("x-wr-timezone", "Europe/Berlin")
    stamp = utcnow().replace(microsecond=0)
    if any(d.due_time is not None for d in deadlines):
        cal.add_component(_berlin_timezone())
    url = url_builder()
    for deadline in deadlines:
        cal.add_component(_event(deadline, stamp, url))
    return cal.to_ical()


class FeedCache:
    """The last rendered feed per user, kept while :func:`services.feed_version` says it is
    current: calendar programs poll every few minutes, deadlines change a few times a day."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._entries: OrderedDict[int, tuple[str, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, user_id: int, version: str) -> bytes | None:
        with self._lock:
            entry = self._entries.get(user_id)
            if entry is None or entry[0] != version:
                return None
            self._entries.move_to_end(user_id)
            return entry[1]

    def put(self, user_id: int, version: str, body: bytes) -> None:
        with self._lock:
            self._entries[user_id] = (version, body)
            self._entries.move_to_end(user_id)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


feed_cache = FeedCache()
