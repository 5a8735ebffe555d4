"""``flask --app planner bench generate --scale kreis`` fills an empty database.

Each domain contributes a generator ``(scale) -> {name: count}``; they run in order in one
transaction with Core bulk inserts (no ORM, no audit listener, one password hash for all).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import click
from sqlalchemy import func, insert, select
from werkzeug.security import generate_password_hash

from bench.scales import SCALES, Scale
from planner.accounts.models import Organisation, OrganisationKind, User
from planner.core.audit import AuditEntry
from planner.core.permissions import Role
from planner.extensions import db

BENCH_PASSWORD = "bench-passwort"
CHUNK = 5_000


def bench_email(role: Role | str) -> str:
    return f"bench-{Role(role).value}@bench.example"


def insert_chunks(table, rows: list[dict]) -> None:
    """Core bulk inserts of ``rows`` in chunks (every generator's way of writing)."""
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(table), rows[start : start + CHUNK])


def generate_accounts(scale: Scale) -> dict[str, int]:
    rnd = random.Random(1)
    now = datetime.now(UTC)
    kinds = list(OrganisationKind)
    insert_chunks(
        Organisation.__table__,
        [
            {"id": i + 1, "name": f"Organisation {i + 1:05d}", "short_name": f"O{i + 1}",
             "kind": kinds[i % len(kinds)], "created_at": now, "updated_at": now}
            for i in range(scale.organisations)
        ],
    )  # fmt: skip
    password_hash = generate_password_hash(BENCH_PASSWORD)
    roles = list(Role)
    users = [
        {"id": i + 1, "email": bench_email(role), "name": f"Bench {role.label}", "role": role,
         "password_hash": password_hash, "active": True, "organisation_id": 1,
         "created_at": now, "updated_at": now}
        for i, role in enumerate(roles)
    ]  # fmt: skip
    for i in range(len(users), scale.persons):
        users.append(
            {"id": i + 1, "email": f"person{i:06d}@bench.example", "name": f"Person {i:06d}",
             "role": roles[i % len(roles)], "password_hash": password_hash, "active": rnd.random() > 0.05,
             "organisation_id": rnd.randint(1, scale.organisations), "created_at": now, "updated_at": now}
        )  # fmt: skip
    insert_chunks(User.__table__, users)
    types = ["User", "Organisation", "Deadline"]
    insert_chunks(
        AuditEntry.__table__,
        [
            {"at": now - timedelta(minutes=i * 10), "user_id": rnd.randint(1, scale.persons),
             "user_label": "Bench", "action": ("create", "update", "delete")[i % 3],
             "object_type": types[i % 3], "object_id": str(i), "object_label": f"Objekt {i}",
             "changes": {"name": [f"alt {i}", f"neu {i}"]}}
            for i in range(scale.audit_entries)
        ],
    )  # fmt: skip
    return {
        "organisations": scale.organisations,
        "users": scale.persons,
        "audit entries": scale.audit_entries,
    }


def generate_deadlines(scale: Scale) -> dict[str, int]:
    from bench.deadlines import generate_deadlines as generate

    return generate(scale.deadlines, scale.deadlines_due)


def generate_process(scale: Scale) -> dict[str, int]:
    from bench.process import generate as generate_

    return generate_(scale)


def generate_monitoring(scale: Scale) -> dict[str, int]:
    from bench.monitoring import generate as generate_

    return generate_(scale)


def generate_meetings(scale: Scale) -> dict[str, int]:
    from bench.meetings import generate as generate_

    return generate_(scale)


def generate_funding(scale: Scale) -> dict[str, int]:
    from bench.funding import generate as generate_

    return generate_(scale)


def generate_reports(scale: Scale) -> dict[str, int]:
    from bench.reports import generate as generate_

    return generate_(scale)


# Later domains append theirs (areas, indicators, observations, measures, meetings, ...).
GENERATORS: list[Callable[[Scale], dict[str, int]]] = [
    generate_accounts,
    generate_deadlines,
    generate_process,
    generate_monitoring,
    generate_meetings,
    generate_funding,
    generate_reports,
]


def generate(scale_name: str) -> dict[str, int]:
    if db.session.scalar(select(func.count()).select_from(User)):
        raise click.ClickException(
            "Die Datenbank enthält schon Konten. Synthetische Daten nur in eine leere, "
            "migrierte Datenbank (PLANNER_DATABASE_URL auf eine neue Datenbank setzen)."
        )
    scale = SCALES[scale_name]
    counts: dict[str, int] = {}
    for generator in GENERATORS:
        counts.update(generator(scale))
    sync_sequences(("organisations", "users", "deadlines"))
    return counts


def sync_sequences(tables) -> None:
    """PostgreSQL: the bulk inserts gave ids explicitly; the sequences start after them (for a
    generator that writes through the services, and for the app afterwards)."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in tables:
        db.session.execute(
            db.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        )
