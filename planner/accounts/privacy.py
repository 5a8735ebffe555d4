"""Art. 15 DSGVO for accounts: everything stored about one account, as JSON. Domains that
keep more about an account (deadlines it is responsible for, the person record, ...) add a
part to USER_EXPORTS."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select

from planner.accounts.models import User
from planner.core.audit import AuditEntry
from planner.core.audit_view import readable
from planner.core.models import utcnow
from planner.core.services import audit_entries_of
from planner.extensions import db

USER_EXPORTS: list[tuple[str, Callable[[User], Any]]] = []
AUDIT_EXPORT_LIMIT = 10_000


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def export_user(user: User, now: datetime | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "auskunft": "Auskunft nach Art. 15 DSGVO: gespeicherte Daten zu einem Benutzerkonto",
        "erstellt_am": _iso(now or utcnow()),
        "konto": {
            "id": user.id,
            "e_mail": user.email,
            "name": user.name,
            "rolle": str(user.role_label),
            "aktiv": user.active,
            "organisation": user.organisation.name if user.organisation else None,
            "letzte_anmeldung": _iso(user.last_login_at),
            "angelegt_am": _iso(user.created_at),
            "geaendert_am": _iso(user.updated_at),
            "passwort": "nur als Hash gespeichert, hier nicht ausgegeben",
        },
    }
    for key, build in USER_EXPORTS:
        data[key] = build(user)
    data["aenderungen_am_konto"] = readable(
        audit_entries_of("User", user.id, limit=AUDIT_EXPORT_LIMIT)
    )
    by = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.user_id == user.id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(AUDIT_EXPORT_LIMIT)
    )
    data["aenderungen_durch_das_konto"] = [
        {"zeitpunkt": _iso(e.at), "aktion": e.action, "objekt": e.object_type,
         "objekt_id": e.object_id, "bezeichnung": e.object_label}
        for e in by
    ]  # fmt: skip
    data["hinweis"] = (
        f"Änderungsprotokolle sind auf die {AUDIT_EXPORT_LIMIT} neuesten Einträge begrenzt; "
        "vollständige Auszüge erstellt die Administration aus dem Protokoll-Export."
    )
    return data
