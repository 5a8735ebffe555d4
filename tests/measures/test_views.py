"""Logging at a conference (a participant invited to it, and nowhere else), editing measures of
one's organisation, comments, bad input refused at its field with nothing saved, the bulk
update all or nothing, the exports."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import func, select

from planner.extensions import db as _db
from planner.measures.models import Comment, Justification, Measure, MeasureStatus
from planner.meetings import services as meetings
from planner.meetings.models import MeetingKind
from tests.core.test_permissions import _snapshot
from tests.factories import OrganisationFactory
from tests.meetings import world as meetings_world
from tests.monitoring import world as monitoring_world


def _world():
    org = OrganisationFactory(name="Stadt Beispiel")
    monitoring = monitoring_world.build(org)
    ids = meetings_world.build(org, monitoring)
    return org, {**monitoring, **ids}


def _count(model) -> int:
    _db.session.expire_all()
    return _db.session.scalar(select(func.count()).select_from(model))


def test_an_invited_participant_logs_a_measure_justified_by_a_discussed_indicator(
    client, login_as, db
):
    org, ids = _world()
    login_as("participant", organisation=org)
    page = client.get(f"/massnahmen/neu?sitzung={ids['meeting_id']}")
    assert page.status_code == 200
    response = client.post(f"/massnahmen/neu?sitzung={ids['meeting_id']}", data={
        "title": "Sprechstunde im Quartier", "organisations": "", "agenda_item": str(ids["item_id"])})  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    measure = _db.session.scalar(select(Measure).where(Measure.title == "Sprechstunde im Quartier"))
    assert measure.meeting_id == ids["meeting_id"] and measure.agenda_item_id == ids["item_id"]
    assert [o.id for o in measure.organisations] == [org.id]  # the participant's own organisation
    form = client.get(f"/massnahmen/{measure.id}/begruendungen/neu").get_data(as_text=True)
    assert "SGB2" in form  # the indicator discussed at the conference is offered
    response = client.post(f"/massnahmen/{measure.id}/begruendungen/neu", data={
        "discussed": str(ids["indicator_id"]), "indicator": "", "areas": "K1-0",
        "period": "2020", "baseline": "", "target": "4,5"})  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    [justification] = _db.session.scalars(
        select(Justification).where(Justification.measure_id == measure.id)
    )
    assert justification.snapshot_value == 6.0 and justification.target == 4.5
    indicator_page = client.get(f"/indikatoren/{ids['indicator_id']}").get_data(as_text=True)
    assert "Sprechstunde im Quartier" in indicator_page


def test_a_participant_logs_nowhere_else(client, login_as, db):
    org, ids = _world()
    stranger = OrganisationFactory(name="Andere Gemeinde")
    start = meetings.now_local() + timedelta(days=3)
    service_meeting = meetings.save_meeting(None, meetings.MeetingData(
        kind=MeetingKind.DIENSTBESPRECHUNG, title="Dienstbesprechung", starts_at=start,
        ends_at=start + timedelta(hours=1)))  # fmt: skip
    meetings.invite(service_meeting, [], [stranger.id])
    _db.session.commit()
    login_as("participant", organisation=stranger)  # not invited to the conference
    before = _snapshot()
    for meeting_id in (ids["meeting_id"], service_meeting.id):
        assert client.get(f"/massnahmen/neu?sitzung={meeting_id}").status_code == 403
        assert (
            client.post(
                f"/massnahmen/neu?sitzung={meeting_id}", data={"title": "Heimlich"}
            ).status_code
            == 403
        )
    assert client.get("/massnahmen/neu").status_code == 403
    # a measure of another organisation: read and comment, not edit
    measure = f"/massnahmen/{ids['measure_id']}"
    assert client.get(measure).status_code == 200
    for url in (f"{measure}/bearbeiten", f"{measure}/begruendungen/neu", f"{measure}/fortschritt",
                f"{measure}/meilensteine/neu", f"/begruendungen/{ids['justification_id']}/ziel"):  # fmt: skip
        assert client.get(url).status_code == 403, url
        assert (
            client.post(
                url, data={"title": "Gehackt", "text": "x", "day": "2026-01-01"}
            ).status_code
            == 403
        ), url
    for url in (f"{measure}/status", f"/begruendungen/{ids['justification_id']}/entfernen",
                f"/meilensteine/{ids['milestone_id']}/loeschen", f"{measure}/loeschen"):  # fmt: skip
        assert client.post(url, data={"status": "verworfen"}).status_code == 403, url
    assert _snapshot() == before
    assert client.post(f"{measure}/kommentare", data={"text": "Gute Idee!"}).status_code == 302
    assert _count(Comment) == 1


def test_a_viewer_reads_but_neither_logs_nor_comments(client, login_as, db):
    org, ids = _world()
    login_as("viewer", organisation=org)
    assert client.get(f"/massnahmen/{ids['measure_id']}").status_code == 200
    assert (
        client.post(f"/massnahmen/{ids['measure_id']}/kommentare", data={"text": "x"}).status_code
        == 403
    )
    assert client.get(f"/massnahmen/neu?sitzung={ids['meeting_id']}").status_code == 403


def test_bad_input_is_refused_at_its_field_and_nothing_is_saved(client, login_as, db):
    org, ids = _world()
    login_as("planner")
    before = _snapshot()
    response = client.post("/massnahmen/neu", data={"title": "Zu spät", "start_date": "2026-05-01",
                                                    "end_date": "2026-04-01"})  # fmt: skip
    assert response.status_code == 422
    assert 'id="end_date-error"' in response.get_data(as_text=True)
    response = client.post(
        f"/massnahmen/{ids['measure_id']}/status", data={"status": "abgeschlossen"}
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and "Bitte gehen Sie die Schritte einzeln" in text
    assert 'id="status-error"' in text
    response = client.post(
        f"/begruendungen/{ids['justification_id']}/ziel", data={"baseline": "5", "target": "7"}
    )
    text = response.get_data(as_text=True)
    assert (
        response.status_code == 422
        and 'id="target-error"' in text
        and "unter dem Ausgangswert" in text
    )
    response = client.post(f"/massnahmen/{ids['measure_id']}/begruendungen/neu", data={
        "indicator": "SGB2", "areas": "K1-1", "period": "2020", "target": "99"})  # fmt: skip
    assert response.status_code == 422 and 'id="target-error"' in response.get_data(as_text=True)
    response = client.post("/massnahmen/neu", data={"title": "Teuer", "budget": "-100"})
    assert response.status_code == 422 and 'id="budget-error"' in response.get_data(as_text=True)
    assert _snapshot() == before


def _upload(client, text: str):
    return client.post("/massnahmen/aktualisieren", data={
        "file": (io.BytesIO(text.encode("utf-8")), "update.csv")}, content_type="multipart/form-data")  # fmt: skip


def test_a_bulk_update_with_one_bad_row_changes_nothing_and_lists_every_problem(
    client, login_as, db
):
    org, ids = _world()
    login_as("planner")
    second = meetings_world._planner()
    from planner.measures import services

    other = services.save_measure(None, services.MeasureData(title="Zweite"), second)
    _db.session.commit()
    before = _snapshot()
    response = _upload(client, f"nr;status;fortschritt_prozent;vermerk\n"
                               f"{ids['measure_id']};geplant;30;Träger gefunden\n"
                               f"{other.id};in Umsetzung;;\n"
                               f"999999;geplant;;\n"
                               f"{ids['measure_id']};geplant;;\n"
                               f"x;;150;\n"
                               f"abc;;viel;\n")  # fmt: skip
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Von „Idee“ geht es nicht zu „in Umsetzung“" in text  # row 3
    assert "Eine Maßnahme 999999 gibt es nicht" in text  # row 4
    assert "steht schon in Zeile 2" in text  # row 5
    assert text.count("keine Nummer") == 2  # rows 6 and 7
    assert "„viel“: bitte eine ganze Zahl" in text
    assert _snapshot() == before
    response = _upload(client, f"nr;status;fortschritt_prozent;vermerk\n"
                               f"{ids['measure_id']};geplant;30;Träger gefunden\n"
                               f"{other.id};Geplant;;\n")  # fmt: skip
    assert response.status_code == 302
    _db.session.expire_all()
    measure = _db.session.get(Measure, ids["measure_id"])
    assert measure.status == MeasureStatus.GEPLANT and measure.progress == 30
    assert _db.session.get(Measure, other.id).status == MeasureStatus.GEPLANT


def test_a_participant_bulk_updates_only_measures_of_their_organisation(client, login_as, db):
    org, ids = _world()
    from planner.measures import services

    foreign = services.save_measure(
        None, services.MeasureData(title="Fremd"), meetings_world._planner()
    )
    _db.session.commit()
    login_as("participant", organisation=org)
    response = _upload(client, f"nr;status\n{ids['measure_id']};geplant\n{foreign.id};geplant\n")
    assert response.status_code == 422 and "dürfen Sie nicht bearbeiten" in response.get_data(
        as_text=True
    )
    response = _upload(client, f"nr;status\n{ids['measure_id']};geplant\n")
    assert response.status_code == 302


def test_the_list_flags_measures_without_justification_and_exports_the_selection(
    client, login_as, db
):
    org, ids = _world()
    from planner.measures import services

    services.save_measure(None, services.MeasureData(title="Ohne Daten"), meetings_world._planner())
    _db.session.commit()
    login_as("viewer")
    page = client.get("/massnahmen/").get_data(as_text=True)
    assert page.count('badge--warn">ohne Begründung') == 1
    filtered = client.get("/massnahmen/?unjustified=y").get_data(as_text=True)
    assert "Ohne Daten" in filtered and "Familienzentrum" not in filtered
    by_indicator = client.get("/massnahmen/?indicator=SGB2").get_data(as_text=True)
    assert "Familienzentrum" in by_indicator and "Ohne Daten" not in by_indicator
    csv = client.get("/massnahmen/export.csv?unjustified=y").get_data(as_text=True)
    assert (
        csv.startswith("\ufeffnr;titel;status")
        and "Ohne Daten" in csv
        and "Familienzentrum" not in csv
    )
    workbook = load_workbook(io.BytesIO(client.get("/massnahmen/export.xlsx").data), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("nr", "titel", "status") and len(rows) == 3
