"""Delivery schedules and expected deliveries: who owes what, due when; each expected delivery
is a deadline of its supplier; templates, the supplier's scope, completeness per period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from planner.accounts.models import Organisation
from planner.core.models import utcnow
from planner.core.pagination import Page, paginate
from planner.core.transaction import DomainError
from planner.deadlines import services as deadlines
from planner.deadlines.models import DeadlineKind
from planner.extensions import db
from planner.monitoring import tabular
from planner.monitoring.imports import Scope
from planner.monitoring.models import (
    Area,
    Delivery,
    DeliverySchedule,
    DeliveryState,
    Indicator,
    Periodicity,
)
from planner.monitoring.periods import Period, PeriodError, parse_for
from planner.monitoring.values import descendant_ids

OWNER = "delivery"
AHEAD_DAYS = 366  # expected deliveries are planned this far ahead
MAX_DELIVERIES = 400  # per schedule and planning


class DeliveryError(DomainError):
    pass


@dataclass
class ScheduleData:
    name: str
    organisation_id: int
    level: str
    indicator_ids: list[int]
    first_period: str
    last_period: str | None = None
    due_months: int = 3
    within_id: int | None = None
    periodicity: str = Periodicity.YEARLY.value
    active: bool = True


def save_schedule(
    schedule: DeliverySchedule | None, data: ScheduleData, today: date
) -> DeliverySchedule:
    periodicity = Periodicity(data.periodicity)
    try:
        first = parse_for(data.first_period, periodicity)
        last = parse_for(data.last_period, periodicity) if data.last_period else None
    except PeriodError as exc:
        raise DeliveryError(str(exc)) from exc
    if last and last < first:
        raise DeliveryError(_("Der letzte Zeitraum liegt vor dem ersten."))
    indicators = db.session.scalars(
        select(Indicator).where(Indicator.id.in_(data.indicator_ids))
    ).all()
    if not indicators:
        raise DeliveryError(_("Bitte mindestens einen Indikator angeben."))
    wrong = [i.code for i in indicators if i.periodicity != periodicity]
    if wrong:
        raise DeliveryError(
            _("Diese Indikatoren haben eine andere Periodizität: %(c)s.", c=", ".join(wrong))
        )
    if not db.session.scalar(select(Area.id).where(Area.level == data.level).limit(1)):
        raise DeliveryError(_("Auf der Ebene „%(l)s“ gibt es keine Räume.", l=data.level[:60]))
    if schedule is None:
        schedule = DeliverySchedule()
        db.session.add(schedule)
    schedule.name = data.name.strip()
    schedule.organisation_id = data.organisation_id
    schedule.level = data.level
    schedule.within_id = data.within_id
    schedule.periodicity = periodicity
    schedule.first_period = first.code
    schedule.last_period = last.code if last else None
    schedule.due_months = data.due_months
    schedule.active = data.active
    schedule.indicators = list(indicators)
    db.session.flush()
    plan_deliveries(schedule, today)
    return schedule


def month_end_after(day: date, months: int) -> date:
    """The last day of the month ``months`` after ``day``'s month: 31.12. + 3 -> 31.03."""
    import calendar

    n = day.year * 12 + day.month - 1 + months
    year, month = divmod(n, 12)
    return date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def _title(schedule: DeliverySchedule, period: str) -> str:
    return _("Datenlieferung %(name)s, Zeitraum %(p)s", name=schedule.name, p=period)


def plan_deliveries(schedule: DeliverySchedule, today: date) -> int:
    """Create the expected deliveries up to a year ahead and keep their deadlines in step."""
    first = parse_for(schedule.first_period, schedule.periodicity)
    last = parse_for(schedule.last_period, schedule.periodicity) if schedule.last_period else None
    existing = {
        d.period: d
        for d in db.session.scalars(select(Delivery).where(Delivery.schedule_id == schedule.id))
    }
    horizon = today + timedelta(days=AHEAD_DAYS)
    created, period = 0, first
    for _n in range(MAX_DELIVERIES):
        if (last and period > last) or period.end > horizon:
            break
        due = month_end_after(period.end, schedule.due_months)
        delivery = existing.pop(period.code, None)
        if delivery is None:
            delivery = Delivery(schedule=schedule, period=period.code, state=DeliveryState.EXPECTED)
            db.session.add(delivery)
            created += 1
        delivery.organisation_id = schedule.organisation_id
        delivery.due_date = due
        db.session.flush()
        _register(delivery, schedule)
        period = period.shift(1)
    for stale in existing.values():  # periods no longer owed: only those never delivered go
        if stale.state == DeliveryState.EXPECTED:
            deadlines.unregister(OWNER, stale.id)
            db.session.delete(stale)
    db.session.flush()
    return created


