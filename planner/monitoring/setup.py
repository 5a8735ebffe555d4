"""Wires the monitoring into the shell: navigation, the supplier's dashboard panel, the
deliveries panel on the organisation page, the deadline source "delivery", the file owner
"import_job" (the uploaded file of an import) and a health probe."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from planner.accounts.privacy import USER_EXPORTS
from planner.core import services as core_services
from planner.core.panels import add_panel
from planner.core.permissions import Permission, can
from planner.core.shell import add_navigation
from planner.deadlines.scheduler import DAILY_JOBS
from planner.deadlines.services import DeadlineSource, register_source, today_in_berlin
from planner.files.services import FileOwner, register_owner
from planner.monitoring import api as _api  # noqa: F401  (registers its REST API resources)

PANEL = 10


def _plan_deliveries(app) -> None:
    """Daily: the next periods of every active schedule become expected deliveries."""
    from planner.extensions import db
    from planner.monitoring.deliveries import plan_all

    with app.app_context():
        try:
            plan_all(today_in_berlin())
            db.session.commit()
        finally:
            db.session.remove()


def _my_deliveries():
    if (
        not can(Permission.DELIVERIES_OWN)
        or can(Permission.DOMAIN_EDIT)
        or not current_user.organisation_id
    ):
        return None
    from planner.monitoring import deliveries

    return {
        "items": deliveries.open_deliveries(current_user.organisation_id, PANEL),
        "today": today_in_berlin(),
    }


def _org_deliveries(org):
    if not can(Permission.DOMAIN_EDIT) and not (
        can(Permission.DELIVERIES_OWN) and current_user.organisation_id == org.id
    ):
        return None
    from planner.monitoring import deliveries

    items = deliveries.deliveries_of_organisation(org.id, 1).items[:PANEL]
    return {"items": items, "today": today_in_berlin()} if items else None


def _job_visible(user, job_id: int) -> bool:
    from planner.monitoring.jobs import visible_job

    return visible_job(user, job_id) is not None


def _export_monitoring(user) -> dict:
    """The account's part of the monitoring in its DSGVO export: its imports and extracts."""
    from sqlalchemy import select

    from planner.extensions import db
    from planner.monitoring.models import DataExtract, ImportJob

    imports = db.session.scalars(
        select(ImportJob).where(ImportJob.user_id == user.id).order_by(ImportJob.id).limit(10_000)
    )
    extracts = db.session.scalars(
        select(DataExtract)
        .where(DataExtract.user_id == user.id)
        .order_by(DataExtract.id)
        .limit(10_000)
    )
    return {
        "importe": [
            {"datei": j.filename, "hochgeladen": j.created_at.isoformat(), "ergebnis": str(j.state.label)}
            for j in imports
        ],
        "datenauszuege": [
            {"zeitpunkt": e.created_at.isoformat(), "zweck": e.purpose, "indikatoren": e.indicators,
             "raeume": e.areas, "zeitraeume": e.periods, "zeilen": e.rows}
            for e in extracts
        ],
    }  # fmt: skip


def _health():
    from sqlalchemy import func, select

    from planner.extensions import db
    from planner.monitoring.models import ImportJob, JobState

    running = db.session.scalar(
        select(func.count()).select_from(ImportJob).where(ImportJob.state == JobState.RUNNING)
    )
    return {"imports_running": running}


add_navigation("monitoring.indicator_list", _l("Indikatoren"), Permission.MONITORING_VIEW)
add_navigation("monitoring.area_list", _l("Räume"), Permission.MONITORING_VIEW)
add_navigation("monitoring.delivery_overview", _l("Lieferungen"), Permission.DOMAIN_EDIT)
add_navigation("monitoring.my_deliveries", _l("Meine Lieferungen"), Permission.DELIVERIES_OWN)
core_services.DASHBOARD_PANELS.insert(0, ("monitoring/_dashboard_panel.html", _my_deliveries))
add_panel("organisation", "monitoring/_deliveries_panel.html", _org_deliveries, order=50)
core_services.HEALTH_PROBES["monitoring"] = _health
USER_EXPORTS.append(("sozialmonitoring", _export_monitoring))
DAILY_JOBS.append(("delivery-plan", _plan_deliveries))
register_owner(
    FileOwner(
        key="import_job",
        label="Datenimport",
        can_see=_job_visible,
        can_edit=lambda user, jid: False,
        url=lambda jid: url_for("monitoring.job_detail", job_id=jid),
    )
)
register_source(
    DeadlineSource(
        key="delivery",
        label="Datenlieferung",
        endpoint="monitoring.delivery_detail",
        id_arg="delivery_id",
        permission=Permission.DASHBOARD_VIEW,
        state_from_owner=True,
    )
)


def init_app(app) -> None:
    from flask_babel import format_decimal

    from planner.monitoring.tabular import german_number
    from planner.monitoring.values import as_html

    app.jinja_env.filters["number"] = lambda n: format_decimal(n) if n is not None else "–"
    app.jinja_env.filters["dec"] = lambda v, d=1: german_number(v, d) if v is not None else "–"
    app.jinja_env.filters["wert"] = as_html
    app.config.setdefault("SECRECY_MIN_COUNT", 3)
    app.config.setdefault("IMPORT_BACKGROUND_BYTES", 256 * 1024)
