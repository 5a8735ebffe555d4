"""Dashboard panels, health probes and audit log queries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from planner.core.audit import AuditEntry
from planner.core.i18n import BERLIN
from planner.core.models import Audited
from planner.core.pagination import Page, paginate
from planner.extensions import db

# name -> callable returning a JSON-serialisable value for /health; domains add theirs.
HEALTH_PROBES: dict[str, Callable[[], Any]] = {}

# Dashboard panels: (template, callable returning its context or None to hide it).
DASHBOARD_PANELS: list[tuple[str, Callable[[], dict[str, Any] | None]]] = []


def dashboard_panels() -> list[tuple[str, dict[str, Any]]]:
    panels = []
    for template, build in DASHBOARD_PANELS:
        context = build()
        if context is not None:
            panels.append((template, context))
    return panels


def audit_object_types() -> list[tuple[str, str]]:
    """(class name, German label) of every audited model, taken from the models themselves
    (a DISTINCT over half a million log rows cost 67 ms per page)."""
    types = {
        mapper.class_.__name__: mapper.class_.audit_type_label()
        for mapper in db.Model.registry.mappers
        if issubclass(mapper.class_, Audited)
    }
    return sorted(types.items(), key=lambda item: str(item[1]))


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=BERLIN).astimezone(UTC)


EXPORT_LIMIT = 50_000


def _audit_select(
    *,
    object_type: str | None = None,
    user_ids: list[int] | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
):
    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if object_type:
        stmt = stmt.where(AuditEntry.object_type == object_type)
    if user_ids is not None:
        stmt = stmt.where(AuditEntry.user_id.in_(user_ids))
    if date_from:
        stmt = stmt.where(AuditEntry.at >= _day_start(date_from))
    if date_to:
        stmt = stmt.where(AuditEntry.at < _day_start(date_to + timedelta(days=1)))
    return stmt


def _cell(value) -> str:
    """A cell a spreadsheet shows as text: no formula from what users typed."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def audit_csv(**filters):
    """CSV lines (semicolon, UTF-8 with BOM for spreadsheet programs), read in chunks."""
    import csv
    import io
    import json

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["id", "zeitpunkt_utc", "benutzer_id", "benutzer", "aktion", "objekttyp",
                     "objekt_id", "objekt", "aenderungen_json"])  # fmt: skip
    yield "\ufeff" + buffer.getvalue()
    stmt = _audit_select(**filters).limit(EXPORT_LIMIT).execution_options(yield_per=1000)
    for entry in db.session.scalars(stmt):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([
            entry.id, entry.at.isoformat(), entry.user_id or "", _cell(entry.user_label),
            entry.action, entry.object_type, _cell(entry.object_id), _cell(entry.object_label),
            _cell(json.dumps(entry.changes, ensure_ascii=False, sort_keys=True)),
        ])  # fmt: skip
        yield buffer.getvalue()


def audit_page(
    *,
    object_type: str | None = None,
    user_ids: list[int] | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page:
    stmt = _audit_select(
        object_type=object_type, user_ids=user_ids, date_from=date_from, date_to=date_to
    )
    return paginate(stmt, page, per_page)


def audit_entries_of(
    object_type: str, object_id: int | str, *, newest_first: bool = False, limit: int = 100
) -> list[AuditEntry]:
    """The log of one object (its page's history, a DSGVO export), by the object index."""
    order = (
        (AuditEntry.at.desc(), AuditEntry.id.desc())
        if newest_first
        else (AuditEntry.at, AuditEntry.id)
    )
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.object_type == object_type, AuditEntry.object_id == str(object_id))
            .order_by(*order)
            .limit(limit)
        )
    )


def created_and_changed(
    object_type: str, object_id: int | str
) -> tuple[AuditEntry | None, AuditEntry | None]:
    """Who created an object and who changed it last, from the audit log (two index lookups)."""
    base = select(AuditEntry).where(
        AuditEntry.object_type == object_type, AuditEntry.object_id == str(object_id)
    )
    created = db.session.scalar(base.where(AuditEntry.action == "create").limit(1))
    changed = db.session.scalar(
        base.where(AuditEntry.action == "update")
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(1)
    )
    return created, changed


def installation_text(name: str) -> str | None:
    """A text each installation provides itself (Impressum, Datenschutz, additions to the
    accessibility statement): Markdown from PLANNER_<NAME>_FILE or <instance>/<name>.md."""
    from pathlib import Path

    from flask import current_app

    configured = current_app.config.get(f"{name.upper()}_FILE")
    path = Path(configured) if configured else Path(current_app.instance_path) / f"{name}.md"
    try:
        return path.read_text(encoding="utf-8")[:100_000]
    except (OSError, UnicodeDecodeError):
        return None
