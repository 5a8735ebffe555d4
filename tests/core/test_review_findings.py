"""Findings of the review and the walk-through after the first hardening pass (issue 6)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from planner.deadlines import reminders, services
from planner.deadlines.models import CalendarFeed
from tests.factories import PASSWORD, DeadlineFactory, UserFactory

NEW = "Gartenzaun-Leuchtturm-4"


def test_a_backslash_next_never_leaves_the_site(client, db):
    user = UserFactory()
    response = client.post(
        "/anmelden?next=/%5Cevil.example", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_a_password_change_or_reset_revokes_the_calendar_feed(client, db, login_as):
    user = login_as("viewer")
    client.post("/fristen/abo")
    assert db.session.get(CalendarFeed, user.id) is not None
    client.post("/konto/passwort", data={"current": PASSWORD, "new": NEW, "confirm": NEW})
    db.session.expire_all()
    assert db.session.get(CalendarFeed, user.id) is None

    other = UserFactory()
    services.renew_feed_token(other)
    db.session.commit()
    client.post("/abmelden")
    login_as("admin")
    client.post(f"/admin/benutzer/{other.id}/passwort", data={"password": NEW})
    db.session.expire_all()
    assert db.session.get(CalendarFeed, other.id) is None


def test_the_settings_form_saves_the_setting_also_after_a_new_feed_address(client, db, login_as):
    login_as("viewer")
    page = client.post("/fristen/abo").get_data(as_text=True)
    assert 'action="/fristen/einstellungen"' in page


def test_after_a_failed_reset_the_account_form_shows_the_account_as_it_is(client, db, login_as):
    login_as("admin")
    user = UserFactory(active=True)
    page = client.post(f"/admin/benutzer/{user.id}/passwort", data={"password": "kurz"})
    html = page.get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*id="active"|<input[^>]*id="active"[^>]*checked', html)
    assert f'action="/admin/benutzer/{user.id}"' in html


def test_the_audit_filter_takes_its_own_suggestion(client, db, login_as):
    admin = login_as("admin", name="Paula Prüfer")
    person = UserFactory(name="Vorher")
    client.post(
        f"/admin/benutzer/{person.id}",
        data={"name": "Nachher", "email": person.email, "role": "viewer", "active": "y"},
    )
    label = f"Paula Prüfer <{admin.email}>"
    assert client.get("/suche/benutzer", query_string={"q": "Pau"}).json[0]["label"] == label
    html = client.get("/admin/protokoll", query_string={"user": label}).get_data(as_text=True)
    assert "Keine Einträge." not in html


def test_the_raw_export_defuses_spreadsheet_formulas(client, db, login_as):
    login_as("admin")
    DeadlineFactory(title='=HYPERLINK("http://evil.example")')
    text = client.get("/admin/protokoll.csv").get_data(as_text=True)
    assert ";=HYPERLINK" not in text and "'=HYPERLINK" in text


def test_the_reset_link_confirms_the_new_password(client, db, smtp):
    from planner.accounts.password_reset import make_token

    user = UserFactory()
    token = make_token(user)
    response = client.post(f"/passwort-neu/{token}", data={"new": NEW, "confirm": NEW})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ihr neues Passwort gilt" in page


def test_a_reminder_cancelled_after_its_claim_is_not_sent(app, db):
    user = UserFactory()
    deadline = DeadlineFactory(due_date=date(2030, 3, 13), responsible_users=[user])
    now = datetime(2030, 3, 10, 6, 30, tzinfo=UTC)
    reminders.materialise(now)
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        outbox = reminders.Outbox(conn, "c" * 32)
        ids = outbox.claim(now)
        assert outbox.still_mine(ids, now) == set(ids)
        assert outbox.owns(ids[0], ids, now)
        services.mark_done(deadline, user)  # closed while the sweep holds the row
        db.session.commit()
        assert outbox.still_mine(ids, now) == set()
        assert not outbox.owns(ids[0], ids, now)


def test_the_detail_page_names_people_without_their_addresses(client, db, login_as):
    planner = UserFactory(role="planner", name="Petra Planung")
    client.post("/anmelden", data={"email": planner.email, "password": PASSWORD})
    response = client.post(
        "/fristen/neu",
        data={"title": "Neu", "kind": "sonstiges", "due_date": "2027-05-01", "visible_to_all": "y"},
    )
    url = response.headers["Location"]
    client.post("/abmelden")
    login_as("viewer")
    page = client.get(url).get_data(as_text=True)
    assert "Petra Planung" in page and planner.email not in page
