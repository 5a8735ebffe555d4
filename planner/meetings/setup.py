"""Wires meetings into the shell: navigation, "Meine nächsten Sitzungen" on the dashboard, the
participation history on organisation and person pages, references that block deletion, the
person export's part, the deadline sources "meeting" and "action_item", the invitation outbox
in the sweep and a health probe."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from planner.core import services as core_services
from planner.core.panels import add_panel
from planner.core.permissions import Permission, can
from planner.core.shell import add_navigation
from planner.deadlines.scheduler import SWEEP_JOBS
from planner.deadlines.services import DeadlineSource, register_source
from planner.meetings import api as _api  # noqa: F401  (registers its REST API resources)
from planner.stakeholders import privacy as stakeholder_privacy
from planner.stakeholders import services as stakeholders

PANEL = 20


def _dashboard():
    if not can(Permission.MEETINGS_VIEW):
        return None
    from planner.meetings import services

    meetings = services.upcoming_for(current_user, 5)
    return {"meetings": meetings} if meetings else None


def _history(invitations, title, anchor):
    from planner.meetings import services

    return {"invitations": invitations[:PANEL], "summary": services.participation_summary(invitations),
            "title": title, "anchor": anchor}  # fmt: skip


def _org_history(org):
    if not can(Permission.MEETINGS_VIEW) or not can(Permission.PERSONS_VIEW):
        return None
    from planner.meetings import services

    return _history(services.participation_of_organisation(org.id, 200),
                    _l("Sitzungen: eingeladen und teilgenommen"), "org-meetings")  # fmt: skip


def _person_history(person):
    if not can(Permission.MEETINGS_VIEW):
        return None
    from planner.meetings import services

    return _history(services.participation_of_person(person.id, 200),
                    _l("Sitzungen: eingeladen und teilgenommen"), "person-meetings")  # fmt: skip


def _export(person):
    from planner.meetings import services

    return [
        {"sitzung": i.meeting.title, "beginn": i.meeting.starts_at.isoformat(),
         "eingeladen": i.invited, "antwort": str(i.reply.label), "vertreten_durch": i.substitute,
         "anwesend": i.attended}
        for i in services.participation_of_person(person.id, 10_000)
    ]  # fmt: skip


def _person_refs(person_id: int) -> int:
    from planner.meetings.models import ActionItem, Invitation

    return stakeholders.count_references(
        select(Invitation.id).where(Invitation.person_id == person_id)
    ) + stakeholders.count_references(
        select(ActionItem.id).where(ActionItem.person_id == person_id)
    )


def _org_refs(org_id: int) -> int:
    from planner.meetings.models import ActionItem, Invitation, Meeting

    return sum(
        stakeholders.count_references(select(c).where(c == org_id))
        for c in (Invitation.organisation_id, Meeting.municipality_id, ActionItem.organisation_id)
    )


def _send_mails(app) -> None:
    from planner.extensions import db
    from planner.meetings.mails import send_pending

    with app.app_context():
        try:
            send_pending()
        finally:
            db.session.remove()


def _health():
    from planner.extensions import db
    from planner.meetings.models import MailState, MeetingMail

    rows = db.session.execute(
        select(MeetingMail.state, func.count())
        .where(MeetingMail.state != MailState.SENT)
        .group_by(MeetingMail.state)
    ).all()
    counts = {str(state): n for state, n in rows}
    return {"invitation_mails_pending": counts.get("pending", 0),
            "invitation_mails_failed": counts.get("failed", 0)}  # fmt: skip


add_navigation("meetings.meeting_list", _l("Sitzungen"), Permission.MEETINGS_VIEW)
core_services.DASHBOARD_PANELS.append(("meetings/_dashboard_panel.html", _dashboard))
add_panel("organisation", "meetings/_history_panel.html", _org_history, order=60)
add_panel("person", "meetings/_history_panel.html", _person_history, order=30)
stakeholder_privacy.PERSON_EXPORTS.append(("sitzungen", _export))
stakeholders.PERSON_REFERENCES.append(("Einladungen und Aufgaben aus Sitzungen", _person_refs))
stakeholders.ORGANISATION_REFERENCES.append(("Sitzungen, Einladungen und Aufgaben", _org_refs))
core_services.HEALTH_PROBES["meetings"] = _health
SWEEP_JOBS.append(("meeting-mails", _send_mails))
register_source(
    DeadlineSource(key="meeting", label="Sitzung", endpoint="meetings.meeting_detail",
                   id_arg="meeting_id", permission=Permission.MEETINGS_VIEW, state_from_owner=True)
)  # fmt: skip
register_source(
    DeadlineSource(key="action_item", label="Aufgabe aus einem Protokoll",
                   endpoint="meetings.action_detail", id_arg="action_id",
                   permission=Permission.MEETINGS_VIEW)
)  # fmt: skip


def init_app(app) -> None:
    app.config.setdefault("REPLY_LINK_MAX_AGE", 180 * 86400)  # config.py reads the environment
