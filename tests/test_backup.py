"""The backup: export, import into an empty database, every table the same; a damaged or
partial backup refused before anything is written. The suite runs on SQLite and on
PostgreSQL; a test across the two databases is still to come."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from planner import backup
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
    with pytest.raises(backup.BackupError) as error:
        backup.import_all(target)
    assert str(error.value)  # a German sentence that says what is wrong
    assert all(not rows for rows in _snapshot().values())


def test_cli_commands(filled, tmp_path, app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["export", "all", str(tmp_path / "x")])
    assert result.exit_code == 0 and "Gesichert" in result.output
    result = runner.invoke(args=["export", "all", str(tmp_path / "x")])
    assert result.exit_code != 0 and "nicht leer" in result.output
    result = runner.invoke(args=["import", "all", str(tmp_path / "x")])
    assert result.exit_code != 0 and "nicht leer" in result.output
