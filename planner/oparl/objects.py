"""The OParl objects: what of Planner is public, shaped as the specification asks.

Public are: the bodies (Gremien) and the organisations, the meetings of bodies with their
public agenda items, the papers with their consultations and attached files, the persons who
hold a public office or mandate (legal basis „Amt“) with their memberships, the places of
meetings and the legislative terms. Non-public agenda items, internal conferences without a
body, persons on consent or the authority's task and erased persons are left out.
"""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlencode

from flask import current_app, g, url_for
from sqlalchemy import select

from planner.accounts.models import Organisation, OrganisationKind
from planner.core.i18n import BERLIN
from planner.files import services as files
from planner.files.models import StoredFile
from planner.governance import services as governance
from planner.governance.models import Body, Membership, Paper
from planner.meetings import services as meetings
from planner.meetings.models import AgendaItem, Meeting, MeetingState
from planner.stakeholders import services as stakeholders
from planner.stakeholders.models import Person

OPARL = "https://schema.oparl.org/1.1/"
FILE_OWNER = "paper"
# NRW's municipal councils are elected for five years from 1 November after the election
TERMS = [(2014, date(2014, 6, 1), date(2020, 10, 31)), (2020, date(2020, 11, 1), date(2025, 10, 31)),
         (2025, date(2025, 11, 1), date(2030, 10, 31))]  # fmt: skip


# the objects' addresses, built by formatting (a page of 100 meetings with their agenda items
# names some 5,000 addresses; url_for took most of its time); a test holds them to the routes
PATHS = {
    "system": "system", "bodies": "koerperschaften", "body": "koerperschaft",
    "organizations": "koerperschaft/organisationen", "persons": "koerperschaft/personen",
    "meetings": "koerperschaft/sitzungen", "papers": "koerperschaft/vorlagen",
    "agenda_items": "koerperschaft/tagesordnungspunkte", "consultations": "koerperschaft/beratungen",
    "memberships": "koerperschaft/mitgliedschaften", "files": "koerperschaft/dateien",
    "locations": "koerperschaft/orte", "legislative_terms": "koerperschaft/wahlperioden",
    "legislative_term": "wahlperiode/{obj_id}", "gremium": "gremium/{obj_id}",
    "organisation": "organisation/{obj_id}", "person": "person/{obj_id}",
    "membership": "mitgliedschaft/{obj_id}", "meeting": "sitzung/{obj_id}", "location": "ort/{obj_id}",
    "agenda_item": "tagesordnungspunkt/{obj_id}", "consultation": "beratung/{obj_id}",
    "paper": "vorlage/{obj_id}", "file": "datei/{obj_id}", "file_content": "datei/{obj_id}/inhalt",
}  # fmt: skip


def _base() -> str:
    if "oparl_base" not in g:
        g.oparl_base = url_for("oparl.system", _external=True)[: -len("system")]
    return g.oparl_base


def url(endpoint: str, obj_id: int | None = None, **query) -> str:
    path = PATHS[endpoint].format(obj_id=obj_id)
    return _base() + path + (("?" + urlencode(query)) if query else "")


def _stamp(value: datetime | None) -> str | None:
    return value.astimezone(BERLIN).isoformat(timespec="seconds") if value else None


def _local(value: datetime) -> str:
    """A meeting's wall-clock time (Berlin) with its offset."""
    return value.replace(tzinfo=BERLIN).isoformat(timespec="seconds")


def _common(obj, kind: str, endpoint: str) -> dict:
    return {
        "id": url(endpoint, obj_id=obj.id),
        "type": OPARL + kind,
        "created": _stamp(obj.created_at),
        "modified": _stamp(obj.updated_at),
    }


def _clean(data: dict) -> dict:
    return {k: v for k, v in data.items() if v is not None and v != []}


# --- which rows are public (the domains' rules) ----------------------------------------------

public_persons = stakeholders.publishable_persons
public_memberships = governance.public_memberships
public_meetings = meetings.public_meetings
public_items = meetings.public_items
consultations = meetings.consultations


def public_files():
    return files.files_of_kind(FILE_OWNER)


def kreis_name() -> str:
    from planner.extensions import db

    name = db.session.scalar(
        select(Organisation.name)
        .where(Organisation.kind == OrganisationKind.KREISVERWALTUNG)
        .order_by(Organisation.id)
        .limit(1)
    )
    return current_app.config.get("OPARL_BODY_NAME") or name or "Planner"


# --- objects ---------------------------------------------------------------------------------


def system() -> dict:
    config = current_app.config
    return _clean({
        "id": url("system"),
        "type": OPARL + "System",
        "oparlVersion": "https://schema.oparl.org/1.1/",
        "body": url("bodies"),
        "name": "Planner – strategische Sozialplanung",
        "contactEmail": config.get("OPARL_CONTACT_EMAIL"),
        "contactName": config.get("OPARL_CONTACT_NAME"),
        "website": url_for("core.dashboard", _external=True),
        "product": url_for("api_pages.documentation", _external=True),
    })  # fmt: skip


def body() -> dict:
    return _clean({
        "id": url("body"),
        "type": OPARL + "Body",
        "system": url("system"),
        "name": kreis_name(),
        "organization": url("organizations"),
        "person": url("persons"),
        "meeting": url("meetings"),
        "paper": url("papers"),
        "legislativeTerm": [legislative_term(n) for n, _s, _e in TERMS],
        "legislativeTermList": url("legislative_terms"),
        "agendaItem": url("agenda_items"),
        "membership": url("memberships"),
        "consultation": url("consultations"),
        "file": url("files"),
        "locationList": url("locations"),
        "classification": "Landkreis",
    })  # fmt: skip


