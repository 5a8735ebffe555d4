"""Wires the process into the shell: navigation, "Meine Aufgaben" on the dashboard, panels on
organisation, person and resolution pages, references that block deletion, the person
export's part, the file owner "step" and the deadline source."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from planner.core import services as core_services
from planner.core.panels import add_panel
from planner.core.permissions import Permission, can, role_can
from planner.core.shell import add_navigation
from planner.deadlines.services import DeadlineSource, register_source, today_in_berlin
from planner.files.services import FileOwner, register_owner
from planner.governance import services as governance_services
from planner.process import api as _api  # noqa: F401  (registers its REST API resources)
from planner.stakeholders import privacy as stakeholder_privacy
from planner.stakeholders import services as stakeholders

TASKS = 8
PANEL = 20


def _dashboard():
    if not can(Permission.PROCESS_VIEW):
        return None
    from planner.process import services

    return {"steps": services.my_tasks(current_user, TASKS + 1), "today": today_in_berlin(),
            "limit": TASKS}  # fmt: skip


def _org_steps(org):
    if not can(Permission.PROCESS_VIEW):
        return None
    from planner.process import services

    return {"steps": services.steps_of_organisation(org.id, PANEL + 1), "today": today_in_berlin(),
            "limit": PANEL,
            "title": _l("Offene Prozessschritte in Verantwortung"), "anchor": "org-steps",
            "empty": _l("Keine offenen Prozessschritte.")}  # fmt: skip


def _person_steps(person):
    if not can(Permission.PROCESS_VIEW):
        return None
    from planner.process import services

    return {"steps": services.steps_of_person(person.id, PANEL + 1), "today": today_in_berlin(),
            "limit": PANEL,
            "title": _l("Prozessschritte in Verantwortung"), "anchor": "person-steps",
            "empty": _l("Keine Prozessschritte.")}  # fmt: skip


def _resolution_steps(resolution):
    from planner.process import services

    return {"steps": services.steps_of_resolution(resolution.id, PANEL + 1), "today": today_in_berlin(),
            "limit": PANEL,
            "title": _l("Aufträge aus diesem Beschluss"), "anchor": "mandates",
            "empty": _l("Noch keine Aufträge als Prozessschritte angelegt."),
            "add_url": url_for("process.mandate", resolution_id=resolution.id)
            if can(Permission.DOMAIN_EDIT) and resolution.adopted else None}  # fmt: skip


def _export_steps(person):
    from planner.process import services

    return [
        {"schritt": s.title, "status": str(s.status.label),
         "faellig": s.due_date.isoformat() if s.due_date else None}
        for s in services.steps_of_person(person.id, limit=10_000)
    ]  # fmt: skip


def _steps_with(column, object_id) -> int:
    from planner.process.models import Step

    return stakeholders.count_references(select(Step.id).where(column == object_id))


def _step_exists(step_id: int) -> bool:
    from planner.extensions import db
    from planner.process.models import Step

    return db.session.get(Step, step_id) is not None


def _person_ref(person_id: int) -> int:
    from planner.process.models import Step

    return _steps_with(Step.responsible_person_id, person_id)


def _org_ref(org_id: int) -> int:
    from planner.process.models import Process, Step

    return _steps_with(Step.responsible_organisation_id, org_id) + stakeholders.count_references(
        select(Process.id).where(Process.organisation_id == org_id)
    )


def _count_mandates(resolution_id: int) -> int:
    from planner.process.models import Step

    return _steps_with(Step.resolution_id, resolution_id)


add_navigation("process.process_list", _l("Prozesse"), Permission.PROCESS_VIEW)
core_services.DASHBOARD_PANELS.insert(0, ("process/_dashboard_panel.html", _dashboard))
add_panel("organisation", "process/_steps_panel.html", _org_steps, order=40)
add_panel("person", "process/_steps_panel.html", _person_steps, order=20)
add_panel("resolution", "process/_steps_panel.html", _resolution_steps, order=10)
stakeholder_privacy.PERSON_EXPORTS.append(("prozessschritte", _export_steps))
governance_services.MANDATE_COUNTERS.append(_count_mandates)
stakeholders.PERSON_REFERENCES.append(("Prozessschritte", _person_ref))
stakeholders.ORGANISATION_REFERENCES.append(("Prozesse und Prozessschritte", _org_ref))
register_owner(
    FileOwner(
        key="step",
        label="Prozessschritt",
        can_see=lambda user, sid: (
            role_can(user.role, Permission.PROCESS_VIEW) and _step_exists(sid)
        ),
        can_edit=lambda user, sid: (
            role_can(user.role, Permission.DOMAIN_EDIT) and _step_exists(sid)
        ),
        url=lambda sid: url_for("process.step_detail", step_id=sid),
    )
)
register_source(
    DeadlineSource(
        key="process_step",
        label="Prozessschritt",
        endpoint="process.step_detail",
        id_arg="step_id",
        permission=Permission.PROCESS_VIEW,
        state_from_owner=True,
    )
)


def init_app(app) -> None:
    pass
