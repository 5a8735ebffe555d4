"""Organisations, persons, bodies, papers and resolutions through their pages: German messages
at the field, nothing half-saved, deletion refused while referenced (archiving offered)."""

from __future__ import annotations

from sqlalchemy import func, select

from planner.accounts.models import Organisation
from planner.extensions import db as _db
from planner.governance.models import Membership, Paper, Resolution
from planner.stakeholders.models import Person
from tests.factories import (
    BodyFactory,
    MembershipFactory,
    OrganisationFactory,
    PaperFactory,
    PersonFactory,
)


def _count(model) -> int:
    _db.session.expire_all()
    return _db.session.scalar(select(func.count()).select_from(model))


def test_organisations_are_created_listed_searched_and_unique(client, db, login_as):
    login_as("planner")
    parent = OrganisationFactory(name="Rhein-Sieg-Kreis")
    data = {"name": "Sozialamt des Kreises", "kind": "kreisverwaltung", "parent": "Rhein-Sieg-Kreis",
            "website": "www.rhein-sieg-kreis.de", "address": "Kaiser-Wilhelm-Platz 1\n53721 Siegburg"}  # fmt: skip
    response = client.post("/organisationen/neu", data=data)
    assert response.status_code == 302
    org = _db.session.scalar(
        select(Organisation).where(Organisation.name == "Sozialamt des Kreises")
    )
    assert (org.parent_id, org.website) == (parent.id, "https://www.rhein-sieg-kreis.de")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Kaiser-Wilhelm-Platz 1" in page and "Rhein-Sieg-Kreis" in page
    again = client.post("/organisationen/neu", data={**data, "name": "sozialamt des kreises"})
    assert again.status_code == 422
    assert "Es gibt bereits eine Organisation" in again.get_data(as_text=True)
    bad_site = client.post(
        "/organisationen/neu", data={**data, "name": "X", "website": "javascript:alert(1)"}
    )
    assert bad_site.status_code == 422 and "Webadresse" in bad_site.get_data(as_text=True)
    listing = client.get("/organisationen/?q=sozialamt&kind=kreisverwaltung").get_data(as_text=True)
    assert "Sozialamt des Kreises" in listing and "Rhein-Sieg-Kreis</a>" not in listing
    # an organisation cannot be placed below itself
    cycle = client.post(f"/organisationen/{parent.id}/bearbeiten",
                        data={"name": "Rhein-Sieg-Kreis", "kind": "kommune", "parent": "Sozialamt des Kreises"})  # fmt: skip
    assert cycle.status_code == 422 and "untergeordnet" in cycle.get_data(as_text=True)


def test_a_referenced_organisation_is_archived_not_deleted(client, db, login_as):
    login_as("planner")
    org = OrganisationFactory(name="Gemeinde Much")
    PersonFactory(organisation=org)
    response = client.post(f"/organisationen/{org.id}/loeschen")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "kann nicht gelöscht werden" in page and "Personen (1)" in page and "Archivieren" in page
    assert _db.session.get(Organisation, org.id) is not None
    client.post(f"/organisationen/{org.id}/archivieren")
    assert "Gemeinde Much" not in client.get("/organisationen/").get_data(as_text=True)
    assert "Gemeinde Much" in client.get("/organisationen/?archived=y").get_data(as_text=True)
    assert client.get("/suche/organisationen?q=much").get_json() == []  # no longer suggested
    free = OrganisationFactory(name="Ohne Bezug")
    free_id = free.id
    assert client.post(f"/organisationen/{free_id}/loeschen").status_code == 302
    _db.session.expire_all()
    assert _db.session.get(Organisation, free_id) is None


def test_a_supplier_sees_only_its_own_organisation(client, db, login_as):
    own = OrganisationFactory(name="Stadt Siegburg")
    OrganisationFactory(name="Stadt Troisdorf")
    login_as("supplier", organisation=own)
    listing = client.get("/organisationen/").get_data(as_text=True)
    assert "Stadt Siegburg" in listing and "Stadt Troisdorf" not in listing
    assert client.get(f"/organisationen/{own.id}").status_code == 200


