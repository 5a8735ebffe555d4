"""Delivery schedules, expected deliveries as deadlines, the supplier's upload (only for its
own organisation and only what it owes), the validation report, checking, completeness."""

from __future__ import annotations

import io
import time
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from planner.deadlines.models import Deadline, DeadlineKind, DeadlineState
from planner.extensions import db as _db
from planner.monitoring import deliveries
from planner.monitoring.models import Delivery, DeliveryState, ImportJob, JobState, Observation
from tests.factories import OrganisationFactory, UserFactory

TODAY = date(2021, 5, 10)


@pytest.fixture
def schedule(tree):
    org = OrganisationFactory(name="Stadt Astadt")
    saved = deliveries.save_schedule(None, deliveries.ScheduleData(
        name="SGB II Astadt", organisation_id=org.id, level="Sozialraum", indicator_ids=[tree.quote.id],
        first_period="2019", within_id=tree.a.id, due_months=3,
    ), TODAY)  # fmt: skip
    _db.session.commit()
    return saved


def test_a_schedule_plans_deliveries_with_deadlines(schedule):
    rows = _db.session.scalars(
        select(Delivery).where(Delivery.schedule_id == schedule.id).order_by(Delivery.period)
    ).all()
    # reference 31.12., due three months later on 31.03.; planned up to a year ahead
    assert [(d.period, d.due_date) for d in rows] == [
        ("2019", date(2020, 3, 31)),
        ("2020", date(2021, 3, 31)),
        ("2021", date(2022, 3, 31)),
    ]
    deadlines = _db.session.scalars(
        select(Deadline).where(Deadline.owner_type == "delivery").order_by(Deadline.due_date)
    ).all()
    assert [(d.kind, d.due_date, d.organisation_id) for d in deadlines] == [
        (DeadlineKind.LIEFERUNG, d.due_date, schedule.organisation_id) for d in rows
    ]
    assert rows[0].late(TODAY) and not rows[2].late(TODAY)
    assert deliveries.month_end_after(date(2020, 2, 29), 12) == date(2021, 2, 28)


def test_the_scope_of_a_delivery(schedule, tree):
    delivery = _db.session.scalar(select(Delivery).where(Delivery.period == "2020"))
    scope = deliveries.scope_of_delivery(delivery)
    from planner.monitoring.periods import parse_period

    assert scope.covers(tree.quote.id, tree.a1.id, parse_period("2020"))
    assert not scope.covers(tree.quote.id, tree.b1.id, parse_period("2020"))  # not within A
    assert not scope.covers(tree.quote.id, tree.a1.id, parse_period("2019"))  # another period
    assert not scope.covers(tree.share.id, tree.a1.id, parse_period("2020"))  # not owed


def test_the_template_lists_the_owed_areas_and_indicators(client, login_as, schedule):
    user = login_as("supplier", organisation=schedule.organisation)
    delivery = _db.session.scalar(select(Delivery).where(Delivery.period == "2020"))
    csv_text = client.get(f"/lieferungen/{delivery.id}/vorlage.csv").get_data().decode("utf-8-sig")
    assert csv_text.splitlines() == [
        "raum;name;SGB2",
        "05001-01;Astadt-Nord;",
        "05001-02;Astadt-Süd;",
    ]
    response = client.get(f"/lieferungen/{delivery.id}/vorlage.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        ["raum", "name", "SGB2"],
        ["05001-01", "Astadt-Nord", None],
        ["05001-02", "Astadt-Süd", None],
    ]
    assert user.organisation_id == delivery.organisation_id