def _register(delivery: Delivery, schedule: DeliverySchedule) -> None:
    deadline = deadlines.register(
        OWNER,
        delivery.id,
        title=_title(schedule, delivery.period),
        kind=DeadlineKind.LIEFERUNG,
        due_date=delivery.due_date,
        organisation=schedule.organisation,
        visible_to_all=False,
    )
    if delivery.state != DeliveryState.EXPECTED and deadline.state.value == "offen":
        deadlines.mark_done(deadline, None)


def plan_all(today: date) -> int:
    """For cron / the scheduler: new periods become expected deliveries."""
    total = 0
    for schedule in db.session.scalars(
        select(DeliverySchedule).where(DeliverySchedule.active.is_(True))
    ):
        total += plan_deliveries(schedule, today)
    return total


def delete_schedule(schedule: DeliverySchedule) -> None:
    if db.session.scalar(
        select(Delivery.id)
        .where(Delivery.schedule_id == schedule.id, Delivery.state != DeliveryState.EXPECTED)
        .limit(1)
    ):
        raise DeliveryError(
            _(
                "Zu diesem Lieferplan sind schon Lieferungen eingegangen; bitte deaktivieren statt löschen."
            )
        )
    for delivery_id in db.session.scalars(
        select(Delivery.id).where(Delivery.schedule_id == schedule.id)
    ):
        deadlines.unregister(OWNER, delivery_id)
    db.session.delete(schedule)
    db.session.flush()


def schedule_areas(schedule: DeliverySchedule) -> list[Area]:
    stmt = select(Area).where(Area.level == schedule.level).order_by(Area.code)
    if schedule.within_id:
        stmt = stmt.where(Area.id.in_(descendant_ids(schedule.within_id) or {-1}))
    return db.session.scalars(stmt.limit(20_000)).all()


def _scope_entry(schedule: DeliverySchedule, only: str | None = None):
    inds = frozenset(i.id for i in schedule.indicators)
    areas = frozenset(a.id for a in schedule_areas(schedule))
    first = parse_for(schedule.first_period, schedule.periodicity)
    last = parse_for(schedule.last_period, schedule.periodicity) if schedule.last_period else None
    if only:
        return inds, areas, lambda p: p.code == only
    return inds, areas, lambda p: p >= first and (last is None or p <= last)


def scope_of_delivery(delivery: Delivery) -> Scope:
    return Scope([_scope_entry(delivery.schedule, only=delivery.period)])


def scope_of_organisation(org_id: int) -> Scope:
    schedules = db.session.scalars(
        select(DeliverySchedule).where(
            DeliverySchedule.organisation_id == org_id, DeliverySchedule.active.is_(True)
        )
    ).all()
    return Scope([_scope_entry(s) for s in schedules])


def may_deliver(user, delivery: Delivery) -> bool:
    """A supplier delivers only for its own organisation; planners for anyone."""
    from planner.core.permissions import Permission, role_can

    if role_can(user.role, Permission.DOMAIN_EDIT):
        return True
    return (
        role_can(user.role, Permission.DELIVERIES_OWN)
        and user.organisation_id is not None
        and user.organisation_id == delivery.organisation_id
    )


def visible_delivery(user, delivery_id: int) -> Delivery | None:
    delivery = db.session.get(Delivery, delivery_id)
    if delivery is None or not may_deliver(user, delivery):
        return None
    return delivery


def mark_received(delivery: Delivery, rows: int, now: datetime | None = None, user=None) -> None:
    now = now or utcnow()
    delivery.state = DeliveryState.RECEIVED
    delivery.received_at = now
    delivery.received_late = now.astimezone(ZoneInfo("Europe/Berlin")).date() > delivery.due_date
    delivery.rows = rows
    delivery.checked_at = None
    delivery.checked_by_id = None
    db.session.flush()
    _register(delivery, delivery.schedule)


def mark_checked(delivery: Delivery, user) -> None:
    if delivery.state == DeliveryState.EXPECTED:
        raise DeliveryError(_("Die Lieferung ist noch nicht eingegangen."))
    delivery.state = DeliveryState.CHECKED
    delivery.checked_at = utcnow()
    delivery.checked_by_id = user.id
    db.session.flush()


# --- lists ------------------------------------------------------------------------------


