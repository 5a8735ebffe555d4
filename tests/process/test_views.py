"""Process pages: status, dependencies and mandates through the forms; the deadline of a step
follows the step; a resolution with mandates stays adopted."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from planner.deadlines.models import Deadline
from planner.extensions import db as _db
from planner.governance.models import Vote
from planner.process import services
from planner.process.models import Phase, Step, StepStatus
from tests.factories import BodyFactory, ResolutionFactory


def _process():
    process = services.create_process(
        services.ProcessData(title="Sozialplanung Test", start_date=date(2025, 1, 6)), "standard"
    )
    _db.session.commit()
    return process


def _step(process, key) -> Step:
    return _db.session.scalar(
        select(Step).where(Step.process_id == process.id, Step.template_step == key)
    )


def test_status_and_dependencies_through_the_pages(client, db, login_as):
    login_as("planner")
    process = _process()
    first, advice = _step(process, "grundsatzbeschluss"), _step(process, "fachberatung")
    refused = client.post(f"/prozessschritte/{advice.id}/status", data={"status": "erledigt"})
    page = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "kann erst beginnen" in page and "Grundsatzbeschluss des Kreistags" in page
    client.post(f"/prozessschritte/{first.id}/status", data={"status": "erledigt"})
    _db.session.expire_all()
    assert _db.session.get(Step, first.id).status == StepStatus.ERLEDIGT
    involve = _step(process, "beteiligung")
    cycle = client.post(f"/prozessschritte/{involve.id}/abhaengigkeiten",
                        data={"predecessors": [str(_step(process, "grundkonzept").id)]})  # fmt: skip
    assert cycle.status_code == 422
    assert "ergäbe einen Kreis" in cycle.get_data(as_text=True)
    # a finished step does not get an open predecessor afterwards
    late = client.post(f"/prozessschritte/{first.id}/abhaengigkeiten",
                       data={"predecessors": [str(_step(process, "foerderantrag").id)]})  # fmt: skip
    assert late.status_code == 422 and "nachträglich" in late.get_data(as_text=True)
    overview = client.get(f"/prozesse/{process.id}").get_data(as_text=True)
    assert "1 von 14 erledigt" in overview


def test_the_deadline_of_a_step_is_closed_through_the_step(client, db, login_as):
    login_as("planner")
    process = _process()
    first = _step(process, "grundsatzbeschluss")
    deadline = _db.session.scalar(
        select(Deadline).where(Deadline.owner_id == first.id, Deadline.owner_type == "process_step")
    )
    page = client.get(f"/fristen/{deadline.id}").get_data(as_text=True)
    assert "Als erledigt markieren" not in page and "der Status folgt dem Schritt" in page
    assert client.post(f"/fristen/{deadline.id}/erledigt").status_code == 403


def test_a_resolution_with_mandates_is_not_turned_into_a_rejected_one(client, db, login_as):
    login_as("planner")
    process = _process()
    body = BodyFactory(name="Kreistag")
    resolution = ResolutionFactory(body=body, title="Auftrag Sozialplanung")
    phase = _db.session.scalar(select(Phase).where(Phase.process_id == process.id).limit(1))
    response = client.post(f"/beschluesse/{resolution.id}/auftrag",
                           data={"title": "Förderantrag stellen", "phase": str(phase.id), "due_date": "2017-10-31"})  # fmt: skip
    assert response.status_code == 302
    assert "Förderantrag stellen" in client.get(f"/beschluesse/{resolution.id}").get_data(
        as_text=True
    )
    reject = client.post(f"/beschluesse/{resolution.id}/bearbeiten",
                         data={"body": "Kreistag", "date": "2017-03-27", "title": "Auftrag Sozialplanung",
                               "vote": "abgelehnt"})  # fmt: skip
    assert reject.status_code == 422 and "schon 1 Auftrag im Prozessplan" in reject.get_data(
        as_text=True
    )
    _db.session.expire_all()
    rejected = ResolutionFactory(body=body, vote=Vote.ABGELEHNT)
    form = client.get(f"/beschluesse/{rejected.id}/auftrag")
    assert form.status_code == 302
    assert "erteilt keinen Auftrag" in client.get(form.headers["Location"]).get_data(as_text=True)
