"""Measure rules: who may log and edit, the status workflow, justifications with their
snapshot and the polarity of the target, milestones, progress of parents; the queries of the
pages and panels."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from flask_babel import gettext as _
from sqlalchemy import Select, delete, exists, func, insert, or_, select, union, update
from sqlalchemy.orm import joinedload, selectinload

from planner.accounts.models import Organisation
from planner.core.lookup import like_pattern
from planner.core.models import date_range_error
from planner.core.money import MoneyError, parse_money
from planner.core.pagination import Page, paginate
from planner.core.permissions import Permission, role_can
from planner.core.transaction import DomainError, flush_or_raise
from planner.deadlines import services as deadlines
from planner.deadlines.models import DeadlineKind
from planner.extensions import db
from planner.measures.models import (
    TRANSITIONS,
    Comment,
    Justification,
    Measure,
    MeasureStatus,
    Milestone,
    ProgressNote,
    measure_areas,
    measure_organisations,
)
from planner.meetings import services as meetings
from planner.monitoring import values
from planner.monitoring.periods import parse_for
from planner.monitoring.tabular import MAX_ABS
from planner.stakeholders.models import Person

MILESTONE_OWNER = "milestone"
MAX_JUSTIFICATIONS = 20  # per measure: the page draws a chart for each
MAX_AREAS = 50
MAX_CHILDREN = 200
MAX_DEPTH = 5


class MeasureError(DomainError):
    """A broken measure rule; the message is shown to the user."""


class DateError(MeasureError):
    pass


class StatusError(MeasureError):
    pass


class TargetError(MeasureError):
    pass


class PeriodError(MeasureError):
    pass


class ParentError(MeasureError):
    pass


class BudgetError(MeasureError):
    pass


class NotAllowed(MeasureError):
    """The user may not do this to the measure (the API answers 403)."""

    http_status = 403


# --- who may do what ----------------------------------------------------------------------


def edits_all(user) -> bool:
    return role_can(getattr(user, "role", None), Permission.DOMAIN_EDIT)


def may_edit(user, measure: Measure) -> bool:
    """Planners edit every measure; participants those of their organisation (or their own)."""
    if edits_all(user):
        return True
    if not role_can(getattr(user, "role", None), Permission.MEASURES_LOG):
        return False
    if measure.created_by_id == user.id:
        return True
    # the relationship (loaded with the measure in lists and the bulk update) is the one source
    return bool(user.organisation_id) and any(
        o.id == user.organisation_id for o in measure.organisations
    )


def may_log_at(user, meeting) -> bool:
    """A measure is logged at a conference by a planner, or by whoever was invited to it."""
    if meeting is None or not meeting.conference or meeting.state.value == "abgesagt":
        return False
    if edits_all(user):
        return True
    return role_can(getattr(user, "role", None), Permission.MEASURES_LOG) and meetings.is_invited(
        user, meeting.id
    )


# --- measures -----------------------------------------------------------------------------


@dataclass
class MeasureData:
    title: str
    problem: str | None = None
    goal: str | None = None
    description: str | None = None
    target_groups: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    budget: Decimal | None = None
    organisation_ids: list[int] = field(default_factory=list)
    contact_id: int | None = None
    area_ids: list[int] = field(default_factory=list)
    parent_id: int | None = None
    meeting_id: int | None = None
    agenda_item_id: int | None = None


def parse_budget(text) -> Decimal | None:
    """ "12.500,50" or "12500.5" -> Decimal; empty -> None; refused with a German message."""
    try:
        return parse_money(text)
    except MoneyError as exc:
        raise BudgetError(str(exc)) from None


def _check_parent(measure: Measure, parent_id: int | None) -> None:
    if parent_id is None:
        return
    if measure.id is not None and parent_id == measure.id:
        raise ParentError(_("Eine Maßnahme kann nicht Teil von sich selbst sein."))
    seen, current, depth = set(), parent_id, 0
    while current is not None:
        if measure.id is not None and current == measure.id:
            raise ParentError(_("Diese Zuordnung ergäbe einen Kreis von Teilmaßnahmen."))
        if current in seen:
            break
        seen.add(current)
        depth += 1
        if depth > MAX_DEPTH:
            raise ParentError(_("Teilmaßnahmen sind höchstens %(n)s Ebenen tief.", n=MAX_DEPTH))
        current = db.session.scalar(select(Measure.parent_id).where(Measure.id == current))


def _apply(measure: Measure, data: MeasureData) -> None:
    title = (data.title or "").strip()
    if not title:
        raise MeasureError(_("Bitte geben Sie einen Titel an."))
    for day in (data.start_date, data.end_date):
        if day is not None and (error := date_range_error(day)):
            raise DateError(error)
    if data.start_date and data.end_date and data.end_date < data.start_date:
        raise DateError(_("Das Ende liegt vor dem Beginn."))
    if len(data.area_ids) > MAX_AREAS:
        raise MeasureError(_("Höchstens %(n)s Zielräume.", n=MAX_AREAS))
    budget = parse_budget(data.budget)
    _check_parent(measure, data.parent_id)
    if data.contact_id is not None:
        person = db.session.get(Person, data.contact_id)
        if person is None or person.erased:
            raise MeasureError(_("Bitte wählen Sie eine Person aus."))
    if data.agenda_item_id is not None:
        from planner.meetings.models import AgendaItem

        item = db.session.get(AgendaItem, data.agenda_item_id)
        if item is None or item.meeting_id != data.meeting_id:
            raise MeasureError(_("Bitte wählen Sie einen Punkt der Tagesordnung dieser Sitzung."))
    measure.title = title
    measure.problem = (data.problem or "").strip() or None
    measure.goal = (data.goal or "").strip() or None
    measure.description = (data.description or "").strip() or None
    measure.target_groups = (data.target_groups or "").strip() or None
    measure.start_date = data.start_date
    measure.end_date = data.end_date
    measure.budget = budget
    measure.contact_id = data.contact_id
    measure.parent_id = data.parent_id
    measure.meeting_id = data.meeting_id
    measure.agenda_item_id = data.agenda_item_id


def _set_links(measure: Measure, data: MeasureData) -> None:
    db.session.execute(delete(measure_areas).where(measure_areas.c.measure_id == measure.id))
    if data.area_ids:
        db.session.execute(insert(measure_areas),
                           [{"measure_id": measure.id, "area_id": a} for a in dict.fromkeys(data.area_ids)])  # fmt: skip
    orgs = db.session.scalars(
        select(Organisation).where(Organisation.id.in_(list(dict.fromkeys(data.organisation_ids))))
    ).all()
    measure.organisations = list(orgs)


def save_measure(measure: Measure | None, data: MeasureData, user) -> Measure:
    """Create (a planner anywhere, a participant at a conference they were invited to) or
    change (a planner, or a participant of a responsible organisation) a measure."""
    if measure is None:
        meeting = meetings.get_meeting(data.meeting_id) if data.meeting_id else None
        if not edits_all(user) and not may_log_at(user, meeting):
            raise NotAllowed(
                _(
                    "Maßnahmen erfassen Sie auf einer Fachplanerkonferenz, zu der Sie eingeladen sind."
                )
            )
        if data.meeting_id is not None and meeting is None:
            raise MeasureError(_("Diese Sitzung gibt es nicht."))
        if (
            not edits_all(user)
            and user.organisation_id
            and user.organisation_id not in data.organisation_ids
        ):
            data.organisation_ids = [user.organisation_id, *data.organisation_ids]
        measure = Measure(status=MeasureStatus.IDEE, justification_count=0,
                          created_by_id=user.id if user else None)  # fmt: skip
        _apply(measure, data)
        db.session.add(measure)
    else:
        if not may_edit(user, measure):
            raise NotAllowed(_("Diese Maßnahme bearbeiten ihre verantwortlichen Organisationen."))
        data.meeting_id, data.agenda_item_id = measure.meeting_id, measure.agenda_item_id
        _apply(measure, data)
    db.session.flush()
    _set_links(measure, data)
    db.session.flush()
    _sync_milestones(measure)
    return measure


def allowed_next(status: MeasureStatus) -> list[MeasureStatus]:
    return [s for s in MeasureStatus if s in TRANSITIONS[status]]


def set_status(measure: Measure, status: MeasureStatus | str, user) -> Measure:
    try:
        status = MeasureStatus(status)
    except ValueError:
        raise StatusError(_("Diesen Status gibt es nicht.")) from None
    if user is not None and not may_edit(user, measure):
        raise NotAllowed(_("Diese Maßnahme bearbeiten ihre verantwortlichen Organisationen."))
    if status == measure.status:
        return measure
    if status not in TRANSITIONS[measure.status]:
        raise StatusError(
            _(
                "Von „%(old)s“ geht es nur zu: %(next)s. Bitte gehen Sie die Schritte einzeln.",
                old=measure.status.label,
                next=", ".join(f"„{s.label}“" for s in allowed_next(measure.status)),
            )
        )
    measure.status = status
    if status == MeasureStatus.ABGESCHLOSSEN:
        measure.progress = 100
    db.session.flush()
    _sync_milestones(measure)
    return measure


# (label, build(measure_id) -> a select of rows that keep the measure) from other domains:
# money spent from a budget line for the measure must not vanish with it
MEASURE_REFERENCES: list[tuple[str, Callable[[int], Select]]] = []


def delete_measure(measure: Measure) -> None:
    if db.session.scalar(select(exists().where(Measure.parent_id == measure.id))):
        raise MeasureError(
            _("Die Maßnahme hat Teilmaßnahmen; lösen oder löschen Sie diese zuerst.")
        )
    for label, build in MEASURE_REFERENCES:
        if db.session.scalar(select(exists(build(measure.id)))):
            raise MeasureError(
                _("Die Maßnahme wird noch verwendet (%(what)s); lösen Sie diese Verbindung zuerst.",
                  what=label)
            )  # fmt: skip
    for milestone_id in db.session.scalars(
        select(Milestone.id).where(Milestone.measure_id == measure.id)
    ):
        deadlines.unregister(MILESTONE_OWNER, milestone_id)
    db.session.delete(measure)
    db.session.flush()


# --- justifications -----------------------------------------------------------------------


@dataclass
class JustificationData:
    indicator_id: int
    area_ids: list[int]
    period: str
    baseline: float | None = None
    target: float | None = None
    note: str | None = None


def check_target(indicator, baseline: float | None, target: float | None) -> None:
    """The target must lie on the good side of the baseline for the indicator's polarity."""
    if target is None or baseline is None:
        return
    worse_up = indicator.polarity.value == "higher_is_worse"
    if worse_up and target >= baseline:
        raise TargetError(
            _(
                "Bei „%(code)s“ ist ein höherer Wert ungünstiger: Der Zielwert muss unter dem "
                "Ausgangswert (%(base)s) liegen.",
                code=indicator.code,
                base=values.german_number(baseline, indicator.decimals),
            )
        )
    if not worse_up and target <= baseline:
        raise TargetError(
            _(
                "Bei „%(code)s“ ist ein höherer Wert günstiger: Der Zielwert muss über dem "
                "Ausgangswert (%(base)s) liegen.",
                code=indicator.code,
                base=values.german_number(baseline, indicator.decimals),
            )
        )


