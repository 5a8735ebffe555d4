"""Meetings and conferences: agenda, invitations with their mails, attendance, minutes with
revisions, action items.

Start and end are wall-clock times in Europe/Berlin as entered (naive): a session at 17:00 stays
at 17:00 whatever the offset to UTC; the calendar file names the zone (TZID)."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.accounts.models import Organisation, User, enum_column
from planner.core.models import Audited, TimestampMixin, UTCDateTime, utcnow
from planner.extensions import db
from planner.stakeholders.models import Person


class MeetingKind(enum.StrEnum):
    GREMIUM = "gremiensitzung"
    FPK_KOMMUNAL = "fpk_kommunal"
    FPK_UEBERREGIONAL = "fpk_ueberregional"
    DIENSTBESPRECHUNG = "dienstbesprechung"
    WORKSHOP = "workshop"

    @property
    def label(self) -> str:
        return MEETING_KIND_LABELS[self]

    @property
    def conference(self) -> bool:
        return self in (MeetingKind.FPK_KOMMUNAL, MeetingKind.FPK_UEBERREGIONAL)


MEETING_KIND_LABELS = {
    MeetingKind.GREMIUM: _l("Gremiensitzung"),
    MeetingKind.FPK_KOMMUNAL: _l("Fachplanerkonferenz kommunal"),
    MeetingKind.FPK_UEBERREGIONAL: _l("Fachplanerkonferenz überregional"),
    MeetingKind.DIENSTBESPRECHUNG: _l("Dienstbesprechung"),
    MeetingKind.WORKSHOP: _l("Workshop"),
}


class MeetingState(enum.StrEnum):
    GEPLANT = "geplant"
    EINGELADEN = "eingeladen"
    DURCHGEFUEHRT = "durchgefuehrt"
    ABGESAGT = "abgesagt"

    @property
    def label(self) -> str:
        return MEETING_STATE_LABELS[self]


MEETING_STATE_LABELS = {
    MeetingState.GEPLANT: _l("geplant"),
    MeetingState.EINGELADEN: _l("eingeladen"),
    MeetingState.DURCHGEFUEHRT: _l("durchgeführt"),
    MeetingState.ABGESAGT: _l("abgesagt"),
}


class MinutesState(enum.StrEnum):
    ENTWURF = "entwurf"
    GENEHMIGT = "genehmigt"

    @property
    def label(self) -> str:
        return MINUTES_STATE_LABELS[self]


MINUTES_STATE_LABELS = {
    MinutesState.ENTWURF: _l("Entwurf"),
    MinutesState.GENEHMIGT: _l("genehmigt"),
}


class Meeting(Audited, TimestampMixin, db.Model):
    __tablename__ = "meetings"
    __audit_type__ = _l("Sitzung")
    __audit_exclude__ = Audited.__audit_exclude__ | {"sequence"}
    __audit_fields__ = {
        "kind": _l("Art"),
        "title": _l("Titel"),
        "body_id": _l("Gremium"),
        "municipality_id": _l("Kommune"),
        "starts_at": _l("Beginn"),
        "ends_at": _l("Ende"),
        "place": _l("Ort"),
        "state": _l("Status"),
        "minutes": _l("Protokoll"),
        "minutes_state": _l("Protokollstatus"),
        "minutes_approved_at": _l("Protokoll genehmigt am"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MeetingKind] = mapped_column(enum_column(MeetingKind, "meeting_kind"))
    title: Mapped[str] = mapped_column(String(300))
    body_id: Mapped[int | None] = mapped_column(
        ForeignKey("bodies.id", ondelete="RESTRICT"), index=True
    )
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(DateTime())  # Europe/Berlin wall clock
    ends_at: Mapped[datetime] = mapped_column(DateTime())
    place: Mapped[str | None] = mapped_column(String(300))
    state: Mapped[MeetingState] = mapped_column(enum_column(MeetingState, "meeting_state"))
    minutes: Mapped[str | None] = mapped_column(Text)
    minutes_state: Mapped[MinutesState] = mapped_column(
        enum_column(MinutesState, "minutes_state"), default=MinutesState.ENTWURF
    )
    minutes_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the calendar's SEQUENCE: raised with every change the invitees are told of
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    body = relationship("Body")
    municipality: Mapped[Organisation | None] = relationship()

    __table_args__ = (
        CheckConstraint("length(trim(title)) > 0", name="title_not_blank"),
        CheckConstraint("ends_at >= starts_at", name="end_after_start"),
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        Index("ix_meetings_starts_id", "starts_at", "id"),
        Index("ix_meetings_kind_starts", "kind", "starts_at"),
        Index("ix_meetings_state_starts", "state", "starts_at"),
    )

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%d.%m.%Y})"

    @property
    def conference(self) -> bool:
        return self.kind.conference


agenda_item_areas = Table(
    "agenda_item_areas",
    db.metadata,
    Column("agenda_item_id", ForeignKey("agenda_items.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True, index=True),
)
agenda_item_indicators = Table(
    "agenda_item_indicators",
    db.metadata,
    Column("agenda_item_id", ForeignKey("agenda_items.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "indicator_id",
        ForeignKey("indicators.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class AgendaItem(Audited, TimestampMixin, db.Model):
    __tablename__ = "agenda_items"
    __audit_type__ = _l("Tagesordnungspunkt")
    __audit_fields__ = {
        "meeting_id": _l("Sitzung"),
        "position": _l("Nummer"),
        "title": _l("Titel"),
        "description": _l("Beschreibung"),
        "public": _l("Öffentlich"),
        "duration": _l("Geplante Minuten"),
        "presenter": _l("Vortrag"),
        "paper_id": _l("Vorlage"),
        "outcome": _l("Ergebnis"),
        "resolution_id": _l("Beschluss"),
        "minutes": _l("Protokoll"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    duration: Mapped[int | None] = mapped_column(Integer)
    presenter: Mapped[str | None] = mapped_column(String(200))
    paper_id: Mapped[int | None] = mapped_column(
        ForeignKey("papers.id", ondelete="SET NULL"), index=True
    )
    outcome: Mapped[str | None] = mapped_column(Text)
    resolution_id: Mapped[int | None] = mapped_column(
        ForeignKey("resolutions.id", ondelete="SET NULL"), index=True
    )
    minutes: Mapped[str | None] = mapped_column(Text)

    meeting: Mapped[Meeting] = relationship()
    paper = relationship("Paper")
    resolution = relationship("Resolution")

    __table_args__ = (
        CheckConstraint("length(trim(title)) > 0", name="title_not_blank"),
        CheckConstraint("position >= 1", name="position_positive"),
        CheckConstraint(
            "duration IS NULL OR (duration >= 0 AND duration <= 1440)", name="duration_in_day"
        ),  # fmt: skip
        Index("ix_agenda_items_meeting_position", "meeting_id", "position"),
    )

    def __str__(self) -> str:
        return f"TOP {self.position}: {self.title}"


class Reply(enum.StrEnum):
    OFFEN = "offen"
    ZUSAGE = "zusage"
    ABSAGE = "absage"
    VERTRETEN = "vertreten"

    @property
    def label(self) -> str:
        return REPLY_LABELS[self]


REPLY_LABELS = {
    Reply.OFFEN: _l("keine Antwort"),
    Reply.ZUSAGE: _l("Zusage"),
    Reply.ABSAGE: _l("Absage"),
    Reply.VERTRETEN: _l("vertreten durch"),
}


class Invitation(Audited, TimestampMixin, db.Model):
    """An invited person (with or without an account) or a whole organisation."""

    __tablename__ = "invitations"
    __audit_type__ = _l("Einladung")
    __audit_fields__ = {
        "meeting_id": _l("Sitzung"),
        "person_id": _l("Person"),
        "organisation_id": _l("Organisation"),
        "reply": _l("Antwort"),
        "substitute": _l("Vertreten durch"),
        "replied_at": _l("Geantwortet am"),
        "attended": _l("Anwesend"),
        "invited": _l("Eingeladen"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="RESTRICT"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    reply: Mapped[Reply] = mapped_column(
        enum_column(Reply, "invitation_reply"), default=Reply.OFFEN
    )
    substitute: Mapped[str | None] = mapped_column(String(200))
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attended: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # False for someone who came without an invitation (recorded with the attendance)
    invited: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # raised to void the reply links sent before (a removed and re-added invitee)
    link_version: Mapped[int] = mapped_column(Integer, default=0)

    meeting: Mapped[Meeting] = relationship()
    person: Mapped[Person | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    __table_args__ = (
        CheckConstraint(
            "(person_id IS NULL) <> (organisation_id IS NULL)", name="person_or_organisation"
        ),  # fmt: skip
        UniqueConstraint("meeting_id", "person_id", name="uq_invitations_meeting_person"),
        UniqueConstraint("meeting_id", "organisation_id", name="uq_invitations_meeting_org"),
    )

    def __str__(self) -> str:
        who = self.person or self.organisation
        if who is None:
            who = (
                db.session.get(Person, self.person_id)
                if self.person_id
                else db.session.get(Organisation, self.organisation_id)
            )
        return str(who)

    @property
    def invitee(self) -> str:
        return str(self)


class MailKind(enum.StrEnum):
    EINLADUNG = "einladung"
    AENDERUNG = "aenderung"
    ABSAGE = "absage"


class MailState(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    DROPPED = "dropped"  # overtaken before it went out (an invitation to a cancelled meeting)


class MeetingMail(db.Model):
    """The outbox of invitation mails: written with the change that causes it, sent after the
    commit and by the sweep, each exactly once (a claim with a lease before the SMTP call)."""

    __tablename__ = "meeting_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"),
                                               index=True)  # fmt: skip
    kind: Mapped[MailKind] = mapped_column(enum_column(MailKind, "meeting_mail_kind"))
    address: Mapped[str] = mapped_column(String(254))
    state: Mapped[MailState] = mapped_column(
        enum_column(MailState, "meeting_mail_state"), default=MailState.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim_token: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    invitation: Mapped[Invitation] = relationship()

    __table_args__ = (Index("ix_meeting_mails_state_next", "state", "next_attempt_at"),)


class MinutesRevision(db.Model):
    """Every saved version of the minutes of a meeting or of one agenda item."""

    __tablename__ = "minutes_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                  index=True)  # fmt: skip
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped[User | None] = relationship()

    __table_args__ = (Index("ix_minutes_revisions_meeting_id", "meeting_id", "id"),)


class ActionItem(Audited, TimestampMixin, db.Model):
    """An action from the minutes: what, who, by when; a deadline of its own."""

    __tablename__ = "action_items"
    __audit_type__ = _l("Aufgabe aus dem Protokoll")
    __audit_fields__ = {
        "meeting_id": _l("Sitzung"),
        "agenda_item_id": _l("Tagesordnungspunkt"),
        "title": _l("Was"),
        "person_id": _l("Wer (Person)"),
        "organisation_id": _l("Wer (Organisation)"),
        "due_date": _l("Bis wann"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)  # fmt: skip
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="RESTRICT"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    due_date: Mapped[datetime] = mapped_column(db.Date)

    person: Mapped[Person | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    __table_args__ = (CheckConstraint("length(trim(title)) > 0", name="title_not_blank"),)

    def __str__(self) -> str:
        return self.title
