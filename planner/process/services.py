"""Rules of the planning process: templates and cycles, steps with their status, dependencies
(finish before start, no cycles), due dates registered as deadlines, and the queries behind
the overview, the timeline, "Meine Aufgaben" and the panels of other pages."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import case, func, or_, select

from planner.accounts.models import Organisation, User
from planner.core.models import date_range_error, utcnow
from planner.core.transaction import DomainError
from planner.deadlines import services as deadlines
from planner.deadlines.models import DeadlineKind, DeadlineState
from planner.extensions import db
from planner.governance.models import Resolution
from planner.process.models import Phase, Process, Step, StepStatus, step_dependencies
from planner.process.plans import PLAN_TEMPLATES
from planner.stakeholders.models import Person

DEADLINE_OWNER = "process_step"
MAX_STEPS = 200  # per process: overview, timeline and the dependency choice show it whole


class ProcessError(DomainError):
    """A broken rule of the process plan."""


class DateError(ProcessError):
    """Dates out of range or in the wrong order (shown at the due date)."""


class DependencyError(ProcessError):
    """A dependency that is not possible (another process, a cycle)."""


class StatusError(ProcessError):
    """A status that the step cannot take yet."""


def _check_date(day: date | None) -> None:
    if day is not None and (error := date_range_error(day)):
        raise DateError(error)


def _shift(day: date | None, delta: timedelta) -> date | None:
    if day is None:
        return None
    moved = day + delta
    _check_date(moved)
    return moved


# --- processes ----------------------------------------------------------------------------


@dataclass
class ProcessData:
    title: str
    start_date: date
    description: str | None = None
    organisation_id: int | None = None


def _apply_process(process: Process, data: ProcessData) -> None:
    title = (data.title or "").strip()
    if not title:
        raise ProcessError(_("Bitte geben Sie einen Titel an."))
    _check_date(data.start_date)
    process.title = title
    process.start_date = data.start_date
    process.description = (data.description or "").strip() or None
    process.organisation_id = data.organisation_id


def update_process(process: Process, data: ProcessData) -> Process:
    _apply_process(process, data)
    db.session.flush()
    return process


def create_process(data: ProcessData, template_key: str | None = None) -> Process:
    """An empty process, or one started from a template with its phases, steps, dependencies
    and due dates computed from the start date."""
    template = PLAN_TEMPLATES.get(template_key) if template_key else None
    if template_key and template is None:
        raise ProcessError(_("Diese Prozessvorlage gibt es nicht."))
    process = Process(cycle=1)
    _apply_process(process, data)
    db.session.add(process)
    db.session.flush()
    if template is None:
        db.session.add(Phase(process_id=process.id, position=1, title=_("Allgemein")))
        db.session.flush()
        return process
    process.template_key = template.key
    if not process.description:
        process.description = template.description
    db.session.flush()
    steps: dict[str, Step] = {}
    schedule = template.schedule()
    position = 0
    for number, phase_t in enumerate(template.phases, start=1):
        phase = Phase(process_id=process.id, position=number, title=phase_t.title)
        db.session.add(phase)
        db.session.flush()
        for step_t in phase_t.steps:
            position += 1
            step = Step(
                process_id=process.id,
                phase_id=phase.id,
                position=position,
                title=step_t.title,
                description=step_t.description or None,
                status=StepStatus.OFFEN,
                start_date=_shift(data.start_date, timedelta(days=schedule[step_t.key][0])),
                due_date=_shift(data.start_date, timedelta(days=schedule[step_t.key][1])),
                responsible_organisation_id=data.organisation_id,
                template_step=step_t.key,
            )
            step.predecessors = [steps[k] for k in step_t.depends_on]
            db.session.add(step)
            steps[step_t.key] = step
    db.session.flush()
    for step in steps.values():
        _sync_deadline(step)
    return process


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def default_next_start(process: Process) -> date:
    template = PLAN_TEMPLATES.get(process.template_key or "")
    return _years_later(process.start_date, template.cycle_years if template else 3)


def new_cycle(process: Process, title: str, start_date: date) -> Process:
    """The plan copied for the next report period: phases, steps (open again), dependencies
    and responsibilities; every date moves by the distance between the two starts."""
    _check_date(start_date)
    delta = start_date - process.start_date
    copy = Process(
        title=(title or "").strip() or process.title,
        description=process.description,
        cycle=process.cycle + 1,
        start_date=start_date,
        template_key=process.template_key,
        previous_id=process.id,
        organisation_id=process.organisation_id,
    )
    db.session.add(copy)
    db.session.flush()
    phases = {}
    for phase in db.session.scalars(
        select(Phase).where(Phase.process_id == process.id).order_by(Phase.position)
    ):
        phases[phase.id] = Phase(process_id=copy.id, position=phase.position, title=phase.title)
        db.session.add(phases[phase.id])
    db.session.flush()
    old_steps = list(
        db.session.scalars(
            select(Step)
            .where(Step.process_id == process.id)
            .order_by(Step.position, Step.id)
            .options(db.selectinload(Step.predecessors))
        )
    )
    erased = (
        set(db.session.scalars(select(Person.id).where(Person.erased_at.is_not(None))))
        if any(o.responsible_person_id for o in old_steps)
        else set()
    )
    new_steps: dict[int, Step] = {}
    for old in old_steps:
        new_steps[old.id] = Step(
            process_id=copy.id,
            phase_id=phases[old.phase_id].id,
            position=old.position,
            title=old.title,
            description=old.description,
            status=StepStatus.OFFEN,
            responsible_organisation_id=old.responsible_organisation_id,
            responsible_person_id=None
            if old.responsible_person_id in erased
            else old.responsible_person_id,
            start_date=_shift(old.start_date, delta),
            due_date=_shift(old.due_date, delta),
            template_step=old.template_step,
        )
        db.session.add(new_steps[old.id])
    for old in old_steps:
        new_steps[old.id].predecessors = [new_steps[p.id] for p in old.predecessors]
    db.session.flush()
    for step in new_steps.values():
        _sync_deadline(step)
    return copy


def add_phase(process: Process, title: str) -> Phase:
    title = (title or "").strip()
    if not title:
        raise ProcessError(_("Bitte geben Sie einen Titel an."))
    last = db.session.scalar(select(func.max(Phase.position)).where(Phase.process_id == process.id))
    phase = Phase(process_id=process.id, position=(last or 0) + 1, title=title)
    db.session.add(phase)
    db.session.flush()
    return phase


def rename_phase(phase: Phase, title: str) -> Phase:
    title = (title or "").strip()
    if not title:
        raise ProcessError(_("Bitte geben Sie einen Titel an."))
    phase.title = title
    db.session.flush()
    return phase


def phases_of(process_id: int) -> list[Phase]:
    return list(
        db.session.scalars(
            select(Phase).where(Phase.process_id == process_id).order_by(Phase.position, Phase.id)
        )
    )


# --- steps --------------------------------------------------------------------------------


@dataclass
class StepData:
    title: str
    phase_id: int
    description: str | None = None
    responsible_organisation_id: int | None = None
    responsible_person_id: int | None = None
    start_date: date | None = None
    due_date: date | None = None
    resolution_id: int | None = None


def _apply_step(step: Step, data: StepData) -> None:
    title = (data.title or "").strip()
    if not title:
        raise ProcessError(_("Bitte geben Sie einen Titel an."))
    phase = db.session.get(Phase, data.phase_id) if data.phase_id else None
    if phase is None or phase.process_id != step.process_id:
        raise ProcessError(_("Bitte wählen Sie eine Phase dieses Prozesses."))
    _check_date(data.start_date)
    _check_date(data.due_date)
    if data.start_date and data.due_date and data.due_date < data.start_date:
        raise DateError(_("Das Fälligkeitsdatum liegt vor dem Beginn."))
    if data.responsible_person_id is not None:
        person = db.session.get(Person, data.responsible_person_id)
        if person is None or person.erased:
            raise ProcessError(_("Bitte wählen Sie eine Person aus."))
    if data.resolution_id is not None:
        resolution = db.session.get(Resolution, data.resolution_id)
        if resolution is None or not resolution.adopted:
            raise ProcessError(_("Ein abgelehnter Beschluss erteilt keinen Auftrag."))
    step.title = title
    step.phase_id = phase.id
    step.description = (data.description or "").strip() or None
    step.responsible_organisation_id = data.responsible_organisation_id
    step.responsible_person_id = data.responsible_person_id
    step.start_date = data.start_date
    step.due_date = data.due_date
    step.resolution_id = data.resolution_id


def _count_steps(process_id: int) -> int:
    return db.session.scalar(select(func.count()).where(Step.process_id == process_id)) or 0


def create_step(process: Process, data: StepData) -> Step:
    if _count_steps(process.id) >= MAX_STEPS:
        raise ProcessError(_("Ein Prozess hat höchstens %(n)s Schritte.", n=MAX_STEPS))
    step = Step(process_id=process.id, status=StepStatus.OFFEN)
    _apply_step(step, data)
    last = db.session.scalar(select(func.max(Step.position)).where(Step.process_id == process.id))
    step.position = (last or 0) + 1
    db.session.add(step)
    db.session.flush()
    _sync_deadline(step)
    return step


def update_step(step: Step, data: StepData) -> Step:
    _apply_step(step, data)
    db.session.flush()
    _sync_deadline(step)
    return step


def mandate(resolution: Resolution, process: Process, data: StepData) -> Step:
    """A mandate of a resolution becomes a step of the process with its due date."""
    if not resolution.adopted:
        raise ProcessError(_("Ein abgelehnter Beschluss erteilt keinen Auftrag."))
    if data.due_date is None:
        raise DateError(_("Ein Auftrag braucht ein Fälligkeitsdatum."))
    data.resolution_id = resolution.id
    return create_step(process, data)


def open_predecessors(step: Step) -> list[Step]:
    return [p for p in step.predecessors if not p.status.closed]


def set_status(step: Step, status: StepStatus | str, user: User | None = None,
               now: datetime | None = None) -> Step:  # fmt: skip
    """Finish before start: a step is begun or finished only when every step it depends on
    is finished (or dropped)."""
    status = StepStatus(status)
    if status in (StepStatus.IN_ARBEIT, StepStatus.ERLEDIGT):
        waiting = open_predecessors(step)
        if waiting:
            raise StatusError(
                _(
                    "„%(step)s“ kann erst beginnen, wenn diese Schritte erledigt sind: %(list)s.",
                    step=step.title,
                    list=", ".join(f"„{p.title}“" for p in waiting),
                )
            )
    if step.status.closed and not status.closed:
        started = [
            s
            for s in successors_of(step)
            if s.status in (StepStatus.IN_ARBEIT, StepStatus.ERLEDIGT)
        ]
        if started:
            raise StatusError(
                _(
                    "„%(step)s“ kann nicht wieder geöffnet werden, solange diese Schritte danach "
                    "begonnen oder erledigt sind: %(list)s.",
                    step=step.title,
                    list=", ".join(f"„{s.title}“" for s in started),
                )
            )
    step.status = status
    step.done_at = (now or utcnow()) if status == StepStatus.ERLEDIGT else None
    db.session.flush()
    _sync_deadline(step, user, now)
    return step


def _sync_deadline(step: Step, user: User | None = None, now: datetime | None = None) -> None:
    """The due date is a deadline of the step: it moves with it, closes with it, and goes
    when the step is dropped or has no due date."""
    if step.due_date is None or step.status == StepStatus.ENTFALLEN:
        deadlines.unregister(DEADLINE_OWNER, step.id)
        return
    person = step.responsible_person
    if person is None and step.responsible_person_id:
        person = db.session.get(Person, step.responsible_person_id)
    org = step.responsible_organisation
    if org is None and step.responsible_organisation_id:
        org = db.session.get(Organisation, step.responsible_organisation_id)
    users = [person.user] if person is not None and person.user is not None else []
    deadline = deadlines.register(
        DEADLINE_OWNER,
        step.id,
        title=step.title,
        kind=DeadlineKind.PROZESSSCHRITT,
        due_date=step.due_date,
        organisation=org,
        responsible_users=users,
        notes=None,
        # seen by planners and those responsible, not by every role (a supplier sees nothing
        # of the process plan)
        visible_to_all=False,
    )
    if step.status == StepStatus.ERLEDIGT and deadline.state == DeadlineState.OFFEN:
        deadlines.mark_done(deadline, user, now)
    elif step.status != StepStatus.ERLEDIGT and deadline.state == DeadlineState.ERLEDIGT:
        deadlines.reopen(deadline, user, now)


def delete_step(step: Step) -> None:
    deadlines.unregister(DEADLINE_OWNER, step.id)
    db.session.delete(step)
    db.session.flush()


# --- dependencies -------------------------------------------------------------------------


def _graph(process_id: int) -> dict[int, set[int]]:
    """step id -> the ids it depends on, for one process (one query)."""
    graph: dict[int, set[int]] = defaultdict(set)
    rows = db.session.execute(
        select(step_dependencies.c.step_id, step_dependencies.c.depends_on_id)
        .join(Step, Step.id == step_dependencies.c.step_id)
        .where(Step.process_id == process_id)
    )
    for step_id, depends_on in rows:
        graph[step_id].add(depends_on)
    return graph


def _path(graph: dict[int, set[int]], start: int, goal: int) -> list[int] | None:
    """A chain start -> ... -> goal along "depends on", or None."""
    stack, seen = [(start, [start])], {start}
    while stack:
        node, path = stack.pop()
        if node == goal:
            return path
        for nxt in sorted(graph.get(node, ())):
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None


def set_dependencies(step: Step, predecessor_ids: list[int]) -> Step:
    """Replace what the step depends on. Steps of another process and cycles are refused;
    the message names the cycle."""
    ids = list(dict.fromkeys(predecessor_ids))
    if step.id in ids:
        raise DependencyError(_("Ein Schritt kann nicht von sich selbst abhängen."))
    candidates = list(db.session.scalars(select(Step).where(Step.id.in_(ids)))) if ids else []
    if len(candidates) != len(ids) or any(c.process_id != step.process_id for c in candidates):
        raise DependencyError(
            _("Abhängigkeiten sind nur zwischen Schritten desselben Prozesses möglich.")
        )
    if step.status in (StepStatus.IN_ARBEIT, StepStatus.ERLEDIGT):
        already = {p.id for p in step.predecessors}
        waiting = [c for c in candidates if c.id not in already and not c.status.closed]
        if waiting:
            raise DependencyError(
                _(
                    "„%(step)s“ hat schon begonnen; er kann nicht nachträglich von offenen "
                    "Schritten abhängen: %(list)s.",
                    step=step.title,
                    list=", ".join(f"„{c.title}“" for c in waiting),
                )
            )
    graph = _graph(step.process_id)
    graph[step.id] = set(ids)
    for candidate in candidates:
        path = _path(graph, candidate.id, step.id)
        if path:
            titles = dict(
                db.session.execute(select(Step.id, Step.title).where(Step.id.in_(path))).all()
            )
            chain = [step.id, *path]
            described = ", ".join(
                _(
                    "„%(a)s“ hängt ab von „%(b)s“",
                    a=titles.get(a, step.title),
                    b=titles.get(b, step.title),
                )
                for a, b in zip(chain, chain[1:], strict=False)
            )
            raise DependencyError(
                _("Diese Abhängigkeit ergäbe einen Kreis: %(chain)s.", chain=described)
            )
    step.predecessors = sorted(candidates, key=lambda s: (s.position, s.id))
    db.session.flush()
    return step


def successors_of(step: Step) -> list[Step]:
    return list(
        db.session.scalars(
            select(Step)
            .join(step_dependencies, step_dependencies.c.step_id == Step.id)
            .where(step_dependencies.c.depends_on_id == step.id)
            .order_by(Step.position)
        )
    )


def steps_for_choice(process_id: int, exclude: int | None = None) -> list[tuple[int, str]]:
    stmt = select(Step.id, Step.position, Step.title).where(Step.process_id == process_id)
    if exclude is not None:
        stmt = stmt.where(Step.id != exclude)
    return [
        (sid, f"{pos}. {title}")
        for sid, pos, title in db.session.execute(stmt.order_by(Step.position).limit(MAX_STEPS))
    ]


# --- reading ------------------------------------------------------------------------------


@dataclass
class PhaseView:
    phase: Phase
    steps: list[Step] = field(default_factory=list)

    @property
    def counted(self) -> list[Step]:
        return [s for s in self.steps if s.status != StepStatus.ENTFALLEN]

    @property
    def done(self) -> int:
        return sum(1 for s in self.steps if s.status == StepStatus.ERLEDIGT)

    @property
    def percent(self) -> int:
        total = len(self.counted)
        return round(100 * self.done / total) if total else 100

    def late(self, today: date) -> int:
        return sum(1 for s in self.steps if s.late(today))


def plan(process: Process) -> list[PhaseView]:
    """The phases with their steps in order (two queries, whatever the size)."""
    views = {p.id: PhaseView(p) for p in phases_of(process.id)}
    steps = db.session.scalars(
        select(Step)
        .where(Step.process_id == process.id)
        .order_by(Step.position, Step.id)
        .options(
            db.joinedload(Step.responsible_organisation),
            db.joinedload(Step.responsible_person).joinedload(Person.organisation),
            db.selectinload(Step.predecessors),
        )
        .limit(MAX_STEPS)
    )
    for step in steps:
        if step.phase_id in views:
            views[step.phase_id].steps.append(step)
    return list(views.values())


def process_list(limit: int = 200) -> list[tuple[Process, int, int, int]]:
    """(process, steps counted, done, late) for each process, newest first."""
    today = deadlines.today_in_berlin()
    closed = [StepStatus.ERLEDIGT, StepStatus.ENTFALLEN]
    counts = (
        select(
            Step.process_id,
            func.sum(case((Step.status != StepStatus.ENTFALLEN, 1), else_=0)).label("total"),
            func.sum(case((Step.status == StepStatus.ERLEDIGT, 1), else_=0)).label("done"),
            func.sum(
                case(((Step.due_date < today) & Step.status.not_in(closed), 1), else_=0)
            ).label("late"),
        )
        .group_by(Step.process_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Process, counts.c.total, counts.c.done, counts.c.late)
        .outerjoin(counts, counts.c.process_id == Process.id)
        .order_by(Process.start_date.desc(), Process.id.desc())
        .limit(limit)
    )
    return [(p, int(t or 0), int(d or 0), int(late or 0)) for p, t, d, late in rows]


def processes_for_choice(limit: int = 200) -> list[tuple[int, str]]:
    return [
        (pid, title)
        for pid, title in db.session.execute(
            select(Process.id, Process.title).order_by(Process.start_date.desc()).limit(limit)
        )
    ]


def _open_first(stmt):
    return stmt.order_by(
        case((Step.due_date.is_(None), 1), else_=0), Step.due_date, Step.id
    ).options(db.joinedload(Step.process))


def my_tasks(user: User, limit: int = 8) -> list[Step]:
    """Open steps the user is responsible for: in person (a person linked to the account) or,
    where no person is named, through the organisation."""
    person_ids = select(Person.id).where(Person.user_id == user.id).scalar_subquery()
    stmt = select(Step).where(
        Step.status.not_in([StepStatus.ERLEDIGT, StepStatus.ENTFALLEN]),
        or_(
            Step.responsible_person_id == person_ids,
            (Step.responsible_person_id.is_(None))
            & (Step.responsible_organisation_id == (user.organisation_id or -1)),
        ),
    )
    return list(db.session.scalars(_open_first(stmt).limit(limit)))


def steps_of_organisation(org_id: int, limit: int = 20) -> list[Step]:
    stmt = select(Step).where(
        Step.responsible_organisation_id == org_id,
        Step.status.not_in([StepStatus.ERLEDIGT, StepStatus.ENTFALLEN]),
    )
    return list(db.session.scalars(_open_first(stmt).limit(limit)))


def steps_of_person(person_id: int, limit: int = 50) -> list[Step]:
    stmt = select(Step).where(Step.responsible_person_id == person_id)
    return list(db.session.scalars(_open_first(stmt).limit(limit)))


def steps_of_resolution(resolution_id: int, limit: int = 100) -> list[Step]:
    stmt = select(Step).where(Step.resolution_id == resolution_id)
    return list(db.session.scalars(_open_first(stmt).limit(limit)))


def step_history(step: Step, limit: int = 100):
    from planner.core.audit_view import describe
    from planner.core.services import audit_entries_of

    return describe(audit_entries_of("Step", step.id, newest_first=True, limit=limit))


# --- for other domains --------------------------------------------------------------------


def steps_by_ids(ids: list[int]) -> list[Step]:
    if not ids:
        return []
    return list(db.session.scalars(
        select(Step).where(Step.id.in_(ids)).options(db.joinedload(Step.process))
        .order_by(Step.process_id, Step.position)
    ))  # fmt: skip


def get_step(step_id: int | None) -> Step | None:
    return db.session.get(Step, step_id) if step_id else None


def get_process(process_id: int | None) -> Process | None:
    return db.session.get(Process, process_id) if process_id else None


def latest_process() -> Process | None:
    """The process begun last (a new cycle replaces its predecessor)."""
    return db.session.scalar(
        select(Process).order_by(Process.start_date.desc(), Process.id.desc()).limit(1)
    )


def current_phase(process: Process) -> Phase | None:
    """The phase that holds the first step not yet done (by phase and position), else the
    last phase: where a step that arises now belongs."""
    row = db.session.scalar(
        select(Phase)
        .join(Step, Step.phase_id == Phase.id)
        .where(Step.process_id == process.id,
               Step.status.not_in([StepStatus.ERLEDIGT, StepStatus.ENTFALLEN]))
        .order_by(Phase.position, Step.position)
        .limit(1)
    )  # fmt: skip
    if row is not None:
        return row
    return db.session.scalar(
        select(Phase).where(Phase.process_id == process.id).order_by(Phase.position.desc()).limit(1)
    )
