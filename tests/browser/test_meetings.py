"""Browser: a planner creates a conference with an agenda and invites an organisation; a
participant of that organisation logs a measure at the conference and justifies it by an
indicator discussed there; the planner sees the measure on the indicator's page. axe-core finds
no WCAG 2.1 A/AA violation on the meeting page, the measure form and the measure page; the pages
fit a phone (390 px)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_accessible, login
from tests.browser.test_process import PHONE_390, assert_fits
from tests.factories import OrganisationFactory, UserFactory
from tests.meetings import world as meetings_world
from tests.monitoring import world as monitoring_world

pytestmark = pytest.mark.browser


def test_a_conference_logs_a_measure_that_the_indicator_page_shows(db, page):
    org = OrganisationFactory(name="Stadt Beispiel", short_name="Beispiel")
    ids = monitoring_world.build(org)
    planner = UserFactory(role="planner", name="Paula Planerin")
    participant = UserFactory(role="participant", name="Fritz Fachplaner", organisation=org)

    login(page, planner)
    page.get_by_role("link", name="Sitzungen", exact=True).click()
    page.get_by_role("link", name="Neue Sitzung").click()
    page.get_by_label("Art").select_option(label="Fachplanerkonferenz überregional")
    page.get_by_label("Titel").fill("Fachplanerkonferenz Kinderarmut")
    page.get_by_label("Beginn").fill("2030-03-05T09:30")
    page.get_by_label("Ende").fill("2030-03-05T13:00")
    page.get_by_label("Ort").fill("Kreishaus Siegburg")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_role("heading", name="Fachplanerkonferenz Kinderarmut", level=1).wait_for()
    for title, minutes, areas, indicators in (("Begrüßung", "10", "", ""),
                                              ("Befunde Kinderarmut", "45", "K1-0", "SGB2")):  # fmt: skip
        page.get_by_role("link", name="Punkt hinzufügen").click()
        page.get_by_label("Titel").fill(title)
        page.get_by_label("Geplante Minuten").fill(minutes)
        page.get_by_label("Besprochene Räume").fill(areas)
        page.get_by_label("Besprochene Indikatoren").fill(indicators)
        page.get_by_role("button", name="Speichern").click()
        page.get_by_text(f"„{title}“ wurde gespeichert").wait_for()
    agenda = page.locator("#agenda-list").inner_text()
    assert "TOP 2" in agenda and "09:40 Uhr" in agenda  # 09:30 + 10 minutes
    page.get_by_role("link", name="Einladen", exact=True).click()
    page.get_by_label("Organisationen").fill("Stadt Beispiel")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_text("1 Einladung(en) hinzugefügt").wait_for()
    page.get_by_role("button", name="Einladungen versenden").click()
    page.get_by_text("Die Einladungen werden versandt").wait_for()
    assert_accessible(page)

    page.context.clear_cookies()
    login(page, participant)
    assert "Meine nächsten Sitzungen" in page.locator("main").inner_text()  # dashboard panel
    page.get_by_role("link", name="Sitzungen", exact=True).click()
    page.get_by_role("link", name="Fachplanerkonferenz Kinderarmut").click()
    page.get_by_role("heading", name="Ihre Einladung").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Maßnahme erfassen").first.click()
    page.get_by_role(
        "heading", name="Maßnahme erfassen: Fachplanerkonferenz Kinderarmut"
    ).wait_for()
    assert_accessible(page)
    page.get_by_label("Titel").fill("Familienzentrum im Sozialraum 0")
    page.get_by_label("Problem").fill("Hohe SGB-II-Quote")
    page.get_by_label("Aus Tagesordnungspunkt").select_option(label="TOP 2: Befunde Kinderarmut")
    page.get_by_label("Beginn").fill("2030-04-01")
    page.get_by_label("Ende").fill("2030-03-01")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_role("alert").wait_for()
    assert "Das Ende liegt vor dem Beginn" in page.locator("#end_date-error").inner_text()
    page.get_by_label("Ende").fill("2032-12-31")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_role("heading", name="Begründung durch einen Indikator").wait_for()
    page.get_by_label("Auf der Konferenz besprochener Indikator").select_option(index=1)
    assert (
        page.get_by_label("Räume").input_value().startswith("Sozialraum 0")
    )  # the areas discussed
    page.get_by_label("Zeitraum des Werts").fill("2020")
    page.get_by_label("Zielwert").fill("9")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_role("alert").wait_for()
    assert "unter dem Ausgangswert" in page.locator("#target-error").inner_text()
    page.get_by_label("Zielwert").fill("4,5")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_text("mit dem Wert von 2020 festgehalten").wait_for()
    justification = page.locator("article.justification").inner_text()
    assert "6,0" in justification and "4,5" in justification
    assert page.locator("article.justification svg.chart").count() == 1
    assert_accessible(page)

    page.context.clear_cookies()
    login(page, planner)
    page.goto(f"/indikatoren/{ids['indicator_id']}")
    panel = page.locator("#indicator-measures")
    assert "Familienzentrum im Sozialraum 0" in panel.inner_text()
    panel.get_by_role("link", name="Familienzentrum im Sozialraum 0").click()
    page.get_by_role("heading", name="Familienzentrum im Sozialraum 0", level=1).wait_for()


def test_meeting_and_measure_pages_are_accessible_and_fit_a_phone(db, page):
    org = OrganisationFactory(name="Stadt Beispiel")
    ids = monitoring_world.build(org, long_names=True)
    ids.update(meetings_world.build(org, ids, long_names=True))
    login(page, UserFactory(role="admin", organisation=org))
    urls = [
        "/sitzungen/",
        f"/sitzungen/{ids['meeting_id']}",
        f"/sitzungen/{ids['meeting_id']}/tagesordnung",
        f"/sitzungen/{ids['meeting_id']}/protokoll",
        f"/sitzungen/{ids['meeting_id']}/anwesenheit",
        "/massnahmen/",
        f"/massnahmen/{ids['measure_id']}",
        f"/massnahmen/{ids['measure_id']}/bearbeiten",
        "/massnahmen/aktualisieren",
    ]
    for url in urls:
        page.goto(url)
        assert_accessible(page)
    page.set_viewport_size(PHONE_390)
    for url in urls:
        page.goto(url)
        assert_fits(page)
