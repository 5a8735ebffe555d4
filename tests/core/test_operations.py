"""Issue 6: health under failure, cache and transport headers, the shipped gunicorn
configuration, installation texts, and what the dashboard and detail pages tell."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest

from config import ProductionConfig, TestConfig
from planner import create_app
from planner.deadlines.services import today_in_berlin
from tests.factories import DeadlineFactory, OrganisationFactory

ROOT = Path(__file__).resolve().parents[2]


def test_health_says_503_when_the_database_is_unreachable(tmp_path):
    broken = create_app(
        TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/dir/planner.db"
    )
    started = time.monotonic()
    response = broken.test_client().get("/health")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "unreachable"}
    assert time.monotonic() - started < 5


def test_postgresql_connections_fail_fast_and_run_without_jit():
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://x@127.0.0.1:1/x")
    args = app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]
    assert args["connect_timeout"] == 5
    assert "statement_timeout=30s" in args["options"] and "jit=off" in args["options"]


def test_signed_in_pages_are_not_cached(client, db, login_as):
    assert "no-store" not in client.get("/anmelden").headers.get("Cache-Control", "")
    login_as("viewer")
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_production_sends_hsts(monkeypatch, tmp_path):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "s" * 32)
    app = create_app(ProductionConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/p.db")
    response = app.test_client().get("/barrierefreiheit")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    with app.app_context():
        from planner.extensions import db

        db.engine.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_config_hides_the_server_and_masks_feed_tokens(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "PLANNER_ENV": "production",
        "PLANNER_SECRET_KEY": "s" * 32,
        "PLANNER_DATABASE_URL": f"sqlite:///{tmp_path}/g.db",
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "WEB_CONCURRENCY": "1",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = tmp_path / "access.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(gunicorn), "-c", "gunicorn.conf.py", "planner:create_app()"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            for _ in range(100):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/barrierefreiheit") as r:
                        headers = r.headers
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                pytest.fail("gunicorn did not start: " + log.read_text())
            token = "geheimes-token-1234567890"
            try:  # the database has no tables: an error, logged with its path
                urllib.request.urlopen(f"http://127.0.0.1:{port}/kalender/{token}.ics")
            except urllib.error.HTTPError as exc:
                assert exc.code in (404, 500)
            time.sleep(0.3)
        finally:
            process.terminate()
            process.wait(timeout=10)
    assert "Server" not in headers
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    text = log.read_text()
    assert "/kalender/***.ics" in text
    assert token not in text


def test_installation_texts_and_the_accessibility_contact(app, client, db):
    page = client.get("/barrierefreiheit").get_data(as_text=True)
    assert "Schlichtungsverfahren" in page and "Kontakt" in page
    public = client.get("/impressum").get_data(as_text=True)
    assert "noch kein Text hinterlegt" in public and "Instanzordner" not in public
    (Path(app.instance_path) / "datenschutz.md").write_text("## Verantwortlich\n\nKreis **X**")
    try:
        privacy = client.get("/datenschutz").get_data(as_text=True)
        assert "<h2>Verantwortlich</h2>" in privacy and "<strong>X</strong>" in privacy
    finally:
        (Path(app.instance_path) / "datenschutz.md").unlink()


def test_planners_see_which_organisations_owe_overdue_deliveries(client, db, login_as):
    late = OrganisationFactory(name="Stadt Säumig")
    today = today_in_berlin()
    for days in (3, 10):
        DeadlineFactory(kind="lieferung", organisation=late, due_date=today - timedelta(days=days))
    login_as("planner")
    page = client.get("/").get_data(as_text=True)
    assert "Überfällige Lieferungen anderer Organisationen" in page
    assert "Stadt Säumig</a>: 2 Lieferungen überfällig" in page


def test_the_rights_panel_lists_only_rights_to_existing_things(client, db, login_as):
    login_as("viewer")
    page = client.get("/").get_data(as_text=True)
    assert "Fachobjekte" not in page
    assert "Fristen und Kalender sehen" in page


def test_the_detail_page_says_who_created_and_changed_a_deadline(client, db, login_as):
    login_as("planner", name="Petra Planung")
    response = client.post(
        "/fristen/neu", data={"title": "Neu", "kind": "sonstiges", "due_date": "2027-05-01"}
    )
    url = response.headers["Location"]
    client.post(
        url + "/bearbeiten",
        data={"title": "Neuer Titel", "kind": "sonstiges", "due_date": "2027-05-02"},
    )
    page = client.get(url).get_data(as_text=True)
    assert "Angelegt" in page and "Zuletzt geändert" in page
    assert page.count("Petra Planung") >= 2
