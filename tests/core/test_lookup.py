"""Issue 6: type-ahead instead of long option lists; suggestions respect what a user may see."""

from __future__ import annotations

import re
from datetime import date

from planner.core.permissions import Role
from tests.factories import DeadlineFactory, OrganisationFactory, UserFactory


def test_no_page_lists_more_than_200_options(app, client, db, login_as):
    orgs = [OrganisationFactory() for _ in range(250)]
    people = [UserFactory(organisation=orgs[i]) for i in range(250)]
    deadline = DeadlineFactory(organisation=orgs[0], responsible_users=people[:3])
    admin = login_as("admin")
    adapter = app.url_map.bind("localhost")
    args = {"deadline_id": deadline.id, "user_id": admin.id, "name": "organisationen"}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.redirect_to or rule.endpoint == "static":
            continue
        if not set(rule.arguments) <= set(args):
            continue
        url = adapter.build(rule.endpoint, {a: args[a] for a in rule.arguments})
        html = client.get(url).get_data(as_text=True)
        for select in re.findall(r"<select.*?</select>", html, re.S):
            assert select.count("<option") <= 200, url


def test_suggestions_come_from_the_server(client, db, login_as):
    OrganisationFactory(name="Stadt Siegburg", short_name="SU")
    OrganisationFactory(name="Stadt Sankt Augustin")
    OrganisationFactory(name="Gemeinde Much")
    login_as("viewer")
    found = client.get("/suche/organisationen", query_string={"q": "stadt"}).json
    assert [item["label"] for item in found] == ["Stadt Sankt Augustin", "Stadt Siegburg"]
    assert client.get("/suche/organisationen", query_string={"q": "%"}).json == []
    assert client.get("/suche/organisationen", query_string={"q": ""}).json == []
    assert client.get("/suche/gibt-es-nicht").status_code == 404


def test_person_suggestions_need_the_right_to_assign_people(client, db, login_as):
    UserFactory(name="Paula Planung", email="paula@kreis.example")
    login_as("viewer")
    assert client.get("/suche/personen", query_string={"q": "paula"}).status_code == 403
    assert client.get("/suche/benutzer", query_string={"q": "paula"}).status_code == 403


def test_the_responsible_filter_never_suggests_names_from_hidden_deadlines(client, db, login_as):
    own, other = OrganisationFactory(), OrganisationFactory()
    secret = UserFactory(name="Gerda Geheim")
    public = UserFactory(name="Gerd Offen")
    DeadlineFactory(organisation=other, visible_to_all=False, responsible_users=[secret])
    DeadlineFactory(organisation=other, visible_to_all=True, responsible_users=[public])
    login_as("supplier", organisation=own)
    labels = [i["label"] for i in client.get("/suche/verantwortliche?q=ger").json]
    assert labels == ["Gerd Offen"]
    page = client.get("/fristen/?state=").get_data(as_text=True)
    assert "Gerda Geheim" not in page


def test_the_deadline_form_resolves_names_and_says_what_it_cannot(client, db, login_as):
    org = OrganisationFactory(name="Stadt Hennef (Sieg)")
    anna = UserFactory(name="Anna Alt", email="anna@kreis.example")
    UserFactory(name="Bernd Doppel", email="bernd1@kreis.example")
    UserFactory(name="Bernd Doppel", email="bernd2@kreis.example")
    login_as(Role.PLANNER.value)
    data = {"title": "Test", "kind": "lieferung", "due_date": "2027-01-15"}
    bad = client.post(
        "/fristen/neu",
        data={
            **data,
            "organisation": "Stadt Nirgendwo",
            "responsible": "Bernd Doppel, anna@kreis.example",
        },
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "„Stadt Nirgendwo“ wurde nicht gefunden" in html
    assert "„Bernd Doppel“ ist nicht eindeutig" in html
    good = client.post(
        "/fristen/neu",
        data={
            **data,
            "organisation": "stadt hennef (sieg)",
            "responsible": "Bernd Doppel <bernd2@kreis.example>, Anna Alt",
        },
    )
    assert good.status_code == 302
    detail = client.get(good.headers["Location"]).get_data(as_text=True)
    assert "Stadt Hennef (Sieg)" in detail and "Anna Alt" in detail and "Bernd Doppel" in detail
    assert anna and org and date.today()
