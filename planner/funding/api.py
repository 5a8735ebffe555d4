"""Funding applications in the REST API."""

from __future__ import annotations

from planner.api.registry import STAMPS, Filter, Resource, register
from planner.api.registry import Field as F
from planner.core.permissions import Permission
from planner.funding.models import ApplicationStatus, FundingApplication

register(Resource(
    path="foerderantraege", model=FundingApplication, title="Förderanträge",
    description="Anträge an Förderprogramme mit Beträgen, Stand und Bewilligungszeitraum.",
    permission=Permission.FUNDING_VIEW,
    fields=(
        F("programme_id", "integer", "Förderprogramm"),
        F("module_id", "integer", "Fördermodul", nullable=True),
        F("call_id", "integer", "Förderaufruf", nullable=True),
        F("applicant_id", "integer", "Antragstellende Organisation"),
        F("title", "string", "Titel"),
        F("year", "integer", "Förderjahr"),
        F("total_costs", "number", "Gesamtkosten in Euro"),
        F("requested", "number", "Beantragt in Euro"),
        F("granted", "number", "Bewilligt in Euro", nullable=True),
        F("status", "string", "Stand", enum=tuple(ApplicationStatus)),
        F("submitted_on", "date", "Eingereicht am", nullable=True),
        F("decided_on", "date", "Entschieden am", nullable=True),
        F("reference", "string", "Aktenzeichen", nullable=True),
        F("period_start", "date", "Bewilligungszeitraum ab", nullable=True),
        F("period_end", "date", "Bewilligungszeitraum bis", nullable=True),
        *STAMPS,
    ),
    filters=(
        Filter("status", "string", "Nur Anträge in diesem Stand",
               lambda s, v: s.where(FundingApplication.status == v), enum=tuple(ApplicationStatus)),
        Filter("year", "integer", "Nur Anträge dieses Förderjahrs",
               lambda s, v: s.where(FundingApplication.year == v)),
    ),
))  # fmt: skip
