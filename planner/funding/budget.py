"""Budget lines (Haushaltsansätze): a block (Sperrvermerk) until a grant, the proposal to lift it
when the tied application is granted (a process step for the body's resolution), the lift and
its undoing, and the money a line gives measures (planned and spent, never beyond the line)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from planner.core.i18n import fmt_money
from planner.core.lookup import like_pattern
from planner.core.models import date_range_error
from planner.core.pagination import Page, paginate
from planner.core.transaction import flush_or_raise
from planner.deadlines import services as deadlines
from planner.extensions import db
from planner.funding.models import BudgetAllocation, BudgetLine, FundingApplication
from planner.funding.rules import (
    LIFT_STEP_WEEKS,
    MAX_LINKS,
    AmountError,
    BlockError,
    DateError,
    FundingError,
    ResolutionError,
    SpentError,
    cents,
    checked_day,
    checked_year,
    clean,
    money,
    raw,
    required_money,
)
from planner.governance import services as governance
from planner.measures import services as measures
from planner.process import services as process

# --- budget lines --------------------------------------------------------------------------


@dataclass
class BudgetLineData:
    year: int | None
    amount: str | Decimal | None
    purpose: str
    cost_centre: str | None = None
    blocked: bool = False
    block_condition: str | None = None
    lift_body_id: int | None = None
    application_id: int | None = None
    process_id: int | None = None
    notes: str | None = None


def totals_of(line_ids: list[int]) -> dict[int, tuple[Decimal, Decimal]]:
    """Planned and spent of many lines (one grouped query, in chunks)."""
    result: dict[int, tuple[Decimal, Decimal]] = {}
    for start in range(0, len(line_ids), 1000):
        rows = db.session.execute(
            select(BudgetAllocation.budget_line_id, func.sum(raw(BudgetAllocation.planned)),
                   func.sum(raw(BudgetAllocation.spent)))
            .where(BudgetAllocation.budget_line_id.in_(line_ids[start : start + 1000]))
            .group_by(BudgetAllocation.budget_line_id)
        )  # fmt: skip
        result.update({lid: (cents(p), cents(s)) for lid, p, s in rows})
    return result


def save_budget_line(line: BudgetLine | None, data: BudgetLineData) -> BudgetLine:
    purpose = clean(data.purpose, 300)
    if not purpose:
        raise FundingError(_("Bitte geben Sie den Zweck an."))
    year = checked_year(data.year, _("Bitte geben Sie das Haushaltsjahr an."))
    amount = required_money(data.amount, _("den Betrag"))
    if (
        data.application_id is not None
        and db.session.get(FundingApplication, data.application_id) is None
    ):
        raise FundingError(_("Bitte wählen Sie einen Förderantrag."))
    if data.lift_body_id is not None and governance.get_body(data.lift_body_id) is None:
        raise FundingError(_("Bitte wählen Sie ein Gremium."))
    if data.process_id is not None and process.get_process(data.process_id) is None:
        raise FundingError(_("Bitte wählen Sie einen Planungsprozess."))
    if data.blocked and not clean(data.block_condition):
        raise BlockError(_("Bitte nennen Sie die Bedingung der Sperre."))
    if line is None:
        line = BudgetLine(blocked=bool(data.blocked))
        db.session.add(line)
    else:
        planned, spent = line_totals(line.id)
        if amount < max(planned, spent):
            raise AmountError(
                _("Für Maßnahmen sind schon %(p)s verplant und %(s)s ausgegeben; der Ansatz "
                  "kann nicht kleiner sein.", p=fmt_money(planned), s=fmt_money(spent))
            )  # fmt: skip
        if line.lifted_on is not None and not data.blocked:
            raise FundingError(
                _("Die Sperre ist aufgehoben; der Vermerk bleibt als Nachweis stehen.")
            )
        if data.blocked and not line.blocked and spent > 0:
            raise FundingError(_("Aus diesem Ansatz wurde schon Geld ausgegeben."))
        line.blocked = bool(data.blocked) or line.lifted_on is not None
    line.year, line.amount, line.purpose = year, amount, purpose
    line.cost_centre = clean(data.cost_centre, 200)
    line.block_condition = clean(data.block_condition, 1000) if line.blocked else None
    line.lift_body_id = data.lift_body_id if line.blocked else None
    line.application_id = data.application_id
    line.process_id = data.process_id
    line.notes = clean(data.notes)
    if not line.blocked:
        line.lift_proposed_on = None
    db.session.flush()
    app = db.session.get(FundingApplication, line.application_id) if line.application_id else None
    if app is not None and app.status.granted and line.blocked and line.lifted_on is None:
        _propose(line, app, app.decided_on or deadlines.today_in_berlin())
    return line


def delete_budget_line(line: BudgetLine) -> None:
    _planned, spent = line_totals(line.id)
    if spent > 0:
        raise FundingError(_("Aus diesem Ansatz wurde Geld ausgegeben; er bleibt als Nachweis."))
    db.session.delete(line)
    db.session.flush()


def propose_lifts(app: FundingApplication, on: date) -> list[BudgetLine]:
    """A grant meets the condition of the blocks that wait for it: propose to lift them."""
    lines = db.session.scalars(
        select(BudgetLine).where(
            BudgetLine.application_id == app.id,
            BudgetLine.blocked.is_(True),
            BudgetLine.lifted_on.is_(None),
        )  # fmt: skip
    ).all()
    return [line for line in lines if _propose(line, app, on)]


def _propose(line: BudgetLine, app: FundingApplication, on: date) -> bool:
    """Mark the proposal and, once, create the step for the lifting body's resolution in the
    line's process (else the process begun last), in the phase now under way."""
    if line.lift_proposed_on is not None and line.lift_step_id is not None:
        return False
    line.lift_proposed_on = line.lift_proposed_on or on
    target = process.get_process(line.process_id) or process.latest_process()
    phase = process.current_phase(target) if target else None
    if phase is not None and line.lift_step_id is None:
        body = line.lift_body.name if line.lift_body else _("das zuständige Gremium")
        due = on + timedelta(weeks=LIFT_STEP_WEEKS)
        step = process.create_step(target, process.StepData(
            title=_("Sperrvermerk aufheben: %(purpose)s (%(year)s)", purpose=line.purpose,
                    year=line.year)[:300],
            phase_id=phase.id,
            description=_(
                "Der Förderantrag „%(app)s“ ist am %(day)s bewilligt (%(granted)s). Damit ist "
                "die Bedingung der Sperre erfüllt; %(body)s beschließt die Aufhebung über %(amount)s.",
                app=app.title, day=f"{on:%d.%m.%Y}", granted=fmt_money(app.granted),
                body=body, amount=fmt_money(line.amount)),
            responsible_organisation_id=target.organisation_id,
            start_date=on, due_date=due if not date_range_error(due) else on,
        ))  # fmt: skip
        line.lift_step_id = step.id
    db.session.flush()
    return True


