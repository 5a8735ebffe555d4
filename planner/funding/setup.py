"""Wires funding into the shell: navigation, a dashboard panel (blocks waiting to be lifted,
the next funding deadlines), panels on measure, organisation and process step pages, the
deadline sources of calls and of the duties of a grant, the file owner of applications,
references that keep organisations and measures, a health probe."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from planner.core import services as core_services
from planner.core.panels import add_panel
from planner.core.permissions import Permission, can, role_can
from planner.core.shell import add_navigation
from planner.deadlines.services import DeadlineSource, register_source, today_in_berlin
from planner.files.services import FileOwner, register_owner
from planner.funding import api as _api  # noqa: F401  (registers its REST API resources)
from planner.measures import services as measures
from planner.stakeholders import services as stakeholders


def _measure(measure):
    if not can(Permission.FUNDING_VIEW):
        return None
    from planner.funding import budget, services

    return {"applications": services.applications_for_measure(measure.id),
            "allocations": budget.budget_lines_for_measure(measure.id),
            "measure": measure}  # fmt: skip


def _organisation(org):
    if not can(Permission.FUNDING_VIEW):
        return None
    from planner.funding import services

    applications = services.applications_of_organisation(org.id, 21)
    if not applications:
        return None
    return {"applications": applications[:20], "org": org,
            "more": len(applications) > 20}  # fmt: skip


def _step(step):
    if not can(Permission.FUNDING_VIEW):
        return None
    from planner.funding import budget, services

    applications = services.applications_for_step(step.id)
    lines = budget.budget_lines_lifted_by(step.id)
    return {"applications": applications, "lines": lines} if applications or lines else None


def _dashboard():
    if not can(Permission.FUNDING_VIEW):
        return None
    from planner.extensions import db
    from planner.funding import overview
    from planner.funding.models import BudgetLine

    waiting = list(db.session.scalars(
        select(BudgetLine).where(BudgetLine.blocked.is_(True), BudgetLine.lifted_on.is_(None),
                                 BudgetLine.lift_proposed_on.is_not(None))
        .order_by(BudgetLine.lift_proposed_on, BudgetLine.id).limit(5)
    ))  # fmt: skip
    overdue, coming = overview.open_deadlines(today_in_berlin(), 5)
    if not waiting and not overdue and not coming:
        return None
    return {"waiting": waiting, "overdue": overdue, "upcoming": coming}


def _health():
    from planner.extensions import db
    from planner.funding.models import BudgetLine

    # proposals to lift a block that nobody acted on for a quarter
    cutoff = today_in_berlin() - timedelta(days=90)
    stale = db.session.scalar(
        select(func.count()).select_from(
            select(BudgetLine.id).where(
                BudgetLine.blocked.is_(True), BudgetLine.lifted_on.is_(None),
                BudgetLine.lift_proposed_on < cutoff,
            ).limit(1000).subquery()
        )
    )  # fmt: skip
    return {"block_lifts_waiting_90_days": stale or 0}


def _org_refs(org_id: int) -> int:
    from planner.funding.models import FundingApplication, FundingProgramme

    return sum(
        stakeholders.count_references(select(c).where(c == org_id))
        for c in (FundingProgramme.funder_id, FundingApplication.applicant_id,
                  FundingApplication.authority_id)
    )  # fmt: skip


def _spent_on(measure_id: int):
    from planner.funding.models import BudgetAllocation

    return select(BudgetAllocation.id).where(BudgetAllocation.measure_id == measure_id)


def _application_exists(application_id: int) -> bool:
    from planner.extensions import db
    from planner.funding.models import FundingApplication

    return db.session.get(FundingApplication, application_id) is not None


add_navigation("funding.overview", _l("Förderung"), Permission.FUNDING_VIEW)
core_services.DASHBOARD_PANELS.append(("funding/_dashboard_panel.html", _dashboard))
core_services.HEALTH_PROBES["funding"] = _health
add_panel("measure", "funding/_measure_panel.html", _measure, order=10)
add_panel("organisation", "funding/_organisation_panel.html", _organisation, order=80)
add_panel("step", "funding/_step_panel.html", _step, order=10)
stakeholders.ORGANISATION_REFERENCES.append(("Förderprogramme und -anträge", _org_refs))
measures.MEASURE_REFERENCES.append((_l("Mittel aus einem Haushaltsansatz"), _spent_on))
register_source(
    DeadlineSource(key="funding_call", label="Förderaufruf", endpoint="funding.call_detail",
                   id_arg="call_id", permission=Permission.FUNDING_VIEW)
)  # fmt: skip
register_source(
    DeadlineSource(key="grant_obligation", label="Frist aus einer Bewilligung",
                   endpoint="funding.obligation_detail", id_arg="obligation_id",
                   permission=Permission.FUNDING_VIEW)
)  # fmt: skip
register_owner(
    FileOwner(
        key="funding_application",
        label="Förderantrag",
        can_see=lambda user, aid: (
            role_can(user.role, Permission.FUNDING_VIEW) and _application_exists(aid)
        ),
        can_edit=lambda user, aid: (
            role_can(user.role, Permission.DOMAIN_EDIT) and _application_exists(aid)
        ),
        url=lambda aid: url_for("funding.application_detail", application_id=aid),
    )
)


def init_app(app) -> None:
    pass
