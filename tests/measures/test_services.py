"""Measure rules: the status workflow, dates, budgets, a target on the right side of the
baseline for the indicator's polarity, the snapshot kept after a data correction, the progress
of a parent from its sub-measures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from planner.extensions import db as _db
from planner.measures import services
from planner.measures.models import Measure, MeasureStatus
from planner.monitoring import imports
from tests.meetings.world import _planner

PLANNER = _planner()


def _measure(title="Familienzentrum", **kw) -> Measure:
    return services.save_measure(None, services.MeasureData(title=title, **kw), PLANNER)


def _values(tree, write_file, rows: str, name="werte.csv"):
    lines = []
    for row in rows.strip().splitlines():
        code, area, period, numerator, denominator = row.split(";")
        value = int(numerator) / int(denominator) * 100
        lines.append(
            f"{code};{area};{period};{value:.4f};{numerator};{denominator}".replace(".", ",")
        )
    path = write_file(
        name, "indikator;raum;zeitraum;wert;zaehler;nenner\n" + "\n".join(lines) + "\n"
    )
    imports.import_file(path, imports.Settings())
    _db.session.commit()


def test_the_status_goes_one_step_at_a_time(db):
    measure = _measure()
    assert measure.status == MeasureStatus.IDEE
    with pytest.raises(services.StatusError, match="nur zu: „geplant“, „verworfen“"):
        services.set_status(measure, "in_umsetzung", PLANNER)
    with pytest.raises(services.StatusError, match="gibt es nicht"):
        services.set_status(measure, "erledigt", PLANNER)
    for step in ("geplant", "beschlossen", "in_umsetzung", "abgeschlossen"):
        services.set_status(measure, step, PLANNER)
    assert measure.status == MeasureStatus.ABGESCHLOSSEN and measure.progress == 100
    with pytest.raises(services.StatusError):
        services.set_status(measure, "idee", PLANNER)
    services.set_status(measure, "in_umsetzung", PLANNER)  # reopened: one step back
    services.set_status(measure, "verworfen", PLANNER)
    services.set_status(measure, "idee", PLANNER)


def test_dates_budget_and_parents_are_checked(db):
    with pytest.raises(services.DateError, match="vor dem Beginn"):
        _measure(start_date=date(2026, 5, 1), end_date=date(2026, 4, 30))
    with pytest.raises(services.BudgetError, match="nicht negativ"):
        _measure(budget="-5")
    with pytest.raises(services.BudgetError, match="zu groß"):
        _measure(budget="1000000000000000")
    with pytest.raises(services.BudgetError, match="kein Betrag"):
        _measure(budget="viel Geld")
    with pytest.raises(services.BudgetError, match="Cent"):
        _measure(budget="1,005")
    assert _measure(budget="12.500,50").budget == Decimal("12500.50")
    assert _measure(budget="1.000").budget == Decimal("1000.00")  # German thousands
    assert _measure(budget="1000.5").budget == Decimal("1000.50")
    parent = _measure("Oben")
    child = _measure("Unten", parent_id=parent.id)
    data = services.MeasureData(title="Oben", parent_id=child.id)
    with pytest.raises(services.ParentError, match="Kreis"):
        services.save_measure(parent, data, PLANNER)
    with pytest.raises(services.MeasureError, match="Teilmaßnahmen"):
        services.delete_measure(parent)


def test_the_target_must_point_the_right_way_for_the_polarity(db, tree, write_file):
    _values(tree, write_file, "SGB2;05001-01;2020;100;1000\nSVB;05001-01;2020;600;1000\n")
    measure = _measure()
    with pytest.raises(services.TargetError, match="unter dem Ausgangswert \\(10,0\\)"):
        services.add_justification(measure, services.JustificationData(
            tree.quote.id, [tree.a1.id], "2020", target=12.0), PLANNER)  # fmt: skip
    with pytest.raises(services.TargetError, match="über dem Ausgangswert"):
        services.add_justification(measure, services.JustificationData(
            tree.share.id, [tree.a1.id], "2020", target=55.0), PLANNER)  # fmt: skip
    with pytest.raises(services.PeriodError, match="keinen Wert"):
        services.add_justification(measure, services.JustificationData(
            tree.quote.id, [tree.a1.id], "2019", target=8.0), PLANNER)  # fmt: skip
    with pytest.raises(services.PeriodError):
        services.add_justification(measure, services.JustificationData(
            tree.quote.id, [tree.a1.id], "2020-Q1", target=8.0), PLANNER)  # fmt: skip
    _db.session.rollback()
    measure = _measure()
    services.add_justification(
        measure,
        services.JustificationData(tree.quote.id, [tree.a1.id], "2020", target=8.0),
        PLANNER,
    )
    services.add_justification(
        measure,
        services.JustificationData(tree.share.id, [tree.a1.id], "2020", target=65.0),
        PLANNER,
    )
    assert measure.justification_count == 2
    with pytest.raises(services.MeasureError, match="schon"):
        services.add_justification(
            measure, services.JustificationData(tree.quote.id, [tree.a1.id], "2020"), PLANNER
        )


def test_the_snapshot_is_kept_after_a_data_correction_and_the_trend_is_shown(db, tree, write_file):
    _values(tree, write_file, "SGB2;05001-01;2020;100;1000\n")
    measure = _measure()
    [j] = services.add_justification(measure, services.JustificationData(
        tree.quote.id, [tree.a1.id], "2020", target=8.0), PLANNER)  # fmt: skip
    assert j.snapshot_value == pytest.approx(10.0) and j.baseline == pytest.approx(10.0)
    _values(
        tree,
        write_file,
        "SGB2;05001-01;2020;120;1000\nSGB2;05001-01;2021;90;1000\n",
        "korrektur.csv",
    )
    _db.session.commit()
    _db.session.expire_all()
    [view] = services.justification_views(measure, PLANNER)
    assert view.justification.snapshot_value == pytest.approx(10.0)  # as seen when decided
    assert view.snapshot.text == "10,0"
    assert view.latest_period == "2021" and view.latest.value == pytest.approx(9.0)
    assert view.direction == "hin" and view.chart is not None
    assert 'id="chart-' in str(view.chart)
    _values(tree, write_file, "SGB2;05001-01;2022;75;1000\n", "2022.csv")
    [view] = services.justification_views(measure, PLANNER)
    assert view.direction == "ziel"
    _values(tree, write_file, "SGB2;05001-01;2023;130;1000\n", "2023.csv")
    [view] = services.justification_views(measure, PLANNER)
    assert view.direction == "weg"


def test_small_counts_stay_secret_in_the_snapshot(app, db, tree, write_file):
    _values(tree, write_file, "SGB2;05001-01;2020;2;1000\n")
    measure = _measure()
    services.add_justification(
        measure, services.JustificationData(tree.quote.id, [tree.a1.id], "2020"), PLANNER
    )

    class Viewer:
        role = "viewer"

    [view] = services.justification_views(measure, Viewer())
    assert view.snapshot.value is None and view.snapshot.secret
    assert view.latest.value is None
    assert view.baseline_hidden and view.direction == "offen" and not view.chart


def test_a_parent_shows_the_progress_of_its_sub_measures(db):
    parent = _measure("Programm")
    done, running, dropped, fresh = (_measure(t, parent_id=parent.id) for t in "ABCD")
    for step in ("geplant", "beschlossen", "in_umsetzung", "abgeschlossen"):
        services.set_status(done, step, PLANNER)
    for step in ("geplant", "beschlossen", "in_umsetzung"):
        services.set_status(running, step, PLANNER)
    services.add_progress(running, date(2026, 1, 1), "Halbzeit", 50, PLANNER)
    services.add_progress(running, date(2025, 6, 1), "Nachgetragen: älter", 10, PLANNER)
    assert running.progress == 50  # the latest by date counts, not the last entered
    services.set_status(dropped, "verworfen", PLANNER)
    progress = services.parent_progress(services.children_of(parent.id))
    assert (progress.count, progress.done, progress.dropped) == (4, 1, 1)
    assert progress.percent == 50  # (100 + 50 + 0) / 3, the dropped one does not count
