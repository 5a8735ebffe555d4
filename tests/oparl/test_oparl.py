"""OParl 1.1: every object checked against the specification's JSON schemas, and the whole
output walked as a client would (System → lists → objects → every link), with no dead link;
what is not public never appears."""

from __future__ import annotations

import io
import json
from collections import deque
from datetime import date, datetime
from pathlib import Path

import pytest
from jsonschema import Draft7Validator, FormatChecker

from config import TestConfig
from planner.extensions import db as _db
from planner.files import services as files
from planner.governance.models import Membership, MembershipRole
from planner.meetings.models import AgendaItem, Meeting, MeetingKind, MeetingState
from planner.stakeholders.models import LegalBasis
from tests.factories import BodyFactory, OrganisationFactory, PaperFactory, PersonFactory

SCHEMAS = Path(__file__).resolve().parents[2].parent / "shared" / "oparl" / "schema"
BASE = "http://localhost/oparl/v1/"

formats = FormatChecker()


@formats.checks("url")
def _is_url(value) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def _schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text())


def check(obj: dict, schema_name: str, problems: list) -> None:
    """Validate ``obj`` and, recursively, the objects it embeds (named in a ``schema`` key)."""
    schema = _schema(schema_name)
    for error in Draft7Validator(schema, format_checker=formats).iter_errors(obj):
        problems.append(f"{schema_name} {obj.get('id')}: {error.message}")
    for key, spec in schema.get("properties", {}).items():
        value = obj.get(key)
        inner = spec.get("items", {}).get("schema") if spec.get("type") == "array" else spec.get("schema")  # fmt: skip
        if inner and isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    check(item, inner, problems)
        elif inner and isinstance(value, dict):
            check(value, inner, problems)


def _links(value, found: set) -> None:
    if isinstance(value, str) and value.startswith(BASE):
        found.add(value)
    elif isinstance(value, dict):
        for v in value.values():
            _links(v, found)
    elif isinstance(value, list):
        for v in value:
            _links(v, found)


@pytest.fixture
def council(db):
    kreis = OrganisationFactory(name="Rhein-Sieg-Kreis", kind="kreisverwaltung")
    council = BodyFactory(name="Kreistag")
    mandate = PersonFactory(name="Anna Abgeordnete", legal_basis=LegalBasis.AMT)
    private = PersonFactory(name="Paula Privat", legal_basis=LegalBasis.EINWILLIGUNG, consent_date=date(2024, 1, 1))  # fmt: skip
    _db.session.add_all([
        Membership(body=council, person=mandate, role=MembershipRole.VORSITZ, start_date=date(2020, 11, 1)),
        Membership(body=council, person=private, role=MembershipRole.BERATEND),
    ])  # fmt: skip
    paper = PaperFactory(title="Sozialbericht 2017", originator_id=kreis.id)
    meeting = Meeting(kind=MeetingKind.GREMIUM,
                      title="Sitzung des Kreistags", body_id=council.id, starts_at=datetime(2017, 6, 19, 15),
                      ends_at=datetime(2017, 6, 19, 18), place="Kreishaus Siegburg, Großer Sitzungssaal",
                      state=MeetingState.DURCHGEFUEHRT)  # fmt: skip
    _db.session.add(meeting)
    _db.session.flush()
    _db.session.add_all([
        AgendaItem(meeting_id=meeting.id, position=1, title="Sozialbericht", public=True, paper_id=paper.id),
        AgendaItem(meeting_id=meeting.id, position=2, title="Grundstücksangelegenheit Geheim", public=False),
    ])  # fmt: skip
    files.store("paper", paper.id, io.BytesIO(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), "bericht.pdf")  # fmt: skip
    _db.session.commit()
    return {"paper": paper.id, "meeting": meeting.id}


