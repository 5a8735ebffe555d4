"""Import jobs: an uploaded file of observations, checked and written by the import engine,
at once for small files and in a background thread for large ones (the browser shows the
progress; the user may leave and find the result under "Importe")."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from pathlib import Path
from typing import IO

from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from planner.core.models import utcnow
from planner.core.pagination import Page, paginate
from planner.extensions import db
from planner.files import services as files
from planner.monitoring import imports
from planner.monitoring.models import Delivery, ImportJob, JobState
from planner.monitoring.tabular import TableError

log = logging.getLogger(__name__)
OWNER = "import_job"
DEFAULT_BACKGROUND_BYTES = 256 * 1024
STALE = timedelta(minutes=15)


def create_job(
    user,
    stream: IO[bytes],
    filename: str | None,
    *,
    layout: str = "auto",
    period: str | None = None,
    delivery: Delivery | None = None,
    provisional: bool = False,
) -> ImportJob:
    """Keep the file and the settings (flushes; the caller commits, then calls start())."""
    job = ImportJob(
        user_id=user.id if user else None,
        organisation_id=delivery.organisation_id
        if delivery
        else getattr(user, "organisation_id", None),
        delivery_id=delivery.id if delivery else None,
        filename=files.clean_name(filename)[:255],
        layout=layout,
        period=period or (delivery.period if delivery else None),
        provisional=provisional,
        state=JobState.QUEUED,
    )
    db.session.add(job)
    db.session.flush()
    stored = files.store(OWNER, job.id, stream, filename, user)
    job.file_id = stored.id
    job.filename = stored.original_name[:255]
    size = stored.size
    path = files.blob_path(stored.sha256)
    if stored.mime_type.startswith("text/"):
        job.total = max(_line_count(path) - 1, 1)  # the header is no value
    job.phase = (
        "background"
        if size > current_app.config.get("IMPORT_BACKGROUND_BYTES", DEFAULT_BACKGROUND_BYTES)
        else "inline"
    )
    db.session.flush()
    return job


def _line_count(path: Path) -> int:
    lines, last = 0, b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")


def detect_layout(path: Path) -> str:
    from planner.monitoring.tabular import open_table

    table = open_table(path)
    try:
        return "long" if set(table.header) & imports.COLUMN_NAMES["indicator"] else "wide"
    finally:
        table.close()


def _settings(job: ImportJob) -> imports.Settings:
    from planner.accounts.models import User
    from planner.core.permissions import Permission, role_can
    from planner.monitoring import deliveries

    user = db.session.get(User, job.user_id) if job.user_id else None
    scope = None
    if job.delivery_id:
        delivery = db.session.get(Delivery, job.delivery_id)
        scope = deliveries.scope_of_delivery(delivery)
    elif user is not None and not role_can(user.role, Permission.DOMAIN_EDIT):
        scope = deliveries.scope_of_organisation(user.organisation_id or -1)
    return imports.Settings(
        layout=job.layout,
        period=job.period,
        scope=scope,
        provisional=job.provisional,
        user_id=job.user_id,
        delivery_id=job.delivery_id,
        job_id=job.id,
    )


def run(job_id: int) -> ImportJob:
    """Check and write a job's file: one transaction for the data; progress is committed
    while the file is checked (nothing else is written then)."""
    job = db.session.get(ImportJob, job_id)
    from planner.files.models import StoredFile

    stored = db.session.get(StoredFile, job.file_id) if job.file_id else None
    job.state = JobState.RUNNING
    job.phase = "check"
    job.updated_at = utcnow()
    db.session.commit()

    def progress(phase: str, n: int) -> None:
        if phase == "check":
            job.done = n
            job.updated_at = utcnow()
            db.session.commit()
        elif n == 0:  # nothing written yet: the phase may still be committed
            job.phase = "write"
            job.updated_at = utcnow()
            db.session.commit()

    try:
        if stored is None:
            raise TableError(_("Die Datei ist nicht mehr vorhanden."))
        path = files.blob_path(stored.sha256)
        if job.layout == "auto":
            job.layout = detect_layout(path)
        result = imports.import_file(path, _settings(job), progress)
        if job.delivery_id:
            from planner.monitoring import deliveries

            deliveries.mark_received(db.session.get(Delivery, job.delivery_id), result.rows)
        job = finish(job, result)
    except (imports.ImportFailed, imports.ValuesTaken, TableError) as exc:
        job = mark_failed(
            job_id, str(exc), getattr(exc, "problems", None), getattr(exc, "count", 1)
        )
    except IntegrityError:  # the same race, met by the parents' derived values
        job = mark_failed(job_id, str(imports.ValuesTaken()))
    except Exception:
        log.exception("import job %s failed", job_id)
        job = mark_failed(job_id, _(
            "Beim Import ist ein interner Fehler aufgetreten; es wurde nichts übernommen. Bitte "
            "wenden Sie sich an die Administration."
        ))  # fmt: skip
    db.session.commit()
    return job


def finish(job: ImportJob, result: imports.Result) -> ImportJob:
    """A job whose values are written (same transaction): the indicators' periods, the counts
    and the German summary."""
    from planner.monitoring.values import refresh_periods

    refresh_periods(result.keys)
    job.state = JobState.DONE
    job.written = result.inserted
    job.corrected = result.corrected
    job.done = result.rows
    job.message = _(
        "%(rows)s Werte übernommen: %(new)s neu, %(corr)s korrigiert (alter Wert in der Historie), "
        "%(same)s unverändert; %(derived)s Werte übergeordneter Räume aus den Zählern berechnet.",
        rows=result.rows, new=result.inserted, corr=result.corrected, same=result.unchanged,
        derived=result.derived,
    )  # fmt: skip
    job.phase = None
    job.finished_at = job.updated_at = utcnow()
    return job


def mark_failed(job_id: int, message: str, problems=None, count: int = 1) -> ImportJob:
    """Roll back what the import wrote and record why nothing was taken (the caller commits)."""
    db.session.rollback()
    job = db.session.get(ImportJob, job_id)
    job.state = JobState.FAILED
    problems = problems or [imports.Problem(0, "", message)]
    job.problems = [p.as_dict() for p in problems]
    job.problem_count = max(count, 1)
    job.message = message
    job.phase = None
    job.finished_at = job.updated_at = utcnow()
    return job


def _thread(app: Flask, job_id: int) -> None:
    with app.app_context():
        try:
            run(job_id)
        finally:
            db.session.remove()


def start(job: ImportJob) -> None:
    """After the commit: small files now, large ones in a background thread."""
    if job.phase == "background":
        app = current_app._get_current_object()
        threading.Thread(
            target=_thread, args=(app, job.id), daemon=True, name=f"import-{job.id}"
        ).start()
    else:
        run(job.id)


def is_stale(job: ImportJob) -> bool:
    """A job that stopped reporting (the server restarted): shown as aborted."""
    return (
        job.state in (JobState.QUEUED, JobState.RUNNING)
        and job.phase != "inline"
        and utcnow() - job.updated_at > STALE
    )


def visible_job(user, job_id: int) -> ImportJob | None:
    from planner.core.permissions import Permission, role_can

    job = db.session.get(ImportJob, job_id)
    if job is None:
        return None
    if role_can(user.role, Permission.DOMAIN_EDIT) or job.user_id == user.id:
        return job
    if (
        job.organisation_id
        and job.organisation_id == user.organisation_id
        and role_can(user.role, Permission.DELIVERIES_OWN)
    ):
        return job
    return None


def jobs_page(user, page: int, delivery_id: int | None = None) -> Page:
    from planner.core.permissions import Permission, role_can

    stmt = (
        select(ImportJob)
        .options(joinedload(ImportJob.user))
        .order_by(ImportJob.created_at.desc(), ImportJob.id.desc())
    )
    if delivery_id:
        stmt = stmt.where(ImportJob.delivery_id == delivery_id)
    if not role_can(user.role, Permission.DOMAIN_EDIT):  # the same rule as visible_job
        mine = ImportJob.user_id == user.id
        if role_can(user.role, Permission.DELIVERIES_OWN) and user.organisation_id:
            mine = mine | (ImportJob.organisation_id == user.organisation_id)
        stmt = stmt.where(mine)
    return paginate(stmt, page, per_page=30)
