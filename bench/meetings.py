"""Bench data of the meetings and measures issue: meetings with 10 agenda items each (two of a
conference name an area and an indicator) and 20 invitations (kreis 300, land 5,000), measures
with two justifications each (kreis 3,000, land 50,000; every tenth without, every tenth a
sub-measure), with responsible organisations, target areas and a progress note."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from bench.generate import insert_chunks
from bench.scales import Scale
from planner.extensions import db
from planner.governance.models import Body, Paper
from planner.measures.models import (
    Justification,
    Measure,
    ProgressNote,
    measure_areas,
    measure_organisations,
)
from planner.meetings.models import (
    AgendaItem,
    Invitation,
    Meeting,
    agenda_item_areas,
    agenda_item_indicators,
)
from planner.monitoring.models import Area, Indicator

# meetings, measures per scale (the budgets name 5,000 and 50,000 for the Land)
COUNTS = {"small": (30, 300), "kreis": (300, 3_000), "land": (5_000, 50_000)}
KINDS = ["gremiensitzung", "fpk_kommunal", "fpk_ueberregional", "dienstbesprechung", "workshop"]
STATES = ["geplant", "eingeladen", "durchgefuehrt", "durchgefuehrt", "abgesagt"]
STATUSES = [
    "idee",
    "geplant",
    "beschlossen",
    "in_umsetzung",
    "in_umsetzung",
    "abgeschlossen",
    "verworfen",
]
PERIOD = "2020"  # a period every scale's observations have


def generate(scale: Scale, seed: int = 9) -> dict[str, int]:
    rnd = random.Random(seed)
    now = datetime.now(UTC)
    n_meetings, n_measures = COUNTS[scale.name]
    leaves = db.session.scalars(
        select(Area.id).where(Area.level == "Sozialraum").order_by(Area.id)
    ).all()
    indicators = db.session.scalars(select(Indicator.id).order_by(Indicator.id)).all()
    municipalities = list(
        range(2, scale.organisations + 1, 8)
    )  # kind "kommune" in the accounts generator
    # a body's session (every fifth meeting) belongs to one of the bodies and discusses a paper
    # (OParl publishes these: meetings of bodies, their public items, the consultations)
    n_bodies = db.session.scalar(select(func.count()).select_from(Body)) or 0
    n_papers = db.session.scalar(select(func.count()).select_from(Paper)) or 0
    meetings, items, item_areas, item_indicators, invitations = [], [], [], [], []
    base = datetime(2020, 1, 6, 9, 0)
    item_id = invitation_id = 0
    for m in range(1, n_meetings + 1):
        kind = KINDS[m % len(KINDS)]
        start = base + timedelta(days=(m * 3) % 3650, hours=m % 8)
        meetings.append({
            "id": m, "kind": kind, "title": f"Sitzung {m:05d}", "starts_at": start,
            "ends_at": start + timedelta(hours=3), "place": f"Raum {m % 40}", "state": STATES[m % len(STATES)],
            "minutes": "Protokoll der Sitzung." if m % 3 == 0 else None, "minutes_state": "entwurf",
            "sequence": 0, "body_id": (m % n_bodies) + 1 if kind == "gremiensitzung" and n_bodies else None,
            "municipality_id": municipalities[m % len(municipalities)] if kind == "fpk_kommunal" else None,
            "created_at": now, "updated_at": now,
        })  # fmt: skip
        for position in range(1, 11):
            item_id += 1
            items.append({"id": item_id, "meeting_id": m, "position": position, "title": f"Punkt {position} der Sitzung {m}",
                          "description": "Erläuterung des Punktes.", "public": position != 10, "duration": 15,
                          "presenter": "Sozialplanung", "created_at": now, "updated_at": now,
                          "paper_id": (m * 3 + position) % n_papers + 1 if kind == "gremiensitzung" and position <= 3 and n_papers else None})  # fmt: skip
            if kind.startswith("fpk") and position <= 2:
                item_areas.append(
                    {"agenda_item_id": item_id, "area_id": leaves[(m + position) % len(leaves)]}
                )
                item_indicators.append(
                    {
                        "agenda_item_id": item_id,
                        "indicator_id": indicators[(m + position) % len(indicators)],
                    }
                )
        orgs = rnd.sample(range(1, scale.organisations + 1), 10)
        persons = rnd.sample(range(1, scale.persons + 1), 10)
        for k in range(20):
            invitation_id += 1
            who = (
                {"person_id": persons[k], "organisation_id": None}
                if k < 10
                else {"person_id": None, "organisation_id": orgs[k - 10]}
            )
            invitations.append({"id": invitation_id, "meeting_id": m, **who, "reply": ("offen", "zusage", "absage")[k % 3],
                                "invited": True, "attended": k % 2 == 0, "link_version": 0,
                                "created_at": now, "updated_at": now})  # fmt: skip
    insert_chunks(Meeting.__table__, meetings)
    insert_chunks(AgendaItem.__table__, items)
    insert_chunks(agenda_item_areas, item_areas)
    insert_chunks(agenda_item_indicators, item_indicators)
    insert_chunks(Invitation.__table__, invitations)

    measures, orgs_of, areas_of, justifications, notes = [], [], [], [], []
    justification_id = 0
    conferences = [m["id"] for m in meetings if m["kind"].startswith("fpk")]
    for i in range(1, n_measures + 1):
        justified = i % 10 != 0
        measures.append({
            "id": i, "title": f"Maßnahme {i:06d}", "problem": "Befund aus dem Sozialmonitoring.",
            "goal": "Die Quote sinkt.", "status": STATUSES[i % len(STATUSES)],
            "start_date": date(2021, 1, 1) + timedelta(days=i % 700), "budget": 1000 * (i % 90),
            "progress": (i * 7) % 101, "parent_id": i - 1 if i % 10 == 5 else None,
            "meeting_id": conferences[i % len(conferences)] if i % 2 else None,
            "justification_count": 2 if justified else 0, "created_at": now,
            "updated_at": now - timedelta(minutes=i),
        })  # fmt: skip
        orgs_of.append({"measure_id": i, "organisation_id": 1 + i % scale.organisations})
        areas_of.append({"measure_id": i, "area_id": leaves[i % len(leaves)]})
        if justified:
            for k in range(2):
                justification_id += 1
                value = 5.0 + (i + k) % 20
                justifications.append({
                    "id": justification_id, "measure_id": i, "indicator_id": indicators[(i + k) % len(indicators)],
                    "area_id": leaves[(i + k) % len(leaves)], "period": PERIOD, "snapshot_value": value,
                    "snapshot_numerator": 100.0, "snapshot_denominator": 1000.0, "snapshot_withheld": False,
                    "snapshot_state": "endgueltig", "snapshot_at": now, "baseline": value, "target": value - 1,
                    "created_at": now, "updated_at": now,
                })  # fmt: skip
        notes.append({"id": i, "measure_id": i, "day": date(2025, 1, 1) + timedelta(days=i % 300),
                      "text": "Fortschritt vermerkt.", "percent": (i * 7) % 101, "created_at": now})  # fmt: skip
    insert_chunks(Measure.__table__, measures)
    insert_chunks(measure_organisations, orgs_of)
    insert_chunks(measure_areas, areas_of)
    insert_chunks(Justification.__table__, justifications)
    insert_chunks(ProgressNote.__table__, notes)
    if db.engine.dialect.name == "postgresql":
        for table in (
            "meetings",
            "agenda_items",
            "invitations",
            "measures",
            "justifications",
            "progress_notes",
        ):
            db.session.execute(
                db.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
            )
    return {"meetings": len(meetings), "agenda items": len(items), "invitations": len(invitations),
            "measures": len(measures), "justifications": len(justifications)}  # fmt: skip
