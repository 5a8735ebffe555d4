"""One object of each funding kind (ids for route walks: fuzz, role matrix, width check): the
programme "NRW hält zusammen" (module Sozialplanung: at most 75,000 EUR, 20 % own share) with a
call, a measure, a process with its phases, the committee that lifts a block, an application in
preparation with a budget line blocked until its grant, and a granted application with its
duties and money spent on the measure."""

from __future__ import annotations

from datetime import date

from planner.extensions import db as _db
from planner.funding import budget, services
from planner.measures import services as measures
from planner.process import services as process
from tests.factories import BodyFactory, OrganisationFactory, ResolutionFactory
from tests.meetings.world import _planner


def build(org=None, long_names: bool = False) -> dict[str, int]:
    word = "Förderprogrammbestandteil" * 3 if long_names else "Sozialplanung"
    org = org or OrganisationFactory(name="Kreis Beispiel")
    ministry = OrganisationFactory(name=f"Ministerium {word}")
    programme = services.save_programme(None, services.ProgrammeData(
        name=f"NRW hält zusammen {word}", funder_id=ministry.id, first_year=2017, last_year=2030,
        notes="Für 2017 überzeichnet",
    ))  # fmt: skip
    module = services.save_module(programme, None, services.ModuleData(
        name=word, max_amount="75.000,00", own_share_percent="20"))  # fmt: skip
    call = services.save_call(programme, None, services.CallData(
        title=f"Aufruf 2027 {word}", year=2027, closes_on=date(2026, 12, 31), module_id=module.id))  # fmt: skip
    measure = measures.save_measure(None, measures.MeasureData(
        title=f"Sozialplanerstelle {word}", organisation_ids=[org.id]), _planner())  # fmt: skip
    measures.set_status(measure, "geplant", None)
    plan = process.create_process(process.ProcessData(title=f"Prozess {word}",
                                                      start_date=date(2026, 1, 1)), "standard")  # fmt: skip
    committee = BodyFactory(name=f"Sozialausschuss {word}")
    resolution = ResolutionFactory(body=committee, date=date(2026, 2, 1), title="Aufhebung")
    preparing = services.save_application(None, services.ApplicationData(
        programme_id=programme.id, module_id=module.id, call_id=call.id, applicant_id=org.id,
        title=f"Antrag {word}", year=None, total_costs="93.750,00", requested="75.000,00",
        measure_ids=[measure.id]))  # fmt: skip
    line = budget.save_budget_line(None, budget.BudgetLineData(
        year=2027, amount="70.000,00", purpose=f"Zielsetzung {word}", blocked=True,
        block_condition="vorbehaltlich einer Förderung", lift_body_id=committee.id,
        application_id=preparing.id, process_id=plan.id))  # fmt: skip
    granted = services.save_application(None, services.ApplicationData(
        programme_id=programme.id, module_id=module.id, applicant_id=org.id,
        title=f"Bewilligter Antrag {word}", year=2027, total_costs="50000", requested="40000"))  # fmt: skip
    services.change_status(granted, services.StatusChange("eingereicht", date(2026, 1, 10)),
                           date(2026, 1, 10))  # fmt: skip
    services.change_status(granted, services.StatusChange("bewilligt", date(2026, 3, 1)),
                           date(2026, 3, 1))  # fmt: skip
    free = budget.save_budget_line(None, budget.BudgetLineData(
        year=2027, amount="20000", purpose=f"Eigenanteil {word}"))  # fmt: skip
    allocation = budget.set_allocation(free, measure.id, "10000", "2500,50")
    obligation = services.obligations_of(granted.id)[0]
    _db.session.commit()
    return {"programme_id": programme.id, "module_id": module.id, "call_id": call.id,
            "application_id": preparing.id, "granted_id": granted.id, "line_id": line.id,
            "free_line_id": free.id, "allocation_id": allocation.id,
            "obligation_id": obligation.id, "measure_id": measure.id, "process_id": plan.id,
            "body_id": committee.id, "resolution_id": resolution.id, "org_id": org.id}  # fmt: skip
