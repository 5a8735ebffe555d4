"""The monitoring demo: the Rhein-Sieg-Kreis with its 19 municipalities and synthetic
Sozialräume (outlines drawn from the municipalities' approximate positions, not official
boundaries), a dozen typical indicators over ten years of SYNTHETIC values, delivery schedules
of the Jobcenter and the Stadt Siegburg (the Jobcenter's latest delivery late), an index run.

Values are generated from a fixed seed and imported through the real import engine, so that
parent areas are summed from counts as in production."""

from __future__ import annotations

import math
import random
import tempfile
from datetime import date
from pathlib import Path

from sqlalchemy import select

from planner.accounts.models import Organisation
from planner.core.models import utcnow
from planner.deadlines.services import today_in_berlin
from planner.extensions import db
from planner.monitoring import deliveries, imports
from planner.monitoring.areas import geometry_fields
from planner.monitoring.catalogue import IndicatorData, save_indicator
from planner.monitoring.index import IndexSpec, run_index
from planner.monitoring.models import Area, Delivery, DeliveryState, Indicator, Polarity
from planner.monitoring.values import refresh_periods

SYNTHETIC = "Synthetische Demodaten – keine amtlichen Werte."
KREIS = ("05382", "Rhein-Sieg-Kreis", 7.25, 50.77)
# name, AGS, approx. lon/lat of the centre, population (rounded, 2016), number of Sozialräume
MUNICIPALITIES = [
    ("Alfter", "05382004", 7.01, 50.73, 23_500, 2), ("Bad Honnef", "05382008", 7.23, 50.64, 25_600, 3),
    ("Bornheim", "05382012", 6.99, 50.77, 48_300, 4), ("Eitorf", "05382016", 7.45, 50.77, 18_700, 2),
    ("Hennef (Sieg)", "05382020", 7.28, 50.78, 47_000, 4), ("Königswinter", "05382024", 7.19, 50.68, 41_000, 4),
    ("Lohmar", "05382028", 7.22, 50.84, 30_200, 3), ("Meckenheim", "05382032", 7.03, 50.63, 24_600, 3),
    ("Much", "05382036", 7.40, 50.90, 14_600, 2), ("Neunkirchen-Seelscheid", "05382040", 7.33, 50.86, 19_900, 2),
    ("Niederkassel", "05382044", 7.03, 50.82, 38_000, 3), ("Rheinbach", "05382048", 6.95, 50.63, 26_800, 3),
    ("Ruppichteroth", "05382052", 7.48, 50.84, 10_200, 3), ("Sankt Augustin", "05382056", 7.19, 50.77, 55_800, 5),
    ("Siegburg", "05382060", 7.21, 50.80, 41_000, 4), ("Swisttal", "05382064", 6.90, 50.68, 18_400, 2),
    ("Troisdorf", "05382068", 7.15, 50.81, 74_900, 5), ("Wachtberg", "05382072", 7.10, 50.63, 20_000, 2),
    ("Windeck", "05382076", 7.57, 50.78, 18_900, 3),
]  # fmt: skip
SR_NAMES = ["Zentrum", "Nord", "Süd", "Ost", "West"]
BONN = (7.10, 50.72, 0.055)  # the city of Bonn lies within the Kreis, not part of it
YEARS = range(2016, 2026)

