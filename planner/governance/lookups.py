"""Type-ahead for bodies ("gremien") and papers ("vorlagen")."""

from __future__ import annotations

import re

from sqlalchemy import func, or_, select

from planner.core.lookup import LIMIT, LOOKUPS, Lookup, like_pattern
from planner.core.permissions import Permission
from planner.extensions import db
from planner.governance.models import Body, Paper, Resolution


def search_bodies(q: str, user=None) -> list[tuple[int, str]]:
    pattern = like_pattern(q)
    rows = db.session.execute(
        select(Body.id, Body.name)
        .where(
            Body.archived.is_(False),
            or_(
                func.lower(Body.name).like(pattern, escape="\\"),
                func.lower(Body.short_name).like(pattern, escape="\\"),
            ),  # fmt: skip
        )
        .order_by(Body.name)
        .limit(LIMIT)
    )
    return [tuple(r) for r in rows]


def resolve_body(text: str, user=None) -> list[tuple[int, str]]:
    text = text.strip().lower()
    rows = db.session.execute(
        select(Body.id, Body.name)
        .where(or_(func.lower(Body.name) == text, func.lower(Body.short_name) == text))
        .limit(5)
    )
    return [tuple(r) for r in rows]


def paper_label(reference: str, title: str) -> str:
    return f"{reference} {title}"


def search_papers(q: str, user=None) -> list[tuple[int, str]]:
    pattern = like_pattern(q)
    rows = db.session.execute(
        select(Paper.id, Paper.reference, Paper.title)
        .where(
            or_(
                func.lower(Paper.reference).like(pattern, escape="\\"),
                func.lower(Paper.title).like(pattern, escape="\\"),
            )
        )  # fmt: skip
        .order_by(Paper.date.desc(), Paper.id.desc())
        .limit(LIMIT)
    )
    return [(pid, paper_label(ref, title)) for pid, ref, title in rows]


def resolve_paper(text: str, user=None) -> list[tuple[int, str]]:
    """The suggestion's label ("2017/0123 Strategische Sozialplanung") or the number alone."""
    text = " ".join(text.split()).lower()
    rows = db.session.execute(
        select(Paper.id, Paper.reference, Paper.title)
        .where(
            or_(
                func.lower(Paper.reference) == text,
                func.lower(Paper.reference + " " + Paper.title) == text,
            )
        )
        .limit(5)
    )
    return [(pid, paper_label(ref, title)) for pid, ref, title in rows]


LOOKUPS["gremien"] = Lookup(Permission.PROCESS_VIEW, search_bodies, resolve_body)
LOOKUPS["vorlagen"] = Lookup(Permission.PROCESS_VIEW, search_papers, resolve_paper)


_NUMBER = re.compile(r"^\s*Nr\.\s*(\d{1,9})\b")


def resolution_label(resolution_id: int, body: str, day, title: str) -> str:
    return f"Nr. {resolution_id} – {body}, {day:%d.%m.%Y}: {title}"


def _resolution_rows(stmt, limit: int) -> list[tuple[int, str]]:
    rows = db.session.execute(
        stmt.join(Body, Body.id == Resolution.body_id)
        .order_by(Resolution.date.desc(), Resolution.id.desc())
        .limit(limit)
    )
    return [(rid, resolution_label(rid, short or name, day, title))
            for rid, short, name, day, title in rows]  # fmt: skip


def _resolution_select():
    return select(Resolution.id, Body.short_name, Body.name, Resolution.date, Resolution.title)


def search_resolutions(q: str, user=None) -> list[tuple[int, str]]:
    pattern = like_pattern(q)
    stmt = _resolution_select().where(func.lower(Resolution.title).like(pattern, escape="\\"))
    match = _NUMBER.match(q)
    if match:
        stmt = _resolution_select().where(Resolution.id == int(match.group(1)))
    return _resolution_rows(stmt, LIMIT)


def resolve_resolution(text: str, user=None) -> list[tuple[int, str]]:
    """ "Nr. 12 – …" names the resolution by its number; otherwise its exact title."""
    match = _NUMBER.match(text)
    if match:
        return _resolution_rows(_resolution_select().where(Resolution.id == int(match.group(1))), 1)
    title = text.strip().lower()
    return _resolution_rows(_resolution_select().where(func.lower(Resolution.title) == title), 5)


LOOKUPS["beschluesse"] = Lookup(Permission.PROCESS_VIEW, search_resolutions, resolve_resolution)
