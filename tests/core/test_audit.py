"""The audit log: every create, update and delete is recorded with who, when and what changed,
and the admin page shows and filters it."""

from __future__ import annotations

import html as htmllib
import json
import re
from datetime import UTC, datetime

from sqlalchemy import func, select

from planner.accounts.models import Organisation, User
from planner.core.audit import AuditEntry
from tests.factories import PASSWORD, DeadlineFactory, OrganisationFactory, UserFactory


def entries(db, object_type: str | None = None) -> list[AuditEntry]:
    stmt = select(AuditEntry).order_by(AuditEntry.id)
    if object_type:
        stmt = stmt.where(AuditEntry.object_type == object_type)
    return db.session.scalars(stmt).all()


def count_entries(db) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def log_rows(client, **query) -> list[str]:
    """The rows of the audit table on /admin/protokoll as plain text, newest first."""
    response = client.get("/admin/protokoll", query_string=query)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [htmllib.unescape(" ".join(re.sub(r"<[^>]+>", " ", row).split())) for row in rows]


def edit_user(client, user: User, **changes):
    data = {
        "name": user.name,
        "email": user.email,
        "role": user.role.value,
        "organisation": user.organisation.name if user.organisation else "",
        "active": "y",
    }
    data.update(changes)
    return client.post(f"/admin/benutzer/{user.id}", data=data)


# --- what is recorded -----------------------------------------------------------------------


def test_a_change_through_the_ui_is_recorded_with_actor_and_old_and_new_value(client, db, login_as):
    admin = login_as("admin", name="Anna Admin", email="anna@kreis.example")
    user = UserFactory(name="Vorher Name", role="viewer")
    before = count_entries(db)
    assert edit_user(client, user, name="Nachher Name").status_code == 302
    [entry] = entries(db)[before:]
    assert entry.object_type == "User"
    assert entry.object_id == str(user.id)
    assert entry.action == "update"
    assert entry.user_id == admin.id
    assert entry.user_label == "Anna Admin <anna@kreis.example>"
    assert entry.changes == {"name": ["Vorher Name", "Nachher Name"]}
    assert entry.object_label == f"Nachher Name <{user.email}>"
    assert abs((entry.at - datetime.now(UTC)).total_seconds()) < 60


def test_saving_without_changes_records_nothing(client, db, login_as):
    login_as("admin")
    user = UserFactory()
    before = count_entries(db)
    assert edit_user(client, user).status_code == 302
    assert count_entries(db) == before


def test_create_and_delete_are_recorded_with_their_values(db):
    org = OrganisationFactory(name="Gemeinde Windeck", short_name="Windeck")
    org_id = org.id
    db.session.delete(org)
    db.session.commit()
    create, delete = entries(db, "Organisation")
    assert (create.action, create.object_id) == ("create", str(org_id))
    assert create.changes == {
        "name": [None, "Gemeinde Windeck"],
        "short_name": [None, "Windeck"],
        "kind": [None, "kommune"],
        "archived": [None, False],
    }
    assert (delete.action, delete.object_id) == ("delete", str(org_id))
    assert delete.changes["name"] == ["Gemeinde Windeck", None]
    assert delete.changes["kind"] == ["kommune", None]
    assert delete.object_label == "Gemeinde Windeck"
    # outside a request the actor is the system (CLI, scheduler)
    assert (create.user_id, create.user_label) == (None, "System")
    assert db.session.get(Organisation, org_id) is None


def test_deleting_an_organisation_records_its_users_losing_it(db):
    org = OrganisationFactory(name="Gemeinde Much")
    user = UserFactory(organisation=org)
    db.session.delete(org)
    db.session.commit()
    change = entries(db, "User")[-1]
    assert change.action == "update"
    assert change.object_id == str(user.id)
    assert change.changes == {"organisation_id": [org.id, None]}


def test_own_password_change_is_recorded_without_the_hash(client, db, login_as):
    user = login_as("viewer")
    before = count_entries(db)
    response = client.post(
        "/konto/passwort",
        data={"current": PASSWORD, "new": "ganz-neu-und-lang", "confirm": "ganz-neu-und-lang"},
    )
    assert response.status_code == 302
    [entry] = entries(db)[before:]
    assert (entry.object_type, entry.action, entry.user_id) == ("User", "update", user.id)
    assert entry.changes == {"password_hash": ["***", "***"]}
    db.session.refresh(user)
    stored = json.dumps([e.changes for e in entries(db)])
    assert user.password_hash not in stored
    assert "ganz-neu-und-lang" not in stored