def legislative_term(number: int) -> dict:
    for n, start, end in TERMS:
        if n == number:
            return {
                "id": url("legislative_term", obj_id=n),
                "type": OPARL + "LegislativeTerm",
                "body": url("body"),
                "name": f"Wahlperiode {start.year}–{end.year}",
                "startDate": start.isoformat(),
                "endDate": end.isoformat(),
            }
    raise KeyError(number)


def gremium(obj: Body) -> dict:
    return _clean({
        **_common(obj, "Organization", "gremium"),
        "body": url("body"),
        "name": obj.name,
        "shortName": obj.short_name,
        "organizationType": "Gremium",
        "classification": str(obj.kind.label),
        "meeting": url("meetings", gremium=obj.id),
        "membership": [url("membership", obj_id=m) for m in getattr(obj, "_membership_ids", [])],
    })  # fmt: skip


def organisation(obj: Organisation) -> dict:
    return _clean({
        **_common(obj, "Organization", "organisation"),
        "body": url("body"),
        "name": obj.name,
        "shortName": obj.short_name,
        "organizationType": "Institution",
        "classification": str(obj.kind.label),
        "subOrganizationOf": url("organisation", obj_id=obj.parent_id) if obj.parent_id else None,
    })  # fmt: skip


def person(obj: Person, memberships: list[Membership]) -> dict:
    return _clean({
        **_common(obj, "Person", "person"),
        "body": url("body"),
        "name": obj.name,
        "status": [obj.function] if obj.function else None,
        "membership": [membership(m) for m in memberships],
    })  # fmt: skip


def membership(obj: Membership) -> dict:
    return _clean({
        **_common(obj, "Membership", "membership"),
        "person": url("person", obj_id=obj.person_id),
        "organization": url("gremium", obj_id=obj.body_id),
        "role": str(obj.role.label),
        "votingRight": obj.role.value in ("vorsitz", "mitglied"),
        "startDate": obj.start_date.isoformat() if obj.start_date else None,
        "endDate": obj.end_date.isoformat() if obj.end_date else None,
    })  # fmt: skip


def location(obj: Meeting) -> dict:
    return _clean({
        "id": url("location", obj_id=obj.id),
        "type": OPARL + "Location",
        "description": obj.place,
        "meetings": [url("meeting", obj_id=obj.id)],
        "created": _stamp(obj.created_at),
        "modified": _stamp(obj.updated_at),
    })  # fmt: skip


def agenda_item(obj: AgendaItem) -> dict:
    return _clean({
        **_common(obj, "AgendaItem", "agenda_item"),
        "meeting": url("meeting", obj_id=obj.meeting_id),
        "number": str(obj.position),
        "order": obj.position,
        "name": obj.title,
        "public": True,
        "consultation": url("consultation", obj_id=obj.id) if obj.paper_id else None,
        "result": obj.outcome[:200] if obj.outcome else None,
    })  # fmt: skip


def meeting(obj: Meeting, items: list[AgendaItem]) -> dict:
    return _clean({
        **_common(obj, "Meeting", "meeting"),
        "name": obj.title,
        "meetingState": str(obj.state.label),
        "cancelled": obj.state is MeetingState.ABGESAGT,
        "start": _local(obj.starts_at),
        "end": _local(obj.ends_at),
        "location": location(obj) if obj.place else None,
        "organization": [url("gremium", obj_id=obj.body_id)] if obj.body_id else None,
        "agendaItem": [agenda_item(i) for i in items],
    })  # fmt: skip


def consultation(obj: AgendaItem, body_id: int | None) -> dict:
    return _clean({
        **_common(obj, "Consultation", "consultation"),
        "paper": url("paper", obj_id=obj.paper_id),
        "agendaItem": url("agenda_item", obj_id=obj.id),
        "meeting": url("meeting", obj_id=obj.meeting_id),
        "organization": [url("gremium", obj_id=body_id)] if body_id else None,
        "authoritative": obj.resolution_id is not None,
    })  # fmt: skip


def file(obj: StoredFile) -> dict:
    return _clean({
        **_common(obj, "File", "file"),
        "name": obj.original_name,
        "fileName": obj.original_name,
        "mimeType": obj.mime_type.split(";")[0],
        "size": obj.size,
        "accessUrl": url("file_content", obj_id=obj.id),
        "downloadUrl": url("file_content", obj_id=obj.id, download=1),
        "paper": [url("paper", obj_id=obj.owner_id)],
    })  # fmt: skip


def paper(obj: Paper, consults: list[tuple[AgendaItem, int | None]], files: list[StoredFile]) -> dict:  # fmt: skip
    return _clean({
        **_common(obj, "Paper", "paper"),
        "body": url("body"),
        "name": obj.title,
        "reference": obj.reference,
        "date": obj.date.isoformat(),
        "paperType": str(obj.kind.label),
        "originatorOrganization": [url("organisation", obj_id=obj.originator_id)] if obj.originator_id else None,  # fmt: skip
        "consultation": [consultation(item, body_id) for item, body_id in consults],
        "mainFile": file(files[0]) if files else None,
        "auxiliaryFile": [file(f) for f in files[1:]],
    })  # fmt: skip
