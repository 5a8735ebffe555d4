"""Audit log, Markdown sanitising, CSRF, the permission matrix, configuration, migrations."""

from __future__ import annotations

import os
import re
import uuid

import pytest
from sqlalchemy import create_engine, func, select, text

from config import DevelopmentConfig, ProductionConfig, TestConfig
from planner import create_app
from planner.accounts.models import Organisation, User
from planner.core.audit import AuditEntry
from planner.core.markdown import render_markdown
from planner.core.permissions import ROLE_PERMISSIONS, Permission, Role
from tests.factories import OrganisationFactory, UserFactory

# --- audit ----------------------------------------------------------------------------------


def _entries(db, object_type: str) -> list[AuditEntry]:
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == object_type).order_by(AuditEntry.id)
    ).all()


def test_a_change_through_the_ui_is_audited_with_actor_and_values(client, db, login_as):
    admin = login_as("admin")
    user = UserFactory(name="Vorher", role="viewer")
    client.post(
        f"/admin/benutzer/{user.id}",
        data={"name": "Nachher", "email": user.email, "role": "viewer", "active": "y"},
    )
    entry = _entries(db, "User")[-1]
    assert entry.action == "update" and entry.user_id == admin.id
    assert entry.user_label == f"{admin.name} <{admin.email}>"
    assert entry.changes == {"name": ["Vorher", "Nachher"]}
    html = client.get("/admin/protokoll?object_type=User").get_data(as_text=True)
    assert "Vorher → Nachher" in html and admin.name in html


def test_create_delete_and_secret_fields(db):
    org = OrganisationFactory(name="Gemeinde Windeck")
    db.session.delete(org)
    db.session.commit()
    create, delete = _entries(db, "Organisation")
    assert create.action == "create" and create.changes["name"] == [None, "Gemeinde Windeck"]
    assert delete.action == "delete" and delete.changes["name"] == ["Gemeinde Windeck", None]
    assert create.user_label == "System"
    user = UserFactory()
    user.set_password("ein-neues-passwort")
    db.session.commit()
    changed = _entries(db, "User")[-1]
    assert changed.changes == {"password_hash": ["***", "***"]}
    assert user.password_hash not in str(changed.changes)


def test_rolled_back_changes_leave_no_audit_entry(db):
    OrganisationFactory(name="Bleibt")
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    org = db.session.scalar(select(Organisation))
    org.name = "Wird verworfen"
    db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_audit_page_filters_by_type_user_and_date(client, db, login_as):
    admin = login_as("admin")
    OrganisationFactory(name="Gemeinde Much")
    client.post(
        "/admin/benutzer/neu",
        data={
            "name": "Per UI",
            "email": "ui@kreis.example",
            "role": "viewer",
            "password": "Kaffeetasse-Wolke-17",
            "active": "y",
        },
    )

    def rows(query: str) -> str:
        html = client.get(f"/admin/protokoll?{query}").get_data(as_text=True)
        return html[html.index("<tbody>") : html.index("</tbody>")]

    by_type = rows("object_type=Organisation")
    assert "Gemeinde Much" in by_type and "Per UI" not in by_type
    by_user = rows(f"user={admin.email}")
    assert "Per UI" in by_user and "Gemeinde Much" not in by_user
    assert "Per UI" not in rows("date_to=2000-01-01")
    bad = client.get("/admin/protokoll?date_from=2030-02-01&date_to=2030-01-01").get_data(
        as_text=True
    )
    assert "Das Enddatum liegt vor dem Anfangsdatum." in bad


# --- markdown -------------------------------------------------------------------------------


def test_markdown_renders_structure():
    html = render_markdown(
        "## Ziel\n\n- eins\n- zwei\n\n[FSA](https://example.org)\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert "<h2>Ziel</h2>" in html and "<li>eins</li>" in html and "<table>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">FSA</a>' in html


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[klick](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        '<p style="background:url(javascript:alert(1))">x</p>',
        '<iframe src="https://evil.example"></iframe>',
        '<svg onload="alert(1)"></svg>',
    ],
)
def test_markdown_never_lets_script_through(attack):
    html = str(render_markdown(attack)).lower()
    html = re.sub(r">[^<]*<", "><", html)  # text may say anything; markup may not
    for needle in ("<script", "onerror", "onload", "javascript:", "style=", "<iframe", "<svg"):
        assert needle not in html


