"""Maps and charts, drawn on the server as SVG: no tile server, no script, printable, and the
same in every browser. The areas' simplified outlines (stored at import, see areas.py) are
drawn as paths; a table beside each figure is the accessible alternative."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup, escape

from planner.monitoring.tabular import german_number

METHODS = {
    "gleich": "gleiche Intervalle",
    "quantile": "Quantile",
    "stdabw": "Standardabweichungen",
}
# ColorBrewer YlOrRd / Blues (colour-blind safe, print-friendly), light to dark
PALETTE = {
    3: ["#ffeda0", "#feb24c", "#f03b20"],
    4: ["#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"],
    5: ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"],
    6: ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"],
    7: ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"],
}
NO_DATA = "#d9d9d9"
SERIES_COLOURS = ["#1f4e79", "#c0392b", "#1e8449", "#7d3c98", "#b9770e", "#2e4053"]
SERIES_DASHES = ["", "6 3", "2 3", "8 3 2 3", "4 4", "1 2"]


@dataclass
class Legend:
    colour: str
    label: str
    count: int


def breaks_for(values: list[float], method: str, classes: int) -> list[float]:
    """Upper bounds of each class but the last (len = classes - 1)."""
    if not values:
        return []
    low, high = min(values), max(values)
    if method == "stdabw":
        mean = statistics.fmean(values)
        sd = statistics.stdev(values) if len(values) > 1 else 0.0
        if sd == 0:
            return []
        steps = {
            3: [-0.5, 0.5],
            4: [-1, 0, 1],
            5: [-1.5, -0.5, 0.5, 1.5],
            6: [-2, -1, 0, 1, 2],
            7: [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5],
        }[classes]
        return [mean + s * sd for s in steps]
    if method == "quantile":
        if len(values) < classes:
            return sorted(set(values))[:-1]
        cuts = statistics.quantiles(values, n=classes, method="inclusive")
        return sorted(set(cuts))
    if high == low:
        return []
    width = (high - low) / classes
    return [low + width * i for i in range(1, classes)]


def class_of(value: float, breaks: list[float]) -> int:
    for i, bound in enumerate(breaks):
        if value <= bound:
            return i
    return len(breaks)


def legend(
    values: list[float], breaks: list[float], decimals: int, colours: list[str]
) -> list[Legend]:
    counts = [0] * (len(breaks) + 1)
    for v in values:
        counts[class_of(v, breaks)] += 1
    items = []
    bounds = [min(values) if values else 0, *breaks, max(values) if values else 0]
    for i in range(len(breaks) + 1):
        low, high = bounds[i], bounds[i + 1]
        label = (
            _("bis %(h)s", h=german_number(high, decimals))
            if i == 0
            else _(
                "über %(l)s bis %(h)s",
                l=german_number(low, decimals),
                h=german_number(high, decimals),
            )
        )
        items.append(Legend(colours[i], label, counts[i]))
    return items


def palette(n: int) -> list[str]:
    n = max(1, n)
    if n <= 2:
        return PALETTE[3][-n:] if n else []
    return PALETTE[min(n, 7)]


def map_svg(
    items,
    breaks: list[float],
    colours: list[str],
    title: str,
    decimals: int,
    title_id: str = "map-title",
) -> Markup:
    """items: (name, code, shape path, bbox tuple, Shown). Paths of areas without shape are
    left out (the table lists them)."""
    shaped = [i for i in items if i[2]]
    if not shaped:
        return Markup("")
    min_x = min(i[3][0] for i in shaped)
    min_y = min(i[3][1] for i in shaped)
    max_x = max(i[3][2] for i in shaped)
    max_y = max(i[3][3] for i in shaped)
    pad = max(max_x - min_x, max_y - min_y) * 0.02
    width, height = max_x - min_x + 2 * pad, max_y - min_y + 2 * pad
    stroke = max(width, height) / 600
    parts = [
        f'<svg class="map" xmlns="http://www.w3.org/2000/svg" viewBox="{min_x - pad:.1f} {min_y - pad:.1f} {width:.1f} {height:.1f}" '
        f'role="img" aria-labelledby="{title_id}" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<defs><pattern id="{title_id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{NO_DATA}"/><line x1="0" y1="0" x2="0" y2="6" stroke="#888" stroke-width="2"/></pattern></defs>',
        f'<g stroke="#333" stroke-width="{stroke:.2f}" stroke-linejoin="round">',
    ]
    for name, code, shape, _bbox, shown in shaped:
        if shown.value is None:
            fill, text = (
                f"url(#{title_id}-hatch)",
                _("keine Angabe") if shown.text == "–" else _("geheim gehalten"),
            )
        else:
            fill, text = colours[class_of(shown.value, breaks)], shown.text
        parts.append(
            f'<path d="{escape(shape)}" fill="{fill}"><title>{escape(name)} ({escape(code)}): {escape(text)}</title></path>'
        )
    parts.append("</g></svg>")
    return Markup("".join(parts))


def choropleth(
    areas,
    outlines: dict,
    method: str,
    classes: int,
    decimals: int,
    title: str,
    title_id: str = "map-title",
):
    """The map of (area, Shown) pairs with their outlines: classes by ``method``, the SVG and
    its legend."""
    present = [shown.value for _area, shown in areas if shown.value is not None]
    breaks = breaks_for(present, method, classes)
    colours = palette(len(breaks) + 1)
    items = [
        (area.name, area.code, *outlines.get(area.id, (None, None)), shown) for area, shown in areas
    ]
    svg = map_svg(items, breaks, colours, title, decimals, title_id)
    return svg, legend(present, breaks, decimals, colours) if present else []


def line_chart(
    series: list[tuple[str, list[tuple[str, float | None]]]],
    unit: str,
    decimals: int,
    title: str,
    chart_id: str = "chart-title",
) -> Markup:
    """A time-series chart: one line per area (colour and dash differ), a point per period;
    gaps where a value is missing or withheld."""
    periods = sorted({p for _n, points in series for p, _v in points})
    values = [v for _n, points in series for _p, v in points if v is not None]
    if not periods or not values:
        return Markup("")
    w, h, left, right, top, bottom = 720, 340, 70, 20, 20, 80
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    span = high - low
    low, high = low - span * 0.05, high + span * 0.05
    if min(values) >= 0 and low < 0:
        low = 0.0

    def x(i: int) -> float:
        return left + (w - left - right) * (i / max(1, len(periods) - 1))

    def y(v: float) -> float:
        return top + (h - top - bottom) * (1 - (v - low) / (high - low))

    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{chart_id}">',
        f'<title id="{chart_id}">{escape(title)}</title>',
        '<g class="chart__grid" stroke="#ccc" stroke-width="1">',
    ]
    for k in range(5):
        v = low + (high - low) * k / 4
        parts.append(f'<line x1="{left}" x2="{w - right}" y1="{y(v):.1f}" y2="{y(v):.1f}"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" fill="#333" stroke="none" font-size="12">{escape(german_number(v, decimals))}</text>'
        )
    step = max(1, len(periods) // 10)
    for i, p in enumerate(periods):
        if i % step == 0 or i == len(periods) - 1:
            parts.append(
                f'<text x="{x(i):.1f}" y="{h - bottom + 18}" text-anchor="middle" fill="#333" stroke="none" font-size="12">{escape(p)}</text>'
            )
    parts.append("</g>")
    index = {p: i for i, p in enumerate(periods)}
    for n, (name, points) in enumerate(series[: len(SERIES_COLOURS)]):
        colour, dash = SERIES_COLOURS[n], SERIES_DASHES[n]
        segments, current = [], []
        for p, v in points:
            if v is None:
                if current:
                    segments.append(current)
                current = []
            else:
                current.append((x(index[p]), y(v), p, v))
        if current:
            segments.append(current)
        for seg in segments:
            d = "M" + " L".join(f"{px:.1f},{py:.1f}" for px, py, _p, _v in seg)
            parts.append(
                f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="2.5" stroke-dasharray="{dash}"/>'
            )
            for px, py, p, v in seg:
                parts.append(
                    f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill="{colour}"><title>{escape(name)}, {escape(p)}: {escape(german_number(v, decimals))} {escape(unit)}</title></circle>'
                )
        ly = h - 36 + (n // 3) * 20
        lx = left + (n % 3) * 210
        parts.append(
            f'<line x1="{lx}" x2="{lx + 24}" y1="{ly}" y2="{ly}" stroke="{colour}" stroke-width="3" stroke-dasharray="{dash}"/>'
        )
        parts.append(
            f'<text x="{lx + 28}" y="{ly + 4}" font-size="12" fill="#333">{escape(name[:24])}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
