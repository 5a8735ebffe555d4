"""Social report editions in the REST API: the states the reader may read in the pages."""

from __future__ import annotations

from flask import url_for

from planner.api.registry import STAMPS, Resource, register
from planner.api.registry import Field as F
from planner.core.permissions import Permission
from planner.reports.models import EditionState, ReportEdition
from planner.reports.services import readable_states


def _readable(stmt, user):
    states = readable_states(user)
    return stmt.where(ReportEdition.state.in_(states)) if states else None


register(Resource(
    path="sozialberichte", model=ReportEdition, title="Sozialberichte",
    description="Ausgaben des Sozialberichts; Entwürfe nur für die Sozialplanung.",
    permission=Permission.REPORTS_VIEW, scope=_readable,
    fields=(
        F("title", "string", "Titel"),
        F("year", "integer", "Berichtsjahr"),
        F("summary", "string", "Zusammenfassung", nullable=True),
        F("state", "string", "Stand", enum=tuple(EditionState)),
        F("agreement_due", "date", "Abstimmung bis", nullable=True),
        F("resolution_id", "integer", "Beschluss", nullable=True),
        F("frozen_at", "date-time", "Daten eingefroren am", nullable=True),
        F("published_on", "date", "Veröffentlicht am", nullable=True),
        F("pdf", "string", "Die Ausgabe als PDF",
          get=lambda e, u: url_for("reports.edition_pdf", edition_id=e.id, _external=True)),
        *STAMPS,
    ),
))  # fmt: skip
