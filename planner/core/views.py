"""Dashboard, health check and the audit log."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import gettext as _
from sqlalchemy import text

from planner.core import bp, services
from planner.core.forms import AuditFilterForm, options
from planner.core.permissions import Permission, public, requires
from planner.extensions import db


@bp.route("/")
@requires(Permission.DASHBOARD_VIEW)
def dashboard():
    panels = services.dashboard_panels()
    return render_template("core/dashboard.html", panels=panels)


@bp.route("/health")
@public
def health():
    status, code = {"status": "ok"}, 200
    try:
        db.session.execute(text("SELECT 1"))
        status["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - health reports any failure
        current_app.logger.warning("health: database unreachable: %s", exc)
        db.session.rollback()
        status.update(status="error", database="unreachable")
        code = 503
    for name, probe in services.HEALTH_PROBES.items():
        status[name] = probe()
    return status, code


@bp.route("/barrierefreiheit")
@public
def accessibility():
    return render_template("core/accessibility.html")


@bp.route("/admin/audit")
@requires(Permission.AUDIT_VIEW)
def audit_log():
    form = AuditFilterForm(request.args, meta={"csrf": False})
    form.user_id.choices = options(
        [("", _("Alle"))] + [(u.id, u.name) for u in services.audit_users()]
    )
    form.object_type.choices = options(
        [("", _("Alle"))] + [(t, t) for t in services.audit_object_types()]
    )
    valid = form.validate()
    page = services.audit_page(
        object_type=(form.object_type.data or None) if valid else None,
        user_id=int(form.user_id.data) if valid and form.user_id.data else None,
        date_from=form.date_from.data if valid else None,
        date_to=form.date_to.data if valid else None,
        page=request.args.get("page", 1, type=int),
    )
    return render_template("core/audit_log.html", form=form, page=page)
