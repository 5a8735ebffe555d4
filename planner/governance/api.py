"""Bodies, papers and resolutions in the REST API."""

from __future__ import annotations

from planner.api.registry import STAMPS, Filter, Resource, register
from planner.api.registry import Field as F
from planner.core.permissions import Permission
from planner.governance.models import Body, BodyKind, Paper, PaperKind, Resolution, Vote

register(Resource(
    path="gremien", model=Body, title="Gremien",
    description="Kreistag, Ausschüsse, Lenkungsgruppe, Konferenzen.",
    permission=Permission.PROCESS_VIEW,
    fields=(
        F("name", "string", "Name"),
        F("short_name", "string", "Kurzname", nullable=True),
        F("kind", "string", "Art", enum=tuple(BodyKind)),
        F("organisation_id", "integer", "Organisation", nullable=True),
        F("description", "string", "Beschreibung (Markdown)", nullable=True),
        F("archived", "boolean", "Archiviert"),
        *STAMPS,
    ),
))  # fmt: skip

register(Resource(
    path="vorlagen", model=Paper, title="Vorlagen",
    description="Drucksachen und Anträge, die Gremien beraten.",
    permission=Permission.PROCESS_VIEW,
    fields=(
        F("reference", "string", "Drucksachennummer"),
        F("title", "string", "Titel"),
        F("kind", "string", "Art", enum=tuple(PaperKind)),
        F("originator_id", "integer", "Einbringende Organisation", nullable=True),
        F("date", "date", "Datum"),
        F("text", "string", "Text (Markdown)", nullable=True),
        *STAMPS,
    ),
))  # fmt: skip

register(Resource(
    path="beschluesse", model=Resolution, title="Beschlüsse",
    description="Beschlüsse der Gremien mit Abstimmungsergebnis.",
    permission=Permission.PROCESS_VIEW,
    fields=(
        F("body_id", "integer", "Gremium"),
        F("date", "date", "Datum"),
        F("title", "string", "Titel"),
        F("text", "string", "Text (Markdown)", nullable=True),
        F("vote", "string", "Ergebnis", nullable=True, enum=tuple(Vote)),
        F("votes_yes", "integer", "Ja-Stimmen", nullable=True),
        F("votes_no", "integer", "Nein-Stimmen", nullable=True),
        F("votes_abstain", "integer", "Enthaltungen", nullable=True),
        F("paper_id", "integer", "Vorlage", nullable=True),
        *STAMPS,
    ),
    filters=(
        Filter("body", "integer", "Nur Beschlüsse dieses Gremiums",
               lambda s, v: s.where(Resolution.body_id == v)),
    ),
))  # fmt: skip
