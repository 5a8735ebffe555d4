"""Funding: programmes with modules and calls, applications with their lifecycle and the duties
that follow a grant, budget lines with a block (Sperrvermerk) and the money they give measures.
All amounts are exact decimals (``Money``: integer cents in the database)."""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.accounts.models import Organisation, User, enum_column
from planner.core.models import Audited, TimestampMixin, trigram_index
from planner.core.money import Money
from planner.extensions import db

YEAR_MIN, YEAR_MAX = 1990, 2100


def _year_check(column: str, name: str) -> CheckConstraint:
    return CheckConstraint(
        f"{column} IS NULL OR ({column} >= {YEAR_MIN} AND {column} <= {YEAR_MAX})", name=name
    )


class FundingProgramme(Audited, TimestampMixin, db.Model):
    __tablename__ = "funding_programmes"
    __audit_type__ = _l("Förderprogramm")
    __audit_fields__ = {
        "name": _l("Name"),
        "funder_id": _l("Fördergeber"),
        "legal_basis": _l("Rechtsgrundlage"),
        "first_year": _l("Laufzeit von"),
        "last_year": _l("Laufzeit bis"),
        "max_amount": _l("Höchstbetrag"),
        "own_share_percent": _l("Eigenanteil (%)"),
        "eligible_costs": _l("Förderfähige Ausgaben"),
        "notes": _l("Hinweise"),
        "responsible_id": _l("Zuständig"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    funder_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    legal_basis: Mapped[str | None] = mapped_column(String(500))
    first_year: Mapped[int | None] = mapped_column(Integer)
    last_year: Mapped[int | None] = mapped_column(Integer)
    # the rule of the whole programme; a module may set its own
    max_amount: Mapped[Decimal | None] = mapped_column(Money())
    own_share_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    eligible_costs: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    # who is reminded of the calls' closing dates
    responsible_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    funder: Mapped[Organisation | None] = relationship()
    responsible: Mapped[User | None] = relationship()

    __table_args__ = (
        CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
        _year_check("first_year", "first_year_range"),
        _year_check("last_year", "last_year_range"),
        CheckConstraint(
            "first_year IS NULL OR last_year IS NULL OR last_year >= first_year",
            name="period_order",
        ),
        CheckConstraint("max_amount IS NULL OR max_amount > 0", name="max_amount_positive"),
        CheckConstraint(
            "own_share_percent IS NULL OR (own_share_percent >= 0 AND own_share_percent <= 100)",
            name="own_share_percent_range",
        ),
    )

    def __str__(self) -> str:
        return self.name

    @property
    def period(self) -> str:
        if self.first_year and self.last_year:
            return f"{self.first_year}–{self.last_year}"
        if self.first_year:
            return f"ab {self.first_year}"
        if self.last_year:
            return f"bis {self.last_year}"
        return ""


trigram_index(FundingProgramme.__table__, "name")


class FundingModule(Audited, TimestampMixin, db.Model):
    """A part of a programme with its own rule (e.g. "Sozialplanung": at most 75,000 EUR)."""

    __tablename__ = "funding_modules"
    __audit_type__ = _l("Fördermodul")
    __audit_fields__ = {
        "programme_id": _l("Förderprogramm"),
        "name": _l("Name"),
        "max_amount": _l("Höchstbetrag"),
        "own_share_percent": _l("Eigenanteil (%)"),
        "eligible_costs": _l("Förderfähige Ausgaben"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("funding_programmes.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(200))
    max_amount: Mapped[Decimal | None] = mapped_column(Money())
    own_share_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    eligible_costs: Mapped[str | None] = mapped_column(Text)

    programme: Mapped[FundingProgramme] = relationship()

    __table_args__ = (
        UniqueConstraint("programme_id", "name", name="uq_funding_modules_programme_name"),
        CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
        CheckConstraint("max_amount IS NULL OR max_amount > 0", name="max_amount_positive"),
        CheckConstraint(
            "own_share_percent IS NULL OR (own_share_percent >= 0 AND own_share_percent <= 100)",
            name="own_share_percent_range",
        ),
    )

    def __str__(self) -> str:
        return self.name


class FundingCall(Audited, TimestampMixin, db.Model):
    """A call for applications (Förderaufruf); its closing date is a deadline."""

    __tablename__ = "funding_calls"
    __audit_type__ = _l("Förderaufruf")
    __audit_fields__ = {
        "programme_id": _l("Förderprogramm"),
        "module_id": _l("Modul"),
        "title": _l("Titel"),
        "year": _l("Förderjahr"),
        "opens_on": _l("Antragstellung ab"),
        "closes_on": _l("Einreichungsschluss"),
        "notes": _l("Hinweise"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("funding_programmes.id", ondelete="CASCADE")
    )
    module_id: Mapped[int | None] = mapped_column(
        ForeignKey("funding_modules.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    opens_on: Mapped[date | None] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(String(1000))

    programme: Mapped[FundingProgramme] = relationship()
    module: Mapped[FundingModule | None] = relationship()

    __table_args__ = (
        CheckConstraint("length(trim(title)) > 0", name="title_not_blank"),
        _year_check("year", "year_range"),
        CheckConstraint("opens_on IS NULL OR closes_on >= opens_on", name="period_order"),
        Index("ix_funding_calls_programme_closes", "programme_id", "closes_on"),
    )

    def __str__(self) -> str:
        return self.title


class ApplicationStatus(enum.StrEnum):
    VORBEREITUNG = "in_vorbereitung"
    EINGEREICHT = "eingereicht"
    BEWILLIGT = "bewilligt"
    TEILWEISE = "teilweise_bewilligt"
    ABGELEHNT = "abgelehnt"
    ZURUECKGEZOGEN = "zurueckgezogen"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def granted(self) -> bool:
        return self in (ApplicationStatus.BEWILLIGT, ApplicationStatus.TEILWEISE)


STATUS_LABELS = {
    ApplicationStatus.VORBEREITUNG: _l("in Vorbereitung"),
    ApplicationStatus.EINGEREICHT: _l("eingereicht"),
    ApplicationStatus.BEWILLIGT: _l("bewilligt"),
    ApplicationStatus.TEILWEISE: _l("teilweise bewilligt"),
    ApplicationStatus.ABGELEHNT: _l("abgelehnt"),
    ApplicationStatus.ZURUECKGEZOGEN: _l("zurückgezogen"),
}

S = ApplicationStatus
# one step at a time: prepared, filed, decided; a decision is corrected by a new notice
# (Änderungsbescheid: full <-> partial) or contested (Widerspruch: rejected -> filed again)
TRANSITIONS: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    S.VORBEREITUNG: frozenset({S.EINGEREICHT, S.ZURUECKGEZOGEN}),
    S.EINGEREICHT: frozenset(
        {S.BEWILLIGT, S.TEILWEISE, S.ABGELEHNT, S.ZURUECKGEZOGEN, S.VORBEREITUNG}
    ),
    # a changed notice, a waiver (Verzicht), or a decision entered by mistake (back to filed)
    S.BEWILLIGT: frozenset({S.TEILWEISE, S.ZURUECKGEZOGEN, S.EINGEREICHT}),
    S.TEILWEISE: frozenset({S.BEWILLIGT, S.ZURUECKGEZOGEN, S.EINGEREICHT}),
    S.ABGELEHNT: frozenset({S.EINGEREICHT}),
    S.ZURUECKGEZOGEN: frozenset({S.VORBEREITUNG}),
}
# the order in which the next steps are offered: forward first
FORWARD = [S.EINGEREICHT, S.BEWILLIGT, S.TEILWEISE, S.ABGELEHNT, S.ZURUECKGEZOGEN, S.VORBEREITUNG]

application_measures = Table(
    "funding_application_measures",
    db.metadata,
    Column("application_id", ForeignKey("funding_applications.id", ondelete="CASCADE"),
           primary_key=True),
    Column("measure_id", ForeignKey("measures.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)  # fmt: skip
application_steps = Table(
    "funding_application_steps",
    db.metadata,
    Column("application_id", ForeignKey("funding_applications.id", ondelete="CASCADE"),
           primary_key=True),
    Column("step_id", ForeignKey("steps.id", ondelete="CASCADE"), primary_key=True, index=True),
)  # fmt: skip


class FundingApplication(Audited, TimestampMixin, db.Model):
    __tablename__ = "funding_applications"
    __audit_type__ = _l("Förderantrag")
    __audit_fields__ = {
        "programme_id": _l("Förderprogramm"),
        "module_id": _l("Modul"),
        "call_id": _l("Aufruf"),
        "applicant_id": _l("Antragsteller"),
        "title": _l("Titel"),
        "year": _l("Förderjahr"),
        "total_costs": _l("Gesamtausgaben"),
        "requested": _l("Beantragt"),
        "granted": _l("Bewilligt"),
        "status": _l("Status"),
        "submitted_on": _l("Eingereicht am"),
        "decided_on": _l("Bescheid vom"),
        "withdrawn_on": _l("Zurückgezogen am"),
        "authority_id": _l("Bewilligungsbehörde"),
        "reference": _l("Aktenzeichen"),
        "period_start": _l("Bewilligungszeitraum von"),
        "period_end": _l("Bewilligungszeitraum bis"),
        "responsible_id": _l("Zuständig"),
        "notes": _l("Anmerkungen"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("funding_programmes.id", ondelete="RESTRICT")
    )
    module_id: Mapped[int | None] = mapped_column(
        ForeignKey("funding_modules.id", ondelete="RESTRICT"), index=True
    )
    call_id: Mapped[int | None] = mapped_column(
        ForeignKey("funding_calls.id", ondelete="RESTRICT"), index=True
    )
    applicant_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    year: Mapped[int] = mapped_column(Integer)
    total_costs: Mapped[Decimal] = mapped_column(Money())
    requested: Mapped[Decimal] = mapped_column(Money())
    granted: Mapped[Decimal | None] = mapped_column(Money())
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_column(ApplicationStatus, "funding_application_status")
    )
    submitted_on: Mapped[date | None] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    authority_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    reference: Mapped[str | None] = mapped_column(String(100))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    responsible_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    notes: Mapped[str | None] = mapped_column(Text)

    programme: Mapped[FundingProgramme] = relationship()
    module: Mapped[FundingModule | None] = relationship()
    call: Mapped[FundingCall | None] = relationship()
    applicant: Mapped[Organisation] = relationship(foreign_keys=[applicant_id])
    authority: Mapped[Organisation | None] = relationship(foreign_keys=[authority_id])
    responsible: Mapped[User | None] = relationship()

    __table_args__ = (
        CheckConstraint("length(trim(title)) > 0", name="title_not_blank"),
        _year_check("year", "year_range"),
        CheckConstraint("total_costs > 0", name="total_costs_positive"),
        CheckConstraint("requested > 0 AND requested <= total_costs", name="requested_range"),
        CheckConstraint(
            "granted IS NULL OR (granted > 0 AND granted <= requested)", name="granted_range"
        ),  # fmt: skip
        CheckConstraint(
            "period_start IS NULL OR period_end IS NULL OR period_end >= period_start",
            name="period_order",
        ),
        Index("ix_funding_applications_updated_id", "updated_at", "id"),
        Index("ix_funding_applications_status_updated", "status", "updated_at"),
        Index("ix_funding_applications_programme_year", "programme_id", "year"),
        Index("ix_funding_applications_year_programme", "year", "programme_id"),
    )

    def __str__(self) -> str:
        return self.title

    @property
    def own_share(self) -> Decimal:
        """What the applicant pays itself: the costs the grant (or, before it, the request)
        leaves open."""
        paid = self.granted if self.status.granted and self.granted is not None else self.requested
        return self.total_costs - paid


trigram_index(FundingApplication.__table__, "title")


class ObligationKind(enum.StrEnum):
    BEGINN = "beginn"
    MITTELABRUF = "mittelabruf"
    ZWISCHENNACHWEIS = "zwischennachweis"
    VERWENDUNGSNACHWEIS = "verwendungsnachweis"
    SONSTIGES = "sonstiges"

    @property
    def label(self) -> str:
        return OBLIGATION_LABELS[self]


OBLIGATION_LABELS = {
    ObligationKind.BEGINN: _l("Maßnahmebeginn"),
    ObligationKind.MITTELABRUF: _l("Mittelabruf"),
    ObligationKind.ZWISCHENNACHWEIS: _l("Zwischennachweis"),
    ObligationKind.VERWENDUNGSNACHWEIS: _l("Verwendungsnachweis"),
    ObligationKind.SONSTIGES: _l("Sonstiges"),
}


class GrantObligation(Audited, TimestampMixin, db.Model):
    """A duty that follows a grant (start, payment request, interim report, proof of use);
    each is a deadline of its own."""

    __tablename__ = "grant_obligations"
    __audit_type__ = _l("Frist aus Bewilligung")
    __audit_fields__ = {
        "application_id": _l("Förderantrag"),
        "kind": _l("Art"),
        "title": _l("Titel"),
        "due_date": _l("Fällig am"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("funding_applications.id", ondelete="CASCADE")
    )
    kind: Mapped[ObligationKind] = mapped_column(enum_column(ObligationKind, "obligation_kind"))
    title: Mapped[str] = mapped_column(String(300))
    due_date: Mapped[date] = mapped_column(Date)

    application: Mapped[FundingApplication] = relationship()

    __table_args__ = (
        CheckConstraint("length(trim(title)) > 0", name="title_not_blank"),
        Index("ix_grant_obligations_application_due", "application_id", "due_date"),
    )

    def __str__(self) -> str:
        return self.title


class BudgetLine(Audited, TimestampMixin, db.Model):
    """A budgeted amount (Haushaltsansatz), possibly blocked until a condition holds; the body
    named lifts the block by a resolution."""

    __tablename__ = "budget_lines"
    __audit_type__ = _l("Haushaltsansatz")
    __audit_fields__ = {
        "year": _l("Haushaltsjahr"),
        "amount": _l("Betrag"),
        "purpose": _l("Zweck"),
        "cost_centre": _l("Kostenstelle / Produkt"),
        "blocked": _l("Sperrvermerk"),
        "block_condition": _l("Bedingung der Sperre"),
        "lift_body_id": _l("Aufhebung durch"),
        "application_id": _l("Förderantrag (Bedingung)"),
        "process_id": _l("Planungsprozess"),
        "lift_proposed_on": _l("Aufhebung vorgeschlagen am"),
        "lift_step_id": _l("Schritt zur Aufhebung"),
        "lifted_on": _l("Sperre aufgehoben am"),
        "lift_resolution_id": _l("Aufhebungsbeschluss"),
        "notes": _l("Anmerkungen"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Money())
    purpose: Mapped[str] = mapped_column(String(300))
    cost_centre: Mapped[str | None] = mapped_column(String(200))
    blocked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    block_condition: Mapped[str | None] = mapped_column(String(1000))
    lift_body_id: Mapped[int | None] = mapped_column(
        ForeignKey("bodies.id", ondelete="RESTRICT"), index=True
    )
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("funding_applications.id", ondelete="SET NULL"), index=True
    )
    process_id: Mapped[int | None] = mapped_column(
        ForeignKey("processes.id", ondelete="SET NULL"), index=True
    )
    lift_proposed_on: Mapped[date | None] = mapped_column(Date)
    lift_step_id: Mapped[int | None] = mapped_column(
        ForeignKey("steps.id", ondelete="SET NULL"), index=True
    )
    lifted_on: Mapped[date | None] = mapped_column(Date)
    lift_resolution_id: Mapped[int | None] = mapped_column(
        ForeignKey("resolutions.id", ondelete="SET NULL"), index=True
    )
    notes: Mapped[str | None] = mapped_column(Text)

    lift_body = relationship("Body")
    application: Mapped[FundingApplication | None] = relationship()
    process = relationship("Process")
    lift_step = relationship("Step")
    lift_resolution = relationship("Resolution")

    __table_args__ = (
        CheckConstraint("length(trim(purpose)) > 0", name="purpose_not_blank"),
        _year_check("year", "year_range"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("lifted_on IS NULL OR blocked", name="lift_needs_block"),
        Index("ix_budget_lines_year_id", "year", "id"),
        Index("ix_budget_lines_blocked_year", "blocked", "year"),
    )

    def __str__(self) -> str:
        return f"{self.purpose} ({self.year})"

    @property
    def state(self) -> str:
        """frei, gesperrt, vorgeschlagen (lift proposed), aufgehoben."""
        if not self.blocked:
            return "frei"
        if self.lifted_on is not None:
            return "aufgehoben"
        return "vorgeschlagen" if self.lift_proposed_on is not None else "gesperrt"

    @property
    def available(self) -> bool:
        return not self.blocked or self.lifted_on is not None


BUDGET_STATE_LABELS = {
    "frei": _l("ohne Sperre"),
    "gesperrt": _l("gesperrt"),
    "vorgeschlagen": _l("gesperrt – Aufhebung vorgeschlagen"),
    "aufgehoben": _l("Sperre aufgehoben"),
}


class BudgetAllocation(Audited, db.Model):
    """Money of a budget line for a measure: planned and spent."""

    __tablename__ = "budget_allocations"
    __audit_type__ = _l("Mittel für eine Maßnahme")
    __audit_fields__ = {
        "budget_line_id": _l("Haushaltsansatz"),
        "measure_id": _l("Maßnahme"),
        "planned": _l("Geplant"),
        "spent": _l("Ausgegeben"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_line_id: Mapped[int] = mapped_column(ForeignKey("budget_lines.id", ondelete="CASCADE"))
    # money spent for a measure must not vanish with it: the measure is kept (measures'
    # MEASURE_REFERENCES says so before the database would refuse)
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measures.id", ondelete="RESTRICT"), index=True
    )
    planned: Mapped[Decimal] = mapped_column(Money())
    spent: Mapped[Decimal] = mapped_column(Money())

    measure = relationship("Measure")
    line: Mapped[BudgetLine] = relationship()

    __table_args__ = (
        UniqueConstraint("budget_line_id", "measure_id", name="uq_budget_allocations_line_measure"),
        CheckConstraint("planned >= 0", name="planned_not_negative"),
        CheckConstraint("spent >= 0", name="spent_not_negative"),
    )

    def __str__(self) -> str:
        return f"{self.planned}"
