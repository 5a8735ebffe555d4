"""Demo data for the Rhein-Sieg-Kreis. Idempotent: loading twice changes nothing.

Each domain adds a loader to DEMO_LOADERS; loaders run in order inside one transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from planner.accounts import services as accounts
from planner.accounts.models import Organisation, OrganisationKind
from planner.core.permissions import Role
from planner.extensions import db

DEMO_PASSWORD = "demo"

MUNICIPALITIES = [
    "Alfter", "Bad Honnef", "Bornheim", "Eitorf", "Hennef (Sieg)", "Königswinter", "Lohmar",
    "Meckenheim", "Much", "Neunkirchen-Seelscheid", "Niederkassel", "Rheinbach", "Ruppichteroth",
    "Sankt Augustin", "Siegburg", "Swisttal", "Troisdorf", "Wachtberg", "Windeck",
]  # fmt: skip
CITIES = {
    "Bad Honnef", "Bornheim", "Hennef (Sieg)", "Königswinter", "Lohmar", "Meckenheim",
    "Niederkassel", "Rheinbach", "Sankt Augustin", "Siegburg", "Troisdorf",
}  # fmt: skip

OTHER_ORGANISATIONS = [
    ("Rhein-Sieg-Kreis, Kreisverwaltung", "RSK", OrganisationKind.KREISVERWALTUNG),
    ("Jobcenter Rhein-Sieg", "JC", OrganisationKind.JOBCENTER),
    ("Fachstelle für sozialraumorientierte Armutsbekämpfung (FSA)", "FSA", OrganisationKind.FACHSTELLE),
    ("Ministerium für Arbeit, Integration und Soziales NRW (MAIS)", "MAIS", OrganisationKind.LAND),
    ("Caritasverband für den Rhein-Sieg-Kreis", "Caritas", OrganisationKind.WOHLFAHRT),
    ("Diakonisches Werk des Ev. Kirchenkreises An Sieg und Rhein", "Diakonie", OrganisationKind.WOHLFAHRT),
    ("AWO Kreisverband Rhein-Sieg", "AWO", OrganisationKind.WOHLFAHRT),
    ("DRK-Kreisverband Rhein-Sieg", "DRK", OrganisationKind.WOHLFAHRT),
    ("Der Paritätische, Kreisgruppe Rhein-Sieg", "Parität", OrganisationKind.WOHLFAHRT),
    ("CDU-Kreistagsfraktion", "CDU", OrganisationKind.FRAKTION),
    ("Kreistagsfraktion BÜNDNIS 90/DIE GRÜNEN", "GRÜNE", OrganisationKind.FRAKTION),
    ("Rheinisch-Bergischer Kreis", "RBK", OrganisationKind.SONSTIGE),
]  # fmt: skip

DEMO_USERS = [
    ("admin@demo.example", "Anna Admin", Role.ADMIN, "Rhein-Sieg-Kreis, Kreisverwaltung"),
    ("planung@demo.example", "Paul Planung", Role.PLANNER, "Rhein-Sieg-Kreis, Kreisverwaltung"),
    ("fachplanung@demo.example", "Frida Fachplanung", Role.PARTICIPANT, "Stadt Troisdorf"),
    ("daten@demo.example", "Daniel Daten", Role.SUPPLIER, "Stadt Siegburg"),
    ("politik@demo.example", "Petra Politik", Role.VIEWER, "CDU-Kreistagsfraktion"),
]


def municipality_name(name: str) -> str:
    return f"{'Stadt' if name in CITIES else 'Gemeinde'} {name}"


def _organisation(name: str, short: str | None, kind: OrganisationKind) -> Organisation:
    org = db.session.scalar(select(Organisation).where(Organisation.name == name))
    if org is None:
        org = Organisation(name=name, short_name=short, kind=kind)
        db.session.add(org)
    return org


def load_accounts() -> None:
    for name in MUNICIPALITIES:
        _organisation(municipality_name(name), name, OrganisationKind.KOMMUNE)
    for name, short, kind in OTHER_ORGANISATIONS:
        _organisation(name, short, kind)
    db.session.flush()
    for email, name, role, org_name in DEMO_USERS:
        if accounts.get_user_by_email(email) is None:
            org = db.session.scalar(select(Organisation).where(Organisation.name == org_name))
            accounts.create_user(
                email=email,
                name=name,
                role=role,
                password=DEMO_PASSWORD,
                organisation=org,
                enforce_rules=False,  # the demo password is short on purpose
            )


def _load_deadlines() -> None:
    from planner.deadlines.demo import load

    load()


def _load_stakeholders() -> None:
    from planner.stakeholders.demo import load

    load()


def _load_governance() -> None:
    from planner.governance.demo import load

    load()


def _load_process() -> None:
    from planner.process.demo import load

    load()


def _load_monitoring() -> None:
    from planner.monitoring.demo import load

    load()


def _load_meetings() -> None:
    from planner.meetings.demo import load

    load()


def _load_measures() -> None:
    from planner.measures.demo import load

    load()


def _load_funding() -> None:
    from planner.funding.demo import load

    load()


def _load_reports() -> None:
    from planner.reports.demo import load

    load()


DEMO_LOADERS: list[Callable[[], None]] = [
    load_accounts,
    _load_deadlines,
    _load_stakeholders,
    _load_governance,
    _load_process,
    _load_monitoring,
    _load_meetings,
    _load_measures,
    _load_funding,
    _load_reports,
]


def load_demo() -> None:
    """Demo data is nobody's change: it does not fill the audit log (AUDIT_OFF lasts until
    the caller's commit)."""
    from planner.core.audit import AUDIT_OFF

    db.session.info[AUDIT_OFF] = True
    for loader in DEMO_LOADERS:
        loader()
    db.session.flush()
