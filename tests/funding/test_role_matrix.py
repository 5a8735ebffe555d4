"""The view x role matrix of every funding route: each role reaches exactly what the permission
table allows (planners change funding data; participants and politicians read it; suppliers see
nothing of it), and a refused POST changes nothing."""

from __future__ import annotations

import pytest

from planner.core.permissions import ROLE_PERMISSIONS, Permission, Role
from tests.core.test_permissions import _snapshot
from tests.funding import world as funding_world
from tests.routes import uncovered

P = Permission
PAGES = {
    "/foerderung/": P.FUNDING_VIEW,
    "/foerderung/?von=2020&bis=2030": P.FUNDING_VIEW,
    "/foerderung/massnahmen-ohne-finanzierung": P.FUNDING_VIEW,  # and measures.view
    "/foerderung/programme/": P.FUNDING_VIEW,
    "/foerderung/programme/export.csv?q=x": P.FUNDING_VIEW,
    "/foerderung/programme/neu": P.DOMAIN_EDIT,
    "/foerderung/programme/{programme_id}": P.FUNDING_VIEW,
    "/foerderung/programme/{programme_id}/bearbeiten": P.DOMAIN_EDIT,
    "/foerderung/programme/{programme_id}/module/neu": P.DOMAIN_EDIT,
    "/foerderung/module/{module_id}/bearbeiten": P.DOMAIN_EDIT,
    "/foerderung/programme/{programme_id}/aufrufe/neu": P.DOMAIN_EDIT,
    "/foerderung/aufrufe/{call_id}": P.FUNDING_VIEW,
    "/foerderung/aufrufe/{call_id}/bearbeiten": P.DOMAIN_EDIT,
    "/foerderung/antraege/": P.FUNDING_VIEW,
    "/foerderung/antraege/?status=bewilligt&year=2027&q=antrag": P.FUNDING_VIEW,
    "/foerderung/antraege/export.csv?status=bewilligt": P.FUNDING_VIEW,
    "/foerderung/haushalt/export.xlsx": P.FUNDING_VIEW,
    "/foerderung/antraege/neu": P.DOMAIN_EDIT,
    "/foerderung/antraege/neu?programm={programme_id}&massnahme={measure_id}": P.DOMAIN_EDIT,
    "/foerderung/antraege/{application_id}": P.FUNDING_VIEW,
    "/foerderung/antraege/{granted_id}": P.FUNDING_VIEW,
    "/foerderung/antraege/{application_id}/bearbeiten": P.DOMAIN_EDIT,
    "/foerderung/antraege/{granted_id}/fristen/neu": P.DOMAIN_EDIT,
    "/foerderung/fristen/{obligation_id}": P.FUNDING_VIEW,
    "/foerderung/fristen/{obligation_id}/bearbeiten": P.DOMAIN_EDIT,
    "/foerderung/haushalt/": P.FUNDING_VIEW,
    "/foerderung/haushalt/neu": P.DOMAIN_EDIT,
    "/foerderung/haushalt/{line_id}": P.FUNDING_VIEW,
    "/foerderung/haushalt/{line_id}/bearbeiten": P.DOMAIN_EDIT,
    "/foerderung/haushalt/{line_id}/aufheben": P.DOMAIN_EDIT,
    "/foerderung/haushalt/{free_line_id}/mittel": P.DOMAIN_EDIT,
    "/suche/foerderantraege?q=antrag": P.FUNDING_VIEW,
    "/suche/schritte?q=a": P.PROCESS_VIEW,
}
POSTS = {
    "/foerderung/programme/{programme_id}/loeschen": P.DOMAIN_EDIT,
    "/foerderung/module/{module_id}/loeschen": P.DOMAIN_EDIT,
    "/foerderung/aufrufe/{call_id}/loeschen": P.DOMAIN_EDIT,
    "/foerderung/antraege/{application_id}/status": P.DOMAIN_EDIT,
    "/foerderung/antraege/{application_id}/loeschen": P.DOMAIN_EDIT,
    "/foerderung/fristen/{obligation_id}/loeschen": P.DOMAIN_EDIT,
    "/foerderung/haushalt/{free_line_id}/loeschen": P.DOMAIN_EDIT,
    "/foerderung/haushalt/{line_id}/aufhebung-zuruecknehmen": P.DOMAIN_EDIT,
    "/foerderung/mittel/{allocation_id}/entfernen": P.DOMAIN_EDIT,
}
REDIRECTS = ("/foerderung/aufrufe/", "/foerderung/fristen/")


def _allowed(role: Role, permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


@pytest.fixture
def world(db):
    return funding_world.build()


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_each_role_reaches_exactly_the_pages_it_may(client, login_as, world, role):
    login_as(role.value)
    wrong = []
    for template, permission in PAGES.items():
        url = template.format(**world)
        response = client.get(url)
        redirect = url.startswith(REDIRECTS) and not url.endswith("bearbeiten")
        expected = ((302,) if redirect else (200,)) if _allowed(role, permission) else (403,)
        if response.status_code not in expected:
            wrong.append((url, response.status_code))
        response.close()
    assert wrong == []


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.ADMIN, Role.PLANNER)], ids=str)
def test_refused_posts_change_nothing(client, login_as, world, role):
    login_as(role.value)
    before = _snapshot()
    data = {"status": "eingereicht", "on": "2026-01-01", "title": "Gehackt", "amount": "1"}
    for template in POSTS:
        response = client.post(template.format(**world), data=data)
        assert response.status_code == 403, template
    assert _snapshot() == before


def test_the_matrix_covers_every_route(app, world):
    assert uncovered(app, PAGES, POSTS, world, ("funding",)) == set()
