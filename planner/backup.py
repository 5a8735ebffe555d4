"""The whole installation as a folder, and back: every table as JSON lines, the uploaded
files, a manifest with checksums.

``export_all(dir)`` writes ``manifest.json``, ``tabellen/<table>.jsonl`` (a header line with
the column names, then one JSON array per row in key order) and ``dateien/<sha256>`` (the
uploaded files, by content). ``import_all(dir)`` reads such a folder into an empty database
of the same schema revision, on SQLite or PostgreSQL alike: it checks the manifest, every
checksum and every row before it writes, writes all rows in one transaction and the files
after them, and leaves nothing behind when anything fails.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    LargeBinary,
    Numeric,
    Table,
    Time,
    TypeDecorator,
    false,
    func,
    select,
    text,
)

from planner.core.models import utcnow
from planner.core.money import Money
from planner.extensions import db
from planner.files.services import blob_path

FORMAT = "planner-sicherung"
VERSION = 1
BATCH = 10_000
FILES_TABLE = "files"


class BackupError(Exception):
    """A backup that cannot be written or read; the message says why, in German."""


# --- values ---------------------------------------------------------------------------------


def _kind(column) -> str:
    kind = column.type
    if isinstance(kind, Money):  # Decimal euros (stored as cents)
        return "decimal"
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    if isinstance(kind, JSON):
        return "json"
    if isinstance(kind, DateTime):
        return "datetime"
    if isinstance(kind, Date):
        return "date"
    if isinstance(kind, Time):
        return "time"
    if isinstance(kind, Numeric) and getattr(kind, "asdecimal", False):
        return "decimal"
    if isinstance(kind, LargeBinary):
        return "bytes"
    return "plain"


def _dump(value, kind: str):
    if value is None:
        return None
    if kind in ("datetime", "date", "time"):
        return value.isoformat()
    if kind == "decimal":
        return str(value)
    if kind == "bytes":
        return base64.b64encode(value).decode("ascii")
    return value


def _load(value, kind: str):
    if value is None or kind in ("plain", "json"):
        return value
    if kind == "datetime":
        return datetime.fromisoformat(value)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "time":
        return time.fromisoformat(value)
    if kind == "decimal":
        return Decimal(value)
    return base64.b64decode(value)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _tables() -> list[Table]:
    return list(db.metadata.sorted_tables)


def _revision() -> str | None:
    try:
        return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # noqa: BLE001 - a database made by create_all (tests) has no revision
        db.session.rollback()
        return None


_SHA = re.compile(r"[0-9a-f]{64}")


# --- export ---------------------------------------------------------------------------------


def export_all(target: Path) -> dict:
    """Write the backup into ``target`` (new or empty). Returns the manifest."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"Der Ordner {target} ist nicht leer; bitte geben Sie einen neuen an.")
    (target / "tabellen").mkdir(parents=True, exist_ok=True)
    (target / "dateien").mkdir(exist_ok=True)
    manifest: dict = {
        "format": FORMAT,
        "version": VERSION,
        "created": utcnow().isoformat(),
        "revision": _revision(),
        "database": db.engine.dialect.name,
        "tables": {},
        "files": {},
    }
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
    for table in _tables():
        columns = list(table.columns)
        kinds = [_kind(c) for c in columns]
        path = target / "tabellen" / f"{table.name}.jsonl"
        count = 0
        order = list(table.primary_key.columns) or columns
        with path.open("w", encoding="utf-8") as out:
            out.write(json.dumps([c.name for c in columns], ensure_ascii=False) + "\n")
            result = db.session.execute(
                select(table).order_by(*order).execution_options(yield_per=BATCH)
            )
            typed = [(i, k) for i, k in enumerate(kinds) if k != "plain"]
            for row in result:
                values = list(row)
                for i, kind in typed:
                    if values[i] is not None:
                        values[i] = _dump(values[i], kind)
                try:
                    out.write(encode(values) + "\n")
                except ValueError as exc:  # NaN or infinity: no JSON, and no sane value here
                    raise BackupError(f"Die Tabelle {table.name} enthält einen Wert, der keine Zahl ist (NaN); er kann nicht gesichert werden.") from exc  # fmt: skip
                count += 1
        manifest["tables"][table.name] = {"rows": count, "sha256": _sha256(path)}
    if FILES_TABLE in db.metadata.tables:
        table = db.metadata.tables[FILES_TABLE]
        for (sha,) in db.session.execute(select(table.c.sha256).distinct()):
            source = blob_path(sha)
            if not source.exists():
                raise BackupError(f"Die hochgeladene Datei {sha} fehlt im Ablageordner.")
            shutil.copyfile(source, target / "dateien" / sha)
            manifest["files"][sha] = (target / "dateien" / sha).stat().st_size
    (target / "manifest.json").write_text(
        json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8"
    )
    return manifest


