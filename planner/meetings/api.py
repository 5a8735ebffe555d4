"""Meetings and agenda items in the REST API; non-public items only for those who see them
in the pages (not for politicians)."""

from __future__ import annotations

from planner.api.registry import STAMPS, Filter, Resource, register
from planner.api.registry import Field as F
from planner.core.permissions import Permission
from planner.meetings.models import AgendaItem, Meeting, MeetingKind, MeetingState
from planner.meetings.services import sees_internal


def _items(stmt, user):
    return stmt if sees_internal(user) else stmt.where(AgendaItem.public.is_(True))


register(Resource(
    path="sitzungen", model=Meeting, title="Sitzungen",
    description="Sitzungen der Gremien und Fachkonferenzen (Ortszeit Europe/Berlin).",
    permission=Permission.MEETINGS_VIEW,
    fields=(
        F("kind", "string", "Art", enum=tuple(MeetingKind)),
        F("title", "string", "Titel"),
        F("body_id", "integer", "Gremium", nullable=True),
        F("municipality_id", "integer", "Kommune", nullable=True),
        F("starts_at", "string", "Beginn (Ortszeit, ISO 8601 ohne Zone)"),
        F("ends_at", "string", "Ende (Ortszeit, ISO 8601 ohne Zone)"),
        F("place", "string", "Ort", nullable=True),
        F("state", "string", "Stand", enum=tuple(MeetingState)),
        *STAMPS,
    ),
    filters=(
        Filter("body", "integer", "Nur Sitzungen dieses Gremiums",
               lambda s, v: s.where(Meeting.body_id == v)),
    ),
))  # fmt: skip

register(Resource(
    path="tagesordnungspunkte", model=AgendaItem, title="Tagesordnungspunkte",
    description="Punkte der Tagesordnungen; nichtöffentliche nur für Sozial- und Fachplanung.",
    permission=Permission.MEETINGS_VIEW, scope=_items,
    fields=(
        F("meeting_id", "integer", "Sitzung"),
        F("position", "integer", "Nummer"),
        F("title", "string", "Titel"),
        F("description", "string", "Beschreibung", nullable=True),
        F("public", "boolean", "Öffentlich"),
        F("paper_id", "integer", "Vorlage", nullable=True),
        F("resolution_id", "integer", "Beschluss", nullable=True),
        *STAMPS,
    ),
    filters=(
        Filter("meeting", "integer", "Nur Punkte dieser Sitzung",
               lambda s, v: s.where(AgendaItem.meeting_id == v)),
    ),
))  # fmt: skip
