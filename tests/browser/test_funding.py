"""Browser: a planner files an application for a measure from the measure's page, records the
grant (Planner proposes to lift the block that waited for it and puts the step into the process
plan), and lifts the block with the committee's resolution. axe-core finds no WCAG 2.1 A/AA
violation on the overview, the application page and the other funding pages; they fit a phone
(390 px)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_accessible, login
from tests.browser.test_process import PHONE_390, assert_fits
from tests.factories import OrganisationFactory, UserFactory
from tests.funding import world as funding_world

pytestmark = pytest.mark.browser


def test_a_planner_files_an_application_records_the_grant_and_lifts_the_block(db, page):
    org = OrganisationFactory(name="Kreis Beispiel")
    ids = funding_world.build(org)
    planner = UserFactory(role="planner", name="Paula Planerin", organisation=org)
    login(page, planner)

    page.goto(f"/massnahmen/{ids['measure_id']}")
    page.locator("#finanzierung").get_by_role("link", name="Förderantrag stellen").click()
    page.get_by_role("heading", name="Förderprogramm für den Antrag wählen").wait_for()
    page.get_by_role("link", name="Antrag stellen NRW hält zusammen Sozialplanung").click()
    page.get_by_role("heading", name="Neuer Förderantrag").wait_for()
    assert page.get_by_label("Antragsteller").input_value() == "Kreis Beispiel"
    page.get_by_label("Titel").fill("Quartiersarbeit Sozialplanung")
    page.get_by_label("Modul").select_option(label="Sozialplanung")
    page.get_by_label("Förderjahr").fill("2027")
    page.get_by_label("Gesamtausgaben (zuwendungsfähig)").fill("90.000,00")
    page.get_by_label("Beantragte Förderung").fill("75.000,00")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_role("alert").wait_for()
    assert "mindestens 20" in page.locator("#requested-error").inner_text()
    page.get_by_label("Beantragte Förderung").fill("72.000,00")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_role("heading", name="Quartiersarbeit Sozialplanung", level=1).wait_for()
    facts = page.locator("dl.facts").inner_text()
    assert "72.000,00\u00a0€" in facts and "18.000,00\u00a0€" in facts
    assert "Sozialplanerstelle Sozialplanung" in page.locator("#finanziert").inner_text()
    assert_accessible(page)

    # the world's application in preparation is the condition of the blocked 70,000 EUR
    page.goto(f"/foerderung/antraege/{ids['application_id']}")
    page.get_by_label("Neuer Status").select_option(label="eingereicht")
    page.get_by_label("Datum").fill("2026-05-04")
    page.get_by_role("button", name="Status ändern").click()
    page.get_by_text("Der Antrag ist jetzt „eingereicht“").wait_for()
    page.get_by_label("Neuer Status").select_option(label="bewilligt")
    page.get_by_label("Datum").fill("2026-06-15")
    page.get_by_label("Bewilligter Betrag").fill("80.000,00")
    page.get_by_role("button", name="Status ändern").click()
    page.get_by_role("alert").wait_for()
    assert "höchstens die beantragten 75.000,00" in page.locator("#granted-error").inner_text()
    page.get_by_label("Neuer Status").select_option(label="bewilligt")
    page.get_by_label("Bewilligter Betrag").fill("")
    page.get_by_label("Bewilligungszeitraum von").fill("2026-07-01")
    page.get_by_label("Bewilligungszeitraum bis").fill("2027-06-30")
    page.get_by_role("button", name="Status ändern").click()
    page.get_by_text("Planner schlägt die Aufhebung vor").wait_for()
    duties = page.locator("#fristen").inner_text()
    assert "Verwendungsnachweis" in duties and "31.12.2027" in duties
    assert_accessible(page)

    page.locator("#haushalt").get_by_role("link", name="Sperre aufheben").click()
    page.get_by_role("heading", name="Sperrvermerk aufheben").wait_for()
    page.get_by_label("Aufgehoben am").fill("2026-08-03")
    page.get_by_label("Beschluss").fill("Aufhebung")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_text("Die Sperre ist aufgehoben").wait_for()
    facts = page.locator("dl.facts").inner_text()
    assert "Sperre aufgehoben" in facts and "03.08.2026" in facts
    assert "erledigt" in facts  # the step in the process plan
    page.goto("/foerderung/")
    assert_accessible(page)
    sums = page.locator("table").first.inner_text()
    # in preparation 72,000; granted 75,000 + 40,000; the 70,000 released with the 20,000 free
    assert (
        "Summe aller Jahre\t72.000,00\u00a0€\t115.000,00\u00a0€\t115.000,00\u00a0€\t28.750,00\u00a0€\t0,00\u00a0€\t90.000,00\u00a0€"
        in sums
    )


def test_funding_pages_are_accessible_and_fit_a_phone(db, page):
    ids = funding_world.build(long_names=True)
    login(page, UserFactory(role="admin"))
    urls = [
        "/foerderung/",
        "/foerderung/programme/",
        f"/foerderung/programme/{ids['programme_id']}",
        "/foerderung/antraege/",
        f"/foerderung/antraege/{ids['application_id']}",
        f"/foerderung/antraege/{ids['granted_id']}",
        f"/foerderung/antraege/neu?programm={ids['programme_id']}",
        "/foerderung/haushalt/",
        f"/foerderung/haushalt/{ids['line_id']}",
        f"/foerderung/haushalt/{ids['free_line_id']}",
        f"/foerderung/haushalt/{ids['line_id']}/bearbeiten",
        "/foerderung/massnahmen-ohne-finanzierung",
    ]
    for url in urls:
        page.goto(url)
        assert_accessible(page)
    page.set_viewport_size(PHONE_390)
    for url in urls:
        page.goto(url)
        assert_fits(page)
