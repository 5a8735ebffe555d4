"""Bench of the backup: the whole bench database exported, then imported into a new, empty
database of the same kind (a SQLite file beside it, or a second PostgreSQL database)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from planner.extensions import db

FOLDER = Path(tempfile.gettempdir()) / "planner-bench-sicherung"
_TARGET: dict = {}


def export_run(app) -> dict:
    from planner import backup

    shutil.rmtree(FOLDER, ignore_errors=True)
    with app.app_context():
        manifest = backup.export_all(FOLDER)
    size = sum(p.stat().st_size for p in FOLDER.rglob("*") if p.is_file())
    rows = sum(t["rows"] for t in manifest["tables"].values())
    return {"rows": rows, "files": len(manifest["files"]), "mb": round(size / 1e6, 1)}


def _target_url(app) -> str:
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        return str(url.set(database=str(Path(url.database).with_suffix(".restore.db"))))
    return url.set(database=f"{url.database}_restore").render_as_string(hide_password=False)


def _drop_target(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        Path(parsed.database).unlink(missing_ok=True)
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


def import_reset(app) -> None:
    """Untimed: the export to read, and a new database at the schema's head."""
    from bench.run import make_app

    if not (FOLDER / "manifest.json").exists():
        export_run(app)
    url = _target_url(app)
    _drop_target(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
        admin.dispose()
    target = make_app(url)
    with target.app_context():
        upgrade(directory=str(Path(__file__).resolve().parents[1] / "migrations"))
    _TARGET["app"], _TARGET["url"] = target, url


def import_run(app) -> dict:
    from planner import backup

    target = _TARGET["app"]
    with target.app_context():
        manifest = backup.import_all(FOLDER)
        db.engine.dispose()
    return {"rows": sum(t["rows"] for t in manifest["tables"].values())}


def cleanup(app) -> None:
    if "url" in _TARGET:
        _drop_target(_TARGET.pop("url"))
        _TARGET.pop("app", None)
    shutil.rmtree(FOLDER, ignore_errors=True)