def add_justification(measure: Measure, data: JustificationData, user) -> list[Justification]:
    """Link indicators in areas to a measure; the value of the period is stored as it is now."""
    if user is not None and not may_edit(user, measure):
        raise NotAllowed(_("Diese Maßnahme bearbeiten ihre verantwortlichen Organisationen."))
    indicator = values.indicators_by_ids([data.indicator_id]).get(data.indicator_id)
    if indicator is None:
        raise MeasureError(_("Bitte wählen Sie einen Indikator."))
    if not data.area_ids:
        raise MeasureError(_("Bitte wählen Sie mindestens einen Raum."))
    try:
        period = parse_for(data.period, indicator.periodicity)
    except DomainError as exc:
        raise PeriodError(str(exc)) from None
    period_text = str(period)
    if measure.justification_count + len(data.area_ids) > MAX_JUSTIFICATIONS:
        raise MeasureError(_("Höchstens %(n)s Begründungen je Maßnahme.", n=MAX_JUSTIFICATIONS))
    for value in (data.baseline, data.target):
        if value is not None and not abs(value) < MAX_ABS:
            raise TargetError(_("Dieser Wert ist zu groß."))
    areas = values.areas_by_ids(data.area_ids)
    created = []
    for area_id in dict.fromkeys(data.area_ids):
        area = areas.get(area_id)
        if area is None:
            raise MeasureError(_("Bitte wählen Sie einen Raum."))
        obs = values.observation_at(indicator.id, area_id, period_text)
        if obs is None or (obs.value is None and not obs.withheld):
            raise PeriodError(
                _("Für %(area)s gibt es %(period)s keinen Wert von „%(code)s“.",
                  area=area.name, period=period_text, code=indicator.code)
            )  # fmt: skip
        baseline = data.baseline if data.baseline is not None else obs.value
        check_target(indicator, baseline, data.target)
        if db.session.scalar(select(exists().where(
            Justification.measure_id == measure.id, Justification.indicator_id == indicator.id,
            Justification.area_id == area_id,
        ))):  # fmt: skip
            raise MeasureError(_("„%(code)s“ in %(area)s begründet diese Maßnahme schon.",
                                 code=indicator.code, area=area.name))  # fmt: skip
        justification = Justification(
            measure_id=measure.id, indicator_id=indicator.id, area_id=area_id, period=period_text,
            snapshot_value=obs.value, snapshot_numerator=obs.numerator,
            snapshot_denominator=obs.denominator, snapshot_withheld=bool(obs.withheld),
            snapshot_state=str(obs.state.value if hasattr(obs.state, "value") else obs.state),
            baseline=baseline, target=data.target, note=(data.note or "").strip()[:500] or None,
        )  # fmt: skip
        db.session.add(justification)
        created.append(justification)
    flush_or_raise(MeasureError(_("Diese Begründung wurde gleichzeitig schon eingetragen.")))
    db.session.execute(
        update(Measure).where(Measure.id == measure.id)
        .values(justification_count=Measure.justification_count + len(created))
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    db.session.refresh(measure)
    return created


def update_target(justification: Justification, baseline: float | None, target: float | None,
                  user) -> None:  # fmt: skip
    measure = justification.measure
    if user is not None and not may_edit(user, measure):
        raise NotAllowed(_("Diese Maßnahme bearbeiten ihre verantwortlichen Organisationen."))
    indicator = values.indicators_by_ids([justification.indicator_id])[justification.indicator_id]
    baseline = baseline if baseline is not None else justification.snapshot_value
    check_target(indicator, baseline, target)
    justification.baseline = baseline
    justification.target = target
    db.session.flush()


def remove_justification(justification: Justification, user) -> None:
    measure = justification.measure
    if user is not None and not may_edit(user, measure):
        raise NotAllowed(_("Diese Maßnahme bearbeiten ihre verantwortlichen Organisationen."))
    db.session.delete(justification)
    db.session.flush()
    db.session.execute(
        update(Measure).where(Measure.id == measure.id, Measure.justification_count > 0)
        .values(justification_count=Measure.justification_count - 1)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    db.session.refresh(measure)


@dataclass
class JustificationView:
    justification: Justification
    indicator: object
    area: object
    snapshot: values.Shown
    latest_period: str | None
    latest: values.Shown
    direction: str  # "ziel" (reached), "hin" (toward), "weg" (away), "gleich", "offen" (unknown)
    chart: object
    # the baseline is the secret snapshot itself: not shown to whoever may not see the snapshot
    baseline_hidden: bool = False


def _snapshot_shown(j: Justification, indicator, user) -> values.Shown:
    row = SimpleNamespace(value=j.snapshot_value, numerator=j.snapshot_numerator,
                          denominator=j.snapshot_denominator, withheld=j.snapshot_withheld,
                          state=j.snapshot_state or "endgueltig", derived=False)  # fmt: skip
    return values.show(row, indicator, user)


def direction(indicator, baseline: float | None, target: float | None, latest: float | None) -> str:
    if latest is None or baseline is None:
        return "offen"
    better = (
        (latest < baseline)
        if indicator.polarity.value == "higher_is_worse"
        else (latest > baseline)
    )
    if target is not None:
        reached = (
            latest <= target if indicator.polarity.value == "higher_is_worse" else latest >= target
        )
        if reached:
            return "ziel"
    if latest == baseline:
        return "gleich"
    return "hin" if better else "weg"


def justification_views(measure: Measure, user, charts: bool = True) -> list[JustificationView]:
    from planner.monitoring.charts import line_chart

    rows = db.session.scalars(
        select(Justification).where(Justification.measure_id == measure.id)
        .order_by(Justification.id).limit(MAX_JUSTIFICATIONS)
    ).all()  # fmt: skip
    indicators = values.indicators_by_ids([j.indicator_id for j in rows])
    areas = values.areas_by_ids([j.area_id for j in rows])
    out = []
    for j in rows:
        indicator, area = indicators[j.indicator_id], areas[j.area_id]
        points = values.series_since(indicator, j.area_id, j.period, user)
        latest_period, latest = points[-1] if points else (None, values.MISSING)
        chart = None
        if charts and points:
            chart = line_chart(
                [(area.name, [(p, s.value) for p, s in points])],
                indicator.unit or "", indicator.decimals,
                _("%(code)s in %(area)s seit %(period)s", code=indicator.code, area=area.name, period=j.period),
                chart_id=f"chart-{j.id}",
            )  # fmt: skip
        snapshot = _snapshot_shown(j, indicator, user)
        hidden = (
            snapshot.value is None and j.baseline is not None and j.baseline == j.snapshot_value
        )
        # a viewer who may not see the latest value is not told how it moved either
        moved = (
            direction(indicator, j.baseline, j.target, latest.value)
            if latest.value is not None
            else "offen"
        )
        out.append(JustificationView(j, indicator, area, snapshot, latest_period, latest, moved, chart,
                                     baseline_hidden=hidden))  # fmt: skip
    return out


# --- progress, comments, milestones ---------------------------------------------------------


def add_progress(measure: Measure, day: date, text: str, percent: int | None, user) -> ProgressNote:
    if user is not None and not may_edit(user, measure):
        raise NotAllowed(_("Diese Maßnahme bearbeiten ihre verantwortlichen Organisationen."))
    text = (text or "").strip()
    if not text:
        raise MeasureError(_("Bitte beschreiben Sie den Fortschritt."))
    if (error := date_range_error(day)) is not None:
        raise DateError(error)
    if percent is not None and not 0 <= percent <= 100:
        raise MeasureError(_("Bitte einen Fortschritt zwischen 0 und 100 %."))
    note = ProgressNote(measure_id=measure.id, day=day, text=text[:20_000], percent=percent,
                        author_id=user.id if user else None)  # fmt: skip
    db.session.add(note)
    db.session.flush()
    latest = db.session.scalar(
        select(ProgressNote.percent)
        .where(ProgressNote.measure_id == measure.id, ProgressNote.percent.is_not(None))
        .order_by(ProgressNote.day.desc(), ProgressNote.id.desc())
        .limit(1)
    )
    if latest is not None:
        measure.progress = latest
    db.session.flush()
    return note


def add_comment(measure: Measure, text: str, user) -> Comment:
    if not role_can(getattr(user, "role", None), Permission.MEASURES_LOG):
        raise NotAllowed(_("Kommentieren können Sozialplanung und Fachplanung."))
    text = (text or "").strip()
    if not text:
        raise MeasureError(_("Bitte schreiben Sie einen Kommentar."))
    comment = Comment(measure_id=measure.id, text=text[:10_000], author_id=user.id)
    db.session.add(comment)
    db.session.flush()
    return comment


def add_milestone(measure: Measure, title: str, due_date: date, user) -> Milestone:
    if user is not None and not may_edit(user, measure):
        raise NotAllowed(_("Diese Maßnahme bearbeiten ihre verantwortlichen Organisationen."))
    title = (title or "").strip()
    if not title:
        raise MeasureError(_("Bitte geben Sie einen Titel an."))
    if (error := date_range_error(due_date)) is not None:
        raise DateError(error)
    count = db.session.scalar(select(func.count()).where(Milestone.measure_id == measure.id)) or 0
    if count >= 50:
        raise MeasureError(_("Höchstens 50 Meilensteine je Maßnahme."))
    milestone = Milestone(measure_id=measure.id, title=title, due_date=due_date)
    db.session.add(milestone)
    db.session.flush()
    _register_milestone(measure, milestone)
    return milestone


def _register_milestone(measure: Measure, milestone: Milestone) -> None:
    orgs = measure.organisations
    contact = measure.contact or (
        db.session.get(Person, measure.contact_id) if measure.contact_id else None
    )
    deadlines.register(
        MILESTONE_OWNER, milestone.id,
        title=f"{measure.title}: {milestone.title}"[:300], kind=DeadlineKind.MEILENSTEIN,
        due_date=milestone.due_date, organisation=orgs[0] if orgs else None,
        responsible_users=[contact.user] if contact is not None and contact.user else [],
        visible_to_all=False,
    )  # fmt: skip


def _sync_milestones(measure: Measure) -> None:
    """Milestones follow the measure: a dropped measure has none in the calendar."""
    milestones = db.session.scalars(
        select(Milestone).where(Milestone.measure_id == measure.id)
    ).all()
    for milestone in milestones:
        if measure.status == MeasureStatus.VERWORFEN:
            deadlines.unregister(MILESTONE_OWNER, milestone.id)
        else:
            _register_milestone(measure, milestone)


def delete_milestone(milestone: Milestone, user) -> None:
    measure = db.session.get(Measure, milestone.measure_id)
    if user is not None and not may_edit(user, measure):
        raise NotAllowed(_("Diese Maßnahme bearbeiten ihre verantwortlichen Organisationen."))
    deadlines.unregister(MILESTONE_OWNER, milestone.id)
    db.session.delete(milestone)
    db.session.flush()


# --- pages ----------------------------------------------------------------------------------


@dataclass
class MeasureFilter:
    status: str | None = None
    area_id: int | None = None
    organisation_id: int | None = None
    indicator_id: int | None = None
    meeting_id: int | None = None
    unjustified: bool = False
    text: str | None = None


def _linked(stmt: Select, ids) -> Select:
    """Only the measures whose ids ``ids`` (a select or union of one column ``id``) names."""
    linked = (ids.subquery() if hasattr(ids, "subquery") else ids).alias()
    distinct_ids = select(linked.c.id).distinct().subquery()
    return stmt.join(distinct_ids, distinct_ids.c.id == Measure.id)


def filtered(filters: MeasureFilter) -> Select:
    stmt = select(Measure)
    if filters.status:
        stmt = stmt.where(Measure.status == filters.status)
    if filters.unjustified:
        stmt = stmt.where(Measure.justification_count == 0)
    if filters.text:
        stmt = stmt.where(func.lower(Measure.title).like(like_pattern(filters.text), escape="\\"))
    if filters.meeting_id:
        stmt = stmt.where(Measure.meeting_id == filters.meeting_id)
    # a filter by a linked object starts from the link's index and joins the few measures it
    # names (an IN over the measures walked all 50,000 of a Land where an area had none)
    if filters.organisation_id:
        stmt = _linked(stmt, select(measure_organisations.c.measure_id.label("id"))
                       .where(measure_organisations.c.organisation_id == filters.organisation_id))  # fmt: skip
    if filters.indicator_id:
        stmt = _linked(stmt, select(Justification.measure_id.label("id"))
                       .where(Justification.indicator_id == filters.indicator_id))  # fmt: skip
    if filters.area_id:
        stmt = _linked(stmt, union(
            select(measure_areas.c.measure_id.label("id")).where(measure_areas.c.area_id == filters.area_id),
            select(Justification.measure_id.label("id")).where(Justification.area_id == filters.area_id),
        ))  # fmt: skip
    return stmt


STATUS_VALUES = [s.value for s in MeasureStatus]


def listed_measures(
    status: str | None = None,
    area_id: int | None = None,
    indicator_id: int | None = None,
    limit: int = 100,
) -> list[Measure]:
    """Measures by a status, an area or a justifying indicator, by title (a report's list)."""
    stmt = filtered(MeasureFilter(status=status, area_id=area_id, indicator_id=indicator_id))
    return list(db.session.scalars(stmt.order_by(Measure.title, Measure.id).limit(limit)))


def measure_page(filters: MeasureFilter, page: int = 1, per_page: int = 50) -> Page:
    stmt = filtered(filters).options(selectinload(Measure.organisations))
    return paginate(stmt.order_by(Measure.updated_at.desc(), Measure.id.desc()), page, per_page)


def children_of(measure_id: int) -> list[Measure]:
    return db.session.scalars(
        select(Measure).where(Measure.parent_id == measure_id)
        .options(selectinload(Measure.organisations))
        .order_by(Measure.title, Measure.id).limit(MAX_CHILDREN)
    ).all()  # fmt: skip


def share_done(measure: Measure) -> int:
    if measure.status == MeasureStatus.ABGESCHLOSSEN:
        return 100
    return measure.progress or 0


@dataclass
class ParentProgress:
    count: int
    done: int
    dropped: int
    percent: int | None  # mean of the sub-measures that count (dropped ones do not)


def parent_progress(children: list[Measure]) -> ParentProgress:
    counting = [c for c in children if c.status != MeasureStatus.VERWORFEN]
    percent = round(sum(share_done(c) for c in counting) / len(counting)) if counting else None
    return ParentProgress(
        count=len(children),
        done=sum(1 for c in children if c.status == MeasureStatus.ABGESCHLOSSEN),
        dropped=len(children) - len(counting),
        percent=percent,
    )


def progress_notes(measure_id: int, limit: int = 50) -> list[ProgressNote]:
    return db.session.scalars(
        select(ProgressNote).where(ProgressNote.measure_id == measure_id)
        .options(joinedload(ProgressNote.author))
        .order_by(ProgressNote.day.desc(), ProgressNote.id.desc()).limit(limit)
    ).all()  # fmt: skip


def comments_of(measure_id: int, limit: int = 100) -> list[Comment]:
    return db.session.scalars(
        select(Comment).where(Comment.measure_id == measure_id)
        .options(joinedload(Comment.author)).order_by(Comment.id).limit(limit)
    ).all()  # fmt: skip


def milestones_of(measure_id: int) -> list[tuple[Milestone, object]]:
    rows = db.session.scalars(
        select(Milestone).where(Milestone.measure_id == measure_id)
        .order_by(Milestone.due_date, Milestone.id).limit(50)
    ).all()  # fmt: skip
    states = deadlines.states_of(MILESTONE_OWNER, [m.id for m in rows])
    return [(m, states.get(m.id)) for m in rows]


def target_area_ids(measure_id: int) -> list[int]:
    return list(db.session.scalars(
        select(measure_areas.c.area_id).where(measure_areas.c.measure_id == measure_id).limit(MAX_AREAS)
    ))  # fmt: skip


def _listed(stmt: Select, limit: int) -> list[Measure]:
    return db.session.scalars(
        stmt.options(selectinload(Measure.organisations))
        .order_by(Measure.updated_at.desc(), Measure.id.desc()).limit(limit)
    ).all()  # fmt: skip


def measures_for_indicator(indicator_id: int, limit: int = 20) -> list[Measure]:
    return _listed(filtered(MeasureFilter(indicator_id=indicator_id)), limit)


def measures_for_area(area_id: int, limit: int = 20) -> list[Measure]:
    return _listed(filtered(MeasureFilter(area_id=area_id)), limit)


def measures_of_meeting(meeting_id: int, limit: int = 50) -> list[Measure]:
    return _listed(filtered(MeasureFilter(meeting_id=meeting_id)), limit)


def measures_of_organisation(org_id: int, limit: int = 20) -> list[Measure]:
    return _listed(filtered(MeasureFilter(organisation_id=org_id)), limit)


def measures_of_person(person_id: int, limit: int = 20) -> list[Measure]:
    """Measures the person is contact of, or logged with the person's account."""
    person = db.session.get(Person, person_id)
    condition = Measure.contact_id == person_id
    if person is not None and person.user_id:
        condition = or_(condition, Measure.created_by_id == person.user_id)
    return _listed(select(Measure).where(condition), limit)


def measures_by_ids(ids: list[int]) -> list[Measure]:
    """Measures in the order of the titles (the pages of other domains that link to them)."""
    if not ids:
        return []
    return list(db.session.scalars(
        select(Measure).where(Measure.id.in_(ids)).options(selectinload(Measure.organisations))
        .order_by(Measure.title, Measure.id)
    ))  # fmt: skip


ACTIVE = (MeasureStatus.GEPLANT, MeasureStatus.BESCHLOSSEN, MeasureStatus.IN_UMSETZUNG)


def active_measures_without(linked: list[Select], limit: int = 20) -> list[Measure]:
    """Planned, decided or running measures that none of the ``linked`` selects (of measure
    ids, e.g. those funded) names; the most recently changed first."""
    stmt = (
        select(Measure)
        .where(Measure.status.in_(ACTIVE))
        .options(selectinload(Measure.organisations))
    )
    for sub in linked:
        stmt = stmt.where(Measure.id.not_in(sub))
    return list(db.session.scalars(
        stmt.order_by(Measure.updated_at.desc(), Measure.id.desc()).limit(limit)
    ))  # fmt: skip
