"""One object of each meetings and measures kind (ids for route walks: fuzz, role matrix, width
check), on top of the monitoring world (its indicator and area)."""

from __future__ import annotations

from datetime import date, timedelta

from planner.extensions import db as _db
from planner.measures import services as measures
from planner.meetings import services as meetings
from planner.meetings.models import MeetingKind
from tests.factories import PersonFactory


def build(org, monitoring: dict, long_names: bool = False) -> dict[str, int]:
    """``org`` is invited to the conference and responsible for the measure."""
    word = "Fachplanerkonferenzteilnehmendenversammlung" * 2 if long_names else "Konferenz"
    start = meetings.now_local().replace(second=0, microsecond=0) + timedelta(days=10)
    conference = meetings.save_meeting(None, meetings.MeetingData(
        kind=MeetingKind.FPK_UEBERREGIONAL, title=f"Fachplaner-{word}", starts_at=start,
        ends_at=start + timedelta(hours=3), place=f"Kreishaus {word}",
    ))  # fmt: skip
    item = meetings.add_item(conference, meetings.ItemData(
        title=f"Befunde {word}", duration=30, presenter="Sozialplanung",
        area_ids=[monitoring["area_id"]], indicator_ids=[monitoring["indicator_id"]],
    ))  # fmt: skip
    meetings.add_item(conference, meetings.ItemData(title="Intern", public=False, duration=15))
    person = PersonFactory(organisation=org, email="eingeladen@example.org")
    meetings.invite(conference, [person.id], [org.id])
    action = meetings.add_action(conference, meetings.ActionData(
        title=f"Protokoll verschicken {word}", due_date=date(2027, 1, 15), person_id=person.id,
    ))  # fmt: skip
    invitation = meetings.invitations_of(conference.id)[0]
    measure = measures.save_measure(None, measures.MeasureData(
        title=f"Familienzentrum {word}", organisation_ids=[org.id], meeting_id=conference.id,
        agenda_item_id=item.id, area_ids=[monitoring["area_id"]], start_date=date(2024, 1, 1),
    ), _planner())  # fmt: skip
    [justification] = measures.add_justification(measure, measures.JustificationData(
        indicator_id=monitoring["indicator_id"], area_ids=[monitoring["area_id"]], period="2019",
        target=1.0,
    ), None)  # fmt: skip
    milestone = measures.add_milestone(measure, f"Eröffnung {word}", date(2027, 3, 1), None)
    measures.add_progress(measure, date(2025, 1, 1), f"Begonnen {word}", 20, None)
    _db.session.commit()
    return {"meeting_id": conference.id, "item_id": item.id, "invitation_id": invitation.id,
            "action_id": action.id, "measure_id": measure.id, "justification_id": justification.id,
            "milestone_id": milestone.id, "part": "tagesordnung", "kind": "csv"}  # fmt: skip


class _Planner:
    """The world is built as a planner would build it (no request, no account needed)."""

    id = None
    role = "planner"
    organisation_id = None
    is_authenticated = True


def _planner():
    return _Planner()
