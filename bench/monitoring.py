"""Bench data of the monitoring issue: an area tree (kreis: 270 areas, land: 10,000) with
outlines, the indicator catalogue (120) and observations for every area, indicator and period
(kreis 120 x 40 periods = 1.3 M, land 120 x 10 = 12 M; PostgreSQL gets them by COPY), delivery
schedules with deliveries, an index run; and the import job: one million observations from a
CSV file through the CLI (time, peak memory) against the plain bulk insert of the same rows."""

from __future__ import annotations

import math
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import delete, insert, select

from bench.generate import insert_chunks
from bench.scales import Scale
from planner.extensions import db
from planner.monitoring.models import (
    Area,
    Delivery,
    DeliverySchedule,
    Indicator,
    Observation,
    schedule_indicators,
)

CHUNK = 20_000
FIRST_YEAR = 2026  # periods FIRST_YEAR - periods + 1 .. FIRST_YEAR
IMPORT_ROWS = 1_000_000
IMPORT_FIRST_YEAR = 1900  # the import job's periods lie before the generated ones


def _polygon(cx: float, cy: float, r: float, points: int = 16) -> tuple[str, tuple]:
    coords = [
        (cx + r * math.cos(2 * math.pi * k / points), cy + r * math.sin(2 * math.pi * k / points))
        for k in range(points)
    ]
    path = "M" + " ".join(f"{x:.1f},{y:.1f}" for x, y in coords) + "Z"
    return path, (cx - r, cy - r, cx + r, cy + r)


