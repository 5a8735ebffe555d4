"""Browser: a participant creates an API access key on their page (shown once, copied),
uses it against the API, revokes it by keyboard; the key page and the API page pass axe-core
and fit a phone (390 px)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.browser.conftest import assert_accessible, login
from tests.browser.test_process import PHONE_390, assert_fits
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.browser


def test_a_participant_creates_uses_and_revokes_a_key(db, page, live_server):
    org = OrganisationFactory(name="Stadt Troisdorf")
    user = UserFactory(role="participant", name="Frida Fachplanung", organisation=org)
    login(page, user)
    page.get_by_role("link", name="API-Zugänge").click()
    page.get_by_role("heading", name="API-Zugänge", level=1).wait_for()
    assert_accessible(page)
    page.get_by_label("Bezeichnung").fill("Statistikstelle")
    page.get_by_label("Gültig bis einschließlich").fill((date.today() + timedelta(days=30)).isoformat())  # fmt: skip
    page.get_by_role("button", name="Zugang anlegen").click()
    page.get_by_text("nur dieses eine Mal angezeigt").first.wait_for()
    key = page.locator("#token-value").input_value()
    assert key.startswith("pl_")
    assert_accessible(page)

    api = page.context.request
    answer = api.get(f"{live_server}/api/v1/massnahmen", headers={"Authorization": f"Bearer {key}"})  # fmt: skip
    assert answer.status == 200 and "data" in answer.json()
    assert api.get(f"{live_server}/api/v1/personen").status == 401  # the session does not count

    page.reload()
    assert key not in page.content()  # shown once only
    revoke = page.get_by_role("button", name="Zugang „Statistikstelle“ widerrufen")
    revoke.focus()
    page.keyboard.press("Enter")
    page.get_by_text("widerrufen; er funktioniert ab sofort nicht mehr").wait_for()
    answer = api.get(f"{live_server}/api/v1/massnahmen", headers={"Authorization": f"Bearer {key}"})  # fmt: skip
    assert answer.status == 401

    page.set_viewport_size(PHONE_390)
    for path in ("/konto/api-zugaenge", "/api"):
        page.goto(path)
        assert_fits(page)
        assert_accessible(page)
