"""Areas, indicators, values and index runs in the REST API; values are written as a
delivery through the import engine (all or nothing, the same checks as an uploaded file)."""

from __future__ import annotations

import io

from flask_babel import gettext as _
from sqlalchemy import Index

from planner.api.problems import ApiProblem
from planner.api.registry import STAMPS, Filter, Resource, Write, register
from planner.api.registry import Field as F
from planner.core.exports import german_decimal
from planner.core.permissions import Permission, role_can
from planner.extensions import db
from planner.monitoring import deliveries, jobs, tabular, values
from planner.monitoring.models import (
    Area,
    IndexResult,
    IndexRun,
    Indicator,
    JobState,
    Observation,
    ObservationState,
    Periodicity,
    Polarity,
)

# the value lists by indicator, in id order (the cursor's order)
Index("ix_observations_indicator_id", Observation.indicator_id, Observation.id)


def _shown(obs, user) -> values.Shown:
    return values.show(obs, None, user)


def _value(obs, user):
    return _shown(obs, user).value


def _count(name):
    def read(obs, user):
        shown = _shown(obs, user)
        return getattr(obs, name) if shown.value is not None or not (shown.secret or shown.withheld) else None  # fmt: skip

    return read


register(Resource(
    path="gebiete", model=Area, title="Gebiete",
    description="Der Raumbaum: Kreis, Kommunen, Sozialräume (ohne Umrisse).",
    permission=Permission.MONITORING_VIEW,
    fields=(
        F("code", "string", "Schlüssel"),
        F("name", "string", "Name"),
        F("level", "string", "Ebene"),
        F("parent_id", "integer", "Übergeordnetes Gebiet", nullable=True),
        F("population", "integer", "Einwohnerzahl", nullable=True),
        F("valid_from", "date", "Gültig ab", nullable=True),
        F("valid_to", "date", "Gültig bis", nullable=True),
        *STAMPS,
    ),
    filters=(
        Filter("level", "string", "Nur Gebiete dieser Ebene", lambda s, v: s.where(Area.level == v), max_length=60),  # fmt: skip
        Filter("parent", "integer", "Nur Gebiete direkt unter diesem", lambda s, v: s.where(Area.parent_id == v)),  # fmt: skip
    ),
))  # fmt: skip

register(Resource(
    path="indikatoren", model=Indicator, title="Indikatoren",
    description="Der Indikatorenkatalog mit Definition, Einheit und Polarität.",
    permission=Permission.MONITORING_VIEW,
    fields=(
        F("code", "string", "Kürzel"),
        F("name", "string", "Name"),
        F("topic", "string", "Themenfeld", nullable=True),
        F("unit", "string", "Einheit"),
        F("numerator", "string", "Zähler (Definition)", nullable=True),
        F("denominator", "string", "Nenner (Definition)", nullable=True),
        F("factor", "integer", "Faktor"),
        F("polarity", "string", "Polarität", enum=tuple(Polarity)),
        F("periodicity", "string", "Turnus", enum=tuple(Periodicity)),
        F("decimals", "integer", "Nachkommastellen"),
        F("source", "string", "Quelle", nullable=True),
        F("supplier_id", "integer", "Liefernde Organisation", nullable=True),
        F("periods", "array", "Zeiträume mit Werten", nullable=True, items={"type": "string"}),
        *STAMPS,
    ),
))  # fmt: skip


def _deliver(data: dict, user) -> dict:
    """A delivery of values: written as a long table and imported like an uploaded file."""
    delivery = None
    if data.get("delivery_id") is not None:
        delivery = deliveries.visible_delivery(user, data["delivery_id"])
        if delivery is None:
            raise ApiProblem(422, _("Diese Lieferung gibt es nicht."), [{"field": "delivery_id", "message": _("unbekannt")}])  # fmt: skip
        if not deliveries.may_deliver(user, delivery):
            raise ApiProblem(403, _("Diese Lieferung gehört einer anderen Organisation."))
    elif not role_can(user.role, Permission.DOMAIN_EDIT):
        raise ApiProblem(403, _("Werte liefern Sie zu einer Lieferung Ihrer Organisation (delivery_id)."))  # fmt: skip
    rows = data.get("rows") or []
    if not rows:
        raise ApiProblem(422, _("Die Lieferung enthält keine Werte."), [{"field": "rows", "message": _("leer")}])  # fmt: skip

    def cell(row, key):
        value = row.get(key)
        return "x" if row.get("withheld") else ("" if value is None else german_decimal(value))

    # the codes as they came (no formula defusing: the import reads this file, not Excel)
    table = [
        [r["indicator"], r["area"], r["period"], cell(r, "value"), cell(r, "numerator"), cell(r, "denominator")]
        for r in rows
    ]  # fmt: skip
    content = tabular.csv_bytes(["Indikator", "Raum", "Zeitraum", "Wert", "Zähler", "Nenner"], table)  # fmt: skip
    job = jobs.create_job(user, io.BytesIO(content), "api-lieferung.csv", layout="long",
                          delivery=delivery, provisional=bool(data.get("provisional")))  # fmt: skip
    db.session.commit()
    job = jobs.run(job.id)
    if job.state is not JobState.DONE:
        problems = [_problem(p) for p in (job.problems or [])]
        raise ApiProblem(
            422,
            _("Die Werte wurden nicht übernommen (%(n)s Problem(e)); es wurde nichts geschrieben.",
              n=job.problem_count or len(problems)),
            problems,
        )  # fmt: skip
    return {
        "import": job.id,
        "rows": job.done,
        "written": job.written or 0,
        "corrected": job.corrected or 0,
        "message": job.message,
    }


