"""A small area tree and indicators for the monitoring tests:

Kreis K (05000) > Kommunen A (05001), B (05002) > Sozialräume A1, A2, B1, B2."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from planner.extensions import db as _db
from planner.monitoring.catalogue import IndicatorData, save_indicator
from planner.monitoring.models import Area, Indicator


@dataclass
class Tree:
    kreis: Area
    a: Area
    b: Area
    a1: Area
    a2: Area
    b1: Area
    b2: Area
    quote: Indicator  # SGB2: computed from counts, higher is worse
    share: Indicator  # SVB: computed, higher is better
    given: Indicator  # INDEX_X: delivered as a value


def _area(code, name, level, parent=None, population=1000):
    area = Area(code=code, name=name, level=level, parent_id=parent.id if parent else None,
                depth=parent.depth + 1 if parent else 0, population=population)  # fmt: skip
    _db.session.add(area)
    _db.session.flush()
    return area


@pytest.fixture
def tree(db) -> Tree:
    kreis = _area("05000", "Testkreis", "Kreis", population=8000)
    a = _area("05001", "Astadt", "Kommune", kreis, 4000)
    b = _area("05002", "Bdorf", "Kommune", kreis, 4000)
    a1 = _area("05001-01", "Astadt-Nord", "Sozialraum", a, 2000)
    a2 = _area("05001-02", "Astadt-Süd", "Sozialraum", a, 2000)
    b1 = _area("05002-01", "Bdorf-Mitte", "Sozialraum", b, 3800)
    b2 = _area("05002-02", "Bdorf-Weiler", "Sozialraum", b, 200)
    quote = save_indicator(
        None,
        IndicatorData(
            code="SGB2",
            name="SGB-II-Quote",
            unit="%",
            polarity="higher_is_worse",
            factor=100,
            decimals=1,
        ),
    )
    share = save_indicator(
        None,
        IndicatorData(
            code="SVB",
            name="Beschäftigungsquote",
            unit="%",
            polarity="higher_is_better",
            factor=100,
        ),
    )
    given = save_indicator(
        None,
        IndicatorData(
            code="INDEX_X",
            name="Gelieferter Wert",
            unit="Punkte",
            polarity="higher_is_worse",
            computed=False,
            factor=1,
        ),
    )
    _db.session.commit()
    return Tree(kreis, a, b, a1, a2, b1, b2, quote, share, given)


@pytest.fixture
def write_file(tmp_path):
    """write_file("name.csv", text or bytes, encoding="utf-8") -> Path"""

    def write(name: str, content, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        if isinstance(content, str):
            content = content.encode(encoding)
        path.write_bytes(content)
        return path

    return write