def lift_block(line: BudgetLine, on: date | None, resolution_id: int | None, today: date) -> None:
    """The body lifts the block by a resolution: the money is available; the step is done."""
    if not line.blocked:
        raise FundingError(_("Dieser Ansatz ist nicht gesperrt."))
    if line.lifted_on is not None:
        raise FundingError(_("Die Sperre wurde schon am %(d)s aufgehoben.",
                             d=f"{line.lifted_on:%d.%m.%Y}"))  # fmt: skip
    if on is None:
        raise DateError(_("Bitte geben Sie das Datum der Aufhebung an."))
    checked_day(on)
    if on > today:
        raise DateError(_("Eine Aufhebung wird eingetragen, wenn sie beschlossen ist."))
    app = line.application
    if app is not None and not app.status.granted:
        raise DateError(
            _("Die Bedingung ist noch nicht erfüllt: der Förderantrag „%(app)s“ ist %(status)s. "
              "Wurde die Sperre trotzdem aufgehoben, lösen Sie zuerst den Antrag vom Ansatz "
              "(Bearbeiten).", app=app.title, status=app.status.label)
        )  # fmt: skip
    if app is not None and app.decided_on and on < app.decided_on:
        raise DateError(
            _("Die Bedingung ist erst mit dem Bescheid vom %(d)s erfüllt; die Aufhebung kann "
              "nicht früher sein.", d=f"{app.decided_on:%d.%m.%Y}")
        )  # fmt: skip
    if resolution_id is not None:
        resolution = governance.get_resolution(resolution_id)
        if resolution is None or not resolution.adopted:
            raise ResolutionError(_("Bitte wählen Sie einen angenommenen Beschluss."))
        if line.lift_body_id and resolution.body_id != line.lift_body_id:
            raise ResolutionError(
                _("Die Sperre hebt „%(body)s“ auf; dieser Beschluss ist von „%(other)s“.",
                  body=line.lift_body.name, other=resolution.body.name)
            )  # fmt: skip
        if resolution.date and resolution.date > on:
            raise DateError(_("Der Beschluss ist vom %(d)s; die Aufhebung kann nicht früher sein.",
                              d=f"{resolution.date:%d.%m.%Y}"))  # fmt: skip
    line.lifted_on = on
    line.lift_resolution_id = resolution_id
    step = process.get_step(line.lift_step_id)
    if step is not None and not step.status.closed and not process.open_predecessors(step):
        process.set_status(step, "erledigt", now=datetime.combine(on, time(12), tzinfo=UTC))
    db.session.flush()