_COLUMNS = {"A": "indicator", "B": "area", "C": "period", "D": "value", "E": "numerator", "F": "denominator"}  # fmt: skip


def _problem(found: dict) -> dict:
    """An import problem (file row and column) as the field of the request's rows."""
    key = _COLUMNS.get(str(found.get("column", ""))[:1], "")
    row = int(found.get("row") or 0) - 2  # the file's header is row 1
    where = f"rows[{row}]" if row >= 0 else "rows"
    return {"field": f"{where}.{key}" if key and row >= 0 else where, "message": found.get("message", "")}  # fmt: skip


_ROW = {
    "type": "object",
    "required": ["indicator", "area", "period"],
    "additionalProperties": False,
    "properties": {
        "indicator": {
            "type": "string",
            "maxLength": 40,
            "minLength": 1,
            "description": "Kürzel des Indikators",
        },  # fmt: skip
        "area": {
            "type": "string",
            "maxLength": 40,
            "minLength": 1,
            "description": "Schlüssel des Gebiets",
        },  # fmt: skip
        "period": {
            "type": "string",
            "maxLength": 7,
            "minLength": 4,
            "description": "Zeitraum, z. B. 2024 oder 2024-H1",
        },  # fmt: skip
        "value": {"type": ["number", "null"], "description": "Wert"},
        "numerator": {"type": ["number", "null"], "description": "Zähler"},
        "denominator": {"type": ["number", "null"], "description": "Nenner"},
        "withheld": {"type": "boolean", "description": "Vom Lieferanten geheim gehalten („x“)"},
    },
}

register(Resource(
    path="werte", model=Observation, title="Werte",
    description="Beobachtete Werte je Indikator, Gebiet und Zeitraum. Werte auf kleinen "
    "Fallzahlen sind nur für die Sozialplanung sichtbar, sonst null mit secret=true.",
    permission=Permission.MONITORING_VIEW,
    fields=(
        F("indicator_id", "integer", "Indikator"),
        F("area_id", "integer", "Gebiet"),
        F("period", "string", "Zeitraum"),
        F("value", "number", "Wert (null: fehlt oder geheim)", nullable=True, get=_value),
        F("numerator", "number", "Zähler", nullable=True, get=_count("numerator")),
        F("denominator", "number", "Nenner", nullable=True, get=_count("denominator")),
        F("withheld", "boolean", "Vom Lieferanten geheim gehalten"),
        F("secret", "boolean", "Beruht auf einer kleinen Fallzahl", get=lambda o, u: _shown(o, u).secret),  # fmt: skip
        F("state", "string", "Stand", enum=tuple(ObservationState)),
        F("derived", "boolean", "Aus den Gebieten darunter summiert"),
        F("delivery_id", "integer", "Lieferung", nullable=True),
        F("updated_at", "date-time", "Zuletzt geändert"),
    ),
    filters=(
        Filter("indicator", "integer", "Nur Werte dieses Indikators", lambda s, v: s.where(Observation.indicator_id == v)),  # fmt: skip
        Filter("area", "integer", "Nur Werte dieses Gebiets", lambda s, v: s.where(Observation.area_id == v)),  # fmt: skip
        Filter("period", "string", "Nur Werte dieses Zeitraums (mit indicator oder area)", lambda s, v: s.where(Observation.period == v), max_length=7, needs=("indicator", "area")),  # fmt: skip
    ),
    write=Write(
        body={
            "type": "object", "required": ["rows"], "additionalProperties": False,
            "properties": {
                "delivery_id": {"type": ["integer", "null"], "minimum": 1, "description": "Die Lieferung (Pflicht für Datenlieferanten)"},  # fmt: skip
                "provisional": {"type": "boolean", "description": "Vorläufige Werte"},
                "rows": {"type": "array", "maxItems": 50_000, "items": _ROW, "description": "Die Werte"},  # fmt: skip
            },
        },
        create=_deliver, permission=Permission.DASHBOARD_VIEW,
        description="Eine Lieferung von Werten: alle oder keiner, geprüft wie eine hochgeladene Datei.",  # fmt: skip
    ),
))  # fmt: skip

register(Resource(
    path="indexlaeufe", model=IndexRun, title="Indexläufe",
    description="Berechnungen des Sozialindex (Einstellungen und Zeitpunkt).",
    permission=Permission.MONITORING_VIEW, modified="created_at",
    fields=(
        F("name", "string", "Name"),
        F("level", "string", "Ebene"),
        F("period", "string", "Zeitraum"),
        F("from_period", "string", "Vergleichszeitraum (Dynamik)", nullable=True),
        F("min_population", "integer", "Mindesteinwohnerzahl"),
        F("created_at", "date-time", "Berechnet am"),
    ),
))  # fmt: skip

register(Resource(
    path="indexergebnisse", model=IndexResult, title="Indexergebnisse",
    description="Die Gebiete eines Indexlaufs mit Status-, Dynamikindex und Gebietstyp.",
    permission=Permission.MONITORING_VIEW, modified=None,
    fields=(
        F("run_id", "integer", "Indexlauf"),
        F("position", "integer", "Rang"),
        F("area_id", "integer", "Gebiet"),
        F("status_index", "number", "Statusindex", nullable=True),
        F("status_class", "string", "Statusklasse", nullable=True),
        F("dynamics_index", "number", "Dynamikindex", nullable=True),
        F("dynamics_class", "string", "Dynamikklasse", nullable=True),
        F("area_type", "string", "Gebietstyp", nullable=True),
        F("reason", "string", "Grund, falls nicht bewertet", nullable=True),
    ),
    filters=(
        Filter("run", "integer", "Nur Ergebnisse dieses Laufs", lambda s, v: s.where(IndexResult.run_id == v)),  # fmt: skip
    ),
))  # fmt: skip
