"""Bench data of the process issue: persons (2,000 at kreis, 20,000 at land), bodies with
members, papers and resolutions, and 2 processes with 60 steps each (5 phases of 12 steps,
chained dependencies, mixed states, a history of changes per step)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select

from bench.generate import insert_chunks
from bench.scales import Scale
from planner.accounts.models import Organisation, User
from planner.core.audit import AuditEntry
from planner.extensions import db
from planner.governance.models import Body, Membership, Paper, Resolution
from planner.process.models import Phase, Process, Step, step_dependencies
from planner.stakeholders.models import Person

TODAY = date(2026, 11, 26)
STEPS_PER_PHASE = 12
PHASES = 5
PROCESSES = 2


def generate(scale: Scale, seed: int = 11) -> dict[str, int]:
    rnd = random.Random(seed)
    now = datetime.now(UTC)
    stamp = {"created_at": now, "updated_at": now}
    org_ids = list(db.session.scalars(select(Organisation.id).order_by(Organisation.id)))
    planner_id = db.session.scalar(
        select(User.id).where(User.email == "bench-planner@bench.example")
    )
    bases = ["aufgabe", "amt", "einwilligung"]
    persons = []
    for i in range(scale.persons):
        basis = bases[i % 3]
        persons.append({
            "id": i + 1, "name": f"Ansprechperson {i:06d}", "function": f"Funktion {i % 40}",
            "organisation_id": org_ids[i % len(org_ids)], "email": f"kontakt{i:06d}@bench.example",
            "phone": f"02241 {i:06d}", "legal_basis": basis,
            "consent_date": date(2020, 1, 1) + timedelta(days=i % 1500) if basis == "einwilligung" else None,
            "user_id": planner_id if i == 0 else None, "archived": i % 50 == 0, **stamp,
        })  # fmt: skip
    insert_chunks(Person.__table__, persons)
    n_bodies = max(10, scale.organisations // 20)
    insert_chunks(Body.__table__, [
        {"id": b + 1, "name": f"Gremium {b + 1:04d}", "short_name": f"G{b + 1}",
         "kind": ["kreistag", "ausschuss", "dienstbesprechung", "lenkungsgruppe", "arbeitsgruppe"][b % 5],
         "organisation_id": org_ids[b % len(org_ids)], "archived": False, **stamp}
        for b in range(n_bodies)
    ])  # fmt: skip
    memberships = []
    for b in range(n_bodies):
        for m in range(15):
            memberships.append({
                "body_id": b + 1, "person_id": rnd.randint(1, scale.persons),
                "role": ["vorsitz", "mitglied", "stellvertretung", "beratend"][min(m, 3) if m < 3 else 1],
                "start_date": date(2020, 1, 1), "end_date": None if m % 7 else date(2024, 12, 31), **stamp,
            })  # fmt: skip
    insert_chunks(Membership.__table__, memberships)
    n_papers = scale.organisations // 2
    insert_chunks(Paper.__table__, [
        {"id": p + 1, "reference": f"{2016 + p % 10}/{p:05d}", "title": f"Vorlage {p:05d} zur Sozialplanung",
         "kind": ["vorlage", "antrag", "mitteilung"][p % 3], "originator_id": org_ids[p % len(org_ids)],
         "date": date(2016, 1, 1) + timedelta(days=p % 3650), "text": "Text der Vorlage.\n\n- Punkt", **stamp}
        for p in range(n_papers)
    ])  # fmt: skip
    insert_chunks(Resolution.__table__, [
        {"id": r + 1, "body_id": r % n_bodies + 1, "date": date(2016, 1, 1) + timedelta(days=r % 3650),
         "title": f"Beschluss {r:05d}", "text": "Beschlusstext.", "vote": "einstimmig",
         "paper_id": r + 1, **stamp}
        for r in range(n_papers)
    ])  # fmt: skip
    steps, phases, deps, audit = [], [], [], []
    step_id = phase_id = 0
    for p in range(PROCESSES):
        start = TODAY - timedelta(days=400 + 900 * (PROCESSES - 1 - p))
        db.session.execute(insert(Process.__table__), [{
            "id": p + 1, "title": f"Sozialplanung Bench {p + 1}", "cycle": p + 1, "start_date": start,
            "template_key": "standard", "previous_id": p if p else None, "organisation_id": org_ids[0], **stamp,
        }])  # fmt: skip
        position = 0
        for ph in range(PHASES):
            phase_id += 1
            phases.append(
                {
                    "id": phase_id,
                    "process_id": p + 1,
                    "position": ph + 1,
                    "title": f"Phase {ph + 1}",
                    **stamp,
                }
            )
            for _s in range(STEPS_PER_PHASE):
                step_id += 1
                position += 1
                begin = start + timedelta(days=position * 20)
                due = begin + timedelta(days=rnd.randint(10, 120))
                status = (
                    "erledigt"
                    if due < TODAY - timedelta(days=60)
                    else rnd.choice(["offen", "in_arbeit", "blockiert", "offen"])
                )
                steps.append({
                    "id": step_id, "process_id": p + 1, "phase_id": phase_id, "position": position,
                    "title": f"Schritt {position:02d} des Bench-Prozesses {p + 1}", "description": "Beschreibung",
                    "status": status, "responsible_organisation_id": org_ids[position % len(org_ids)],
                    "responsible_person_id": 1 if position % 5 == 0 else rnd.randint(1, scale.persons),
                    "start_date": begin, "due_date": due, "resolution_id": (position - 1) % n_papers + 1,
                    "done_at": now if status == "erledigt" else None, **stamp,
                })  # fmt: skip
                if position > 1:
                    deps.append({"step_id": step_id, "depends_on_id": step_id - 1})
                if position > 3 and position % 4 == 0:
                    deps.append({"step_id": step_id, "depends_on_id": step_id - 3})
                for h in range(20):
                    audit.append({
                        "at": now - timedelta(days=h), "user_label": "Bench <bench@bench.example>",
                        "action": "update", "object_type": "Step", "object_id": str(step_id),
                        "object_label": f"Schritt {position:02d}", "changes": {"status": ["offen", "in_arbeit"]},
                    })  # fmt: skip
    insert_chunks(Phase.__table__, phases)
    insert_chunks(Step.__table__, steps)
    insert_chunks(step_dependencies, deps)
    insert_chunks(AuditEntry.__table__, audit)
    if db.engine.dialect.name == "postgresql":
        for table in (
            "persons",
            "bodies",
            "memberships",
            "papers",
            "resolutions",
            "processes",
            "phases",
            "steps",
        ):
            db.session.execute(db.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            ))  # fmt: skip
    return {"persons": len(persons), "bodies": n_bodies, "memberships": len(memberships),
            "papers": n_papers, "resolutions": n_papers, "processes": PROCESSES, "steps": len(steps)}  # fmt: skip
