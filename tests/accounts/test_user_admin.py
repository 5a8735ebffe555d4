"""User administration: only admins list, create, edit, deactivate users and reset passwords."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from sqlalchemy import func, select

from planner.accounts import services
from planner.accounts.models import User
from planner.core.audit import AuditEntry
from planner.core.permissions import Role
from tests.factories import PASSWORD, OrganisationFactory, UserFactory

SELF_DEMOTION = (
    "Sie können sich nicht selbst die Administrationsrechte entziehen oder sich deaktivieren."
)
LAST_ADMIN = "Es muss mindestens ein aktives Administrationskonto geben."
NON_ADMINS = ["planner", "participant", "supplier", "viewer"]


def field_error(response, field_id: str) -> str | None:
    html = response.get_data(as_text=True)
    match = re.search(rf'<p class="field__error" id="{field_id}-error">(.*?)</p>', html, re.S)
    return htmllib.unescape(match.group(1)).strip() if match else None


def table_rows(response) -> list[str]:
    """The rows of the user table as plain text, one string per row."""
    html = response.get_data(as_text=True)
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [htmllib.unescape(" ".join(re.sub(r"<[^>]+>", " ", row).split())) for row in rows]


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def form_data(user: User, **changes) -> dict:
    """What the edit form sends back for ``user`` unchanged, with ``changes`` applied."""
    data = {
        "name": user.name,
        "email": user.email,
        "role": user.role.value,
        "organisation": user.organisation.name if user.organisation else "",
        "active": "y" if user.active else None,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def can_log_in(app, email: str, password: str) -> bool:
    return (
        app.test_client().post("/anmelden", data={"email": email, "password": password}).status_code
        == 302
    )


# --- access ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", NON_ADMINS)
def test_non_admins_get_403_for_every_user_admin_page_and_action(client, db, login_as, role):
    login_as(role)
    victim = UserFactory(name="Unverändert", role="viewer")
    victim_hash = victim.password_hash
    users_before = count(db, User)
    for url in ("/admin/benutzer", "/admin/benutzer/neu", f"/admin/benutzer/{victim.id}"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Kein Zugriff" in response.get_data(as_text=True)
    posts = {
        "/admin/benutzer/neu": {
            "name": "Eindringling",
            "email": "neu@kreis.example",
            "role": "admin",
            "password": "Kaffeetasse-Wolke-17",
            "active": "y",
        },
        f"/admin/benutzer/{victim.id}": form_data(victim, name="Gehackt", role="admin"),
        f"/admin/benutzer/{victim.id}/passwort": {"password": "uebernommen-123"},
    }
    for url, data in posts.items():
        assert client.post(url, data=data).status_code == 403, url
    db.session.expire_all()
    victim = db.session.get(User, victim.id)
    assert (victim.name, victim.role, victim.password_hash) == (
        "Unverändert",
        Role.VIEWER,
        victim_hash,
    )
    assert count(db, User) == users_before


# --- list -----------------------------------------------------------------------------------


def test_list_shows_every_user_with_role_organisation_and_status(client, db, login_as):
    login_as("admin", name="Anna Admin")
    org = OrganisationFactory(name="Stadt Siegburg")
    UserFactory(name="Bert Bornheim", email="bert@kreis.example", role="supplier", organisation=org)
    UserFactory(name="Clara Carl", role="viewer", active=False)
    rows = table_rows(client.get("/admin/benutzer"))
    assert [row.split(" ")[0] for row in rows] == ["Anna", "Bert", "Clara"]
    assert rows[1].startswith(
        "Bert Bornheim bert@kreis.example Datenlieferung Stadt Siegburg aktiv"
    )
    assert "Politik (lesend)" in rows[2] and "deaktiviert" in rows[2]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bornheim", ["Bert Bornheim"]),
        ("BERT", ["Bert Bornheim"]),
        ("clara@", ["Clara Carl"]),
        ("kreis.example", ["Bert Bornheim", "Clara Carl"]),
    ],
)
def test_list_searches_name_and_email(client, db, login_as, query, expected):
    login_as("admin", name="Anna Admin", email="anna@land.example")
    UserFactory(name="Bert Bornheim", email="bert@kreis.example")
    UserFactory(name="Clara Carl", email="clara@kreis.example")
    rows = table_rows(client.get("/admin/benutzer", query_string={"q": query}))
    assert [" ".join(row.split(" ")[:2]) for row in rows] == expected


def test_list_filters_by_role_and_combines_with_search(client, db, login_as):
    login_as("admin", name="Anna Admin")
    UserFactory(name="Bert Bornheim", role="supplier")
    UserFactory(name="Berta Beuel", role="viewer")
    UserFactory(name="Clara Carl", role="viewer")

    def names(**query) -> list[str]:
        rows = table_rows(client.get("/admin/benutzer", query_string=query))
        return [" ".join(row.split(" ")[:2]) for row in rows]

    assert names(role="viewer") == ["Berta Beuel", "Clara Carl"]
    assert names(role="viewer", q="ber") == ["Berta Beuel"]
    assert names(role="admin") == ["Anna Admin"]
    assert table_rows(client.get("/admin/benutzer?q=niemand")) == ["Keine Konten gefunden."]


# --- create ---------------------------------------------------------------------------------


def _new_user_data(**changes) -> dict:
    data = {
        "name": "Neue Person",
        "email": "Neu@Kreis.Example",
        "role": "supplier",
        "organisation": "",
        "password": "anfangs-passwort",
        "active": "y",
    }
    data.update(changes)
    return data


def test_admin_creates_a_user_who_can_then_log_in(app, client, db, login_as):
    login_as("admin")
    org = OrganisationFactory(name="Stadt Hennef (Sieg)")
    response = client.post("/admin/benutzer/neu", data=_new_user_data(organisation=org.name))
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/benutzer"
    page = client.get("/admin/benutzer").get_data(as_text=True)
    assert "Das Konto für Neue Person wurde angelegt." in page
    user = db.session.scalar(select(User).where(User.email == "neu@kreis.example"))
    assert (user.name, user.role, user.organisation_id, user.active) == (
        "Neue Person",
        Role.SUPPLIER,
        org.id,
        True,
    )
    assert "anfangs-passwort" not in user.password_hash
    assert can_log_in(app, "NEU@kreis.example", "anfangs-passwort")


@pytest.mark.parametrize("email", ["neu@kreis.example", "NEU@KREIS.EXAMPLE"])
def test_duplicate_email_is_refused_and_nothing_is_written(client, db, login_as, email):
    login_as("admin")
    UserFactory(email="neu@kreis.example", name="Die Erste")
    users, entries = count(db, User), count(db, AuditEntry)
    response = client.post(
        "/admin/benutzer/neu", data=_new_user_data(email=email, name="Die Zweite")
    )
    assert response.status_code == 422
    assert (
        field_error(response, "email")
        == "Es gibt bereits ein Konto mit der E-Mail-Adresse neu@kreis.example."
    )
    assert (count(db, User), count(db, AuditEntry)) == (users, entries)
    assert db.session.scalar(select(User.name).where(User.email == "neu@kreis.example")) == (
        "Die Erste"
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"password": "kurz"}, "password", "Das Passwort muss 10 bis 128 Zeichen lang sein."),
        ({"email": "keine-adresse"}, "email", "Bitte geben Sie eine gültige E-Mail-Adresse ein."),
        ({"name": ""}, "name", "Bitte füllen Sie dieses Feld aus."),
        ({"role": "kaiser"}, "role", "Keine gültige Auswahl."),
    ],
)
def test_invalid_new_user_is_refused_at_the_field(client, db, login_as, changes, field, message):
    login_as("admin")
    users = count(db, User)
    response = client.post("/admin/benutzer/neu", data=_new_user_data(**changes))
    assert response.status_code == 422
    assert field_error(response, field) == message
    assert count(db, User) == users


# --- edit, deactivate, reset ----------------------------------------------------------------


def test_admin_changes_role_and_organisation(client, db, login_as):
    login_as("admin")
    old_org = OrganisationFactory(name="Gemeinde Much")
    new_org = OrganisationFactory(name="Gemeinde Windeck")
    user = UserFactory(name="Rolf Rolle", role="viewer", organisation=old_org)
    response = client.post(
        f"/admin/benutzer/{user.id}",
        data=form_data(user, role="planner", organisation=new_org.name),
    )
    assert response.status_code == 302
    assert "Das Konto von Rolf Rolle wurde gespeichert." in client.get("/admin/benutzer").get_data(
        as_text=True
    )
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert (user.role, user.organisation_id) == (Role.PLANNER, new_org.id)
    rows = table_rows(client.get("/admin/benutzer", query_string={"q": "Rolf"}))
    assert rows == [f"Rolf Rolle {user.email} Sozialplanung Gemeinde Windeck aktiv –"]


def test_edit_form_shows_the_current_values(client, db, login_as):
    login_as("admin")
    org = OrganisationFactory(name="Gemeinde Alfter")
    user = UserFactory(name="Frieda Form", role="participant", organisation=org)
    html = client.get(f"/admin/benutzer/{user.id}").get_data(as_text=True)
    assert 'value="Frieda Form"' in html
    assert '<option selected value="participant">Fachplanung</option>' in html
    assert 'value="Gemeinde Alfter"' in html and 'data-lookup="/suche/organisationen"' in html


def test_edit_refuses_an_email_of_another_account(client, db, login_as):
    login_as("admin")
    UserFactory(email="vergeben@kreis.example")
    user = UserFactory(email="frei@kreis.example")
    response = client.post(
        f"/admin/benutzer/{user.id}", data=form_data(user, email="Vergeben@kreis.example")
    )
    assert response.status_code == 422
    assert "Es gibt bereits ein Konto mit der E-Mail-Adresse vergeben@kreis.example." in (
        response.get_data(as_text=True)
    )
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "frei@kreis.example"


def test_unknown_user_is_404(client, db, login_as):
    login_as("admin")
    assert client.get("/admin/benutzer/999999").status_code == 404


def test_admin_deactivates_a_user_who_then_cannot_log_in(app, client, db, login_as):
    login_as("admin")
    user = UserFactory(name="Dora Deaktiv")
    response = client.post(f"/admin/benutzer/{user.id}", data=form_data(user, active=None))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).active is False
    row = table_rows(client.get("/admin/benutzer", query_string={"q": "Dora"}))[0]
    assert "deaktiviert" in row
    response = app.test_client().post("/anmelden", data={"email": user.email, "password": PASSWORD})
    assert "Dieses Konto ist deaktiviert." in response.get_data(as_text=True)


def test_admin_reactivates_a_user(app, client, db, login_as):
    login_as("admin")
    user = UserFactory(active=False)
    client.post(f"/admin/benutzer/{user.id}", data=form_data(user, active="y"))
    assert can_log_in(app, user.email, PASSWORD)


def test_admin_resets_a_password_and_lifts_the_lockout(app, client, db, login_as):
    login_as("admin")
    user = UserFactory(name="Vera Vergessen")
    for _ in range(6):
        try:
            services.authenticate(user.email, "falsch-geraten", "10.9.0.1")
        except services.AccountError:
            pass
    db.session.commit()
    with pytest.raises(services.LoginThrottled):
        services.authenticate(user.email, PASSWORD, "10.9.0.1")
    response = client.post(
        f"/admin/benutzer/{user.id}/passwort", data={"password": "neu-gesetzt-99"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/benutzer/{user.id}"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Das Passwort von Vera Vergessen wurde neu gesetzt" in html
    assert not can_log_in(app, user.email, PASSWORD)
    assert can_log_in(app, user.email, "neu-gesetzt-99")


def test_reset_refuses_a_short_password(client, db, login_as):
    login_as("admin")
    user = UserFactory()
    response = client.post(f"/admin/benutzer/{user.id}/passwort", data={"password": "kurz"})
    assert response.status_code == 422
    assert field_error(response, "password") == "Das Passwort muss 10 bis 128 Zeichen lang sein."
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(PASSWORD)


# --- admins and their own account -----------------------------------------------------------


@pytest.mark.parametrize(
    "changes", [{"role": "planner"}, {"active": None}, {"role": "viewer", "active": None}]
)
def test_admin_cannot_demote_or_deactivate_themselves(client, db, login_as, changes):
    admin = login_as("admin")
    UserFactory(role="admin")  # another active admin: only the self rule applies
    entries = count(db, AuditEntry)
    response = client.post(f"/admin/benutzer/{admin.id}", data=form_data(admin, **changes))
    assert response.status_code == 422
    assert field_error(response, "role") == SELF_DEMOTION
    db.session.expire_all()
    admin = db.session.get(User, admin.id)
    assert (admin.role, admin.active) == (Role.ADMIN, True)
    assert count(db, AuditEntry) == entries
    assert client.get("/admin/benutzer").status_code == 200


def test_admin_may_edit_their_own_name(client, db, login_as):
    admin = login_as("admin", name="Alter Name")
    response = client.post(f"/admin/benutzer/{admin.id}", data=form_data(admin, name="Neuer Name"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, admin.id).name == "Neuer Name"


def test_admin_may_demote_another_admin_while_one_active_admin_remains(client, db, login_as):
    login_as("admin")
    other = UserFactory(role="admin")
    response = client.post(f"/admin/benutzer/{other.id}", data=form_data(other, role="planner"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, other.id).role == Role.PLANNER


@pytest.mark.parametrize(("role", "active"), [(Role.PLANNER, True), (Role.ADMIN, False)])
def test_the_last_active_admin_cannot_be_demoted_or_deactivated(db, role, active):
    last = UserFactory(role="admin")
    UserFactory(role="admin", active=False)  # an inactive admin does not count
    actor = UserFactory(role="planner")  # e.g. a script acting in someone's name
    with pytest.raises(services.AccountError, match=LAST_ADMIN):
        services.update_user(
            last,
            actor=actor,
            email=last.email,
            name=last.name,
            role=role,
            organisation=None,
            active=active,
        )
    db.session.rollback()
    db.session.expire_all()
    last = db.session.get(User, last.id)
    assert (last.role, last.active) == (Role.ADMIN, True)


def test_an_inactive_admin_can_be_edited_while_only_one_admin_is_active(client, db, login_as):
    login_as("admin")
    dormant = UserFactory(role="admin", active=False, name="Ruhend Admin")
    response = client.post(
        f"/admin/benutzer/{dormant.id}",
        data=form_data(dormant, name="Ruhend Planung", role="viewer"),
    )
    assert response.status_code == 302, field_error(response, "role")
    db.session.expire_all()
    dormant = db.session.get(User, dormant.id)
    assert (dormant.name, dormant.role, dormant.active) == ("Ruhend Planung", Role.VIEWER, False)
