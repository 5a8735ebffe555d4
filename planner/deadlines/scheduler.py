"""APScheduler 3.x runs the reminder sweep; the job only calls the service with ``now``.

PLANNER_SCHEDULER=inline   a BackgroundScheduler inside the web process (make run)
PLANNER_SCHEDULER=off      nothing here; run ``flask --app planner scheduler run`` as its own
                           process, or ``flask --app planner reminders send-due`` from cron
"""

from __future__ import annotations

import logging
import os

from flask import Flask

from planner.core.models import utcnow

SWEEP_MINUTES = 5
log = logging.getLogger(__name__)


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


def init_scheduler(app: Flask) -> None:
    if app.config.get("SCHEDULER") != "inline" or app.testing:
        return
    # with the reloader, only the serving child process runs the scheduler
    if app.debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        return
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = BackgroundScheduler(timezone="Europe/Berlin", daemon=True)
    _add_job(scheduler, app)
    scheduler.start()
    app.extensions["planner_scheduler"] = scheduler


def run_blocking(app: Flask) -> None:
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = BlockingScheduler(timezone="Europe/Berlin")
    _add_job(scheduler, app)
    scheduler.start()
