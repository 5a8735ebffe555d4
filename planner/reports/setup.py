"""Wires the social report into the shell: navigation, a dashboard panel (editions in agreement
with their open comments), panels on the process step of the agreement and on the resolution
that decided an edition, the deadline source of the agreement, a health probe."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from planner.accounts.privacy import USER_EXPORTS
from planner.core import services as core_services
from planner.core.panels import add_panel
from planner.core.permissions import Permission, can
from planner.core.shell import add_navigation
from planner.deadlines.services import DeadlineSource, register_source, today_in_berlin
from planner.reports import api as _api  # noqa: F401  (registers its REST API resources)


def _dashboard():
    if not can(Permission.REPORTS_COMMENT):
        return None
    from planner.extensions import db
    from planner.reports.models import EditionState, ReportComment, ReportEdition

    rows = db.session.execute(
        select(ReportEdition, func.count(ReportComment.id).filter(ReportComment.resolved_at.is_(None)))
        .outerjoin(ReportComment, ReportComment.edition_id == ReportEdition.id)
        .where(ReportEdition.state == EditionState.ABSTIMMUNG)
        .group_by(ReportEdition.id).order_by(ReportEdition.agreement_due).limit(5)
    ).all()  # fmt: skip
    if not rows:
        return None
    return {"editions": rows, "today": today_in_berlin(),
            "edits": can(Permission.DOMAIN_EDIT)}  # fmt: skip


def _panel(find, what: str):
    """A page's panel (process step, resolution): the editions tied to it that the user reads."""

    def build(obj):
        from planner.reports import services

        editions = [
            e for e in getattr(services, find)(obj.id) if services.may_read(current_user, e)
        ]
        return {"editions": editions, "what": what} if editions else None

    return build


def _health():
    from planner.extensions import db
    from planner.reports.models import EditionState, ReportEdition

    # agreements past their date that nobody brought to a decision
    late = db.session.scalar(
        select(func.count()).select_from(
            select(ReportEdition.id).where(
                ReportEdition.state == EditionState.ABSTIMMUNG,
                ReportEdition.agreement_due < today_in_berlin(),
            ).limit(100).subquery()
        )
    )  # fmt: skip
    return {"agreements_past_due": late or 0}


def _export(user) -> list[dict]:
    """The account's comments and answers in the report's agreement (DSGVO art. 15 export)."""
    from planner.reports import services

    return [{"ausgabe": c.section.edition.title, "abschnitt": c.section.title,
             "stellungnahme": c.body if c.author_id == user.id else None,
             "antwort": c.answer if c.answered_by_id == user.id else None,
             "am": c.created_at.isoformat(), "erledigt": bool(c.resolved_at)}
            for c in services.comments_by(user.id)]  # fmt: skip


add_navigation("reports.edition_list", _l("Sozialbericht"), Permission.REPORTS_VIEW)
core_services.DASHBOARD_PANELS.append(("reports/_dashboard_panel.html", _dashboard))
core_services.HEALTH_PROBES["reports"] = _health
USER_EXPORTS.append(("sozialbericht", _export))
add_panel("step", "reports/_panel.html", _panel("editions_of_step", "step"), order=20)
add_panel("resolution", "reports/_panel.html", _panel("editions_of_resolution", "resolution"),
          order=20)  # fmt: skip
register_source(
    DeadlineSource(key="report_edition", label="Sozialbericht", endpoint="reports.edition_detail",
                   id_arg="edition_id", permission=Permission.REPORTS_COMMENT)
)  # fmt: skip


def init_app(app) -> None:
    pass
