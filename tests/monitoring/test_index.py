"""The composite index on a small example checked by hand: z-standardisation with the sample
standard deviation, the sign turned for "higher is better", the population cut-off, the sum
standardised again, the classes and the dynamics."""

from __future__ import annotations

import csv
import math

import pytest
from sqlalchemy import insert

from planner.extensions import db as _db
from planner.monitoring import index
from planner.monitoring.models import Area, Observation


def _observe(indicator, period, values):
    _db.session.execute(insert(Observation), [
        {"indicator_id": indicator.id, "area_id": area.id, "period": period, "value": value}
        for area, value in values.items()
    ])  # fmt: skip
    _db.session.commit()


@pytest.fixture
def five(tree):
    """Five Sozialräume below A (the tree's own four, one of them small, plus C1..C3)."""
    extra = []
    for n, pop in enumerate([1500, 2500, 900], 1):
        area = Area(
            code=f"05003-0{n}",
            name=f"C{n}",
            level="Sozialraum",
            depth=2,
            parent_id=tree.b.id,
            population=pop,
        )
        _db.session.add(area)
        extra.append(area)
    _db.session.flush()
    return tree, extra


def test_status_index_by_hand(five):
    tree, (c1, c2, c3) = five
    # B2 has 200 inhabitants: left out (min 300) whatever its values
    quote = {
        tree.a1: 10.0,
        tree.a2: 20.0,
        tree.b1: 30.0,
        c1: 40.0,
        c2: 50.0,
        c3: 60.0,
        tree.b2: 99.0,
    }
    share = {
        tree.a1: 70.0,
        tree.a2: 60.0,
        tree.b1: 65.0,
        c1: 50.0,
        c2: 55.0,
        c3: 40.0,
        tree.b2: 0.0,
    }
    _observe(tree.quote, "2020", quote)
    _observe(tree.share, "2020", share)
    codes, rows = index.compute(
        index.IndexSpec(codes=["SGB2", "svb"], level="Sozialraum", period="2020")
    )
    by_area = {r.area.code: r for r in rows}

    # by hand: SGB2 over the six areas: mean 35, sample sd sqrt(350) = 18.708
    sd_q = math.sqrt(sum((v - 35) ** 2 for v in [10, 20, 30, 40, 50, 60]) / 5)
    assert by_area["05001-01"].z["SGB2"] == pytest.approx((10 - 35) / sd_q)
    # SVB is "higher is better": its sign is turned before standardising
    svb = [-70, -60, -65, -50, -55, -40]
    mean_s = sum(svb) / 6
    sd_s = math.sqrt(sum((v - mean_s) ** 2 for v in svb) / 5)
    assert by_area["05001-01"].z["SVB"] == pytest.approx((-70 - mean_s) / sd_s)
    sums = {
        code: r.z["SGB2"] + r.z["SVB"] for code, r in by_area.items() if r.status_sum is not None
    }
    mean_sum = sum(sums.values()) / 6
    sd_sum = math.sqrt(sum((v - mean_sum) ** 2 for v in sums.values()) / 5)
    for code, total in sums.items():
        assert by_area[code].status_sum == pytest.approx(total)
        assert by_area[code].status_index == pytest.approx((total - mean_sum) / sd_sum)
    # the small area is marked and not rated
    assert by_area["05002-02"].status_class is None
    assert by_area["05002-02"].reason == "weniger als 300 Einwohner"

    # classes by hand: below -1 hoch, up to 1 mittel, up to 1.5 niedrig, above sehr niedrig
    def by_hand(x):
        return (
            "hoch" if x < -1 else "mittel" if x <= 1 else "niedrig" if x <= 1.5 else "sehr niedrig"
        )

    for code, total in sums.items():
        assert by_area[code].status_class == by_hand((total - mean_sum) / sd_sum)
    # the worst (C3: highest quote, lowest share) ranks last, the best (A1) first
    assert by_area["05003-03"].status_class == "niedrig"
    assert by_area["05001-01"].status_class == "hoch"


def test_a_lower_cut_off_takes_the_small_area_in(five):
    tree, (c1, c2, c3) = five
    _observe(tree.quote, "2020", {tree.a1: 1.0, tree.a2: 2.0, tree.b1: 3.0, tree.b2: 4.0})
    _, rows = index.compute(
        index.IndexSpec(codes=["SGB2"], level="Sozialraum", period="2020", min_population=100)
    )
    rated = {r.area.code for r in rows if r.status_class}
    assert "05002-02" in rated
    missing = {r.area.code: r.reason for r in rows if not r.status_class}
    assert missing["05003-01"] == "kein Wert für SGB2"


