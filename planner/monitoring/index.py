"""The composite index and area types, after Berlin's "Monitoring Soziale Stadtentwicklung".

Each indicator is z-standardised across the areas of one level (mean 0, sample standard
deviation 1; the sign turned for "higher is better", so that a high z is always unfavourable);
areas under a minimum population are left out and marked; the z-values are summed and the sum
is standardised again: the status index. The dynamics index does the same with the change of
each indicator between two periods. Classes by thresholds in standard deviations."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from planner.core.transaction import DomainError
from planner.extensions import db
from planner.monitoring import catalogue
from planner.monitoring.models import Area, IndexResult, IndexRun, Indicator, Observation, Polarity
from planner.monitoring.periods import PeriodError, parse_for
from planner.monitoring.values import Shown, area_filter, data_state

DEFAULT_MIN_POPULATION = 300
# (upper bound, label): a value up to the bound gets the label; the last bound is open
STATUS_CLASSES = [(-1.0, "hoch"), (1.0, "mittel"), (1.5, "niedrig"), (None, "sehr niedrig")]
DYNAMICS_CLASSES = [(-1.0, "positiv"), (1.0, "stabil"), (None, "negativ")]
MAX_INDICATORS = 30
STATUS_COLOURS = ["#1a9641", "#ffffbf", "#fdae61", "#d7191c"]  # ColorBrewer RdYlGn, reversed
RESULTS_PER_PAGE = 100


class IndexError_(DomainError):
    pass


@dataclass
class IndexSpec:
    codes: list[str]
    level: str
    period: str
    from_period: str | None = None
    min_population: int = DEFAULT_MIN_POPULATION
    within: Area | None = None
    status_classes: list = field(default_factory=lambda: list(STATUS_CLASSES))
    dynamics_classes: list = field(default_factory=lambda: list(DYNAMICS_CLASSES))


@dataclass
class Row:
    area: Area
    z: dict[str, float] = field(default_factory=dict)
    dz: dict[str, float] = field(default_factory=dict)
    status_sum: float | None = None
    status_index: float | None = None
    status_class: str | None = None
    dynamics_sum: float | None = None
    dynamics_index: float | None = None
    dynamics_class: str | None = None
    reason: str | None = None

    @property
    def area_type(self) -> str | None:
        if self.status_class and self.dynamics_class:
            return f"{self.status_class} / {self.dynamics_class}"
        return None


def classify(value: float | None, classes) -> str | None:
    """Lower bounds inclusive as the issue states them: below -1 "hoch", -1 to 1 "mittel"."""
    if value is None:
        return None
    for bound, label in classes:
        if bound is None:
            return label
        if (value < bound) if bound == classes[0][0] else (value <= bound):
            return label
    return classes[-1][1]


def standardise(values: dict[int, float]) -> dict[int, float]:
    """z = (x - mean) / sample standard deviation; all 0 where every value is the same."""
    if len(values) < 2:
        return dict.fromkeys(values, 0.0)
    mean = statistics.fmean(values.values())
    sd = statistics.stdev(values.values())
    if sd == 0:
        return dict.fromkeys(values, 0.0)
    return {k: (v - mean) / sd for k, v in values.items()}


def parse_thresholds(text: str, labels: list[str]) -> list:
    """ "-1; 1; 1,5" -> [(-1.0, l0), (1.0, l1), (1.5, l2), (None, l3)]."""
    parts = [p.strip().replace(",", ".") for p in text.replace(";", " ").split()]
    try:
        bounds = [float(p) for p in parts]
    except ValueError as exc:
        raise IndexError_(_("Die Schwellen müssen Zahlen sein, z. B. „-1 1 1,5“.")) from exc
    if (
        len(bounds) != len(labels) - 1
        or bounds != sorted(bounds)
        or len(set(bounds)) != len(bounds)
    ):
        raise IndexError_(_("Bitte %(n)s aufsteigende Schwellen angeben.", n=len(labels) - 1))
    if any(abs(b) > 10 for b in bounds):
        raise IndexError_(_("Schwellen liegen zwischen -10 und 10 Standardabweichungen."))
    return [*zip(bounds, labels[:-1], strict=True), (None, labels[-1])]


def _values(
    indicator_ids: list[int], area_ids: list[int], period: str
) -> dict[tuple[int, int], float]:
    out = {}
    for start in range(0, len(area_ids), 900):
        for iid, aid, value in db.session.execute(
            select(Observation.indicator_id, Observation.area_id, Observation.value).where(
                Observation.indicator_id.in_(indicator_ids),
                Observation.period == period,
                Observation.area_id.in_(area_ids[start : start + 900]),
                Observation.value.is_not(None),
            )
        ):
            out[(iid, aid)] = value
    return out


def compute(spec: IndexSpec) -> tuple[list[Indicator], list[Row]]:
    try:
        indicators = catalogue.indicators_by_codes(spec.codes, MAX_INDICATORS)
    except catalogue.IndicatorError as exc:
        raise IndexError_(str(exc)) from exc
    for indicator in indicators:
        try:
            parse_for(spec.period, indicator.periodicity)
            if spec.from_period:
                parse_for(spec.from_period, indicator.periodicity)
        except PeriodError as exc:
            raise IndexError_(f"{indicator.code}: {exc}") from exc
    if spec.from_period and spec.from_period >= spec.period:
        raise IndexError_(_("Der Vergleichszeitraum muss vor dem Zeitraum liegen."))
    areas = db.session.scalars(
        area_filter(select(Area), spec.level, spec.within).order_by(Area.name, Area.id)
    ).all()
    if not areas:
        raise IndexError_(_("Auf der Ebene „%(l)s“ gibt es keine Räume.", l=spec.level[:60]))
    rows = [Row(area) for area in areas]
    ids = [a.id for a in areas]
    iids = [i.id for i in indicators]
    now = _values(iids, ids, spec.period)
    before = _values(iids, ids, spec.from_period) if spec.from_period else {}
    included = []
    for row in rows:
        population = row.area.population
        if population is not None and population < spec.min_population:
            row.reason = _("weniger als %(n)s Einwohner", n=spec.min_population)
            continue
        missing = [i.code for i in indicators if (i.id, row.area.id) not in now]
        if spec.from_period:
            missing += [
                f"{i.code} ({spec.from_period})"
                for i in indicators
                if (i.id, row.area.id) not in before
            ]
        if missing:
            row.reason = _("kein Wert für %(c)s", c=", ".join(missing)[:150])
            continue
        included.append(row)
    if len(included) < 3:
        raise IndexError_(
            _(
                "Zu wenige Räume mit vollständigen Werten (mindestens 3 nötig, %(n)s gefunden).",
                n=len(included),
            )
        )
    for indicator in indicators:
        sign = -1.0 if indicator.polarity == Polarity.HIGHER_IS_BETTER else 1.0
        z = standardise({r.area.id: sign * now[(indicator.id, r.area.id)] for r in included})
        for row in included:
            row.z[indicator.code] = z[row.area.id]
        if spec.from_period:
            dz = standardise(
                {
                    r.area.id: sign
                    * (now[(indicator.id, r.area.id)] - before[(indicator.id, r.area.id)])
                    for r in included
                }
            )
            for row in included:
                row.dz[indicator.code] = dz[row.area.id]
    sums = {r.area.id: sum(r.z.values()) for r in included}
    index = standardise(sums)
    for row in included:
        row.status_sum = sums[row.area.id]
        row.status_index = index[row.area.id]
        row.status_class = classify(row.status_index, spec.status_classes)
    if spec.from_period:
        dsums = {r.area.id: sum(r.dz.values()) for r in included}
        dindex = standardise(dsums)
        for row in included:
            row.dynamics_sum = dsums[row.area.id]
            row.dynamics_index = dindex[row.area.id]
            row.dynamics_class = classify(row.dynamics_index, spec.dynamics_classes)
    return indicators, rows


def run_index(spec: IndexSpec, name: str, user=None) -> IndexRun:
    """Compute and store a run with its inputs (flushes; the caller commits)."""
    indicators, rows = compute(spec)
    state = data_state()
    run = IndexRun(
        name=name.strip() or _("Index %(p)s", p=spec.period),
        created_by_id=getattr(user, "id", None),
        level=spec.level,
        period=spec.period,
        from_period=spec.from_period,
        min_population=spec.min_population,
        settings={
            "indicators": [
                {"code": i.code, "name": i.name, "polarity": i.polarity.value} for i in indicators
            ],
            "within": spec.within.code if spec.within else None,
            "status_classes": spec.status_classes,
            "dynamics_classes": spec.dynamics_classes if spec.from_period else None,
            "data_state": state.isoformat() if state else None,
        },
    )
    db.session.add(run)
    for position, row in enumerate(rows):
        run.results.append(
            IndexResult(
                position=position,
                area_id=row.area.id,
                values={"z": row.z, "dz": row.dz},
                status_sum=row.status_sum,
                status_index=row.status_index,
                status_class=row.status_class,
                dynamics_sum=row.dynamics_sum,
                dynamics_index=row.dynamics_index,
                dynamics_class=row.dynamics_class,
                area_type=row.area_type,
                reason=row.reason,
            )
        )
    db.session.flush()
    return run


def run_table(run: IndexRun, raw: bool = False) -> tuple[list[str], list[list]]:
    """A stored run as a table (CSV of the page and of the CLI): area, name, z_<code> per
    indicator, sum, index, class; with a comparison period dz_<code>, dyn_sum, dyn_index,
    dyn_class, type; last the reason an area was not rated. Decimal comma, as in the imports;
    ``raw``: the numbers themselves (XLSX)."""
    codes = [i["code"] for i in run.settings.get("indicators", [])]
    dynamics = bool(run.from_period)
    header = ["area", "name", *[f"z_{c}" for c in codes], "sum", "index", "class"]
    if dynamics:
        header += [*[f"dz_{c}" for c in codes], "dyn_sum", "dyn_index", "dyn_class", "type"]
    header.append("reason")

    def num(x):
        if raw:  # numbers for a spreadsheet
            return x
        return "" if x is None else f"{x:.4f}".replace(".", ",")

    out = []
    for r in run.results:
        z, dz = r.values.get("z", {}), r.values.get("dz", {})
        line = [r.area.code, r.area.name, *[num(z.get(c)) for c in codes], num(r.status_sum),
                num(r.status_index), r.status_class or ""]  # fmt: skip
        if dynamics:
            line += [*[num(dz.get(c)) for c in codes], num(r.dynamics_sum), num(r.dynamics_index),
                     r.dynamics_class or "", r.area_type or ""]  # fmt: skip
        line.append(r.reason or "")
        out.append(line)
    return header, out


def run_map(run: IndexRun) -> tuple[list, list[tuple[str, str, int]]]:
    """The areas of a run for the map (class as value 0..3; plain rows, one query) and the
    legend: (class, colour, number of areas)."""
    classes = [label for _bound, label in STATUS_CLASSES]
    rows = db.session.execute(
        select(Area.name, Area.code, Area.shape, Area.min_x, Area.min_y, Area.max_x, Area.max_y,
               IndexResult.status_class)
        .join(Area, Area.id == IndexResult.area_id)
        .where(IndexResult.run_id == run.id)
        .order_by(IndexResult.position)
    ).all()  # fmt: skip
    counts = dict.fromkeys(classes, 0)
    items = []
    for name, code, shape, x0, y0, x1, y1, status in rows:
        if status in counts:
            counts[status] += 1
        shown = Shown(
            classes.index(status) if status in counts else None, status or _("nicht bewertet")
        )
        items.append((name, code, shape, (x0, y0, x1, y1), shown))
    legend = [(label, STATUS_COLOURS[i], counts[label]) for i, label in enumerate(classes)]
    return items, legend


def results_page(run: IndexRun, page: int):
    from sqlalchemy.orm import joinedload

    from planner.core.pagination import paginate

    stmt = (
        select(IndexResult)
        .options(joinedload(IndexResult.area))
        .where(IndexResult.run_id == run.id)
        .order_by(IndexResult.position)
    )
    return paginate(stmt, page, per_page=RESULTS_PER_PAGE)


def get_run(run_id: int) -> IndexRun | None:
    return db.session.get(IndexRun, run_id)


def recent_runs(limit: int = 30) -> list[IndexRun]:
    return list(
        db.session.scalars(select(IndexRun).order_by(IndexRun.created_at.desc()).limit(limit))
    )


def result_rows(run: IndexRun, limit: int = 2000) -> list[tuple]:
    """(area code, area name, status index, status class, dynamics index, type) of a run in
    its order, one query (a report cites them)."""
    return [tuple(row) for row in db.session.execute(
        select(Area.code, Area.name, IndexResult.status_index, IndexResult.status_class,
               IndexResult.dynamics_index, IndexResult.area_type)
        .join(Area, Area.id == IndexResult.area_id)
        .where(IndexResult.run_id == run.id).order_by(IndexResult.position).limit(limit)
    )]  # fmt: skip
