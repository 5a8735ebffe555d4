"""The REST API: access keys (expiry, revocation, password change), permissions per role as
in the pages, paging, modified_since, problem details, the rate limit, writes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from config import TestConfig
from planner.api import tokens
from planner.api.models import ApiToken
from planner.core.models import utcnow
from planner.extensions import db as _db
from tests.factories import DeadlineFactory, OrganisationFactory, PersonFactory
from tests.reports import world


def test_without_or_with_a_wrong_key_401_as_problem(app, api_as):
    api, _user = api_as("planner")
    for headers in ({}, {"Authorization": "Bearer pl_falsch"}, {"Authorization": "Basic eA=="}):
        response = app.test_client(use_cookies=False).get("/api/v1/organisationen", headers=headers)
        assert response.status_code == 401
        assert response.content_type == "application/problem+json"
        assert "Authorization: Bearer" in response.get_json()["detail"]
    assert api.get("/api/v1/organisationen").status_code == 200


def test_expired_and_revoked_keys_stop_working(api_as):
    api, user = api_as("planner")
    token = _db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    token.expires_at = utcnow() - timedelta(seconds=1)
    _db.session.commit()
    assert api.get("/api/v1/organisationen").status_code == 401
    token.expires_at = utcnow() + timedelta(days=1)
    _db.session.commit()
    assert api.get("/api/v1/organisationen").status_code == 200
    tokens.revoke(user, token.id)
    _db.session.commit()
    assert api.get("/api/v1/organisationen").status_code == 401


def test_keys_are_stored_hashed_and_die_with_a_password_change(client, login_as):
    user = login_as("participant")
    page = client.post("/konto/api-zugaenge", data={"name": "Abgleich", "expires_on": (date.today() + timedelta(days=30)).isoformat()})  # fmt: skip
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "nur dieses eine Mal" in html
    plain = html.split('id="token-value" readonly rows="2" class="wide feed-url">')[1].split("<")[0]
    assert plain.startswith("pl_")
    row = _db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert row.token_hash == tokens.digest(plain) and plain not in (row.token_hash, row.hint)
    again = client.get("/konto/api-zugaenge").get_data(as_text=True)
    assert plain not in again and "Abgleich" in again
    from tests.api.conftest import Api

    api = Api(client.application, plain)
    assert api.get("/api/v1/massnahmen").status_code == 200
    from tests.factories import PASSWORD

    changed = client.post("/konto/passwort", data={"current": PASSWORD, "new": "Ein-ganz-neues-Passwort-2026!", "confirm": "Ein-ganz-neues-Passwort-2026!"})  # fmt: skip
    assert changed.status_code == 302
    assert api.get("/api/v1/massnahmen").status_code == 401


def test_token_form_refuses_bad_input_with_german_messages(client, login_as):
    login_as("viewer")
    too_far = (date.today() + timedelta(days=400)).isoformat()
    page = client.post("/konto/api-zugaenge", data={"name": "x", "expires_on": too_far})
    assert page.status_code == 422 and "höchstens ein Jahr" in page.get_data(as_text=True)
    page = client.post("/konto/api-zugaenge", data={"name": "a\x00b", "expires_on": date.today().isoformat()})  # fmt: skip
    assert page.status_code == 422 and "Steuerzeichen" in page.get_data(as_text=True)
    client.post("/konto/api-zugaenge", data={"name": "Doppelt", "expires_on": date.today().isoformat()})  # fmt: skip
    page = client.post("/konto/api-zugaenge", data={"name": "Doppelt", "expires_on": date.today().isoformat()})  # fmt: skip
    assert page.status_code == 422 and "haben Sie schon" in page.get_data(as_text=True)


def test_revoking_someone_elses_key_is_refused(client, login_as, api_as):
    _api, other = api_as("planner")
    foreign = _db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == other.id))
    login_as("admin")
    client.post(f"/konto/api-zugaenge/{foreign}/widerrufen")
    assert _db.session.scalar(select(ApiToken.revoked_at).where(ApiToken.id == foreign)) is None


def test_a_session_cookie_never_authenticates_the_api(client, login_as):
    login_as("admin")
    response = client.get("/api/v1/organisationen")
    assert response.status_code == 401
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    ("role", "allowed", "refused"),
    [
        ("admin", ["personen", "werte", "fristen", "foerderantraege", "sozialberichte"], []),
        ("planner", ["personen", "werte", "massnahmen", "prozessschritte"], []),
        ("participant", ["personen", "werte", "sitzungen"], []),
        (
            "supplier",
            ["organisationen", "fristen"],
            [
                "personen",
                "werte",
                "massnahmen",
                "gremien",
                "sitzungen",
                "foerderantraege",
                "sozialberichte",
            ],
        ),  # fmt: skip
        ("viewer", ["gremien", "werte", "massnahmen", "sitzungen"], ["personen"]),
    ],
)
def test_permissions_per_role_as_in_the_pages(api_as, role, allowed, refused):
    api, _user = api_as(role)
    for path in allowed:
        assert api.get(f"/api/v1/{path}").status_code == 200, path
    for path in refused:
        response = api.get(f"/api/v1/{path}")
        assert response.status_code == 403, path
        assert response.get_json()["title"] == "Keine Berechtigung"


def test_visibility_rules_of_the_pages_apply(api_as, kreis):
    ids = world.build(org=kreis)
    other = OrganisationFactory(name="Anderer Träger")
    _db.session.commit()
    supplier, _u = api_as("supplier", organisation=other)
    assert [o["name"] for o in supplier.get("/api/v1/organisationen").get_json()["data"]] == ["Anderer Träger"]  # fmt: skip
    assert supplier.get(f"/api/v1/organisationen/{kreis.id}").status_code == 404
    viewer, _u = api_as("viewer")
    states = {e["state"] for e in viewer.get("/api/v1/sozialberichte").get_json()["data"]}
    assert states == {"veroeffentlicht"}
    planner, _u = api_as("planner")
    assert "entwurf" in {e["state"] for e in planner.get("/api/v1/sozialberichte").get_json()["data"]}  # fmt: skip
    hidden = DeadlineFactory(title="Interne Frist", visible_to_all=False)
    _db.session.commit()
    assert viewer.get(f"/api/v1/fristen/{hidden.id}").status_code == 404
    assert planner.get(f"/api/v1/fristen/{hidden.id}").status_code == 200
    assert ids


def test_small_counts_are_secret_except_for_planners(api_as, kreis):
    ids = world.build(org=kreis)
    from planner.monitoring.models import Observation

    obs = _db.session.get(Observation, ids["observation_id"])
    obs.numerator = 2
    _db.session.commit()
    viewer, _u = api_as("viewer")
    shown = viewer.get(f"/api/v1/werte/{obs.id}").get_json()
    assert shown["value"] is None and shown["secret"] is True and shown["numerator"] is None
    planner, _u = api_as("planner")
    shown = planner.get(f"/api/v1/werte/{obs.id}").get_json()
    assert shown["value"] == obs.value and shown["secret"] is True


def test_cursor_paging_and_modified_since(api_as):
    for n in range(7):
        PersonFactory(name=f"Person {n}")
    _db.session.commit()
    api, _u = api_as("planner")
    names, url = [], "/api/v1/personen?limit=3"
    while url:
        page = api.get(url).get_json()
        names += [p["name"] for p in page["data"]]
        url = page["links"].get("next")
    assert names == [f"Person {n}" for n in range(7)]
    since = api.get("/api/v1/personen?modified_since=2199-12-31T00:00:00Z").get_json()
    assert since["data"] == [] and since["links"] == {}
    synced = api.get("/api/v1/personen?limit=2&modified_since=2000-01-01").get_json()
    rest = api.get(synced["links"]["next"]).get_json()
    assert len(synced["data"]) == 2 and len(rest["data"]) == 2
    for bad in ("limit=0", "limit=101", "cursor=abc", "modified_since=morgen", "unbekannt=1",
                "modified_since=9999-01-01", "limit=%00"):  # fmt: skip
        response = api.get(f"/api/v1/personen?{bad}")
        assert response.status_code == 400, bad
        assert response.content_type == "application/problem+json"


def test_period_filter_needs_its_index(api_as):
    api, _u = api_as("planner")
    response = api.get("/api/v1/werte?period=2020")
    assert response.status_code == 400 and "nur zusammen mit" in response.get_json()["detail"]


def test_rate_limit_per_key(app, api_as):
    api, _u = api_as("viewer")
    other, _v = api_as("participant")
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [api.get("/api/v1/gremien").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        refused = api.get("/api/v1/gremien")
        assert refused.content_type == "application/problem+json" and refused.headers.get("Retry-After")  # fmt: skip
        assert other.get("/api/v1/gremien").status_code == 200  # its own budget
    finally:
        app.config["API_RATE_LIMIT"] = TestConfig.API_RATE_LIMIT


def test_writes_deadlines_with_checks(api_as):
    viewer, _u = api_as("viewer")
    assert viewer.post("/api/v1/fristen", json={"title": "x", "kind": "sonstiges", "due_date": "2027-01-01"}).status_code == 403  # fmt: skip
    api, _u = api_as("planner")
    bad = api.post("/api/v1/fristen", json={"title": "a\nb", "kind": "nix", "due_date": "31.12.2026", "extra": 1})  # fmt: skip
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.get_json()["errors"]}
    assert fields == {"title", "kind", "due_date", "extra"}
    created = api.post("/api/v1/fristen", json={"title": "Bericht an das Land", "kind": "bericht", "due_date": "2027-03-31"})  # fmt: skip
    assert created.status_code == 201 and created.headers["Location"].endswith(f"/fristen/{created.get_json()['id']}")  # fmt: skip
    done = api.patch(f"/api/v1/fristen/{created.get_json()['id']}", json={"state": "erledigt"})
    assert done.status_code == 200 and done.get_json()["state"] == "erledigt"
    assert api.post("/api/v1/fristen", data="kein json", headers={"Content-Type": "application/json"}).status_code == 400  # fmt: skip
    assert api.post("/api/v1/fristen", data="x=1").status_code == 415
    assert api.patch("/api/v1/gremien/1", json={}).status_code == 405


def test_writes_measures_as_in_the_pages(api_as, kreis):
    ids = world.build(org=kreis)
    participant, _u = api_as("participant", organisation=kreis)
    refused = participant.post("/api/v1/massnahmen", json={"title": "Ohne Konferenz"})
    assert refused.status_code == 403 and "Fachplanerkonferenz" in refused.get_json()["detail"]
    api, _u = api_as("planner")
    unknown = api.post("/api/v1/massnahmen", json={"title": "X", "area_ids": [999999]})
    assert unknown.status_code == 422 and unknown.get_json()["errors"][0]["field"] == "area_ids"
    made = api.post("/api/v1/massnahmen", json={"title": "Quartiersbüro", "budget": 12500.5, "area_ids": [ids["area_id"]], "organisation_ids": [kreis.id]})  # fmt: skip
    assert made.status_code == 201
    body = made.get_json()
    assert body["budget"] == 12500.5 and body["area_ids"] == [ids["area_id"]]
    changed = api.patch(body["url"].replace("http://localhost", ""), json={"status": "geplant"})
    assert changed.status_code == 200 and changed.get_json()["status"] == "geplant"
    theirs = participant.patch(body["url"].replace("http://localhost", ""), json={"title": "Neu"})
    assert theirs.status_code == 200  # their organisation is responsible


def test_a_delivery_of_values_is_all_or_nothing(api_as, kreis):
    ids = world.build(org=kreis)
    from planner.monitoring.models import Observation

    before = _db.session.scalar(select(Observation.id).order_by(Observation.id.desc()).limit(1))
    api, _u = api_as("planner")
    rows = [{"indicator": "SGB2", "area": "K1-1", "period": "2021", "value": 7.5, "numerator": 75, "denominator": 1000},
            {"indicator": "SGB2", "area": "GIBTSNICHT", "period": "2021", "value": 1}]  # fmt: skip
    refused = api.post("/api/v1/werte", json={"rows": rows})
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0]["field"] == "rows[1].area", refused.get_json()
    assert _db.session.scalar(select(Observation.id).order_by(Observation.id.desc()).limit(1)) == before  # fmt: skip
    done = api.post("/api/v1/werte", json={"rows": rows[:1]})
    assert done.status_code == 201 and done.get_json()["written"] == 1
    supplier, _s = api_as("supplier", organisation=OrganisationFactory(name="Fremd"))
    _db.session.commit()
    assert supplier.post("/api/v1/werte", json={"rows": rows[:1]}).status_code == 403
    foreign = supplier.post("/api/v1/werte", json={"rows": rows[:1], "delivery_id": ids["delivery_id"]})  # fmt: skip
    assert foreign.status_code == 422 and "gibt es nicht" in foreign.get_json()["detail"]


def test_openapi_document_and_readable_page(client, login_as, api_as):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.") and "/massnahmen" in doc["paths"]
    assert "post" in doc["paths"]["/werte"] and "patch" in doc["paths"]["/fristen/{id}"]
    login_as("viewer")
    page = client.get("/api").get_data(as_text=True)
    assert "/api/v1/personen" in page and "nicht freigegeben" in page


def test_a_second_request_taking_the_same_key_name_gets_the_message(db):
    """Both requests found the name free; the second one's unique key is refused with the
    German message, and only one key exists."""
    import pytest

    from planner.core.models import utcnow as now
    from tests.factories import UserFactory
    from tests.races import race

    user = UserFactory(role="participant")
    _db.session.commit()
    stamp = now()
    fired, stop = race(lambda c: c.execute(ApiToken.__table__.insert().values(
        user_id=user.id, name="Abgleich", token_hash="0" * 64, hint="pl_00000",
        expires_at=stamp + timedelta(days=1), created_at=stamp, updated_at=stamp)))  # fmt: skip
    try:
        with pytest.raises(tokens.TokenNameTaken, match="haben Sie schon"):
            tokens.create_token(user, "Abgleich", date.today() + timedelta(days=5))
    finally:
        stop()
    assert fired
    _db.session.rollback()
    assert len(_db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()) == 1
