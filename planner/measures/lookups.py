"""Type-ahead for measures ("massnahmen"): „Titel (Nr. 12)“."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from planner.core.lookup import LIMIT, LOOKUPS, Lookup, like_pattern, starts_first
from planner.core.permissions import Permission
from planner.extensions import db
from planner.measures.models import Measure

_NUMBER = re.compile(r"\(Nr\.\s*(\d{1,9})\)\s*$")


def measure_label(measure_id: int, title: str) -> str:
    return f"{title} (Nr. {measure_id})"


def search_measures(q: str, user=None) -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(Measure.id, Measure.title)
        .where(func.lower(Measure.title).like(like_pattern(q), escape="\\"))
        .order_by(starts_first(Measure.title, q), Measure.title, Measure.id)
        .limit(LIMIT)
    )
    return [(mid, measure_label(mid, title)) for mid, title in rows]


def resolve_measure(text: str, user=None) -> list[tuple[int, str]]:
    match = _NUMBER.search(text)
    if match:
        stmt = select(Measure.id, Measure.title).where(Measure.id == int(match.group(1)))
    else:
        stmt = select(Measure.id, Measure.title).where(
            func.lower(Measure.title) == text.strip().lower()
        )
    return [(mid, measure_label(mid, title)) for mid, title in db.session.execute(stmt.limit(5))]


LOOKUPS["massnahmen"] = Lookup(Permission.MEASURES_VIEW, search_measures, resolve_measure)
