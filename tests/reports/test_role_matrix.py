"""The view x role matrix of every report route: planners write and move editions through their
states; participants read editions in agreement and later and comment on them; politicians
read published editions only (a draft or an agreement is not found for them); suppliers see
nothing of the report. A refused POST changes nothing."""

from __future__ import annotations

import pytest

from planner.core.permissions import ROLE_PERMISSIONS, Permission, Role
from tests.core.test_permissions import _snapshot
from tests.reports import world as report_world
from tests.routes import uncovered

P = Permission
# what a page needs: a permission, and for an edition the state it is in
DRAFT, AGREED, PUBLISHED = "draft", "agreed", "published"
PAGES = {
    "/berichte/": (P.REPORTS_VIEW, None),
    "/berichte/export.csv": (P.REPORTS_VIEW, None),
    "/berichte/neu": (P.DOMAIN_EDIT, None),
    "/berichte/vergleich": (P.REPORTS_VIEW, None),
    "/berichte/vergleich?a={published_id}&b={agreed_id}": (P.REPORTS_VIEW, None),
    "/berichte/baustein?art=karte&indikator=SGB2&ebene=Sozialraum&zeitraum=2020": (
        P.DOMAIN_EDIT,
        None,
    ),
    "/berichte/{draft_id}": (P.REPORTS_VIEW, DRAFT),
    "/berichte/{agreed_id}": (P.REPORTS_VIEW, AGREED),
    "/berichte/{published_id}": (P.REPORTS_VIEW, PUBLISHED),
    "/berichte/{draft_id}/bearbeiten": (P.DOMAIN_EDIT, None),
    "/berichte/{draft_id}/abschnitte/neu": (P.DOMAIN_EDIT, None),
    "/berichte/{draft_id}/abschnitte/{section_id}/bearbeiten": (P.DOMAIN_EDIT, None),
    "/berichte/{draft_id}/abschnitte/{section_id}": (P.REPORTS_VIEW, DRAFT),
    "/berichte/{agreed_id}/abschnitte/{agreed_section_id}": (P.REPORTS_VIEW, AGREED),
    "/berichte/{published_id}/abschnitte/{published_section_id}": (P.REPORTS_VIEW, PUBLISHED),
    "/berichte/{draft_id}/druckfassung": (P.REPORTS_VIEW, DRAFT),
    "/berichte/{agreed_id}/druckfassung": (P.REPORTS_VIEW, AGREED),
    "/berichte/{published_id}/druckfassung": (P.REPORTS_VIEW, PUBLISHED),
    "/berichte/{published_id}/pdf": (P.REPORTS_VIEW, PUBLISHED),
    "/berichte/{agreed_id}/pdf": (P.REPORTS_VIEW, AGREED),
    "/berichte/{published_id}/docx": (P.REPORTS_VIEW, PUBLISHED),
    "/berichte/{draft_id}/docx": (P.REPORTS_VIEW, DRAFT),
    "/berichte/{agreed_id}/aenderungen": (P.REPORTS_VIEW, AGREED),
    "/berichte/{published_id}/aenderungen": (P.REPORTS_VIEW, PUBLISHED),
}
REDIRECT_PAGES = {  # the address of a refused change, reloaded: back to the page
    "/berichte/{draft_id}/abstimmung": (P.DOMAIN_EDIT, None),
    "/berichte/{agreed_id}/beschluss": (P.DOMAIN_EDIT, None),
    "/berichte/{published_id}/veroeffentlichung": (P.DOMAIN_EDIT, None),
    "/berichte/{agreed_id}/abschnitte/{agreed_section_id}/stellungnahme": (
        P.REPORTS_COMMENT,
        AGREED,
    ),
    "/berichte/{agreed_id}/stellungnahmen/{comment_id}/antwort": (P.DOMAIN_EDIT, AGREED),
}
POSTS = {
    "/berichte/{draft_id}/loeschen": P.DOMAIN_EDIT,
    "/berichte/{draft_id}/abstimmung": P.DOMAIN_EDIT,
    "/berichte/{agreed_id}/entwurf": P.DOMAIN_EDIT,
    "/berichte/{agreed_id}/beschluss": P.DOMAIN_EDIT,
    "/berichte/{published_id}/veroeffentlichung": P.DOMAIN_EDIT,
    "/berichte/{draft_id}/abschnitte/{section_id}/verschieben": P.DOMAIN_EDIT,
    "/berichte/{draft_id}/abschnitte/{section_id}/loeschen": P.DOMAIN_EDIT,
    "/berichte/{agreed_id}/stellungnahmen/{comment_id}/antwort": P.DOMAIN_EDIT,
    "/berichte/vorschau": P.DOMAIN_EDIT,
}
STATE_READERS = {DRAFT: P.DOMAIN_EDIT, AGREED: P.REPORTS_COMMENT, PUBLISHED: P.REPORTS_VIEW}


def _allowed(role: Role, permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


def _expected(role: Role, permission, state, ok: int) -> int:
    if not _allowed(role, permission):
        return 403
    if state and not _allowed(role, STATE_READERS[state]):
        return 404
    return ok


@pytest.fixture
def world(db):
    return report_world.build()


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_each_role_reaches_exactly_the_pages_it_may(client, login_as, world, role):
    login_as(role.value)
    wrong = []
    for pages, ok in ((PAGES, 200), (REDIRECT_PAGES, 302)):
        for template, (permission, state) in pages.items():
            url = template.format(**world)
            response = client.get(url)
            if response.status_code != _expected(role, permission, state, ok):
                wrong.append((url, response.status_code))
            response.close()
    assert wrong == []


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.ADMIN, Role.PLANNER)], ids=str)
def test_refused_posts_change_nothing(client, login_as, world, role):
    login_as(role.value)
    before = _snapshot()
    data = {
        "due": "2026-12-01",
        "resolution": "x",
        "on": "2026-12-01",
        "answer": "Gehackt",
        "resolve": "y",
        "heading": "Gehackt",
        "text": "Gehackt",
        "richtung": "hoch",
    }
    for template in POSTS:
        response = client.post(template.format(**world), data=data)
        assert response.status_code == 403, template
    assert _snapshot() == before


@pytest.mark.parametrize("role", [Role.VIEWER, Role.SUPPLIER], ids=str)
def test_who_may_not_comment_cannot(client, login_as, world, role):
    login_as(role.value)
    before = _snapshot()
    response = client.post("/berichte/{agreed_id}/abschnitte/{agreed_section_id}/stellungnahme"
                           .format(**world), data={"comment": "Gehackt"})  # fmt: skip
    assert response.status_code in (403, 404)
    assert _snapshot() == before


def test_the_matrix_covers_every_route(app, world):
    assert uncovered(app, {**PAGES, **REDIRECT_PAGES}, POSTS, world, ("reports",)) == set()