def undo_lift(line: BudgetLine) -> None:
    """A lift entered by mistake: the block is back (nothing may have been spent since); the
    step for the resolution is open again."""
    if line.lifted_on is None:
        raise FundingError(_("Die Sperre ist nicht aufgehoben."))
    _planned, spent = line_totals(line.id)
    if spent > 0:
        raise FundingError(
            _(
                "Aus dem Ansatz wurden schon %(s)s ausgegeben; die Aufhebung bleibt.",
                s=fmt_money(spent),
            )
        )
    line.lifted_on = None
    line.lift_resolution_id = None
    step = process.get_step(line.lift_step_id)
    if step is not None and step.status.value == "erledigt":
        process.set_status(step, "offen")
    db.session.flush()


def allocations_of(line_id: int) -> list[BudgetAllocation]:
    return list(db.session.scalars(
        select(BudgetAllocation).where(BudgetAllocation.budget_line_id == line_id)
        .options(joinedload(BudgetAllocation.measure)).order_by(BudgetAllocation.id)
        .limit(MAX_LINKS)
    ))  # fmt: skip


def set_allocation(line: BudgetLine, measure_id: int | None, planned, spent) -> BudgetAllocation:
    """Money of the line for a measure: planned and spent, never more than the line; nothing
    is spent from a line still blocked."""
    if measure_id is None or not measures.measures_by_ids([measure_id]):
        raise FundingError(_("Bitte wählen Sie eine Maßnahme."))
    planned = money(planned) or Decimal("0.00")
    spent = money(spent, error=SpentError) or Decimal("0.00")
    if spent > planned:
        raise SpentError(
            _("Ausgegeben (%(s)s) wäre mehr als geplant (%(p)s); erhöhen Sie zuerst den geplanten "
              "Betrag.", s=fmt_money(spent), p=fmt_money(planned))
        )  # fmt: skip
    if spent > 0 and not line.available:
        raise SpentError(_("Gesperrte Mittel können nicht ausgegeben werden; heben Sie zuerst "
                            "die Sperre auf."))  # fmt: skip
    allocation = db.session.scalar(select(BudgetAllocation).where(
        BudgetAllocation.budget_line_id == line.id, BudgetAllocation.measure_id == measure_id))  # fmt: skip
    if allocation is None:
        count = db.session.scalar(select(func.count()).where(
            BudgetAllocation.budget_line_id == line.id))  # fmt: skip
        if count >= MAX_LINKS:
            raise FundingError(_("Höchstens %(n)s Maßnahmen je Ansatz.", n=MAX_LINKS))
        allocation = BudgetAllocation(budget_line_id=line.id, measure_id=measure_id)
        db.session.add(allocation)
    allocation.planned, allocation.spent = planned, spent
    flush_or_raise(FundingError(_("Diese Maßnahme wurde gleichzeitig schon eingetragen.")))
    total_planned, total_spent = line_totals(line.id)
    if total_planned > line.amount:
        raise AmountError(
            _("Verplant wären %(p)s, der Ansatz hat %(a)s.", p=fmt_money(total_planned),
              a=fmt_money(line.amount))
        )  # fmt: skip
    if total_spent > line.amount:
        raise SpentError(
            _("Ausgegeben wären %(s)s, der Ansatz hat %(a)s.", s=fmt_money(total_spent),
              a=fmt_money(line.amount))
        )  # fmt: skip
    return allocation