def test_walk_validates_every_object_and_follows_every_link(client, council):
    seen, problems, queue = set(), [], deque([BASE + "system"])
    texts = []
    while queue:
        address = queue.popleft()
        if address in seen:
            continue
        seen.add(address)
        response = client.get(address)
        if address.endswith("/inhalt") or "/inhalt?" in address:
            assert response.status_code == 200, address
            assert response.get_data().startswith(b"%PDF")
            response.close()
            continue
        assert response.status_code == 200, (address, response.status_code)
        body = response.get_json()
        texts.append(response.get_data(as_text=True))
        if "data" in body and "links" in body:  # a list
            for item in body["data"]:
                check(item, item["type"].rsplit("/", 1)[1] + ".json", problems)
        else:
            check(body, body["type"].rsplit("/", 1)[1] + ".json", problems)
        found: set = set()
        _links(body, found)
        queue.extend(sorted(found - seen))
    assert not problems, "\n".join(problems[:20])
    everything = "\n".join(texts)
    kinds = {"System", "Body", "Organization", "Person", "Membership", "Meeting", "AgendaItem",
             "Paper", "Consultation", "File", "Location", "LegislativeTerm"}  # fmt: skip
    for kind in kinds:
        assert f"https://schema.oparl.org/1.1/{kind}" in everything, kind
    assert "Anna Abgeordnete" in everything
    assert "Paula Privat" not in everything  # consent is no basis for publication
    assert "Geheim" not in everything  # non-public agenda item
    assert len(seen) > 25


def test_lists_page_and_filter_by_date(client, council):
    first = client.get("/oparl/v1/koerperschaft/organisationen?limit=1").get_json()
    assert len(first["data"]) == 1 and "next" in first["links"]
    second = client.get(first["links"]["next"]).get_json()
    assert second["data"][0]["id"] != first["data"][0]["id"]
    future = client.get("/oparl/v1/koerperschaft/vorlagen?modified_since=2199-01-01T00:00:00%2B01:00").get_json()  # fmt: skip
    assert future["data"] == []
    past = client.get("/oparl/v1/koerperschaft/vorlagen?created_since=2000-01-01").get_json()
    assert [p["name"] for p in past["data"]] == ["Sozialbericht 2017"]
    bad = client.get("/oparl/v1/koerperschaft/vorlagen?modified_since=gestern")
    assert bad.status_code == 400 and bad.content_type == "application/problem+json"
    assert "ISO 8601" in bad.get_json()["detail"]
    assert client.get("/oparl/v1/koerperschaft/vorlagen?limit=0").status_code == 400
    assert client.get("/oparl/v1/sitzung/999999").status_code == 404


def test_oparl_ignores_the_login_session(client, council, login_as):
    login_as("planner")
    response = client.get("/oparl/v1/koerperschaft/tagesordnungspunkte")
    assert "Geheim" not in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers


def test_oparl_is_limited_per_client_address(app, db):
    app.config["OPARL_RATE_LIMIT"] = "2 per minute"
    client = app.test_client(use_cookies=False)
    try:
        address = {"REMOTE_ADDR": "192.0.2.77"}
        codes = [client.get("/oparl/v1/system", environ_base=address).status_code for _ in range(3)]  # fmt: skip
        assert codes == [200, 200, 429]
        assert client.get("/oparl/v1/system", environ_base={"REMOTE_ADDR": "192.0.2.78"}).status_code == 200  # fmt: skip
    finally:
        app.config["OPARL_RATE_LIMIT"] = TestConfig.OPARL_RATE_LIMIT


def test_object_addresses_are_the_routes(app):
    from flask import url_for

    from planner.oparl import objects

    with app.test_request_context("/oparl/v1/system"):
        for endpoint, path in objects.PATHS.items():
            args = {"obj_id": 7} if "{obj_id}" in path else {}
            assert objects.url(endpoint, **args) == url_for(f"oparl.{endpoint}", _external=True, **args)  # fmt: skip
        assert objects.url("meetings", gremium=3) == url_for("oparl.meetings", gremium=3, _external=True)  # fmt: skip
