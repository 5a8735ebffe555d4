"""Wires the file service into the shell: template filters and the storage health probe."""

from __future__ import annotations

from flask import Flask

from planner.accounts.privacy import USER_EXPORTS
from planner.core import services as core_services


def _health():
    from pathlib import Path

    from flask import current_app

    folder = Path(current_app.config["UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    import os

    return "ok" if os.access(folder, os.W_OK) else "not writable"


def _owner_label(key: str) -> str:
    from planner.files.services import FILE_OWNERS

    owner = FILE_OWNERS.get(key)
    return owner.label if owner else key


def _export_uploads(user):
    from sqlalchemy import select

    from planner.extensions import db
    from planner.files.models import StoredFile

    rows = db.session.scalars(
        select(StoredFile)
        .where(StoredFile.uploaded_by_id == user.id)
        .order_by(StoredFile.id)
        .limit(10_000)
    )
    return [
        {"datei": f.original_name, "typ": f.mime_type, "groesse_bytes": f.size,
         "hochgeladen_am": f.created_at.isoformat(),
         "gehoert_zu": f"{_owner_label(f.owner_type)} Nr. {f.owner_id}"}
        for f in rows
    ]  # fmt: skip


core_services.HEALTH_PROBES["files"] = _health
USER_EXPORTS.append(("hochgeladene_dateien", _export_uploads))


def init_app(app: Flask) -> None:
    from planner.files import services

    app.jinja_env.filters["file_size"] = services.human_size
    app.jinja_env.filters["file_kind"] = lambda mime: str(services.ALLOWED.get(mime, mime))
    app.jinja_env.globals["upload_limit_mb"] = lambda: services._megabytes(services.max_bytes())
