"""Meeting pages: non-public items and invitees hidden from politicians, the agenda reordered by
keyboard (up/down) and by drag and drop, forms refusing bad input at the field, the printable
agenda, the participation history on organisation and person pages."""

from __future__ import annotations

from sqlalchemy import select

from planner.extensions import db as _db
from planner.meetings import services
from planner.meetings.models import AgendaItem, Meeting
from tests.core.test_permissions import _snapshot
from tests.factories import OrganisationFactory
from tests.meetings import world as meetings_world
from tests.monitoring import world as monitoring_world


def _world():
    org = OrganisationFactory(name="Stadt Beispiel")
    monitoring = monitoring_world.build(org)
    return org, {**monitoring, **meetings_world.build(org, monitoring)}


def test_politicians_see_public_items_only_and_no_invitees(client, login_as, db):
    _org, ids = _world()
    login_as("viewer")
    for url in (f"/sitzungen/{ids['meeting_id']}", f"/sitzungen/{ids['meeting_id']}/tagesordnung",
                f"/sitzungen/{ids['meeting_id']}/protokoll"):  # fmt: skip
        text = client.get(url).get_data(as_text=True)
        assert "Befunde Konferenz" in text and "Intern" not in text, url
        assert "eingeladen@example.org" not in text and "Einladungen und Anwesenheit" not in text
    client.post("/abmelden")
    login_as("participant")
    text = client.get(f"/sitzungen/{ids['meeting_id']}").get_data(as_text=True)
    assert "Intern" in text and "Einladungen und Anwesenheit" in text


def test_the_agenda_is_reordered_by_buttons_and_by_drag_and_drop(client, login_as, db):
    _org, ids = _world()
    login_as("planner")
    meeting_id = ids["meeting_id"]
    second = _db.session.scalar(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting_id, AgendaItem.position == 2)
    )
    page = client.get(f"/sitzungen/{meeting_id}").get_data(as_text=True)
    assert "Nach oben" in page and "data-reorder" in page
    assert client.post(f"/tops/{second.id}/verschieben", data={"position": "1"}).status_code == 302
    order = lambda: [i.title for i in services.items_of(meeting_id)]  # noqa: E731
    _db.session.expire_all()
    assert order() == ["Intern", "Befunde Konferenz"]
    assert (
        client.post(
            f"/sitzungen/{meeting_id}/reihenfolge", data={"order": f"{ids['item_id']},{second.id}"}
        ).status_code
        == 302
    )
    _db.session.expire_all()
    assert order() == ["Befunde Konferenz", "Intern"]
    before = _snapshot()
    response = client.post(
        f"/sitzungen/{meeting_id}/reihenfolge",
        data={"order": f"{ids['item_id']}"},
        follow_redirects=True,
    )
    assert "inzwischen geändert" in response.get_data(as_text=True)
    assert (
        client.post(f"/sitzungen/{meeting_id}/reihenfolge", data={"order": "x,y"}).status_code
        == 400
    )
    assert _snapshot() == before


def test_meeting_forms_refuse_bad_input_at_the_field(client, login_as, db):
    login_as("planner")
    before = _snapshot()
    response = client.post("/sitzungen/neu", data={"kind": "workshop", "title": "Rückwärts",
                                                   "starts_at": "2027-03-01T10:00", "ends_at": "2027-03-01T09:00"})  # fmt: skip
    assert response.status_code == 422 and 'id="ends_at-error"' in response.get_data(as_text=True)
    response = client.post("/sitzungen/neu", data={"kind": "fpk_kommunal", "title": "Ohne Kommune",
                                                   "starts_at": "2027-03-01T10:00", "ends_at": "2027-03-01T12:00"})  # fmt: skip
    assert response.status_code == 422 and 'id="municipality-error"' in response.get_data(
        as_text=True
    )
    assert _snapshot() == before
    town = OrganisationFactory(name="Stadt Musterhausen", kind="kommune")
    response = client.post("/sitzungen/neu", data={"kind": "fpk_kommunal", "title": "FPK Musterhausen",
                                                   "starts_at": "2027-03-01T10:00", "ends_at": "2027-03-01T12:00",
                                                   "municipality": town.name})  # fmt: skip
    assert response.status_code == 302
    meeting = _db.session.scalar(select(Meeting).where(Meeting.title == "FPK Musterhausen"))
    assert meeting.municipality_id == town.id
    response = client.post(
        f"/sitzungen/{meeting.id}/tops/neu", data={"title": "Zu lang", "duration": "5000"}
    )
    assert response.status_code == 422 and 'id="duration-error"' in response.get_data(as_text=True)


def test_organisation_and_person_pages_show_the_participation_history(client, login_as, db):
    org, ids = _world()
    login_as("planner")
    text = client.get(f"/organisationen/{org.id}").get_data(as_text=True)
    assert "Sitzungen: eingeladen und teilgenommen" in text and "Fachplaner-Konferenz" in text
    assert "Maßnahmen in Verantwortung" in text and "Familienzentrum Konferenz" in text
    person = _db.session.scalar(
        select(services.Person).where(services.Person.email == "eingeladen@example.org")
    )
    text = client.get(f"/personen/{person.id}").get_data(as_text=True)
    assert "Fachplaner-Konferenz" in text
