"""Type-ahead for areas ("raeume") and indicators ("indikatoren")."""

from __future__ import annotations

import re

from sqlalchemy import func, or_, select

from planner.core.lookup import LIMIT, LOOKUPS, Lookup, like_pattern, starts_first
from planner.core.permissions import Permission
from planner.extensions import db
from planner.monitoring.models import Area, Indicator

_TRAILING_CODE = re.compile(r"\(([^()]{1,40})\)\s*$")


def area_label(name: str, code: str) -> str:
    return f"{name} ({code})"


def search_areas(q: str, user=None) -> list[tuple[int, str]]:
    pattern = like_pattern(q)
    rows = db.session.execute(
        select(Area.id, Area.name, Area.code)
        .where(
            or_(
                func.lower(Area.name).like(pattern, escape="\\"),
                func.lower(Area.code).like(pattern, escape="\\"),
            )
        )
        .order_by(starts_first(Area.name, q), Area.depth, Area.name)
        .limit(LIMIT)
    )
    return [(aid, area_label(name, code)) for aid, name, code in rows]


def resolve_area(text: str, user=None) -> list[tuple[int, str]]:
    """ "Siegburg (05382060)", the key alone, or a unique name."""
    text = text.strip()
    match = _TRAILING_CODE.search(text)
    code = match.group(1).strip().lower() if match else text.lower()
    rows = db.session.execute(
        select(Area.id, Area.name, Area.code).where(func.lower(Area.code) == code).limit(1)
    ).all()
    if not rows:
        rows = db.session.execute(
            select(Area.id, Area.name, Area.code)
            .where(func.lower(Area.name) == text.lower())
            .limit(5)
        ).all()
    return [(aid, area_label(name, c)) for aid, name, c in rows]


def indicator_label(code: str, name: str) -> str:
    return f"{code} ({name.replace(',', ' ').replace(';', ' ')})"


def search_indicators(q: str, user=None) -> list[tuple[int, str]]:
    pattern = like_pattern(q)
    rows = db.session.execute(
        select(Indicator.id, Indicator.code, Indicator.name)
        .where(
            or_(
                func.lower(Indicator.code).like(pattern, escape="\\"),
                func.lower(Indicator.name).like(pattern, escape="\\"),
            )
        )
        .order_by(starts_first(Indicator.code, q), Indicator.code)
        .limit(LIMIT)
    )
    return [(iid, indicator_label(code, name)) for iid, code, name in rows]


def indicator_code(entry: str) -> str:
    """The code in an entry: the code alone or the suggestion "CODE (Name)"."""
    return entry.strip().split(" (", 1)[0].strip()


def resolve_indicator(text: str, user=None) -> list[tuple[int, str]]:
    code = indicator_code(text).lower()
    rows = db.session.execute(
        select(Indicator.id, Indicator.code, Indicator.name)
        .where(func.lower(Indicator.code) == code)
        .limit(1)
    ).all()
    return [(iid, indicator_label(c, name)) for iid, c, name in rows]


LOOKUPS["raeume"] = Lookup(Permission.MONITORING_VIEW, search_areas, resolve_area)
LOOKUPS["indikatoren"] = Lookup(Permission.MONITORING_VIEW, search_indicators, resolve_indicator)


def area_names(ids) -> dict[int, str]:
    """Labels „Name (Schlüssel)“ of areas by id (one query; for pages of other domains)."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    rows = db.session.execute(select(Area.id, Area.name, Area.code).where(Area.id.in_(ids)))
    return {aid: area_label(name, code) for aid, name, code in rows}


def indicator_names(ids) -> dict[int, str]:
    """Labels „CODE (Name)“ of indicators by id (one query; for pages of other domains)."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(Indicator.id, Indicator.code, Indicator.name).where(Indicator.id.in_(ids))
    )
    return {iid: indicator_label(code, name) for iid, code, name in rows}