@pytest.mark.parametrize(
    "value, label",
    [
        (-1.01, "hoch"),
        (-1.0, "mittel"),
        (0, "mittel"),
        (1.0, "mittel"),
        (1.01, "niedrig"),
        (1.5, "niedrig"),
        (1.51, "sehr niedrig"),
    ],
)
def test_status_classes(value, label):
    assert index.classify(value, index.STATUS_CLASSES) == label


@pytest.mark.parametrize(
    "value, label", [(-1.5, "positiv"), (-1.0, "stabil"), (1.0, "stabil"), (1.2, "negativ")]
)
def test_dynamics_classes(value, label):
    assert index.classify(value, index.DYNAMICS_CLASSES) == label


def test_dynamics_and_area_type(five):
    tree, (c1, c2, c3) = five
    areas = [tree.a1, tree.a2, tree.b1, c1, c2, c3]
    _observe(tree.quote, "2017", dict(zip(areas, [10, 20, 30, 40, 50, 60], strict=True)))
    # C3 worsened most, A1 improved most
    _observe(tree.quote, "2020", dict(zip(areas, [2, 21, 31, 41, 51, 75], strict=True)))
    _, rows = index.compute(
        index.IndexSpec(codes=["SGB2"], level="Sozialraum", period="2020", from_period="2017")
    )
    by_area = {r.area.code: r for r in rows}
    changes = [-8, 1, 1, 1, 1, 15]
    mean = sum(changes) / 6
    sd = math.sqrt(sum((c - mean) ** 2 for c in changes) / 5)
    assert by_area["05003-03"].dynamics_index == pytest.approx((15 - mean) / sd)
    assert by_area["05003-03"].dynamics_class == "negativ"
    assert by_area["05001-01"].dynamics_class == "positiv"
    assert by_area["05003-03"].area_type == "sehr niedrig / negativ"


def test_errors(tree):
    with pytest.raises(index.IndexError_, match="Unbekannter Indikator"):
        index.compute(index.IndexSpec(codes=["NOPE"], level="Sozialraum", period="2020"))
    with pytest.raises(index.IndexError_, match="Zu wenige Räume"):
        index.compute(index.IndexSpec(codes=["SGB2"], level="Sozialraum", period="2020"))
    with pytest.raises(index.IndexError_, match="keine Räume"):
        index.compute(index.IndexSpec(codes=["SGB2"], level="Gibtsnicht", period="2020"))
    with pytest.raises(index.IndexError_, match="aufsteigende"):
        index.parse_thresholds("1 -1 2", ["a", "b", "c", "d"])
    assert index.parse_thresholds("-1; 1 1,5", ["a", "b", "c", "d"]) == [
        (-1.0, "a"),
        (1.0, "b"),
        (1.5, "c"),
        (None, "d"),
    ]


def test_the_cli_writes_the_table_and_stores_the_run(app, five, tmp_path):
    tree, (c1, c2, c3) = five
    areas = [tree.a1, tree.a2, tree.b1, c1, c2, c3]
    _observe(tree.quote, "2020", dict(zip(areas, [10, 20, 30, 40, 50, 60], strict=True)))
    out = tmp_path / "index.csv"
    result = app.test_cli_runner().invoke(
        args=[
            "index",
            "run",
            "--indicators",
            "SGB2",
            "--level",
            "Sozialraum",
            "--period",
            "2020",
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert list(rows[0]) == ["area", "name", "z_SGB2", "sum", "index", "class", "reason"]
    by_area = {r["area"]: r for r in rows}
    assert by_area["05002-02"]["class"] == "" and "Einwohner" in by_area["05002-02"]["reason"]
    assert by_area["05003-03"]["class"] == "niedrig"
    from planner.monitoring.models import IndexRun

    assert _db.session.query(IndexRun).count() == 1
    bad = app.test_cli_runner().invoke(
        args=[
            "index",
            "run",
            "--indicators",
            "NOPE",
            "--level",
            "Sozialraum",
            "--period",
            "2020",
            "--out",
            str(tmp_path / "x.csv"),
        ]
    )
    assert bad.exit_code == 1 and "Unbekannter Indikator" in bad.output
    assert not (tmp_path / "x.csv").exists()
