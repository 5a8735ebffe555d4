"""Browser: a planner starts a process from the template, completes a step, sees the progress
and the timeline; axe-core finds no WCAG 2.1 A/AA violation on the organisation list and
detail, the process overview, the timeline and the step page; they work at 390 px."""

from __future__ import annotations

from datetime import timedelta

import pytest

from planner.deadlines import services as deadlines
from planner.extensions import db as _db
from tests.browser.conftest import assert_accessible, login
from tests.factories import MembershipFactory, OrganisationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.browser
PHONE_390 = {"width": 390, "height": 844}
NO_SIDEWAYS = "document.documentElement.scrollWidth <= window.innerWidth"
WIDE = """[...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('svg'))
  .slice(0, 5).map(e => e.tagName + '.' + e.className + ': ' + (e.textContent || '').slice(0, 60))"""


def assert_fits(page) -> None:
    """Nothing makes the page scroll sideways (WCAG 1.4.10); names what sticks out if it does."""
    page.wait_for_load_state("load")
    assert page.evaluate(NO_SIDEWAYS), (page.url, page.evaluate(WIDE))


def test_planner_starts_a_process_completes_a_step_and_sees_progress_and_timeline(db, page):
    org = OrganisationFactory(name="Rhein-Sieg-Kreis, Kreisverwaltung", short_name="RSK")
    planner = UserFactory(role="planner", name="Paula Planerin", organisation=org)
    start = deadlines.today_in_berlin() - timedelta(days=200)
    login(page, planner)

    page.get_by_role("link", name="Prozesse", exact=True).click()
    page.get_by_role("link", name="Neuer Prozess").click()
    page.get_by_label("Titel").fill("Strategische Sozialplanung Testkreis")
    page.get_by_label("Beginn").fill(start.isoformat())
    federal = page.get_by_role("combobox", name="Federführung")
    federal.press_sequentially("Rhein-Sieg", delay=20)
    page.get_by_role("option", name="Rhein-Sieg-Kreis, Kreisverwaltung").click()
    assert page.get_by_label("Vorlage").input_value() == "standard"
    page.get_by_role("button", name="Speichern").click()
    page.get_by_text("wurde angelegt").wait_for()
    page.get_by_role("heading", name="1. Auftrag und Beratung").wait_for()
    assert "0 von 14 erledigt" in page.inner_text("main")
    # steps whose due date has passed are marked late
    assert page.locator("tr.row--overdue").count() >= 1
    assert_accessible(page)

    page.get_by_role("link", name="Grundsatzbeschluss des Kreistags").click()
    page.get_by_role("heading", name="Grundsatzbeschluss des Kreistags").wait_for()
    assert_accessible(page)
    page.get_by_label("Status", exact=True).select_option("erledigt")
    page.get_by_role("button", name="Status speichern").click()
    page.get_by_text("Status: erledigt.").wait_for()
    assert "Status: erledigt" in page.inner_text(".flashes")
    # the history shows the change
    assert "offen → erledigt" in page.inner_text("main")
    assert_accessible(page)

    # a step whose predecessor is open cannot be finished: the message names the predecessor
    page.get_by_role("link", name="« Strategische Sozialplanung Testkreis").click()
    page.get_by_role("link", name="Grundkonzeption erarbeiten und beschließen").click()
    page.get_by_label("Status", exact=True).select_option("erledigt")
    page.get_by_role("button", name="Status speichern").click()
    page.get_by_text("kann erst beginnen").wait_for()

    page.get_by_role("link", name="« Strategische Sozialplanung Testkreis").click()
    assert "1 von 14 erledigt" in page.inner_text("main")
    page.get_by_role("link", name="Zeitplan").click()
    page.get_by_role("heading", name="Zeitplan: Strategische Sozialplanung Testkreis").wait_for()
    assert page.locator("svg rect.bar--erledigt, svg path.bar--erledigt").count() == 1
    assert page.locator("svg .timeline__today").count() == 1
    table = page.get_by_role("table", name="Schritte mit Beginn, Fälligkeit und Status")
    assert table.get_by_role("row").count() == 15  # header and 14 steps
    assert_accessible(page)
    # printable: the navigation is left out
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    page.emulate_media(media="screen")
    page.set_viewport_size(PHONE_390)
    assert_fits(page)
    page.get_by_role("link", name="« Zur Prozessübersicht").click()
    page.get_by_role("heading", name="1. Auftrag und Beratung").wait_for()
    assert_fits(page)


def test_organisation_pages_are_accessible_and_fit_a_phone(db, page):
    org = OrganisationFactory(name="Fachstelle für sozialraumorientierte Armutsbekämpfung (FSA)",
                              short_name="FSA", address="Musterstraße 1\n44135 Dortmund",
                              website="https://www.example.org")  # fmt: skip
    person = PersonFactory(name="Leitung der FSA", organisation=org)
    MembershipFactory(person=person)
    for n in range(5):
        OrganisationFactory(name=f"Gemeinde Beispiel {n}")
    _db.session.commit()
    planner = UserFactory(role="planner", organisation=org)
    login(page, planner)
    page.get_by_role("link", name="Organisationen", exact=True).click()
    page.get_by_role("heading", name="Organisationen", level=1).wait_for()
    assert_accessible(page)
    page.get_by_role("link", name=org.name).click()
    page.get_by_role("heading", name="Personen").wait_for()
    assert "Leitung der FSA" in page.inner_text("main")
    assert "Mitgliedschaften in Gremien" in page.inner_text("main")
    assert_accessible(page)
    page.set_viewport_size(PHONE_390)
    assert_fits(page)
    page.get_by_role("link", name="« Alle Organisationen").click()
    page.get_by_role("heading", name="Organisationen", level=1).wait_for()
    assert_fits(page)
    # stacked rows keep their column names
    labels = page.evaluate(
        "[...document.querySelectorAll('table tbody tr:first-child td')]"
        ".map(td => getComputedStyle(td, '::before').content)"
    )
    assert labels[:3] == ['"Name: "', '"Kurzname: "', '"Art: "']
