"""Wires stakeholders into the shell: navigation, panels on the organisation page, the
account export's person part."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from planner.accounts.privacy import USER_EXPORTS
from planner.core.panels import add_panel
from planner.core.permissions import Permission, can
from planner.core.shell import add_navigation
from planner.stakeholders import api as _api  # noqa: F401  (registers its REST API resources)

PANEL_LIMIT = 50


def _persons(org):
    if not can(Permission.PERSONS_VIEW):
        return None
    from planner.stakeholders import services

    return {"org": org, "persons": services.persons_of_organisation(org.id, PANEL_LIMIT),
            "limit": PANEL_LIMIT}  # fmt: skip


def _accounts(org):
    if not can(Permission.DOMAIN_EDIT) and current_user.organisation_id != org.id:
        return None
    from planner.stakeholders import services

    return {"accounts": services.accounts_of_organisation(org.id, PANEL_LIMIT)}


def _children(org):
    from planner.stakeholders import services

    if not services.sees_all_organisations(current_user):
        return None
    children = services.children_of(org.id, PANEL_LIMIT)
    return {"children": children} if children else None


def _person_of_account(user):
    from planner.stakeholders import privacy, services

    person = services.person_for_user(user.id)
    return privacy.export_person(person)["person"] if person else None


def init_app(app) -> None:
    pass


add_navigation("stakeholders.organisation_list", _l("Organisationen"), Permission.DOMAIN_READ)
add_panel("organisation", "stakeholders/_org_children_panel.html", _children, order=5)
add_panel("organisation", "stakeholders/_org_persons_panel.html", _persons, order=10)
add_panel("organisation", "stakeholders/_org_accounts_panel.html", _accounts, order=20)
USER_EXPORTS.append(("person", _person_of_account))
