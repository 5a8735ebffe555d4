"""Login with lockout, own password, user administration, CLI."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from planner.accounts.models import Organisation, User
from tests.factories import PASSWORD, OrganisationFactory, UserFactory


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- login ----------------------------------------------------------------------------------


def test_login_is_case_insensitive_and_leads_to_the_dashboard(client, db):
    UserFactory(email="anna@kreis.example", name="Anna")
    response = client.post("/anmelden", data={"email": "Anna@Kreis.Example ", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Guten Tag, Anna" in client.get("/").get_data(as_text=True)


def test_wrong_password_is_explained_at_the_field(client, db):
    UserFactory(email="anna@kreis.example")
    response = client.post("/anmelden", data={"email": "anna@kreis.example", "password": "falsch"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "E-Mail-Adresse oder Passwort ist falsch." in html
    assert 'aria-invalid="true"' in html


def test_deactivated_user_cannot_log_in_and_is_logged_out(client, db, login_as):
    user = login_as("planner")
    assert client.get("/").status_code == 200
    user.active = False
    db.session.commit()
    assert client.get("/").status_code == 302  # the session no longer counts
    response = client.post("/anmelden", data={"email": user.email, "password": PASSWORD})
    assert "Dieses Konto ist deaktiviert" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_next_parameter_never_leaves_the_site(client, db, target):
    user = UserFactory()
    response = client.post(
        f"/anmelden?next={target}", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_next_parameter_returns_to_the_requested_page(client, db):
    user = UserFactory(role="planner")
    assert "next=%2Ffristen%2F" in client.get("/fristen/").headers["Location"]
    response = client.post(
        "/anmelden?next=/fristen/", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/fristen/"


def test_logout_needs_post_and_ends_the_session(client, login_as):
    login_as("viewer")
    assert client.get("/abmelden").status_code == 405
    assert client.post("/abmelden").status_code == 302
    assert client.get("/").status_code == 302


def test_change_own_password(client, db, login_as):
    user = login_as("participant")
    wrong = client.post(
        "/konto/passwort",
        data={"current": "nein", "new": "neues-passwort-1", "confirm": "neues-passwort-1"},
    )
    assert "Das bisherige Passwort ist nicht korrekt." in wrong.get_data(as_text=True)
    short = client.post(
        "/konto/passwort", data={"current": PASSWORD, "new": "kurz", "confirm": "kurz"}
    )
    assert "Das Passwort muss 10 bis 128 Zeichen lang sein." in short.get_data(as_text=True)
    ok = client.post(
        "/konto/passwort",
        data={"current": PASSWORD, "new": "neues-passwort-1", "confirm": "neues-passwort-1"},
    )
    assert ok.status_code == 302
    db.session.refresh(user)
    assert user.check_password("neues-passwort-1") and not user.check_password(PASSWORD)


# --- user administration ------------------------------------------------------------------


def test_admin_creates_a_user_and_duplicates_are_refused(client, db, login_as):
    login_as("admin")
    org = OrganisationFactory(name="Stadt Hennef (Sieg)")
    data = {
        "name": "Neue Person",
        "email": "Neu@Kreis.example",
        "role": "supplier",
        "organisation": org.name,
        "password": "anfangs-passwort",
        "active": "y",
    }
    assert client.post("/admin/benutzer/neu", data=data).status_code == 302
    user = db.session.scalar(select(User).where(User.email == "neu@kreis.example"))
    assert user.role.value == "supplier" and user.organisation_id == org.id
    assert user.password_hash != "anfangs-passwort" and user.check_password("anfangs-passwort")
    again = client.post("/admin/benutzer/neu", data=data)
    assert again.status_code == 422
    assert "Es gibt bereits ein Konto mit der E-Mail-Adresse neu@kreis.example" in again.get_data(
        as_text=True
    )
    assert _count(db, User) == 2


def test_admin_edits_deactivates_and_resets(client, db, login_as):
    login_as("admin")
    user = UserFactory(name="Alt Name", role="viewer")
    response = client.post(
        f"/admin/benutzer/{user.id}",
        data={"name": "Neu Name", "email": user.email, "role": "planner", "organisation": ""},
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.name, user.role.value, user.active, user.organisation_id) == (
        "Neu Name",
        "planner",
        False,
        None,
    )
    client.post(f"/admin/benutzer/{user.id}/passwort", data={"password": "zurueckgesetzt-1"})
    db.session.refresh(user)
    assert user.check_password("zurueckgesetzt-1")


def test_admin_cannot_demote_or_deactivate_themselves(client, db, login_as):
    admin = login_as("admin")
    response = client.post(
        f"/admin/benutzer/{admin.id}",
        data={"name": admin.name, "email": admin.email, "role": "viewer", "active": "y"},
    )
    assert "nicht selbst die Administrationsrechte entziehen" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.role.value == "admin"


def test_user_list_searches_and_filters(client, db, login_as):
    login_as("admin")
    UserFactory(name="Bert Bornheim", role="supplier")
    UserFactory(name="Clara Carl", role="viewer")
    html = client.get("/admin/benutzer?q=bornheim").get_data(as_text=True)
    assert "Bert Bornheim" in html and "Clara Carl" not in html
    html = client.get("/admin/benutzer?role=viewer").get_data(as_text=True)
    assert "Clara Carl" in html and "Bert Bornheim" not in html


@pytest.mark.parametrize("role", ["planner", "participant", "supplier", "viewer"])
def test_only_admins_manage_users(client, db, login_as, role):
    login_as(role)
    victim = UserFactory(name="Unverändert")
    assert client.get("/admin/benutzer").status_code == 403
    assert (
        client.post(
            "/admin/benutzer/neu",
            data={"name": "x", "email": "x@y.example", "role": "admin", "password": "0123456789"},
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/admin/benutzer/{victim.id}",
            data={"name": "Gehackt", "email": victim.email, "role": "admin"},
        ).status_code
        == 403
    )
    db.session.refresh(victim)
    assert victim.name == "Unverändert" and _count(db, User) == 2


# --- CLI ------------------------------------------------------------------------------------


def test_cli_creates_a_user_with_password_from_stdin(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Leitung@Kreis.example",
            "--name",
            "Lea Leitung",
            "--role",
            "admin",
        ],
        input="sehr-geheim-42\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "leitung@kreis.example"))
    assert user.check_password("sehr-geheim-42") and "sehr-geheim-42" not in user.password_hash
    again = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "leitung@kreis.example",
            "--name",
            "X",
            "--role",
            "viewer",
        ],
        input="sehr-geheim-42\n",
    )
    assert again.exit_code != 0 and "Es gibt bereits ein Konto" in again.output
    short = runner.invoke(
        args=["users", "create", "--email", "k@kreis.example", "--name", "K", "--role", "viewer"],
        input="kurz\n",
    )
    assert short.exit_code != 0 and "mindestens 10 Zeichen" in short.output


def test_demo_load_is_idempotent_and_demo_accounts_work(app, client, db):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    counts = (_count(db, Organisation), _count(db, User))
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert (_count(db, Organisation), _count(db, User)) == counts
    kommunen = db.session.scalar(
        select(func.count()).select_from(Organisation).where(Organisation.kind == "kommune")
    )
    assert kommunen == 19
    roles = dict(db.session.execute(select(User.email, User.role)).all())
    assert {e: r.value for e, r in roles.items()} == {
        "admin@demo.example": "admin",
        "planung@demo.example": "planner",
        "fachplanung@demo.example": "participant",
        "daten@demo.example": "supplier",
        "politik@demo.example": "viewer",
    }
    for email in roles:
        response = client.post("/anmelden", data={"email": email, "password": "demo"})
        assert response.status_code == 302, email
        assert "Demo –" in client.get("/").get_data(as_text=True)
        client.post("/abmelden")
