"""Wires the deadlines domain into the shell: navigation, dashboard panel, health probe."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from planner.accounts.privacy import USER_EXPORTS
from planner.accounts.services import CREDENTIALS_CHANGED
from planner.core import services as core_services
from planner.core.lookup import LOOKUPS, Lookup
from planner.core.panels import add_panel
from planner.core.permissions import Permission, can
from planner.core.shell import NAVIGATION
from planner.deadlines import api as _api  # noqa: F401  (registers its REST API resources)


def _dashboard_panel():
    if not can(Permission.DEADLINES_VIEW):
        return None
    from planner.deadlines import services

    today = services.today_in_berlin()
    mine, overdue = services.my_deadlines(current_user, today)
    upcoming = services.upcoming_for_all(current_user, today)
    owed = (
        services.overdue_deliveries_by_organisation(current_user, today)
        if services.sees_all(current_user)
        else None
    )
    return {"mine": mine, "overdue": overdue, "upcoming": upcoming, "today": today, "owed": owed}


def _health():
    from planner.deadlines import reminders

    last = reminders.last_sweep()
    return {
        "last_sweep": last.finished_at.isoformat() if last else None,
        "failing": reminders.failing_count(),
        "failed": reminders.failed_count(),
    }


# Registered once, when the module is first imported (create_app may run many times).
NAVIGATION[1:1] = [
    ("deadlines.index", _l("Fristen"), Permission.DEADLINES_VIEW),
    ("deadlines.month", _l("Kalender"), Permission.DEADLINES_VIEW),
]
NAVIGATION.append(("deadlines.outbox", _l("Mailversand"), Permission.SYSTEM_VIEW))
core_services.DASHBOARD_PANELS.append(("deadlines/_dashboard_panel.html", _dashboard_panel))
core_services.HEALTH_PROBES["reminders"] = _health


def _search_responsible(q, user):
    from planner.deadlines import services

    return services.search_responsible(q, user)


def _revoke_feed(user) -> None:
    from planner.deadlines import services

    services.revoke_feed(user)


CREDENTIALS_CHANGED.append(_revoke_feed)

LOOKUPS["verantwortliche"] = Lookup(
    Permission.DEADLINES_VIEW, _search_responsible, lambda text, user: []
)


def _organisation_panel(org):
    if not can(Permission.DEADLINES_VIEW):
        return None
    from planner.deadlines import services

    return {
        "deadlines": services.deadlines_of_organisation(current_user, org.id),
        "today": services.today_in_berlin(),
        "org": org,
    }


def _export_deadlines(user):
    from planner.deadlines import services

    return [
        {"frist": d.title, "faellig": d.due_date.isoformat(), "status": str(d.state.label)}
        for d in services.responsible_deadlines(user)
    ]


add_panel("organisation", "deadlines/_org_panel.html", _organisation_panel, order=50)
USER_EXPORTS.append(("fristen_verantwortlich", _export_deadlines))


def init_app(app: Flask) -> None:
    from planner.deadlines.scheduler import init_scheduler

    init_scheduler(app)
