"""One object of each monitoring kind (ids for route walks: fuzz, role matrix, width check)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert, select

from planner.extensions import db as _db
from planner.monitoring import deliveries, imports, index
from planner.monitoring.catalogue import IndicatorData, save_indicator
from planner.monitoring.models import Area, Delivery, ImportJob, JobState, Observation


def build(org, long_names: bool = False) -> dict[str, int]:
    word = "Sozialraumentwicklungsgebiet" * 3 if long_names else "Sozialraum"
    kreis = Area(code="K1", name=f"Kreis {word}", level="Kreis", depth=0, population=10_000)
    _db.session.add(kreis)
    _db.session.flush()
    areas = []
    for n in range(4):
        area = Area(code=f"K1-{n}", name=f"{word} {n}", level="Sozialraum", depth=1, parent_id=kreis.id, population=2_500,
                    shape=f"M{n * 10},0 {n * 10 + 10},0 {n * 10 + 10},10 {n * 10},10Z", min_x=n * 10, min_y=0, max_x=n * 10 + 10, max_y=10)  # fmt: skip
        _db.session.add(area)
        areas.append(area)
    _db.session.flush()
    indicator = save_indicator(
        None,
        IndicatorData(
            code="SGB2",
            name=f"SGB-II-Quote {word}",
            unit="%",
            polarity="higher_is_worse",
            topic="Armut",
        ),
    )
    _db.session.execute(insert(Observation), [
        {"indicator_id": indicator.id, "area_id": a.id, "period": p, "value": 5.0 + n + i, "numerator": 50 + n, "denominator": 1000}
        for n, a in enumerate(areas) for i, p in enumerate(["2019", "2020"])
    ])  # fmt: skip
    indicator.periods = ["2019", "2020"]
    schedule = deliveries.save_schedule(None, deliveries.ScheduleData(
        name=f"Lieferplan {word}", organisation_id=org.id, level="Sozialraum", indicator_ids=[indicator.id], first_period="2024",
    ), date(2025, 1, 10))  # fmt: skip
    delivery = _db.session.scalar(
        select(Delivery).where(Delivery.schedule_id == schedule.id).order_by(Delivery.id)
    )
    run = index.run_index(
        index.IndexSpec(codes=["SGB2"], level="Sozialraum", period="2020", from_period="2019"),
        f"Index {word}",
    )
    job = ImportJob(filename="werte.csv", state=JobState.FAILED, organisation_id=org.id, problem_count=1,
                    problems=[imports.Problem(2, "D (wert)", "Der Wert „x“ ist keine gültige Zahl.").as_dict()], message="Nicht übernommen")  # fmt: skip
    _db.session.add(job)
    _db.session.commit()
    observation = _db.session.scalar(select(Observation.id).order_by(Observation.id).limit(1))
    return {"area_id": areas[0].id, "indicator_id": indicator.id, "observation_id": observation, "schedule_id": schedule.id,
            "delivery_id": delivery.id, "run_id": run.id, "job_id": job.id, "kind": "csv"}  # fmt: skip
