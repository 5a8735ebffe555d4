"""The view x role matrix of every monitoring route: each role reaches exactly what the
permission table and the object rules allow (a supplier only its own organisation's
deliveries and imports), and a refused POST changes nothing."""

from __future__ import annotations

import io

import pytest

from planner.accounts.models import Organisation
from planner.core.permissions import ROLE_PERMISSIONS, Permission, Role
from planner.extensions import db as _db
from tests.core.test_permissions import _snapshot
from tests.factories import OrganisationFactory
from tests.monitoring import world as monitoring_world
from tests.routes import uncovered

P = Permission
OWN = "own"  # the supplier's own organisation's object: suppliers and editors
PAGES = {
    "/raeume/": P.MONITORING_VIEW,
    "/raeume/{area_id}": P.MONITORING_VIEW,
    "/raeume/neu": P.DOMAIN_EDIT,
    "/raeume/{area_id}/bearbeiten": P.DOMAIN_EDIT,
    "/raeume/import": P.DOMAIN_EDIT,
    "/indikatoren/": P.MONITORING_VIEW,
    "/indikatoren/{indicator_id}": P.MONITORING_VIEW,
    "/indikatoren/neu": P.DOMAIN_EDIT,
    "/indikatoren/{indicator_id}/bearbeiten": P.DOMAIN_EDIT,
    "/indikatoren/{indicator_id}/tabelle": P.MONITORING_VIEW,
    "/indikatoren/{indicator_id}/karte": P.MONITORING_VIEW,
    "/indikatoren/{indicator_id}/verlauf": P.MONITORING_VIEW,
    "/werte/{observation_id}": P.MONITORING_VIEW,
    "/werte/import": P.DOMAIN_EDIT,
    "/werte/importe/": P.DASHBOARD_VIEW,
    "/werte/importe/{job_id}": OWN,
    "/werte/importe/{job_id}/status.json": OWN,
    "/index/": P.MONITORING_VIEW,
    "/index/neu": P.DOMAIN_EDIT,
    "/index/{run_id}": P.MONITORING_VIEW,
    "/index/{run_id}.csv": P.MONITORING_VIEW,
    "/index/{run_id}.xlsx": P.MONITORING_VIEW,
    "/index/export.csv": P.MONITORING_VIEW,
    "/raeume/export.csv?q=x": P.MONITORING_VIEW,
    "/indikatoren/export.xlsx": P.MONITORING_VIEW,
    "/werte/importe/export.csv": P.DASHBOARD_VIEW,
    "/auszuege/export.xlsx": P.DOMAIN_EDIT,
    "/lieferungen/export.csv?status=verspaetet": P.DOMAIN_EDIT,
    "/lieferungen/plaene/export.csv": P.DOMAIN_EDIT,
    "/meine-lieferungen/export.xlsx": P.DELIVERIES_OWN,
    "/auszuege/neu": P.MONITORING_EXTRACT,
    "/auszuege/": P.DOMAIN_EDIT,
    "/lieferungen/": P.DOMAIN_EDIT,
    "/lieferungen/plaene/": P.DOMAIN_EDIT,
    "/lieferungen/plaene/neu": P.DOMAIN_EDIT,
    "/lieferungen/plaene/{schedule_id}/bearbeiten": P.DOMAIN_EDIT,
    "/lieferungen/{delivery_id}": OWN,
    "/lieferungen/{delivery_id}/vorlage.csv": OWN,
    "/lieferungen/{delivery_id}/vorlage.xlsx": OWN,
    "/meine-lieferungen": P.DELIVERIES_OWN,
    "/suche/raeume?q=s": P.MONITORING_VIEW,
    "/suche/indikatoren?q=s": P.MONITORING_VIEW,
}
POSTS = {
    "/raeume/{area_id}/loeschen": P.DOMAIN_EDIT,
    "/indikatoren/{indicator_id}/loeschen": P.DOMAIN_EDIT,
    "/lieferungen/plaene/{schedule_id}/loeschen": P.DOMAIN_EDIT,
    "/lieferungen/{delivery_id}/geprueft": P.DOMAIN_EDIT,
    "/lieferungen/{delivery_id}/hochladen": OWN,
    "/raeume/neu": P.DOMAIN_EDIT,
    "/indikatoren/neu": P.DOMAIN_EDIT,
    "/werte/import": P.DOMAIN_EDIT,
    "/index/neu": P.DOMAIN_EDIT,
    "/auszuege/neu": P.MONITORING_EXTRACT,
    "/raeume/import": P.DOMAIN_EDIT,
    "/lieferungen/plaene/neu": P.DOMAIN_EDIT,
}


def _allowed(role: Role, permission) -> bool:
    if permission == OWN:
        return P.DOMAIN_EDIT in ROLE_PERMISSIONS[role] or role == Role.SUPPLIER
    return permission in ROLE_PERMISSIONS[role]


@pytest.fixture
def world(db):
    own = OrganisationFactory(name="Liefernde Gemeinde")
    ids = monitoring_world.build(own)
    return {"own": own.id, **ids}


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_each_role_reaches_exactly_the_monitoring_pages_it_may(client, login_as, world, role):
    login_as(role.value, organisation=_db.session.get(Organisation, world["own"]))
    wrong = []
    for template, permission in PAGES.items():
        url = template.format(**world)
        response = client.get(url)
        expected = (200,) if _allowed(role, permission) else (403, 404)
        if response.status_code not in expected:
            wrong.append((url, response.status_code))
        response.close()
    assert wrong == []


def test_a_supplier_of_another_organisation_sees_none_of_it(client, login_as, world):
    login_as("supplier", organisation=OrganisationFactory(name="Fremde Gemeinde"))
    for template, permission in PAGES.items():
        if permission == OWN:
            assert client.get(template.format(**world)).status_code == 404, template


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.ADMIN, Role.PLANNER)], ids=str)
def test_refused_posts_change_nothing(client, login_as, world, role):
    login_as(role.value, organisation=OrganisationFactory(name="Fremde Gemeinde"))
    before = _snapshot()
    data = {"code": "X", "name": "Gehackt", "level": "Sozialraum", "unit": "%", "polarity": "higher_is_worse",
            "periodicity": "jaehrlich", "factor": "100", "indicators": "SGB2", "period": "2020",
            "first_period": "2020", "organisation": "Fremde Gemeinde"}  # fmt: skip
    for template, permission in POSTS.items():
        if permission == P.MONITORING_EXTRACT and _allowed(role, permission):
            continue  # an extract writes its log entry: it is allowed
        upload = {"file": (io.BytesIO(b"raum;SGB2\nK1-0;1\n"), "x.csv")}
        response = client.post(
            template.format(**world), data={**data, **upload}, content_type="multipart/form-data"
        )
        assert response.status_code in (403, 404), template
    assert _snapshot() == before


def test_the_matrix_covers_every_monitoring_route(app, world):
    assert uncovered(app, PAGES, POSTS, world, ("monitoring",)) == set()


def test_the_import_list_shows_only_what_its_pages_show(client, login_as, world):
    """A participant of the supplier's organisation sees none of its imports, listed or opened."""
    login_as("participant", organisation=_db.session.get(Organisation, world["own"]))
    assert "werte.csv" not in client.get("/werte/importe/").get_data(as_text=True)
    assert client.get(f"/werte/importe/{world['job_id']}").status_code == 404
    client.post("/abmelden")
    login_as("supplier", organisation=_db.session.get(Organisation, world["own"]))
    assert "werte.csv" in client.get("/werte/importe/").get_data(as_text=True)
