"""Organisations and persons in the REST API (persons only for those who see them in the
pages; an erased person keeps only the mark of its erasure)."""

from __future__ import annotations

from planner.accounts.models import Organisation, OrganisationKind
from planner.api.registry import STAMPS, Filter, Resource, register
from planner.api.registry import Field as F
from planner.core.permissions import Permission
from planner.stakeholders.models import LegalBasis, Person
from planner.stakeholders.services import sees_all_organisations


def _organisations(stmt, user):
    if sees_all_organisations(user):
        return stmt
    return stmt.where(Organisation.id == (user.organisation_id or -1))


register(Resource(
    path="organisationen", model=Organisation, title="Organisationen",
    description="Kommunen, Träger, Jobcenter, Behörden; Datenlieferung sieht nur die eigene.",
    permission=Permission.DOMAIN_READ, scope=_organisations,
    fields=(
        F("name", "string", "Name"),
        F("short_name", "string", "Kurzname", nullable=True),
        F("kind", "string", "Art", enum=tuple(OrganisationKind)),
        F("parent_id", "integer", "Übergeordnete Organisation", nullable=True),
        F("archived", "boolean", "Archiviert"),
        *STAMPS,
    ),
    filters=(
        Filter("kind", "string", "Nur Organisationen dieser Art",
               lambda s, v: s.where(Organisation.kind == v), enum=tuple(OrganisationKind)),
    ),
))  # fmt: skip

register(Resource(
    path="personen", model=Person, title="Personen",
    description="Ansprechpersonen mit der Rechtsgrundlage ihrer Daten (DSGVO); gelöschte "
    "Personen nur noch als solche.",
    permission=Permission.PERSONS_VIEW,
    fields=(
        F("name", "string", "Name"),
        F("function", "string", "Funktion", nullable=True),
        F("organisation_id", "integer", "Organisation", nullable=True),
        F("email", "string", "E-Mail-Adresse", nullable=True),
        F("phone", "string", "Telefon", nullable=True),
        F("legal_basis", "string", "Rechtsgrundlage der Verarbeitung", enum=tuple(LegalBasis)),
        F("archived", "boolean", "Archiviert"),
        F("erased", "boolean", "Personendaten gelöscht (Art. 17 DSGVO)"),
        *STAMPS,
    ),
    filters=(
        Filter("organisation", "integer", "Nur Personen dieser Organisation",
               lambda s, v: s.where(Person.organisation_id == v)),
    ),
))  # fmt: skip
