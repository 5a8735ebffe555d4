"""Deadlines in the REST API: read as in the calendar, written by those who edit deadlines."""

from __future__ import annotations

from flask_babel import gettext as _

from planner.accounts.models import Organisation
from planner.api.registry import STAMPS, Resource, Write, register
from planner.api.registry import Field as F
from planner.core.permissions import Permission
from planner.deadlines import services
from planner.deadlines.models import Deadline, DeadlineKind, DeadlineState
from planner.extensions import db


class DeadlineWriteError(services.DeadlineError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _data(values: dict, base: Deadline | None, user) -> services.DeadlineData:
    def pick(key, default):
        return values[key] if key in values else default

    org_id = pick("organisation_id", base.organisation_id if base else None)
    organisation = None
    if org_id is not None:
        organisation = db.session.get(Organisation, org_id)
        if organisation is None:
            raise DeadlineWriteError("organisation_id", _("Diese Organisation gibt es nicht."))
    return services.DeadlineData(
        title=pick("title", base.title if base else ""),
        kind=DeadlineKind(pick("kind", base.kind if base else DeadlineKind.SONSTIGES)),
        due_date=pick("due_date", base.due_date if base else None),
        organisation=organisation,
        responsible_users=list(base.responsible_users) if base else None,
        notes=pick("notes", base.notes if base else None),
        reminder_offsets=pick("reminder_offsets", base.reminder_offsets if base else None),
        visible_to_all=pick("visible_to_all", base.visible_to_all if base else True),
    )


def _create(values: dict, user) -> Deadline:
    return services.create_deadline(_data(values, None, user), created_by=user)


def _update(deadline: Deadline, values: dict, user) -> Deadline:
    state = values.pop("state", None)
    if values:
        services.update_deadline(deadline, _data(values, deadline, user))
    if state is not None and state != deadline.state.value:
        if not services.may_complete(user, deadline):
            raise DeadlineWriteError(
                "state", _("Diese Frist wird über ihr Objekt erledigt (z. B. den Prozessschritt).")
            )
        if state == DeadlineState.ERLEDIGT:
            services.mark_done(deadline, user)
        elif state == DeadlineState.OFFEN:
            services.reopen(deadline, user)
        else:
            raise DeadlineWriteError("state", _("Eine Frist wird erledigt oder wieder geöffnet."))
    return deadline


_BODY = {
    "type": "object",
    "required": ["title", "kind", "due_date"],
    "additionalProperties": False,
    "properties": {
        "title": {"type": "string", "maxLength": 300, "minLength": 1, "description": "Titel"},
        "kind": {"type": "string", "enum": list(DeadlineKind), "description": "Art"},
        "due_date": {"type": "string", "format": "date", "description": "Fällig am"},
        "organisation_id": {
            "type": ["integer", "null"],
            "minimum": 1,
            "description": "Verantwortliche Organisation",
        },  # fmt: skip
        "notes": {
            "type": ["string", "null"],
            "maxLength": 5000,
            "x-multiline": True,
            "description": "Hinweise",
        },  # fmt: skip
        "reminder_offsets": {
            "type": ["string", "null"],
            "maxLength": 100,
            "description": "Erinnerungen in Tagen relativ zur Frist, z. B. „-14, -3, 0“",
        },  # fmt: skip
        "visible_to_all": {"type": "boolean", "description": "Für alle Rollen sichtbar"},
        "state": {
            "type": "string",
            "enum": ["offen", "erledigt"],
            "description": "Nur beim Ändern: erledigen oder wieder öffnen",
        },  # fmt: skip
    },
}

register(Resource(
    path="fristen", model=Deadline, title="Fristen",
    description="Alle Fristen des Kalenders, die das Konto sieht (ohne gelöschte).",
    permission=Permission.DEADLINES_VIEW, scope=services.visible_stmt,
    fields=(
        F("title", "string", "Titel"),
        F("kind", "string", "Art", enum=tuple(DeadlineKind)),
        F("due_date", "date", "Fällig am"),
        F("due_time", "string", "Uhrzeit (HH:MM:SS)", nullable=True),
        F("state", "string", "Stand", enum=tuple(DeadlineState)),
        F("organisation_id", "integer", "Verantwortliche Organisation", nullable=True),
        F("notes", "string", "Hinweise", nullable=True),
        F("visible_to_all", "boolean", "Für alle Rollen sichtbar"),
        F("owner_type", "string", "Art des Objekts, zu dem die Frist gehört", nullable=True),
        F("owner_id", "integer", "Objekt, zu dem die Frist gehört", nullable=True),
        F("uid", "string", "UID im iCalendar"),
        *STAMPS,
    ),
    write=Write(
        body=_BODY, create=_create, update=_update, permission=Permission.DEADLINES_EDIT,
        description="Fristen anlegen und ändern (Sozialplanung, Administration).",
    ),
))  # fmt: skip
