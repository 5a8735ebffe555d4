"""CSRF: a POST without a valid token is refused with 400 and a German message; nothing is
written and nothing happens."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from planner.accounts.models import LoginThrottle, User
from planner.core.audit import AuditEntry
from tests.factories import PASSWORD, UserFactory

MESSAGE = (
    "Das Formular ist abgelaufen oder unvollständig (Sicherheitsprüfung). "
    "Bitte laden Sie die Seite neu und senden Sie es erneut."
)


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def assert_refused(response) -> None:
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert MESSAGE in html
    assert '<html lang="de"' in html


def logged_in(client) -> bool:
    return client.get("/").status_code == 200


def test_csrf_protection_is_on_in_the_test_configuration(app):
    assert app.config.get("WTF_CSRF_ENABLED", True) is True


@pytest.mark.parametrize("password", [PASSWORD, "falsch-geraten"])
def test_login_without_token_is_refused(client, db, password):
    UserFactory(email="anna@kreis.example")
    response = client.post(
        "/anmelden", data={"email": "anna@kreis.example", "password": password}, csrf=False
    )
    assert_refused(response)
    assert not logged_in(client)
    assert count(db, LoginThrottle) == 0  # not even a try is counted


def test_logout_without_token_is_refused(client, login_as):
    login_as("viewer")
    assert_refused(client.post("/abmelden", csrf=False))
    assert logged_in(client)


def test_password_change_without_token_is_refused(client, db, login_as):
    user = login_as("planner")
    entries = count(db, AuditEntry)
    response = client.post(
        "/konto/passwort",
        data={"current": PASSWORD, "new": "uebernommen-123", "confirm": "uebernommen-123"},
        csrf=False,
    )
    assert_refused(response)
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(PASSWORD)
    assert count(db, AuditEntry) == entries


NEW_USER = {
    "name": "Eingeschleust",
    "email": "eingeschleust@kreis.example",
    "role": "admin",
    "password": "Kaffeetasse-Wolke-17",
    "active": "y",
}


def test_user_creation_without_token_is_refused(client, db, login_as):
    login_as("admin")
    users, entries = count(db, User), count(db, AuditEntry)
    assert_refused(client.post("/admin/benutzer/neu", data=NEW_USER, csrf=False))
    assert (count(db, User), count(db, AuditEntry)) == (users, entries)


@pytest.mark.parametrize(
    "token", ["", "erfunden", "IjAxMjM0NTY3ODki.ZZZZZZ.abcdefghijklmnopqrstuvwxyz0"]
)
def test_a_forged_token_is_refused(client, db, login_as, token):
    login_as("admin")
    users = count(db, User)
    response = client.post(
        "/admin/benutzer/neu", data={**NEW_USER, "csrf_token": token}, csrf=False
    )
    assert_refused(response)
    assert count(db, User) == users


def test_a_token_from_another_session_is_refused(app, client, db, login_as):
    login_as("admin")
    stranger = app.test_client()
    foreign_token = stranger.csrf_token()
    users = count(db, User)
    response = client.post(
        "/admin/benutzer/neu", data={**NEW_USER, "csrf_token": foreign_token}, csrf=False
    )
    assert_refused(response)
    assert count(db, User) == users


def test_the_same_post_with_its_token_goes_through(client, db, login_as):
    """The counterpart: the refusals above are due to the token alone."""
    login_as("admin")
    assert client.post("/admin/benutzer/neu", data=NEW_USER).status_code == 302
    assert (
        db.session.scalar(
            select(func.count()).select_from(User).where(User.email == NEW_USER["email"])
        )
        == 1
    )
