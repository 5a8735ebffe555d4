"""Reading observations: the values of an indicator across areas, an area's profile, time
series; values of parent areas summed from counts; secrecy of small counts."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.orm import aliased

from planner.core.models import utcnow
from planner.core.permissions import Permission, role_can
from planner.extensions import db
from planner.monitoring.models import (
    Area,
    Indicator,
    Observation,
    ObservationHistory,
    ObservationState,
    Polarity,
)
from planner.monitoring.tabular import german_number

DEFAULT_SECRECY = 3


def secrecy_limit() -> int:
    return int(current_app.config.get("SECRECY_MIN_COUNT", DEFAULT_SECRECY))


def sees_secret(user) -> bool:
    return role_can(getattr(user, "role", None), Permission.MONITORING_SECRET)


@dataclass(frozen=True)
class Shown:
    """A value as one user may see it."""

    value: float | None  # None when missing, withheld or secret for this user
    text: str
    secret: bool = False  # rests on a small count (shown only to planners, marked)
    withheld: bool = False  # withheld by the supplier ("x")
    provisional: bool = False
    derived: bool = False
    numerator: float | None = None
    denominator: float | None = None


MISSING = Shown(None, "–")


def as_html(shown: Shown, unit: str | None = None):
    """A value for a table cell: „x“ with the reason when withheld or secret, badges for
    secret (planners) and provisional values. A filter (``|wert``), not a macro: a profile has
    hundreds of cells."""
    from markupsafe import Markup, escape

    if shown.withheld:
        return Markup('<abbr title="%s">x</abbr>') % _("vom Lieferanten geheim gehalten")
    if shown.secret and shown.value is None:
        return Markup('<abbr title="%s">x</abbr>') % _(
            "kleine Fallzahl: aus Datenschutzgründen nicht ausgewiesen"
        )
    html = escape(shown.text)
    if unit and shown.value is not None:
        html += Markup("&nbsp;") + escape(unit)
    if shown.secret:
        html += Markup(' <span class="badge" title="%s">%s</span>') % (
            _("beruht auf einer kleinen Fallzahl; nur für die Sozialplanung sichtbar"),
            _("geheim"),
        )
    if shown.provisional:
        html += Markup(' <abbr class="badge" title="%s">%s</abbr>') % (
            _("vorläufiger Wert"),
            _("vorl."),
        )
    return html


def show(obs, indicator: Indicator, user, limit: int | None = None) -> Shown:
    """``obs`` has value, numerator, denominator, withheld, state, derived (row or object)."""
    if obs is None:
        return MISSING
    limit = secrecy_limit() if limit is None else limit
    provisional = str(obs.state) == ObservationState.PROVISIONAL.value
    if obs.withheld:
        return Shown(None, "x", withheld=True, provisional=provisional)
    secret = obs.numerator is not None and obs.numerator < limit
    if secret and not sees_secret(user):
        return Shown(None, "x", secret=True, provisional=provisional)
    if obs.value is None:
        return MISSING
    return Shown(
        obs.value,
        german_number(obs.value, indicator.decimals if indicator is not None else 6),
        secret=secret,
        provisional=provisional,
        derived=bool(obs.derived),
        numerator=obs.numerator,
        denominator=obs.denominator,
    )


# --- the area tree ---------------------------------------------------------------------


def levels() -> list[str]:
    """Level names from the top down."""
    rows = db.session.execute(
        select(Area.level, func.min(Area.depth))
        .group_by(Area.level)
        .order_by(func.min(Area.depth), Area.level)
    )
    return [level for level, _depth in rows]


def root_area() -> Area | None:
    return db.session.scalar(
        select(Area).where(Area.parent_id.is_(None)).order_by(Area.depth, Area.id).limit(1)
    )


def ancestors(area: Area) -> list[Area]:
    """From the root down to the parent (at most 20 levels)."""
    chain, current = [], area.parent
    while current is not None and len(chain) < 20:
        chain.append(current)
        current = current.parent
    return list(reversed(chain))


def _outlines(key, keys: list) -> dict:
    rows = db.session.execute(
        select(key, Area.shape, Area.min_x, Area.min_y, Area.max_x, Area.max_y).where(key.in_(keys))
    )
    return {k: (shape, (x0, y0, x1, y1)) for k, shape, x0, y0, x1, y1 in rows}


def outlines(area_ids: list[int]) -> dict[int, tuple[str | None, tuple]]:
    """area id -> (SVG path, bounding box) of the stored display outlines, one query."""
    return _outlines(Area.id, area_ids or [-1])


def outlines_by_codes(codes: list[str]) -> dict[str, tuple[str | None, tuple]]:
    """area code -> (SVG path, bounding box), one query."""
    return _outlines(Area.code, codes or [""])


def descendant_ids(root_id: int) -> set[int]:
    """Every area below ``root_id``: a recursive query along the parent index (the subtree's
    rows only; reading the whole tree took 10,000 rows at land scale for each table)."""
    tree = select(Area.id).where(Area.parent_id == root_id).cte("subtree", recursive=True)
    tree = tree.union_all(select(Area.id).where(Area.parent_id == tree.c.id))
    return set(db.session.scalars(select(tree.c.id)))


# --- parents from counts ---------------------------------------------------------------


def derive_parents(keys: dict[int, set[str]]) -> int:
    """Sum numerator and denominator of the areas below into each parent that has no
    delivered value of its own (never average rates). A parent gets a value only when every
    area directly below it has counts (a withheld or missing child leaves it open). Returns
    the number of derived values written."""
    if not keys:
        return 0
    computed = {
        iid: factor
        for iid, factor in db.session.execute(
            select(Indicator.id, Indicator.factor).where(
                Indicator.id.in_(list(keys)), Indicator.computed.is_(True)
            )
        )
    }
    if not computed:
        return 0
    parent_of, depth_of = {}, {}
    children = defaultdict(list)
    for aid, parent, depth in db.session.execute(select(Area.id, Area.parent_id, Area.depth)):
        parent_of[aid] = parent
        depth_of[aid] = depth
        if parent is not None:
            children[parent].append(aid)
    parents_deepest_first = sorted(children, key=lambda a: -depth_of.get(a, 0))
    table = Observation.__table__
    now = utcnow()
    written = 0
    for iid, factor in computed.items():
        periods = sorted(keys[iid])
        rows = defaultdict(list)
        for start in range(0, len(periods), 200):
            for row in db.session.execute(
                select(
                    table.c.id, table.c.area_id, table.c.period, table.c.numerator,
                    table.c.denominator, table.c.derived, table.c.withheld, table.c.state,
                ).where(table.c.indicator_id == iid, table.c.period.in_(periods[start : start + 200]))
            ):  # fmt: skip
                rows[row.period].append(row)
        inserts, updates, stale = [], [], []
        for period in periods:
            totals: dict[int, tuple[float, float, bool]] = {}
            own: set[int] = set()
            derived_ids: dict[int, int] = {}
            for row in rows.get(period, ()):
                if row.derived:
                    derived_ids[row.area_id] = row.id
                    continue
                own.add(row.area_id)
                if not row.withheld and row.numerator is not None and row.denominator is not None:
                    totals[row.area_id] = (
                        row.numerator,
                        row.denominator,
                        row.state == ObservationState.PROVISIONAL.value,
                    )
            for parent in parents_deepest_first:
                if parent in own:
                    continue
                kids = children[parent]
                if all(k in totals for k in kids):
                    totals[parent] = (
                        sum(totals[k][0] for k in kids),
                        sum(totals[k][1] for k in kids),
                        any(totals[k][2] for k in kids),
                    )
            for area_id, (num, den, provisional) in totals.items():
                if area_id in own:
                    continue
                value = num / den * factor if den else None
                state = (
                    ObservationState.PROVISIONAL if provisional else ObservationState.FINAL
                ).value
                if area_id in derived_ids:
                    updates.append(
                        {
                            "oid": derived_ids.pop(area_id),
                            "v": value,
                            "n": num,
                            "d": den,
                            "s": state,
                        }
                    )
                else:
                    inserts.append(
                        {"indicator_id": iid, "area_id": area_id, "period": period, "value": value,
                         "numerator": num, "denominator": den, "withheld": False, "derived": True,
                         "state": state, "updated_at": now}
                    )  # fmt: skip
            stale.extend(derived_ids.values())
        if inserts:
            db.session.execute(insert(table), inserts)
        if updates:
            from sqlalchemy import bindparam

            db.session.execute(
                update(table)
                .where(table.c.id == bindparam("oid"))
                .values(value=bindparam("v"), numerator=bindparam("n"),
                        denominator=bindparam("d"), state=bindparam("s"), updated_at=now),
                updates,
            )  # fmt: skip
        for start in range(0, len(stale), 500):
            db.session.execute(delete(table).where(table.c.id.in_(stale[start : start + 500])))
        written += len(inserts) + len(updates)
    return written


def refresh_periods(keys: dict[int, set[str]]) -> None:
    """Keep each indicator's list of periods with values: the stored list joined with the
    periods an import brought (imports add or correct values, they never remove a period)."""
    for indicator in db.session.scalars(select(Indicator).where(Indicator.id.in_(list(keys)))):
        indicator.periods = sorted(set(indicator.periods or []) | set(keys[indicator.id]))
    db.session.flush()


# --- an indicator across areas ----------------------------------------------------------


@dataclass
class TableRow:
    area: Area
    shown: Shown
    difference: float | None
    flag: str | None  # "ungünstig" / "günstig" when more than one standard deviation away


@dataclass
class AreaTable:
    indicator: Indicator
    level: str
    period: str
    reference: Area | None
    reference_value: Shown
    rows: list[TableRow]
    mean: float | None
    stdev: float | None


SORTS = ("name", "wert", "abweichung")


def area_filter(stmt, level: str, within: Area | None):
    stmt = stmt.where(Area.level == level)
    if within is not None:
        ids = descendant_ids(within.id)
        stmt = stmt.where(Area.id.in_(ids or {-1}))
    return stmt


def raw_values(
    indicator_id: int, level: str, period: str, within: Area | None = None, limit: int = 2000
) -> list[tuple[Area, Observation | None]]:
    """Every area of a level (within an area) with its observation of the period, by name."""
    obs = aliased(Observation)
    stmt = (
        select(Area, obs)
        .outerjoin(
            obs,
            and_(obs.area_id == Area.id, obs.indicator_id == indicator_id, obs.period == period),
        )
        .order_by(Area.name, Area.id)
        .limit(limit)
    )
    return [(area, obs) for area, obs in db.session.execute(area_filter(stmt, level, within))]


def deviation_flags(
    values: list[float | None], polarity
) -> tuple[list[str | None], float | None, float | None]:
    """„ungünstig“ / „günstig“ for values more than one standard deviation from the mean of the
    areas (in the indicator's direction); the mean and the standard deviation."""
    present = [v for v in values if v is not None]
    mean = statistics.fmean(present) if present else None
    stdev = statistics.stdev(present) if len(present) > 1 else None
    sign = 1 if polarity == Polarity.HIGHER_IS_WORSE else -1
    flags: list[str | None] = []
    for v in values:
        flag = None
        if v is not None and stdev:
            z = (v - mean) / stdev * sign
            if z > 1:
                flag = _("ungünstig")
            elif z < -1:
                flag = _("günstig")
        flags.append(flag)
    return flags, mean, stdev


def indicator_table(
    indicator: Indicator,
    level: str,
    period: str,
    user,
    within: Area | None = None,
    sort: str = "name",
    descending: bool = False,
    limit: int = 2000,
) -> AreaTable:
    """Every area of a level with its value, the reference (Kreis) value, the difference and a
    deviation flag (more than one standard deviation from the mean of the areas)."""
    limit_count = secrecy_limit()
    pairs = [
        (area, show(o, indicator, user, limit_count))
        for area, o in raw_values(indicator.id, level, period, within, limit)
    ]
    reference = within or root_area()
    ref_obs = observation_at(indicator.id, reference.id, period) if reference else None
    ref_shown = show(ref_obs, indicator, user, limit_count)
    flags, mean, stdev = deviation_flags([s.value for _a, s in pairs], indicator.polarity)
    rows = []
    for (area, shown), flag in zip(pairs, flags, strict=True):
        difference = (
            shown.value - ref_shown.value
            if shown.value is not None and ref_shown.value is not None
            else None
        )
        rows.append(TableRow(area, shown, difference, flag))
    if sort == "wert":
        rows.sort(key=lambda r: (r.shown.value is None, r.shown.value or 0), reverse=False)
    elif sort == "abweichung":
        rows.sort(key=lambda r: (r.difference is None, r.difference or 0))
    if descending:
        present = [
            r for r in rows if (r.shown.value if sort == "wert" else r.difference) is not None
        ]
        absent = [r for r in rows if r not in present]
        rows = list(reversed(present)) + absent if sort != "name" else list(reversed(rows))
    return AreaTable(indicator, level, period, reference, ref_shown, rows, mean, stdev)


# --- an area's profile -----------------------------------------------------------------


@dataclass
class ProfileRow:
    indicator: Indicator
    period: str
    value: Shown
    previous: Shown
    previous_period: str | None
    trend: str | None  # "besser", "schlechter", "gleich"
    observation_id: int  # the value's page (its history of corrections)
    parent: Shown
    root: Shown


_OBS_COLUMNS = (
    Observation.id, Observation.area_id, Observation.indicator_id, Observation.period,
    Observation.value, Observation.numerator, Observation.denominator, Observation.withheld,
    Observation.state, Observation.derived,
)  # fmt: skip


def _latest_two(area_id: int, until: str | None = None) -> dict[int, dict[int, object]]:
    """indicator id -> {1: latest, 2: the one before}, as plain rows. First only the periods
    from the second-newest of any indicator on (240 rows at kreis scale instead of 4,800);
    the indicators that come up short there are read in full."""
    periods = [
        [x for x in p if until is None or x <= until]
        for p in db.session.scalars(select(Indicator.periods))
        if p
    ]
    periods = [p for p in periods if p]
    cut = min((p[-2] if len(p) > 1 else p[-1]) for p in periods) if periods else ""

    def read(stmt) -> dict[int, dict[int, object]]:
        found: dict[int, dict[int, object]] = {}
        for row in db.session.execute(
            stmt.order_by(Observation.area_id, Observation.indicator_id, Observation.period.desc())
        ):
            ranks = found.setdefault(row.indicator_id, {})
            if len(ranks) < 2:
                ranks[len(ranks) + 1] = row
        return found

    base = select(*_OBS_COLUMNS).where(Observation.area_id == area_id)
    if until is not None:
        base = base.where(Observation.period <= until)
    found = read(base.where(Observation.period >= cut))
    short = [iid for iid, ranks in found.items() if len(ranks) < 2]
    missing = db.session.scalars(
        select(Indicator.id).where(
            Indicator.periods.is_not(None), Indicator.id.not_in(list(found) or [-1])
        )
    ).all()
    if short or missing:
        found.update(read(base.where(Observation.indicator_id.in_([*short, *missing]))))
    return found


@dataclass
class ProfileRaw:
    """An area's latest and previous observation of one indicator, with the same period's
    observation of its parent and of the Kreis (plain rows; None when missing)."""

    indicator: Indicator
    latest: object
    previous: object | None
    parent: object | None
    root: object | None


def profile_raw(area: Area, until: str | None = None) -> list[ProfileRaw]:
    """The latest observation (up to ``until``) of every indicator for the area, beside the
    same period's observation of its parent and of the Kreis and the area's period before."""
    root = root_area()
    parent_id = area.parent_id
    own = _latest_two(area.id, until)
    if not own:
        return []
    indicators = {
        i.id: i for i in db.session.scalars(select(Indicator).where(Indicator.id.in_(list(own))))
    }
    others = defaultdict(dict)
    other_ids = [i for i in (parent_id, root.id if root else None) if i and i != area.id]
    if other_ids:
        periods = {o[1].period for o in own.values() if 1 in o}
        for obs in db.session.execute(
            select(*_OBS_COLUMNS).where(
                Observation.area_id.in_(other_ids),
                Observation.indicator_id.in_(list(own)),
                Observation.period.in_(periods),
            )
        ):
            others[(obs.area_id, obs.indicator_id)][obs.period] = obs
    rows = []
    for iid, ranks in own.items():
        latest = ranks.get(1)
        rows.append(ProfileRaw(
            indicator=indicators[iid], latest=latest, previous=ranks.get(2),
            parent=others[(parent_id, iid)].get(latest.period) if parent_id else None,
            root=(others[(root.id, iid)].get(latest.period)
                  if root and root.id != area.id else latest),
        ))  # fmt: skip
    rows.sort(key=lambda r: ((r.indicator.topic or "~"), r.indicator.code))
    return rows


def trend(indicator: Indicator, value: Shown, before: Shown) -> str | None:
    """„besser“, „schlechter“ or „gleich“ from the value before, in the indicator's direction."""
    if value.value is None or before.value is None:
        return None
    change = value.value - before.value
    if abs(change) < 10 ** -(indicator.decimals + 1):
        return "gleich"
    worse = (change > 0) == (indicator.polarity == Polarity.HIGHER_IS_WORSE)
    return "schlechter" if worse else "besser"


def profile(area: Area, user) -> list[ProfileRow]:
    """The latest value of every indicator for the area, beside the same period's value of its
    parent and of the Kreis, with the trend since the period before."""
    limit = secrecy_limit()
    rows = []
    for raw in profile_raw(area):
        indicator = raw.indicator
        value = show(raw.latest, indicator, user, limit)
        before = show(raw.previous, indicator, user, limit)
        rows.append(
            ProfileRow(
                indicator=indicator,
                period=raw.latest.period,
                value=value,
                previous=before,
                previous_period=raw.previous.period if raw.previous else None,
                trend=trend(indicator, value, before),
                observation_id=raw.latest.id,
                parent=show(raw.parent, indicator, user, limit) if area.parent_id else MISSING,
                root=show(raw.root, indicator, user, limit),
            )
        )
    return rows


# --- time series -----------------------------------------------------------------------


def series(indicator: Indicator, areas: list[Area], user) -> dict[int, list[tuple[str, Shown]]]:
    limit = secrecy_limit()
    found = series_raw(indicator.id, [a.id for a in areas], limit=None)
    return {aid: [(p, show(obs, indicator, user, limit)) for p, obs in points]
            for aid, points in found.items()}  # fmt: skip


def series_raw(
    indicator_id: int,
    area_ids: list[int],
    first: str | None = None,
    last: str | None = None,
    limit: int | None = 2400,
) -> dict[int, list[tuple[str, object]]]:
    """area id -> [(period, observation)], oldest first, from ``first`` to ``last``."""
    out: dict[int, list[tuple[str, object]]] = {a: [] for a in area_ids}
    stmt = select(Observation).where(
        Observation.indicator_id == indicator_id, Observation.area_id.in_(area_ids or [-1])
    )
    if first:
        stmt = stmt.where(Observation.period >= first)
    if last:
        stmt = stmt.where(Observation.period <= last)
    for obs in db.session.scalars(stmt.order_by(Observation.period).limit(limit)):
        out[obs.area_id].append((obs.period, obs))
    return out


def history_of(observation_id: int) -> list[ObservationHistory]:
    return db.session.scalars(
        select(ObservationHistory)
        .where(ObservationHistory.observation_id == observation_id)
        .order_by(ObservationHistory.replaced_at.desc(), ObservationHistory.id.desc())
        .limit(100)
    ).all()


def data_state() -> datetime | None:
    """When the data last changed (the newest import), for extracts and index runs."""
    from planner.monitoring.models import ImportJob

    return db.session.scalar(select(func.max(ImportJob.finished_at)))


# --- for other domains (measures justified by indicators) --------------------------------


def indicators_by_ids(ids) -> dict[int, Indicator]:
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    return {i.id: i for i in db.session.scalars(select(Indicator).where(Indicator.id.in_(ids)))}


def areas_by_ids(ids) -> dict[int, Area]:
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    return {a.id: a for a in db.session.scalars(select(Area).where(Area.id.in_(ids)))}


def observation_at(indicator_id: int, area_id: int, period: str) -> Observation | None:
    return db.session.scalar(
        select(Observation).where(
            Observation.indicator_id == indicator_id,
            Observation.area_id == area_id,
            Observation.period == period,
        )
    )


def series_since(indicator: Indicator, area_id: int, period: str, user) -> list[tuple[str, Shown]]:
    """The values of one area from ``period`` on, oldest first (one query)."""
    limit = secrecy_limit()
    return [
        (obs.period, show(obs, indicator, user, limit))
        for obs in db.session.scalars(
            select(Observation)
            .where(
                Observation.indicator_id == indicator.id,
                Observation.area_id == area_id,
                Observation.period >= period,
            )
            .order_by(Observation.period)
            .limit(200)
        )
    ]


def indicator_by_code(code: str) -> Indicator | None:
    return db.session.scalar(select(Indicator).where(Indicator.code == code))


def area_by_code(code: str) -> Area | None:
    return db.session.scalar(select(Area).where(Area.code == code).limit(1))


@dataclass
class Correction:
    """A value someone cited (a frozen report) beside what the monitoring holds now."""

    cited: object  # the caller's row (its columns as attributes)
    indicator: Indicator
    area_name: str
    old: Shown
    new: Shown


def corrections(cited, order_by, limit: int = 200) -> tuple[list[Correction], bool]:
    """Which cited values the monitoring has changed since: ``cited`` is a subquery with
    indicator_id, area_id, period, value, numerator, withheld and state (None where no value
    existed) and any columns of the caller, ``order_by`` some of those columns. A value deleted
    since, delivered where none was, or corrected; shown as a publication shows them (small
    counts withheld). One query along the observations' key."""
    o = aliased(Observation)
    rows = db.session.execute(
        select(cited, o.value, o.numerator, o.denominator, o.withheld, o.state, o.derived, o.id,
               Indicator, Area.name)
        .join(Indicator, Indicator.id == cited.c.indicator_id)
        .join(Area, Area.id == cited.c.area_id)
        .outerjoin(o, (o.indicator_id == cited.c.indicator_id) & (o.area_id == cited.c.area_id)
                   & (o.period == cited.c.period))
        .where((o.id.is_(None) & cited.c.state.is_not(None))
               | (o.id.is_not(None) & (cited.c.state.is_(None)
                                       | o.value.is_distinct_from(cited.c.value)
                                       | o.withheld.is_distinct_from(cited.c.withheld)
                                       | o.numerator.is_distinct_from(cited.c.numerator))))
        .order_by(*order_by, Indicator.code, Area.name, cited.c.period)
        .limit(limit + 1)
    ).all()  # fmt: skip
    width = len(cited.c)
    out = []
    for row in rows[:limit]:
        mine = SimpleNamespace(**dict(zip(cited.c.keys(), row[:width], strict=True)))
        value, num, den, withheld, state, derived, obs_id, indicator, area_name = row[width:]
        old = (show(RawValue(mine.value, mine.numerator, mine.denominator, mine.withheld,
                             mine.state, False), indicator, None)
               if mine.state is not None else MISSING)  # fmt: skip
        new = (show(RawValue(value, num, den, withheld, state, derived), indicator, None)
               if obs_id else Shown(None, _("gelöscht")))  # fmt: skip
        out.append(Correction(mine, indicator, area_name, old, new))
    return out, len(rows) > limit


@dataclass
class RawValue:
    """An observation's values without the observation (a snapshot, a row), read by show()."""

    value: float | None
    numerator: float | None
    denominator: float | None
    withheld: bool
    state: object
    derived: bool
