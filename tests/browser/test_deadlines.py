"""Browser: a planner creates a deadline, finds it in the list and the month view, marks it
done; axe-core finds no WCAG 2.1 A/AA violation on the calendar pages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from planner.deadlines import services
from tests.browser.conftest import assert_accessible as _assert_accessible
from tests.browser.conftest import login as _login
from tests.factories import DeadlineFactory, UserFactory

pytestmark = pytest.mark.browser


def test_planner_creates_finds_and_completes_a_deadline(db, browser_page):
    page = browser_page
    planner = UserFactory(role="planner", name="Paula Planerin")
    due = services.today_in_berlin() + timedelta(days=4)
    _login(page, planner)

    page.get_by_role("link", name="Fristen", exact=True).click()
    page.get_by_role("link", name="Neue Frist").click()
    _assert_accessible(page)
    page.get_by_label("Titel").fill("Sozialraumdaten Bornheim anfordern")
    page.get_by_label("Art").select_option("lieferung")
    page.get_by_label("Fällig am").fill(due.isoformat())
    # the type-ahead, by keyboard: type, arrow down to the suggestion, Enter
    people = page.get_by_role("combobox", name="Verantwortliche Personen")
    people.press_sequentially("Paula", delay=20)
    page.get_by_role("option", name=f"Paula Planerin <{planner.email}>").wait_for()
    assert people.get_attribute("aria-expanded") == "true"
    _assert_accessible(page)
    people.press("ArrowDown")
    people.press("Enter")
    assert people.input_value() == f"Paula Planerin <{planner.email}>, "
    page.get_by_role("button", name="Speichern").click()
    page.get_by_text("wurde angelegt").wait_for()
    _assert_accessible(page)

    page.get_by_role("link", name="« Alle Fristen").click()
    row = page.get_by_role("row", name="Sozialraumdaten Bornheim anfordern")
    assert due.strftime("%d.%m.%Y") in row.inner_text()
    _assert_accessible(page)

    page.get_by_role("link", name="Kalender", exact=True).click()
    if due.month != services.today_in_berlin().month:
        page.get_by_role("link", name="Folgemonat").click()
    cell_link = page.get_by_role("link", name="Sozialraumdaten Bornheim anfordern")
    assert cell_link.is_visible()
    _assert_accessible(page)

    cell_link.click()
    page.get_by_role("button", name="Als erledigt markieren").click()
    page.get_by_text("als erledigt markiert").wait_for()
    assert "erledigt" in page.locator(".facts").inner_text()
    page.get_by_role("link", name="« Alle Fristen").click()
    assert page.get_by_role("row", name="Sozialraumdaten Bornheim anfordern").count() == 0


def test_settings_dashboard_and_outbox_are_accessible(db, browser_page):
    page = browser_page
    admin = UserFactory(role="admin")
    DeadlineFactory(
        title="Heute fällig", due_date=services.today_in_berlin(), organisation=admin.organisation
    )
    _login(page, admin)
    assert page.get_by_role("heading", name="Meine Fristen").is_visible()
    _assert_accessible(page)
    page.goto("/fristen/einstellungen")
    page.get_by_role("button", name="Abo-Adresse erzeugen").click()
    feed_url = page.get_by_label("Abo-Adresse").input_value()
    assert "/kalender/" in feed_url and feed_url.endswith(".ics")
    _assert_accessible(page)
    page.goto("/admin/erinnerungen")
    _assert_accessible(page)


def test_month_view_on_a_tablet(db, browser_page):
    page = browser_page
    page.set_viewport_size({"width": 768, "height": 1024})
    viewer = UserFactory(role="viewer")
    DeadlineFactory(title="Sitzung Kreistag", kind="sitzung", due_date=services.today_in_berlin())
    _login(page, viewer)
    page.goto("/fristen/monat")
    assert page.get_by_role("link", name="Sitzung Kreistag").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _assert_accessible(page)
