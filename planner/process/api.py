"""Process steps in the REST API."""

from __future__ import annotations

from planner.api.registry import STAMPS, Filter, Resource, register
from planner.api.registry import Field as F
from planner.core.permissions import Permission
from planner.process.models import Step, StepStatus

register(Resource(
    path="prozessschritte", model=Step, title="Prozessschritte",
    description="Die Schritte des Prozessplans mit Verantwortung, Terminen und Stand.",
    permission=Permission.PROCESS_VIEW,
    fields=(
        F("process_id", "integer", "Prozess (Zyklus)"),
        F("phase_id", "integer", "Phase"),
        F("position", "integer", "Reihenfolge in der Phase"),
        F("title", "string", "Titel"),
        F("description", "string", "Beschreibung", nullable=True),
        F("status", "string", "Stand", enum=tuple(StepStatus)),
        F("responsible_organisation_id", "integer", "Verantwortliche Organisation", nullable=True),
        F("responsible_person_id", "integer", "Verantwortliche Person", nullable=True),
        F("start_date", "date", "Beginn", nullable=True),
        F("due_date", "date", "Fällig am", nullable=True),
        F("resolution_id", "integer", "Beschluss", nullable=True),
        F("done_at", "date-time", "Erledigt am", nullable=True),
        *STAMPS,
    ),
    filters=(
        Filter("process", "integer", "Nur Schritte dieses Prozesses",
               lambda s, v: s.where(Step.process_id == v)),
        Filter("status", "string", "Nur Schritte in diesem Stand",
               lambda s, v: s.where(Step.status == v), enum=tuple(StepStatus)),
    ),
))  # fmt: skip