def test_password_reset_and_new_accounts_hide_the_hash_in_the_log(client, db, login_as):
    login_as("admin")
    user = UserFactory()
    client.post(f"/admin/benutzer/{user.id}/passwort", data={"password": "neu-gesetzt-99"})
    client.post(
        "/admin/benutzer/neu",
        data={
            "name": "Neu Angelegt",
            "email": "neu@kreis.example",
            "role": "viewer",
            "password": "anfangs-passwort",
            "active": "y",
        },
    )
    reset, created = entries(db, "User")[-2:]
    assert reset.changes == {
        "password_hash": ["***", "***"],
        "must_change_password": [False, True],
    }
    assert created.action == "create"
    assert created.changes["password_hash"] == [None, "***"]
    assert created.changes["email"] == [None, "neu@kreis.example"]
    hashes = db.session.scalars(select(User.password_hash)).all()
    page = client.get("/admin/protokoll").get_data(as_text=True)
    for value in hashes:
        assert value not in page
        assert value not in json.dumps(reset.changes) + json.dumps(created.changes)
    assert "Passwort (verborgen) → (verborgen)" in " ".join(log_rows(client))


def test_many_to_many_changes_are_recorded(db):
    anna, paul = UserFactory(name="Anna"), UserFactory(name="Paul")
    deadline = DeadlineFactory(title="Frist")
    deadline.responsible_users = [anna]
    db.session.commit()
    deadline.responsible_users = [paul]
    db.session.commit()
    change = entries(db, "Deadline")[-1]
    assert change.action == "update"
    assert change.changes == {"responsible_users": [f"Anna <{anna.email}>", f"Paul <{paul.email}>"]}


def test_deleting_an_expired_object_keeps_its_values(db):
    deadline = DeadlineFactory(title="Abgelaufen")
    db.session.commit()  # expires every attribute
    db.session.delete(deadline)
    db.session.commit()
    removed = entries(db, "Deadline")[-1]
    assert removed.action == "delete"
    assert removed.changes["title"] == ["Abgelaufen", None]


# --- rollback -------------------------------------------------------------------------------


def test_no_entry_survives_a_rolled_back_transaction(db):
    org = OrganisationFactory(name="Bleibt")
    before = count_entries(db)
    org.name = "Wird verworfen"
    db.session.add(Organisation(name="Nie angelegt", kind="sonstige"))
    db.session.flush()
    db.session.rollback()
    assert count_entries(db) == before
    assert db.session.scalar(select(Organisation.name)) == "Bleibt"
    # nothing of the discarded changes comes along with the next commit
    OrganisationFactory(name="Danach")
    db.session.commit()
    assert count_entries(db) == before + 1


def test_an_edit_that_flushes_twice_gives_one_entry(db):
    org = OrganisationFactory(name="Erst")
    db.session.commit()
    before = count_entries(db)
    org.name = "Zweit"
    db.session.flush()
    org.name = "Dritt"
    org.short_name = "D"
    db.session.flush()
    db.session.commit()
    assert count_entries(db) == before + 1
    assert entries(db, "Organisation")[-1].changes["name"] == ["Erst", "Dritt"]


def test_a_refused_change_through_the_ui_leaves_no_entry(client, db, login_as):
    admin = login_as("admin")
    UserFactory(email="vergeben@kreis.example")
    user = UserFactory(name="Bleibt So")
    before = count_entries(db)
    assert edit_user(client, admin, name="Selbst", role="viewer").status_code == 422
    response = edit_user(client, user, name="Anders", email="vergeben@kreis.example")
    assert response.status_code == 422
    assert count_entries(db) == before


# --- the audit page -------------------------------------------------------------------------


def test_audit_page_shows_the_change_made_through_the_ui(client, db, login_as):
    login_as("admin", name="Anna Admin", email="anna@kreis.example")
    user = UserFactory(name="Vorher Name", role="viewer")
    edit_user(client, user, name="Nachher Name")
    newest = log_rows(client)[0]
    assert "Anna Admin <anna@kreis.example>" in newest
    assert f"Benutzerkonto Nr. {user.id}" in newest
    assert "geändert" in newest
    assert "Name Vorher Name → Nachher Name" in newest