def _tree(scale: Scale) -> list[dict]:
    """Root > regions > municipalities > Sozialräume, laid out on a grid."""
    now = datetime.now(UTC)
    if scale.areas >= 5_000:
        levels = [("Land", 1), ("Kreis", 50), ("Kommune", 1_000)]
    else:
        levels = [("Kreis", 1), ("Kommune", max(3, scale.areas // 13))]
    rows, parents = [], [None]
    next_id = 1
    for level, count in levels:
        created = []
        for i in range(count):
            rows.append({"id": next_id, "code": f"{level[:2].upper()}{i:05d}", "name": f"{level} {i:05d}", "level": level,
                         "depth": [lv for lv, _c in levels].index(level),
                         "parent_id": parents[i % len(parents)], "population": 0, "created_at": now, "updated_at": now})  # fmt: skip
            created.append(next_id)
            next_id += 1
        parents = created
    depth = len(levels)
    leaves = scale.areas - len(rows)
    side = math.ceil(math.sqrt(leaves))
    for i in range(leaves):
        cx, cy = (i % side) * 10.0, (i // side) * 10.0
        path, bbox = _polygon(cx + 5, cy + 5, 4.8)
        rows.append({"id": next_id, "code": f"SR{i:06d}", "name": f"Sozialraum {i:06d}", "level": "Sozialraum", "depth": depth,
                     "parent_id": parents[i % len(parents)], "population": 200 + (i * 37) % 5000, "shape": path,
                     "min_x": bbox[0], "min_y": bbox[1], "max_x": bbox[2], "max_y": bbox[3], "created_at": now, "updated_at": now})  # fmt: skip
        next_id += 1
    # parents: outline = bounding box of their children (enough for the map's work)
    by_id = {r["id"]: r for r in rows}
    for row in reversed(rows):
        parent = by_id.get(row["parent_id"])
        if parent is None or row.get("min_x") is None:
            continue
        for key, pick in (("min_x", min), ("min_y", min), ("max_x", max), ("max_y", max)):
            parent[key] = row[key] if parent.get(key) is None else pick(parent[key], row[key])
        parent["population"] += row["population"]
    for row in rows:
        if row.get("shape") is None and row.get("min_x") is not None:
            x0, y0, x1, y1 = row["min_x"], row["min_y"], row["max_x"], row["max_y"]
            row["shape"] = (
                f"M{x0:.1f},{y0:.1f} {x1:.1f},{y0:.1f} {x1:.1f},{y1:.1f} {x0:.1f},{y1:.1f}Z"
            )
        for key in ("shape", "min_x", "min_y", "max_x", "max_y"):
            row.setdefault(key, None)
    return rows


def _copy(rows_iter, columns: list[str]) -> None:
    """PostgreSQL: COPY the observations (12 M rows at land; minutes, beyond the app's
    statement timeout)."""
    db.session.execute(db.text("SET LOCAL statement_timeout = 0"))
    connection = db.session.connection().connection.dbapi_connection
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY observations ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows_iter:
            copy.write_row(row)


def generate(scale: Scale, seed: int = 8) -> dict[str, int]:
    rnd = random.Random(seed)
    now = datetime.now(UTC)
    areas = _tree(scale)
    insert_chunks(Area.__table__, areas)
    periods = [str(FIRST_YEAR - scale.periods + 1 + k) for k in range(scale.periods)]
    topics = [
        "Armut",
        "Arbeit",
        "Familie",
        "Alter",
        "Bevölkerung",
        "Wohnen",
        "Gesundheit",
        "Bildung",
    ]
    insert_chunks(Indicator.__table__, [
        {"id": i + 1, "code": f"IND{i + 1:03d}", "name": f"Indikator {i + 1:03d}", "topic": topics[i % len(topics)], "unit": "%",
         "factor": 100, "polarity": "higher_is_worse" if i % 4 else "higher_is_better", "computed": True, "periodicity": "jaehrlich",
         "decimals": 1, "periods": periods, "created_at": now, "updated_at": now}
        for i in range(scale.indicators)
    ])  # fmt: skip
    columns = [
        "indicator_id",
        "area_id",
        "period",
        "value",
        "numerator",
        "denominator",
        "withheld",
        "derived",
        "state",
        "updated_at",
    ]

    def rows():
        for area in areas:
            base = 1000 + area["population"]
            for i in range(1, scale.indicators + 1):
                for period in periods:
                    num = rnd.randint(0, 300)
                    yield (
                        i,
                        area["id"],
                        period,
                        num / base * 100,
                        num,
                        base,
                        False,
                        False,
                        "endgueltig",
                        now,
                    )

    if db.engine.dialect.name == "postgresql":
        _copy(rows(), columns)
    else:
        batch = []
        for row in rows():
            batch.append(dict(zip(columns, row, strict=True)))
            if len(batch) >= CHUNK:
                db.session.execute(insert(Observation.__table__), batch)
                batch = []
        if batch:
            db.session.execute(insert(Observation.__table__), batch)
    observations = len(areas) * scale.indicators * len(periods)
    # delivery schedules: one per region for two indicators, yearly; the deliveries of each period
    regions = [a for a in areas if a["depth"] == 1][:50]
    schedules, links, deliveries = [], [], []
    for n, region in enumerate(regions):
        schedules.append({"id": n + 1, "name": f"Lieferplan {n + 1:03d}", "organisation_id": 1 + n % scale.organisations,
                          "level": "Sozialraum", "within_id": region["id"], "periodicity": "jaehrlich", "first_period": periods[0],
                          "due_months": 3, "active": True, "created_at": now, "updated_at": now})  # fmt: skip
        links += [{"schedule_id": n + 1, "indicator_id": 1 + (2 * n) % scale.indicators},
                  {"schedule_id": n + 1, "indicator_id": 1 + (2 * n + 1) % scale.indicators}]  # fmt: skip
        for k, period in enumerate(periods):
            state = "geprueft" if k < len(periods) - 1 else "erwartet"
            deliveries.append({"schedule_id": n + 1, "organisation_id": 1 + n % scale.organisations, "period": period,
                               "due_date": date(int(period) + 1, 3, 31), "state": state,
                               "received_at": datetime(int(period) + 1, 3, 1, tzinfo=UTC) if state != "erwartet" else None,
                               "received_late": False if state != "erwartet" else None, "rows": 100,
                               "created_at": now, "updated_at": now})  # fmt: skip
    insert_chunks(DeliverySchedule.__table__, schedules)
    insert_chunks(schedule_indicators, links)
    insert_chunks(Delivery.__table__, deliveries)
    if db.engine.dialect.name == "postgresql":
        for table in ("areas", "indicators", "delivery_schedules"):
            db.session.execute(
                db.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
            )
    # an index run over the municipalities (the level a report cites)
    from planner.monitoring.index import IndexSpec, run_index

    run_index(IndexSpec(codes=["IND001", "IND002", "IND003", "IND004", "IND005"], level="Kommune", period=periods[-1],
                        from_period=periods[0], min_population=0), "Bench-Index")  # fmt: skip
    return {"areas": len(areas), "indicators": scale.indicators, "observations": observations,
            "deliveries": len(deliveries)}  # fmt: skip


# --- the import job -------------------------------------------------------------------------

STATE: dict = {}


def _import_rows():
    """One million (indicator, area, period, value) rows in periods the bench data leaves free."""
    areas = [code for (code,) in db.session.execute(select(Area.code).order_by(Area.id))]
    codes = [code for (code,) in db.session.execute(select(Indicator.code).order_by(Indicator.id))]
    per_period = len(areas) * len(codes)
    periods = math.ceil(IMPORT_ROWS / per_period)
    n = 0
    for p in range(periods):
        for code in codes:
            for area in areas:
                if n >= IMPORT_ROWS:
                    return
                yield code, area, str(IMPORT_FIRST_YEAR + p), (n % 9973) / 100
                n += 1


def _clear(settle: bool = False) -> None:
    """Remove the job's values and their periods; SQLite: checkpoint the WAL, so that the
    timed import does not pay for the untimed baseline's pages."""
    db.session.execute(delete(Observation).where(Observation.period < "1990"))
    for indicator in db.session.scalars(select(Indicator)):
        if indicator.periods and indicator.periods[0] < "1990":
            indicator.periods = [p for p in indicator.periods if p >= "1990"]
    db.session.commit()
    if not settle:
        return
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE observations")


def import_reset(app) -> None:
    """Write the CSV (German: ';', decimal comma) and time the plain bulk insert of the same
    rows into the same table (executemany on SQLite, COPY on PostgreSQL): the baseline."""
    with app.app_context():
        _clear()
        ids = dict(db.session.execute(select(Indicator.code, Indicator.id)).all())
        area_ids = dict(db.session.execute(select(Area.code, Area.id)).all())
        handle = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8")
        handle.write("indikator;raum;zeitraum;wert\n")
        plain = []
        for code, area, period, value in _import_rows():
            handle.write(f"{code};{area};{period};{value:.2f}".replace(".", ",") + "\n")
            plain.append((ids[code], area_ids[area], period, value))
        handle.close()
        STATE["csv"] = handle.name
        now = datetime.now(UTC)
        columns = [
            "indicator_id",
            "area_id",
            "period",
            "value",
            "withheld",
            "derived",
            "state",
            "updated_at",
        ]
        started = time.perf_counter()
        if db.engine.dialect.name == "postgresql":
            _copy(((i, a, p, v, False, False, "endgueltig", now) for i, a, p, v in plain), columns)
            STATE["baseline_kind"] = "COPY"
        else:
            for start in range(0, len(plain), CHUNK):
                db.session.execute(insert(Observation.__table__), [
                    dict(zip(columns, (i, a, p, v, False, False, "endgueltig", now), strict=True)) for i, a, p, v in plain[start : start + CHUNK]
                ])  # fmt: skip
            STATE["baseline_kind"] = "executemany"
        db.session.commit()
        STATE["baseline"] = time.perf_counter() - started
        STATE["url"] = db.engine.url.render_as_string(hide_password=False)
        _clear(settle=True)


def import_run(app) -> dict:
    """The CLI import of the file (a process of its own: its peak memory is the import's)."""
    env = {
        **os.environ,
        "PLANNER_DATABASE_URL": STATE["url"],
        "PLANNER_ENV": "development",
        "PLANNER_SCHEDULER": "off",
    }
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "planner", "observations", "import", STATE["csv"]],
                            env=env, capture_output=True, text=True, check=False)  # fmt: skip
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if result.returncode != 0:
        raise SystemExit(f"import failed: {result.stderr[-2000:]}")
    return {"rows": IMPORT_ROWS, "import_s": round(seconds, 1), "peak_mb": round(peak_mb), "baseline": STATE["baseline_kind"],
            "baseline_s": round(STATE["baseline"], 1), "ratio": round(seconds / STATE["baseline"], 1)}  # fmt: skip


def import_cleanup(app) -> None:
    Path(STATE["csv"]).unlink(missing_ok=True)
    with app.app_context():
        _clear()
