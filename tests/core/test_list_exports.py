"""Every list page leaves the tool as CSV and XLSX with its active filters, German formats in
the CSV, typed cells in the XLSX, and the reader's visibility."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from openpyxl import load_workbook

from planner.extensions import db as _db
from tests.factories import DeadlineFactory, OrganisationFactory, PersonFactory
from tests.reports import world
from tests.routes import route_value


def _csv(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def _xlsx(response) -> list[tuple]:
    book = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def _export_rules(app):
    return [r for r in app.url_map.iter_rules() if "export.<" in r.rule and "kind" in r.arguments]


def test_every_list_page_offers_both_files(app, client, login_as, db):
    world.build(org=OrganisationFactory(name="Kreis (Export)"))
    login_as("admin")
    rules = _export_rules(app)
    assert len(rules) >= 20
    adapter = app.url_map.bind("localhost")
    for rule in rules:
        args = {a: route_value(rule, a, {}) for a in rule.arguments if a != "kind"}
        for kind in ("csv", "xlsx"):
            url = adapter.build(rule.endpoint, {**args, "kind": kind})
            response = client.get(url)
            assert response.status_code == 200, url
            assert "attachment" in response.headers["Content-Disposition"], url
            if kind == "csv":
                header = _csv(response)[0]
            else:
                assert [str(c) for c in _xlsx(response)[0]] == header, url


def test_list_pages_link_their_export_with_the_filters(client, login_as, db):
    login_as("planner")
    page = client.get("/organisationen/?kind=kommune&q=Sieg").get_data(as_text=True)
    assert "/organisationen/export.csv?kind=kommune&amp;q=Sieg" in page
    assert "/organisationen/export.xlsx?kind=kommune&amp;q=Sieg" in page


def test_filters_and_german_formats(client, login_as, db):
    OrganisationFactory(name="Stadt Siegburg", kind="kommune")
    OrganisationFactory(name="Diakonie", kind="wohlfahrt")
    PersonFactory(name="=HYPERLINK(1)")
    DeadlineFactory(title="Bericht ans Land", due_date=date(2027, 3, 31))
    _db.session.commit()
    login_as("planner")
    rows = _csv(client.get("/organisationen/export.csv?kind=wohlfahrt"))
    assert [r[1] for r in rows[1:]] == ["Diakonie"]
    persons = _csv(client.get("/personen/export.csv"))
    assert ["'=HYPERLINK(1)"] == [r[1] for r in persons[1:] if "HYPERLINK" in r[1]]
    deadlines = _csv(client.get("/fristen/export.csv?q=Bericht"))
    assert deadlines[1][1] == "31.03.2027" and deadlines[1][3] == "Bericht ans Land"
    sheet = _xlsx(client.get("/fristen/export.xlsx?q=Bericht"))
    assert isinstance(sheet[1][1], datetime) and sheet[1][1].date() == date(2027, 3, 31)


def test_exports_keep_the_readers_visibility(client, login_as, db):
    own = OrganisationFactory(name="Eigener Lieferant")
    OrganisationFactory(name="Fremder Träger")
    PersonFactory(name="Vertrauliche Person")
    _db.session.commit()
    login_as("supplier", organisation=own)
    rows = _csv(client.get("/organisationen/export.csv"))
    assert [r[1] for r in rows[1:]] == ["Eigener Lieferant"]
    assert client.get("/personen/export.csv").status_code == 403
    assert client.get("/admin/benutzer/export.xlsx").status_code == 403
