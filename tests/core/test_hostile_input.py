"""Issue 6: each input that answered 500 now gets a German message where it came from."""

from __future__ import annotations

import re

import pytest

from tests.factories import PASSWORD, DeadlineFactory, UserFactory

DEADLINE = {"title": "Frist", "kind": "lieferung", "due_date": "2027-01-15"}


def _error(response, field: str) -> str:
    match = re.search(rf'id="{field}-error">(.*?)</p>', response.get_data(as_text=True), re.S)
    return match.group(1).strip() if match else ""


def test_a_nul_byte_in_the_login_address_is_a_form_message(client, db):
    UserFactory(email="anna@kreis.example")
    response = client.post(
        "/anmelden", data={"email": "anna\x00@kreis.example", "password": PASSWORD}
    )
    assert response.status_code == 422
    assert "Steuerzeichen" in _error(response, "email")


@pytest.mark.parametrize("field", ["title", "notes", "reminder_offsets"])
def test_nul_bytes_in_deadline_fields_are_refused_at_the_field(client, db, login_as, field):
    login_as("planner")
    response = client.post("/fristen/neu", data={**DEADLINE, field: "a\x00b"})
    assert response.status_code == 422
    assert "Steuerzeichen" in _error(response, field)


def test_a_newline_in_a_single_line_field_is_refused(client, db, login_as):
    login_as("admin")
    response = client.post(
        "/admin/benutzer/neu",
        data={
            "name": "Zeile\nUmbruch",
            "email": "z@kreis.example",
            "role": "viewer",
            "password": "Kaffeetasse-Wolke-17",
        },
    )
    assert "Steuerzeichen" in _error(response, "name")
    response = client.post("/fristen/neu", data={**DEADLINE, "title": "Zeile\r\nUmbruch"})
    assert "Steuerzeichen" in _error(response, "title")


def test_notes_keep_their_line_breaks(client, db, login_as):
    login_as("planner")
    response = client.post("/fristen/neu", data={**DEADLINE, "notes": "Zeile 1\r\nZeile 2\tTab"})
    assert response.status_code == 302


@pytest.mark.parametrize("day", ["0202-12-10", "9999-12-31", "1899-12-31", "2200-01-01"])
def test_dates_outside_the_sane_range_are_refused(client, db, login_as, day):
    login_as("planner")
    response = client.post("/fristen/neu", data={**DEADLINE, "due_date": day})
    assert response.status_code == 422
    assert "Bitte geben Sie ein Datum zwischen dem 01.01.1900 und dem 31.12.2199 an." in _error(
        response, "due_date"
    )


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_audit_log_dates_at_the_calendar_ends(client, db, login_as, day):
    login_as("admin")
    for key in ("date_from", "date_to"):
        response = client.get("/admin/protokoll", query_string={key: day})
        assert response.status_code == 200
        assert "Bitte geben Sie ein Datum zwischen" in response.get_data(as_text=True)


@pytest.mark.parametrize("deadline_id", [2**31, 2**63, 10**30])
def test_ids_beyond_32_bits_are_not_found(client, db, login_as, deadline_id):
    login_as("planner")
    for suffix in ("", "/bearbeiten", ".ics"):
        assert client.get(f"/fristen/{deadline_id}{suffix}").status_code == 404
    assert client.post(f"/fristen/{deadline_id}/erledigt").status_code == 404


def test_the_pager_never_hands_request_arguments_to_url_for(client, db, login_as):
    for i in range(60):
        DeadlineFactory(title=f"Frist {i:02d}")
    login_as("planner")
    response = client.get(
        "/fristen/", query_string={"endpoint": "core.health", "_method": "POST", "_external": "1"}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert (
        'href="/fristen/?endpoint=core.health&amp;_method=POST&amp;_external=1&amp;page=2"' in html
    )


def test_control_characters_in_query_arguments_are_a_bad_request(client, db, login_as):
    login_as("admin")
    assert client.get("/admin/benutzer", query_string={"q": "a\x00b"}).status_code == 400
    assert client.get("/fristen/", query_string={"q\x01": "x"}).status_code == 400


def test_every_form_inherits_the_input_rules():
    """A new form that forgot the base class would skip the checks above."""
    from flask_wtf import FlaskForm

    from planner.core.forms import Form

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    strays = [
        c.__qualname__ for c in subclasses(FlaskForm) if not issubclass(c, Form) and c is not Form
    ]
    assert strays == []
