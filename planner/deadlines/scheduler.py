"""APScheduler 3.x runs the reminder sweep; the job only calls the service with ``now``.

PLANNER_SCHEDULER=inline   a BackgroundScheduler inside the web process (make run)
PLANNER_SCHEDULER=off      nothing here; run ``flask --app planner scheduler run`` as its own
                           process, or ``flask --app planner reminders send-due`` from cron
"""

from __future__ import annotations

import logging
import threading

from flask import Flask

from planner.core.models import utcnow

SWEEP_MINUTES = 5
log = logging.getLogger(__name__)
# other domains' daily work: (job id, function(app)); e.g. the monitoring plans new deliveries
DAILY_JOBS: list[tuple[str, object]] = []
# other domains' outboxes, run with every sweep: (job id, function(app)); e.g. invitation mails
SWEEP_JOBS: list[tuple[str, object]] = []


def sweep(app: Flask) -> None:
    from planner.deadlines.reminders import send_due_reminders
    from planner.extensions import db

    with app.app_context():
        try:
            result = send_due_reminders(utcnow())
            log.info("reminder sweep: %s", result)
        finally:
            db.session.remove()


def _add_job(scheduler, app: Flask) -> None:
    scheduler.add_job(
        sweep,
        "interval",
        minutes=SWEEP_MINUTES,
        args=[app],
        id="reminder-sweep",
        max_instances=1,
        coalesce=True,
        next_run_time=utcnow(),
        replace_existing=True,
    )
    for job_id, function in SWEEP_JOBS:
        scheduler.add_job(function, "interval", minutes=SWEEP_MINUTES, args=[app], id=job_id,
                          max_instances=1, coalesce=True, next_run_time=utcnow(),
                          replace_existing=True)  # fmt: skip
    for job_id, function in DAILY_JOBS:
        scheduler.add_job(function, "interval", hours=24, args=[app], id=job_id, max_instances=1,
                          coalesce=True, next_run_time=utcnow(), replace_existing=True)  # fmt: skip


def init_scheduler(app: Flask) -> None:
    """Inline mode: start the scheduler with the first request, so that it runs only in a
    process that serves (not in ``flask db upgrade`` or other commands)."""
    if app.config.get("SCHEDULER") != "inline" or app.testing:
        return
    lock = threading.Lock()

    def start_once() -> None:
        if "planner_scheduler" in app.extensions:
            return
        with lock:
            if "planner_scheduler" in app.extensions:
                return
            from apscheduler.schedulers.background import BackgroundScheduler

            scheduler = BackgroundScheduler(timezone="Europe/Berlin", daemon=True)
            _add_job(scheduler, app)
            scheduler.start()
            app.extensions["planner_scheduler"] = scheduler
            log.info("reminder scheduler started inline (every %s minutes)", SWEEP_MINUTES)

    app.before_request(start_once)


def run_blocking(app: Flask) -> None:
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = BlockingScheduler(timezone="Europe/Berlin")
    _add_job(scheduler, app)
    scheduler.start()
