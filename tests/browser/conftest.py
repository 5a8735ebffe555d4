"""Browser fixtures: the system Chromium driven by Playwright (sync API) against the live server.

One browser per test session (``chromium``), a fresh browser context per test (``page``). The
tests skip with the reason when Chromium, Playwright or axe-playwright-python is missing.
Every test here is marked ``browser`` (``pytest -m "not browser"`` leaves them out)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.factories import PASSWORD

CHROMIUM = os.environ.get("PLANNER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
TABLET = {"width": 768, "height": 1024}
PHONE = {"width": 320, "height": 640}  # WCAG 1.4.10 reflow width
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    # a conftest hook sees every collected item, not only those of this folder
    for item in items:
        if _HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    """The system Chromium, launched once per session."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(
            f"Chromium fehlt ({CHROMIUM}): Debian-Paket chromium installieren "
            "oder PLANNER_CHROMIUM auf das Programm setzen"
        )
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright für Python ist nicht installiert"
    )
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server, db):
    """A page in a fresh browser context (own cookies) at desktop width.

    Depends on ``db`` so that everything the live server wrote is emptied after the test; the
    context is closed first (fixtures are torn down in reverse order)."""
    context = chromium.new_context(base_url=live_server, locale="de-DE", viewport=DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def browser_page(page):
    """Older name of ``page``, used by the deadline browser tests."""
    return page


def login(page, user, password: str = PASSWORD) -> None:
    """Log ``user`` in through the real login form and wait for the dashboard."""
    page.goto("/anmelden")
    page.get_by_label("E-Mail-Adresse").fill(user.email)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/")


def axe_violations(page) -> list[dict]:
    """Run axe-core in the page, restricted to WCAG 2.0/2.1 A and AA; return the violations."""
    axe = pytest.importorskip(
        "axe_playwright_python.sync_playwright", reason="axe-playwright-python fehlt"
    )
    page.wait_for_load_state("load")
    results = axe.Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]},
    )
    response = results.response
    # guard against a vacuous run (wrong tags, axe not applied): some rules must have passed
    assert response["passes"], f"{page.url}: axe-core hat keine Regel geprüft"
    return response["violations"]


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{url}: {len(violations)} axe-core violation(s)"]
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} <{v.get('helpUrl', '')}>")
        for node in v["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    target {target}: {node.get('html', '').strip()[:200]}")
            if node.get("failureSummary"):
                summary = node["failureSummary"].replace("\n", " / ")
                lines.append(f"      {summary}")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """No WCAG 2.0/2.1 A/AA violation on the current page (ids, help texts, targets on failure)."""
    violations = axe_violations(page)
    assert not violations, format_violations(page.url, violations)