# code, name, topic, unit, numerator, denominator, factor, polarity, base rate, spread, trend/yr, group
INDICATORS = [
    ("SGB2", "SGB-II-Quote", "Armut", "%", "Personen in Bedarfsgemeinschaften nach SGB II", "Bevölkerung unter 65 Jahren", 100, "w", 8.0, 0.45, -0.01, "pop_u65"),
    ("KIARM", "Kinderarmut (SGB-II-Quote unter 15 Jahren)", "Armut", "%", "Kinder unter 15 in Bedarfsgemeinschaften nach SGB II", "Bevölkerung unter 15 Jahren", 100, "w", 13.0, 0.5, -0.01, "pop_u15"),
    ("ALO", "Arbeitslosenquote (vereinfacht)", "Arbeit", "%", "Arbeitslose nach SGB II und III", "Bevölkerung 15 bis unter 65 Jahren", 100, "w", 5.5, 0.35, -0.015, "pop_1565"),
    ("LZA", "Anteil Langzeitarbeitsloser", "Arbeit", "%", "Langzeitarbeitslose (ein Jahr und länger)", "Arbeitslose", 100, "w", 35.0, 0.2, 0.0, "alo"),
    ("ALLEIN", "Alleinerziehende", "Familie", "%", "Haushalte Alleinerziehender", "Haushalte mit Kindern unter 18", 100, "w", 18.0, 0.25, 0.005, "hh_kinder"),
    ("GSIA", "Altersarmut (Grundsicherung im Alter, SGB XII)", "Alter", "%", "Empfänger von Grundsicherung im Alter", "Bevölkerung ab 65 Jahren", 100, "w", 3.0, 0.4, 0.03, "pop_65"),
    ("U18", "Bevölkerung unter 18 Jahren", "Bevölkerung", "%", "Einwohner unter 18 Jahren", "Einwohner insgesamt", 100, "n", 17.5, 0.12, -0.004, "pop"),
    ("UE65", "Bevölkerung ab 65 Jahren", "Bevölkerung", "%", "Einwohner ab 65 Jahren", "Einwohner insgesamt", 100, "n", 21.0, 0.15, 0.012, "pop"),
    ("WOHNG", "Wohngeldhaushalte", "Wohnen", "‰", "Haushalte mit Wohngeld", "Haushalte insgesamt", 1000, "w", 12.0, 0.4, 0.02, "hh"),
    ("HZE", "Hilfen zur Erziehung", "Familie", "‰", "Laufende Hilfen zur Erziehung", "Bevölkerung unter 21 Jahren", 1000, "w", 25.0, 0.35, 0.01, "pop_u21"),
    ("SVB", "Beschäftigungsquote", "Arbeit", "%", "Sozialversicherungspflichtig Beschäftigte am Wohnort", "Bevölkerung 15 bis unter 65 Jahren", 100, "b", 60.0, 0.08, 0.006, "pop_1565"),
    ("MIG", "Nichtdeutsche Bevölkerung", "Bevölkerung", "%", "Einwohner ohne deutsche Staatsangehörigkeit", "Einwohner insgesamt", 100, "n", 10.0, 0.4, 0.03, "pop"),
]  # fmt: skip
SHARES = {"pop": 1.0, "pop_u65": 0.79, "pop_u15": 0.14, "pop_1565": 0.65, "pop_65": 0.21, "pop_u21": 0.21,
          "hh": 0.48, "hh_kinder": 0.14, "alo": 0.035}  # fmt: skip
JOBCENTER = "Jobcenter Rhein-Sieg"
SIEGBURG = "Stadt Siegburg"


def _shapes(rng: random.Random):
    """Outlines: Voronoi cells of the municipalities' centres within a hull, Bonn cut out;
    each municipality split again into its Sozialräume."""
    from shapely import voronoi_polygons
    from shapely.geometry import MultiPoint, Point, mapping

    centres = MultiPoint([(m[2], m[3]) for m in MUNICIPALITIES])
    hull = centres.convex_hull.buffer(0.06, quad_segs=4)
    bonn = Point(BONN[0], BONN[1]).buffer(BONN[2], quad_segs=6)
    cells = voronoi_polygons(centres, extend_to=hull)
    municipal, social = {}, {}
    for m in MUNICIPALITIES:
        point = Point(m[2], m[3])
        cell = next(c for c in cells.geoms if c.contains(point))
        shape = cell.intersection(hull).difference(bonn)
        municipal[m[1]] = shape
        minx, miny, maxx, maxy = shape.bounds
        points = []
        while len(points) < m[5]:
            p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
            if shape.contains(p):
                points.append(p)
        parts = voronoi_polygons(MultiPoint(points), extend_to=shape.envelope.buffer(0.1))
        for n, p in enumerate(points):
            part = next(c for c in parts.geoms if c.contains(p)).intersection(shape)
            social[(m[1], n)] = part
    return (
        {k: mapping(v) for k, v in municipal.items()},
        {k: mapping(v) for k, v in social.items()},
        mapping(hull.difference(bonn)),
    )


def _areas(rng: random.Random) -> dict[str, tuple[Area, float]]:
    municipal, social, kreis_shape = _shapes(rng)
    total = sum(m[4] for m in MUNICIPALITIES)
    kreis = Area(code=KREIS[0], name=KREIS[1], level="Kreis", depth=0, population=total, notes=SYNTHETIC,
                 **geometry_fields(kreis_shape))  # fmt: skip
    db.session.add(kreis)
    db.session.flush()
    out = {}
    for name, ags, _lon, _lat, population, parts in MUNICIPALITIES:
        muni = Area(code=ags, name=name, level="Kommune", depth=1, parent_id=kreis.id, population=population,
                    **geometry_fields(municipal[ags]))  # fmt: skip
        db.session.add(muni)
        db.session.flush()
        weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
        effect = rng.gauss(0, 0.5)
        for n in range(parts):
            pop = int(population * weights[n] / sum(weights))
            if name == "Ruppichteroth" and n == parts - 1:
                pop = 280  # a small Wohnplatz-like area: below the index's minimum population
            code = f"{ags}-{n + 1:02d}"
            area = Area(code=code, name=f"{name}-{SR_NAMES[n]}", level="Sozialraum", depth=2, parent_id=muni.id,
                        population=pop, **geometry_fields(social[(ags, n)]))  # fmt: skip
            db.session.add(area)
            out[code] = (area, effect + rng.gauss(0, 1))
    db.session.flush()
    return out


