"""Calendar pages and deadline forms, as each role sees them."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import func, select

from planner.deadlines import services
from planner.deadlines.models import Deadline, DeadlineState
from tests.factories import DeadlineFactory, OrganisationFactory, UserFactory


def _today() -> date:
    return services.today_in_berlin()


def test_planner_creates_a_deadline_and_sees_it_in_list_and_month(login_as, client, db):
    login_as("planner")
    org = OrganisationFactory(name="Gemeinde Alfter")
    person = UserFactory(name="Alma Alfter", organisation=org)
    due = _today() + timedelta(days=5)

    response = client.post(
        "/fristen/neu",
        data={
            "title": "Einwohnerdaten liefern",
            "kind": "lieferung",
            "due_date": due.isoformat(),
            "organisation": org.name,
            "responsible": person.email,
            "reminder_offsets": "-7, 0, +2",
            "visible_to_all": "y",
            "notes": "Als **CSV** <script>alert(1)</script>",
        },
    )
    assert response.status_code == 302
    deadline = db.session.scalar(select(Deadline))
    assert deadline.reminder_offsets == "-7, 0, +2"
    assert [u.name for u in deadline.responsible_users] == ["Alma Alfter"]
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Einwohnerdaten liefern" in detail and "<strong>CSV</strong>" in detail
    assert "<script>alert" not in detail
    assert "7 Tage vorher, am Tag, 2 Tage danach" in detail

    listing = client.get("/fristen/").get_data(as_text=True)
    assert "Einwohnerdaten liefern" in listing and due.strftime("%d.%m.%Y") in listing
    month = client.get(f"/fristen/monat?jahr={due.year}&monat={due.month}").get_data(as_text=True)
    assert "Einwohnerdaten liefern" in month


def test_invalid_input_is_explained_and_nothing_is_written(login_as, client, db):
    login_as("planner")
    response = client.post(
        "/fristen/neu",
        data={
            "title": "",
            "kind": "lieferung",
            "due_date": "31.02.2030",
            "reminder_offsets": "bald",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Bitte füllen Sie dieses Feld aus." in html
    assert "Bitte geben Sie ein gültiges Datum an." in html
    assert "„bald“ ist keine ganze Zahl" in html
    assert db.session.scalar(select(func.count()).select_from(Deadline)) == 0


def test_list_shows_overdue_first_then_upcoming(login_as, client, db):
    login_as("planner")
    today = _today()
    DeadlineFactory(title="Kommt bald", due_date=today + timedelta(days=2))
    DeadlineFactory(title="Lange überfällig", due_date=today - timedelta(days=30))
    DeadlineFactory(title="Später", due_date=today + timedelta(days=40))
    DeadlineFactory(title="Gestern", due_date=today - timedelta(days=1))
    DeadlineFactory(
        title="Schon erledigt", due_date=today - timedelta(days=3), state=DeadlineState.ERLEDIGT
    )
    html = client.get("/fristen/").get_data(as_text=True)
    order = [html.index(t) for t in ("Lange überfällig", "Gestern", "Kommt bald", "Später")]
    assert order == sorted(order)
    assert "Schon erledigt" not in html
    assert "überfällig seit 30 Tagen" in html
    done = client.get("/fristen/?state=erledigt").get_data(as_text=True)
    assert "Schon erledigt" in done and "Kommt bald" not in done


def test_list_filters_by_kind_organisation_and_responsible(login_as, client, db):
    login_as("planner")
    org = OrganisationFactory()
    person = UserFactory()
    DeadlineFactory(title="Lieferung A", kind="lieferung", organisation=org)
    DeadlineFactory(title="Sitzung B", kind="sitzung")
    DeadlineFactory(title="Bericht C", kind="bericht", responsible_users=[person])
    assert "Sitzung B" in client.get("/fristen/?kind=sitzung").get_data(as_text=True)
    assert "Lieferung A" not in client.get("/fristen/?kind=sitzung").get_data(as_text=True)
    by_org = client.get("/fristen/", query_string={"organisation": org.name[:6]}).get_data(
        as_text=True
    )
    assert "Lieferung A" in by_org and "Bericht C" not in by_org
    by_person = client.get("/fristen/", query_string={"responsible": person.name}).get_data(
        as_text=True
    )
    assert "Bericht C" in by_person and "Lieferung A" not in by_person


def test_marking_done_and_reopening(login_as, client, db):
    user = login_as("planner")
    deadline = DeadlineFactory(title="Abschließen")
    response = client.post(f"/fristen/{deadline.id}/erledigt")
    assert response.status_code == 302
    db.session.refresh(deadline)
    assert deadline.state == DeadlineState.ERLEDIGT and deadline.done_by_id == user.id
    assert deadline.sequence == 1
    client.post(f"/fristen/{deadline.id}/wieder-offen")
    db.session.refresh(deadline)
    assert deadline.state == DeadlineState.OFFEN and deadline.done_at is None


def test_roles_and_responsibility(login_as, client, db):
    supplier_org = OrganisationFactory()
    supplier = login_as("supplier", organisation=supplier_org)
    theirs = DeadlineFactory(title="Eigene Lieferung", organisation=supplier_org)
    foreign = DeadlineFactory(title="Fremde Frist")
    hidden = DeadlineFactory(title="Interne Frist", visible_to_all=False)

    assert client.get("/fristen/neu").status_code == 403
    assert client.post("/fristen/neu", data={"title": "x"}).status_code == 403
    assert client.post(f"/fristen/{foreign.id}/erledigt").status_code == 403
    assert client.post(f"/fristen/{theirs.id}/erledigt").status_code == 302
    assert client.get(f"/fristen/{hidden.id}").status_code == 404
    assert "Interne Frist" not in client.get("/fristen/").get_data(as_text=True)
    assert client.post(f"/fristen/{theirs.id}/loeschen").status_code == 403
    db.session.refresh(theirs)
    assert theirs.state == DeadlineState.ERLEDIGT and theirs.done_by_id == supplier.id


def test_dashboard_shows_my_next_deadlines(login_as, client, db):
    org = OrganisationFactory()
    login_as("participant", organisation=org)
    DeadlineFactory(
        title="Konferenz vorbereiten", organisation=org, due_date=_today() + timedelta(days=3)
    )
    DeadlineFactory(title="Längst fällig", organisation=org, due_date=_today() - timedelta(days=4))
    DeadlineFactory(title="Nicht meine", due_date=_today() + timedelta(days=1))
    page = client.get("/").get_data(as_text=True)
    html = page[page.index("Meine Fristen") : page.index("Nächste Termine und Fristen")]
    assert "Konferenz vorbereiten" in html and "Längst fällig" in html
    assert "1 überfällig" in html
    assert "Nicht meine" not in html
    assert html.index("Längst fällig") < html.index("Konferenz vorbereiten")
    assert "Nicht meine" in page  # among the next dates every role sees


def test_month_view_navigation_and_bad_month(login_as, client, db):
    login_as("viewer")
    DeadlineFactory(title="Silvester", due_date=date(2030, 12, 31))
    html = client.get("/fristen/monat?jahr=2030&monat=12").get_data(as_text=True)
    assert "Dezember 2030" in html and "Silvester" in html
    assert "jahr=2031&amp;monat=1" in html
    assert client.get("/fristen/monat?jahr=2030&monat=13").status_code == 404


def test_reminder_preference_is_saved(login_as, client, db):
    user = login_as("participant")
    response = client.post("/fristen/einstellungen", data={"mode": "taeglich"})
    assert response.status_code == 302
    assert services.preference_of(user) == "taeglich"
    html = client.get("/fristen/einstellungen").get_data(as_text=True)
    [checked] = re.findall(r"<input[^>]*checked[^>]*>", html)
    assert 'value="taeglich"' in checked


def test_deleting_a_free_deadline_but_not_an_owned_one(login_as, client, db):
    login_as("planner")
    free = DeadlineFactory(title="Frei")
    owned = services.register(
        "meeting", 7, title="Sitzung", kind="sitzung", due_date=date(2030, 1, 1)
    )
    db.session.commit()
    assert client.post(f"/fristen/{free.id}/loeschen").status_code == 302
    response = client.post(f"/fristen/{owned.id}/loeschen", follow_redirects=True)
    assert "gehört zu einem anderen Objekt" in response.get_data(as_text=True)
    live = select(func.count()).select_from(Deadline).where(Deadline.deleted_at.is_(None))
    assert db.session.scalar(live) == 1


def test_the_month_view_shows_five_a_day_and_links_the_rest(login_as, client, db):
    """At Land scale a month holds thousands of deadlines: each day shows five, then
    "+N weitere" leading to the list of that day."""
    day = date(2030, 5, 14)
    for i in range(8):
        DeadlineFactory(title=f"Tagesfrist {i}", due_date=day)
    login_as("planner")
    html = client.get("/fristen/monat?jahr=2030&monat=5").get_data(as_text=True)
    assert html.count("Tagesfrist") == 5
    assert "+3 weitere" in html
    listing = client.get("/fristen/?von=2030-05-14&bis=2030-05-14&state=").get_data(as_text=True)
    assert listing.count("Tagesfrist") == 8
