"""The backup: export, import into an empty database, every table the same; a damaged or
partial backup refused before anything is written; and across SQLite and PostgreSQL, both
ways (the other database: PLANNER_TEST_OTHER_DATABASE_URL on SQLite, a file on PostgreSQL)."""

from __future__ import annotations

import io
import json
import os

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from config import TestConfig
from planner import backup, create_app
from planner.extensions import db as _db
from planner.files import services as files
from tests.conftest import _empty_tables
from tests.factories import PaperFactory
from tests.reports import world


def _snapshot() -> dict[str, list]:
    out = {}
    for table in _db.metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        out[table.name] = [tuple(row) for row in _db.session.execute(select(table).order_by(*order))]  # fmt: skip
    return out


def _indexes() -> dict[str, list[str]]:
    from sqlalchemy import inspect

    _db.session.remove()
    found = inspect(_db.engine)
    return {t.name: sorted(i["name"] for i in found.get_indexes(t.name)) for t in _db.metadata.sorted_tables}  # fmt: skip


@pytest.fixture
def filled(db, kreis):
    world.build(org=kreis)
    paper = PaperFactory(title="Vorlage mit Anlage")
    _db.session.flush()
    files.store("paper", paper.id, io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), "anlage.pdf")  # fmt: skip
    _db.session.commit()


@pytest.fixture
def kreis(db):
    from tests.factories import OrganisationFactory

    return OrganisationFactory(name="Rhein-Sieg-Kreis (Sicherung)")


def test_round_trip_gives_back_every_row_and_file(filled, tmp_path, app):
    before = _snapshot()
    manifest = backup.export_all(tmp_path / "sicherung")
    assert manifest["tables"]["observations"]["rows"] == len(before["observations"]) > 0
    assert len(manifest["files"]) == 1
    blob = files.blob_path(next(iter(manifest["files"])))
    _empty_tables()
    blob.unlink()
    backup.import_all(tmp_path / "sicherung")
    assert _snapshot() == before
    assert blob.exists()


def test_import_refuses_a_database_that_is_not_empty(filled, tmp_path):
    backup.export_all(tmp_path / "s")
    with pytest.raises(backup.BackupError, match="nicht leer"):
        backup.import_all(tmp_path / "s")


@pytest.mark.parametrize("damage", ["checksum", "missing_table", "missing_manifest", "row", "file", "path"])  # fmt: skip
def test_a_damaged_backup_is_refused_and_nothing_written(filled, tmp_path, damage):
    target = tmp_path / "s"
    backup.export_all(target)
    manifest = json.loads((target / "manifest.json").read_text())
    if damage == "checksum":
        with (target / "tabellen" / "measures.jsonl").open("a") as handle:
            handle.write("[1]\n")
    elif damage == "missing_table":
        (target / "tabellen" / "areas.jsonl").unlink()
    elif damage == "missing_manifest":
        (target / "manifest.json").unlink()
    elif damage == "row":  # a row that does not fit, with a checksum that does
        path = target / "tabellen" / "report_editions.jsonl"
        path.write_text(path.read_text() + '["kaputt"]\n')
        manifest["tables"]["report_editions"]["sha256"] = backup._sha256(path)
        manifest["tables"]["report_editions"]["rows"] += 1
        (target / "manifest.json").write_text(json.dumps(manifest))
    elif damage == "file":
        next((target / "dateien").iterdir()).write_bytes(b"anders")
    else:
        manifest["files"]["../../etc/passwd"] = 1
        (target / "manifest.json").write_text(json.dumps(manifest))
    _empty_tables()
    indexes = _indexes()
    with pytest.raises(backup.BackupError) as error:
        backup.import_all(target)
    assert str(error.value)  # a German sentence that says what is wrong
    assert all(not rows for rows in _snapshot().values())
    assert _indexes() == indexes  # the indexes set aside for the bulk load are back


def test_cli_commands(filled, tmp_path, app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["export", "all", str(tmp_path / "x")])
    assert result.exit_code == 0 and "Gesichert" in result.output
    result = runner.invoke(args=["export", "all", str(tmp_path / "x")])
    assert result.exit_code != 0 and "nicht leer" in result.output
    result = runner.invoke(args=["import", "all", str(tmp_path / "x")])
    assert result.exit_code != 0 and "nicht leer" in result.output


def _other_database(tmp_path) -> str | None:
    """The other kind of database: PostgreSQL (a database of its own beside the test
    database) when the suite runs on SQLite, a SQLite file when it runs on PostgreSQL."""
    if _db.engine.dialect.name == "postgresql":
        return f"sqlite:///{tmp_path / 'andere.db'}"
    url = os.environ.get("PLANNER_TEST_OTHER_DATABASE_URL")
    if not url:
        return None
    parsed = make_url(url)
    name = f"{parsed.database}_sicherung"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():  # fmt: skip
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def test_round_trip_across_sqlite_and_postgresql(filled, tmp_path, app):
    other_url = _other_database(tmp_path)
    if other_url is None:
        pytest.skip("PLANNER_TEST_OTHER_DATABASE_URL names no PostgreSQL (make test sets it)")
    before = _snapshot()
    backup.export_all(tmp_path / "hin")
    other = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=other_url)
    other.config["UPLOAD_DIR"] = str(tmp_path / "andere-ablage")
    with other.app_context():
        _db.drop_all()
        _db.create_all()
        backup.import_all(tmp_path / "hin")
        backup.export_all(tmp_path / "zurueck")
        dialect = _db.engine.dialect.name
        _db.session.remove()  # the export's reading transaction ends before the tables go
        if dialect == "postgresql":  # a SQLite file goes with tmp_path
            _db.drop_all()
        _db.engine.dispose()
    assert dialect != _db.engine.dialect.name
    for table in (tmp_path / "hin" / "tabellen").iterdir():  # the same rows, to the byte
        assert (tmp_path / "zurueck" / "tabellen" / table.name).read_bytes() == table.read_bytes(), table.name  # fmt: skip
    _empty_tables()
    backup.import_all(tmp_path / "zurueck")
    assert _snapshot() == before