def _indicators() -> dict[str, Indicator]:
    orgs = {o.name: o.id for o in db.session.scalars(select(Organisation))}
    found = {}
    for code, name, topic, unit, num, den, factor, pol, *_rest in INDICATORS:
        supplier = (
            JOBCENTER
            if code in ("SGB2", "KIARM", "ALO", "LZA")
            else SIEGBURG
            if code in ("U18", "UE65")
            else None
        )
        found[code] = save_indicator(
            None,
            IndicatorData(
                code=code, name=name, unit=unit, topic=topic, numerator=num, denominator=den, factor=factor,
                polarity=(Polarity.HIGHER_IS_BETTER if pol == "b" else Polarity.HIGHER_IS_WORSE).value,
                computed=True, source="Synthetisch erzeugt (Demo)", supplier_id=orgs.get(supplier) if supplier else None,
                decimals=1, notes=SYNTHETIC,
            ),
        )  # fmt: skip
    return found


def _values(areas, rng: random.Random) -> Path:
    lines = ["indikator;raum;zeitraum;wert;zaehler;nenner"]
    for code, _n, _t, _u, _num, _den, factor, pol, base, spread, trend, group in INDICATORS:
        last = 2024 if code in ("SGB2", "KIARM") else 2025  # the Jobcenter's 2025 delivery is late
        sign = -1 if pol == "b" else 1
        for area_code, (area, score) in areas.items():
            for year in YEARS:
                if year > last:
                    continue
                pop = area.population * (1 + 0.004 * (year - 2016))
                den = max(1, round(pop * SHARES[group] * rng.uniform(0.95, 1.05)))
                rate = (
                    base
                    * math.exp(sign * spread * score)
                    * (1 + trend * (year - 2016))
                    * rng.uniform(0.97, 1.03)
                )
                rate = min(rate, 0.95 * factor)
                num = round(den * rate / factor)
                lines.append(f"{code};{area_code};{year};;{num};{den}")
    handle = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8")
    handle.write("\n".join(lines))
    handle.close()
    return Path(handle.name)


def _schedules(today: date) -> None:
    orgs = {o.name: o for o in db.session.scalars(select(Organisation))}
    codes = {i.code: i.id for i in db.session.scalars(select(Indicator))}
    siegburg_area = db.session.scalar(select(Area).where(Area.code == "05382060"))
    jc = deliveries.save_schedule(None, deliveries.ScheduleData(
        name="SGB II nach Sozialräumen", organisation_id=orgs[JOBCENTER].id, level="Sozialraum",
        indicator_ids=[codes["SGB2"], codes["KIARM"]], first_period="2016", due_months=3,
    ), today)  # fmt: skip
    sb = deliveries.save_schedule(None, deliveries.ScheduleData(
        name="Bevölkerung Siegburg", organisation_id=orgs[SIEGBURG].id, level="Sozialraum",
        indicator_ids=[codes["U18"], codes["UE65"]], first_period="2016", due_months=3, within_id=siegburg_area.id,
    ), today)  # fmt: skip
    now = utcnow()
    for schedule, last in ((jc, 2024), (sb, 2025)):
        for delivery in db.session.scalars(
            select(Delivery).where(Delivery.schedule_id == schedule.id)
        ):
            if int(delivery.period) <= last:
                deliveries.mark_received(
                    delivery, 0, now=now.replace(year=int(delivery.period) + 1, month=3, day=15)
                )
                delivery.rows = len(deliveries.schedule_areas(schedule)) * 2
                if int(delivery.period) < last:
                    delivery.state = DeliveryState.CHECKED
                    delivery.checked_at = delivery.received_at


def load() -> None:
    if db.session.scalar(select(Area.id).limit(1)) is not None:
        return
    rng = random.Random(2017)
    areas = _areas(rng)
    _indicators()
    path = _values(areas, rng)
    try:
        result = imports.import_file(path, imports.Settings())
    finally:
        path.unlink(missing_ok=True)
    refresh_periods(result.keys)
    _schedules(today_in_berlin())
    run_index(
        IndexSpec(
            codes=["SGB2", "KIARM", "ALO", "ALLEIN", "GSIA"],
            level="Sozialraum",
            period="2024",
            from_period="2021",
        ),
        "Status- und Dynamikindex Sozialräume 2024",
    )
    db.session.flush()
