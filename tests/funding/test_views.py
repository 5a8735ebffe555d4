"""Funding through its pages: a planner files an application for a measure, records the grant
(the block's lift proposed, the duties in the calendar), lifts the block and gives the measure
money; bad input is refused at its field with nothing saved; viewers and participants read
the overview and change nothing; amounts in German format."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from planner.extensions import db as _db
from planner.funding.models import (
    ApplicationStatus,
    BudgetAllocation,
    BudgetLine,
    FundingApplication,
    FundingProgramme,
)
from planner.process.models import Step, StepStatus
from tests.core.test_permissions import _snapshot
from tests.funding import world


def _count(model) -> int:
    _db.session.expire_all()
    return _db.session.scalar(select(func.count()).select_from(model))


def test_a_planner_files_an_application_for_a_measure_records_the_grant_and_lifts_the_block(
    client, login_as, db
):
    ids = world.build()
    login_as("planner")
    measure_page = client.get(f"/massnahmen/{ids['measure_id']}").get_data(as_text=True)
    assert "Förderantrag stellen" in measure_page
    choice = client.get(f"/foerderung/antraege/neu?massnahme={ids['measure_id']}")
    assert choice.status_code == 200 and "Antrag stellen" in choice.get_data(as_text=True)
    url = f"/foerderung/antraege/neu?programm={ids['programme_id']}&massnahme={ids['measure_id']}"
    form = client.get(url).get_data(as_text=True)
    assert "Sozialplanerstelle Sozialplanung (Nr." in form  # the measure is preset
    response = client.post(url, data={
        "title": "Zweiter Antrag", "applicant": "Kreis Beispiel", "modul": str(ids["module_id"]),
        "aufruf": str(ids["call_id"]), "year": "", "total_costs": "90.000,00",
        "requested": "72.000,00", "measures": f"Sozialplanerstelle Sozialplanung (Nr. {ids['measure_id']})",
    })  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    app = _db.session.scalar(
        select(FundingApplication).where(FundingApplication.title == "Zweiter Antrag")
    )
    assert app.year == 2027 and app.requested == Decimal("72000.00")
    page = client.get(f"/foerderung/antraege/{app.id}").get_data(as_text=True)
    assert (
        "72.000,00\u00a0€" in page and "18.000,00\u00a0€" in page and "Sozialplanerstelle" in page
    )
    # file, then grant (the line waits for the world's first application)
    first = ids["application_id"]
    for data in ({"status": "eingereicht", "on": "2026-05-01"},
                 {"status": "bewilligt", "on": "2026-06-15", "granted": "",
                  "period_start": "2026-07-01", "period_end": "2027-06-30"}):  # fmt: skip
        response = client.post(f"/foerderung/antraege/{first}/status", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sperrvermerk" in page and "Planner schlägt die Aufhebung vor" in page
    assert "Verwendungsnachweis" in page and "31.12.2027" in page
    line = _db.session.get(BudgetLine, ids["line_id"])
    assert line.state == "vorgeschlagen"
    step_id = line.lift_step_id
    line_page = client.get(f"/foerderung/haushalt/{line.id}").get_data(as_text=True)
    assert "Aufhebung vorgeschlagen" in line_page and "Schritt im Prozessplan" in line_page
    response = client.post(f"/foerderung/haushalt/{line.id}/aufheben", data={
        "lifted_on": "2026-08-01", "resolution": ""})  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    _db.session.expire_all()
    line = _db.session.get(BudgetLine, ids["line_id"])
    assert line.state == "aufgehoben"
    assert _db.session.get(Step, step_id).status == StepStatus.ERLEDIGT
    # now money can be spent on the measure
    response = client.post(f"/foerderung/haushalt/{line.id}/mittel", data={
        "measure": f"Sozialplanerstelle Sozialplanung (Nr. {ids['measure_id']})",
        "planned": "50.000", "spent": "12.345,67"})  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(f"/foerderung/haushalt/{line.id}").get_data(as_text=True)
    assert "12.345,67\u00a0€" in page and "20.000,00\u00a0€" in page  # not yet planned
    measure_page = client.get(f"/massnahmen/{ids['measure_id']}").get_data(as_text=True)
    assert "Zweiter Antrag" in measure_page and "12.345,67" in measure_page


def test_bad_input_is_refused_at_its_field_and_nothing_is_saved(client, login_as, db):
    ids = world.build()
    login_as("planner")
    before = _snapshot()
    url = f"/foerderung/antraege/neu?programm={ids['programme_id']}"
    cases = [
        ({"requested": "74.000", "total_costs": "90.000"}, "requested", "Eigenanteil beträgt"),
        ({"requested": "80.000", "total_costs": "200.000"}, "requested", "höchstens 75.000,00"),
        ({"requested": "-5"}, "requested", "nicht negativ"),
        ({"requested": "1e400"}, "requested", "kein Betrag"),
        ({"requested": "9999999999999"}, "requested", "zu groß"),
        ({"total_costs": "-90.000"}, "total_costs", "nicht negativ"),
        ({"requested": "12,345"}, "requested", "Cent"),
        ({"year": "99999999999"}, "year", "zu groß"),
        ({"year": "1800"}, "year", "1990"),
    ]
    for changes, field, message in cases:
        data = {"title": "Schlecht", "applicant": "Kreis Beispiel", "modul": str(ids["module_id"]),
                "year": "2027", "total_costs": "100000", "requested": "75000", **changes}  # fmt: skip
        response = client.post(url, data=data)
        text = response.get_data(as_text=True)
        assert response.status_code == 422, (changes, text[-500:])
        assert f'id="{field}-error"' in text and message in text, changes
    app = ids["application_id"]
    response = client.post(
        f"/foerderung/antraege/{app}/status", data={"status": "bewilligt", "on": "2026-06-01"}
    )
    text = response.get_data(as_text=True)
    assert (
        response.status_code == 422 and "Schritte einzeln" in text and 'id="status-error"' in text
    )
    granted = ids["granted_id"]
    response = client.post(f"/foerderung/antraege/{granted}/status",
                           data={"status": "teilweise_bewilligt", "on": "2026-06-01", "granted": "50000"})  # fmt: skip
    text = response.get_data(as_text=True)
    assert (
        response.status_code == 422
        and 'id="granted-error"' in text
        and "höchstens die beantragten" in text
    )
    response = client.post(f"/foerderung/haushalt/{ids['line_id']}/mittel", data={
        "measure": f"Sozialplanerstelle Sozialplanung (Nr. {ids['measure_id']})", "planned": "1",
        "spent": "1"})  # fmt: skip
    assert response.status_code == 422 and "Gesperrte Mittel" in response.get_data(as_text=True)
    response = client.post(f"/foerderung/haushalt/{ids['line_id']}/aufheben",
                           data={"lifted_on": "2300-01-01", "resolution": ""})  # fmt: skip
    assert response.status_code == 422 and 'id="lifted_on-error"' in response.get_data(as_text=True)
    response = client.post(
        "/foerderung/haushalt/neu", data={"year": "2027", "amount": "0", "purpose": "Null"}
    )
    assert response.status_code == 422 and 'id="amount-error"' in response.get_data(as_text=True)
    response = client.post(
        "/foerderung/programme/neu", data={"name": "Prozent", "own_share_percent": "150"}
    )
    assert response.status_code == 422 and "zwischen 0 und 100" in response.get_data(as_text=True)
    response = client.post(f"/foerderung/programme/{ids['programme_id']}/aufrufe/neu",
                           data={"title": "X", "year": "2099", "closes_on": "2099-01-01"})  # fmt: skip
    assert response.status_code == 422 and 'id="year-error"' in response.get_data(as_text=True)
    assert _snapshot() == before


def test_viewers_and_participants_read_the_overview_and_change_nothing(client, login_as, db):
    ids = world.build()
    for role in ("viewer", "participant"):
        client.post("/abmelden")
        login_as(role)
        page = client.get("/foerderung/")
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and "75.000,00\u00a0€" in text and "70.000,00\u00a0€" in text
        assert "Neuer Förderantrag" not in text
        assert client.get(f"/foerderung/antraege/{ids['application_id']}").status_code == 200
        before = _snapshot()
        for url, data in ((f"/foerderung/antraege/{ids['application_id']}/status", {"status": "eingereicht", "on": "2026-01-01"}),
                          (f"/foerderung/haushalt/{ids['line_id']}/aufheben", {"lifted_on": "2026-01-01"}),
                          (f"/foerderung/programme/{ids['programme_id']}/loeschen", {}),
                          ("/foerderung/haushalt/neu", {"year": "2027", "amount": "1", "purpose": "x"})):  # fmt: skip
            assert client.post(url, data=data).status_code == 403, url
        assert _snapshot() == before
    client.post("/abmelden")
    login_as("supplier")
    assert client.get("/foerderung/").status_code == 403
    assert client.get(f"/foerderung/antraege/{ids['application_id']}").status_code == 403


def test_lists_filter_and_page_without_growing_queries(client, login_as, db, app):
    world.build()
    login_as("viewer")
    text = client.get("/foerderung/antraege/?status=bewilligt").get_data(as_text=True)
    assert "Bewilligter Antrag" in text and "Antrag Sozialplanung" not in text.replace(
        "Bewilligter Antrag Sozialplanung", ""
    )
    text = client.get("/foerderung/haushalt/?state=gesperrt").get_data(as_text=True)
    assert "Zielsetzung" in text and "Eigenanteil Sozialplanung" not in text
    text = client.get("/foerderung/?von=2028").get_data(as_text=True)
    assert "Noch keine Anträge" in text
    # filters with nonsense are ignored, not errors
    for url in ("/foerderung/antraege/?year=abc&status=x&programm=-1", "/foerderung/haushalt/?year=1e9",
                "/foerderung/?von=x&bis=99999999999"):  # fmt: skip
        assert client.get(url).status_code == 200, url


def test_a_deleted_programme_call_and_empty_line_leave_no_deadline(client, login_as, db):
    ids = world.build()
    login_as("planner")
    response = client.post(f"/foerderung/programme/{ids['programme_id']}/aufrufe/neu",
                           data={"title": "Aufruf 2028", "year": "2028", "closes_on": "2027-10-31"})  # fmt: skip
    assert response.status_code == 302
    programme = _db.session.get(FundingProgramme, ids["programme_id"])
    from planner.funding import services

    new_call = next(c for c in services.calls_of(programme.id) if c.title == "Aufruf 2028")
    assert client.post(f"/foerderung/aufrufe/{new_call.id}/loeschen").status_code == 302
    from planner.deadlines.models import Deadline

    assert _db.session.scalar(select(Deadline.id).where(Deadline.owner_type == "funding_call",
                                                        Deadline.owner_id == new_call.id)) is None  # fmt: skip
    # a call with applications stays
    response = client.post(f"/foerderung/aufrufe/{ids['call_id']}/loeschen", follow_redirects=True)
    assert "gibt es Anträge" in response.get_data(as_text=True)
    assert _count(BudgetAllocation) == 1
    assert (
        _db.session.get(FundingApplication, ids["application_id"]).status
        == ApplicationStatus.VORBEREITUNG
    )


def test_lists_export_as_csv_and_xlsx_with_exact_amounts(client, login_as, db):
    import io

    from openpyxl import load_workbook

    world.build()
    login_as("viewer")
    csv = client.get("/foerderung/antraege/export.csv?status=bewilligt")
    text = csv.get_data().decode("utf-8-sig")
    assert csv.headers["Content-Disposition"].endswith('foerderantraege.csv"')
    lines = text.splitlines()
    assert lines[0].startswith("nr;titel;programm") and len(lines) == 2
    assert ";50000,00;40000,00;40000,00;10000,00;" in lines[1]
    xlsx = client.get("/foerderung/haushalt/export.xlsx?state=gesperrt")
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    rows = list(sheet.values)
    assert rows[0][:7] == (
        "nr",
        "jahr",
        "zweck",
        "kostenstelle",
        "betrag_eur",
        "geplant_eur",
        "ausgegeben_eur",
    )
    assert len(rows) == 2 and rows[1][4] == 70000 and rows[1][7] == "gesperrt"
    free = client.get("/foerderung/haushalt/export.csv?state=frei").get_data().decode("utf-8-sig")
    assert ";20000,00;10000,00;2500,50;ohne Sperre;" in free
    assert csv.headers["Content-Type"] == "text/csv; charset=utf-8"
