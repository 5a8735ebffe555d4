"""Browser: a planner writes a section with an embedded map and table (the picker inserts the
tags, the preview beside the editor shows them), sends the edition to agreement, a participant
comments, the planner answers and resolves, enters the decision and publishes. axe-core finds
no violation on the edition pages; they fit a phone (390 px)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_accessible, login
from tests.browser.test_process import PHONE_390, assert_fits
from tests.factories import OrganisationFactory, UserFactory
from tests.reports import world as report_world

pytestmark = pytest.mark.browser


def _logout(page):
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url("**/anmelden*")


def test_a_planner_writes_sends_a_participant_comments_and_the_planner_publishes(db, page):
    org = OrganisationFactory(name="Kreis Beispiel")
    ids = report_world.build(org=org)
    planner = UserFactory(role="planner", name="Paula Planerin", organisation=org)
    participant = UserFactory(role="participant", name="Frida Fachplanung", organisation=org)
    login(page, planner)

    page.goto(f"/berichte/{ids['draft_id']}")
    page.get_by_role("link", name="Abschnitt hinzufügen").click()
    page.get_by_role("heading", name="Neuer Abschnitt").wait_for()
    page.get_by_label("Überschrift").fill("Armut in den Sozialräumen")
    text = page.get_by_label("Text (Markdown)")
    text.fill("Die Armut konzentriert sich im Süden.\n\n")
    text.press("End")
    picker = page.locator("#baustein-form")
    picker.get_by_label("Baustein").select_option(label="Karte eines Indikators")
    picker.get_by_label("Indikator").fill("SGB2")
    picker.get_by_label("Ebene").select_option("Sozialraum")
    picker.get_by_label("Zeitraum").fill("2020")
    picker.get_by_role("button", name="Einfügen").click()
    page.get_by_text(
        "Eingefügt: {{karte indikator=SGB2 ebene=Sozialraum zeitraum=2020}}"
    ).wait_for()
    picker.get_by_label("Baustein").select_option(label="Tabelle eines Indikators")
    picker.get_by_role("button", name="Einfügen").click()
    page.get_by_text("Eingefügt: {{tabelle").wait_for()
    value = text.input_value()
    assert "{{karte indikator=SGB2 ebene=Sozialraum zeitraum=2020}}\n\n{{tabelle" in value
    preview = page.locator("#vorschau")
    preview.get_by_text("Abbildung 1: SGB-II-Quote Sozialraum").wait_for()
    preview.get_by_text("Tabelle 1: SGB-II-Quote Sozialraum").wait_for()
    assert preview.locator("svg.map path").count() >= 4
    text.press("Control+End")
    text.type("\n\n{{karte indikator=NIX}}")
    preview.get_by_text("Unbekannter Baustein").or_(preview.get_by_text("fehlt: ebene")).wait_for()
    assert_accessible(page)
    text.fill(value)
    page.get_by_role("button", name="Speichern").click()
    page.get_by_role("heading", name="3 Armut in den Sozialräumen").wait_for()
    assert page.locator("svg.map").count() == 1
    assert_accessible(page)

    page.goto(f"/berichte/{ids['draft_id']}")
    page.get_by_label("Stellungnahmen bis").fill("2030-01-31")
    page.get_by_role("button", name="In die Abstimmung geben").click()
    page.get_by_text("Die Ausgabe ist in der Abstimmung").wait_for()
    assert "in Abstimmung" in page.locator("dl.facts").inner_text()
    assert_accessible(page)
    _logout(page)

    login(page, participant)
    page.goto(f"/berichte/{ids['draft_id']}")
    page.get_by_role("link", name="Armut in den Sozialräumen").click()
    page.get_by_label("Ihre Stellungnahme").fill("Bitte die Werte von Troisdorf-Nord erläutern.")
    page.get_by_role("button", name="Stellungnahme abgeben").click()
    page.get_by_text("Ihre Stellungnahme wurde gespeichert.").wait_for()
    assert "offen" in page.locator("#stellungnahmen").inner_text()
    assert_accessible(page)
    _logout(page)

    login(page, planner)
    page.goto(f"/berichte/{ids['draft_id']}")
    assert "1 offen" in page.locator("#inhalt").inner_text()
    page.get_by_role("link", name="Armut in den Sozialräumen").click()
    page.get_by_label("Antwort").fill("Ist im Text ergänzt.")
    page.get_by_label("Als erledigt markieren").check()
    page.get_by_role("button", name="Antwort speichern").click()
    page.get_by_text("Die Antwort wurde gespeichert.").wait_for()
    assert "erledigt" in page.locator("#stellungnahmen").inner_text()

    page.goto(f"/berichte/{ids['draft_id']}")
    page.get_by_label("Beschluss").fill("Sozialbericht")
    page.get_by_role("option", name="Sozialbericht beschlossen").first.click()
    page.get_by_role("button", name="Als beschlossen eintragen").click()
    page.get_by_text("Die Ausgabe ist beschlossen.").wait_for()
    page.get_by_label("Veröffentlicht am").fill("2030-03-01")
    page.get_by_role("button", name="Veröffentlichen").click()
    page.get_by_role("status").get_by_text("Die Ausgabe ist veröffentlicht.").wait_for()
    assert "01.03.2030" in page.locator("dl.facts").inner_text()
    assert_accessible(page)


def test_report_pages_are_accessible_and_fit_a_phone(db, page):
    ids = report_world.build(long_names=True)
    login(page, UserFactory(role="admin"))
    urls = [
        "/berichte/",
        f"/berichte/{ids['draft_id']}",
        f"/berichte/{ids['agreed_id']}",
        f"/berichte/{ids['draft_id']}/abschnitte/{ids['section_id']}",
        f"/berichte/{ids['agreed_id']}/abschnitte/{ids['agreed_section_id']}",
        f"/berichte/{ids['draft_id']}/abschnitte/{ids['section_id']}/bearbeiten",
        f"/berichte/{ids['draft_id']}/druckfassung",
        f"/berichte/{ids['published_id']}/aenderungen",
        f"/berichte/vergleich?a={ids['published_id']}&b={ids['agreed_id']}",
    ]
    for url in urls:
        page.goto(url)
        assert_accessible(page)
    page.set_viewport_size(PHONE_390)
    for url in urls:
        page.goto(url)
        assert_fits(page)
