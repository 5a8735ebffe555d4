"""Demo funding of the seed's story: the programme "NRW hält zusammen …" of the ministry (MAIS)
with its module Sozialplanung (at most 75,000 EUR, 20 % own share), oversubscribed in 2017 with
calls planned for 2018 to 2020; the Rhein-Sieg-Kreis' application, planned in 2017 for the
2018 call and still in preparation; the 70,000 EUR of the 2018 budget, blocked for the social
committee until the state or federal government funds the work; and, as the model, the
Rheinisch-Bergischer Kreis' granted application for its social planner post with the duties
that followed the grant (done)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from planner.accounts.models import Organisation
from planner.deadlines import services as deadlines
from planner.extensions import db
from planner.funding import budget, rules, services
from planner.funding.models import FundingProgramme
from planner.governance import demo as governance_demo
from planner.governance.models import Body
from planner.process import demo as process_demo
from planner.process.models import Process, Step

PROGRAMME = "NRW hält zusammen … für ein Leben ohne Armut und Ausgrenzung"
MAIS = "Ministerium für Arbeit, Integration und Soziales NRW (MAIS)"
RSK = "Rhein-Sieg-Kreis, Kreisverwaltung"
RBK = "Rheinisch-Bergischer Kreis"
CALLS = [  # title, funding year, opens, closes, note
    ("Aufruf 2017", 2017, date(2016, 11, 1), date(2017, 1, 31),
     "Deutlich überzeichnet: der Fördertopf für 2017 ist ausgeschöpft."),
    ("Aufruf 2018", 2018, date(2017, 9, 1), date(2017, 10, 31), None),
    ("Aufruf 2019", 2019, date(2018, 9, 1), date(2018, 10, 31), "Weiterführung vorgesehen"),
    ("Aufruf 2020", 2020, date(2019, 9, 1), date(2019, 10, 31), "Weiterführung vorgesehen"),
]  # fmt: skip


def _org(name: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def _financed_steps() -> list[int]:
    """What the 70,000 EUR and the grant pay for in the first cycle: the basic concept and the
    small-area monitoring."""
    return list(db.session.scalars(
        select(Step.id).join(Process, Process.id == Step.process_id)
        .where(Process.title == process_demo.TITLE,
               Step.template_step.in_(["grundkonzept", "monitoring"]))
    ))  # fmt: skip


def load() -> None:
    if db.session.scalar(select(FundingProgramme.id).where(FundingProgramme.name == PROGRAMME)):
        return
    mais, rsk, rbk = _org(MAIS), _org(RSK), _org(RBK)
    if rsk is None:
        return
    programme = services.save_programme(None, services.ProgrammeData(
        name=PROGRAMME, funder_id=mais.id if mais else None,
        legal_basis="Förderaufruf des MAIS NRW; §§ 23, 44 LHO NRW mit den ANBest-P",
        first_year=2017, last_year=2020,
        eligible_costs="Personal- und Sachausgaben für den Aufbau einer integrierten, "
                       "sozialraumorientierten Sozialplanung",
        notes="Für 2017 deutlich überzeichnet; die Weiterführung des Aufrufs in den Jahren "
              "2018 bis 2020 ist vorgesehen.",
    ))  # fmt: skip
    module = services.save_module(programme, None, services.ModuleData(
        name="Sozialplanung", max_amount="75000", own_share_percent="20",
        eligible_costs="Stelle einer Sozialplanerin / eines Sozialplaners, Datenaufbereitung, "
                       "Beteiligungsformate",
    ))  # fmt: skip
    calls = {}
    for title, year, opens, closes, note in CALLS:
        calls[year] = services.save_call(programme, None, services.CallData(
            title=title, year=year, opens_on=opens, closes_on=closes, module_id=module.id,
            notes=note))  # fmt: skip
    # the closing dates of the past are over: done in the calendar, not late
    for call in calls.values():
        for deadline in deadlines.states_of(rules.CALL_OWNER, [call.id]).values():
            deadlines.mark_done(deadline, None)

    # the model: the neighbouring district's grant for its social planner post
    if rbk is not None:
        model = services.save_application(None, services.ApplicationData(
            programme_id=programme.id, module_id=module.id, call_id=calls[2017].id,
            applicant_id=rbk.id, title="Stelle einer Sozialplanerin im Rheinisch-Bergischen Kreis",
            year=2017, total_costs="93750", requested="75000",
            notes="Vorbild aus der Vorlage: Antrag an das MAIS nach dem Kreistagsbeschluss zur "
                  "Grundkonzeption.",
        ))  # fmt: skip
        services.change_status(model, services.StatusChange("eingereicht", date(2016, 12, 15)),
                               date(2016, 12, 15))  # fmt: skip
        services.change_status(model, services.StatusChange(
            "bewilligt", date(2017, 3, 1), authority_id=mais.id if mais else None,
            period_start=date(2017, 4, 1), period_end=date(2018, 3, 31),
        ), date(2017, 3, 1))  # fmt: skip
        for obligation in services.obligations_of(model.id):
            for deadline in deadlines.states_of(rules.OBLIGATION_OWNER, [obligation.id]).values():
                deadlines.mark_done(deadline, None)

    # the Rhein-Sieg-Kreis: application planned in 2017 for the 2018 call, 80 % of 93,750 EUR
    application = services.save_application(None, services.ApplicationData(
        programme_id=programme.id, module_id=module.id, call_id=calls[2018].id,
        applicant_id=rsk.id, title="Aufbau einer strategischen Sozialplanung im Rhein-Sieg-Kreis",
        year=2018, total_costs="93750", requested="75000", step_ids=_financed_steps(),
        notes="Beschluss des Kreistags vom 19.12.2016: in 2017 einen Förderantrag stellen, "
              "sofern das Programm bis 2020 fortgeführt wird. Der Eigenanteil (18.750 €) kommt "
              "aus dem Haushaltsansatz 2018.",
    ))  # fmt: skip
    committee = db.session.scalar(select(Body).where(Body.name == governance_demo.AUSSCHUSS))
    budget.save_budget_line(None, budget.BudgetLineData(
        year=2018, amount="70000",
        purpose="Erarbeitung einer Zielsetzung und Definition der strategischen Sozialplanung",
        cost_centre="Produkt 05.01 Soziale Hilfen – Sozialplanung", blocked=True,
        block_condition="Vorbehaltlich einer Förderung durch das Land NRW oder den Bund "
                        "(Kreistagsbeschluss vom 19.12.2016)",
        lift_body_id=committee.id if committee else None, application_id=application.id,
    ))  # fmt: skip
