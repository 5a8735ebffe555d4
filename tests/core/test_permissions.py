"""The role x permission table: each role reaches exactly the pages its permissions allow."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from planner.core.permissions import (
    ROLE_PERMISSIONS,
    Permission,
    Role,
    declared_permission,
    role_can,
)
from planner.extensions import db as _db
from tests.factories import UserFactory

# page -> the permission it needs (pinned here, so a changed declaration fails a test)
PAGES = {
    "/": Permission.DASHBOARD_VIEW,
    "/admin/benutzer": Permission.USERS_MANAGE,
    "/admin/benutzer/neu": Permission.USERS_MANAGE,
    "/admin/protokoll": Permission.AUDIT_VIEW,
    "/konto/passwort": Permission.ACCOUNT_SELF,
}
ADMIN_ONLY = {
    Permission.USERS_MANAGE,
    Permission.AUDIT_VIEW,
    Permission.SYSTEM_VIEW,
    Permission.PRIVACY_MANAGE,
}


@pytest.mark.parametrize("url", list(PAGES))
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_role_reaches_a_page_exactly_when_the_table_allows_it(client, login_as, role, url):
    login_as(role.value)
    response = client.get(url)
    expected = 200 if PAGES[url] in ROLE_PERMISSIONS[role] else 403
    assert response.status_code == expected
    if expected == 403:
        assert "Kein Zugriff (403)" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", list(PAGES))
def test_each_page_declares_the_permission_of_the_table(app, url):
    endpoint, _args = app.url_map.bind("localhost").match(url)
    assert declared_permission(app.view_functions[endpoint]) == PAGES[url]


def test_the_table_gives_administration_to_admins_only():
    for role, permissions in ROLE_PERMISSIONS.items():
        if role == Role.ADMIN:
            assert permissions == set(Permission)
        else:
            assert not permissions & ADMIN_ONLY, role
            assert {Permission.DASHBOARD_VIEW, Permission.ACCOUNT_SELF} <= permissions
    assert set(ROLE_PERMISSIONS) == set(Role)
    assert role_can("planner", Permission.DOMAIN_EDIT)
    assert not role_can("viewer", Permission.DOMAIN_EDIT)
    assert not role_can("kaiser", Permission.DASHBOARD_VIEW)
    assert not role_can(None, Permission.DASHBOARD_VIEW)


def test_readme_documents_the_table_as_it_is():
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    header = re.search(r"^\| permission \|(.*)\|$", readme, re.M)
    roles = [Role(cell.strip()) for cell in header.group(1).split("|")]
    documented = {}
    for match in re.finditer(r"^\| `([a-z.]+)`[^|]*\|(.*)\|$", readme, re.M):
        marks = [cell.strip() for cell in match.group(2).split("|")]
        documented[Permission(match.group(1))] = {
            role for role, mark in zip(roles, marks, strict=True) if mark == "✓"
        }
    assert set(documented) == set(Permission)
    for permission, allowed in documented.items():
        assert allowed == {r for r in Role if permission in ROLE_PERMISSIONS[r]}, permission


def _snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, to prove that a refused request changed nothing."""
    _db.session.expire_all()
    return {
        table.name: sorted((tuple(row) for row in _db.session.execute(select(table))), key=repr)
        for table in _db.metadata.sorted_tables
    }


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN], ids=str)
def test_posts_to_admin_endpoints_are_refused_and_change_nothing(app, client, login_as, role):
    login_as(role.value)
    victim = UserFactory(name="Unverändert", role="viewer")
    data = {
        "name": "Gehackt",
        "email": "gehackt@kreis.example",
        "role": "admin",
        "password": "Kaffeetasse-Wolke-17",
        "active": "y",
        "organisation": "",
    }
    before = _snapshot()
    adapter = app.url_map.bind("localhost")
    refused = []
    for rule in app.url_map.iter_rules():
        if rule.redirect_to is not None:
            continue
        needed = declared_permission(app.view_functions[rule.endpoint])
        if "POST" not in rule.methods or needed not in ADMIN_ONLY:
            continue
        url = adapter.build(rule.endpoint, {arg: victim.id for arg in rule.arguments})
        response = client.post(url, data=data)
        assert response.status_code == 403, url
        refused.append(url)
    assert {"/admin/benutzer/neu", f"/admin/benutzer/{victim.id}"} <= set(refused)
    assert f"/admin/benutzer/{victim.id}/passwort" in refused
    assert _snapshot() == before