# --- CSRF -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/anmelden",
        "/abmelden",
        "/konto/passwort",
        "/admin/benutzer/neu",
        "/fristen/neu",
        "/fristen/abo",
        "/fristen/einstellungen",
    ],
)
def test_posts_without_csrf_token_are_refused(client, db, login_as, url):
    login_as("admin")
    before = db.session.scalar(select(func.count()).select_from(User))
    response = client.post(
        url,
        data={
            "name": "X",
            "email": "x@kreis.example",
            "role": "admin",
            "password": "Kaffeetasse-Wolke-17",
            "title": "X",
            "kind": "sonstiges",
            "due_date": "2030-01-01",
        },
        csrf=False,
    )
    assert response.status_code == 400
    assert "Sicherheitsprüfung" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User)) == before


# --- the permission matrix ------------------------------------------------------------------

PAGES = {
    "/": Permission.DASHBOARD_VIEW,
    "/konto/passwort": Permission.ACCOUNT_SELF,
    "/admin/benutzer": Permission.USERS_MANAGE,
    "/admin/benutzer/neu": Permission.USERS_MANAGE,
    "/admin/protokoll": Permission.AUDIT_VIEW,
    "/admin/erinnerungen": Permission.SYSTEM_VIEW,
    "/fristen/": Permission.DEADLINES_VIEW,
    "/fristen/monat": Permission.DEADLINES_VIEW,
    "/fristen/neu": Permission.DEADLINES_EDIT,
    "/fristen/einstellungen": Permission.DEADLINES_VIEW,
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_exactly_its_pages(client, login_as, role):
    login_as(role.value)
    for url, permission in PAGES.items():
        expected = 200 if permission in ROLE_PERMISSIONS[role] else 403
        assert client.get(url).status_code == expected, (role, url)


# --- configuration --------------------------------------------------------------------------


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="PLANNER_SECRET_KEY"):
        create_app(ProductionConfig, SQLALCHEMY_DATABASE_URI="sqlite://")


def test_production_cookies_are_secure(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "s" * 32)
    app = create_app(ProductionConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_generates_the_secret_key_once(tmp_path, monkeypatch):
    monkeypatch.setattr(DevelopmentConfig, "SECRET_KEY", None)
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path))
    first = create_app(DevelopmentConfig, SQLALCHEMY_DATABASE_URI="sqlite://").config["SECRET_KEY"]
    second = create_app(DevelopmentConfig, SQLALCHEMY_DATABASE_URI="sqlite://").config["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


# --- migrations -----------------------------------------------------------------------------


@pytest.fixture
def empty_database_url(tmp_path):
    base = os.environ.get("PLANNER_TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"planner_migration_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_migrations_build_the_schema_and_match_the_models(empty_database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from flask_migrate import upgrade

    from planner.extensions import db, include_object

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade()
        tables = set(db.inspect(db.engine).get_table_names())
        assert {"users", "organisations", "audit_entries", "deadlines", "reminders"} <= tables
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_object": include_object}
            )
            assert compare_metadata(context, db.metadata) == []
        db.engine.dispose()


def test_many_to_many_changes_and_deletes_of_expired_objects_are_audited(db):
    from datetime import date

    from planner.deadlines import services

    anna, paul = UserFactory(name="Anna"), UserFactory(name="Paul")
    deadline = services.create_deadline(
        services.DeadlineData(
            title="Frist", kind="sonstiges", due_date=date(2030, 1, 1), responsible_users=[anna]
        )
    )
    db.session.commit()
    deadline.responsible_users = [paul]
    db.session.commit()
    change = _entries(db, "Deadline")[-1]
    assert change.action == "update"
    assert change.changes["responsible_users"] == [f"Anna <{anna.email}>", f"Paul <{paul.email}>"]
    db.session.delete(deadline)  # all attributes expired by the commit
    db.session.commit()
    removed = _entries(db, "Deadline")[-1]
    assert removed.action == "delete" and removed.changes["title"] == ["Frist", None]
