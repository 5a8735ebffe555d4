"""The funding rules: the own-share rule and the maximum, the status workflow with its dates, a
grant (at most the request, less is partial) with the duties it creates as deadlines, the
proposal to lift a block after a grant with its process step, the lift by the right body,
money for measures never beyond the line and never spent while blocked, and sums over many
lines that add up to the cent."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from planner.core.money import Money, MoneyError, parse_money
from planner.deadlines.models import Deadline, DeadlineKind, DeadlineState
from planner.extensions import db as _db
from planner.funding import budget, overview, rules, services
from planner.funding.models import (
    ApplicationStatus,
    BudgetLine,
    FundingApplication,
    FundingProgramme,
    ObligationKind,
)
from planner.measures import services as measures
from planner.process.models import Step, StepStatus
from tests.factories import BodyFactory, ResolutionFactory
from tests.funding import world
from tests.races import race

TODAY = date(2026, 11, 27)


def _app(ids) -> FundingApplication:
    return _db.session.get(FundingApplication, ids["application_id"])


def _data(ids, **kw) -> services.ApplicationData:
    base = dict(programme_id=ids["programme_id"], module_id=ids["module_id"], applicant_id=ids["org_id"],
                title="Antrag", year=2027, total_costs="100000", requested="80000")  # fmt: skip
    base.update(kw)
    return services.ApplicationData(**base)


def test_money_is_exact_and_german(db):
    assert parse_money("70.000,00 €") == Decimal("70000.00")
    assert parse_money("1.000") == Decimal("1000.00")
    assert parse_money("12500.5") == Decimal("12500.50")
    assert parse_money(" ") is None
    for bad, message in (("-1", "nicht negativ"), ("1000000000000", "zu groß"), ("12,345", "Cent"),
                         ("viel", "kein Betrag"), ("NaN", "kein Betrag"), ("1e5", "kein Betrag"),
                         ("12,500.00", "kein Betrag")):  # fmt: skip
        with pytest.raises(MoneyError, match=message):
            parse_money(bad)
    money = Money()
    assert money.process_bind_param(Decimal("0.10"), None) == 10
    assert money.process_result_value(1999, None) == Decimal("19.99")
    with pytest.raises(ValueError):
        money.process_bind_param(Decimal("0.001"), None)


def test_the_own_share_rule_and_the_maximum_are_checked_with_a_clear_message(db):
    ids = world.build()
    # 20 % of 93,750 is 18,750: 75,000 is exactly allowed
    app = services.save_application(None, _data(ids, total_costs="93.750", requested="75.000"))
    assert app.own_share == Decimal("18750.00")
    with pytest.raises(rules.OwnShareError) as info:
        services.save_application(None, _data(ids, total_costs="90000", requested="75000"))
    text = str(info.value)
    assert "15.000,00\u00a0€" in text and "16,67\u00a0%" in text and "mindestens 20\u00a0%" in text
    assert "18.000,00\u00a0€" in text and "höchstens 72.000,00\u00a0€" in text
    with pytest.raises(rules.AmountError, match="höchstens 75.000,00"):
        services.save_application(None, _data(ids, total_costs="200000", requested="80000"))
    with pytest.raises(rules.OwnShareError, match="übersteigt die Gesamtausgaben"):
        services.save_application(None, _data(ids, total_costs="1000", requested="2000"))
    for bad in ("-5", "0", "abc", "1e30", "12,500.00"):
        with pytest.raises(rules.AmountError):
            services.save_application(None, _data(ids, requested=bad))
    _db.session.rollback()
    # a programme without modules: its own rule; without a rule, anything up to the costs
    bare = services.save_programme(None, services.ProgrammeData(name="Ohne Regel"))
    free = services.save_application(None, _data(ids, programme_id=bare.id, module_id=None,
                                                 total_costs="100", requested="100"))  # fmt: skip
    assert free.own_share == Decimal("0.00")


def test_programme_module_and_call_rules(db):
    ids = world.build()
    programme = _db.session.get(FundingProgramme, ids["programme_id"])
    with pytest.raises(rules.NameTaken):
        services.save_programme(None, services.ProgrammeData(name=programme.name.upper()))
    with pytest.raises(rules.YearError, match="endet vor"):
        services.save_programme(
            None, services.ProgrammeData(name="X", first_year=2020, last_year=2019)
        )
    with pytest.raises(rules.AmountError, match="zwischen 0 und 100"):
        services.save_programme(None, services.ProgrammeData(name="Y", own_share_percent="120"))
    with pytest.raises(rules.YearError, match="läuft 2017–2030"):
        services.save_call(programme, None, services.CallData("Zu spät", 2031, date(2030, 1, 1)))
    with pytest.raises(rules.DateError, match="vor dem Beginn"):
        services.save_call(programme, None, services.CallData(
            "Verkehrt", 2027, date(2026, 1, 1), opens_on=date(2026, 2, 1)))  # fmt: skip
    with pytest.raises(rules.FundingError, match="Anträge"):
        services.delete_programme(programme)
    # the call's closing date is a funding deadline
    deadline = _db.session.scalar(select(Deadline).where(
        Deadline.owner_type == "funding_call", Deadline.owner_id == ids["call_id"]))  # fmt: skip
    assert deadline.kind == DeadlineKind.FOERDERFRIST and deadline.due_date == date(2026, 12, 31)
    # the application's year comes from its call
    assert _app(ids).year == 2027


def test_status_moves_one_step_at_a_time_with_dates(db):
    ids = world.build()
    app = _app(ids)
    assert services.allowed_next(app.status) == [ApplicationStatus.EINGEREICHT,
                                                 ApplicationStatus.ZURUECKGEZOGEN]  # fmt: skip
    with pytest.raises(rules.StatusError, match="Schritte einzeln"):
        services.change_status(app, services.StatusChange("bewilligt", date(2026, 5, 1)), TODAY)
    with pytest.raises(rules.StatusError, match="gibt es nicht"):
        services.change_status(app, services.StatusChange("genehmigt", date(2026, 5, 1)), TODAY)
    with pytest.raises(rules.DateError, match="Datum an"):
        services.change_status(app, services.StatusChange("eingereicht", None), TODAY)
    services.change_status(app, services.StatusChange("eingereicht", date(2026, 5, 1)), TODAY)
    assert app.submitted_on == date(2026, 5, 1)
    call_deadline = _db.session.scalar(select(Deadline).where(
        Deadline.owner_type == "funding_call", Deadline.owner_id == ids["call_id"]))  # fmt: skip
    assert call_deadline.state == DeadlineState.ERLEDIGT  # the call's closing date is met
    with pytest.raises(rules.DateError, match="vor der Einreichung"):
        services.change_status(app, services.StatusChange("abgelehnt", date(2026, 4, 1)), TODAY)
    services.change_status(app, services.StatusChange("abgelehnt", date(2026, 6, 1)), TODAY)
    assert app.decided_on == date(2026, 6, 1) and app.granted is None
    # contested: filed again, decided anew
    services.change_status(app, services.StatusChange("eingereicht", date(2026, 6, 20)), TODAY)
    assert app.decided_on is None and app.submitted_on == date(2026, 5, 1)
    services.change_status(app, services.StatusChange("zurueckgezogen", date(2026, 7, 1)), TODAY)
    assert app.withdrawn_on == date(2026, 7, 1)
    with pytest.raises(rules.StatusError):
        services.change_status(app, services.StatusChange("bewilligt", date(2026, 7, 2)), TODAY)
    with pytest.raises(rules.StatusError, match="in Vorbereitung"):
        services.delete_application(_db.session.get(FundingApplication, ids["granted_id"]))


def test_a_grant_is_at_most_the_request_and_less_is_partial(db):
    ids = world.build()
    app = _app(ids)
    services.change_status(app, services.StatusChange("eingereicht", date(2026, 5, 1)), TODAY)
    with pytest.raises(rules.GrantError, match="höchstens die beantragten 75.000,00"):
        services.change_status(app, services.StatusChange("bewilligt", date(2026, 6, 1),
                                                          granted="75000,01"), TODAY)  # fmt: skip
    with pytest.raises(rules.GrantError, match="teilweise bewilligt"):
        services.change_status(app, services.StatusChange("bewilligt", date(2026, 6, 1),
                                                          granted="60000"), TODAY)  # fmt: skip
    with pytest.raises(rules.DateError, match="endet vor seinem Beginn"):
        services.change_status(app, services.StatusChange("bewilligt", date(2026, 6, 1),
                                                          period_end=date(2020, 1, 1)), TODAY)  # fmt: skip
    with pytest.raises(rules.GrantError, match="bewilligten Betrag"):
        services.change_status(app, services.StatusChange("teilweise_bewilligt", date(2026, 6, 1)),
                               TODAY)  # fmt: skip
    _db.session.rollback()
    app = _app(ids)
    assert app.status == ApplicationStatus.VORBEREITUNG  # nothing of the refused steps kept
    services.change_status(app, services.StatusChange("eingereicht", date(2026, 5, 1)), TODAY)
    services.change_status(app, services.StatusChange("teilweise_bewilligt", date(2026, 6, 1),
                                                      granted="60.000"), TODAY)  # fmt: skip
    assert app.granted == Decimal("60000.00") and app.own_share == Decimal("33750.00")
    # a changed notice: the full amount after all
    services.change_status(app, services.StatusChange("bewilligt", date(2026, 7, 1)), TODAY)
    assert app.granted == Decimal("75000.00") and app.decided_on == date(2026, 6, 1)
    with pytest.raises(rules.GrantError, match="weniger kann nicht"):
        services.save_application(app, _data(ids, total_costs="93750", requested="70000"))


def test_a_grant_creates_its_duties_as_deadlines_editable_afterwards(db):
    ids = world.build()
    app = _app(ids)
    app.responsible_id = None
    services.change_status(app, services.StatusChange("eingereicht", date(2026, 5, 1)), TODAY)
    services.change_status(app, services.StatusChange(
        "bewilligt", date(2026, 6, 15), period_start=date(2026, 7, 1), period_end=date(2028, 6, 30),
    ), TODAY)  # fmt: skip
    duties = [(o.kind, o.due_date) for o in services.obligations_of(app.id)]
    assert duties == [
        (ObligationKind.BEGINN, date(2026, 7, 1)),
        (ObligationKind.MITTELABRUF, date(2026, 7, 31)),
        (ObligationKind.ZWISCHENNACHWEIS, date(2027, 4, 30)),
        (ObligationKind.ZWISCHENNACHWEIS, date(2028, 4, 30)),
        (ObligationKind.VERWENDUNGSNACHWEIS, date(2028, 12, 31)),
    ]
    rows = _db.session.scalars(select(Deadline).where(Deadline.owner_type == "grant_obligation")
                               .where(Deadline.owner_id.in_([o.id for o in services.obligations_of(app.id)])))  # fmt: skip
    deadlines = {d.due_date: d for d in rows}
    assert len(deadlines) == 5 and all(
        d.kind == DeadlineKind.FOERDERFRIST for d in deadlines.values()
    )
    assert deadlines[date(2028, 12, 31)].organisation_id == ids["org_id"]
    proof = services.obligations_of(app.id)[-1]
    services.save_obligation(app, proof, "verwendungsnachweis", "Verwendungsnachweis (verlängert)",
                             date(2029, 3, 31))  # fmt: skip
    _db.session.expire_all()
    moved = _db.session.scalar(select(Deadline).where(Deadline.owner_type == "grant_obligation",
                                                      Deadline.owner_id == proof.id))  # fmt: skip
    assert moved.due_date == date(2029, 3, 31) and "verlängert" in moved.title
    # the duties are created once: a changed notice keeps the edited dates
    services.change_status(app, services.StatusChange("teilweise_bewilligt", date(2026, 8, 1),
                                                      granted="70000"), TODAY)  # fmt: skip
    assert len(services.obligations_of(app.id)) == 5


def test_a_grant_proposes_to_lift_the_block_and_creates_the_step_for_the_body(db):
    ids = world.build()
    app = _app(ids)
    line = _db.session.get(BudgetLine, ids["line_id"])
    assert line.state == "gesperrt"
    with pytest.raises(rules.DateError, match="noch nicht erfüllt"):
        budget.lift_block(line, date(2026, 5, 1), None, TODAY)
    services.change_status(app, services.StatusChange("eingereicht", date(2026, 5, 1)), TODAY)
    assert line.lift_proposed_on is None  # filed is not granted
    proposed = services.change_status(app, services.StatusChange("bewilligt", date(2026, 6, 15)),
                                      TODAY)  # fmt: skip
    assert proposed == [line] and line.state == "vorgeschlagen"
    assert line.lift_proposed_on == date(2026, 6, 15)
    step = _db.session.get(Step, line.lift_step_id)
    assert step.process_id == ids["process_id"] and step.status == StepStatus.OFFEN
    assert "Sperrvermerk aufheben" in step.title and "Sozialausschuss" in step.description
    assert step.due_date == date(2026, 7, 27)  # six weeks: the body's next round
    # a second grant notice does not create a second step
    services.change_status(app, services.StatusChange("teilweise_bewilligt", date(2026, 7, 1),
                                                      granted="70000"), TODAY)  # fmt: skip
    assert (
        _db.session.scalar(select(Step.id).where(Step.title == step.title, Step.id != step.id))
        is None
    )
    # the lift: only by the body named, not before its resolution, not in the future
    other = ResolutionFactory(body=BodyFactory(name="Kreistag"), date=date(2026, 7, 1))
    with pytest.raises(rules.ResolutionError, match="Sozialausschuss"):
        budget.lift_block(line, date(2026, 8, 1), other.id, TODAY)
    with pytest.raises(rules.DateError, match="wenn sie beschlossen"):
        budget.lift_block(line, date(2027, 1, 1), ids["resolution_id"], TODAY)
    budget.lift_block(line, date(2026, 8, 1), ids["resolution_id"], TODAY)
    assert line.state == "aufgehoben" and line.available
    assert step.status == StepStatus.ERLEDIGT
    with pytest.raises(rules.FundingError, match="schon am 01.08.2026"):
        budget.lift_block(line, date(2026, 8, 2), None, TODAY)


def test_a_line_tied_to_an_application_already_granted_is_proposed_at_once(db):
    ids = world.build()
    line = budget.save_budget_line(None, budget.BudgetLineData(
        year=2027, amount="5000", purpose="Nachträglich gesperrt", blocked=True,
        block_condition="Förderung", application_id=ids["granted_id"]))  # fmt: skip
    assert line.state == "vorgeschlagen" and line.lift_step_id is not None


def test_money_for_measures_stays_within_the_line_and_is_not_spent_while_blocked(db):
    ids = world.build()
    blocked = _db.session.get(BudgetLine, ids["line_id"])
    free = _db.session.get(BudgetLine, ids["free_line_id"])
    budget.set_allocation(blocked, ids["measure_id"], "30000", "0")  # planning is fine
    with pytest.raises(rules.AmountError, match="Gesperrte Mittel"):
        budget.set_allocation(blocked, ids["measure_id"], "30000", "1")
    _db.session.rollback()
    free = _db.session.get(BudgetLine, ids["free_line_id"])
    with pytest.raises(rules.AmountError, match="Verplant wären 20.000,01"):
        budget.set_allocation(free, ids["measure_id"], "20000,01", "0")
    _db.session.rollback()
    free = _db.session.get(BudgetLine, ids["free_line_id"])
    assert budget.line_totals(free.id) == (Decimal("10000.00"), Decimal("2500.50"))
    with pytest.raises(rules.AmountError, match="kann nicht kleiner"):
        budget.save_budget_line(free, budget.BudgetLineData(year=2027, amount="9999",
                                                                purpose=free.purpose))  # fmt: skip
    _db.session.rollback()
    # money spent keeps the measure and the line
    measure = measures.measures_by_ids([ids["measure_id"]])[0]
    with pytest.raises(measures.MeasureError, match="Haushaltsansatz"):
        measures.delete_measure(measure)
    with pytest.raises(rules.FundingError, match="ausgegeben"):
        budget.delete_budget_line(_db.session.get(BudgetLine, ids["free_line_id"]))


def test_sums_over_many_lines_add_up_to_the_cent(db):
    """Thousands of amounts with cents (0.10 + 0.20 is 0.30 here): the overview's sums equal
    the exact decimal sums of the rows, per year and in total, on every database."""
    world.build()
    rnd = random.Random(10)
    amounts = [Decimal(rnd.randint(1, 10_000_000)) / 100 for _ in range(3000)]
    amounts[:3] = [Decimal("0.10"), Decimal("0.20"), Decimal("0.70")]
    _db.session.execute(BudgetLine.__table__.insert(), [
        {"year": 2020 + i % 3, "amount": a, "purpose": f"Ansatz {i}", "blocked": i % 2 == 0,
         "created_at": _now(), "updated_at": _now()} for i, a in enumerate(amounts)])  # fmt: skip
    sums = overview.overview()
    by_year = {year: subtotal for year, _rows, subtotal in sums.years}
    for year in (2020, 2021, 2022):
        expected = sum((a for i, a in enumerate(amounts) if 2020 + i % 3 == year), Decimal("0"))
        got = by_year[year].blocked + by_year[year].released
        assert got == expected and isinstance(got, Decimal)
        assert got == got.quantize(Decimal("0.01"))
    total = sum(amounts, Decimal("0")) + Decimal("70000") + Decimal("20000")
    assert sums.total.blocked + sums.total.released == total
    assert sums.total.granted == Decimal("40000.00")
    assert sums.total.own_share == Decimal("10000.00")
    assert sums.total.preparing == Decimal("75000.00")


def _now():
    from planner.core.models import utcnow

    return utcnow()


def test_measures_without_funding(db):
    world.build()
    bare = measures.save_measure(None, measures.MeasureData(title="Ohne Geld"),
                                 world._planner())  # fmt: skip
    measures.set_status(bare, "geplant", None)
    idea = measures.save_measure(
        None, measures.MeasureData(title="Nur eine Idee"), world._planner()
    )
    titles = [m.title for m in overview.unfunded_measures()]
    assert "Ohne Geld" in titles and idea.title not in titles
    assert all("Sozialplanerstelle" not in t for t in titles)  # funded by the application


def test_the_demo_tells_the_seed_story(db):
    from planner.demo import load_demo

    load_demo()
    _db.session.commit()
    line = _db.session.scalar(select(BudgetLine).where(BudgetLine.year == 2018))
    assert line.amount == Decimal("70000.00") and line.state == "gesperrt"
    assert "Ausschuss für Soziales" in line.lift_body.name
    assert line.application.status == ApplicationStatus.VORBEREITUNG
    assert line.application.call.year == 2018
    assert len(services.linked_step_ids(line.application.id)) == 2  # concept and monitoring
    rule = rules.rule_for(line.application.programme, line.application.module)
    assert rule.max_amount == Decimal("75000.00") and rule.own_share_percent == Decimal("20.00")
    calls = services.calls_of(line.application.programme_id)
    assert sorted(c.year for c in calls) == [2017, 2018, 2019, 2020]
    # the past closing dates are done, not late
    states = {d.state for d in _db.session.scalars(
        select(Deadline).where(Deadline.owner_type.in_(["funding_call", "grant_obligation"])))}  # fmt: skip
    assert states == {DeadlineState.ERLEDIGT}
    load_demo()  # idempotent
    assert _db.session.scalar(select(BudgetLine.id).where(BudgetLine.id != line.id,
                                                          BudgetLine.year == 2018)) is None  # fmt: skip


def test_organisation_references_keep_applicants(db):
    from planner.accounts.models import Organisation
    from planner.stakeholders import services as stakeholders

    ids = world.build()
    org = _db.session.get(Organisation, ids["org_id"])
    with pytest.raises(stakeholders.StakeholderError, match="Förder"):
        stakeholders.delete_organisation(org)


def test_more_rules_of_applications(db):
    ids = world.build()
    # a programme with modules: the module (and its rule) must be chosen
    with pytest.raises(rules.ModuleError, match="Modul"):
        services.save_application(
            None, _data(ids, module_id=None, total_costs="90000", requested="75000")
        )
    # call and funding year agree
    with pytest.raises(rules.YearError, match="Förderjahr 2027"):
        services.save_application(None, _data(ids, call_id=ids["call_id"], year=2028))
    with pytest.raises(rules.TotalCostsError, match="kein Betrag"):
        services.save_application(None, _data(ids, total_costs="neunzigtausend"))
    with pytest.raises(rules.PercentError):
        services.save_programme(None, services.ProgrammeData(name="P", own_share_percent="abc"))
    with pytest.raises(rules.BlockError):
        budget.save_budget_line(None, budget.BudgetLineData(year=2027, amount="1", purpose="x",
                                                                blocked=True))  # fmt: skip


def test_a_decision_entered_by_mistake_is_taken_back_with_its_proposal_and_duties(db):
    ids = world.build()
    app = _app(ids)
    line = _db.session.get(BudgetLine, ids["line_id"])
    services.change_status(app, services.StatusChange("eingereicht", date(2026, 5, 1)), TODAY)
    services.change_status(app, services.StatusChange("bewilligt", date(2026, 6, 15)), TODAY)
    step = _db.session.get(Step, line.lift_step_id)
    assert services.allowed_next(app.status)[0] == ApplicationStatus.TEILWEISE
    services.change_status(app, services.StatusChange("eingereicht", date(2026, 5, 2)), TODAY)
    assert app.granted is None and app.decided_on is None and app.period_start is None
    assert line.state == "gesperrt" and line.lift_step_id is None
    assert step.status == StepStatus.ENTFALLEN
    assert services.obligations_of(app.id) == []
    # granted again: a new proposal, a new step
    services.change_status(app, services.StatusChange("bewilligt", date(2026, 7, 1)), TODAY)
    assert line.state == "vorgeschlagen" and line.lift_step_id not in (None, step.id)
    # the lift not before the notice; entered by mistake, it is taken back
    with pytest.raises(rules.DateError, match="Bescheid vom 01.07.2026"):
        budget.lift_block(line, date(2026, 6, 30), None, TODAY)
    budget.lift_block(line, date(2026, 7, 10), None, TODAY)
    lift_step = _db.session.get(Step, line.lift_step_id)
    assert lift_step.status == StepStatus.ERLEDIGT and lift_step.done_at.date() == date(2026, 7, 10)
    budget.undo_lift(line)
    assert line.state == "vorgeschlagen" and lift_step.status == StepStatus.OFFEN
    # a waiver after the grant: the duties leave the calendar
    services.change_status(app, services.StatusChange("zurueckgezogen", date(2026, 8, 1)), TODAY)
    assert app.withdrawn_on == date(2026, 8, 1) and len(services.obligations_of(app.id)) == 3
    assert _db.session.scalar(select(Deadline.id).where(Deadline.owner_type == "grant_obligation",
        Deadline.owner_id.in_([o.id for o in services.obligations_of(app.id)]))) is None  # fmt: skip


def test_spent_never_exceeds_planned_and_is_shown_at_its_field(db):
    ids = world.build()
    free = _db.session.get(BudgetLine, ids["free_line_id"])
    with pytest.raises(rules.SpentError, match="mehr als geplant"):
        budget.set_allocation(free, ids["measure_id"], "1000", "1500")
    with pytest.raises(rules.SpentError, match="kein Betrag"):
        budget.set_allocation(free, ids["measure_id"], "1000", "abc")


def test_funding_deadlines_are_for_planners_and_those_responsible(db):
    from planner.deadlines import services as deadlines
    from tests.factories import UserFactory

    ids = world.build()
    supplier = UserFactory(role="supplier")
    from planner.accounts.models import Organisation

    applicant = UserFactory(
        role="participant", organisation=_db.session.get(Organisation, ids["org_id"])
    )
    call = _db.session.scalar(select(Deadline).where(Deadline.owner_type == "funding_call"))
    duty = _db.session.scalar(select(Deadline).where(Deadline.owner_type == "grant_obligation"))
    assert not deadlines.can_see(supplier, call) and not deadlines.can_see(supplier, duty)
    assert deadlines.can_see(applicant, duty)  # the applicant's duty
    overdue, coming = overview.open_deadlines(TODAY)
    assert [d.owner_type for d in coming][:1] == ["funding_call"]  # 31.12.2026
    assert all(d.due_date < TODAY for d in overdue) and all(d.due_date >= TODAY for d in coming)


def test_money_text_is_babels_german_format_for_every_amount():
    """fmt_money's fast path writes exactly what Babel's de_DE pattern writes."""
    from babel import numbers

    from planner.core.i18n import fmt_money

    rnd = random.Random(7)
    values = [Decimal(rnd.randint(-(10**14), 10**14)) / 100 for _ in range(5000)]
    values += [Decimal("0"), Decimal("0.00"), Decimal("-0.00"), Decimal("999999999999.99"), 7]
    for value in values:
        expected = numbers.format_decimal(value, format="#,##0.00", locale="de_DE") + "\u00a0€"
        assert fmt_money(value) == expected, value


def test_the_same_money_or_name_written_at_once_gets_a_german_message(db):
    from planner.core.models import utcnow
    from planner.funding.models import BudgetAllocation

    ids = world.build()
    free_id = ids["free_line_id"]
    other = measures.save_measure(None, measures.MeasureData(title="Zweite"), world._planner())
    _db.session.commit()
    fired, stop = race(lambda c: c.execute(BudgetAllocation.__table__.insert().values(
        budget_line_id=free_id, measure_id=other.id, planned=Decimal("1.00"), spent=Decimal("0.00"))))  # fmt: skip
    try:
        with pytest.raises(services.FundingError, match="gleichzeitig"):
            budget.set_allocation(_db.session.get(BudgetLine, free_id), other.id, "5", "0")
    finally:
        stop()
    assert fired
    _db.session.rollback()
    rows = _db.session.scalars(
        select(BudgetAllocation).where(BudgetAllocation.measure_id == other.id)
    )
    assert [a.planned for a in rows] == [Decimal("1.00")]  # the first one's, nothing half written

    now = utcnow()
    fired, stop = race(lambda c: c.execute(FundingProgramme.__table__.insert().values(
        name="Gleichzeitig", created_at=now, updated_at=now)))  # fmt: skip
    try:
        with pytest.raises(rules.NameTaken, match="gibt es schon"):
            services.save_programme(None, services.ProgrammeData(name="Gleichzeitig"))
    finally:
        stop()
    assert fired
    _db.session.rollback()
    assert len(_db.session.scalars(
        select(FundingProgramme).where(FundingProgramme.name == "Gleichzeitig")).all()) == 1  # fmt: skip
