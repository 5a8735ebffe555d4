"""Funding lists as spreadsheets: the filtered applications and budget lines as CSV (German:
``;``, decimal comma) or XLSX (amounts as numbers)."""

from __future__ import annotations

from decimal import Decimal

from planner.extensions import db
from planner.funding import budget, services
from planner.funding.models import BUDGET_STATE_LABELS
from planner.monitoring.tabular import csv_bytes, csv_safe, xlsx_bytes

EXPORT_LIMIT = 50_000
APPLICATION_HEADER = ["nr", "titel", "programm", "modul", "antragsteller", "foerderjahr", "status",
                      "gesamtausgaben_eur", "beantragt_eur", "bewilligt_eur", "eigenanteil_eur",
                      "eingereicht_am", "bescheid_vom", "aktenzeichen"]  # fmt: skip
BUDGET_HEADER = ["nr", "jahr", "zweck", "kostenstelle", "betrag_eur", "geplant_eur",
                 "ausgegeben_eur", "sperre", "bedingung", "foerderantrag_nr", "aufgehoben_am"]  # fmt: skip


def _amount(value: Decimal | None, kind: str):
    if value is None:
        return ""
    return value if kind == "xlsx" else f"{value:.2f}".replace(".", ",")


def _day(value) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _application_rows(filters: services.ApplicationFilter, kind: str):
    stmt = services.filtered_applications(filters).limit(EXPORT_LIMIT)
    for a in db.session.scalars(stmt.execution_options(yield_per=1000)):
        yield [
            a.id, csv_safe(a.title), csv_safe(a.programme.name), csv_safe(a.module.name) if a.module else "",
            csv_safe(a.applicant.name), a.year, str(a.status.label), _amount(a.total_costs, kind),
            _amount(a.requested, kind), _amount(a.granted, kind), _amount(a.own_share, kind),
            _day(a.submitted_on), _day(a.decided_on), csv_safe(a.reference or ""),
        ]  # fmt: skip


def _budget_rows(filters: budget.BudgetFilter, kind: str):
    stmt = budget.filtered_budget_lines(filters).limit(EXPORT_LIMIT)
    lines = list(db.session.scalars(stmt))
    totals = budget.totals_of([line.id for line in lines])
    for line in lines:
        planned, spent = totals.get(line.id, (Decimal("0.00"), Decimal("0.00")))
        yield [
            line.id, line.year, csv_safe(line.purpose), csv_safe(line.cost_centre or ""),
            _amount(line.amount, kind), _amount(planned, kind), _amount(spent, kind),
            str(BUDGET_STATE_LABELS[line.state]), csv_safe(line.block_condition or ""),
            line.application_id or "", _day(line.lifted_on),
        ]  # fmt: skip


def export_applications(filters: services.ApplicationFilter, kind: str) -> bytes:
    rows = _application_rows(filters, kind)
    if kind == "xlsx":
        return xlsx_bytes(APPLICATION_HEADER, rows, "Förderanträge")
    return csv_bytes(APPLICATION_HEADER, rows)


def export_budget_lines(filters: budget.BudgetFilter, kind: str) -> bytes:
    rows = _budget_rows(filters, kind)
    if kind == "xlsx":
        return xlsx_bytes(BUDGET_HEADER, rows, "Haushaltsansätze")
    return csv_bytes(BUDGET_HEADER, rows)
