"""Deadlines (Fristen), the reminder outbox, calendar feeds and reminder preferences."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.accounts.models import Organisation, User, enum_column
from planner.core.models import Audited, TimestampMixin, UTCDateTime, trigram_index, utcnow
from planner.extensions import db


class DeadlineKind(enum.StrEnum):
    LIEFERUNG = "lieferung"
    FOERDERFRIST = "foerderfrist"
    MEILENSTEIN = "meilenstein"
    PROZESSSCHRITT = "prozessschritt"
    SITZUNG = "sitzung"
    BERICHT = "bericht"
    SONSTIGES = "sonstiges"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    DeadlineKind.LIEFERUNG: _l("Lieferung"),
    DeadlineKind.FOERDERFRIST: _l("Förderfrist"),
    DeadlineKind.MEILENSTEIN: _l("Meilenstein"),
    DeadlineKind.PROZESSSCHRITT: _l("Prozessschritt"),
    DeadlineKind.SITZUNG: _l("Sitzung"),
    DeadlineKind.BERICHT: _l("Bericht"),
    DeadlineKind.SONSTIGES: _l("Sonstiges"),
}


class DeadlineState(enum.StrEnum):
    OFFEN = "offen"
    ERLEDIGT = "erledigt"
    VERSAEUMT = "versaeumt"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    DeadlineState.OFFEN: _l("offen"),
    DeadlineState.ERLEDIGT: _l("erledigt"),
    DeadlineState.VERSAEUMT: _l("versäumt"),
}

deadline_responsibles = Table(
    "deadline_responsibles",
    db.metadata,
    Column("deadline_id", ForeignKey("deadlines.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


def _new_uid() -> str:
    return uuid.uuid4().hex


class Deadline(Audited, TimestampMixin, db.Model):
    """A dated duty. ``due_date`` is the day in Europe/Berlin; ``due_time`` is optional
    (without it the deadline is an all-day event)."""

    __tablename__ = "deadlines"
    __audit_type__ = _l("Frist")
    # technical columns (calendar UID and SEQUENCE) are no change anyone made
    __audit_exclude__ = Audited.__audit_exclude__ | {"uid", "sequence"}
    __audit_fields__ = {
        "title": _l("Titel"),
        "kind": _l("Art"),
        "due_date": _l("Fällig am"),
        "due_time": _l("Uhrzeit"),
        "state": _l("Status"),
        "organisation_id": _l("Verantwortliche Organisation"),
        "responsible_users": _l("Verantwortliche Personen"),
        "notes": _l("Notizen"),
        "reminder_offsets": _l("Erinnerungen (Tage)"),
        "visible_to_all": _l("Für alle sichtbar"),
        "owner_type": _l("Gehört zu (Art)"),
        "owner_id": _l("Gehört zu (Nr.)"),
        "owner_slot": _l("Gehört zu (Termin)"),
        "done_at": _l("Abgeschlossen am"),
        "done_by_id": _l("Abgeschlossen von"),
        "created_by_id": _l("Angelegt von"),
        "deleted_at": _l("Gelöscht am"),
        "deleted_by_id": _l("Gelöscht von"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True, default=_new_uid)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[DeadlineKind] = mapped_column(enum_column(DeadlineKind, "deadline_kind"))
    due_date: Mapped[date] = mapped_column(Date)
    due_time: Mapped[time | None] = mapped_column(Time)
    state: Mapped[DeadlineState] = mapped_column(
        enum_column(DeadlineState, "deadline_state"), default=DeadlineState.OFFEN
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    notes: Mapped[str | None] = mapped_column(Text)
    # reminder offsets in days relative to the due date ("-14,-3,0,1,7"); NULL: defaults of the kind
    reminder_offsets: Mapped[str | None] = mapped_column(String(100))
    visible_to_all: Mapped[bool] = mapped_column(Boolean, default=True)
    # the object this deadline belongs to (registered by another domain); NULL for free deadlines
    owner_type: Mapped[str | None] = mapped_column(String(60))
    owner_id: Mapped[int | None] = mapped_column(Integer)
    owner_slot: Mapped[str | None] = mapped_column(String(60))
    # iCalendar SEQUENCE, raised whenever what a calendar shows changes
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # soft delete: a deleted deadline is out of every list, feed and reminder, and a planner
    # can restore it
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation | None] = relationship()
    responsible_users: Mapped[list[User]] = relationship(
        secondary=deadline_responsibles, order_by=User.name
    )
    done_by: Mapped[User | None] = relationship(foreign_keys=[done_by_id])
    deleted_by: Mapped[User | None] = relationship(foreign_keys=[deleted_by_id])

    __table_args__ = (
        UniqueConstraint("owner_type", "owner_id", "owner_slot", name="uq_deadlines_owner"),
        CheckConstraint(
            "(owner_type IS NULL AND owner_id IS NULL AND owner_slot IS NULL) OR "
            "(owner_type IS NOT NULL AND owner_id IS NOT NULL AND owner_slot IS NOT NULL)",
            name="owner_complete",
        ),
        CheckConstraint("length(trim(title)) > 0", name="title_not_blank"),
        CheckConstraint("sequence >= 0", name="sequence_positive"),
        Index("ix_deadlines_state_due", "state", "due_date"),
        Index("ix_deadlines_due_date", "due_date"),
        Index("ix_deadlines_kind_due", "kind", "due_date"),
        Index(
            "ix_deadlines_deleted",
            "deleted_at",
            sqlite_where=text("deleted_at IS NOT NULL"),
            postgresql_where=text("deleted_at IS NOT NULL"),
        ),
    )

    def __str__(self) -> str:
        return f"{self.title} ({self.due_date:%d.%m.%Y})"

    @property
    def organisation_name(self) -> str | None:
        return self.organisation.name if self.organisation is not None else None

    @property
    def is_open(self) -> bool:
        return self.state == DeadlineState.OFFEN


class ReminderState(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    CANCELLED = "cancelled"
    # given up: the message cannot be built or the server refuses it for good (see last_error)
    FAILED = "failed"


class ReminderChannel(enum.StrEnum):
    IMMEDIATE = "sofort"
    DIGEST = "taeglich"


class Reminder(db.Model):
    """The outbox: one row per (deadline, recipient, step, due date), sent exactly once.

    ``step`` is the offset in days relative to the due date (-14 = 14 days before).
    Rows are claimed with a lease (``claimed_until``), so a killed process loses nothing.
    """

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id", ondelete="CASCADE"))
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    step: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date)
    channel: Mapped[ReminderChannel] = mapped_column(
        enum_column(ReminderChannel, "reminder_channel"), default=ReminderChannel.IMMEDIATE
    )
    state: Mapped[ReminderState] = mapped_column(
        enum_column(ReminderState, "reminder_state"), default=ReminderState.PENDING
    )
    send_at: Mapped[datetime] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    claim_token: Mapped[str | None] = mapped_column(String(40))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    deadline: Mapped[Deadline] = relationship()
    recipient: Mapped[User] = relationship()

    __table_args__ = (
        UniqueConstraint(
            "deadline_id", "recipient_id", "step", "due_date", name="uq_reminders_key"
        ),
        # the sweep only ever looks at unsent rows
        Index(
            "ix_reminders_pending",
            "next_attempt_at",
            sqlite_where=text("state = 'pending'"),
            postgresql_where=text("state = 'pending'"),
        ),
        Index("ix_reminders_deadline_state", "deadline_id", "state"),
        # the outbox page: the latest sent mails, and the rows given up
        Index("ix_reminders_sent_at", "sent_at"),
        Index(
            "ix_reminders_failed",
            "next_attempt_at",
            sqlite_where=text("state = 'failed'"),
            postgresql_where=text("state = 'failed'"),
        ),
        CheckConstraint("attempts >= 0", name="attempts_positive"),
    )


class ReminderPreference(db.Model):
    """How a user wants reminders: one mail each (sofort), one daily digest, or none."""

    __tablename__ = "reminder_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    mode: Mapped[str] = mapped_column(String(10), default="sofort")

    __table_args__ = (CheckConstraint("mode IN ('sofort', 'taeglich', 'aus')", name="mode_known"),)


class CalendarFeed(db.Model):
    """A user's personal iCalendar feed; only the SHA-256 of the secret token is stored."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class SweepRun(db.Model):
    """One run of the reminder sweep, for /health and the admin page."""

    __tablename__ = "sweep_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created: Mapped[int] = mapped_column(Integer, default=0)
    sent: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)


# The title search ("Suche im Titel") has a trigram index on PostgreSQL, whose statistics also
# tell the planner how common a word is (without it every deadline was scanned: 230 ms at Land
# scale, 4 ms with it). Created by the migration and, for create_all, here; kept out of the
# metadata (Alembic cannot compare expression indexes), see extensions.OUTSIDE_METADATA.
TITLE_TRIGRAM_INDEX = trigram_index(Deadline.__table__, "title")
