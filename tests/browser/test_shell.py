"""Browser: each role logs in, sees the dashboard and only its navigation, logs out; axe-core
finds no WCAG 2.1 A/AA violation on the login page, the dashboard and the admin pages."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_accessible, login
from tests.factories import PASSWORD, UserFactory

NAV = {
    "admin": {"Übersicht", "Fristen", "Kalender", "Benutzer", "Protokoll", "Mailversand"},
    "planner": {"Übersicht", "Fristen", "Kalender"},
    "participant": {"Übersicht", "Fristen", "Kalender"},
    "supplier": {"Übersicht", "Fristen", "Kalender"},
    "viewer": {"Übersicht", "Fristen", "Kalender"},
}


def test_login_page_is_accessible_and_keyboard_first(db, browser_page):
    page = browser_page
    page.goto("/login")
    assert_accessible(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Zum Inhalt springen"


def test_wrong_password_is_shown_at_the_field(db, browser_page):
    page = browser_page
    user = UserFactory()
    page.goto("/login")
    page.get_by_label("E-Mail-Adresse").fill(user.email)
    page.get_by_label("Passwort").fill("falsch")
    page.get_by_role("button", name="Anmelden").click()
    error = page.locator("#password-error")
    assert error.inner_text() == "E-Mail-Adresse oder Passwort ist falsch."
    assert page.get_by_label("Passwort").get_attribute("aria-describedby") == "password-error"
    assert_accessible(page)


@pytest.mark.parametrize("role", list(NAV))
def test_each_role_logs_in_sees_its_dashboard_and_logs_out(db, browser_page, role):
    page = browser_page
    user = UserFactory(role=role, name=f"Test {role}")
    login(page, user)
    assert page.get_by_role("heading", name="Übersicht", level=1).is_visible()
    assert page.get_by_text(f"Guten Tag, Test {role}").is_visible()
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    assert set(nav.get_by_role("link").all_inner_texts()) == NAV[role]
    assert_accessible(page)
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url("**/login")
    assert page.get_by_text("Sie sind abgemeldet.").is_visible()


def test_admin_creates_a_user_and_finds_it_in_the_audit_log(db, browser_page):
    page = browser_page
    login(page, UserFactory(role="admin"))
    page.get_by_role("link", name="Benutzer").click()
    assert_accessible(page)
    page.get_by_role("link", name="Neues Konto").click()
    assert_accessible(page)
    page.get_by_label("Name").fill("Greta Gremium")
    page.get_by_label("E-Mail-Adresse").fill("greta@kreis.example")
    page.get_by_label("Rolle").select_option("viewer")
    page.get_by_label("Erstes Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Speichern").click()
    page.get_by_text("Das Konto für Greta Gremium wurde angelegt.").wait_for()
    page.get_by_role("link", name="Protokoll").click()
    row = page.get_by_role("row").filter(has_text="Greta Gremium").first
    assert "angelegt" in row.inner_text()
    assert_accessible(page)
    page.goto("/account/password")
    assert_accessible(page)
    page.goto("/gibt-es-nicht")
    assert page.get_by_role("heading", name="Seite nicht gefunden (404)").is_visible()
    assert_accessible(page)


def test_dashboard_at_tablet_width(db, browser_page):
    page = browser_page
    page.set_viewport_size({"width": 768, "height": 1024})
    login(page, UserFactory(role="admin"))
    assert page.get_by_role("navigation", name="Hauptnavigation").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
