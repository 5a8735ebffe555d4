"""Measures with their justifications in the REST API; written as in the pages (planners
every measure, participants at their conferences and those of their organisation)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from planner.accounts.models import Organisation
from planner.api.problems import ApiProblem
from planner.api.registry import STAMPS, Filter, Resource, Write, register
from planner.api.registry import Field as F
from planner.core.permissions import Permission
from planner.extensions import db
from planner.measures import services
from planner.measures.models import Measure, MeasureStatus
from planner.monitoring.models import Area
from planner.stakeholders.models import Person


def _justifications(measure, user) -> list[dict]:
    return [
        {
            "indicator_id": j.indicator_id,
            "area_id": j.area_id,
            "period": j.period,
            "baseline": j.baseline,
            "target": j.target,
            "note": j.note,
        }
        for j in measure.justifications
    ]


_JUSTIFICATION = {
    "type": "object",
    "properties": {
        "indicator_id": {"type": "integer"},
        "area_id": {"type": "integer"},
        "period": {"type": "string"},
        "baseline": {"type": ["number", "null"]},
        "target": {"type": ["number", "null"]},
        "note": {"type": ["string", "null"]},
    },
    "required": ["indicator_id", "area_id", "period", "baseline", "target", "note"],
}


def _known(model, ids: list[int], field: str) -> None:
    ids = list(dict.fromkeys(ids))
    if not ids:
        return
    found = db.session.scalar(select(func.count()).select_from(model).where(model.id.in_(ids)))
    if found != len(ids):
        raise ApiProblem(422, _("Nicht jede angegebene Nummer gibt es."), [{"field": field, "message": _("unbekannte Nummer")}])  # fmt: skip


def _data(values: dict, base: Measure | None) -> services.MeasureData:
    def pick(key, default):
        return values[key] if key in values else default

    data = services.MeasureData(
        title=pick("title", base.title if base else ""),
        problem=pick("problem", base.problem if base else None),
        goal=pick("goal", base.goal if base else None),
        description=pick("description", base.description if base else None),
        target_groups=pick("target_groups", base.target_groups if base else None),
        start_date=pick("start_date", base.start_date if base else None),
        end_date=pick("end_date", base.end_date if base else None),
        budget=pick("budget", base.budget if base else None),
        organisation_ids=pick(
            "organisation_ids", [o.id for o in base.organisations] if base else []
        ),  # fmt: skip
        contact_id=pick("contact_id", base.contact_id if base else None),
        area_ids=pick("area_ids", [a.id for a in base.target_areas] if base else []),
        parent_id=pick("parent_id", base.parent_id if base else None),
        meeting_id=pick("meeting_id", None),
    )
    if data.budget is not None:
        data.budget = f"{data.budget:.2f}"
    _known(Organisation, data.organisation_ids, "organisation_ids")
    _known(Area, data.area_ids, "area_ids")
    _known(Person, [data.contact_id] if data.contact_id else [], "contact_id")
    _known(Measure, [data.parent_id] if data.parent_id else [], "parent_id")
    return data


def _create(values: dict, user) -> Measure:
    return _saved(services.save_measure(None, _data(values, None), user))


def _update(measure: Measure, values: dict, user) -> Measure:
    status = values.pop("status", None)
    if values:
        services.save_measure(measure, _data(values, measure), user)
    if status is not None and status != measure.status.value:
        services.set_status(measure, status, user)
    return _saved(measure)


def _saved(measure: Measure) -> Measure:
    db.session.flush()
    db.session.expire(measure, ["justifications", "target_areas", "organisations"])
    return measure


_TEXT = {"type": ["string", "null"], "maxLength": 20_000, "x-multiline": True}
_BODY = {
    "type": "object",
    "required": ["title"],
    "additionalProperties": False,
    "properties": {
        "title": {"type": "string", "maxLength": 300, "minLength": 1, "description": "Titel"},
        "problem": {**_TEXT, "description": "Problem"},
        "goal": {**_TEXT, "description": "Ziel"},
        "description": {**_TEXT, "maxLength": 50_000, "description": "Beschreibung (Markdown)"},
        "target_groups": {
            "type": ["string", "null"],
            "maxLength": 500,
            "description": "Zielgruppen",
        },  # fmt: skip
        "start_date": {"type": ["string", "null"], "format": "date", "description": "Beginn"},
        "end_date": {"type": ["string", "null"], "format": "date", "description": "Ende"},
        "budget": {
            "type": ["number", "null"],
            "minimum": 0,
            "maximum": 999_999_999_999,
            "description": "Budget in Euro",
        },  # fmt: skip
        "organisation_ids": {
            "type": "array",
            "maxItems": 50,
            "items": {"type": "integer", "minimum": 1},
            "description": "Verantwortliche Organisationen",
        },  # fmt: skip
        "contact_id": {
            "type": ["integer", "null"],
            "minimum": 1,
            "description": "Ansprechperson",
        },  # fmt: skip
        "area_ids": {
            "type": "array",
            "maxItems": 500,
            "items": {"type": "integer", "minimum": 1},
            "description": "Zielräume",
        },  # fmt: skip
        "parent_id": {"type": ["integer", "null"], "minimum": 1, "description": "Teil von"},
        "meeting_id": {
            "type": ["integer", "null"],
            "minimum": 1,
            "description": "Nur beim Anlegen: die Fachplanerkonferenz, auf der sie erfasst wird",
        },  # fmt: skip
        "status": {
            "type": "string",
            "enum": list(MeasureStatus),
            "description": "Nur beim Ändern: der nächste Status",
        },  # fmt: skip
    },
}

register(Resource(
    path="massnahmen", model=Measure, title="Maßnahmen",
    description="Maßnahmen mit ihrer Begründung durch Indikatoren in Gebieten.",
    permission=Permission.MEASURES_VIEW,
    options=lambda: [selectinload(Measure.justifications), selectinload(Measure.organisations),
                     selectinload(Measure.target_areas)],  # fmt: skip
    fields=(
        F("title", "string", "Titel"),
        F("status", "string", "Status", enum=tuple(MeasureStatus)),
        F("problem", "string", "Problem", nullable=True),
        F("goal", "string", "Ziel", nullable=True),
        F("description", "string", "Beschreibung (Markdown)", nullable=True),
        F("target_groups", "string", "Zielgruppen", nullable=True),
        F("start_date", "date", "Beginn", nullable=True),
        F("end_date", "date", "Ende", nullable=True),
        F("budget", "number", "Budget in Euro", nullable=True),
        F("progress", "integer", "Fortschritt in Prozent", nullable=True),
        F("parent_id", "integer", "Teil von", nullable=True),
        F("meeting_id", "integer", "Erfasst auf der Sitzung", nullable=True),
        F("contact_id", "integer", "Ansprechperson", nullable=True),
        F("organisation_ids", "array", "Verantwortliche Organisationen", items={"type": "integer"},
          get=lambda m, u: [o.id for o in m.organisations]),
        F("area_ids", "array", "Zielräume", items={"type": "integer"},
          get=lambda m, u: sorted(a.id for a in m.target_areas)),
        F("justifications", "array", "Begründung: Indikatoren in Gebieten mit Ausgangs- und Zielwert",
          items=_JUSTIFICATION, get=_justifications),
        *STAMPS,
    ),
    filters=(
        Filter("status", "string", "Nur Maßnahmen in diesem Status",
               lambda s, v: s.where(Measure.status == v), enum=tuple(MeasureStatus)),
    ),
    write=Write(body=_BODY, create=_create, update=_update, permission=Permission.MEASURES_LOG,
                description="Maßnahmen anlegen und ändern, wie in den Seiten erlaubt."),
))  # fmt: skip
