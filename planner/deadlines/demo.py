"""Free-standing demo deadlines due around today. The seed's story (2016/2017) lives in the
process, governance and stakeholder objects, whose dates register their own deadlines."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from planner.accounts.models import Organisation, User
from planner.core.models import utcnow
from planner.deadlines import services
from planner.deadlines.models import Deadline, DeadlineKind, DeadlineState
from planner.extensions import db

RSK = "Rhein-Sieg-Kreis, Kreisverwaltung"

# (title, kind, days from today, time, organisation, responsible e-mails, notes)
CURRENT = [
    ("Datenlieferung Stadt Siegburg: SGB-II-Quoten, Stichtag 31.12.", DeadlineKind.LIEFERUNG, 3, None,
     "Stadt Siegburg", ["daten@demo.example"], "Lieferung als CSV nach Indikatorenblatt."),
    ("Datenlieferung Gemeinde Much: Einwohner nach Sozialräumen", DeadlineKind.LIEFERUNG, -2, None,
     "Gemeinde Much", [], None),
    ("Dienstbesprechung der Sozialdezernentinnen und -dezernenten", DeadlineKind.SITZUNG, 0, time(10, 0),
     RSK, ["planung@demo.example"], "Gast: Sozialdezernent des Rheinisch-Bergischen Kreises."),
    ("Kommunale Fachplanerkonferenz Troisdorf", DeadlineKind.SITZUNG, 10, time(9, 30),
     "Stadt Troisdorf", ["fachplanung@demo.example"], None),
    ("Entwurf Sozialbericht: Kapitel Kinderarmut abstimmen", DeadlineKind.BERICHT, 20, None,
     RSK, ["planung@demo.example"], None),
    ("Jobcenter Rhein-Sieg: Bedarfsgemeinschaften je Sozialraum", DeadlineKind.LIEFERUNG, 14, None,
     "Jobcenter Rhein-Sieg", [], None),
    ("Meilenstein: Sozialräume mit allen Kommunen abgestimmt", DeadlineKind.MEILENSTEIN, 35, None,
     RSK, ["planung@demo.example", "admin@demo.example"], None),
]  # fmt: skip


def _org(name: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def _users(emails: list[str]) -> list[User]:
    if not emails:
        return []
    return list(db.session.scalars(select(User).where(User.email.in_(emails))))


def load() -> None:
    existing = set(db.session.scalars(select(Deadline.title)))
    today = services.today_in_berlin()
    entries = [
        (t, k, today + timedelta(days=days), tm, o, r, DeadlineState.OFFEN, n)
        for t, k, days, tm, o, r, n in CURRENT
    ]
    for title, kind, due, at, org, emails, state, notes in entries:
        if title in existing:
            continue
        deadline = services.create_deadline(
            services.DeadlineData(
                title=title,
                kind=kind,
                due_date=due,
                due_time=at,
                organisation=_org(org),
                responsible_users=_users(emails),
                notes=notes,
            )  # fmt: skip
        )
        if state == DeadlineState.ERLEDIGT:
            services.mark_done(deadline, None, utcnow())
        elif state == DeadlineState.VERSAEUMT:
            services.mark_missed(deadline, None, utcnow())
