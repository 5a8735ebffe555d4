"""Wires governance into the shell: navigation, panels on organisation and person pages,
references that block deletion, the person export's part, the file owner "paper"."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from planner.core.panels import add_panel
from planner.core.permissions import Permission, can, role_can
from planner.core.shell import add_navigation
from planner.files.services import FileOwner, register_owner
from planner.governance import api as _api  # noqa: F401  (registers its REST API resources)
from planner.stakeholders import privacy as stakeholder_privacy
from planner.stakeholders import services as stakeholders


def _memberships_of_org(org):
    if not can(Permission.PROCESS_VIEW):
        return None
    from planner.governance import services

    rows = services.memberships_of_organisation(org.id)
    return {"memberships": rows, "title": _l("Mitgliedschaften in Gremien"), "show_person": True}


def _memberships_of_person(person):
    if not can(Permission.PROCESS_VIEW):
        return None
    from planner.governance import services

    rows = services.memberships_of_person(person.id)
    return {"memberships": rows, "title": _l("Mitgliedschaften in Gremien"), "show_person": False}


def _export_memberships(person):
    from planner.governance import services

    return [
        {"gremium": m.body.name, "rolle": str(m.role.label),
         "von": m.start_date.isoformat() if m.start_date else None,
         "bis": m.end_date.isoformat() if m.end_date else None}
        for m in services.memberships_of_person(person.id, limit=10_000)
    ]  # fmt: skip


def _count_memberships(person_id: int) -> int:
    from planner.governance.models import Membership

    return stakeholders.count_references(
        select(Membership.id).where(Membership.person_id == person_id)
    )


def _count_bodies(org_id: int) -> int:
    from planner.governance.models import Body

    return stakeholders.count_references(select(Body.id).where(Body.organisation_id == org_id))


def _count_papers(org_id: int) -> int:
    from planner.governance.models import Paper

    return stakeholders.count_references(select(Paper.id).where(Paper.originator_id == org_id))


def _paper_exists(paper_id: int) -> bool:
    from planner.extensions import db
    from planner.governance.models import Paper

    return db.session.get(Paper, paper_id) is not None


add_navigation("governance.body_list", _l("Gremien"), Permission.PROCESS_VIEW)
add_panel("organisation", "governance/_memberships_panel.html", _memberships_of_org, order=30)
add_panel("person", "governance/_memberships_panel.html", _memberships_of_person, order=10)
stakeholder_privacy.PERSON_EXPORTS.append(("mitgliedschaften", _export_memberships))
stakeholders.PERSON_REFERENCES.append(("Mitgliedschaften in Gremien", _count_memberships))
stakeholders.ORGANISATION_REFERENCES.append(("Gremien", _count_bodies))
stakeholders.ORGANISATION_REFERENCES.append(("Vorlagen", _count_papers))
register_owner(
    FileOwner(
        key="paper",
        label="Vorlage",
        can_see=lambda user, pid: (
            role_can(user.role, Permission.PROCESS_VIEW) and _paper_exists(pid)
        ),
        can_edit=lambda user, pid: (
            role_can(user.role, Permission.DOMAIN_EDIT) and _paper_exists(pid)
        ),
        url=lambda pid: url_for("governance.paper_detail", paper_id=pid),
    )
)


def init_app(app) -> None:
    pass