def test_audit_page_filters_by_object_type(client, db, login_as):
    login_as("admin")
    OrganisationFactory(name="Gemeinde Much")
    UserFactory(name="Nur Person", organisation=None)
    rows = log_rows(client, object_type="Organisation")
    assert len(rows) == 2  # the admin's organisation and Gemeinde Much
    assert all("Organisation Nr." in row for row in rows)
    assert any("Gemeinde Much" in row for row in rows)
    assert not any("Nur Person" in row for row in rows)


def test_audit_page_filters_by_user(client, db, login_as):
    login_as("admin", name="Anna Admin")
    other_admin = UserFactory(role="admin", name="Bernd Admin")
    first = UserFactory(name="Erste Person")
    second = UserFactory(name="Zweite Person")
    edit_user(client, first, name="Erste Geändert")
    other = client.application.test_client()
    other.post("/anmelden", data={"email": other_admin.email, "password": PASSWORD})
    edit_user(other, second, name="Zweite Geändert")

    mine = log_rows(client, user="Anna Admin")
    assert len(mine) == 1 and "Erste Geändert" in mine[0]
    theirs = log_rows(client, user=other_admin.email)
    assert len(theirs) == 1 and "Zweite Geändert" in theirs[0]
    assert len(log_rows(client)) > 2


def test_audit_page_filters_by_date_in_berlin_time(client, db, login_as):
    login_as("admin")
    org = OrganisationFactory(name="Gemeinde Swisttal")
    entry = entries(db, "Organisation")[-1]
    assert entry.object_label == org.name
    # 23:30 UTC on 10 March is 00:30 on 11 March in Berlin
    entry.at = datetime(2024, 3, 10, 23, 30, tzinfo=UTC)
    db.session.commit()

    def shown(**query) -> bool:
        return any("Gemeinde Swisttal" in row for row in log_rows(client, **query))

    assert shown(date_from="2024-03-11", date_to="2024-03-11")
    assert "11.03.2024, 00:30" in log_rows(client, date_from="2024-03-11", date_to="2024-03-11")[0]
    assert not shown(date_to="2024-03-10")
    assert not shown(date_from="2024-03-12")
    assert shown(date_from="2024-03-01")
    assert log_rows(client, date_from="2024-03-01", date_to="2024-03-02") == ["Keine Einträge."]


def test_audit_page_refuses_an_end_before_the_start(client, db, login_as):
    login_as("admin")
    response = client.get("/admin/protokoll?date_from=2024-02-01&date_to=2024-01-01")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(
        r'id="date_to-error">\s*Das Enddatum liegt vor dem Anfangsdatum\.\s*</p>', html
    )


def test_audit_page_explains_an_unknown_filter_value_in_german(client, db, login_as):
    login_as("admin")
    html = client.get("/admin/protokoll?object_type=Unbekannt").get_data(as_text=True)
    assert re.search(r'id="object_type-error">\s*Keine gültige Auswahl\.\s*</p>', html)


def test_the_log_reads_in_german_with_names_instead_of_ids(client, db, login_as):
    from datetime import date

    from planner.deadlines import services as deadline_services

    login_as("admin")
    org = OrganisationFactory(name="Stadt Siegburg")
    deadline = DeadlineFactory(title="Daten liefern", kind="lieferung", due_date=date(2027, 3, 1))
    db.session.commit()
    deadline.organisation = org
    deadline.visible_to_all = False
    deadline.due_date = date(2027, 3, 15)
    deadline_services.mark_done(deadline, None)
    db.session.commit()
    row = log_rows(client, object_type="Deadline")[0]
    assert "Frist Nr." in row and "geändert" in row
    assert "Verantwortliche Organisation – → Stadt Siegburg" in row
    assert "Für alle sichtbar ja → nein" in row
    assert "Fällig am 01.03.2027 → 15.03.2027" in row
    assert "Status offen → erledigt" in row
    assert "sequence" not in row and "organisation_id" not in row and "True" not in row
    assert log_rows(client, object_type="Deadline")[1].count("angelegt") == 1


def test_the_raw_export_keeps_the_stored_values(client, db, login_as):
    login_as("admin")
    OrganisationFactory(name="Gemeinde Much")
    response = client.get("/admin/protokoll.csv", query_string={"object_type": "Organisation"})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffid;zeitpunkt_utc;")
    assert '"name": [null, "Gemeinde Much"]' in text.replace('""', '"')
    assert "Benutzerkonto" not in text  # the filter applies to the export too


def test_the_demo_load_leaves_the_log_empty(app, db):
    from planner.demo import load_demo

    load_demo()
    db.session.commit()
    assert count_entries(db) == 0
