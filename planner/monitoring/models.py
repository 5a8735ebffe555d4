"""Small-area monitoring: areas, indicators, observations (with their history), delivery
schedules and deliveries, import jobs, index runs and the log of data extracts.

Observations are many (millions at Land scale): they are written in bulk by the import
engine through Core statements, not one ORM object at a time, and they are not in the audit
log; their history table keeps every replaced value instead."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.accounts.models import Organisation, User, enum_column
from planner.core.models import Audited, TimestampMixin, UTCDateTime, trigram_index, utcnow
from planner.extensions import db

BigId = BigInteger().with_variant(Integer, "sqlite")


class Polarity(enum.StrEnum):
    HIGHER_IS_WORSE = "higher_is_worse"
    HIGHER_IS_BETTER = "higher_is_better"

    @property
    def label(self) -> str:
        return POLARITY_LABELS[self]


POLARITY_LABELS = {
    Polarity.HIGHER_IS_WORSE: _l("höherer Wert ist ungünstiger"),
    Polarity.HIGHER_IS_BETTER: _l("höherer Wert ist günstiger"),
}


class Periodicity(enum.StrEnum):
    YEARLY = "jaehrlich"
    HALF_YEARLY = "halbjaehrlich"
    QUARTERLY = "quartalsweise"
    MONTHLY = "monatlich"

    @property
    def label(self) -> str:
        return PERIODICITY_LABELS[self]


PERIODICITY_LABELS = {
    Periodicity.YEARLY: _l("jährlich"),
    Periodicity.HALF_YEARLY: _l("halbjährlich"),
    Periodicity.QUARTERLY: _l("vierteljährlich"),
    Periodicity.MONTHLY: _l("monatlich"),
}


class ObservationState(enum.StrEnum):
    PROVISIONAL = "vorlaeufig"
    FINAL = "endgueltig"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    ObservationState.PROVISIONAL: _l("vorläufig"),
    ObservationState.FINAL: _l("endgültig"),
}


class Area(Audited, TimestampMixin, db.Model):
    __tablename__ = "areas"
    __audit_type__ = _l("Raum")
    __audit_exclude__ = Audited.__audit_exclude__ | {
        "geometry", "shape", "min_x", "min_y", "max_x", "max_y", "depth",
    }  # fmt: skip
    __audit_fields__ = {
        "code": _l("Schlüssel"),
        "name": _l("Name"),
        "level": _l("Ebene"),
        "parent_id": _l("Übergeordneter Raum"),
        "population": _l("Einwohnerzahl"),
        "valid_from": _l("Gültig ab"),
        "valid_to": _l("Gültig bis"),
        "notes": _l("Hinweise"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(60))
    depth: Mapped[int] = mapped_column(Integer, default=0)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"))
    population: Mapped[int | None] = mapped_column(Integer)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    # the geometry as delivered (GeoJSON), and a simplified copy for display: an SVG path in a
    # fixed projection (x = lon * cos 51°, y = -lat, scaled by 1000) with its bounding box
    geometry: Mapped[str | None] = mapped_column(Text, deferred=True)
    shape: Mapped[str | None] = mapped_column(Text, deferred=True)
    min_x: Mapped[float | None] = mapped_column(Float)
    min_y: Mapped[float | None] = mapped_column(Float)
    max_x: Mapped[float | None] = mapped_column(Float)
    max_y: Mapped[float | None] = mapped_column(Float)

    parent: Mapped[Area | None] = relationship(remote_side="Area.id")

    __table_args__ = (
        CheckConstraint("length(trim(code)) > 0", name="code_not_blank"),
        CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
        CheckConstraint("population IS NULL OR population >= 0", name="population_positive"),
        CheckConstraint(
            "valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from",
            name="valid_range",
        ),
        Index("ix_areas_parent_name", "parent_id", "name"),
        Index("ix_areas_level_name", "level", "name"),
    )

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


trigram_index(Area.__table__, "name")


class Indicator(Audited, TimestampMixin, db.Model):
    __tablename__ = "indicators"
    __audit_type__ = _l("Indikator")
    __audit_fields__ = {
        "code": _l("Kürzel"),
        "name": _l("Name"),
        "topic": _l("Thema"),
        "unit": _l("Einheit"),
        "numerator": _l("Zähler"),
        "denominator": _l("Nenner"),
        "factor": _l("Faktor"),
        "polarity": _l("Polarität"),
        "computed": _l("Aus Zähler und Nenner berechnet"),
        "source": _l("Quelle"),
        "supplier_id": _l("Liefernde Organisation"),
        "periodicity": _l("Periodizität"),
        "decimals": _l("Nachkommastellen"),
        "notes": _l("Hinweise"),
    }
    __audit_exclude__ = Audited.__audit_exclude__ | {"periods"}

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str | None] = mapped_column(String(100), index=True)
    unit: Mapped[str] = mapped_column(String(40), default="%")
    numerator: Mapped[str | None] = mapped_column(Text)
    denominator: Mapped[str | None] = mapped_column(Text)
    factor: Mapped[int] = mapped_column(Integer, default=100)
    polarity: Mapped[Polarity] = mapped_column(enum_column(Polarity, "polarity"))
    computed: Mapped[bool] = mapped_column(Boolean, default=True)
    source: Mapped[str | None] = mapped_column(String(300))
    supplier_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    periodicity: Mapped[Periodicity] = mapped_column(
        enum_column(Periodicity, "periodicity"), default=Periodicity.YEARLY
    )
    decimals: Mapped[int] = mapped_column(Integer, default=1)
    notes: Mapped[str | None] = mapped_column(Text)
    # the periods that have values, newest last (kept by the import; saves a DISTINCT over
    # millions of observations on every page that offers a period)
    periods: Mapped[list | None] = mapped_column(JSON)

    supplier: Mapped[Organisation | None] = relationship()

    __table_args__ = (
        CheckConstraint("length(trim(code)) > 0", name="code_not_blank"),
        CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
        CheckConstraint("factor >= 1 AND factor <= 1000000", name="factor_range"),
        CheckConstraint("decimals >= 0 AND decimals <= 6", name="decimals_range"),
        Index("ix_indicators_topic_code", "topic", "code"),
    )

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class Observation(db.Model):
    __tablename__ = "observations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="RESTRICT"))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"))
    period: Mapped[str] = mapped_column(String(7))
    value: Mapped[float | None] = mapped_column(Float)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    # the supplier withheld the value for secrecy ("x" or "*" in the file)
    withheld: Mapped[bool] = mapped_column(Boolean, default=False)
    # summed from the counts of the areas below, not delivered
    derived: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[ObservationState] = mapped_column(
        enum_column(ObservationState, "observation_state"), default=ObservationState.FINAL
    )
    delivery_id: Mapped[int | None] = mapped_column(
        ForeignKey("deliveries.id", ondelete="SET NULL")
    )
    # the import that wrote it (jobs are a log and never deleted: no index to keep up)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("import_jobs.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    indicator: Mapped[Indicator] = relationship()
    area: Mapped[Area] = relationship()

    __table_args__ = (
        UniqueConstraint("indicator_id", "period", "area_id", name="uq_observation"),
        Index("ix_observations_area_indicator_period", "area_id", "indicator_id", "period"),
        # only values that came with a delivery (most bulk imports carry none)
        Index(
            "ix_observations_delivery",
            "delivery_id",
            sqlite_where=text("delivery_id IS NOT NULL"),
            postgresql_where=text("delivery_id IS NOT NULL"),
        ),
    )


class ObservationHistory(db.Model):
    """A value replaced by a correction: what it was, from which delivery, when and by whom."""

    __tablename__ = "observation_history"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    observation_id: Mapped[int] = mapped_column(
        ForeignKey("observations.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[float | None] = mapped_column(Float)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    withheld: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(20))
    delivery_id: Mapped[int | None] = mapped_column(
        ForeignKey("deliveries.id", ondelete="SET NULL")
    )
    valid_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


schedule_indicators = Table(
    "delivery_schedule_indicators",
    db.metadata,
    Column(
        "schedule_id", ForeignKey("delivery_schedules.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("indicator_id", ForeignKey("indicators.id", ondelete="RESTRICT"), primary_key=True),
    Index("ix_schedule_indicators_indicator", "indicator_id"),
)


class DeliverySchedule(Audited, TimestampMixin, db.Model):
    """Which organisation owes which indicators for which areas: the areas of one level,
    optionally only those below one area; due at the end of the month ``due_months`` after each reference date (31.12. + 3 -> 31.03.)."""

    __tablename__ = "delivery_schedules"
    __audit_type__ = _l("Lieferplan")
    __audit_fields__ = {
        "name": _l("Bezeichnung"),
        "organisation_id": _l("Liefernde Organisation"),
        "level": _l("Ebene"),
        "within_id": _l("Nur unterhalb von"),
        "periodicity": _l("Periodizität"),
        "first_period": _l("Erster Zeitraum"),
        "last_period": _l("Letzter Zeitraum"),
        "due_months": _l("Fällig Monate nach Stichtag"),
        "active": _l("Aktiv"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    level: Mapped[str] = mapped_column(String(60))
    within_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"))
    periodicity: Mapped[Periodicity] = mapped_column(
        enum_column(Periodicity, "schedule_periodicity"), default=Periodicity.YEARLY
    )
    first_period: Mapped[str] = mapped_column(String(7))
    last_period: Mapped[str | None] = mapped_column(String(7))
    due_months: Mapped[int] = mapped_column(Integer, default=3)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    organisation: Mapped[Organisation] = relationship()
    within: Mapped[Area | None] = relationship()
    indicators: Mapped[list[Indicator]] = relationship(
        secondary=schedule_indicators, order_by="Indicator.code"
    )

    __table_args__ = (
        CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
        CheckConstraint("due_months >= 0 AND due_months <= 24", name="due_months_range"),
    )

    def __str__(self) -> str:
        return self.name


class DeliveryState(enum.StrEnum):
    EXPECTED = "erwartet"
    RECEIVED = "eingegangen"
    CHECKED = "geprueft"

    @property
    def label(self) -> str:
        return DELIVERY_STATE_LABELS[self]


DELIVERY_STATE_LABELS = {
    DeliveryState.EXPECTED: _l("erwartet"),
    DeliveryState.RECEIVED: _l("eingegangen"),
    DeliveryState.CHECKED: _l("geprüft"),
}


class Delivery(Audited, TimestampMixin, db.Model):
    """One expected delivery: a schedule's period, due on a date; a deadline of its supplier."""

    __tablename__ = "deliveries"
    __audit_type__ = _l("Datenlieferung")
    __audit_fields__ = {
        "schedule_id": _l("Lieferplan"),
        "period": _l("Zeitraum"),
        "due_date": _l("Fällig am"),
        "state": _l("Status"),
        "received_at": _l("Eingegangen am"),
        "checked_at": _l("Geprüft am"),
        "checked_by_id": _l("Geprüft von"),
        "rows": _l("Werte"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(
        ForeignKey("delivery_schedules.id", ondelete="CASCADE")
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT")
    )
    period: Mapped[str] = mapped_column(String(7))
    due_date: Mapped[date] = mapped_column(Date)
    state: Mapped[DeliveryState] = mapped_column(
        enum_column(DeliveryState, "delivery_state"), default=DeliveryState.EXPECTED
    )
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rows: Mapped[int | None] = mapped_column(Integer)
    # set when it arrives: was it after the due date?
    received_late: Mapped[bool | None] = mapped_column(Boolean)

    schedule: Mapped[DeliverySchedule] = relationship()
    organisation: Mapped[Organisation] = relationship()
    checked_by: Mapped[User | None] = relationship()

    __table_args__ = (
        UniqueConstraint("schedule_id", "period", name="uq_delivery_period"),
        Index("ix_deliveries_org_due", "organisation_id", "due_date"),
        Index("ix_deliveries_due", "due_date", "id"),
    )

    def __str__(self) -> str:
        return f"{self.schedule.name} {self.period}" if self.schedule else self.period

    def late(self, today: date) -> bool:
        """verspätet: still expected after the due date, or received after it."""
        if self.received_at is not None:
            return bool(self.received_late)
        return today > self.due_date


class JobState(enum.StrEnum):
    QUEUED = "wartend"
    RUNNING = "laeuft"
    DONE = "fertig"
    FAILED = "fehlerhaft"

    @property
    def label(self) -> str:
        return JOB_STATE_LABELS[self]


JOB_STATE_LABELS = {
    JobState.QUEUED: _l("wartet"),
    JobState.RUNNING: _l("läuft"),
    JobState.DONE: _l("übernommen"),
    JobState.FAILED: _l("nicht übernommen"),
}


class ImportJob(db.Model):
    """One import of observations, from the upload page or the CLI: the file, the settings,
    the progress, the problems found and the result. Kept as the import log of a delivery."""

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    delivery_id: Mapped[int | None] = mapped_column(
        ForeignKey("deliveries.id", ondelete="SET NULL"), index=True
    )
    file_id: Mapped[int | None] = mapped_column(ForeignKey("files.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255))
    layout: Mapped[str] = mapped_column(String(10), default="long")
    period: Mapped[str | None] = mapped_column(String(7))
    state: Mapped[JobState] = mapped_column(
        enum_column(JobState, "job_state"), default=JobState.QUEUED
    )
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    total: Mapped[int | None] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer, default=0)
    phase: Mapped[str | None] = mapped_column(String(40))
    written: Mapped[int | None] = mapped_column(Integer)
    corrected: Mapped[int | None] = mapped_column(Integer)
    problem_count: Mapped[int] = mapped_column(Integer, default=0)
    problems: Mapped[list | None] = mapped_column(JSON)
    message: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User | None] = relationship()

    __table_args__ = (Index("ix_import_jobs_user_created", "user_id", "created_at"),)


class IndexRun(db.Model):
    """A composite index computed once, stored with its inputs so that a report can cite it."""

    __tablename__ = "index_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    level: Mapped[str] = mapped_column(String(60))
    period: Mapped[str] = mapped_column(String(7))
    from_period: Mapped[str | None] = mapped_column(String(7))
    min_population: Mapped[int] = mapped_column(Integer, default=300)
    # the inputs: indicator codes with polarity, the class thresholds, the data state
    settings: Mapped[dict] = mapped_column(JSON)

    created_by: Mapped[User | None] = relationship()
    results: Mapped[list[IndexResult]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="IndexResult.position"
    )

    __table_args__ = (CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),)


class IndexResult(db.Model):
    __tablename__ = "index_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("index_runs.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"), index=True)
    # z-values per indicator code (status and, with a from-period, dynamics)
    values: Mapped[dict] = mapped_column(JSON)
    status_sum: Mapped[float | None] = mapped_column(Float)
    status_index: Mapped[float | None] = mapped_column(Float)
    status_class: Mapped[str | None] = mapped_column(String(40))
    dynamics_sum: Mapped[float | None] = mapped_column(Float)
    dynamics_index: Mapped[float | None] = mapped_column(Float)
    dynamics_class: Mapped[str | None] = mapped_column(String(40))
    area_type: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str | None] = mapped_column(String(200))

    run: Mapped[IndexRun] = relationship(back_populates="results")
    area: Mapped[Area] = relationship()

    __table_args__ = (Index("ix_index_results_run_position", "run_id", "position"),)


class DataExtract(db.Model):
    """The log of data extracts: who took which data in which state, for which plan."""

    __tablename__ = "data_extracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    purpose: Mapped[str | None] = mapped_column(String(300))
    indicators: Mapped[list] = mapped_column(JSON)
    areas: Mapped[str] = mapped_column(String(300))
    periods: Mapped[str] = mapped_column(String(40))
    file_format: Mapped[str] = mapped_column(String(10))
    rows: Mapped[int] = mapped_column(Integer)
    data_state: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User | None] = relationship()
