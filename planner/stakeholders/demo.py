"""Demo persons of the seed's story, by role title (never by the names in the seed), and the
details of the Kreis' own organisation."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from planner.accounts.models import Organisation, User
from planner.extensions import db
from planner.stakeholders.models import LegalBasis, Person

RSK = "Rhein-Sieg-Kreis, Kreisverwaltung"

# (name, function, organisation, account e-mail, legal basis, consent date)
PERSONS = [
    ("Leitung der FSA", "Leitung", "Fachstelle für sozialraumorientierte Armutsbekämpfung (FSA)", None, LegalBasis.AUFGABE, None),
    ("Stellvertretende Leitung der FSA", "Stellvertretende Leitung", "Fachstelle für sozialraumorientierte Armutsbekämpfung (FSA)", None, LegalBasis.AUFGABE, None),
    ("Sozialdezernat Rheinisch-Bergischer Kreis", "Sozialdezernent/in", "Rheinisch-Bergischer Kreis", None, LegalBasis.AMT, None),
    ("Sozialdezernat Rhein-Sieg-Kreis", "Sozialdezernent/in", RSK, None, LegalBasis.AMT, None),
    ("Vorsitz des Sozialausschusses", "Ausschussvorsitz", None, None, LegalBasis.AMT, None),
    ("Sozialplanung Rhein-Sieg-Kreis", "Sozialplanerin / Sozialplaner", RSK, "planung@demo.example", LegalBasis.AUFGABE, None),
    ("Fachplanung Stadt Troisdorf", "Jugendhilfe- und Sozialplanung", "Stadt Troisdorf", "fachplanung@demo.example", LegalBasis.AUFGABE, None),
    ("Sozialdezernat Stadt Siegburg", "Sozialdezernent/in", "Stadt Siegburg", None, LegalBasis.AMT, None),
    ("Referat Sozialplanung im MAIS", "Referatsleitung", "Ministerium für Arbeit, Integration und Soziales NRW (MAIS)", None, LegalBasis.AUFGABE, None),
    ("Geschäftsführung Jobcenter Rhein-Sieg", "Geschäftsführung", "Jobcenter Rhein-Sieg", None, LegalBasis.AUFGABE, None),
    ("Ansprechperson Caritasverband", "Fachbereichsleitung Soziale Dienste", "Caritasverband für den Rhein-Sieg-Kreis", None, LegalBasis.EINWILLIGUNG, date(2017, 5, 2)),
]  # fmt: skip

ORGANISATION_DETAILS = {
    RSK: ("Kaiser-Wilhelm-Platz 1\n53721 Siegburg", "https://www.rhein-sieg-kreis.de"),
    "Rheinisch-Bergischer Kreis": ("Am Rübezahlwald 7\n51469 Bergisch Gladbach", "https://www.rbk-online.de"),
}  # fmt: skip


def _org(name: str | None) -> Organisation | None:
    if name is None:
        return None
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def load() -> None:
    for name, (address, website) in ORGANISATION_DETAILS.items():
        org = _org(name)
        if org is not None and not org.address:
            org.address, org.website = address, website
    existing = set(db.session.scalars(select(Person.name)))
    for name, function, org_name, email, basis, consent in PERSONS:
        if name in existing:
            continue
        org = _org(org_name)
        user = db.session.scalar(select(User).where(User.email == email)) if email else None
        db.session.add(
            Person(
                name=name,
                function=function,
                organisation_id=org.id if org else None,
                user_id=user.id if user else None,
                legal_basis=basis,
                consent_date=consent,
                email=email,
            )  # fmt: skip
        )
    db.session.flush()
