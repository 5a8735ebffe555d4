"""Live blocks: a tag's data is *collected* from the monitoring and the measures into plain,
JSON-ready values (what a frozen edition stores), and *drawn* from those values. Drawing never
reads observations, so a frozen edition shows the numbers it was agreed with.

A report is a publication: small counts are withheld in every block for every reader, the
planners included (their marked view of secret values stays on the monitoring's pages)."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

from flask import render_template
from flask_babel import gettext as _
from markupsafe import Markup

from planner.core.i18n import fmt_date
from planner.measures import services as measures
from planner.monitoring import charts, values
from planner.monitoring import index as index_runs
from planner.monitoring.periods import PeriodError, parse_period
from planner.monitoring.tabular import german_number
from planner.reports.tags import Tag, TagError

MAX_ROWS = 500  # areas of one table or map (a Land's Sozialräume come in pieces by "in=")
MAX_SERIES = 6
PUBLIC = None  # the reader of a publication: no right to see small counts


def raw_of(obs) -> list | None:
    if obs is None:
        return None
    state = obs.state.value if hasattr(obs.state, "value") else obs.state
    return [obs.value, obs.numerator, obs.denominator, bool(obs.withheld), state,
            bool(obs.derived)]  # fmt: skip


def shown(raw: list | None, indicator) -> values.Shown:
    return values.show(values.RawValue(*raw) if raw else None, indicator, PUBLIC)


@dataclass
class Collected:
    data: dict
    # (indicator id, area id, period, raw) of each observation the block cites
    citations: list[tuple[int, int, str, list | None]] = field(default_factory=list)


class Context:
    """Lookups shared by the blocks of one rendering (an edition cites the same indicators and
    areas many times)."""

    def __init__(self):
        self._indicators: dict[str, object] = {}
        self._areas: dict[str, object] = {}
        self._levels: list[str] | None = None
        self._root = False

    def indicator(self, code: str):
        if code not in self._indicators:
            self._indicators[code] = values.indicator_by_code(code)
        found = self._indicators[code]
        if found is None:
            raise TagError(_("Den Indikator „%(c)s“ gibt es nicht.", c=code))
        return found

    def area(self, code: str):
        if code not in self._areas:
            self._areas[code] = values.area_by_code(code)
        found = self._areas[code]
        if found is None:
            raise TagError(_("Den Raum mit dem Schlüssel „%(c)s“ gibt es nicht.", c=code))
        return found

    def level(self, name: str) -> str:
        if self._levels is None:
            self._levels = values.levels()
        for level in self._levels:
            if level.lower() == name.lower():
                return level
        raise TagError(_("Die Ebene „%(n)s“ gibt es nicht. Möglich sind: %(l)s.",
                         n=name, l=", ".join(self._levels) or "–"))  # fmt: skip

    def root(self):
        if self._root is False:
            self._root = values.root_area()
        return self._root


def _indicator_data(indicator) -> dict:
    return {"id": indicator.id, "code": indicator.code, "name": indicator.name,
            "unit": indicator.unit or "", "decimals": indicator.decimals,
            "polarity": indicator.polarity.value, "source": indicator.source or ""}  # fmt: skip


def _period_code(text: str) -> str:
    try:
        return parse_period(text).code
    except PeriodError:
        raise TagError(_("„%(t)s“ ist kein Zeitraum (z. B. 2016, 2016-H1, 2016-Q3).",
                         t=text)) from None  # fmt: skip


def _period(indicator, text: str) -> str:
    code = _period_code(text)
    known = indicator.periods or []
    if code not in known:
        latest = ", ".join(known[-3:]) or "–"
        raise TagError(_("Für %(i)s gibt es keine Werte für %(p)s (zuletzt: %(l)s).",
                         i=indicator.code, p=code, l=latest))  # fmt: skip
    return code


def _area_data(area) -> dict:
    return {"id": area.id, "name": area.name, "code": area.code}


# --- collecting --------------------------------------------------------------------------


def _collect_area_values(tag: Tag, ctx: Context) -> Collected:
    indicator = ctx.indicator(tag.get("indikator"))
    level = ctx.level(tag.get("ebene"))
    period = _period(indicator, tag.get("zeitraum"))
    within = ctx.area(tag.get("in")) if tag.get("in") else None
    pairs = values.raw_values(indicator.id, level, period, within, MAX_ROWS + 1)
    reference = within or ctx.root()
    ref_obs = values.observation_at(indicator.id, reference.id, period) if reference else None
    rows = [{**_area_data(a), "obs": raw_of(o)} for a, o in pairs[:MAX_ROWS]]
    data = {
        "indicator": _indicator_data(indicator), "level": level, "period": period,
        "reference": {**_area_data(reference), "obs": raw_of(ref_obs)} if reference else None,
        "rows": rows, "truncated": len(pairs) > MAX_ROWS,
    }  # fmt: skip
    if tag.kind == "tabelle":
        sort = tag.get("sortierung", "name")
        if sort not in values.SORTS:
            raise TagError(_("Sortierung „%(s)s“: möglich sind name, wert, abweichung.", s=sort))
        data["sort"] = sort
    else:
        method = tag.get("methode", "quantile")
        if method not in charts.METHODS:
            raise TagError(_("Methode „%(m)s“: möglich sind %(l)s.", m=method,
                             l=", ".join(charts.METHODS)))  # fmt: skip
        classes = tag.get("klassen", "5")
        if classes not in ("3", "4", "5", "6", "7"):
            raise TagError(_("Klassen: eine Zahl von 3 bis 7."))
        data.update(method=method, classes=int(classes))
    citations = [(indicator.id, r["id"], period, r["obs"]) for r in rows]
    if reference:
        citations.append((indicator.id, reference.id, period, data["reference"]["obs"]))
    return Collected(data, citations)


def _collect_series(tag: Tag, ctx: Context) -> Collected:
    indicator = ctx.indicator(tag.get("indikator"))
    codes = [c.strip() for c in (tag.get("gebiete") or "").split(",") if c.strip()]
    if len(codes) > MAX_SERIES:
        raise TagError(_("Höchstens %(n)d Räume in einem Verlauf.", n=MAX_SERIES))
    areas = [ctx.area(c) for c in codes] or ([ctx.root()] if ctx.root() else [])
    first = _period(indicator, tag.get("von")) if tag.get("von") else None
    last = _period(indicator, tag.get("bis")) if tag.get("bis") else None
    if first and last and first > last:
        raise TagError(_("„von“ liegt nach „bis“."))
    found = values.series_raw(indicator.id, [a.id for a in areas], first, last)
    series = [{**_area_data(a), "points": [[p, raw_of(o)] for p, o in found[a.id]]}
              for a in areas]  # fmt: skip
    citations = [(indicator.id, s["id"], p, raw) for s in series for p, raw in s["points"]]
    return Collected({"indicator": _indicator_data(indicator), "series": series}, citations)


def _collect_index(tag: Tag, ctx: Context) -> Collected:
    text = tag.get("lauf")
    run = index_runs.get_run(int(text)) if text.isdigit() and len(text) < 10 else None
    if run is None:
        raise TagError(_("Den Indexlauf Nr. %(n)s gibt es nicht.", n=text))
    view = tag.get("darstellung", "tabelle")
    if view not in ("tabelle", "karte"):
        raise TagError(_("Darstellung: tabelle oder karte."))
    items, legend = index_runs.run_map(run)
    rows = [list(r) for r in index_runs.result_rows(run, MAX_ROWS)]
    data = {
        "run": {"id": run.id, "name": run.name, "level": run.level, "period": run.period,
                "from_period": run.from_period},
        "view": view, "rows": rows,
        "legend": [[label, colour, n] for label, colour, n in legend],
        "map": [[name, code, shown.value, shown.text] for name, code, _s, _b, shown in items],
    }  # fmt: skip
    return Collected(data)


def _collect_profile(tag: Tag, ctx: Context) -> Collected:
    area = ctx.area(tag.get("gebiet"))
    until = _period_code(tag.get("zeitraum")) if tag.get("zeitraum") else None
    rows, citations = [], []
    parent = area.parent
    root = ctx.root()
    if root is not None and parent is not None and root.id == parent.id:
        root = None  # the parent is the Kreis: one column
    for raw in values.profile_raw(area, until):
        i = raw.indicator
        latest, previous = raw.latest, raw.previous
        rows.append({"indicator": _indicator_data(i), "period": latest.period,
                     "value": raw_of(latest), "previous": raw_of(previous),
                     "previous_period": previous.period if previous else None,
                     "parent": raw_of(raw.parent), "root": raw_of(raw.root)})  # fmt: skip
        citations.append((i.id, area.id, latest.period, raw_of(latest)))
        if previous is not None:
            citations.append((i.id, area.id, previous.period, raw_of(previous)))
        if parent is not None:
            citations.append((i.id, parent.id, latest.period, raw_of(raw.parent)))
        if root is not None and root.id != area.id and raw.root is not raw.latest:
            citations.append((i.id, root.id, latest.period, raw_of(raw.root)))
    data = {"area": _area_data(area), "parent": _area_data(parent) if parent else None,
            "root": _area_data(root) if root is not None and root.id != area.id else None,
            "rows": rows}  # fmt: skip
    return Collected(data, citations)


def _collect_measures(tag: Tag, ctx: Context) -> Collected:
    status = tag.get("status")
    if status and status not in measures.STATUS_VALUES:
        raise TagError(_("Status „%(s)s“: möglich sind %(l)s.", s=status,
                         l=", ".join(measures.STATUS_VALUES)))  # fmt: skip
    indicator = ctx.indicator(tag.get("indikator")) if tag.get("indikator") else None
    area = ctx.area(tag.get("gebiet")) if tag.get("gebiet") else None
    found = measures.listed_measures(
        status=status, area_id=area.id if area else None,
        indicator_id=indicator.id if indicator else None, limit=100,
    )  # fmt: skip
    rows = [{"id": m.id, "title": m.title, "status": str(m.status.label),
             "start": fmt_date(m.start_date) if m.start_date else None,
             "end": fmt_date(m.end_date) if m.end_date else None} for m in found]  # fmt: skip
    about = []
    if indicator:
        about.append(indicator.name)
    if area:
        about.append(area.name)
    return Collected({"rows": rows, "about": about, "status": status})


COLLECTORS = {
    "tabelle": _collect_area_values,
    "karte": _collect_area_values,
    "diagramm": _collect_series,
    "index": _collect_index,
    "profil": _collect_profile,
    "massnahmen": _collect_measures,
}


def collect(tag: Tag, ctx: Context) -> Collected:
    return COLLECTORS[tag.kind](tag, ctx)


# --- drawing -----------------------------------------------------------------------------


def default_caption(tag: Tag, data: dict) -> str:
    if tag.get("titel"):
        return tag.get("titel")
    ind = data.get("indicator")
    match tag.kind:
        case "tabelle" | "karte":
            where = f", {_('in')} {data['reference']['name']}" if tag.get("in") else ""
            return f"{ind['name']} ({ind['unit']}), {data['level']}{where}, {data['period']}"
        case "diagramm":
            return _("Verlauf: %(n)s (%(u)s)", n=ind["name"], u=ind["unit"])
        case "index":
            run = data["run"]
            return _("Sozialindex „%(n)s“, %(l)s, %(p)s", n=run["name"], l=run["level"],
                     p=run["period"])  # fmt: skip
        case "profil":
            if tag.get("zeitraum"):
                return _("Profil: %(n)s, bis %(p)s", n=data["area"]["name"], p=tag.get("zeitraum"))
            return _("Profil: %(n)s", n=data["area"]["name"])
    if data.get("about"):
        return _("Maßnahmen zu %(a)s", a=", ".join(data["about"]))
    return _("Maßnahmen")


def _ind(data: dict):
    i = data["indicator"]
    return SimpleNamespace(**{**i, "polarity": values.Polarity(i["polarity"])})


def _draw_area_values(tag: Tag, data: dict, number: int, anchor: str, caption: str) -> Markup:
    indicator = _ind(data)
    ref = data["reference"]
    ref_shown = shown(ref["obs"], indicator) if ref else values.MISSING
    rows = [(r, shown(r["obs"], indicator)) for r in data["rows"]]
    flags, _mean, _sd = values.deviation_flags([s.value for _r, s in rows], indicator.polarity)
    if tag.kind == "karte":
        areas = [(SimpleNamespace(id=r["id"], name=r["name"], code=r["code"]), s) for r, s in rows]
        svg, legend = charts.choropleth(
            areas, values.outlines([r["id"] for r in data["rows"]]), data["method"],
            data["classes"], indicator.decimals, caption, title_id=f"{anchor}-titel",
        )  # fmt: skip
        return Markup(render_template(
            "reports/blocks/karte.html", number=number, anchor=anchor, caption=caption,
            svg=svg, legend=legend, indicator=indicator, data=data,
        ))  # fmt: skip
    table = []
    for (r, s), flag in zip(rows, flags, strict=True):
        diff = (
            s.value - ref_shown.value
            if s.value is not None and ref_shown.value is not None
            else None
        )
        table.append(
            (r, s, None if diff is None else german_number(diff, indicator.decimals), flag)
        )
    if data.get("sort") == "wert":
        table.sort(key=lambda t: (t[1].value is None, -(t[1].value or 0)))
    elif data.get("sort") == "abweichung":
        table.sort(key=lambda t: (t[1].value is None or ref_shown.value is None,
                                  -((t[1].value or 0) - (ref_shown.value or 0))))  # fmt: skip
    return Markup(render_template(
        "reports/blocks/tabelle.html", number=number, anchor=anchor, caption=caption,
        rows=table, reference=ref, ref_shown=ref_shown, indicator=indicator, data=data,
    ))  # fmt: skip


def _draw_series(tag: Tag, data: dict, number: int, anchor: str, caption: str) -> Markup:
    indicator = _ind(data)
    cells = {s["id"]: {p: shown(raw, indicator) for p, raw in s["points"]} for s in data["series"]}
    series = [(s["name"], [(p, cells[s["id"]][p].value) for p, _raw in s["points"]])
              for s in data["series"]]  # fmt: skip
    svg = charts.line_chart(series, indicator.unit, indicator.decimals, caption,
                            chart_id=f"{anchor}-titel")  # fmt: skip
    periods = sorted({p for s in data["series"] for p, _raw in s["points"]})
    return Markup(render_template(
        "reports/blocks/diagramm.html", number=number, anchor=anchor, caption=caption, svg=svg,
        series=data["series"], cells=cells, periods=periods, indicator=indicator,
    ))  # fmt: skip


def _draw_index(tag: Tag, data: dict, number: int, anchor: str, caption: str) -> Markup:
    svg = None
    if data["view"] == "karte":
        by_code = {code: (name, v, text) for name, code, v, text in data["map"]}
        shapes = values.outlines_by_codes(list(by_code))
        items = [(name, code, *shapes.get(code, (None, None)), values.Shown(v, text))
                 for code, (name, v, text) in by_code.items()]  # fmt: skip
        svg = charts.map_svg(items, [0.5, 1.5, 2.5], [c for _l, c, _n in data["legend"]],
                             caption, 0, title_id=f"{anchor}-titel")  # fmt: skip
    return Markup(render_template(
        "reports/blocks/index.html", number=number, anchor=anchor, caption=caption, svg=svg,
        data=data, num=lambda x: "–" if x is None else german_number(x, 2),
    ))  # fmt: skip


def _direction(indicator, value: values.Shown, before: values.Shown) -> str | None:
    """A publication says how a value moved, not whether that is good: „gestiegen“,
    „gesunken“, „unverändert“ (the monitoring's own pages rate it by the indicator's polarity,
    which knows no neutral, descriptive indicator)."""
    moved = values.trend(indicator, value, before)
    if moved is None or moved == "gleich":
        return _("unverändert") if moved else None
    return _("gestiegen") if value.value > before.value else _("gesunken")


def _draw_profile(tag: Tag, data: dict, number: int, anchor: str, caption: str) -> Markup:
    rows = []
    for r in data["rows"]:
        ind = _ind(r)
        value, before = shown(r["value"], ind), shown(r["previous"], ind)
        rows.append((r, ind, value, before, _direction(ind, value, before),
                     shown(r["parent"], ind), shown(r["root"], ind)))  # fmt: skip
    return Markup(render_template(
        "reports/blocks/profil.html", number=number, anchor=anchor, caption=caption,
        rows=rows, data=data,
    ))  # fmt: skip


def _draw_measures(tag: Tag, data: dict, number: int, anchor: str, caption: str) -> Markup:
    return Markup(render_template(
        "reports/blocks/massnahmen.html", number=number, anchor=anchor, caption=caption,
        data=data,
    ))  # fmt: skip


DRAWERS = {
    "tabelle": _draw_area_values,
    "karte": _draw_area_values,
    "diagramm": _draw_series,
    "index": _draw_index,
    "profil": _draw_profile,
    "massnahmen": _draw_measures,
}


def draw(tag: Tag, data: dict, number: int, anchor: str) -> tuple[Markup, str]:
    caption = default_caption(tag, data)
    return DRAWERS[tag.kind](tag, data, number, anchor, caption), caption
