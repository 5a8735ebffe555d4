"""Wires the file service into the shell: template filters and the storage health probe."""

from __future__ import annotations

from flask import Flask

from planner.core import services as core_services


def _health():
    from pathlib import Path

    from flask import current_app

    folder = Path(current_app.config["UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    import os

    return "ok" if os.access(folder, os.W_OK) else "not writable"


core_services.HEALTH_PROBES["files"] = _health


def init_app(app: Flask) -> None:
    from planner.files import services

    app.jinja_env.filters["file_size"] = services.human_size
    app.jinja_env.filters["file_kind"] = lambda mime: str(services.ALLOWED.get(mime, mime))
    app.jinja_env.globals["upload_limit_mb"] = lambda: services._megabytes(services.max_bytes())
