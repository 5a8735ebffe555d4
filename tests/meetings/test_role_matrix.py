"""The view x role matrix of every meetings and measures route: each role reaches exactly what
the permission table and the object rules allow (a participant of the invited and responsible
organisation logs and edits; one of another organisation does not), and a refused POST changes
nothing."""

from __future__ import annotations

import pytest

from planner.accounts.models import Organisation
from planner.core.permissions import ROLE_PERMISSIONS, Permission, Role
from planner.extensions import db as _db
from tests.core.test_permissions import _snapshot
from tests.factories import OrganisationFactory
from tests.meetings import world as meetings_world
from tests.monitoring import world as monitoring_world
from tests.routes import uncovered

P = Permission
OWN = "own"  # measures.log and the object rule: planners, and participants of the organisation
PAGES = {
    "/sitzungen/": P.MEETINGS_VIEW,
    "/sitzungen/export.xlsx?q=x": P.MEETINGS_VIEW,
    "/sitzungen/neu": P.DOMAIN_EDIT,
    "/sitzungen/{meeting_id}": P.MEETINGS_VIEW,
    "/sitzungen/{meeting_id}/tagesordnung": P.MEETINGS_VIEW,
    "/sitzungen/{meeting_id}/protokoll": P.MEETINGS_VIEW,
    "/sitzungen/{meeting_id}/termin.ics": P.MEETINGS_VIEW,
    "/sitzungen/{meeting_id}/bearbeiten": P.DOMAIN_EDIT,
    "/sitzungen/{meeting_id}/tops/neu": P.DOMAIN_EDIT,
    "/tops/{item_id}/bearbeiten": P.DOMAIN_EDIT,
    "/tops/{item_id}/ergebnis": P.DOMAIN_EDIT,
    "/sitzungen/{meeting_id}/einladen": P.DOMAIN_EDIT,
    "/sitzungen/{meeting_id}/antwort": P.MEETINGS_VIEW,  # every test user's organisation is invited
    "/sitzungen/{meeting_id}/anwesenheit": P.DOMAIN_EDIT,
    "/sitzungen/{meeting_id}/protokoll/bearbeiten": P.DOMAIN_EDIT,
    "/sitzungen/{meeting_id}/aufgaben/neu": P.DOMAIN_EDIT,
    "/aufgaben/{action_id}": P.MEETINGS_VIEW,
    "/massnahmen/": P.MEASURES_VIEW,
    "/massnahmen/export.csv": P.MEASURES_VIEW,
    "/massnahmen/{measure_id}": P.MEASURES_VIEW,
    "/massnahmen/neu": P.DOMAIN_EDIT,
    "/massnahmen/neu?sitzung={meeting_id}": OWN,
    "/massnahmen/{measure_id}/bearbeiten": OWN,
    "/massnahmen/{measure_id}/begruendungen/neu": OWN,
    "/begruendungen/{justification_id}/ziel": OWN,
    "/massnahmen/{measure_id}/fortschritt": OWN,
    "/massnahmen/{measure_id}/meilensteine/neu": OWN,
    "/meilensteine/{milestone_id}": P.MEASURES_VIEW,
    "/massnahmen/aktualisieren": P.MEASURES_LOG,
    "/massnahmen/aktualisieren/vorlage.csv": P.MEASURES_LOG,
    "/suche/massnahmen?q=F": P.MEASURES_VIEW,
    "/suche/kommunen?q=S": P.DASHBOARD_VIEW,
}
POSTS = {
    "/sitzungen/{meeting_id}/status/absagen": P.DOMAIN_EDIT,
    "/sitzungen/{meeting_id}/loeschen": P.DOMAIN_EDIT,
    "/tops/{item_id}/loeschen": P.DOMAIN_EDIT,
    "/tops/{item_id}/verschieben": P.DOMAIN_EDIT,
    "/sitzungen/{meeting_id}/reihenfolge": P.DOMAIN_EDIT,
    "/einladungen/{invitation_id}/entfernen": P.DOMAIN_EDIT,
    "/sitzungen/{meeting_id}/protokoll/genehmigen": P.DOMAIN_EDIT,
    "/aufgaben/{action_id}/loeschen": P.DOMAIN_EDIT,
    "/massnahmen/{measure_id}/status": OWN,
    "/massnahmen/{measure_id}/loeschen": P.DOMAIN_EDIT,
    "/begruendungen/{justification_id}/entfernen": OWN,
    "/meilensteine/{milestone_id}/loeschen": OWN,
    "/massnahmen/{measure_id}/kommentare": P.MEASURES_LOG,
    "/antwort/{token}": "public",
}


def _allowed(role: Role, permission) -> bool:
    if permission == OWN:
        return P.MEASURES_LOG in ROLE_PERMISSIONS[role]
    return permission in ROLE_PERMISSIONS[role]


@pytest.fixture
def world(db):
    own = OrganisationFactory(name="Eingeladene Stadt")
    monitoring = monitoring_world.build(own)
    ids = meetings_world.build(own, monitoring)
    return {"own": own.id, **monitoring, **ids, "token": "ungueltig"}


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_each_role_reaches_exactly_the_pages_it_may(client, login_as, world, role):
    login_as(role.value, organisation=_db.session.get(Organisation, world["own"]))
    wrong = []
    for template, permission in PAGES.items():
        url = template.format(**world)
        response = client.get(url)
        ok = (302,) if url.startswith(("/aufgaben/", "/meilensteine/")) else (200,)  # to the owner
        expected = ok if _allowed(role, permission) else (403, 404)
        if response.status_code not in expected:
            wrong.append((url, response.status_code))
        response.close()
    assert wrong == []


def test_a_participant_of_another_organisation_may_read_but_not_log_or_edit(
    client, login_as, world
):
    login_as("participant", organisation=OrganisationFactory(name="Nicht eingeladen"))
    for template, permission in PAGES.items():
        url = template.format(**world)
        if permission == OWN:
            expected = (403,)
        elif template.endswith("/antwort"):
            expected = (404,)  # not invited: there is no invitation to answer
        elif _allowed(Role.PARTICIPANT, permission):
            expected = (200, 302)
        else:
            expected = (403,)
        assert client.get(url).status_code in expected, url


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.ADMIN, Role.PLANNER)], ids=str)
def test_refused_posts_change_nothing(client, login_as, world, role):
    login_as(role.value, organisation=OrganisationFactory(name="Fremde Gemeinde"))
    before = _snapshot()
    data = {"status": "verworfen", "position": "1", "order": "1", "text": "x", "title": "Gehackt"}
    for template, permission in POSTS.items():
        if permission in ("public", P.MEASURES_LOG) and _allowed(role, P.MEASURES_LOG):
            continue  # a participant may comment: that writes
        response = client.post(template.format(**world), data=data)
        assert response.status_code in (403, 404), template
    assert _snapshot() == before


def test_the_matrix_covers_every_route(app, world):
    assert uncovered(app, PAGES, POSTS, world, ("meetings", "measures")) == set()
