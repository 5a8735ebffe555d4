"""Invitations over a real SMTP server (aiosmtpd): the mail with agenda and calendar entry, the
signed reply link without login (tampered, expired, cancelled: refused with a German page), a
changed time announced, a cancellation, never a mail twice, a failed server retried."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from planner.extensions import db as _db
from planner.meetings import mails, services
from planner.meetings.models import Invitation, MailState, MeetingKind, MeetingMail, Reply
from tests.factories import OrganisationFactory, PersonFactory, UserFactory


def _setup():
    org = OrganisationFactory(name="Jobcenter Beispiel", kind="jobcenter")
    UserFactory(email="team@jobcenter.example", organisation=org, role="participant")
    outsider = PersonFactory(name="Frau Extern", email="extern@verband.example")
    declines = PersonFactory(name="Herr Absage", email="absage@verband.example")
    start = services.now_local().replace(second=0, microsecond=0) + timedelta(days=14)
    meeting = services.save_meeting(None, services.MeetingData(
        kind=MeetingKind.FPK_UEBERREGIONAL, title="Fachplanerkonferenz Kinderarmut", starts_at=start,
        ends_at=start + timedelta(hours=3), place="Kreishaus, Raum 1"))  # fmt: skip
    services.add_item(meeting, services.ItemData(title="Befunde", duration=30))
    services.add_item(meeting, services.ItemData(title="Maßnahmen sammeln", duration=60))
    services.invite(meeting, [outsider.id, declines.id], [org.id])
    _db.session.commit()
    return meeting, outsider, declines


def _link(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://\S+/antwort/(\S+)", body).group(1)


def _ics(message) -> Calendar:
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_payload(decode=True))


def test_invitations_go_out_once_with_agenda_calendar_entry_and_reply_link(app, db, client, smtp):
    meeting, outsider, _declines = _setup()
    services.invite_now(meeting)
    _db.session.commit()
    assert mails.send_pending() == {"sent": 3, "failed": 0, "retry": 0}
    assert mails.send_pending()["sent"] == 0  # nothing twice
    [msg] = smtp.inbox.to("extern@verband.example")
    assert msg["Subject"].startswith("Einladung: Fachplanerkonferenz Kinderarmut am ")
    body = msg.get_body(preferencelist=("plain",)).get_content()
    assert "TOP 1" in body and "Befunde" in body and "TOP 2" in body
    event = _ics(msg).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Fachplanerkonferenz Kinderarmut"
    assert event.decoded("DTSTART").replace(tzinfo=None) == meeting.starts_at
    assert str(event["DTSTART"].params["TZID"]) == "Europe/Berlin"
    assert smtp.inbox.to("team@jobcenter.example"), "the invited organisation's account"

    token = _link(msg)
    page = client.get(f"/antwort/{token}")
    assert page.status_code == 200 and "Fachplanerkonferenz Kinderarmut" in page.get_data(
        as_text=True
    )
    response = client.post(f"/antwort/{token}", data={"reply": "vertreten", "substitute": ""})
    assert response.status_code == 422
    assert "Bitte geben Sie an, wer Sie vertritt." in response.get_data(as_text=True)
    response = client.post(
        f"/antwort/{token}",
        data={"reply": "vertreten", "substitute": "Herr Vertreter"},
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "Ihre Antwort wurde gespeichert" in text
    assert "vertreten durch Herr Vertreter" in text  # the page shows the answer given
    invitation = _db.session.scalar(select(Invitation).where(Invitation.person_id == outsider.id))
    _db.session.refresh(invitation)
    assert invitation.reply == Reply.VERTRETEN and invitation.substitute == "Herr Vertreter"


def test_tampered_expired_and_cancelled_links_are_refused_with_a_german_page(app, db, client, smtp):
    meeting, _outsider, _declines = _setup()
    services.invite_now(meeting)
    _db.session.commit()
    mails.send_pending()
    token = _link(smtp.inbox.to("extern@verband.example")[0])

    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (tampered, "x", "a" * 400, token.replace(".", "")):
        page = client.get(f"/antwort/{bad}")
        assert page.status_code == 404
        assert "Antwort-Link ist ungültig" in page.get_data(as_text=True)
        assert client.post(f"/antwort/{bad}", data={"reply": "zusage"}).status_code == 404

    app.config["REPLY_LINK_MAX_AGE"] = -1
    try:
        page = client.get(f"/antwort/{token}")
        assert page.status_code == 410 and "abgelaufen" in page.get_data(as_text=True)
    finally:
        app.config["REPLY_LINK_MAX_AGE"] = 180 * 86400

    services.set_state(meeting, "abgesagt")
    _db.session.commit()
    page = client.get(f"/antwort/{token}")
    text = page.get_data(as_text=True)
    assert page.status_code == 410 and "abgesagt" in text and "Was Sie tun können" in text
    response = client.post(f"/antwort/{token}", data={"reply": "zusage"})
    assert response.status_code == 410
    assert _db.session.scalar(select(Invitation.reply).where(Invitation.meeting_id == meeting.id,
                                                             Invitation.reply != Reply.OFFEN)) is None  # fmt: skip


def test_a_changed_time_and_a_cancellation_are_announced_to_those_who_did_not_decline(
    app, db, smtp
):
    meeting, _outsider, declines = _setup()
    services.invite_now(meeting)
    _db.session.commit()
    mails.send_pending()
    invitation = _db.session.scalar(select(Invitation).where(Invitation.person_id == declines.id))
    services.set_reply(invitation, Reply.ABSAGE)
    data = services.MeetingData(kind=meeting.kind, title=meeting.title, place=meeting.place,
                                starts_at=meeting.starts_at + timedelta(hours=1),
                                ends_at=meeting.ends_at + timedelta(hours=1))  # fmt: skip
    services.save_meeting(meeting, data)
    _db.session.commit()
    mails.send_pending()
    [change] = [
        m for m in smtp.inbox.to("extern@verband.example") if "Geänderter Termin" in m["Subject"]
    ]
    event = _ics(change).walk("VEVENT")[0]
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART").replace(tzinfo=None) == meeting.starts_at
    assert len(smtp.inbox.to("absage@verband.example")) == 1  # only the invitation
    services.set_state(meeting, "abgesagt")
    _db.session.commit()
    mails.send_pending()
    [cancel] = [
        m for m in smtp.inbox.to("extern@verband.example") if m["Subject"].startswith("Abgesagt")
    ]
    calendar = _ics(cancel)
    assert str(calendar["METHOD"]) == "CANCEL" and int(calendar.walk("VEVENT")[0]["SEQUENCE"]) == 2
    assert "/antwort/" not in cancel.get_body(preferencelist=("plain",)).get_content()


def test_a_mail_server_that_is_down_loses_nothing(app, db, smtp):
    meeting, _outsider, _declines = _setup()
    services.invite_now(meeting)
    _db.session.commit()
    smtp.stop()
    result = mails.send_pending()
    assert result["sent"] == 0 and result["retry"] == 3
    rows = _db.session.scalars(select(MeetingMail)).all()
    assert {r.state for r in rows} == {MailState.PENDING} and all(r.attempts == 1 for r in rows)
    smtp.start()
    later = max(r.next_attempt_at for r in rows) + timedelta(seconds=1)
    assert mails.send_pending(later)["sent"] == 3
    assert mails.send_pending(later + timedelta(days=1))["sent"] == 0
    assert len(smtp.inbox.messages) == 3


def test_an_invitee_answers_in_the_app(app, db, client, login_as):
    org = OrganisationFactory()
    meeting, _o, _d = _setup()
    services.invite(meeting, [], [org.id])
    _db.session.commit()
    login_as("participant", organisation=org)
    page = client.get(f"/sitzungen/{meeting.id}")
    assert "Ihre Einladung" in page.get_data(as_text=True)
    response = client.post(f"/sitzungen/{meeting.id}/antwort", data={"reply": "zusage"})
    assert response.status_code == 302
    invitation = _db.session.scalar(select(Invitation).where(Invitation.organisation_id == org.id))
    _db.session.refresh(invitation)
    assert invitation.reply == Reply.ZUSAGE


def test_an_invitation_overtaken_by_the_cancellation_is_not_sent(app, db, smtp):
    meeting, _outsider, _declines = _setup()
    services.invite_now(meeting)
    services.set_state(meeting, "abgesagt")  # before the sweep sent anything
    _db.session.commit()
    result = mails.send_pending()
    assert result["sent"] == 3 and result["dropped"] == 3
    subjects = {m["Subject"].split(":")[0] for _rcpts, m in smtp.inbox.messages}
    assert subjects == {"Abgesagt"}
    assert {r.state for r in _db.session.scalars(select(MeetingMail))} == {
        MailState.SENT,
        MailState.DROPPED,
    }


def test_two_planners_inviting_the_same_person_at_once_get_a_german_message(app, db):
    """The second request's check ran before the first committed: the unique key decides, and
    the loser gets a message at the field instead of a server error."""
    from sqlalchemy import event, insert

    meeting, outsider, _declines = _setup()
    other = PersonFactory(name="Frau Gleichzeitig")
    meeting_id, person_id = meeting.id, other.id

    fired = []

    def competitor(session, _context, _instances):
        if fired:
            return
        fired.append(True)
        with _db.engine.connect() as connection:  # the other request, its own transaction
            connection.execute(insert(Invitation), [{"meeting_id": meeting_id, "person_id": person_id,
                                                     "reply": "offen", "invited": True, "attended": False,
                                                     "link_version": 0, "created_at": meeting.created_at,
                                                     "updated_at": meeting.created_at}])  # fmt: skip
            connection.commit()

    event.listen(_db.session, "before_flush", competitor)
    try:
        with pytest.raises(services.MeetingError, match="Gleichzeitig"):
            services.invite(meeting, [person_id], [])
    finally:
        event.remove(_db.session, "before_flush", competitor)
    assert fired
    _db.session.rollback()
    rows = _db.session.scalars(select(Invitation).where(Invitation.person_id == person_id)).all()
    assert len(rows) == 1