def test_persons_need_a_date_for_consent_and_are_unlinked_from_accounts_once(client, db, login_as):
    planner = login_as("planner")
    org = OrganisationFactory(name="Caritas")
    data = {"name": "Ansprechperson Caritas", "organisation": "Caritas", "legal_basis": "einwilligung",
            "email": "kontakt@caritas.example"}  # fmt: skip
    response = client.post("/personen/neu", data=data)
    assert response.status_code == 422
    assert "wann sie erteilt wurde" in response.get_data(as_text=True)
    assert _count(Person) == 0
    assert (
        client.post("/personen/neu", data={**data, "consent_date": "2024-05-02"}).status_code == 302
    )
    person = _db.session.scalar(select(Person))
    assert (person.organisation_id, str(person.consent_date)) == (org.id, "2024-05-02")
    link = {"name": "Zweite", "legal_basis": "aufgabe", "account": planner.email}
    assert client.post("/personen/neu", data=link).status_code == 302
    twice = client.post("/personen/neu", data={**link, "name": "Dritte"})
    assert twice.status_code == 422 and "gehört schon" in twice.get_data(as_text=True)


def test_a_person_with_memberships_is_not_deleted(client, db, login_as):
    login_as("planner")
    membership = MembershipFactory()
    response = client.post(f"/personen/{membership.person_id}/loeschen")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Mitgliedschaften in Gremien (1)" in page and "gelöschte Person" in page
    assert _db.session.get(Person, membership.person_id) is not None


def test_memberships_do_not_overlap_and_end_after_they_begin(client, db, login_as):
    login_as("planner")
    body = BodyFactory(name="Sozialausschuss")
    person = PersonFactory(name="Vorsitz Test", organisation=OrganisationFactory(short_name="RSK"))
    url = f"/gremien/{body.id}/mitglieder/neu"
    data = {"person": "Vorsitz Test (RSK)", "role": "vorsitz", "start_date": "2020-01-01"}
    assert client.post(url, data=data).status_code == 302
    overlap = client.post(url, data={**data, "start_date": "2021-01-01"})
    assert overlap.status_code == 422 and "schon Mitglied" in overlap.get_data(as_text=True)
    backwards = client.post(
        url, data={**data, "start_date": "2010-01-01", "end_date": "2009-01-01"}
    )
    assert backwards.status_code == 422 and "vor ihrem Beginn" in backwards.get_data(as_text=True)
    assert _count(Membership) == 1
    page = client.get(f"/gremien/{body.id}").get_data(as_text=True)
    assert "Vorsitz Test (RSK)" in page and "Vorsitz" in page
    assert person.id


def test_papers_have_unique_numbers_and_resolutions_honest_votes(client, db, login_as):
    login_as("planner")
    PaperFactory(reference="2017/0207", title="Sachstand")
    body = BodyFactory(name="Kreistag", short_name="KT")
    paper = {"reference": "2017/0207", "title": "Doppelt", "kind": "vorlage", "date": "2017-06-01"}
    response = client.post("/vorlagen/neu", data=paper)
    assert response.status_code == 422 and "schon vergeben" in response.get_data(as_text=True)
    assert _count(Paper) == 1
    resolution = {"body": "Kreistag", "date": "2016-12-19", "title": "Auftrag", "vote": "einstimmig",
                  "votes_yes": "30", "paper": "2017/0207"}  # fmt: skip
    response = client.post("/beschluesse/neu", data=resolution)
    assert response.status_code == 422 and "Stimmenzahlen gehören" in response.get_data(
        as_text=True
    )
    counted = {
        **resolution,
        "vote": "ausgezaehlt",
        "votes_yes": "30",
        "votes_no": "31",
        "votes_abstain": "2",
    }
    assert client.post("/beschluesse/neu", data=counted).status_code == 302
    saved = _db.session.scalar(select(Resolution))
    assert not saved.adopted and saved.body_id == body.id and saved.paper.reference == "2017/0207"
    assert "abgelehnt (Ja: 30, Nein: 31, Enthaltung: 2)" in client.get(
        f"/beschluesse/{saved.id}"
    ).get_data(as_text=True)
    # a rejected resolution offers no mandate
    assert "Auftrag als Prozessschritt anlegen" not in client.get(
        f"/beschluesse/{saved.id}"
    ).get_data(as_text=True)
    negative = client.post("/beschluesse/neu", data={**counted, "votes_no": "-1"})
    assert negative.status_code == 422
