"""Browser: a supplier downloads the template of a delivery, uploads it with an error, reads the
report, fixes the file and uploads again; the planner sees the delivery received and views the
map. axe-core finds no WCAG 2.1 A/AA violation on the indicator table, the area profile, the
map and "Meine Lieferungen"; they work at 390 px."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_accessible, login
from tests.browser.test_process import PHONE_390, assert_fits
from tests.factories import OrganisationFactory, UserFactory
from tests.monitoring import world as monitoring_world

pytestmark = pytest.mark.browser


def test_supplier_delivers_after_a_failed_upload_and_the_planner_sees_it(db, page, tmp_path):
    org = OrganisationFactory(name="Stadt Lieferdorf", short_name="Lieferdorf")
    ids = monitoring_world.build(org)
    supplier = UserFactory(role="supplier", name="Dora Daten", organisation=org)
    planner = UserFactory(role="planner", name="Paula Planerin")

    login(page, supplier)
    page.get_by_role("link", name="Meine Lieferungen", exact=True).first.click()
    page.get_by_role("heading", name="Meine Lieferungen", level=1).wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Lieferplan Sozialraum, Zeitraum 2024").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Vorlage als CSV").click()
    template = download.value.path().read_bytes().decode("utf-8-sig").splitlines()
    assert template[0] == "raum;name;SGB2" and len(template) == 5

    # the supplier fills the template, one value mistyped
    filled = [template[0]] + [
        f"{line}{value}"
        for line, value in zip(template[1:], ["7,5", "8,1", "sieben", "9"], strict=True)
    ]
    wrong = tmp_path / "lieferung.csv"
    wrong.write_text("\n".join(filled), encoding="cp1252")
    page.get_by_label("Ausgefüllte Vorlage (CSV oder XLSX)").set_input_files(str(wrong))
    page.get_by_role("button", name="Hochladen und prüfen").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "nicht übernommen" in alert.inner_text()
    report = page.get_by_role("table").inner_text()
    assert "„sieben“ ist keine gültige Zahl" in report and "C (sgb2)" in report
    assert_accessible(page)

    filled[3] = filled[3].replace("sieben", "7")
    wrong.write_text("\n".join(filled), encoding="cp1252")
    page.get_by_role("link", name="« Zurück").click()
    page.get_by_label("Ausgefüllte Vorlage (CSV oder XLSX)").set_input_files(str(wrong))
    page.get_by_role("button", name="Hochladen und prüfen").click()
    page.get_by_text("4 Werte übernommen").wait_for()

    page.context.clear_cookies()
    login(page, planner)
    page.get_by_role("link", name="Lieferungen", exact=True).click()
    row = page.get_by_role("row").filter(has_text="Lieferplan Sozialraum, 2024")
    assert "eingegangen" in row.inner_text()
    page.goto(f"/indikatoren/{ids['indicator_id']}/karte?zeitraum=2024&ebene=Sozialraum")
    assert page.locator("svg.map path[fill]").count() == 4
    assert "7,5" in page.get_by_role("table").inner_text()
    assert_accessible(page)
    page.goto(f"/indikatoren/{ids['indicator_id']}/tabelle?zeitraum=2024&ebene=Sozialraum")
    assert_accessible(page)
    page.goto(f"/raeume/{ids['area_id']}")
    page.get_by_role("heading", name="Sozialraumprofil", exact=False).first.wait_for()
    assert_accessible(page)


def test_monitoring_pages_fit_a_phone(db, page):
    org = OrganisationFactory(name="Stadt Lieferdorf")
    ids = monitoring_world.build(org, long_names=True)
    planner = UserFactory(role="admin", organisation=org)
    page.set_viewport_size(PHONE_390)
    login(page, planner)
    for url in [
        f"/raeume/{ids['area_id']}",
        f"/indikatoren/{ids['indicator_id']}/tabelle",
        f"/indikatoren/{ids['indicator_id']}/karte",
        f"/indikatoren/{ids['indicator_id']}/verlauf",
        f"/index/{ids['run_id']}",
        "/lieferungen/",
        "/meine-lieferungen",
        f"/lieferungen/{ids['delivery_id']}",
        f"/werte/importe/{ids['job_id']}",
        "/lieferungen/plaene/",
    ]:
        page.goto(url)
        assert_fits(page)
