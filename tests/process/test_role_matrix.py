"""The view x role matrix of every route of issue 7 (organisations, persons, bodies, papers,
resolutions, processes, steps, files): each role reaches exactly what the permission table
and the object rules allow, and a refused POST changes nothing."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

from planner.accounts.models import Organisation
from planner.core.permissions import ROLE_PERMISSIONS, Permission, Role
from planner.extensions import db as _db
from planner.files import services as files
from planner.process import services as process_services
from planner.process.models import Phase, Step
from tests.core.test_permissions import _snapshot
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PaperFactory,
    PersonFactory,
    ResolutionFactory,
)
from tests.routes import uncovered

P = Permission
# url template -> permission it needs; "{own}" is the user's own organisation
PAGES = {
    "/organisationen/": P.DOMAIN_READ,
    "/organisationen/{org}": P.DOMAIN_READ,
    "/organisationen/{own}": P.DOMAIN_READ,
    "/organisationen/neu": P.DOMAIN_EDIT,
    "/organisationen/{org}/bearbeiten": P.DOMAIN_EDIT,
    "/personen/": P.PERSONS_VIEW,
    "/personen/export.csv": P.PERSONS_VIEW,
    "/organisationen/export.xlsx?kind=kommune": P.DOMAIN_READ,
    "/personen/{person}": P.PERSONS_VIEW,
    "/personen/neu": P.DOMAIN_EDIT,
    "/personen/{person}/bearbeiten": P.DOMAIN_EDIT,
    "/personen/{person}/auskunft.json": P.PRIVACY_MANAGE,
    "/personen/{person}/personendaten-loeschen": P.PRIVACY_MANAGE,
    "/gremien/": P.PROCESS_VIEW,
    "/gremien/export.csv": P.PROCESS_VIEW,
    "/vorlagen/export.xlsx": P.PROCESS_VIEW,
    "/beschluesse/export.csv": P.PROCESS_VIEW,
    "/gremien/{body}": P.PROCESS_VIEW,
    "/gremien/neu": P.DOMAIN_EDIT,
    "/gremien/{body}/bearbeiten": P.DOMAIN_EDIT,
    "/gremien/{body}/mitglieder/neu": P.DOMAIN_EDIT,
    "/mitgliedschaften/{membership}/bearbeiten": P.DOMAIN_EDIT,
    "/vorlagen/": P.PROCESS_VIEW,
    "/vorlagen/{paper}": P.PROCESS_VIEW,
    "/vorlagen/neu": P.DOMAIN_EDIT,
    "/vorlagen/{paper}/bearbeiten": P.DOMAIN_EDIT,
    "/beschluesse/": P.PROCESS_VIEW,
    "/beschluesse/{resolution}": P.PROCESS_VIEW,
    "/beschluesse/neu": P.DOMAIN_EDIT,
    "/beschluesse/{resolution}/bearbeiten": P.DOMAIN_EDIT,
    "/beschluesse/{resolution}/auftrag": P.DOMAIN_EDIT,
    "/prozesse/": P.PROCESS_VIEW,
    "/prozesse/neu": P.DOMAIN_EDIT,
    "/prozesse/{process}": P.PROCESS_VIEW,
    "/prozesse/{process}/zeitplan": P.PROCESS_VIEW,
    "/prozesse/{process}/bearbeiten": P.DOMAIN_EDIT,
    "/prozesse/{process}/neuer-zyklus": P.DOMAIN_EDIT,
    "/prozesse/{process}/phasen/neu": P.DOMAIN_EDIT,
    "/prozesse/{process}/schritte/neu": P.DOMAIN_EDIT,
    "/phasen/{phase}/bearbeiten": P.DOMAIN_EDIT,
    "/prozessschritte/{step}": P.PROCESS_VIEW,
    "/prozessschritte/{step}/bearbeiten": P.DOMAIN_EDIT,
    "/prozessschritte/{step}/abhaengigkeiten": P.DOMAIN_EDIT,
    "/dateien/{file}": P.PROCESS_VIEW,  # a file of a step: who may see the step
    "/suche/ansprechpersonen?q=a": P.PERSONS_VIEW,
    "/suche/gremien?q=a": P.PROCESS_VIEW,
    "/suche/vorlagen?q=a": P.PROCESS_VIEW,
    "/suche/beschluesse?q=a": P.PROCESS_VIEW,
}
POSTS = {
    "/organisationen/{org}/archivieren": P.DOMAIN_EDIT,
    "/organisationen/{org}/reaktivieren": P.DOMAIN_EDIT,
    "/organisationen/{org}/loeschen": P.DOMAIN_EDIT,
    "/personen/{person}/archivieren": P.DOMAIN_EDIT,
    "/personen/{person}/reaktivieren": P.DOMAIN_EDIT,
    "/personen/{person}/loeschen": P.DOMAIN_EDIT,
    "/personen/{person}/personendaten-loeschen": P.PRIVACY_MANAGE,
    "/gremien/{body}/archivieren": P.DOMAIN_EDIT,
    "/gremien/{body}/reaktivieren": P.DOMAIN_EDIT,
    "/mitgliedschaften/{membership}/entfernen": P.DOMAIN_EDIT,
    "/prozessschritte/{step}/status": P.DOMAIN_EDIT,
    "/prozessschritte/{step}/loeschen": P.DOMAIN_EDIT,
    "/dateien/anhaengen/step/{step}": P.DOMAIN_EDIT,
    "/dateien/{file}/entfernen": P.DOMAIN_EDIT,
    "/organisationen/neu": P.DOMAIN_EDIT,
    "/personen/neu": P.DOMAIN_EDIT,
    "/gremien/neu": P.DOMAIN_EDIT,
    "/vorlagen/neu": P.DOMAIN_EDIT,
    "/beschluesse/neu": P.DOMAIN_EDIT,
    "/prozesse/neu": P.DOMAIN_EDIT,
    "/prozesse/{process}/neuer-zyklus": P.DOMAIN_EDIT,
    "/beschluesse/{resolution}/auftrag": P.DOMAIN_EDIT,
}
BLUEPRINTS = ("stakeholders", "governance", "process", "files")


@pytest.fixture
def world(db):
    own = OrganisationFactory(name="Eigene Organisation")
    org = OrganisationFactory(name="Fremde Organisation")
    person = PersonFactory(organisation=org)
    membership = MembershipFactory(person=person)
    paper = PaperFactory()
    resolution = ResolutionFactory(body=membership.body, paper=paper)
    process = process_services.create_process(
        process_services.ProcessData(title="Prozess", start_date=date(2024, 1, 1)), "standard"
    )
    step = _db.session.scalar(select(Step).where(Step.process_id == process.id).limit(1))
    phase = _db.session.scalar(select(Phase).where(Phase.process_id == process.id).limit(1))
    stored = files.store("step", step.id, io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "Anlage.pdf")
    _db.session.commit()
    return {"own": own.id, "org": org.id, "person": person.id, "membership": membership.id,
            "body": membership.body_id, "paper": paper.id, "resolution": resolution.id,
            "process": process.id, "step": step.id, "phase": phase.id, "file": stored.id}  # fmt: skip


def _allowed(role: Role, url_template: str, permission: Permission) -> bool:
    if permission not in ROLE_PERMISSIONS[role]:
        return False
    # a supplier sees only its own organisation
    return not (role == Role.SUPPLIER and url_template == "/organisationen/{org}")


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_each_role_reaches_exactly_the_pages_it_may(client, login_as, world, role):
    login_as(role.value, organisation=_db.session.get(Organisation, world["own"]))
    wrong = []
    for template, permission in PAGES.items():
        url = template.format(**world)
        response = client.get(url)
        expected = (200,) if _allowed(role, template, permission) else (403, 404)
        if response.status_code not in expected:
            wrong.append((url, response.status_code))
        response.close()
    assert wrong == []


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.ADMIN, Role.PLANNER)], ids=str)
def test_refused_posts_change_nothing(client, login_as, world, role):
    login_as(role.value, organisation=_db.session.get(Organisation, world["own"]))
    before = _snapshot()
    data = {"name": "Gehackt", "title": "Gehackt", "kind": "kommune", "status": "erledigt",
            "legal_basis": "amt", "reference": "X/1", "date": "2024-01-01",
            "start_date": "2024-01-01"}  # fmt: skip
    for template in POSTS:
        upload = {"file": (io.BytesIO(b"%PDF-1.4\n"), "x.pdf")}
        response = client.post(
            template.format(**world), data={**data, **upload}, content_type="multipart/form-data"
        )
        assert response.status_code == 403, template
    assert _snapshot() == before


def test_the_matrix_covers_every_route_of_the_new_domains(app, world):
    assert uncovered(app, PAGES, POSTS, world, BLUEPRINTS) == set()


def test_a_supplier_learns_nothing_of_the_process_or_other_organisations(client, login_as, world):
    own = _db.session.get(Organisation, world["own"])
    login_as("supplier", organisation=own)
    # the step deadlines are not in the supplier's calendar
    listing = client.get("/fristen/?state=").get_data(as_text=True)
    assert "Grundsatzbeschluss des Kreistags" not in listing
    # the type-ahead names no organisation but the own
    assert [o["label"] for o in client.get("/suche/organisationen?q=organisation").get_json()] == [
        "Eigene Organisation"
    ]
