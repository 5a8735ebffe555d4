"""Processes, phases, steps and the dependencies between steps."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.accounts.models import Organisation, enum_column
from planner.core.models import Audited, TimestampMixin, UTCDateTime
from planner.extensions import db
from planner.governance.models import Resolution
from planner.stakeholders.models import Person


class Process(Audited, TimestampMixin, db.Model):
    __tablename__ = "processes"
    __audit_type__ = _l("Planungsprozess")
    __audit_exclude__ = Audited.__audit_exclude__ | {"template_key"}
    __audit_fields__ = {
        "title": _l("Titel"),
        "description": _l("Beschreibung"),
        "cycle": _l("Zyklus"),
        "start_date": _l("Beginn"),
        "template_key": _l("Vorlage"),
        "previous_id": _l("Vorheriger Zyklus"),
        "organisation_id": _l("Federführung"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    cycle: Mapped[int] = mapped_column(Integer, default=1)
    start_date: Mapped[date] = mapped_column(Date)
    template_key: Mapped[str | None] = mapped_column(String(60))
    previous_id: Mapped[int | None] = mapped_column(
        ForeignKey("processes.id", ondelete="SET NULL"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )

    organisation: Mapped[Organisation | None] = relationship()
    previous: Mapped[Process | None] = relationship(remote_side="Process.id")

    __table_args__ = (
        CheckConstraint("length(trim(title)) > 0", name="title_not_blank"),
        CheckConstraint("cycle >= 1", name="cycle_positive"),
        Index("ix_processes_start_id", "start_date", "id"),
    )

    def __str__(self) -> str:
        return self.title


class Phase(Audited, TimestampMixin, db.Model):
    __tablename__ = "phases"
    __audit_type__ = _l("Phase")
    __audit_fields__ = {
        "process_id": _l("Prozess"),
        "position": _l("Position"),
        "title": _l("Titel"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))

    __table_args__ = (
        CheckConstraint("length(trim(title)) > 0", name="title_not_blank"),
        Index("ix_phases_process_position", "process_id", "position"),
    )

    def __str__(self) -> str:
        return self.title


class StepStatus(enum.StrEnum):
    OFFEN = "offen"
    IN_ARBEIT = "in_arbeit"
    ERLEDIGT = "erledigt"
    BLOCKIERT = "blockiert"
    ENTFALLEN = "entfallen"

    @property
    def label(self) -> str:
        return STEP_STATUS_LABELS[self]

    @property
    def closed(self) -> bool:
        return self in (StepStatus.ERLEDIGT, StepStatus.ENTFALLEN)


STEP_STATUS_LABELS = {
    StepStatus.OFFEN: _l("offen"),
    StepStatus.IN_ARBEIT: _l("in Arbeit"),
    StepStatus.ERLEDIGT: _l("erledigt"),
    StepStatus.BLOCKIERT: _l("blockiert"),
    StepStatus.ENTFALLEN: _l("entfallen"),
}

step_dependencies = Table(
    "step_dependencies",
    db.metadata,
    Column("step_id", ForeignKey("steps.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "depends_on_id", ForeignKey("steps.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
    CheckConstraint("step_id <> depends_on_id", name="not_self"),
)


class Step(Audited, TimestampMixin, db.Model):
    __tablename__ = "steps"
    __audit_type__ = _l("Prozessschritt")
    # the template's key is bookkeeping, no change anyone made
    __audit_exclude__ = Audited.__audit_exclude__ | {"template_step"}
    __audit_fields__ = {
        "process_id": _l("Prozess"),
        "phase_id": _l("Phase"),
        "position": _l("Position"),
        "title": _l("Titel"),
        "description": _l("Beschreibung"),
        "status": _l("Status"),
        "responsible_organisation_id": _l("Verantwortliche Organisation"),
        "responsible_person_id": _l("Verantwortliche Person"),
        "start_date": _l("Beginn"),
        "due_date": _l("Fällig am"),
        "resolution_id": _l("Beauftragt durch Beschluss"),
        "done_at": _l("Erledigt am"),
        "predecessors": _l("Hängt ab von"),
        "template_step": _l("Vorlagen-Schritt"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"))
    phase_id: Mapped[int] = mapped_column(ForeignKey("phases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[StepStatus] = mapped_column(
        enum_column(StepStatus, "step_status"), default=StepStatus.OFFEN
    )
    responsible_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT")
    )
    responsible_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="RESTRICT")
    )
    start_date: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    resolution_id: Mapped[int | None] = mapped_column(
        ForeignKey("resolutions.id", ondelete="SET NULL"), index=True
    )
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the key of the template step it was made from (kept across cycles)
    template_step: Mapped[str | None] = mapped_column(String(60))

    process: Mapped[Process] = relationship()
    phase: Mapped[Phase] = relationship()
    responsible_organisation: Mapped[Organisation | None] = relationship()
    responsible_person: Mapped[Person | None] = relationship()
    resolution: Mapped[Resolution | None] = relationship()
    predecessors: Mapped[list[Step]] = relationship(
        secondary=step_dependencies,
        primaryjoin="Step.id == step_dependencies.c.step_id",
        secondaryjoin="Step.id == step_dependencies.c.depends_on_id",
        order_by="Step.position",
    )

    __table_args__ = (
        CheckConstraint("length(trim(title)) > 0", name="title_not_blank"),
        CheckConstraint(
            "start_date IS NULL OR due_date IS NULL OR due_date >= start_date", name="dates_order"
        ),
        Index("ix_steps_process_phase_position", "process_id", "phase_id", "position"),
        Index("ix_steps_person_status_due", "responsible_person_id", "status", "due_date"),
        Index("ix_steps_org_status_due", "responsible_organisation_id", "status", "due_date"),
    )

    def __str__(self) -> str:
        return self.title

    def late(self, today: date) -> bool:
        return bool(self.due_date and self.due_date < today and not self.status.closed)
