"""Migrations: ``flask db upgrade`` builds the schema on an empty database, and the models and
the migrated schema agree (autogenerate finds nothing to do). On SQLite by default; on a fresh
PostgreSQL database of its own when PLANNER_TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from config import TestConfig
from planner import create_app
from planner.extensions import db as _db
from planner.extensions import include_object

MIGRATIONS = os.path.join(os.path.dirname(__file__), "..", "..", "migrations")


@pytest.fixture(scope="module")
def empty_database_url(tmp_path_factory):
    """The URL of a database that holds nothing yet; removed afterwards."""
    base = os.environ.get("PLANNER_TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path_factory.mktemp('migrations') / 'empty.db'}"
        return
    name = f"planner_migrations_{uuid.uuid4().hex[:12]}"
    server = create_engine(base, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture(scope="module")
def migrated_app(empty_database_url):
    """An app of its own on the empty database, after ``flask db upgrade``."""
    application = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=empty_database_url)
    with application.app_context():
        assert inspect(_db.engine).get_table_names() == []
        upgrade()
    yield application
    with application.app_context():
        _db.engine.dispose()


def test_upgrade_builds_every_table_of_the_models(migrated_app):
    with migrated_app.app_context():
        tables = set(inspect(_db.engine).get_table_names())
    assert set(_db.metadata.tables) | {"alembic_version"} == tables


def test_upgrade_reaches_the_head_revision(migrated_app):
    heads = ScriptDirectory(MIGRATIONS).get_heads()
    assert len(heads) == 1, f"the migrations have several heads: {heads}"
    with migrated_app.app_context(), _db.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_heads() == tuple(heads)


def test_models_and_migrations_agree(migrated_app):
    with migrated_app.app_context(), _db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "compare_server_default": True,
                "include_object": include_object,
            },
        )
        diff = compare_metadata(context, _db.metadata)
    assert diff == [], "autogenerate would create a migration:\n" + "\n".join(map(str, diff))


def test_migrated_schema_keeps_the_rules_of_the_models(migrated_app):
    """The constraints are in the migrated database, not only in the models."""
    from sqlalchemy.exc import IntegrityError

    with migrated_app.app_context():
        with _db.engine.connect() as conn:
            checks = {c["name"] for c in inspect(conn).get_check_constraints("users")}
            uniques = inspect(conn).get_unique_constraints("users")
            assert {"ck_users_name_not_blank", "ck_users_email_shape"} <= checks
            assert any(u["column_names"] == ["email"] for u in uniques)
        insert = text(
            "INSERT INTO users (email, name, password_hash, role, active, created_at, updated_at)"
            " VALUES (:email, 'X', 'h', :role, true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        )
        for params in ({"email": "Gross@kreis.example", "role": "viewer"},
                       {"email": "x@kreis.example", "role": "kaiser"}):  # fmt: skip
            with _db.engine.connect() as conn, pytest.raises(IntegrityError):
                conn.execute(insert, params)


def test_postgresql_gets_the_trigram_index_of_the_title_search(migrated_app):
    with migrated_app.app_context():
        if _db.engine.dialect.name != "postgresql":
            pytest.skip("the trigram index exists on PostgreSQL only")
        names = {i["name"] for i in inspect(_db.engine).get_indexes("deadlines")}
        for table in (
            "persons",
            "organisations",
            "areas",
            "measures",
            "funding_programmes",
            "funding_applications",
        ):
            names |= {i["name"] for i in inspect(_db.engine).get_indexes(table)}
    assert "ix_deadlines_title_trgm" in names
    # the migrations create every trigram index the models declare (and create_all makes)
    from planner.extensions import OUTSIDE_METADATA

    assert OUTSIDE_METADATA <= names
