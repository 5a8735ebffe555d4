"""DSGVO for persons: what is stored about one (art. 15, as JSON) and the erasure of the
personal data (art. 17) that leaves the history readable as "gelöschte Person"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from planner.core import audit
from planner.core.audit_view import readable
from planner.core.models import utcnow
from planner.core.services import audit_entries_of as entries_of
from planner.extensions import db
from planner.stakeholders.models import ERASED_NAME, Person

# Other domains add what they keep about a person: (key in the export, person -> JSON value).
PERSON_EXPORTS: list[tuple[str, Callable[[Person], Any]]] = []
AUDIT_EXPORT_LIMIT = 10_000


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def audit_entries_of(object_type: str, object_id: int) -> list[dict]:
    return readable(entries_of(object_type, object_id, limit=AUDIT_EXPORT_LIMIT))


def export_person(person: Person, now: datetime | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "auskunft": "Auskunft nach Art. 15 DSGVO: gespeicherte Daten zu einer Person",
        "erstellt_am": _iso(now or utcnow()),
        "person": {
            "id": person.id,
            "name": person.name,
            "funktion": person.function,
            "organisation": person.organisation.name if person.organisation else None,
            "e_mail": person.email,
            "telefon": person.phone,
            "benutzerkonto": person.user.email if person.user else None,
            "rechtsgrundlage": str(person.legal_basis.label),
            "einwilligung_vom": _iso(person.consent_date),
            "archiviert": person.archived,
            "angelegt_am": _iso(person.created_at),
            "geaendert_am": _iso(person.updated_at),
            "personendaten_geloescht_am": _iso(person.erased_at),
        },
    }
    for key, build in PERSON_EXPORTS:
        data[key] = build(person)
    data["aenderungsprotokoll"] = audit_entries_of("Person", person.id)
    return data


def erase_person(person: Person, now: datetime | None = None) -> None:
    """Art. 17: name, function, contact data, account link and consent date go; the row stays
    (memberships, steps and the log keep pointing to "gelöschte Person")."""
    if person.erased:
        return
    traces = traces_of(person)
    person.name = ERASED_NAME
    person.function = None
    person.email = None
    person.phone = None
    person.user_id = None
    person.consent_date = None
    person.archived = True
    person.erased_at = now or utcnow()
    db.session.flush()
    forget_in_log(person.id, traces)


def traces_of(person: Person) -> list[str]:
    """What identifies the person in texts of the log: name, e-mail address, phone number."""
    return [person.name, person.email or "", person.phone or ""]


def forget_in_log(person_id: int, traces: list[str]) -> None:
    """The person's own entries lose their personal values, every other entry the traces
    (stored entries and those of this transaction alike); the entries stay."""
    audit.redact_object(db.session, "Person", person_id, Person.PERSONAL_FIELDS, ERASED_NAME)
    audit.replace_everywhere(db.session, traces, ERASED_NAME)
