"""Funding rules: a programme's rule (maximum amount, own share) checked on every application,
the status workflow with its dates, the duties that follow a grant (deadlines), budget lines
blocked until a grant with the proposal to lift the block (a process step for the body's
resolution), the money budget lines give measures, and the overview's sums (exact decimals:
integer cents summed in SQL, totals in ``Decimal``)."""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import (
    BigInteger,
    and_,
    case,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.orm import joinedload

from planner.accounts.models import Organisation, User
from planner.core.i18n import fmt_money
from planner.core.lookup import like_pattern
from planner.core.models import date_range_error
from planner.core.money import CENT, MoneyError, parse_money
from planner.core.pagination import Page, paginate
from planner.core.transaction import DomainError, flush_or_raise
from planner.deadlines import services as deadlines
from planner.deadlines.models import DeadlineKind, DeadlineState
from planner.extensions import db
from planner.funding.models import (
    FORWARD,
    TRANSITIONS,
    YEAR_MAX,
    YEAR_MIN,
    ApplicationStatus,
    BudgetAllocation,
    BudgetLine,
    FundingApplication,
    FundingCall,
    FundingModule,
    FundingProgramme,
    GrantObligation,
    ObligationKind,
    application_measures,
    application_steps,
)
from planner.governance import services as governance
from planner.measures import services as measures
from planner.process import services as process

CALL_OWNER = "funding_call"
OBLIGATION_OWNER = "grant_obligation"
MAX_LINKS = 50  # measures or steps per application, measures per budget line
MAX_OBLIGATIONS = 40
LIFT_STEP_WEEKS = 6  # the body's next round of meetings
HUNDRED = Decimal(100)


class FundingError(DomainError):
    """A broken funding rule; the message is shown to the user."""


class AmountError(FundingError):
    """An amount that is not one, or breaks the programme's rule (shown at the amount)."""


class OwnShareError(AmountError):
    pass


class GrantError(AmountError):
    pass


class DateError(FundingError):
    pass


class YearError(FundingError):
    pass


class StatusError(FundingError):
    pass


class NameTaken(FundingError):
    pass


class ResolutionError(FundingError):
    pass


class ModuleError(FundingError):
    pass


class CallError(FundingError):
    pass


class BlockError(FundingError):
    pass


class TotalCostsError(AmountError):
    """The total costs are no amount (shown at that field)."""


class PercentError(AmountError):
    pass


class SpentError(AmountError):
    pass


def _money(
    text, *, positive: bool = False, error: type[AmountError] = AmountError
) -> Decimal | None:
    try:
        return parse_money(text, allow_zero=not positive)
    except MoneyError as exc:
        raise error(str(exc)) from None


def _required_money(text, what: str, error: type[AmountError] = AmountError) -> Decimal:
    value = _money(text, positive=True, error=error)
    if value is None:
        raise error(_("Bitte geben Sie %(what)s an.", what=what))
    return value


def parse_percent(text) -> Decimal | None:
    """ "20", "20,5 %" -> Decimal; empty -> None."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    raw = str(text).replace("%", "").replace(" ", "").replace(",", ".").strip()
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise PercentError(
            _("„%(t)s“ ist kein Prozentsatz. Beispiel: 20", t=str(text)[:20])
        ) from None
    if not value.is_finite() or value < 0 or value > HUNDRED:
        raise PercentError(_("Der Eigenanteil muss zwischen 0 und 100 % liegen."))
    if value != value.quantize(CENT):
        raise PercentError(_("Bitte höchstens zwei Nachkommastellen."))
    return value.quantize(CENT)


def fmt_percent(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value.normalize():f}".replace(".", ",")
    return f"{text}\u00a0%"


def _year(value, what=None) -> int:
    if value is None:
        raise YearError(what or _("Bitte geben Sie ein Jahr an."))
    if not YEAR_MIN <= value <= YEAR_MAX:
        raise YearError(_("Bitte ein Jahr zwischen %(a)s und %(b)s.", a=YEAR_MIN, b=YEAR_MAX))
    return value


def _day(day: date | None) -> date | None:
    if day is not None and (error := date_range_error(day)):
        raise DateError(error)
    return day


def _text(value, limit: int | None = None) -> str | None:
    text = (value or "").strip()
    return (text[:limit] if limit else text) or None


def _organisation(org_id: int | None, what: str) -> Organisation | None:
    if org_id is None:
        return None
    org = db.session.get(Organisation, org_id)
    if org is None:
        raise FundingError(_("Bitte wählen Sie %(what)s.", what=what))
    return org


def _user(user_id: int | None) -> User | None:
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        raise FundingError(_("Bitte wählen Sie ein aktives Benutzerkonto."))
    return user


# --- programmes, modules, calls ----------------------------------------------------------


@dataclass
class ProgrammeData:
    name: str
    funder_id: int | None = None
    legal_basis: str | None = None
    first_year: int | None = None
    last_year: int | None = None
    max_amount: str | Decimal | None = None
    own_share_percent: str | Decimal | None = None
    eligible_costs: str | None = None
    notes: str | None = None
    responsible_id: int | None = None


def save_programme(programme: FundingProgramme | None, data: ProgrammeData) -> FundingProgramme:
    name = _text(data.name, 300)
    if not name:
        raise FundingError(_("Bitte geben Sie einen Namen an."))
    first = _year(data.first_year) if data.first_year is not None else None
    last = _year(data.last_year) if data.last_year is not None else None
    if first and last and last < first:
        raise YearError(_("Die Laufzeit endet vor ihrem Beginn."))
    percent = parse_percent(data.own_share_percent)
    max_amount = _money(data.max_amount, positive=True)
    _organisation(data.funder_id, _("einen Fördergeber"))
    _user(data.responsible_id)
    taken = select(exists().where(func.lower(FundingProgramme.name) == name.lower(),
                                  FundingProgramme.id != (programme.id if programme else 0)))  # fmt: skip
    if db.session.scalar(taken):
        raise NameTaken(_("Ein Förderprogramm „%(name)s“ gibt es schon.", name=name))
    if programme is None:
        programme = FundingProgramme()
        db.session.add(programme)
    programme.name = name
    programme.funder_id = data.funder_id
    programme.legal_basis = _text(data.legal_basis, 500)
    programme.first_year, programme.last_year = first, last
    programme.max_amount = max_amount
    programme.own_share_percent = percent
    programme.eligible_costs = _text(data.eligible_costs)
    programme.notes = _text(data.notes)
    programme.responsible_id = data.responsible_id
    flush_or_raise(NameTaken(_("Ein Förderprogramm „%(name)s“ gibt es schon.", name=name)))
    db.session.expire(programme, ["funder", "responsible"])
    for call in calls_of(programme.id):
        _sync_call(call)  # the programme's name and responsible person are in the deadline
    return programme


def delete_programme(programme: FundingProgramme) -> None:
    if db.session.scalar(select(exists().where(FundingApplication.programme_id == programme.id))):
        raise FundingError(
            _("Zu diesem Programm gibt es Anträge; es bleibt als Nachweis erhalten.")
        )
    for call in calls_of(programme.id):
        deadlines.unregister(CALL_OWNER, call.id)
    db.session.delete(programme)
    db.session.flush()


@dataclass
class ModuleData:
    name: str
    max_amount: str | Decimal | None = None
    own_share_percent: str | Decimal | None = None
    eligible_costs: str | None = None


def save_module(programme: FundingProgramme, module: FundingModule | None,
                data: ModuleData) -> FundingModule:  # fmt: skip
    name = _text(data.name, 200)
    if not name:
        raise FundingError(_("Bitte geben Sie einen Namen an."))
    percent = parse_percent(data.own_share_percent)
    max_amount = _money(data.max_amount, positive=True)
    taken = NameTaken(_("Dieses Programm hat schon ein Modul „%(name)s“.", name=name))
    if db.session.scalar(select(exists().where(
        FundingModule.programme_id == programme.id, func.lower(FundingModule.name) == name.lower(),
        FundingModule.id != (module.id if module else 0),
    ))):  # fmt: skip
        raise taken
    if module is None:
        module = FundingModule(programme_id=programme.id)
        db.session.add(module)
    module.name = name
    module.max_amount = max_amount
    module.own_share_percent = percent
    module.eligible_costs = _text(data.eligible_costs)
    flush_or_raise(taken)
    return module


def delete_module(module: FundingModule) -> None:
    used = or_(
        exists().where(FundingApplication.module_id == module.id),
        exists().where(FundingCall.module_id == module.id),
    )
    if db.session.scalar(select(used)):
        raise FundingError(_("Anträge oder Aufrufe nennen dieses Modul; es bleibt erhalten."))
    db.session.delete(module)
    db.session.flush()


def modules_of(programme_id: int) -> list[FundingModule]:
    return list(db.session.scalars(
        select(FundingModule).where(FundingModule.programme_id == programme_id)
        .order_by(FundingModule.name).limit(100)
    ))  # fmt: skip


@dataclass
class CallData:
    title: str
    year: int | None
    closes_on: date | None
    opens_on: date | None = None
    module_id: int | None = None
    notes: str | None = None


def _sync_call(call: FundingCall) -> None:
    programme = call.programme or db.session.get(FundingProgramme, call.programme_id)
    deadlines.register(
        CALL_OWNER, call.id,
        title=_("Einreichungsschluss %(programme)s: %(call)s", programme=programme.name,
                call=call.title)[:300],
        kind=DeadlineKind.FOERDERFRIST, due_date=call.closes_on,
        organisation=programme.funder,
        responsible_users=[programme.responsible] if programme.responsible else [],
        notes=call.notes, visible_to_all=False,
    )  # fmt: skip


def save_call(programme: FundingProgramme, call: FundingCall | None, data: CallData) -> FundingCall:
    title = _text(data.title, 200)
    if not title:
        raise FundingError(_("Bitte geben Sie einen Titel an."))
    year = _year(data.year, _("Bitte geben Sie das Förderjahr an."))
    if (
        programme.first_year
        and year < programme.first_year
        or (programme.last_year and year > programme.last_year)
    ):
        raise YearError(_("Das Programm läuft %(p)s.", p=programme.period))
    if data.closes_on is None:
        raise DateError(_("Bitte geben Sie den Einreichungsschluss an."))
    _day(data.closes_on)
    _day(data.opens_on)
    if data.opens_on and data.closes_on < data.opens_on:
        raise DateError(_("Der Einreichungsschluss liegt vor dem Beginn der Antragstellung."))
    if data.module_id is not None:
        module = db.session.get(FundingModule, data.module_id)
        if module is None or module.programme_id != programme.id:
            raise FundingError(_("Bitte wählen Sie ein Modul dieses Programms."))
    if call is None:
        call = FundingCall(programme_id=programme.id)
        db.session.add(call)
    call.title = title
    call.year = year
    call.opens_on, call.closes_on = data.opens_on, data.closes_on
    call.module_id = data.module_id
    call.notes = _text(data.notes, 1000)
    db.session.flush()
    _sync_call(call)
    return call


def delete_call(call: FundingCall) -> None:
    if db.session.scalar(select(exists().where(FundingApplication.call_id == call.id))):
        raise FundingError(_("Zu diesem Aufruf gibt es Anträge; er bleibt erhalten."))
    deadlines.unregister(CALL_OWNER, call.id)
    db.session.delete(call)
    db.session.flush()


def calls_of(programme_id: int) -> list[FundingCall]:
    return list(db.session.scalars(
        select(FundingCall).where(FundingCall.programme_id == programme_id)
        .options(joinedload(FundingCall.module))
        .order_by(FundingCall.closes_on.desc(), FundingCall.id.desc()).limit(100)
    ))  # fmt: skip


def programme_page(text: str | None, page: int, per_page: int = 50) -> Page:
    stmt = select(FundingProgramme).options(joinedload(FundingProgramme.funder))
    if text:
        stmt = stmt.where(func.lower(FundingProgramme.name).like(like_pattern(text), escape="\\"))
    return paginate(stmt.order_by(FundingProgramme.name, FundingProgramme.id), page, per_page)


# --- the programme's rule ------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    max_amount: Decimal | None
    own_share_percent: Decimal | None
    source: str  # the programme's or module's name, for the messages

    def min_own_share(self, total: Decimal) -> Decimal:
        if not self.own_share_percent:
            return Decimal("0.00")
        return (total * self.own_share_percent / HUNDRED).quantize(CENT, rounding=ROUND_CEILING)

    def max_request(self, total: Decimal) -> Decimal:
        limit = total - self.min_own_share(total)
        if self.max_amount is not None:
            limit = min(limit, self.max_amount)
        return limit


def rule_for(programme: FundingProgramme, module: FundingModule | None) -> Rule:
    """A module's own values, else the programme's."""
    max_amount = module.max_amount if module and module.max_amount is not None else None
    percent = module.own_share_percent if module and module.own_share_percent is not None else None
    return Rule(
        max_amount if max_amount is not None else programme.max_amount,
        percent if percent is not None else programme.own_share_percent,
        f"{programme.name} – {module.name}" if module else programme.name,
    )


def check_rule(rule: Rule, total: Decimal, requested: Decimal) -> None:
    """The request within the maximum; the own share (costs the request leaves open) at least
    the programme's percentage of the costs."""
    if requested > total:
        raise OwnShareError(
            _("Die beantragte Förderung (%(r)s) übersteigt die Gesamtausgaben (%(t)s).",
              r=fmt_money(requested), t=fmt_money(total))
        )  # fmt: skip
    if rule.max_amount is not None and requested > rule.max_amount:
        raise AmountError(
            _("„%(source)s“ fördert höchstens %(max)s; beantragt sind %(r)s.",
              source=rule.source, max=fmt_money(rule.max_amount), r=fmt_money(requested))
        )  # fmt: skip
    own = total - requested
    needed = rule.min_own_share(total)
    if own < needed:
        share = (own * HUNDRED / total).quantize(CENT)
        raise OwnShareError(
            _("Der Eigenanteil beträgt %(own)s (%(share)s); „%(source)s“ verlangt mindestens "
              "%(pct)s der Gesamtausgaben, hier %(needed)s. Beantragen Sie höchstens %(max)s.",
              own=fmt_money(own), share=fmt_percent(share), source=rule.source,
              pct=fmt_percent(rule.own_share_percent), needed=fmt_money(needed),
              max=fmt_money(rule.max_request(total)))
        )  # fmt: skip


# --- applications --------------------------------------------------------------------------


@dataclass
class ApplicationData:
    programme_id: int | None
    applicant_id: int | None
    title: str
    year: int | None
    total_costs: str | Decimal | None
    requested: str | Decimal | None
    module_id: int | None = None
    call_id: int | None = None
    reference: str | None = None
    responsible_id: int | None = None
    notes: str | None = None
    measure_ids: list[int] = field(default_factory=list)
    step_ids: list[int] = field(default_factory=list)


def _apply_application(app: FundingApplication, data: ApplicationData) -> None:
    title = _text(data.title, 300)
    if not title:
        raise FundingError(_("Bitte geben Sie einen Titel an."))
    programme = db.session.get(FundingProgramme, data.programme_id) if data.programme_id else None
    if programme is None:
        raise FundingError(_("Bitte wählen Sie ein Förderprogramm."))
    module = db.session.get(FundingModule, data.module_id) if data.module_id else None
    if data.module_id and (module is None or module.programme_id != programme.id):
        raise ModuleError(_("Bitte wählen Sie ein Modul dieses Programms."))
    call = db.session.get(FundingCall, data.call_id) if data.call_id else None
    if data.call_id and (call is None or call.programme_id != programme.id):
        raise CallError(_("Bitte wählen Sie einen Aufruf dieses Programms."))
    if call and call.module_id and module is None:
        module = call.module
    if call and call.module_id and module.id != call.module_id:
        raise ModuleError(_("Dieser Aufruf gilt dem Modul „%(m)s“.", m=call.module.name))
    if module is None and db.session.scalar(
        select(exists().where(FundingModule.programme_id == programme.id))
    ):
        raise ModuleError(_("Bitte wählen Sie das Modul: seine Regel gilt für den Antrag."))
    year = data.year if data.year is not None else (call.year if call else None)
    year = _year(year, _("Bitte geben Sie das Förderjahr an."))
    if call and year != call.year:
        raise YearError(_("„%(call)s“ gilt dem Förderjahr %(y)s.", call=call.title, y=call.year))
    if (programme.first_year and year < programme.first_year) or (
        programme.last_year and year > programme.last_year
    ):
        raise YearError(_("Das Programm läuft %(p)s.", p=programme.period))
    if _organisation(data.applicant_id, _("den Antragsteller")) is None:
        raise FundingError(_("Bitte wählen Sie den Antragsteller."))
    _user(data.responsible_id)
    total = _required_money(data.total_costs, _("die Gesamtausgaben"), TotalCostsError)
    requested = _required_money(data.requested, _("die beantragte Förderung"))
    check_rule(rule_for(programme, module), total, requested)
    if app.granted is not None and app.granted > requested:
        raise GrantError(
            _("Bewilligt sind %(g)s; weniger kann nicht beantragt sein.", g=fmt_money(app.granted))
        )
    if len(set(data.measure_ids)) > MAX_LINKS or len(set(data.step_ids)) > MAX_LINKS:
        raise FundingError(_("Höchstens %(n)s Maßnahmen und %(n)s Schritte.", n=MAX_LINKS))
    app.title = title
    app.programme_id = programme.id
    app.module_id = module.id if module else None
    app.call_id = call.id if call else None
    app.applicant_id = data.applicant_id
    app.year = year
    app.total_costs, app.requested = total, requested
    app.reference = _text(data.reference, 100)
    app.responsible_id = data.responsible_id
    app.notes = _text(data.notes)


def _set_links(app: FundingApplication, data: ApplicationData) -> None:
    measure_ids = [m.id for m in measures.measures_by_ids(list(dict.fromkeys(data.measure_ids)))]
    step_ids = [s.id for s in process.steps_by_ids(list(dict.fromkeys(data.step_ids)))]
    db.session.execute(delete(application_measures)
                       .where(application_measures.c.application_id == app.id))  # fmt: skip
    db.session.execute(
        delete(application_steps).where(application_steps.c.application_id == app.id)
    )
    if measure_ids:
        db.session.execute(insert(application_measures),
                           [{"application_id": app.id, "measure_id": m} for m in measure_ids])  # fmt: skip
    if step_ids:
        db.session.execute(insert(application_steps),
                           [{"application_id": app.id, "step_id": s} for s in step_ids])  # fmt: skip


def save_application(app: FundingApplication | None, data: ApplicationData) -> FundingApplication:
    if app is None:
        app = FundingApplication(status=ApplicationStatus.VORBEREITUNG)
        _apply_application(app, data)
        db.session.add(app)
    else:
        _apply_application(app, data)
    db.session.flush()
    db.session.expire(app, ["programme", "module", "call", "applicant", "responsible"])
    _set_links(app, data)
    _sync_obligations(app)
    return app


def delete_application(app: FundingApplication) -> None:
    if app.status != ApplicationStatus.VORBEREITUNG:
        raise StatusError(
            _("Nur ein Antrag in Vorbereitung wird gelöscht; ein eingereichter bleibt als "
              "Nachweis erhalten (ziehen Sie ihn zurück).")
        )  # fmt: skip
    db.session.execute(update(BudgetLine).where(BudgetLine.application_id == app.id)
                       .values(application_id=None).execution_options(synchronize_session=False))  # fmt: skip
    for obligation in obligations_of(app.id):
        deadlines.unregister(OBLIGATION_OWNER, obligation.id)
    db.session.delete(app)
    db.session.flush()


# steps back, offered last: a decision entered by mistake, back to preparation
_BACK = {ApplicationStatus.BEWILLIGT: {ApplicationStatus.EINGEREICHT},
         ApplicationStatus.TEILWEISE: {ApplicationStatus.EINGEREICHT}}  # fmt: skip


def allowed_next(status: ApplicationStatus) -> list[ApplicationStatus]:
    back = _BACK.get(status, set()) | {ApplicationStatus.VORBEREITUNG}
    return sorted((s for s in TRANSITIONS[status]), key=lambda s: (s in back, FORWARD.index(s)))


@dataclass
class StatusChange:
    status: str
    on: date | None
    granted: str | Decimal | None = None
    authority_id: int | None = None
    period_start: date | None = None
    period_end: date | None = None
    reference: str | None = None


def change_status(app: FundingApplication, change: StatusChange, today: date) -> list[BudgetLine]:
    """Move the application one step; the date of the step is required. A grant records the
    amount (at most the request; less is "teilweise"), the authority and the funding period,
    creates the duties that follow it and proposes to lift the blocks that waited for it
    (returned)."""
    try:
        status = ApplicationStatus(change.status)
    except ValueError:
        raise StatusError(_("Diesen Status gibt es nicht.")) from None
    if status == app.status:
        raise StatusError(_("Der Antrag ist schon „%(s)s“.", s=app.status.label))
    if status not in TRANSITIONS[app.status]:
        raise StatusError(
            _("Von „%(old)s“ geht es nur zu: %(next)s. Bitte gehen Sie die Schritte einzeln.",
              old=app.status.label,
              next=", ".join(f"„{s.label}“" for s in allowed_next(app.status)))
        )  # fmt: skip
    on = _day(change.on)
    if on is None and status == ApplicationStatus.VORBEREITUNG:
        on = today  # back to preparation: no date of its own
    if on is None:
        raise DateError(_("Bitte geben Sie das Datum an."))
    if on > today + timedelta(days=366):
        raise DateError(_("Dieses Datum liegt zu weit in der Zukunft."))
    proposed: list[BudgetLine] = []
    if app.status.granted and not status.granted:
        _withdraw_proposals(app)
    if status == ApplicationStatus.VORBEREITUNG:
        app.submitted_on = app.withdrawn_on = None
    elif status == ApplicationStatus.EINGEREICHT:
        if app.status == ApplicationStatus.ABGELEHNT and app.decided_on and on < app.decided_on:
            raise DateError(_("Der Widerspruch liegt vor dem Bescheid vom %(d)s.",
                              d=f"{app.decided_on:%d.%m.%Y}"))  # fmt: skip
        if app.status == ApplicationStatus.VORBEREITUNG:
            app.submitted_on = on
            _call_met(app)
        if app.status.granted:  # a decision entered by mistake: its duties and period go too
            for obligation in obligations_of(app.id):
                delete_obligation(obligation)
            app.period_start = app.period_end = app.authority_id = None
        app.decided_on, app.granted = None, None  # contested or corrected: decided anew
    elif status == ApplicationStatus.ZURUECKGEZOGEN:
        if app.submitted_on and on < app.submitted_on:
            raise DateError(_("Das Datum liegt vor der Einreichung (%(d)s).",
                              d=f"{app.submitted_on:%d.%m.%Y}"))  # fmt: skip
        app.withdrawn_on = on
    elif status == ApplicationStatus.ABGELEHNT:
        _check_decision_date(app, on)
        app.decided_on, app.granted = on, None
    else:
        proposed = _grant(app, status, change, on)
    if change.reference is not None and change.reference.strip():
        app.reference = _text(change.reference, 100)
    app.status = status
    db.session.flush()
    _sync_obligations(app)
    return proposed


def _withdraw_proposals(app: FundingApplication) -> None:
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


def _call_met(app: FundingApplication) -> None:
    """Filed to a call: the call's closing date is met (done in the calendar, not late)."""
    if app.call_id is None:
        return
    for deadline in deadlines.states_of(CALL_OWNER, [app.call_id]).values():
        if deadline.state == DeadlineState.OFFEN:
            deadlines.mark_done(deadline, None)


def _check_decision_date(app: FundingApplication, on: date) -> None:
    if app.submitted_on and on < app.submitted_on:
        raise DateError(_("Der Bescheid liegt vor der Einreichung (%(d)s).",
                          d=f"{app.submitted_on:%d.%m.%Y}"))  # fmt: skip


def _grant(app: FundingApplication, status: ApplicationStatus, change: StatusChange,
           on: date) -> list[BudgetLine]:  # fmt: skip
    granted = _money(change.granted, positive=True)
    if granted is None:
        granted = app.requested if status == ApplicationStatus.BEWILLIGT else None
    if granted is None:
        raise GrantError(_("Bitte geben Sie den bewilligten Betrag an."))
    if granted > app.requested:
        raise GrantError(
            _("Bewilligt werden höchstens die beantragten %(r)s.", r=fmt_money(app.requested))
        )
    if status == ApplicationStatus.BEWILLIGT and granted < app.requested:
        raise GrantError(
            _("Weniger als beantragt (%(r)s): bitte „teilweise bewilligt“ wählen.",
              r=fmt_money(app.requested))
        )  # fmt: skip
    if status == ApplicationStatus.TEILWEISE and granted == app.requested:
        raise GrantError(_("Der volle Betrag ist bewilligt: bitte „bewilligt“ wählen."))
    if app.status == ApplicationStatus.EINGEREICHT:
        _check_decision_date(app, on)
        app.decided_on = on
    elif app.decided_on and on < app.decided_on:  # a changed notice
        raise DateError(_("Der Änderungsbescheid liegt vor dem Bescheid vom %(d)s.",
                          d=f"{app.decided_on:%d.%m.%Y}"))  # fmt: skip
    _organisation(change.authority_id, _("die Bewilligungsbehörde"))
    start, end = _day(change.period_start), _day(change.period_end)
    if start and end and end < start:
        raise DateError(_("Der Bewilligungszeitraum endet vor seinem Beginn."))
    if start or end or app.period_start is None:
        start = start or app.period_start or on
        end = end or app.period_end or _year_end(start)
        if end < start:
            raise DateError(_("Der Bewilligungszeitraum endet vor seinem Beginn (%(d)s).",
                              d=f"{start:%d.%m.%Y}"))  # fmt: skip
        app.period_start, app.period_end = start, end
    app.granted = granted
    if change.authority_id is not None:
        app.authority_id = change.authority_id
    db.session.flush()
    if not db.session.scalar(select(exists().where(GrantObligation.application_id == app.id))):
        for kind, title, due in default_obligations(app.decided_on or on, app.period_start,
                                                    app.period_end):  # fmt: skip
            db.session.add(GrantObligation(application_id=app.id, kind=kind, title=title,
                                           due_date=due))  # fmt: skip
    return propose_lifts(app, on)


def _year_end(day: date) -> date:
    return date(day.year, 12, 31)


def _month_end(year: int, month: int) -> date:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


def default_obligations(decided_on: date, start: date, end: date
                        ) -> list[tuple[ObligationKind, str, date]]:  # fmt: skip
    """The duties of a grant under the general terms of NRW (ANBest-P), editable afterwards:
    the start of the measure, the first payment request a month into it (money is requested
    for what falls due within two months), an interim report four months after each budget
    year the period spans, the proof of use at the end of the sixth month after the period."""
    start = max(start, decided_on)  # a period begun before the notice: duties from the notice on
    rows = [
        (ObligationKind.BEGINN, _("Beginn der Maßnahme"), start),
        (ObligationKind.MITTELABRUF, _("Erster Mittelabruf"), min(start + timedelta(days=30), end)),
    ]
    for year in range(start.year, min(end.year, start.year + 10)):
        rows.append((ObligationKind.ZWISCHENNACHWEIS,
                     _("Zwischennachweis für %(y)s", y=year), date(year + 1, 4, 30)))  # fmt: skip
    rows.append((ObligationKind.VERWENDUNGSNACHWEIS, _("Verwendungsnachweis"),
                 _month_end(end.year, end.month + 6)))  # fmt: skip
    return [(kind, title, due) for kind, title, due in rows if not date_range_error(due)]


def obligations_of(application_id: int) -> list[GrantObligation]:
    return list(db.session.scalars(
        select(GrantObligation).where(GrantObligation.application_id == application_id)
        .order_by(GrantObligation.due_date, GrantObligation.id).limit(MAX_OBLIGATIONS)
    ))  # fmt: skip


def _sync_obligations(app: FundingApplication) -> None:
    """Each duty is a deadline of the applicant and the person responsible; a withdrawn or
    rejected application owes nothing (its duties leave the calendar, kept on the page)."""
    owes = app.status.granted
    for obligation in obligations_of(app.id):
        if not owes:
            deadlines.unregister(OBLIGATION_OWNER, obligation.id)
            continue
        _register_obligation(app, obligation)


def _register_obligation(app: FundingApplication, obligation: GrantObligation) -> None:
    deadlines.register(
        OBLIGATION_OWNER, obligation.id,
        title=f"{obligation.title}: {app.title}"[:300], kind=DeadlineKind.FOERDERFRIST,
        due_date=obligation.due_date, organisation=app.applicant,
        responsible_users=[app.responsible] if app.responsible else [],
        notes=_("Förderantrag bei %(p)s", p=app.programme.name), visible_to_all=False,
    )  # fmt: skip


def save_obligation(app: FundingApplication, obligation: GrantObligation | None,
                    kind: str, title: str, due_date: date | None) -> GrantObligation:  # fmt: skip
    if not app.status.granted:
        raise StatusError(_("Fristen aus der Bewilligung gibt es erst nach der Bewilligung."))
    try:
        kind = ObligationKind(kind)
    except ValueError:
        raise FundingError(_("Diese Art gibt es nicht.")) from None
    title = _text(title, 300) or str(kind.label)
    if due_date is None:
        raise DateError(_("Bitte geben Sie das Datum an."))
    _day(due_date)
    if obligation is None:
        count = db.session.scalar(
            select(func.count()).where(GrantObligation.application_id == app.id)
        )
        if count >= MAX_OBLIGATIONS:
            raise FundingError(_("Höchstens %(n)s Fristen je Antrag.", n=MAX_OBLIGATIONS))
        obligation = GrantObligation(application_id=app.id)
        db.session.add(obligation)
    obligation.kind, obligation.title, obligation.due_date = kind, title, due_date
    db.session.flush()
    _register_obligation(app, obligation)
    return obligation


def delete_obligation(obligation: GrantObligation) -> None:
    deadlines.unregister(OBLIGATION_OWNER, obligation.id)
    db.session.delete(obligation)
    db.session.flush()


# --- applications: reading -----------------------------------------------------------------


@dataclass
class ApplicationFilter:
    programme_id: int | None = None
    status: str | None = None
    year: int | None = None
    applicant_id: int | None = None
    text: str | None = None


def application_page(filters: ApplicationFilter, page: int, per_page: int = 50) -> Page:
    return paginate(filtered_applications(filters), page, per_page)


def filtered_applications(filters: ApplicationFilter):
    """The applications of the filters, the most recently changed first."""
    stmt = select(FundingApplication).options(
        joinedload(FundingApplication.programme), joinedload(FundingApplication.applicant)
    )
    if filters.programme_id:
        stmt = stmt.where(FundingApplication.programme_id == filters.programme_id)
    if filters.status:
        stmt = stmt.where(FundingApplication.status == filters.status)
    if filters.year:
        stmt = stmt.where(FundingApplication.year == filters.year)
    if filters.applicant_id:
        stmt = stmt.where(FundingApplication.applicant_id == filters.applicant_id)
    if filters.text:
        stmt = stmt.where(
            func.lower(FundingApplication.title).like(like_pattern(filters.text), escape="\\")
        )
    return stmt.order_by(FundingApplication.updated_at.desc(), FundingApplication.id.desc())


def get_application(application_id: int) -> FundingApplication | None:
    return db.session.scalar(
        select(FundingApplication).where(FundingApplication.id == application_id).options(
            joinedload(FundingApplication.programme), joinedload(FundingApplication.module),
            joinedload(FundingApplication.call), joinedload(FundingApplication.applicant),
            joinedload(FundingApplication.authority), joinedload(FundingApplication.responsible),
        )
    )  # fmt: skip


def linked_measure_ids(application_id: int) -> list[int]:
    return list(db.session.scalars(
        select(application_measures.c.measure_id)
        .where(application_measures.c.application_id == application_id).limit(MAX_LINKS)
    ))  # fmt: skip


def linked_step_ids(application_id: int) -> list[int]:
    return list(db.session.scalars(
        select(application_steps.c.step_id)
        .where(application_steps.c.application_id == application_id).limit(MAX_LINKS)
    ))  # fmt: skip


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


def applications_of_programme(programme_id: int, limit: int = 20) -> list[FundingApplication]:
    return list(db.session.scalars(
        select(FundingApplication).where(FundingApplication.programme_id == programme_id)
        .options(joinedload(FundingApplication.applicant))
        .order_by(FundingApplication.year.desc(), FundingApplication.id.desc()).limit(limit)
    ))  # fmt: skip


def applications_of_organisation(org_id: int, limit: int = 20) -> list[FundingApplication]:
    return list(db.session.scalars(
        select(FundingApplication).where(FundingApplication.applicant_id == org_id)
        .options(joinedload(FundingApplication.programme))
        .order_by(FundingApplication.updated_at.desc(), FundingApplication.id.desc()).limit(limit)
    ))  # fmt: skip


def applications_for_measure(measure_id: int, limit: int = 20) -> list[FundingApplication]:
    return list(db.session.scalars(
        select(FundingApplication)
        .join(application_measures, application_measures.c.application_id == FundingApplication.id)
        .where(application_measures.c.measure_id == measure_id)
        .options(joinedload(FundingApplication.programme))
        .order_by(FundingApplication.year.desc(), FundingApplication.id.desc()).limit(limit)
    ))  # fmt: skip


def applications_for_step(step_id: int, limit: int = 20) -> list[FundingApplication]:
    return list(db.session.scalars(
        select(FundingApplication)
        .join(application_steps, application_steps.c.application_id == FundingApplication.id)
        .where(application_steps.c.step_id == step_id)
        .order_by(FundingApplication.year.desc(), FundingApplication.id.desc()).limit(limit)
    ))  # fmt: skip


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


def _totals(line_id: int) -> tuple[Decimal, Decimal]:
    planned, spent = db.session.execute(
        select(func.coalesce(func.sum(_raw(BudgetAllocation.planned)), 0),
               func.coalesce(func.sum(_raw(BudgetAllocation.spent)), 0))
        .where(BudgetAllocation.budget_line_id == line_id)
    ).one()  # fmt: skip
    return _cents(planned), _cents(spent)


def totals_of(line_ids: list[int]) -> dict[int, tuple[Decimal, Decimal]]:
    """Planned and spent of many lines (one grouped query, in chunks)."""
    result: dict[int, tuple[Decimal, Decimal]] = {}
    for start in range(0, len(line_ids), 1000):
        rows = db.session.execute(
            select(BudgetAllocation.budget_line_id, func.sum(_raw(BudgetAllocation.planned)),
                   func.sum(_raw(BudgetAllocation.spent)))
            .where(BudgetAllocation.budget_line_id.in_(line_ids[start : start + 1000]))
            .group_by(BudgetAllocation.budget_line_id)
        )  # fmt: skip
        result.update({lid: (_cents(p), _cents(s)) for lid, p, s in rows})
    return result


def _raw(column):
    """A Money column as the integer cents it holds (sums in SQL stay exact)."""
    return type_coerce(column, BigInteger)


def _cents(value) -> Decimal:
    """A sum of integer cents as euros."""
    return (Decimal(int(value or 0)) / 100).quantize(CENT)


def save_budget_line(line: BudgetLine | None, data: BudgetLineData) -> BudgetLine:
    purpose = _text(data.purpose, 300)
    if not purpose:
        raise FundingError(_("Bitte geben Sie den Zweck an."))
    year = _year(data.year, _("Bitte geben Sie das Haushaltsjahr an."))
    amount = _required_money(data.amount, _("den Betrag"))
    if (
        data.application_id is not None
        and db.session.get(FundingApplication, data.application_id) is None
    ):
        raise FundingError(_("Bitte wählen Sie einen Förderantrag."))
    if data.lift_body_id is not None and governance.get_body(data.lift_body_id) is None:
        raise FundingError(_("Bitte wählen Sie ein Gremium."))
    if data.process_id is not None and process.get_process(data.process_id) is None:
        raise FundingError(_("Bitte wählen Sie einen Planungsprozess."))
    if data.blocked and not _text(data.block_condition):
        raise BlockError(_("Bitte nennen Sie die Bedingung der Sperre."))
    if line is None:
        line = BudgetLine(blocked=bool(data.blocked))
        db.session.add(line)
    else:
        planned, spent = _totals(line.id)
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
    line.cost_centre = _text(data.cost_centre, 200)
    line.block_condition = _text(data.block_condition, 1000) if line.blocked else None
    line.lift_body_id = data.lift_body_id if line.blocked else None
    line.application_id = data.application_id
    line.process_id = data.process_id
    line.notes = _text(data.notes)
    if not line.blocked:
        line.lift_proposed_on = None
    db.session.flush()
    app = db.session.get(FundingApplication, line.application_id) if line.application_id else None
    if app is not None and app.status.granted and line.blocked and line.lifted_on is None:
        _propose(line, app, app.decided_on or deadlines.today_in_berlin())
    return line


def delete_budget_line(line: BudgetLine) -> None:
    _planned, spent = _totals(line.id)
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
    _day(on)
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
    _planned, spent = _totals(line.id)
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
    planned = _money(planned) or Decimal("0.00")
    spent = _money(spent, error=SpentError) or Decimal("0.00")
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
    total_planned, total_spent = _totals(line.id)
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
    return _totals(line_id)


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


# --- overview ------------------------------------------------------------------------------

COLUMNS = ("preparing", "requested", "granted", "own_share", "blocked", "released")


@dataclass
class OverviewRow:
    year: int
    programme_id: int | None
    programme: str
    preparing: Decimal = Decimal("0.00")
    requested: Decimal = Decimal("0.00")
    granted: Decimal = Decimal("0.00")
    own_share: Decimal = Decimal("0.00")
    blocked: Decimal = Decimal("0.00")
    released: Decimal = Decimal("0.00")

    def add(self, other: OverviewRow) -> None:
        for column in COLUMNS:
            setattr(self, column, getattr(self, column) + getattr(other, column))


@dataclass
class Overview:
    years: list[tuple[int, list[OverviewRow], OverviewRow]]
    total: OverviewRow


def _sum_if(condition, column):
    return func.coalesce(func.sum(case((condition, column), else_=0)), 0)


def overview(
    year_from: int | None = None, year_to: int | None = None, programme_id: int | None = None
) -> Overview:
    """Per year and programme: in preparation, requested (filed), granted, the own share of
    what was granted, budget blocked and released (without a block, or lifted). Two grouped
    queries whatever the number of applications and lines; sums in integer cents."""
    A, S = FundingApplication, ApplicationStatus
    filed = A.status.in_([S.EINGEREICHT, S.BEWILLIGT, S.TEILWEISE, S.ABGELEHNT])
    granted = A.status.in_([S.BEWILLIGT, S.TEILWEISE])
    apps = (
        select(A.year, A.programme_id,
               _sum_if(A.status == S.VORBEREITUNG, _raw(A.requested)),
               _sum_if(filed, _raw(A.requested)),
               _sum_if(granted, _raw(A.granted)),
               _sum_if(granted, _raw(A.total_costs)
                       - _raw(A.granted)))
        .group_by(A.year, A.programme_id)
    )  # fmt: skip
    L = BudgetLine
    lines = (
        select(L.year, A.programme_id,
               _sum_if(and_(L.blocked.is_(True), L.lifted_on.is_(None)),
                       _raw(L.amount)),
               _sum_if(or_(L.blocked.is_(False), L.lifted_on.is_not(None)),
                       _raw(L.amount)))
        .select_from(L).outerjoin(A, A.id == L.application_id)
        .group_by(L.year, A.programme_id)
    )  # fmt: skip
    for column_year, stmt in ((A.year, "apps"), (L.year, "lines")):
        target = apps if stmt == "apps" else lines
        if year_from:
            target = target.where(column_year >= year_from)
        if year_to:
            target = target.where(column_year <= year_to)
        if programme_id:
            target = target.where(A.programme_id == programme_id)
        if stmt == "apps":
            apps = target
        else:
            lines = target
    rows: dict[tuple[int, int | None], OverviewRow] = {}

    def row(year, pid) -> OverviewRow:
        return rows.setdefault((year, pid), OverviewRow(year, pid, ""))

    for year, pid, preparing, requested, granted_sum, own in db.session.execute(apps):
        r = row(year, pid)
        r.preparing, r.requested = _cents(preparing), _cents(requested)
        r.granted, r.own_share = _cents(granted_sum), _cents(own)
    for year, pid, blocked, released in db.session.execute(lines):
        r = row(year, pid)
        r.blocked, r.released = _cents(blocked), _cents(released)
    names = dict(db.session.execute(
        select(FundingProgramme.id, FundingProgramme.name)
        .where(FundingProgramme.id.in_({pid for _y, pid in rows if pid}))
    ).all())  # fmt: skip
    by_year: dict[int, list[OverviewRow]] = defaultdict(list)
    for (year, pid), r in rows.items():
        r.programme = names.get(pid, "") if pid else _("ohne Förderprogramm")
        by_year[year].append(r)
    total = OverviewRow(0, None, _("Summe"))
    years = []
    for year in sorted(by_year, reverse=True):
        items = sorted(by_year[year], key=lambda r: (r.programme_id is None, r.programme.lower()))
        subtotal = OverviewRow(year, None, _("Summe %(y)s", y=year))
        for r in items:
            subtotal.add(r)
        total.add(subtotal)
        years.append((year, items, subtotal))
    return Overview(years, total)


def funded_measure_ids():
    """Selects of the measures that have money or an application that is not off the table."""
    live = select(application_measures.c.measure_id).join(
        FundingApplication, FundingApplication.id == application_measures.c.application_id
    ).where(FundingApplication.status.not_in([ApplicationStatus.ABGELEHNT,
                                              ApplicationStatus.ZURUECKGEZOGEN]))  # fmt: skip
    return [live, select(BudgetAllocation.measure_id)]


def unfunded_measures(limit: int = 20):
    return measures.active_measures_without(funded_measure_ids(), limit)


def open_deadlines(today: date, limit: int = 10):
    """The open deadlines of calls and grants: overdue (latest first) and coming (earliest
    first); for whoever may see funding (the calendar shows them to planners and to those
    responsible)."""
    return deadlines.open_of_owners(
        [CALL_OWNER, OBLIGATION_OWNER], DeadlineKind.FOERDERFRIST, today, limit
    )
