"""The sizes of each scale (from the foundation issue); ``small`` is a tenth of ``kreis``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    areas: int
    indicators: int
    periods: int
    measures: int
    organisations: int
    persons: int
    meetings: int
    deadlines: int
    deadlines_due: int  # of those, due for a reminder at the bench's "now"
    audit_entries: int


SCALES = {
    "small": Scale("small", 27, 12, 40, 300, 50, 200, 30, 2_000, 50, 5_000),
    "kreis": Scale("kreis", 270, 120, 40, 3_000, 500, 2_000, 300, 20_000, 500, 50_000),
    "land": Scale("land", 10_000, 120, 10, 30_000, 5_000, 20_000, 3_000, 200_000, 5_000, 500_000),
}
