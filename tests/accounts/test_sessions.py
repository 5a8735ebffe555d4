"""Issue 6: sessions that end, CSRF rotation, the proxy, forced and forgotten passwords, the
password policy, equal timing and unique-address races."""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import func, select

from config import TestConfig
from planner import create_app
from planner.accounts import services
from planner.accounts.models import LoginThrottle, User
from tests.accounts.test_login import field_error, logged_in, post_login
from tests.factories import PASSWORD, UserFactory

NEW = "Kaffeetasse-Wolke-17"


def _second_client(app, client):
    """Another browser holding a copy of this client's session cookie (a captured cookie)."""
    other = app.test_client()
    cookie = client.get_cookie("session")
    other.set_cookie("session", cookie.value)
    return other


def test_logout_ends_every_session_and_a_captured_cookie(app, client, db):
    user = UserFactory()
    post_login(client, user.email, PASSWORD)
    captured = _second_client(app, client)
    laptop = app.test_client()
    post_login(laptop, user.email, PASSWORD)
    assert logged_in(captured) and logged_in(laptop)

    client.post("/abmelden")

    assert not logged_in(client)
    assert not logged_in(captured), "a cookie copied before the logout still worked"
    assert not logged_in(laptop)


def test_password_change_ends_the_other_sessions_and_keeps_this_one(app, client, db):
    user = UserFactory()
    post_login(client, user.email, PASSWORD)
    captured = _second_client(app, client)
    response = client.post(
        "/konto/passwort", data={"current": PASSWORD, "new": NEW, "confirm": NEW}
    )
    assert response.status_code == 302
    assert logged_in(client)
    assert not logged_in(captured)


def test_an_admin_reset_ends_the_sessions_and_forces_a_new_password(app, client, db, login_as):
    user = UserFactory()
    victim = app.test_client()
    post_login(victim, user.email, PASSWORD)
    login_as("admin")
    client.post(f"/admin/benutzer/{user.id}/passwort", data={"password": NEW})
    assert not logged_in(victim)
    post_login(victim, user.email, NEW)
    assert victim.get("/").headers["Location"] == "/konto/passwort"


def test_deactivation_ends_the_sessions(app, client, db, login_as):
    user = UserFactory()
    victim = app.test_client()
    post_login(victim, user.email, PASSWORD)
    login_as("admin")
    client.post(
        f"/admin/benutzer/{user.id}",
        data={"name": user.name, "email": user.email, "role": user.role.value},
    )
    assert not logged_in(victim)


def test_the_csrf_token_changes_at_login(client, db):
    user = UserFactory()
    client.get("/anmelden")
    with client.session_transaction() as session:
        before = session.get("csrf_token")
    assert before
    post_login(client, user.email, PASSWORD)
    with client.session_transaction() as session:
        assert session.get("csrf_token") != before
        assert "_user_id" in session


def test_a_new_account_must_choose_its_own_password_first(client, db, login_as):
    login_as("admin")
    client.post(
        "/admin/benutzer/neu",
        data={
            "name": "Neu",
            "email": "neu@kreis.example",
            "role": "viewer",
            "password": NEW,
            "active": "y",
        },
    )
    client.post("/abmelden")
    response = post_login(client, "neu@kreis.example", NEW)
    assert response.headers["Location"] == "/konto/passwort"
    for url in ("/", "/fristen/", "/fristen/monat"):
        assert client.get(url).headers["Location"] == "/konto/passwort", url
    page = client.get("/konto/passwort").get_data(as_text=True)
    assert "Ihr bisheriges Passwort hat die Administration vergeben" in page
    same = client.post("/konto/passwort", data={"current": NEW, "new": NEW, "confirm": NEW})
    assert field_error(same, "new") == "Das neue Passwort muss sich vom bisherigen unterscheiden."
    own = "Gartenzaun-Leuchtturm-4"
    client.post("/konto/passwort", data={"current": NEW, "new": own, "confirm": own})
    assert client.get("/").status_code == 200


def test_the_role_of_a_new_account_is_a_conscious_choice(client, db, login_as):
    login_as("admin")
    page = client.get("/admin/benutzer/neu").get_data(as_text=True)
    select_html = page[page.index('id="role"') : page.index("</select>", page.index('id="role"'))]
    assert "selected" not in select_html
    assert select_html.index("Politik (lesend)") < select_html.index("Administration")
    response = client.post(
        "/admin/benutzer/neu",
        data={"name": "Ohne Rolle", "email": "o@kreis.example", "password": NEW},
    )
    assert field_error(response, "role") == "Bitte wählen Sie eine Rolle."


@pytest.mark.parametrize(
    "password",
    [
        "passwort123",
        "1234567890",
        "aaaaaaaaaa",
        "qwertzuiop",
        "Sommer2026!",
        "Passwort-2026",
        "x" * 129,
    ],
)
def test_easy_and_absurd_passwords_are_refused(password):
    with pytest.raises(services.AccountError):
        services.check_password_rules(password)


