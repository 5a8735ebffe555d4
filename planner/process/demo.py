"""The demo's process plan: the Rhein-Sieg-Kreis' strategic social planning, started from the
standard template on the day of the Kreistag resolution (cycle 1, done), and its second
cycle running now (some steps done, some late, the rest ahead)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from planner.accounts.models import Organisation
from planner.deadlines.services import today_in_berlin
from planner.extensions import db
from planner.governance import demo as governance_demo
from planner.process import services
from planner.process.models import Phase, Process, Step, StepStatus
from planner.stakeholders.models import Person

TITLE = "Strategische Sozialplanung Rhein-Sieg-Kreis"
SECOND = "Strategische Sozialplanung Rhein-Sieg-Kreis (2. Zyklus)"
RSK = "Rhein-Sieg-Kreis, Kreisverwaltung"

# story dates of cycle 1, by template step: (due date, resolution key)
STORY = {
    "grundsatzbeschluss": (date(2016, 12, 19), "kreistag"),
    "fachberatung": (date(2017, 6, 19), "fsa"),
    "beteiligung": (date(2017, 9, 30), "kreistag"),
    "foerderantrag": (date(2017, 10, 31), "kreistag"),
}
FOERDER_NOTE = (
    "Der Fördertopf „NRW hält zusammen … für ein Leben ohne Armut und Ausgrenzung“ war für 2017 "
    "deutlich überzeichnet; der Antrag wurde zum Aufruf 2018 gestellt."
)


def _step(process: Process, key: str) -> Step:
    return db.session.scalar(
        select(Step).where(Step.process_id == process.id, Step.template_step == key)
    )


def _person(name: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.name == name))


def _close_in_order(process: Process, keys: set[str] | None = None) -> None:
    steps = db.session.scalars(
        select(Step).where(Step.process_id == process.id).order_by(Step.position)
    )
    for step in steps:
        if keys is None or step.template_step in keys:
            services.set_status(step, StepStatus.ERLEDIGT)


def load() -> None:
    if db.session.scalar(select(Process.id).where(Process.title == TITLE)):
        return
    rsk = db.session.scalar(select(Organisation).where(Organisation.name == RSK))
    planner_person = _person("Sozialplanung Rhein-Sieg-Kreis")
    first = services.create_process(
        services.ProcessData(
            title=TITLE,
            start_date=date(2016, 12, 19),
            organisation_id=rsk.id if rsk else None,
            description="Vom Grundsatzbeschluss des Kreistags (19.12.2016) zum ersten Sozialbericht "
            "und den Fachplanerkonferenzen; Vorbild ist der Rheinisch-Bergische Kreis.",
        ),
        "standard",
    )
    for key, (due, resolution_key) in STORY.items():
        step = _step(first, key)
        step.due_date = due
        step.start_date = min(step.start_date or due, due)
        resolution = governance_demo.resolution(resolution_key)
        step.resolution_id = resolution.id if resolution else None
        if key == "foerderantrag":
            step.description = FOERDER_NOTE
    phase2 = db.session.scalar(
        select(Phase).where(Phase.process_id == first.id, Phase.position == 2)
    )
    kreistag = governance_demo.resolution("kreistag")
    block = services.create_step(
        first,
        services.StepData(
            title="Sperrvermerk über 70.000 € (Haushalt 2018) im Sozialausschuss aufheben lassen",
            phase_id=phase2.id,
            description="Die Mittel sind bis zu einer Förderung durch das Land NRW oder den Bund gesperrt.",
            responsible_organisation_id=rsk.id if rsk else None,
            start_date=date(2017, 11, 1),
            due_date=date(2018, 3, 1),
            resolution_id=kreistag.id if kreistag else None,
        ),
    )
    services.set_dependencies(block, [_step(first, "foerderantrag").id])
    if planner_person:
        for key in ("foerderantrag", "grundkonzept", "monitoring", "sozialbericht"):
            _step(first, key).responsible_person_id = planner_person.id
    db.session.flush()
    for step in db.session.scalars(select(Step).where(Step.process_id == first.id)):
        services.update_step(step, _data(step))
    _close_in_order(first)

    today = today_in_berlin()
    second = services.new_cycle(first, SECOND, today - timedelta(days=330))
    second.description = (
        "Fortschreibung nach dem ersten Berichtszyklus: neuer Sozialbericht, neue "
        "Fachplanerkonferenzen und Maßnahmen."
    )
    copied_block = db.session.scalar(
        select(Step).where(Step.process_id == second.id, Step.title == block.title)
    )
    services.set_status(copied_block, StepStatus.ENTFALLEN)  # the block was lifted in 2018
    # the second cycle's own story: begun, advised; involving the municipalities is late, the
    # funding application is waiting for the next call
    _close_in_order(second, {"grundsatzbeschluss", "fachberatung"})
    services.set_status(_step(second, "beteiligung"), StepStatus.IN_ARBEIT)
    services.set_status(_step(second, "foerderantrag"), StepStatus.BLOCKIERT)
    troisdorf = _person("Fachplanung Stadt Troisdorf")
    if troisdorf:
        step = _step(second, "raumgliederung")
        step.responsible_person_id = troisdorf.id
        services.update_step(step, _data(step))


def _data(step: Step) -> services.StepData:
    return services.StepData(
        title=step.title,
        phase_id=step.phase_id,
        description=step.description,
        responsible_organisation_id=step.responsible_organisation_id,
        responsible_person_id=step.responsible_person_id,
        start_date=step.start_date,
        due_date=step.due_date,
        resolution_id=step.resolution_id,
    )