def _upload(client, delivery, content: bytes, name="lieferung.csv"):
    return client.post(
        f"/lieferungen/{delivery.id}/hochladen",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_a_supplier_uploads_gets_the_report_fixes_and_the_planner_checks(
    client, login_as, schedule, tree
):
    login_as("supplier", organisation=schedule.organisation)
    delivery = _db.session.scalar(select(Delivery).where(Delivery.period == "2020"))
    response = _upload(
        client,
        delivery,
        "raum;name;SGB2\n05001-01;Astadt-Nord;7,5\n05001-02;Astadt-Süd;viel\n".encode(),
    )
    assert response.status_code == 302
    report = client.get(response.headers["Location"]).get_data(as_text=True)
    assert (
        "nicht übernommen" in report
        and "„viel“ ist keine gültige Zahl" in report
        and '<td data-label="Zeile">3</td>' in report
    )
    assert _db.session.scalar(select(func.count()).select_from(Observation)) == 0
    assert _db.session.get(Delivery, delivery.id).state == DeliveryState.EXPECTED

    response = _upload(
        client,
        delivery,
        "raum;name;SGB2\n05001-01;Astadt-Nord;7,5\n05001-02;Astadt-Süd;8\n".encode(),
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 Werte übernommen" in page
    _db.session.expire_all()
    received = _db.session.get(Delivery, delivery.id)
    assert received.state == DeliveryState.RECEIVED and received.rows == 2
    deadline = _db.session.scalar(
        select(Deadline).where(Deadline.owner_type == "delivery", Deadline.owner_id == delivery.id)
    )
    assert deadline.state == DeadlineState.ERLEDIGT
    values = dict(
        _db.session.execute(
            select(Observation.area_id, Observation.value).where(Observation.period == "2020")
        ).all()
    )
    assert values == {tree.a1.id: 7.5, tree.a2.id: 8.0}

    # the planner sees it received and marks it checked
    client.post("/abmelden")
    login_as("planner")
    overview = client.get("/lieferungen/").get_data(as_text=True)
    assert "Stadt Astadt" in overview and "eingegangen" in overview
    assert client.post(f"/lieferungen/{delivery.id}/geprueft").status_code == 302
    _db.session.expire_all()
    assert _db.session.get(Delivery, delivery.id).state == DeliveryState.CHECKED


def test_a_supplier_cannot_deliver_for_another_organisation(client, login_as, schedule, tree):
    login_as("supplier", organisation=OrganisationFactory(name="Andere Gemeinde"))
    delivery = _db.session.scalar(select(Delivery).where(Delivery.period == "2020"))
    assert client.get(f"/lieferungen/{delivery.id}").status_code == 404
    assert client.get(f"/lieferungen/{delivery.id}/vorlage.csv").status_code == 404
    assert _upload(client, delivery, b"raum;SGB2\n05001-01;1\n").status_code == 404
    assert _db.session.scalar(select(func.count()).select_from(ImportJob)) == 0
    assert client.get("/meine-lieferungen").status_code == 200
    assert "SGB II Astadt" not in client.get("/meine-lieferungen").get_data(as_text=True)


def test_a_supplier_delivers_only_what_the_delivery_owes(client, login_as, schedule, tree):
    login_as("supplier", organisation=schedule.organisation)
    delivery = _db.session.scalar(select(Delivery).where(Delivery.period == "2020"))
    response = _upload(
        client,
        delivery,
        b"indikator;raum;zeitraum;wert\nSGB2;05001-01;2020;5\nSGB2;05002-01;2020;5\nSGB2;05001-01;2019;4\n",
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert page.count("kein Lieferplan dafür") == 2
    assert _db.session.scalar(select(func.count()).select_from(Observation)) == 0


def test_large_files_run_in_the_background_with_progress(app, client, login_as, schedule, tree):
    login_as("planner")
    app.config["IMPORT_BACKGROUND_BYTES"] = 100
    try:
        lines = ["indikator;raum;zeitraum;wert"] + [
            f"SGB2;05001-0{1 + n % 2};{2000 + n // 2};{n}" for n in range(40)
        ]
        response = client.post("/werte/import", data={"file": (io.BytesIO("\n".join(lines).encode()), "gross.csv"), "layout": "auto"},
                               content_type="multipart/form-data")  # fmt: skip
        assert response.status_code == 302
        job_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
        for _ in range(100):
            status = client.get(f"/werte/importe/{job_id}/status.json").get_json()
            if status["state"] in ("fertig", "fehlerhaft"):
                break
            time.sleep(0.1)
        assert status["state"] == "fertig", status
        assert status["total"] == 40
    finally:
        app.config["IMPORT_BACKGROUND_BYTES"] = 256 * 1024
    _db.session.expire_all()
    job = _db.session.get(ImportJob, job_id)
    assert job.state == JobState.DONE and job.written == 40
    assert "40 Werte übernommen" in client.get(f"/werte/importe/{job_id}").get_data(as_text=True)


def test_completeness_counts(schedule, tree):
    rows = _db.session.scalars(select(Delivery).order_by(Delivery.period)).all()
    from datetime import UTC, datetime

    deliveries.mark_received(rows[0], 2, now=datetime(2020, 3, 1, tzinfo=UTC))  # on time
    deliveries.mark_received(rows[1], 2, now=datetime(2021, 4, 20, tzinfo=UTC))  # late
    _db.session.commit()
    periods, cells, more = deliveries.completeness(TODAY)
    by_period = {c.period: c for c in cells}
    assert periods == ["2021", "2020", "2019"] and not more
    assert (
        by_period["2019"].received,
        by_period["2019"].late,
        by_period["2019"].share_on_time,
    ) == (1, 0, 100.0)
    assert (
        by_period["2020"].received,
        by_period["2020"].late,
        by_period["2020"].share_on_time,
    ) == (1, 1, 0.0)
    assert (by_period["2021"].expected, by_period["2021"].late) == (1, 0)


def test_schedules_refuse_nonsense(tree):
    org = OrganisationFactory()
    data = deliveries.ScheduleData(name="X", organisation_id=org.id, level="Sozialraum", indicator_ids=[tree.quote.id],
                                   first_period="2020", last_period="2019")  # fmt: skip
    with pytest.raises(deliveries.DeliveryError, match="vor dem ersten"):
        deliveries.save_schedule(None, data, TODAY)
    data.last_period, data.first_period = None, "2020-Q1"
    with pytest.raises(deliveries.DeliveryError, match="Periodizität"):
        deliveries.save_schedule(None, data, TODAY)
    data.first_period, data.level = "2020", "Mond"
    with pytest.raises(deliveries.DeliveryError, match="keine Räume"):
        deliveries.save_schedule(None, data, TODAY)


def test_the_daily_job_plans_the_next_periods(app, schedule):
    from planner.deadlines.scheduler import DAILY_JOBS
    from planner.monitoring import deliveries as delivery_services

    assert "delivery-plan" in dict(DAILY_JOBS)
    created = delivery_services.plan_all(date(2023, 6, 1))
    _db.session.commit()
    assert created == 2  # 2022 and 2023
    dict(DAILY_JOBS)["delivery-plan"](app)  # today: up to the current year's period
    periods = _db.session.scalars(select(Delivery.period).order_by(Delivery.period)).all()
    assert periods[:5] == ["2019", "2020", "2021", "2022", "2023"] and len(periods) >= 7


def test_two_imports_of_the_same_values_at_once_leave_one_clean_set(app, tree):
    """Two uploads of the same new values run side by side (two threads, two sessions): each
    ends as taken or refused with a German message, never half written, and the values are
    there exactly once."""
    import threading

    from planner.monitoring import jobs

    user = UserFactory(role="planner")
    lines = ["indikator;raum;zeitraum;wert"] + [
        f"INDEX_X;{area};{1900 + n};{n},5"
        for n in range(250)
        for area in ("05001-01", "05001-02", "05002-01", "05002-02")
    ]
    body = "\n".join(lines).encode()
    ids = []
    for name in ("a.csv", "b.csv"):
        ids.append(jobs.create_job(user, io.BytesIO(body), name).id)
    _db.session.commit()
    errors = []

    def run(job_id):
        with app.app_context():
            try:
                jobs.run(job_id)
            except Exception as exc:  # noqa: BLE001 - the test reports any escape
                errors.append(exc)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run, args=(job_id,)) for job_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    _db.session.expire_all()
    finished = [_db.session.get(ImportJob, job_id) for job_id in ids]
    assert {job.state for job in finished} <= {JobState.DONE, JobState.FAILED}
    assert any(job.state == JobState.DONE for job in finished)
    for job in finished:
        if job.state == JobState.FAILED:
            assert job.message.startswith("Gleichzeitig wurden dieselben Werte")
    assert _db.session.scalar(select(func.count()).select_from(Observation)) == 1000
