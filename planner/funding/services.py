"""Funding programmes with their modules and calls (closing dates as deadlines) and applications:
the programme's rule checked on every save, the status workflow with its dates, the grant and
the duties that follow it (deadlines); budget lines live in ``budget``, the sums in ``overview``.
The errors and the reading of amounts are in ``rules`` (re-exported here for the pages)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import (
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import joinedload

from planner.core.i18n import fmt_money
from planner.core.lookup import like_pattern
from planner.core.models import date_range_error
from planner.core.pagination import Page, paginate
from planner.core.transaction import flush_or_raise
from planner.deadlines import services as deadlines
from planner.deadlines.models import DeadlineKind, DeadlineState
from planner.extensions import db
from planner.funding import budget
from planner.funding.models import (
    FORWARD,
    TRANSITIONS,
    ApplicationStatus,
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
from planner.funding.rules import (
    CALL_OWNER,
    MAX_LINKS,
    MAX_OBLIGATIONS,
    OBLIGATION_OWNER,
    CallError,
    DateError,
    FundingError,
    GrantError,
    ModuleError,
    NameTaken,
    StatusError,
    TotalCostsError,
    YearError,
    active_user,
    check_rule,
    checked_day,
    checked_year,
    clean,
    money,
    organisation_of,
    parse_percent,
    required_money,
    rule_for,
)
from planner.measures import services as measures
from planner.process import services as process

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
    name = clean(data.name, 300)
    if not name:
        raise FundingError(_("Bitte geben Sie einen Namen an."))
    first = checked_year(data.first_year) if data.first_year is not None else None
    last = checked_year(data.last_year) if data.last_year is not None else None
    if first and last and last < first:
        raise YearError(_("Die Laufzeit endet vor ihrem Beginn."))
    percent = parse_percent(data.own_share_percent)
    max_amount = money(data.max_amount, positive=True)
    organisation_of(data.funder_id, _("einen Fördergeber"))
    active_user(data.responsible_id)
    taken = select(exists().where(func.lower(FundingProgramme.name) == name.lower(),
                                  FundingProgramme.id != (programme.id if programme else 0)))  # fmt: skip
    if db.session.scalar(taken):
        raise NameTaken(_("Ein Förderprogramm „%(name)s“ gibt es schon.", name=name))
    if programme is None:
        programme = FundingProgramme()
        db.session.add(programme)
    programme.name = name
    programme.funder_id = data.funder_id
    programme.legal_basis = clean(data.legal_basis, 500)
    programme.first_year, programme.last_year = first, last
    programme.max_amount = max_amount
    programme.own_share_percent = percent
    programme.eligible_costs = clean(data.eligible_costs)
    programme.notes = clean(data.notes)
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
    name = clean(data.name, 200)
    if not name:
        raise FundingError(_("Bitte geben Sie einen Namen an."))
    percent = parse_percent(data.own_share_percent)
    max_amount = money(data.max_amount, positive=True)
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
    module.eligible_costs = clean(data.eligible_costs)
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
    title = clean(data.title, 200)
    if not title:
        raise FundingError(_("Bitte geben Sie einen Titel an."))
    year = checked_year(data.year, _("Bitte geben Sie das Förderjahr an."))
    if (
        programme.first_year
        and year < programme.first_year
        or (programme.last_year and year > programme.last_year)
    ):
        raise YearError(_("Das Programm läuft %(p)s.", p=programme.period))
    if data.closes_on is None:
        raise DateError(_("Bitte geben Sie den Einreichungsschluss an."))
    checked_day(data.closes_on)
    checked_day(data.opens_on)
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
    call.notes = clean(data.notes, 1000)
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
    title = clean(data.title, 300)
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
    year = checked_year(year, _("Bitte geben Sie das Förderjahr an."))
    if call and year != call.year:
        raise YearError(_("„%(call)s“ gilt dem Förderjahr %(y)s.", call=call.title, y=call.year))
    if (programme.first_year and year < programme.first_year) or (
        programme.last_year and year > programme.last_year
    ):
        raise YearError(_("Das Programm läuft %(p)s.", p=programme.period))
    if organisation_of(data.applicant_id, _("den Antragsteller")) is None:
        raise FundingError(_("Bitte wählen Sie den Antragsteller."))
    active_user(data.responsible_id)
    total = required_money(data.total_costs, _("die Gesamtausgaben"), TotalCostsError)
    requested = required_money(data.requested, _("die beantragte Förderung"))
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
    app.reference = clean(data.reference, 100)
    app.responsible_id = data.responsible_id
    app.notes = clean(data.notes)


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
    on = checked_day(change.on)
    if on is None and status == ApplicationStatus.VORBEREITUNG:
        on = today  # back to preparation: no date of its own
    if on is None:
        raise DateError(_("Bitte geben Sie das Datum an."))
    if on > today + timedelta(days=366):
        raise DateError(_("Dieses Datum liegt zu weit in der Zukunft."))
    proposed: list[BudgetLine] = []
    if app.status.granted and not status.granted:
        budget.withdraw_proposals(app)
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
        app.reference = clean(change.reference, 100)
    app.status = status
    db.session.flush()
    _sync_obligations(app)
    return proposed


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
    granted = money(change.granted, positive=True)
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
    organisation_of(change.authority_id, _("die Bewilligungsbehörde"))
    start, end = checked_day(change.period_start), checked_day(change.period_end)
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
    return budget.propose_lifts(app, on)


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
    title = clean(title, 300) or str(kind.label)
    if due_date is None:
        raise DateError(_("Bitte geben Sie das Datum an."))
    checked_day(due_date)
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
