"""Measures (Maßnahmen) with their justification by indicators, milestones, progress notes and
comments."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.accounts.models import Organisation, User, enum_column
from planner.core.models import Audited, TimestampMixin, UTCDateTime, trigram_index, utcnow
from planner.extensions import db
from planner.stakeholders.models import Person


class MeasureStatus(enum.StrEnum):
    IDEE = "idee"
    GEPLANT = "geplant"
    BESCHLOSSEN = "beschlossen"
    IN_UMSETZUNG = "in_umsetzung"
    ABGESCHLOSSEN = "abgeschlossen"
    VERWORFEN = "verworfen"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    MeasureStatus.IDEE: _l("Idee"),
    MeasureStatus.GEPLANT: _l("geplant"),
    MeasureStatus.BESCHLOSSEN: _l("beschlossen"),
    MeasureStatus.IN_UMSETZUNG: _l("in Umsetzung"),
    MeasureStatus.ABGESCHLOSSEN: _l("abgeschlossen"),
    MeasureStatus.VERWORFEN: _l("verworfen"),
}

# the workflow: one step forward, one step back, or dropped; a dropped idea can come back
TRANSITIONS: dict[MeasureStatus, frozenset[MeasureStatus]] = {
    MeasureStatus.IDEE: frozenset({MeasureStatus.GEPLANT, MeasureStatus.VERWORFEN}),
    MeasureStatus.GEPLANT: frozenset(
        {MeasureStatus.IDEE, MeasureStatus.BESCHLOSSEN, MeasureStatus.VERWORFEN}
    ),
    MeasureStatus.BESCHLOSSEN: frozenset(
        {MeasureStatus.GEPLANT, MeasureStatus.IN_UMSETZUNG, MeasureStatus.VERWORFEN}
    ),
    MeasureStatus.IN_UMSETZUNG: frozenset(
        {MeasureStatus.BESCHLOSSEN, MeasureStatus.ABGESCHLOSSEN, MeasureStatus.VERWORFEN}
    ),
    MeasureStatus.ABGESCHLOSSEN: frozenset({MeasureStatus.IN_UMSETZUNG}),
    MeasureStatus.VERWORFEN: frozenset({MeasureStatus.IDEE}),
}

measure_organisations = Table(
    "measure_organisations",
    db.metadata,
    Column("measure_id", ForeignKey("measures.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="RESTRICT"),
           primary_key=True, index=True),
)  # fmt: skip
measure_areas = Table(
    "measure_areas",
    db.metadata,
    Column("measure_id", ForeignKey("measures.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("areas.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class Measure(Audited, TimestampMixin, db.Model):
    __tablename__ = "measures"
    __audit_type__ = _l("Maßnahme")
    __audit_fields__ = {
        "title": _l("Titel"),
        "problem": _l("Problem"),
        "goal": _l("Ziel"),
        "description": _l("Beschreibung"),
        "target_groups": _l("Zielgruppen"),
        "status": _l("Status"),
        "start_date": _l("Beginn"),
        "end_date": _l("Ende"),
        "budget": _l("Budget (EUR)"),
        "progress": _l("Fortschritt (%)"),
        "parent_id": _l("Teil von"),
        "meeting_id": _l("Aus Sitzung"),
        "agenda_item_id": _l("Aus Tagesordnungspunkt"),
        "contact_id": _l("Ansprechperson"),
        "organisations": _l("Verantwortliche Organisationen"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    problem: Mapped[str | None] = mapped_column(Text)
    goal: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    target_groups: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[MeasureStatus] = mapped_column(enum_column(MeasureStatus, "measure_status"))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    budget: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    progress: Mapped[int | None] = mapped_column(Integer)  # from the latest progress note
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("measures.id", ondelete="RESTRICT"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="RESTRICT"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # kept by the services: how many justifications (lists flag "ohne Begründung" without a join)
    justification_count: Mapped[int] = mapped_column(Integer, default=0)

    parent: Mapped[Measure | None] = relationship(remote_side="Measure.id")
    contact: Mapped[Person | None] = relationship()
    organisations: Mapped[list[Organisation]] = relationship(
        secondary=measure_organisations, order_by=Organisation.name
    )
    meeting = relationship("Meeting")
    agenda_item = relationship("AgendaItem")
    created_by: Mapped[User | None] = relationship()
    # read-only views for the API (written through the services)
    justifications = relationship("Justification", viewonly=True, order_by="Justification.id")
    target_areas = relationship("Area", secondary=measure_areas, viewonly=True)

    __table_args__ = (
        CheckConstraint("length(trim(title)) > 0", name="title_not_blank"),
        CheckConstraint(
            "start_date IS NULL OR end_date IS NULL OR end_date >= start_date", name="period_order"
        ),  # fmt: skip
        CheckConstraint("budget IS NULL OR budget >= 0", name="budget_not_negative"),
        CheckConstraint(
            "progress IS NULL OR (progress >= 0 AND progress <= 100)", name="progress_percent"
        ),  # fmt: skip
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        CheckConstraint("justification_count >= 0", name="justification_count_not_negative"),
        Index("ix_measures_updated_id", "updated_at", "id"),
        Index("ix_measures_status_updated", "status", "updated_at"),
        Index("ix_measures_justified_updated", "justification_count", "updated_at"),
    )

    def __str__(self) -> str:
        return self.title


trigram_index(Measure.__table__, "title")


class Justification(Audited, TimestampMixin, db.Model):
    """An indicator in an area that justifies a measure: the value seen when it was decided
    (a snapshot, kept whatever later corrections do), a baseline and a target."""

    __tablename__ = "justifications"
    __audit_type__ = _l("Begründung")
    __audit_fields__ = {
        "measure_id": _l("Maßnahme"),
        "indicator_id": _l("Indikator"),
        "area_id": _l("Raum"),
        "period": _l("Zeitraum"),
        "snapshot_value": _l("Wert bei Entscheidung"),
        "baseline": _l("Ausgangswert"),
        "target": _l("Zielwert"),
        "note": _l("Anmerkung"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="CASCADE"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="RESTRICT"))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"))
    period: Mapped[str] = mapped_column(String(10))
    snapshot_value: Mapped[float | None] = mapped_column(Float)
    snapshot_numerator: Mapped[float | None] = mapped_column(Float)
    snapshot_denominator: Mapped[float | None] = mapped_column(Float)
    snapshot_withheld: Mapped[bool] = mapped_column(db.Boolean, default=False)
    snapshot_state: Mapped[str | None] = mapped_column(String(20))
    snapshot_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    baseline: Mapped[float | None] = mapped_column(Float)
    target: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(String(500))

    measure: Mapped[Measure] = relationship()

    __table_args__ = (
        UniqueConstraint(
            "measure_id", "indicator_id", "area_id", name="uq_justifications_measure_indicator_area"
        ),  # fmt: skip
        Index("ix_justifications_indicator_measure", "indicator_id", "measure_id"),
        Index("ix_justifications_area_measure", "area_id", "measure_id"),
    )

    def __str__(self) -> str:
        return f"{self.period}"


class Milestone(Audited, TimestampMixin, db.Model):
    """A dated step of a measure; a deadline of its own (done or not is the deadline's state)."""

    __tablename__ = "milestones"
    __audit_type__ = _l("Meilenstein")
    __audit_fields__ = {
        "measure_id": _l("Maßnahme"),
        "title": _l("Titel"),
        "due_date": _l("Fällig am"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    due_date: Mapped[date] = mapped_column(Date)

    __table_args__ = (
        CheckConstraint("length(trim(title)) > 0", name="title_not_blank"),
        Index("ix_milestones_measure_due", "measure_id", "due_date"),
    )

    def __str__(self) -> str:
        return self.title


class ProgressNote(Audited, db.Model):
    __tablename__ = "progress_notes"
    __audit_type__ = _l("Fortschrittsvermerk")
    __audit_fields__ = {"measure_id": _l("Maßnahme"), "day": _l("Datum"), "text": _l("Text"),
                        "percent": _l("Fortschritt (%)")}  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    percent: Mapped[int | None] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                  index=True)  # fmt: skip
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped[User | None] = relationship()

    __table_args__ = (
        CheckConstraint(
            "percent IS NULL OR (percent >= 0 AND percent <= 100)", name="percent_range"
        ),
        Index("ix_progress_notes_measure_day", "measure_id", "day", "id"),
    )

    def __str__(self) -> str:
        return f"{self.day:%d.%m.%Y}"


class Comment(Audited, db.Model):
    __tablename__ = "measure_comments"
    __audit_type__ = _l("Kommentar zu einer Maßnahme")
    __audit_fields__ = {"measure_id": _l("Maßnahme"), "text": _l("Text")}

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                  index=True)  # fmt: skip
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped[User | None] = relationship()

    __table_args__ = (Index("ix_measure_comments_measure_id", "measure_id", "id"),)

    def __str__(self) -> str:
        return self.text[:60]
