"""Meeting rules: agenda numbering and times, states, the meeting as a deadline, minutes with
revisions and approval, action items as deadlines."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from planner.deadlines.models import Deadline, DeadlineKind, DeadlineState
from planner.extensions import db as _db
from planner.meetings import services
from planner.meetings.models import MeetingKind, MeetingState, MinutesRevision, MinutesState
from tests.factories import OrganisationFactory, PersonFactory, UserFactory


def _meeting(kind=MeetingKind.WORKSHOP, start=None, **kw):
    start = start or services.now_local().replace(second=0, microsecond=0) + timedelta(days=7)
    return services.save_meeting(None, services.MeetingData(
        kind=kind, title="Werkstatt", starts_at=start, ends_at=start + timedelta(hours=2), **kw))  # fmt: skip


def _titles(meeting):
    return [(i.position, i.title) for i in services.items_of(meeting.id)]


def test_items_are_numbered_and_renumbered_when_moved_or_removed(db):
    meeting = _meeting()
    a, b, c = (services.add_item(meeting, services.ItemData(title=t)) for t in "ABC")
    assert _titles(meeting) == [(1, "A"), (2, "B"), (3, "C")]
    services.move_item(c, 1)
    assert _titles(meeting) == [(1, "C"), (2, "A"), (3, "B")]
    services.move_item(c, 99)  # beyond the end: last
    assert _titles(meeting) == [(1, "A"), (2, "B"), (3, "C")]
    services.delete_item(b)
    assert _titles(meeting) == [(1, "A"), (2, "C")]
    services.reorder(meeting, [c.id, a.id])
    assert _titles(meeting) == [(1, "C"), (2, "A")]
    with pytest.raises(services.MeetingError, match="inzwischen geändert"):
        services.reorder(meeting, [c.id])  # an item missing: the page was stale
    with pytest.raises(services.MeetingError):
        services.reorder(meeting, [c.id, c.id])


def test_start_times_follow_from_the_meeting_start_and_the_planned_minutes(db):
    meeting = _meeting(start=datetime(2027, 3, 4, 17, 0))
    for title, minutes in (
        ("Eröffnung", 10),
        ("Bericht", 20),
        ("Aussprache", None),
        ("Verschiedenes", 5),
    ):
        services.add_item(meeting, services.ItemData(title=title, duration=minutes))
    items = services.items_of(meeting.id)
    times = services.schedule(meeting, items)
    assert [times[i.id] and times[i.id].strftime("%H:%M") for i in items] == [
        "17:00",
        "17:10",
        "17:30",
        None,
    ]
    services.move_item(items[3], 1)  # "Verschiedenes" (5 min) first: the others start later
    items = services.items_of(meeting.id)
    times = services.schedule(meeting, items)
    assert [times[i.id] and times[i.id].strftime("%H:%M") for i in items] == [
        "17:00",
        "17:05",
        "17:15",
        "17:35",
    ]


def test_bad_meetings_are_refused(db):
    start = datetime(2027, 3, 4, 17, 0)
    with pytest.raises(services.DateError, match="vor dem Beginn"):
        services.save_meeting(None, services.MeetingData(kind="workshop", title="X", starts_at=start,
                                                         ends_at=start - timedelta(minutes=1)))  # fmt: skip
    with pytest.raises(services.MunicipalityError, match="Kommune"):
        services.save_meeting(None, services.MeetingData(kind="fpk_kommunal", title="X", starts_at=start,
                                                         ends_at=start + timedelta(hours=1)))  # fmt: skip
    not_a_town = OrganisationFactory(kind="jobcenter")
    with pytest.raises(services.MunicipalityError):
        services.save_meeting(None, services.MeetingData(kind="fpk_kommunal", title="X", starts_at=start,
                                                         ends_at=start + timedelta(hours=1),
                                                         municipality_id=not_a_town.id))  # fmt: skip


def test_the_meeting_is_a_deadline_of_its_invitees_and_follows_its_state(db):
    org = OrganisationFactory()
    user = UserFactory(role="participant", organisation=org)
    person = PersonFactory(organisation=org, user=user, email=user.email)
    meeting = _meeting()
    with pytest.raises(services.StateError, match="zuerst"):
        services.invite_now(meeting)
    services.invite(meeting, [person.id], [])
    deadline = _db.session.scalar(select(Deadline).where(Deadline.owner_type == "meeting"))
    assert deadline.kind == DeadlineKind.SITZUNG
    assert deadline.due_date == meeting.starts_at.date()
    assert [u.id for u in deadline.responsible_users] == [user.id]
    assert not deadline.visible_to_all
    with pytest.raises(services.StateError, match="noch nicht begonnen"):
        services.set_state(meeting, MeetingState.DURCHGEFUEHRT)
    services.invite_now(meeting)
    assert meeting.state == MeetingState.EINGELADEN
    with pytest.raises(services.StateError):
        services.set_state(meeting, MeetingState.GEPLANT)
    services.set_state(meeting, MeetingState.ABGESAGT)
    assert _db.session.scalar(select(Deadline).where(Deadline.owner_type == "meeting")) is None
    with pytest.raises(services.StateError, match="abgesagt"):
        services.add_item(meeting, services.ItemData(title="Noch ein Punkt"))


def test_a_held_meeting_closes_its_deadline(db):
    start = services.now_local().replace(microsecond=0) - timedelta(hours=3)
    meeting = _meeting(start=start)
    services.set_state(meeting, MeetingState.DURCHGEFUEHRT)
    deadline = _db.session.scalar(select(Deadline).where(Deadline.owner_type == "meeting"))
    assert deadline.state == DeadlineState.ERLEDIGT


def test_minutes_keep_every_revision_and_are_locked_once_approved(db):
    user = UserFactory()
    meeting = _meeting(start=services.now_local().replace(microsecond=0) - timedelta(days=1))
    item = services.add_item(meeting, services.ItemData(title="Bericht"))
    services.save_minutes(meeting, "Erste Fassung", user)
    services.save_minutes(meeting, "Zweite Fassung", user)
    services.save_minutes(meeting, "Zweite Fassung", user)  # unchanged: no new revision
    services.save_minutes(meeting, "Zum Bericht", user, item)
    revisions = _db.session.scalars(select(MinutesRevision).order_by(MinutesRevision.id)).all()
    assert [r.text for r in revisions] == ["Erste Fassung", "Zweite Fassung", "Zum Bericht"]
    assert revisions[2].agenda_item_id == item.id
    with pytest.raises(services.StateError, match="durchgeführten"):
        services.approve_minutes(meeting)
    services.set_state(meeting, MeetingState.DURCHGEFUEHRT)
    services.approve_minutes(meeting)
    assert meeting.minutes_state == MinutesState.GENEHMIGT
    with pytest.raises(services.StateError, match="genehmigt"):
        services.save_minutes(meeting, "Nachträglich", user)
    services.reopen_minutes(meeting)
    services.save_minutes(meeting, "Nachträglich", user)
    assert meeting.minutes == "Nachträglich"


def test_an_action_item_becomes_a_deadline_of_whoever_does_it(db):
    org = OrganisationFactory()
    user = UserFactory(role="participant", organisation=org)
    person = PersonFactory(organisation=org, user=user)
    meeting = _meeting()
    action = services.add_action(meeting, services.ActionData(title="Daten nachliefern",
                                                              due_date=date(2027, 5, 1), person_id=person.id))  # fmt: skip
    deadline = _db.session.scalar(select(Deadline).where(Deadline.owner_type == "action_item"))
    assert deadline.owner_id == action.id and deadline.due_date == date(2027, 5, 1)
    assert deadline.organisation_id == org.id and [u.id for u in deadline.responsible_users] == [
        user.id
    ]
    with pytest.raises(services.MeetingError, match="Person oder eine Organisation"):
        services.add_action(
            meeting, services.ActionData(title="Niemand", due_date=date(2027, 5, 1))
        )
    services.delete_action(action)
    assert _db.session.scalar(select(Deadline).where(Deadline.owner_type == "action_item")) is None


def test_participation_history_counts_invited_held_and_attended(db):
    org = OrganisationFactory()
    person = PersonFactory(organisation=org)
    past = _meeting(start=services.now_local().replace(microsecond=0) - timedelta(days=2))
    services.invite(past, [person.id], [])
    services.set_state(past, MeetingState.EINGELADEN)
    services.set_state(past, MeetingState.DURCHGEFUEHRT)
    services.record_attendance(past, [], [], [org.id])  # the organisation came, the person did not
    rows = services.participation_of_person(person.id)
    assert services.participation_summary(rows) == {"invited": 1, "held": 1, "attended": 0}
    org_rows = services.participation_of_organisation(org.id)
    assert len(org_rows) == 2 and any(not i.invited and i.attended for i in org_rows)
