"""Process rules: the template with its dates, due dates as deadlines that move with the step,
finish before start, cycles refused with a message that names them, new cycles."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from planner.deadlines.models import Deadline, DeadlineState
from planner.extensions import db as _db
from planner.governance.models import Vote
from planner.process import services
from planner.process.models import Phase, Step, StepStatus
from planner.process.plans import STANDARD
from tests.factories import OrganisationFactory, PersonFactory, ResolutionFactory, UserFactory

START = date(2020, 1, 6)


def _process(title="Sozialplanung Testkreis", start=START, org=None):
    process = services.create_process(
        services.ProcessData(
            title=title, start_date=start, organisation_id=org.id if org else None
        ),
        "standard",
    )
    _db.session.commit()
    return process


def _step(process, key) -> Step:
    return _db.session.scalar(
        select(Step).where(Step.process_id == process.id, Step.template_step == key)
    )


def _deadline(step) -> Deadline | None:
    return _db.session.scalar(
        select(Deadline).where(Deadline.owner_type == "process_step", Deadline.owner_id == step.id)
    )


def _data(step, **changes) -> services.StepData:
    values = dict(
        title=step.title, phase_id=step.phase_id, description=step.description,
        responsible_organisation_id=step.responsible_organisation_id,
        responsible_person_id=step.responsible_person_id, start_date=step.start_date,
        due_date=step.due_date, resolution_id=step.resolution_id,
    )  # fmt: skip
    values.update(changes)
    return services.StepData(**values)


def test_the_template_gives_phases_steps_dependencies_and_dates_from_the_start(db):
    org = OrganisationFactory(name="Kreisverwaltung Test")
    process = _process(org=org)
    phases = _db.session.scalars(
        select(Phase).where(Phase.process_id == process.id).order_by(Phase.position)
    ).all()
    assert [p.title for p in phases] == [p.title for p in STANDARD.phases]
    steps = _db.session.scalars(select(Step).where(Step.process_id == process.id)).all()
    assert len(steps) == sum(len(p.steps) for p in STANDARD.phases) == 14
    advice = _step(process, "fachberatung")
    assert advice.start_date == START + timedelta(days=1)  # the day after the resolution
    assert advice.due_date == START + timedelta(days=151)
    # no step starts before every step it depends on is due
    for step in steps:
        for before in step.predecessors:
            assert step.start_date > before.due_date, (step.title, before.title)
    assert advice.responsible_organisation_id == org.id
    concept = _step(process, "grundkonzept")
    assert {p.template_step for p in concept.predecessors} == {"fachberatung", "beteiligung"}
    # every due date is a deadline of its step, in the calendar
    for step in steps:
        deadline = _deadline(step)
        assert deadline is not None and deadline.due_date == step.due_date
        assert deadline.organisation_id == org.id
        assert deadline.kind.value == "prozessschritt"


def test_a_moved_due_date_moves_its_deadline_and_a_dropped_step_loses_it(db):
    process = _process()
    step = _step(process, "beteiligung")
    deadline_id = _deadline(step).id
    services.update_step(step, _data(step, due_date=date(2021, 3, 31)))
    _db.session.commit()
    moved = _db.session.get(Deadline, deadline_id)
    assert moved.due_date == date(2021, 3, 31)
    assert moved.sequence >= 1  # calendars learn of the change
    services.update_step(step, _data(step, title="Kommunen einbinden (neu)"))
    _db.session.commit()
    assert _deadline(step).title == "Kommunen einbinden (neu)"
    services.set_status(step, StepStatus.ENTFALLEN)
    _db.session.commit()
    assert _deadline(step) is None
    services.set_status(step, StepStatus.OFFEN)
    _db.session.commit()
    assert _deadline(step).due_date == date(2021, 3, 31)


def test_done_steps_close_their_deadline_and_reopening_opens_it(db):
    process = _process()
    first = _step(process, "grundsatzbeschluss")
    services.set_status(first, StepStatus.ERLEDIGT)
    _db.session.commit()
    assert first.done_at is not None
    assert _deadline(first).state == DeadlineState.ERLEDIGT
    services.set_status(first, StepStatus.IN_ARBEIT)
    _db.session.commit()
    assert first.done_at is None
    assert _deadline(first).state == DeadlineState.OFFEN


def test_a_step_begins_only_when_the_steps_it_depends_on_are_done(db):
    process = _process()
    advice = _step(process, "fachberatung")
    with pytest.raises(services.StatusError) as error:
        services.set_status(advice, StepStatus.IN_ARBEIT)
    assert "Grundsatzbeschluss des Kreistags" in str(error.value)
    _db.session.rollback()
    services.set_status(_step(process, "grundsatzbeschluss"), StepStatus.ENTFALLEN)
    services.set_status(advice, StepStatus.IN_ARBEIT)  # a dropped predecessor does not block
    services.set_status(advice, StepStatus.BLOCKIERT)  # blocked needs no finished predecessors
    assert advice.status == StepStatus.BLOCKIERT


def test_a_cycle_is_refused_with_a_message_that_names_it(db):
    process = _process()
    first = _step(process, "grundsatzbeschluss")
    advice = _step(process, "fachberatung")
    application = _step(process, "foerderantrag")  # depends on advice, advice on the first
    with pytest.raises(services.DependencyError) as error:
        services.set_dependencies(first, [application.id])
    message = str(error.value)
    assert "Kreis" in message
    for title in (first.title, application.title, advice.title):
        assert f"„{title}“" in message
    _db.session.rollback()
    with pytest.raises(services.DependencyError):
        services.set_dependencies(first, [first.id])
    _db.session.rollback()
    other = _process(title="Anderer Prozess")
    with pytest.raises(services.DependencyError, match="desselben Prozesses"):
        services.set_dependencies(first, [_step(other, "wirkung").id])
    _db.session.rollback()
    # a dependency that closes no loop is taken
    services.set_dependencies(application, [advice.id, _step(process, "beteiligung").id])
    _db.session.commit()
    assert {p.template_step for p in application.predecessors} == {"fachberatung", "beteiligung"}


def test_a_new_cycle_copies_the_plan_with_shifted_dates_and_open_steps(db):
    person = PersonFactory()
    process = _process()
    advice = _step(process, "fachberatung")
    services.update_step(advice, _data(advice, responsible_person_id=person.id))
    services.set_status(_step(process, "grundsatzbeschluss"), StepStatus.ERLEDIGT)
    _db.session.commit()
    assert services.default_next_start(process) == date(2023, 1, 6)
    copy = services.new_cycle(process, "Zweiter Zyklus", date(2023, 1, 6))
    _db.session.commit()
    assert (copy.cycle, copy.previous_id, copy.title) == (2, process.id, "Zweiter Zyklus")
    delta = date(2023, 1, 6) - START
    new_advice = _step(copy, "fachberatung")
    assert new_advice.due_date == advice.due_date + delta
    assert new_advice.responsible_person_id == person.id
    assert [p.template_step for p in new_advice.predecessors] == ["grundsatzbeschluss"]
    assert new_advice.predecessors[0].process_id == copy.id
    assert _step(copy, "grundsatzbeschluss").status == StepStatus.OFFEN
    assert _deadline(new_advice).due_date == new_advice.due_date
    assert len(_db.session.scalars(select(Step).where(Step.process_id == copy.id)).all()) == 14


def test_dates_out_of_range_and_in_the_wrong_order_are_refused(db):
    process = _process()
    step = _step(process, "monitoring")
    with pytest.raises(services.DateError):
        services.update_step(
            step, _data(step, start_date=date(2022, 5, 1), due_date=date(2022, 4, 1))
        )
    _db.session.rollback()
    with pytest.raises(services.DateError):
        services.update_step(step, _data(step, due_date=date(9999, 12, 31)))
    _db.session.rollback()
    with pytest.raises(services.DateError):  # a new cycle that would push dates beyond 2199
        services.new_cycle(process, "Zu spät", date(2199, 1, 1))


def test_a_mandate_becomes_a_step_and_a_rejected_resolution_gives_none(db):
    process = _process()
    phase = _db.session.scalar(select(Phase).where(Phase.process_id == process.id).limit(1))
    resolution = ResolutionFactory()
    step = services.mandate(
        resolution, process,
        services.StepData(title="Förderantrag stellen", phase_id=phase.id, due_date=date(2017, 10, 31)),
    )  # fmt: skip
    _db.session.commit()
    assert step.resolution_id == resolution.id
    assert services.steps_of_resolution(resolution.id) == [step]
    assert _deadline(step).due_date == date(2017, 10, 31)
    rejected = ResolutionFactory(vote=Vote.ABGELEHNT)
    with pytest.raises(services.ProcessError, match="abgelehnter"):
        services.mandate(
            rejected,
            process,
            services.StepData(title="X", phase_id=phase.id, due_date=date(2018, 1, 1)),
        )


def test_my_tasks_are_the_open_steps_of_my_person_or_my_organisation(db):
    org = OrganisationFactory()
    user = UserFactory(organisation=org)
    person = PersonFactory(user=user, organisation=org)
    process = _process(org=None)
    mine = _step(process, "monitoring")
    services.update_step(mine, _data(mine, responsible_person_id=person.id))
    by_org = _step(process, "indikatoren")
    services.update_step(by_org, _data(by_org, responsible_organisation_id=org.id))
    other = _step(process, "sozialbericht")
    services.update_step(other, _data(other, responsible_organisation_id=org.id,
                                      responsible_person_id=PersonFactory().id))  # fmt: skip
    _db.session.commit()
    tasks = services.my_tasks(user)
    assert [t.id for t in tasks] == [by_org.id, mine.id]  # by due date
    # the person's account is among the deadline's responsible people
    assert [u.id for u in _deadline(mine).responsible_users] == [user.id]


def test_a_done_step_is_not_reopened_while_later_steps_have_begun(db):
    process = _process()
    first, advice = _step(process, "grundsatzbeschluss"), _step(process, "fachberatung")
    services.set_status(first, StepStatus.ERLEDIGT)
    services.set_status(advice, StepStatus.IN_ARBEIT)
    with pytest.raises(services.StatusError) as error:
        services.set_status(first, StepStatus.OFFEN)
    assert "„Beratung durch eine Fachstelle (z. B. FSA) im Fachausschuss“" in str(error.value)
    _db.session.rollback()
    services.set_status(advice, StepStatus.OFFEN)
    services.set_status(first, StepStatus.IN_ARBEIT)  # nothing after it has begun
    assert first.status == StepStatus.IN_ARBEIT