# --- import ---------------------------------------------------------------------------------


def _manifest(source: Path) -> dict:
    path = source / "manifest.json"
    if not path.is_file():
        raise BackupError(f"In {source} fehlt manifest.json: das ist keine vollständige Sicherung.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError("manifest.json ist beschädigt (kein gültiges JSON).") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("manifest.json beschreibt keine Planner-Sicherung.")
    if manifest.get("version") != VERSION:
        raise BackupError(f"Diese Sicherung hat das Format {manifest.get('version')}; lesbar ist {VERSION}.")  # fmt: skip
    if not isinstance(manifest.get("tables"), dict) or not isinstance(manifest.get("files"), dict):
        raise BackupError("manifest.json ist unvollständig (Tabellen oder Dateien fehlen).")
    return manifest


def verify(source: Path) -> dict:
    """Every check that needs no database: manifest, tables, files and their checksums."""
    source = Path(source)
    manifest = _manifest(source)
    tables = {t.name: t for t in _tables()}
    missing = sorted(set(tables) - set(manifest["tables"]))
    extra = sorted(set(manifest["tables"]) - set(tables))
    if missing or extra:
        raise BackupError(
            "Die Sicherung passt nicht zu dieser Version von Planner "
            f"(fehlende Tabellen: {', '.join(missing) or '–'}; unbekannte: {', '.join(extra) or '–'})."
        )
    for name, info in manifest["tables"].items():
        path = source / "tabellen" / f"{name}.jsonl"
        if not path.is_file():
            raise BackupError(f"Die Tabelle {name} fehlt in der Sicherung (tabellen/{name}.jsonl).")
        if _sha256(path) != info.get("sha256"):
            raise BackupError(f"Die Tabelle {name} ist beschädigt: ihre Prüfsumme stimmt nicht.")
    for sha, size in manifest["files"].items():
        if not _SHA.fullmatch(str(sha)) or not isinstance(size, int):
            raise BackupError("manifest.json nennt eine Datei mit ungültigem Namen.")
        path = source / "dateien" / sha
        if not path.is_file():
            raise BackupError(f"Die Datei {sha} fehlt in der Sicherung (dateien/).")
        if path.stat().st_size != size or _sha256(path) != sha:
            raise BackupError(f"Die Datei {sha} ist beschädigt: ihre Prüfsumme stimmt nicht.")
    return manifest


def _rows(path: Path, table: Table, expected: int):
    """The rows of one table file, typed for the database; refuses any row that does not fit."""
    columns = {c.name: c for c in table.columns}
    with path.open(encoding="utf-8") as handle:
        header = json.loads(handle.readline() or "null")
        if not isinstance(header, list) or set(header) != set(columns):
            raise BackupError(f"Die Spalten der Tabelle {table.name} passen nicht zu dieser Version.")  # fmt: skip
        # only the typed columns are converted (most are numbers and text as JSON has them)
        typed = [(name, kind) for name in header if (kind := _kind(columns[name])) != "plain"]
        width, loads = len(header), json.loads
        count = 0
        for number, line in enumerate(handle, start=2):
            try:
                values = loads(line)
                if type(values) is not list or len(values) != width:
                    raise ValueError
                row = dict(zip(header, values, strict=True))
                for name, kind in typed:
                    if row[name] is not None:
                        row[name] = _load(row[name], kind)
            except (ValueError, TypeError) as exc:
                raise BackupError(f"Tabelle {table.name}, Zeile {number}: nicht lesbar.") from exc
            count += 1
            yield row
    if count != expected:
        raise BackupError(f"Die Tabelle {table.name} hat {count} Zeilen statt {expected}.")


def _bulk_writer(table: Table):
    """Rows into ``table`` through the driver's executemany, each value bound by its column
    type exactly as SQLAlchemy binds it (a third of the time of ``session.execute``, whose
    per-row parameter handling dominated the import of a million observations)."""
    connection = db.session.connection()
    dialect = connection.dialect
    names = [c.name for c in table.columns]
    compiled = table.insert().compile(dialect=dialect, column_keys=names)
    sql = str(compiled)
    binders = {}
    for name in names:
        binder = table.c[name].type._cached_bind_processor(dialect)
        if binder is not None:
            binders[name] = binder
    order = list(compiled.positiontup) if compiled.positional else None
    slots = [(name, binders.get(name)) for name in (order or names)]

    def write(rows: list[dict]) -> None:
        if order:  # positional parameters (SQLite): one tuple per row, bound on the way
            params = [tuple(b(row[k]) if b else row[k] for k, b in slots) for row in rows]
        else:
            params = [{k: (b(row[k]) if b else row[k]) for k, b in slots} for row in rows]
        connection.exec_driver_sql(sql, params)

    return write


def _self_references(table: Table) -> list[str]:
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def import_all(source: Path) -> dict:
    """Read a backup into this (empty) database. Nothing is kept when anything fails."""
    source = Path(source)
    manifest = verify(source)
    revision = _revision()
    if manifest.get("revision") and revision and manifest["revision"] != revision:
        raise BackupError(
            f"Die Sicherung hat den Datenbankstand {manifest['revision']}, diese Datenbank "
            f"{revision}. Bitte bringen Sie beide auf denselben Stand (flask db upgrade)."
        )
    for table in _tables():
        if db.session.execute(select(func.count()).select_from(select(table).limit(1).subquery())).scalar():  # fmt: skip
            raise BackupError(f"Die Datenbank ist nicht leer (Tabelle {table.name}); eingelesen wird nur in eine leere.")  # fmt: skip
    added: list[Path] = []
    if db.engine.dialect.name == "sqlite":
        # the indexes of a million rows are built in the page cache (2 MB by default)
        db.session.connection().exec_driver_sql("PRAGMA cache_size = -262144")
    try:
        # a statement that changes nothing opens the transaction: Python's sqlite3 driver
        # would run the first DROP INDEX outside it (committed at once, not rolled back)
        db.session.execute(_tables()[0].delete().where(false()))
        for table in _tables():
            info = manifest["tables"][table.name]
            later = _self_references(table)
            # the second pass must not move the time stamps an update would set
            kept = [c.name for c in table.columns if c.onupdate is not None]
            keys = [k.name for k in table.primary_key.columns]
            pending: list[dict] = []
            # secondary indexes are built once after the rows (in the same transaction) instead
            # of row by row; the unique ones stay and check every row
            connection = db.session.connection()
            rebuilt = [ix for ix in table.indexes if not ix.unique]
            for index in rebuilt:
                index.drop(connection)
            write = _bulk_writer(table)
            batch: list[dict] = []
            for row in _rows(source / "tabellen" / f"{table.name}.jsonl", table, info["rows"]):
                if later and any(row[c] is not None for c in later):
                    pending.append({c: row[c] for c in [*later, *kept, *keys]})
                    row = {**row, **{c: None for c in later}}
                batch.append(row)
                if len(batch) >= BATCH:
                    write(batch)
                    batch = []
            if batch:
                write(batch)
            for index in rebuilt:
                index.create(connection)
            for values in pending:  # rows that point into their own table, once all are there
                db.session.execute(
                    table.update()
                    .where(*[table.c[k] == values[k] for k in keys])
                    .values({c: values[c] for c in [*later, *kept]})  # fmt: skip
                )
        _reset_sequences()
        for sha in manifest["files"]:
            target = blob_path(sha)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source / "dateien" / sha, target)
                added.append(target)
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        for path in added:
            path.unlink(missing_ok=True)
        if isinstance(exc, BackupError):
            raise
        raise BackupError(f"Die Sicherung konnte nicht eingelesen werden; es wurde nichts übernommen ({type(exc).__name__}: {str(exc)[:300]}).") from exc  # fmt: skip
    return manifest


def _reset_sequences() -> None:
    """PostgreSQL: every id sequence continues after the largest id read in."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in _tables():
        for column in table.primary_key.columns:
            if column.autoincrement is True or (column.autoincrement == "auto" and column.type._type_affinity is int and len(table.primary_key.columns) == 1):  # fmt: skip
                sequence = db.session.execute(
                    text("SELECT pg_get_serial_sequence(:t, :c)"),
                    {"t": table.name, "c": column.name},
                ).scalar()
                if sequence:
                    db.session.execute(
                        text(
                            f"SELECT setval('{sequence}', COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"
                        )  # fmt: skip
                    )