def test_a_password_made_of_the_persons_name_is_refused():
    with pytest.raises(services.AccountError, match="zu leicht zu erraten"):
        services.check_password_rules(
            "annegret.schulze", user_inputs=("annegret.schulze@kreis.example", "Annegret Schulze")
        )
    services.check_password_rules(NEW)


def test_every_refusal_costs_exactly_one_password_hash(app, db, monkeypatch):
    """Unknown, deactivated or wrong: the same work, so the time tells nothing."""
    calls = []
    real = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash", lambda h, p: calls.append(1) or real(h, p))
    UserFactory(email="aktiv@kreis.example")
    UserFactory(email="inaktiv@kreis.example", active=False)
    for email, password in [
        ("niemand@kreis.example", PASSWORD),
        ("inaktiv@kreis.example", PASSWORD),
        ("inaktiv@kreis.example", "falsch-geraten"),
        ("aktiv@kreis.example", "falsch-geraten"),
    ]:
        calls.clear()
        with pytest.raises(services.AccountError):
            services.authenticate(email, password, "10.0.0.1")
        assert len(calls) == 1, email


def test_the_client_address_comes_from_the_proxy_when_configured(app, db):
    proxied = create_app(
        TestConfig, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], PROXY_HOPS=1
    )
    proxied.test_client_class = app.test_client_class
    client = proxied.test_client()
    client.post(
        "/anmelden",
        data={"email": "x@kreis.example", "password": "falsch-geraten"},
        headers={"X-Forwarded-For": "203.0.113.9"},
    )
    with proxied.app_context():
        db.engine.dispose()  # its own pool: closed here, not by the garbage collector
    keys = set(db.session.scalars(select(LoginThrottle.key)))
    assert "ip:203.0.113.9" in keys
    # without the setting the header is not trusted
    app.test_client().post(
        "/anmelden",
        data={"email": "y@kreis.example", "password": "falsch-geraten"},
        headers={"X-Forwarded-For": "198.51.100.7"},
    )
    assert "ip:198.51.100.7" not in set(db.session.scalars(select(LoginThrottle.key)))


def test_forgotten_password_by_mail_works_once(app, client, db, smtp):
    user = UserFactory(email="vergesslich@kreis.example")
    response = client.post("/passwort-vergessen", data={"email": "Vergesslich@Kreis.example"})
    assert "ist eine E-Mail mit einem Link" in response.get_data(as_text=True)
    [msg] = smtp.inbox.to("vergesslich@kreis.example")
    link = re.search(r"https?://\S+/passwort-neu/\S+", msg.get_body(("plain",)).get_content())[0]
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    response = client.post("/" + path, data={"new": NEW, "confirm": NEW})
    assert response.headers["Location"] == "/anmelden"
    assert post_login(client, user.email, NEW).status_code == 302
    client.post("/abmelden")
    assert client.get("/" + path).status_code == 404  # used: worth nothing now


def test_forgotten_password_answers_alike_for_unknown_addresses(client, db, smtp):
    response = client.post("/passwort-vergessen", data={"email": "niemand@kreis.example"})
    assert "ist eine E-Mail mit einem Link" in response.get_data(as_text=True)
    assert smtp.inbox.messages == []


def test_forgotten_password_cannot_flood_a_mailbox(client, db, smtp):
    UserFactory(email="opfer@kreis.example")
    for _ in range(10):
        client.post("/passwort-vergessen", data={"email": "opfer@kreis.example"})
    assert len(smtp.inbox.to("opfer@kreis.example")) == 3


def test_a_forged_reset_link_is_refused(client, db):
    assert client.get("/passwort-neu/abc.def.ghi").status_code == 404
    assert client.get("/passwort-neu/" + "x" * 5000).status_code == 404


def test_eight_concurrent_creations_of_one_address_give_one_account_and_messages(app, db):
    admin_email = UserFactory(role="admin").email
    barrier = threading.Barrier(8)
    statuses, errors = [], []

    def create(i):
        try:
            client = app.test_client()
            post_login(client, admin_email, PASSWORD, addr=f"10.8.0.{i}")
            barrier.wait()
            response = client.post(
                "/admin/benutzer/neu",
                data={
                    "name": f"Doppelt {i}",
                    "email": "doppelt@kreis.example",
                    "role": "viewer",
                    "password": NEW,
                    "active": "y",
                },
                environ_base={"REMOTE_ADDR": f"10.8.0.{i}"},
            )
            statuses.append(response.status_code)
            if response.status_code == 422:
                assert "Es gibt bereits ein Konto" in response.get_data(as_text=True)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=create, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(statuses) == [302] + [422] * 7
    count = db.session.scalar(
        select(func.count()).select_from(User).where(User.email == "doppelt@kreis.example")
    )
    assert count == 1


def test_old_english_addresses_lead_to_the_german_ones(client, db):
    for old, new in [
        ("/login", "/anmelden"),
        ("/account/password", "/konto/passwort"),
        ("/admin/users", "/admin/benutzer"),
        ("/admin/users/7", "/admin/benutzer/7"),
    ]:
        response = client.get(old)
        assert response.status_code in (301, 308), old
        assert response.headers["Location"].endswith(new), old