def allocation_for(line_id: int, measure_id: int) -> BudgetAllocation | None:
    return db.session.scalar(select(BudgetAllocation).where(
        BudgetAllocation.budget_line_id == line_id, BudgetAllocation.measure_id == measure_id))  # fmt: skip


def remove_allocation(allocation: BudgetAllocation) -> None:
    if allocation.spent > 0:
        raise FundingError(_("Für diese Maßnahme wurde schon Geld ausgegeben; setzen Sie "
                             "„ausgegeben“ zuerst auf 0, wenn das ein Irrtum war."))  # fmt: skip
    db.session.delete(allocation)
    db.session.flush()


def line_totals(line_id: int) -> tuple[Decimal, Decimal]:
    return totals_of([line_id]).get(line_id, (Decimal("0.00"), Decimal("0.00")))


@dataclass
class BudgetFilter:
    year: int | None = None
    state: str | None = None  # gesperrt, frei, aufgehoben
    text: str | None = None


def budget_page(filters: BudgetFilter, page: int, per_page: int = 50) -> Page:
    return paginate(filtered_budget_lines(filters), page, per_page)


def filtered_budget_lines(filters: BudgetFilter):
    """The budget lines of the filters, the latest years first."""
    stmt = select(BudgetLine).options(joinedload(BudgetLine.application))
    if filters.year:
        stmt = stmt.where(BudgetLine.year == filters.year)
    if filters.state == "gesperrt":
        stmt = stmt.where(BudgetLine.blocked.is_(True), BudgetLine.lifted_on.is_(None))
    elif filters.state == "aufgehoben":
        stmt = stmt.where(BudgetLine.lifted_on.is_not(None))
    elif filters.state == "frei":
        stmt = stmt.where(BudgetLine.blocked.is_(False))
    if filters.text:
        stmt = stmt.where(
            func.lower(BudgetLine.purpose).like(like_pattern(filters.text), escape="\\")
        )
    return stmt.order_by(BudgetLine.year.desc(), BudgetLine.id.desc())


def budget_lines_for_measure(measure_id: int, limit: int = 20) -> list[BudgetAllocation]:
    return list(db.session.scalars(
        select(BudgetAllocation).where(BudgetAllocation.measure_id == measure_id)
        .options(joinedload(BudgetAllocation.line))
        .order_by(BudgetAllocation.id.desc()).limit(limit)
    ))  # fmt: skip


def withdraw_proposals(app: FundingApplication) -> None:
    """No grant (any more): the proposals to lift the blocks that waited for it are withdrawn
    and their open steps dropped; a lift already resolved stays."""
    lines = db.session.scalars(
        select(BudgetLine).where(
            BudgetLine.application_id == app.id,
            BudgetLine.lifted_on.is_(None),
            BudgetLine.lift_proposed_on.is_not(None),
        )  # fmt: skip
    ).all()
    for line in lines:
        step = process.get_step(line.lift_step_id)
        if step is not None and not step.status.closed:
            process.set_status(step, "entfallen")
        line.lift_proposed_on, line.lift_step_id = None, None
    db.session.flush()


def budget_lines_lifted_by(step_id: int) -> list[BudgetLine]:
    return list(db.session.scalars(
        select(BudgetLine).where(BudgetLine.lift_step_id == step_id)
        .options(joinedload(BudgetLine.application)).limit(20)
    ))  # fmt: skip


def budget_lines_of_application(application_id: int) -> list[BudgetLine]:
    return list(db.session.scalars(
        select(BudgetLine).where(BudgetLine.application_id == application_id)
        .order_by(BudgetLine.year, BudgetLine.id).limit(50)
    ))  # fmt: skip
