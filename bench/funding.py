"""Bench data of the funding issue: programmes with two modules and four calls each,
applications (kreis 200, land 2,000) spread over ten years and every status, each financing
two measures, the granted ones with their four duties; budget lines (kreis 500, land 5,000),
every third blocked (tied to an application), each giving two measures money."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from bench.generate import insert_chunks
from bench.scales import Scale
from planner.extensions import db
from planner.funding.models import (
    BudgetAllocation,
    BudgetLine,
    FundingApplication,
    FundingCall,
    FundingModule,
    FundingProgramme,
    GrantObligation,
    application_measures,
)

# programmes, applications, budget lines per scale (the issue names 2,000 and 5,000 for the Land)
COUNTS = {"small": (5, 60, 150), "kreis": (10, 200, 500), "land": (40, 2_000, 5_000)}
STATUSES = ["in_vorbereitung", "eingereicht", "bewilligt", "bewilligt", "teilweise_bewilligt",
            "abgelehnt", "zurueckgezogen"]  # fmt: skip
YEARS = list(range(2018, 2028))


def generate(scale: Scale) -> dict[str, int]:
    now = datetime.now(UTC)
    n_programmes, n_applications, n_lines = COUNTS[scale.name]
    n_measures = db.session.scalar(select(func.count()).select_from(select(1).select_from(
        db.metadata.tables["measures"]).subquery())) or 1  # fmt: skip
    stamp = {"created_at": now, "updated_at": now}
    programmes, modules, calls = [], [], []
    for p in range(1, n_programmes + 1):
        programmes.append({"id": p, "name": f"Förderprogramm {p:03d}", "funder_id": 1 + p % scale.organisations,
                           "first_year": 2018, "last_year": 2027, "max_amount": Decimal("75000.00"),
                           "own_share_percent": Decimal("20.00"), "notes": "Aufruf jährlich.", **stamp})  # fmt: skip
        for k in range(2):
            modules.append({"id": 2 * (p - 1) + k + 1, "programme_id": p, "name": f"Modul {k + 1}",
                            "max_amount": Decimal("50000.00") if k else None, **stamp})  # fmt: skip
        for k in range(4):
            year = 2024 + k
            calls.append({"id": 4 * (p - 1) + k + 1, "programme_id": p, "module_id": None,
                          "title": f"Aufruf {year}", "year": year, "opens_on": date(year - 1, 9, 1),
                          "closes_on": date(year - 1, 10, 31), **stamp})  # fmt: skip
    insert_chunks(FundingProgramme.__table__, programmes)
    insert_chunks(FundingModule.__table__, modules)
    insert_chunks(FundingCall.__table__, calls)

    applications, links, obligations = [], [], []
    for a in range(1, n_applications + 1):
        p = 1 + a % n_programmes
        status = STATUSES[a % len(STATUSES)]
        total = Decimal(50_000 + (a * 137) % 40_000) + Decimal(a % 100) / 100
        requested = (total * Decimal("0.8")).quantize(Decimal("0.01"))
        granted = None
        if status == "bewilligt":
            granted = requested
        elif status == "teilweise_bewilligt":
            granted = (requested * Decimal("0.7")).quantize(Decimal("0.01"))
        year = YEARS[a % len(YEARS)]
        decided = (
            date(year, 3, 1)
            if status in ("bewilligt", "teilweise_bewilligt", "abgelehnt")
            else None
        )
        applications.append({
            "id": a, "programme_id": p, "module_id": 2 * (p - 1) + 1, "call_id": None,
            "applicant_id": 1 + a % scale.organisations, "title": f"Förderantrag {a:05d}", "year": year,
            "total_costs": total, "requested": requested, "granted": granted, "status": status,
            "submitted_on": date(year - 1, 10, 1) if status != "in_vorbereitung" else None,
            "decided_on": decided, "reference": f"AZ {a}", "period_start": decided,
            "period_end": date(year, 12, 31) if decided else None,
            "created_at": now, "updated_at": now - timedelta(minutes=a),
        })  # fmt: skip
        for k in range(2):
            links.append({"application_id": a, "measure_id": 1 + (a * 2 + k) % n_measures})
        if granted is not None:
            for k, (kind, days) in enumerate((("beginn", 30), ("mittelabruf", 60),
                                              ("zwischennachweis", 400), ("verwendungsnachweis", 550))):  # fmt: skip
                obligations.append({"id": 4 * a + k, "application_id": a, "kind": kind, "title": kind.title(),
                                    "due_date": decided + timedelta(days=days), **stamp})  # fmt: skip
    insert_chunks(FundingApplication.__table__, applications)
    insert_chunks(application_measures, links)
    insert_chunks(GrantObligation.__table__, obligations)

    lines, allocations = [], []
    for i in range(1, n_lines + 1):
        blocked = i % 3 == 0
        lifted = blocked and i % 2 == 0
        amount = Decimal(10_000 + (i * 311) % 90_000) + Decimal(i % 100) / 100
        lines.append({
            "id": i, "year": YEARS[i % len(YEARS)], "amount": amount, "purpose": f"Haushaltsansatz {i:05d}",
            "cost_centre": f"Produkt 05.{i % 20:02d}", "blocked": blocked,
            "block_condition": "vorbehaltlich einer Förderung" if blocked else None,
            "application_id": 1 + i % n_applications if blocked else None,
            "lift_proposed_on": date(2024, 1, 1) if lifted else None,
            "lifted_on": date(2024, 2, 1) if lifted else None, **stamp,
        })  # fmt: skip
        for k in range(2):
            allocations.append({"id": 2 * i + k - 1, "budget_line_id": i, "measure_id": 1 + (i * 3 + k) % n_measures,
                                "planned": (amount / 4).quantize(Decimal("0.01")),
                                "spent": Decimal("0.00") if blocked and not lifted else Decimal("100.50")})  # fmt: skip
    insert_chunks(BudgetLine.__table__, lines)
    insert_chunks(BudgetAllocation.__table__, allocations)
    if db.engine.dialect.name == "postgresql":
        for table in ("funding_programmes", "funding_modules", "funding_calls", "funding_applications",
                      "grant_obligations", "budget_lines", "budget_allocations"):  # fmt: skip
            db.session.execute(db.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            ))  # fmt: skip
    return {"funding applications": len(applications), "budget lines": len(lines),
            "grant duties": len(obligations)}  # fmt: skip
