"""The one place where roles meet permissions.

Every view declares what it needs with ``@requires(Permission.X)`` or ``@public``. A
``before_request`` hook in create_app() enforces the declaration on the server for every
request; a view without a declaration is refused (and a test fails), so nothing is
reachable by accident. Templates ask ``can("...")`` only to hide what would be refused anyway.
"""

from __future__ import annotations

import enum
from collections.abc import Callable

from flask import abort, current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user


class Role(enum.StrEnum):
    ADMIN = "admin"
    PLANNER = "planner"
    PARTICIPANT = "participant"
    SUPPLIER = "supplier"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: _l("Administration"),
    Role.PLANNER: _l("Sozialplanung"),
    Role.PARTICIPANT: _l("Fachplanung"),
    Role.SUPPLIER: _l("Datenlieferung"),
    Role.VIEWER: _l("Politik (lesend)"),
}


class Permission(enum.StrEnum):
    DASHBOARD_VIEW = "dashboard.view"
    ACCOUNT_SELF = "account.self"
    DOMAIN_READ = "domain.read"
    DOMAIN_EDIT = "domain.edit"
    PERSONS_VIEW = "persons.view"
    PROCESS_VIEW = "process.view"
    PRIVACY_MANAGE = "privacy.manage"
    MONITORING_VIEW = "monitoring.view"
    MONITORING_SECRET = "monitoring.secret"
    MONITORING_EXTRACT = "monitoring.extract"
    DELIVERIES_OWN = "deliveries.own"
    MEETINGS_VIEW = "meetings.view"
    MEASURES_VIEW = "measures.view"
    MEASURES_LOG = "measures.log"
    FUNDING_VIEW = "funding.view"
    REPORTS_VIEW = "reports.view"
    REPORTS_COMMENT = "reports.comment"
    DEADLINES_VIEW = "deadlines.view"
    DEADLINES_EDIT = "deadlines.edit"
    USERS_MANAGE = "users.manage"
    AUDIT_VIEW = "audit.view"
    SYSTEM_VIEW = "system.view"


# What the "Ihre Rechte" panel lists. A right is listed once there is something to use it on:
# the domains that bring objects (stakeholders, monitoring, measures, ...) add their labels.
PERMISSION_LABELS = {
    Permission.DASHBOARD_VIEW: _l("Startseite sehen"),
    Permission.ACCOUNT_SELF: _l("Eigenes Konto (Passwort, Einstellungen)"),
    Permission.DOMAIN_READ: _l("Organisationen sehen (Datenlieferung: nur die eigene)"),
    Permission.DOMAIN_EDIT: _l(
        "Organisationen, Personen, Gremien, Beschlüsse, Prozesse, Räume, Indikatoren, Werte, "
        "Lieferpläne, Sitzungen, alle Maßnahmen und die Förderung (Programme, Anträge, "
        "Haushaltsansätze) bearbeiten; Sozialberichte schreiben und durch die Abstimmung führen"
    ),
    Permission.PERSONS_VIEW: _l("Ansprechpersonen und ihre Kontaktdaten sehen"),
    Permission.PROCESS_VIEW: _l("Gremien, Vorlagen, Beschlüsse und Prozessplan sehen"),
    Permission.PRIVACY_MANAGE: _l("Datenschutz: Auskunft und Löschung (Art. 15 und 17 DSGVO)"),
    Permission.MONITORING_VIEW: _l(
        "Sozialmonitoring sehen: Räume, Indikatoren, Tabellen, Karten, Index"
    ),
    Permission.MONITORING_SECRET: _l("Geheim zu haltende Werte (kleine Fallzahlen) sehen"),
    Permission.MONITORING_EXTRACT: _l("Datenauszüge herunterladen (protokolliert)"),
    Permission.DELIVERIES_OWN: _l("Datenlieferungen der eigenen Organisation hochladen"),
    Permission.MEETINGS_VIEW: _l(
        "Sitzungen und Konferenzen sehen (Tagesordnung, Protokoll; Politik: öffentliche Punkte)"
    ),
    Permission.MEASURES_VIEW: _l("Maßnahmen und ihre Begründung durch Indikatoren sehen"),
    Permission.MEASURES_LOG: _l(
        "Maßnahmen kommentieren; auf Konferenzen, zu denen man eingeladen ist, Maßnahmen "
        "erfassen und die der eigenen Organisation bearbeiten"
    ),
    Permission.FUNDING_VIEW: _l(
        "Förderung sehen: Programme, Anträge, Bewilligungen, gesperrte Haushaltsmittel"
    ),
    Permission.REPORTS_VIEW: _l("Veröffentlichte Sozialberichte lesen"),
    Permission.REPORTS_COMMENT: _l(
        "Sozialberichte in der Abstimmung lesen und zu ihren Abschnitten Stellung nehmen"
    ),
    Permission.DEADLINES_VIEW: _l("Fristen und Kalender sehen"),
    Permission.DEADLINES_EDIT: _l("Fristen anlegen, bearbeiten, erledigen"),
    Permission.USERS_MANAGE: _l("Benutzerkonten verwalten"),
    Permission.AUDIT_VIEW: _l("Änderungsprotokoll einsehen"),
    Permission.SYSTEM_VIEW: _l("Systemzustand (Erinnerungen, Fehler) einsehen"),
}

