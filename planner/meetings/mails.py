"""Invitation mails: the signed reply link, the calendar entry (.ics) and the outbox sender.

A reply link carries the invitation's id and link version, signed with the app's secret and a
salt of its own; it works without login until the meeting is over, at most
``REPLY_LINK_MAX_AGE`` seconds. The outbox row is claimed (token and lease, committed) before
the SMTP call and marked sent after it: a mail is never sent twice by two senders, and one that
failed is tried again with growing pauses."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, render_template
from flask_babel import gettext as _
from icalendar import Calendar, Event, vCalAddress
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import and_, or_, select, update

from planner.core.mail import Mailer, MailError, build_message
from planner.core.models import utcnow
from planner.core.urls import url_builder
from planner.extensions import db
from planner.meetings import services
from planner.meetings.models import (
    Invitation,
    MailKind,
    MailState,
    Meeting,
    MeetingMail,
    MeetingState,
)

SALT = "planner-meeting-reply"
MAX_TOKEN = 300
LEASE = timedelta(minutes=10)
BATCH = 100
MAX_ATTEMPTS = 8
BACKOFF = [timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1), timedelta(hours=4)]


# --- reply links --------------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def make_token(invitation: Invitation) -> str:
    return _serializer().dumps([invitation.id, invitation.link_version])


class LinkRefused(Exception):
    """Why a reply link is not taken: ``reason`` is "ungueltig", "abgelaufen" or "abgesagt"."""

    def __init__(self, reason: str, meeting: Meeting | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.meeting = meeting


def invitation_for_token(token: str) -> Invitation:
    """The invitation a link is for, or :class:`LinkRefused` with the reason."""
    if len(token) > MAX_TOKEN:
        raise LinkRefused("ungueltig")
    max_age = int(current_app.config.get("REPLY_LINK_MAX_AGE", 180 * 86400))
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise LinkRefused("abgelaufen") from None
    except BadSignature:
        raise LinkRefused("ungueltig") from None
    if (
        not isinstance(data, list)
        or len(data) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in data)
        or not 0 < data[0] < 2**31
    ):
        raise LinkRefused("ungueltig")
    invitation = db.session.get(Invitation, data[0])
    if invitation is None or invitation.link_version != data[1] or not invitation.invited:
        raise LinkRefused("ungueltig")
    meeting = invitation.meeting
    if meeting.state == MeetingState.ABGESAGT:
        raise LinkRefused("abgesagt", meeting)
    if meeting.state == MeetingState.DURCHGEFUEHRT or meeting.ends_at < services.now_local():
        raise LinkRefused("abgelaufen", meeting)
    return invitation


# --- calendar entry -----------------------------------------------------------------------


def ics_for(meeting: Meeting, items, *, cancel: bool = False, url: str | None = None) -> bytes:
    """The meeting as an iCalendar entry (REQUEST, or CANCEL), times in Europe/Berlin."""
    berlin = ZoneInfo("Europe/Berlin")
    cal = Calendar()
    cal.add("prodid", "-//Planner//Sozialplanung//DE")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancel else "REQUEST")
    event = Event()
    host = current_app.config["MAIL_FROM"].rsplit("@", 1)[-1].strip(">") or "planner"
    event.add("uid", f"meeting-{meeting.id}@{host}")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", utcnow())
    event.add("dtstart", meeting.starts_at.replace(tzinfo=berlin))
    event.add("dtend", meeting.ends_at.replace(tzinfo=berlin))
    event.add("summary", meeting.title)
    if meeting.place:
        event.add("location", meeting.place)
    agenda = "\n".join(f"TOP {i.position}: {i.title}" for i in items)
    if agenda:
        event.add("description", _("Tagesordnung:") + "\n" + agenda)
    if url:
        event.add("url", url)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    event.add("organizer", vCalAddress("mailto:" + current_app.config["MAIL_FROM"]))
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


# --- messages -----------------------------------------------------------------------------

SUBJECTS = {
    MailKind.EINLADUNG: lambda m: _("Einladung: %(title)s am %(day)s", title=m.title,
                                    day=f"{m.starts_at:%d.%m.%Y}"),
    MailKind.AENDERUNG: lambda m: _("Geänderter Termin: %(title)s, jetzt am %(day)s um %(time)s Uhr",
                                    title=m.title, day=f"{m.starts_at:%d.%m.%Y}",
                                    time=f"{m.starts_at:%H:%M}"),
    MailKind.ABSAGE: lambda m: _("Abgesagt: %(title)s am %(day)s", title=m.title,
                                 day=f"{m.starts_at:%d.%m.%Y}"),
}  # fmt: skip


def message_for(mail: MeetingMail, build=None):
    build = build or url_builder()
    invitation = mail.invitation
    meeting = invitation.meeting
    items = services.items_of(meeting.id)
    meeting_url = build("meetings.meeting_detail", meeting_id=meeting.id)
    context = {
        "meeting": meeting,
        "kind": mail.kind.value,
        "items": items,
        "times": services.schedule(meeting, items),
        "invitation": invitation,
        "reply_url": build("meetings.reply", token=make_token(invitation))
        if mail.kind != MailKind.ABSAGE
        else None,
        "meeting_url": meeting_url,
    }
    ics = ics_for(meeting, items, cancel=mail.kind == MailKind.ABSAGE, url=meeting_url)
    method = "CANCEL" if mail.kind == MailKind.ABSAGE else "REQUEST"
    return build_message(
        to=mail.address,
        subject=SUBJECTS[mail.kind](meeting),
        text=render_template("emails/meeting.txt", **context),
        attachments=[("sitzung.ics", ics, f"text/calendar; method={method}; charset=utf-8")],
    )


def _claimable(now: datetime):
    t = MeetingMail
    return and_(
        t.state == MailState.PENDING,
        t.next_attempt_at <= now,
        or_(t.claimed_until.is_(None), t.claimed_until < now),
    )


def send_pending(now: datetime | None = None, limit: int = BATCH) -> dict[str, int]:
    """Send due outbox mails; returns counts. Each claim and each result is committed at once."""
    now = now or utcnow()
    token = secrets.token_hex(16)
    picked = db.session.scalars(
        select(MeetingMail.id).where(_claimable(now)).order_by(MeetingMail.id).limit(limit)
    ).all()
    result = {"sent": 0, "failed": 0, "retry": 0}
    if not picked:
        db.session.rollback()
        return result
    db.session.execute(
        update(MeetingMail)
        .where(MeetingMail.id.in_(picked), _claimable(now))
        .values(claim_token=token, claimed_until=now + LEASE)
    )
    db.session.commit()
    mine = db.session.scalars(
        select(MeetingMail).where(MeetingMail.claim_token == token).order_by(MeetingMail.id)
    ).all()
    build = url_builder()
    try:
        with Mailer() as mailer:
            for mail in mine:
                if _overtaken(mail):
                    mail.state = MailState.DROPPED
                    mail.claim_token = None
                    result["dropped"] = result.get("dropped", 0) + 1
                    db.session.commit()
                    continue
                try:
                    mailer.send(message_for(mail, build))
                except MailError as exc:
                    _failed(mail, exc, now, result)
                else:
                    mail.state = MailState.SENT
                    mail.sent_at = utcnow()
                    mail.claim_token = None
                    result["sent"] += 1
                db.session.commit()
    except MailError as exc:  # the connection itself: everything unsent is tried again later
        db.session.rollback()
        for mail in db.session.scalars(
            select(MeetingMail).where(
                MeetingMail.claim_token == token, MeetingMail.state == MailState.PENDING
            )
        ):
            _failed(mail, exc, now, result)
        db.session.commit()
    return result


def _overtaken(mail: MeetingMail) -> bool:
    """An invitation or change notice for a meeting cancelled since, or an invitation taken
    back, is not sent any more (the cancellation is)."""
    invitation = mail.invitation
    if not invitation.invited:
        return True
    return mail.kind != MailKind.ABSAGE and invitation.meeting.state == MeetingState.ABGESAGT


def _failed(mail: MeetingMail, exc: MailError, now: datetime, result: dict[str, int]) -> None:
    mail.attempts += 1
    mail.last_error = str(exc)[:2000]
    mail.claim_token = None
    mail.claimed_until = None
    if getattr(exc, "permanent", False) or mail.attempts >= MAX_ATTEMPTS:
        mail.state = MailState.FAILED
        result["failed"] += 1
    else:
        mail.next_attempt_at = now + BACKOFF[min(mail.attempts - 1, len(BACKOFF) - 1)]
        result["retry"] += 1


def send_after_commit() -> None:
    """Right after a request committed mails to the outbox: try them now; what fails stays for
    the sweep (never an error page for the user)."""
    try:
        send_pending()
    except Exception:  # noqa: BLE001 - the sweep retries; the user's change is saved
        db.session.rollback()
        current_app.logger.exception("meeting mails: sending after the commit failed")
