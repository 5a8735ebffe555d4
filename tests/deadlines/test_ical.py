"""iCalendar feeds: RFC 5545 shape, two independent parsers, secret tokens."""

from __future__ import annotations

import re
from datetime import date, time

import icalendar
import vobject

from planner.deadlines.services import today_in_berlin
from tests.factories import DeadlineFactory, OrganisationFactory

# dates inside the feed's window (a year back, two years ahead)
NEXT_YEAR = today_in_berlin().year + 1
SPRING = date(NEXT_YEAR, 3, 31)
SUMMER = date(NEXT_YEAR, 6, 19)  # CEST, UTC+2


def _feed_url(client) -> str:
    html = client.post("/fristen/abo").get_data(as_text=True)
    match = re.search(r'>(http://[^<"]+/kalender/[^<"]+\.ics)</textarea>', html)
    assert match, "the new feed address is shown once"
    return match.group(1).replace("http://localhost", "")


def test_personal_feed_is_valid_for_two_parsers(login_as, client, db):
    login_as("planner")
    all_day = DeadlineFactory(title="Datenlieferung", due_date=SPRING)
    timed = DeadlineFactory(
        title="Sitzung Sozialausschuss",
        kind="sitzung",
        due_date=SUMMER,
        due_time=time(17, 0),
    )
    url = _feed_url(client)
    client.post("/abmelden")

    response = client.get(url)  # no session: the token is the credential

    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    cal = icalendar.Calendar.from_ical(response.data)
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"Lieferung: Datenlieferung", "Sitzung: Sitzung Sozialausschuss"}
    day = events["Lieferung: Datenlieferung"]
    assert day["uid"] == f"frist-{all_day.uid}@planner.sozialplanung"
    assert day.decoded("dtstart") == SPRING  # VALUE=DATE, an all-day event
    assert f"DTSTART;VALUE=DATE:{SPRING:%Y%m%d}" in response.get_data(as_text=True)
    assert "dtstamp" in day and int(day["sequence"]) == 0
    meeting = events["Sitzung: Sitzung Sozialausschuss"]
    assert meeting["dtstart"].params["TZID"] == "Europe/Berlin"
    assert meeting.decoded("dtstart").hour == 17
    assert any(tz["tzid"] == "Europe/Berlin" for tz in cal.walk("VTIMEZONE"))
    assert str(meeting["url"]).endswith(f"/fristen/{timed.id}")

    parsed = vobject.readOne(response.get_data(as_text=True))
    summaries = sorted(ev.summary.value for ev in parsed.vevent_list)
    assert summaries == ["Lieferung: Datenlieferung", "Sitzung: Sitzung Sozialausschuss"]
    starts = {ev.summary.value: ev.dtstart.value for ev in parsed.vevent_list}
    assert starts["Lieferung: Datenlieferung"] == SPRING
    assert starts["Sitzung: Sitzung Sozialausschuss"].utcoffset().total_seconds() == 7200  # CEST


def test_sequence_rises_and_uid_stays_when_a_deadline_changes(login_as, client, db):
    login_as("planner")
    deadline = DeadlineFactory(title="Bericht", kind="bericht", due_date=SPRING)
    url = _feed_url(client)
    before = icalendar.Calendar.from_ical(client.get(url).data).walk("VEVENT")[0]
    client.post(
        f"/fristen/{deadline.id}/bearbeiten",
        data={
            "title": "Bericht",
            "kind": "bericht",
            "due_date": SUMMER.isoformat(),
            "visible_to_all": "y",
        },
    )
    after = icalendar.Calendar.from_ical(client.get(url).data).walk("VEVENT")[0]
    assert after["uid"] == before["uid"]
    assert int(after["sequence"]) == int(before["sequence"]) + 1
    assert after.decoded("dtstart") == SUMMER


def test_renewed_or_foreign_tokens_are_refused(app, login_as, client, db):
    login_as("viewer")
    old = _feed_url(client)
    new = _feed_url(client)
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert client.get("/kalender/erfunden.ics").status_code == 404
    other = app.test_client()
    response = other.get(new.replace(new.split("/")[-1], "x" + new.split("/")[-1]))
    assert response.status_code == 404
    assert b"VCALENDAR" not in response.data


def test_feed_carries_only_what_the_user_may_see(login_as, client, db):
    mine = OrganisationFactory(name="Stadt Troisdorf")
    other = OrganisationFactory(name="Gemeinde Much")
    login_as("participant", organisation=mine)
    DeadlineFactory(title="Öffentlich", due_date=SPRING)
    DeadlineFactory(
        title="Intern Troisdorf", due_date=SPRING, organisation=mine, visible_to_all=False
    )
    DeadlineFactory(title="Intern Much", due_date=SPRING, organisation=other, visible_to_all=False)
    DeadlineFactory(title="Zu weit weg", due_date=date(NEXT_YEAR + 3, 1, 1))
    url = _feed_url(client)
    summaries = {
        str(e["summary"]) for e in icalendar.Calendar.from_ical(client.get(url).data).walk("VEVENT")
    }
    assert summaries == {"Lieferung: Öffentlich", "Lieferung: Intern Troisdorf"}


def test_single_deadline_download(login_as, client, db):
    login_as("viewer")
    deadline = DeadlineFactory(title="Einzeln", due_date=date(2040, 2, 2))
    response = client.get(f"/fristen/{deadline.id}.ics")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    [event] = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
    assert str(event["summary"]) == "Lieferung: Einzeln"


def test_token_is_stored_only_as_hash(login_as, client, db):
    user = login_as("planner")
    url = _feed_url(client)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    from planner.deadlines.models import CalendarFeed

    feed = db.session.get(CalendarFeed, user.id)
    assert feed.token_hash != token and len(feed.token_hash) == 64
    assert token not in client.get("/fristen/einstellungen").get_data(as_text=True)


def test_feed_follows_changes_and_answers_conditional_requests(login_as, client, db):
    from planner.deadlines import services

    login_as("planner")
    DeadlineFactory(title="Erste", due_date=SPRING)
    url = _feed_url(client)
    first = client.get(url)
    assert b"Erste" in first.data and first.headers["ETag"]
    unchanged = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304 and unchanged.data == b""

    second = DeadlineFactory(title="Zweite", due_date=SUMMER)
    changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and b"Zweite" in changed.data
    services.mark_done(second, None)
    db.session.commit()
    assert b"[erledigt] Lieferung: Zweite" in client.get(url).data
    db.session.delete(second)
    db.session.commit()
    assert b"Zweite" not in client.get(url).data


def test_long_lines_fold_between_characters_and_special_text_survives(db):
    """Folding at 75 octets never splits a UTF-8 character; ; , \\ and line breaks come back
    unchanged through both parsers."""
    import vobject
    from icalendar import Calendar

    from planner.deadlines import ical

    title = "Übergänge für Schüler; Kita, Hort \\ Äöüß " * 6
    notes = "Zeile eins\nZeile zwei; mit, Zeichen\r\nund ünïcödé " + "€" * 60
    deadline = DeadlineFactory(title=title, notes=notes)
    body = ical.calendar_for([deadline], "Test")
    for line in body.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # every physical line is valid UTF-8 on its own
    event = Calendar.from_ical(body).walk("VEVENT")[0]
    assert str(event["SUMMARY"]).endswith(title)
    assert str(event["DESCRIPTION"]).endswith(notes.replace("\r\n", "\n"))
    parsed = vobject.readOne(body.decode("utf-8"))
    assert parsed.vevent.summary.value.endswith(title)
    assert parsed.vevent.description.value.endswith(notes.replace("\r\n", "\n"))
