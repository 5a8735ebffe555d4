"""The timeline (Gantt-like) of a process, drawn on the server as SVG: no script, no inline
style (the CSP forbids both), printable; the page shows the same data as a table beside it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from planner.process.models import Step

LABEL_WIDTH = 380
CHART_X = 390
CHART_WIDTH = 800
ROW = 26
HEADER = 34
LABEL_CHARS = 48


@dataclass
class Bar:
    step: Step
    y: int
    x: float
    width: float
    label: str
    css: str
    milestone: bool


@dataclass
class Tick:
    x: float
    label: str


@dataclass
class Timeline:
    bars: list[Bar]
    ticks: list[Tick]
    today_x: float | None
    width: int
    height: int
    start: date | None
    end: date | None


def _span(step: Step) -> tuple[date, date] | None:
    start = step.start_date or step.due_date
    end = step.due_date or step.start_date
    if start is None or end is None:
        return None
    return start, end


def build(steps: list[Step], today: date) -> Timeline:
    spans = [s for s in (_span(step) for step in steps) if s]
    width = CHART_X + CHART_WIDTH + 10
    if not spans:
        return Timeline([], [], None, width, HEADER + ROW * len(steps), None, None)
    first = min(a for a, _b in spans)
    last = max(b for _a, b in spans)
    first = date(first.year, 1, 1)
    last = date(last.year, 12, 31)
    days = max(1, (last - first).days)

    def x_of(day: date) -> float:
        return round(CHART_X + CHART_WIDTH * (day - first).days / days, 1)

    years = range(first.year, last.year + 1)
    step_years = 1 if len(years) <= 12 else 2
    ticks = [Tick(x_of(date(y, 1, 1)), str(y)) for y in years if (y - first.year) % step_years == 0]
    bars = []
    for row, step in enumerate(steps):
        span = _span(step)
        y = HEADER + row * ROW
        label = (
            step.title if len(step.title) <= LABEL_CHARS else step.title[: LABEL_CHARS - 1] + "…"
        )
        label = f"{step.position}. {label}"
        if span is None:
            bars.append(Bar(step, y, CHART_X, 0, label, "bar--undated", False))
            continue
        start, end = span
        x = x_of(start)
        w = max(4.0, round(x_of(end + timedelta(days=1)) - x, 1))
        css = f"bar--{step.status.value}" + (" bar--late" if step.late(today) else "")
        bars.append(Bar(step, y, x, w, label, css, start == end))
    today_x = x_of(today) if first <= today <= last else None
    return Timeline(bars, ticks, today_x, width, HEADER + ROW * len(steps) + 6, first, last)
