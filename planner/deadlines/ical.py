"""iCalendar (RFC 5545) for deadlines, with the ``icalendar`` package."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from datetime import datetime, timedelta

from flask_babel import gettext as _
from icalendar import Calendar, Timezone, TimezoneDaylight, TimezoneStandard

from planner.core.models import utcnow
from planner.core.urls import url_builder
from planner.deadlines.models import DeadlineKind, DeadlineState

PRODID = "-//Planner//Strategische Sozialplanung//DE"
UID_DOMAIN = "planner.sozialplanung"


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _text(value: str) -> str:
    """Text as a calendar line can carry it: line breaks as LF (the library escapes them),
    no other control characters (a bare CR would end the line early)."""
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def _escape(value: str) -> str:
    """RFC 5545 TEXT escaping (3.3.11)."""
    return (
        _text(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> bytes:
    """One content line, folded after 75 octets (RFC 5545 3.1) without splitting a UTF-8
    character. The icalendar package folds character by character; a feed of 58,000 events
    spent half its time there, so events are written here and checked by two parsers in the
    tests."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return data + b"\r\n"
    parts, start, limit = [], 0, 75
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # never inside a multi-byte character
            cut -= 1
        parts.append(data[start:cut])
        start, limit = cut, 74  # continuation lines begin with a space
    parts.append(data[start:])
    return b"\r\n ".join(parts) + b"\r\n"


def _event_lines(deadline, stamp: str, url: str, labels: dict) -> bytes:
    """``deadline``: a Deadline or a row with its feed columns (services.FEED_COLUMNS)."""
    kind_label, state_label, description_head = labels[(deadline.kind, deadline.state)]
    prefix = f"[{state_label}] " if deadline.state != DeadlineState.OFFEN else ""
    if deadline.due_time is None:  # VALUE=DATE: an all-day event
        start = f"DTSTART;VALUE=DATE:{deadline.due_date:%Y%m%d}"
        end = f"DTEND;VALUE=DATE:{deadline.due_date + timedelta(days=1):%Y%m%d}"
    else:
        begin = datetime.combine(deadline.due_date, deadline.due_time)
        start = f"DTSTART;TZID=Europe/Berlin:{begin:%Y%m%dT%H%M%S}"
        end = f"DTEND;TZID=Europe/Berlin:{begin + timedelta(hours=1):%Y%m%dT%H%M%S}"
    description = [description_head]
    if deadline.organisation_name is not None:
        description.append(labels["responsible"] % deadline.organisation_name)
    if deadline.notes:
        description += ["", deadline.notes]
    status = "CANCELLED" if deadline.state == DeadlineState.VERSAEUMT else "CONFIRMED"
    return b"".join(
        _fold(line)
        for line in (
            "BEGIN:VEVENT",
            f"SUMMARY:{_escape(f'{prefix}{kind_label}: {deadline.title}')}",
            start,
            end,
            f"DTSTAMP:{stamp}",
            f"UID:frist-{deadline.uid}@{UID_DOMAIN}",
            f"SEQUENCE:{deadline.sequence or 0}",
            f"DESCRIPTION:{_escape(chr(10).join(description))}",
            f"STATUS:{status}",
            f"URL:{url}",
            "END:VEVENT",
        )
    )


def _labels() -> dict:
    """The translated texts per (kind, state), computed once per calendar, not per event."""
    labels: dict = {"responsible": _("Verantwortlich: %(org)s", org="\x00").replace("\x00", "%s")}
    for kind in DeadlineKind:
        for state in DeadlineState:
            head = "\n".join(
                (_("Art: %(kind)s", kind=kind.label), _("Status: %(state)s", state=state.label))
            )
            labels[(kind, state)] = (str(kind.label), str(state.label), head)
    return labels


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


def calendar_for(deadlines: list, name: str) -> bytes:
    """The calendar head (and the Berlin time zone) by the icalendar package, the events by
    ``_event_lines``."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _text(name))
    cal.add("x-wr-timezone", "Europe/Berlin")
    if any(d.due_time is not None for d in deadlines):
        cal.add_component(_berlin_timezone())
    head = cal.to_ical()
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    sentinel = 2_147_483_647
    detail = url_builder()("deadlines.detail", deadline_id=sentinel)
    url_head, url_tail = detail.split(str(sentinel), 1)
    labels = _labels()
    events = b"".join(
        _event_lines(d, stamp, f"{url_head}{d.id}{url_tail}", labels) for d in deadlines
    )
    end = b"END:VCALENDAR\r\n"
    return head[: -len(end)] + events + end


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