_ALL = frozenset(Permission)
_READER = frozenset(
    {
        Permission.DASHBOARD_VIEW,
        Permission.ACCOUNT_SELF,
        Permission.DOMAIN_READ,
        Permission.DEADLINES_VIEW,
    }
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: _ALL,
    Role.PLANNER: _READER
    | {
        Permission.DOMAIN_EDIT,
        Permission.DEADLINES_EDIT,
        Permission.PERSONS_VIEW,
        Permission.PROCESS_VIEW,
        Permission.MONITORING_VIEW,
        Permission.MONITORING_SECRET,
        Permission.MONITORING_EXTRACT,
        Permission.MEETINGS_VIEW,
        Permission.MEASURES_VIEW,
        Permission.MEASURES_LOG,
        Permission.FUNDING_VIEW,
        Permission.REPORTS_VIEW,
        Permission.REPORTS_COMMENT,
    },
    # Conference-scoped and organisation-scoped rights (log measures at their conference, edit
    # measures of their organisation, upload owed deliveries) are object rules in the services.
    Role.PARTICIPANT: _READER
    | {
        Permission.PERSONS_VIEW,
        Permission.PROCESS_VIEW,
        Permission.MONITORING_VIEW,
        Permission.MONITORING_EXTRACT,
        Permission.MEETINGS_VIEW,
        Permission.MEASURES_VIEW,
        Permission.MEASURES_LOG,
        Permission.FUNDING_VIEW,
        Permission.REPORTS_VIEW,
        Permission.REPORTS_COMMENT,
    },
    # a supplier sees its own organisation and its duties (deliveries), nothing of the process,
    # persons or the monitoring's results
    Role.SUPPLIER: _READER | {Permission.DELIVERIES_OWN},
    # politicians read the process, the bodies and the monitoring (small counts withheld)
    Role.VIEWER: _READER
    | {
        Permission.PROCESS_VIEW,
        Permission.MONITORING_VIEW,
        Permission.MEETINGS_VIEW,
        Permission.MEASURES_VIEW,
        Permission.FUNDING_VIEW,
        Permission.REPORTS_VIEW,
    },
}


def role_can(role: Role | str | None, permission: Permission) -> bool:
    if role is None:
        return False
    try:
        return permission in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False


def can(permission: Permission | str) -> bool:
    """True when the current user may do ``permission`` (for templates and services)."""
    if not current_user.is_authenticated:
        return False
    return role_can(current_user.role, Permission(permission))


PUBLIC = "public"
_ATTR = "_planner_permission"


def requires(permission: Permission) -> Callable:
    """Declare the permission a view needs; enforced by :func:`enforce_permissions`."""

    def decorator(view: Callable) -> Callable:
        setattr(view, _ATTR, permission)
        return view

    return decorator


def public(view: Callable) -> Callable:
    setattr(view, _ATTR, PUBLIC)
    return view


def declared_permission(view: Callable | None):
    return getattr(view, _ATTR, None)


def enforce_permissions():
    """before_request: anonymous -> login page, missing permission -> 403, undeclared -> 403."""
    if request.endpoint is None:  # 404 follows
        return None
    if request.endpoint == "static":
        return None
    view = current_app.view_functions.get(request.endpoint)
    needed = declared_permission(view)
    if needed == PUBLIC:
        return None
    if not current_user.is_authenticated:
        from planner.extensions import login_manager

        return login_manager.unauthorized()
    if needed is None:
        current_app.logger.error("view %s declares no permission; refused", request.endpoint)
        abort(403)
    if not role_can(current_user.role, needed):
        abort(403)
    return None
