"""The funding overview: per year and programme the amounts in preparation, requested, granted,
the own share, the budget blocked and released (grouped queries summing integer cents, totals in
``Decimal``); the open funding deadlines; the measures without funding."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, or_, select

from planner.deadlines import services as deadlines
from planner.deadlines.models import DeadlineKind
from planner.extensions import db
from planner.funding.models import (
    ApplicationStatus,
    BudgetAllocation,
    BudgetLine,
    FundingApplication,
    FundingProgramme,
    application_measures,
)
from planner.funding.rules import CALL_OWNER, OBLIGATION_OWNER, cents, raw
from planner.measures import services as measures

# --- overview ------------------------------------------------------------------------------

COLUMNS = ("preparing", "requested", "granted", "own_share", "blocked", "released")


@dataclass
class OverviewRow:
    year: int
    programme_id: int | None
    programme: str
    preparing: Decimal = Decimal("0.00")
    requested: Decimal = Decimal("0.00")
    granted: Decimal = Decimal("0.00")
    own_share: Decimal = Decimal("0.00")
    blocked: Decimal = Decimal("0.00")
    released: Decimal = Decimal("0.00")

    def add(self, other: OverviewRow) -> None:
        for column in COLUMNS:
            setattr(self, column, getattr(self, column) + getattr(other, column))


@dataclass
class Overview:
    years: list[tuple[int, list[OverviewRow], OverviewRow]]
    total: OverviewRow


def _sum_if(condition, column):
    return func.coalesce(func.sum(case((condition, column), else_=0)), 0)


def overview(
    year_from: int | None = None, year_to: int | None = None, programme_id: int | None = None
) -> Overview:
    """Per year and programme: in preparation, requested (filed), granted, the own share of
    what was granted, budget blocked and released (without a block, or lifted). Two grouped
    queries whatever the number of applications and lines; sums in integer cents."""
    A, S = FundingApplication, ApplicationStatus
    filed = A.status.in_([S.EINGEREICHT, S.BEWILLIGT, S.TEILWEISE, S.ABGELEHNT])
    granted = A.status.in_([S.BEWILLIGT, S.TEILWEISE])
    apps = (
        select(A.year, A.programme_id,
               _sum_if(A.status == S.VORBEREITUNG, raw(A.requested)),
               _sum_if(filed, raw(A.requested)),
               _sum_if(granted, raw(A.granted)),
               _sum_if(granted, raw(A.total_costs)
                       - raw(A.granted)))
        .group_by(A.year, A.programme_id)
    )  # fmt: skip
    L = BudgetLine
    lines = (
        select(L.year, A.programme_id,
               _sum_if(and_(L.blocked.is_(True), L.lifted_on.is_(None)),
                       raw(L.amount)),
               _sum_if(or_(L.blocked.is_(False), L.lifted_on.is_not(None)),
                       raw(L.amount)))
        .select_from(L).outerjoin(A, A.id == L.application_id)
        .group_by(L.year, A.programme_id)
    )  # fmt: skip

    def chosen(stmt, year):
        if year_from:
            stmt = stmt.where(year >= year_from)
        if year_to:
            stmt = stmt.where(year <= year_to)
        return stmt.where(A.programme_id == programme_id) if programme_id else stmt

    apps, lines = chosen(apps, A.year), chosen(lines, L.year)
    rows: dict[tuple[int, int | None], OverviewRow] = {}

    def row(year, pid) -> OverviewRow:
        return rows.setdefault((year, pid), OverviewRow(year, pid, ""))

    for year, pid, preparing, requested, granted_sum, own in db.session.execute(apps):
        r = row(year, pid)
        r.preparing, r.requested = cents(preparing), cents(requested)
        r.granted, r.own_share = cents(granted_sum), cents(own)
    for year, pid, blocked, released in db.session.execute(lines):
        r = row(year, pid)
        r.blocked, r.released = cents(blocked), cents(released)
    names = dict(db.session.execute(
        select(FundingProgramme.id, FundingProgramme.name)
        .where(FundingProgramme.id.in_({pid for _y, pid in rows if pid}))
    ).all())  # fmt: skip
    by_year: dict[int, list[OverviewRow]] = defaultdict(list)
    for (year, pid), r in rows.items():
        r.programme = names.get(pid, "") if pid else _("ohne Förderprogramm")
        by_year[year].append(r)
    total = OverviewRow(0, None, _("Summe"))
    years = []
    for year in sorted(by_year, reverse=True):
        items = sorted(by_year[year], key=lambda r: (r.programme_id is None, r.programme.lower()))
        subtotal = OverviewRow(year, None, _("Summe %(y)s", y=year))
        for r in items:
            subtotal.add(r)
        total.add(subtotal)
        years.append((year, items, subtotal))
    return Overview(years, total)


def funded_measure_ids():
    """Selects of the measures that have money or an application that is not off the table."""
    live = select(application_measures.c.measure_id).join(
        FundingApplication, FundingApplication.id == application_measures.c.application_id
    ).where(FundingApplication.status.not_in([ApplicationStatus.ABGELEHNT,
                                              ApplicationStatus.ZURUECKGEZOGEN]))  # fmt: skip
    return [live, select(BudgetAllocation.measure_id)]


def unfunded_measures(limit: int = 20):
    return measures.active_measures_without(funded_measure_ids(), limit)


def open_deadlines(today: date, limit: int = 10):
    """The open deadlines of calls and grants: overdue (latest first) and coming (earliest
    first); for whoever may see funding (the calendar shows them to planners and to those
    responsible)."""
    return deadlines.open_of_owners(
        [CALL_OWNER, OBLIGATION_OWNER], DeadlineKind.FOERDERFRIST, today, limit
    )