def deliveries_of_organisation(org_id: int, page: int) -> Page:
    stmt = (
        select(Delivery)
        .options(joinedload(Delivery.schedule))
        .where(Delivery.organisation_id == org_id)
        .order_by(Delivery.due_date.desc(), Delivery.id.desc())
    )
    return paginate(stmt, page, per_page=30)


def open_deliveries(org_id: int, limit: int = 20) -> list[Delivery]:
    return db.session.scalars(
        select(Delivery)
        .options(joinedload(Delivery.schedule))
        .where(Delivery.organisation_id == org_id, Delivery.state == DeliveryState.EXPECTED)
        .order_by(Delivery.due_date, Delivery.id)
        .limit(limit)
    ).all()


@dataclass
class Completeness:
    organisation_id: int
    organisation: str
    period: str
    expected: int
    received: int
    checked: int
    late: int
    on_time: int

    @property
    def share_on_time(self) -> float | None:
        arrived = self.received + self.checked
        return self.on_time / arrived * 100 if arrived else None


def completeness(
    today: date, periods: int = 6, page: int = 1, per_page: int = 50
) -> tuple[list[str], list[Completeness], bool]:
    """Per supplier and period (the latest ``periods`` with a due date up to a year ahead):
    expected, received, checked, late, share on time. One aggregate query."""
    recent = db.session.scalars(
        select(Delivery.period).where(Delivery.due_date <= today + timedelta(days=366))
        .group_by(Delivery.period).order_by(Delivery.period.desc()).limit(periods)
    ).all()  # fmt: skip
    if not recent:
        return [], [], False
    late = or_(
        Delivery.received_late.is_(True),
        and_(Delivery.state == DeliveryState.EXPECTED, Delivery.due_date < today),
    )
    stmt = (
        select(
            Organisation.id, Organisation.name, Delivery.period,
            func.count(),
            func.sum(case((Delivery.state == DeliveryState.RECEIVED, 1), else_=0)),
            func.sum(case((Delivery.state == DeliveryState.CHECKED, 1), else_=0)),
            func.sum(case((late, 1), else_=0)),
            func.sum(case((and_(Delivery.state != DeliveryState.EXPECTED, Delivery.received_late.is_(False)), 1), else_=0)),
        )
        .join(Organisation, Organisation.id == Delivery.organisation_id)
        .where(Delivery.period.in_(recent))
        .group_by(Organisation.id, Organisation.name, Delivery.period)
        .order_by(Organisation.name, Delivery.period.desc())
        .offset((page - 1) * per_page * len(recent))
        .limit(per_page * len(recent) + 1)
    )  # fmt: skip
    rows = [Completeness(*r) for r in db.session.execute(stmt)]
    more = len(rows) > per_page * len(recent)
    return sorted(recent, reverse=True), rows[: per_page * len(recent)], more


def recent_deliveries(page: int, state: str | None, org_id: int | None, today: date) -> Page:
    stmt = (
        select(Delivery)
        .options(joinedload(Delivery.schedule), joinedload(Delivery.organisation))
        .order_by(Delivery.due_date.desc(), Delivery.id.desc())
    )
    if state == "verspaetet":
        stmt = stmt.where(
            or_(
                Delivery.received_late.is_(True),
                and_(Delivery.state == DeliveryState.EXPECTED, Delivery.due_date < today),
            )
        )
    elif state:
        stmt = stmt.where(Delivery.state == DeliveryState(state))
    if org_id:
        stmt = stmt.where(Delivery.organisation_id == org_id)
    return paginate(stmt, page)


# --- the template ----------------------------------------------------------------------


def template(delivery: Delivery, kind: str) -> tuple[bytes, str, str]:
    """A wide table: one row per owed area (key and name), one column per indicator code."""
    schedule = delivery.schedule
    codes = [i.code for i in schedule.indicators]
    header = ["raum", "name", *codes]
    rows = [
        [a.code, tabular.csv_safe(a.name), *[""] * len(codes)] for a in schedule_areas(schedule)
    ]
    base = f"lieferung-{delivery.id}-{delivery.period}"
    if kind == "xlsx":
        return (
            tabular.xlsx_bytes(header, rows, sheet_title=delivery.period),
            f"{base}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return tabular.csv_bytes(header, rows), f"{base}.csv", "text/csv; charset=utf-8"


def current_period(periodicity: Periodicity, today: date) -> Period:
    month = today.month
    per = {
        Periodicity.YEARLY: 12,
        Periodicity.HALF_YEARLY: 6,
        Periodicity.QUARTERLY: 3,
        Periodicity.MONTHLY: 1,
    }[periodicity]
    return Period(today.year, (month - 1) // per + 1, periodicity)
