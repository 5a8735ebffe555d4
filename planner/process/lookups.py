"""Type-ahead for process steps ("schritte"): „Titel (Schritt 12)“."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from planner.core.lookup import LIMIT, LOOKUPS, Lookup, like_pattern, starts_first
from planner.core.permissions import Permission
from planner.extensions import db
from planner.process.models import Step

_NUMBER = re.compile(r"\(Schritt\s*(\d{1,9})\)\s*$")


def step_label(step_id: int, title: str) -> str:
    return f"{title} (Schritt {step_id})"


def search_steps(q: str, user=None) -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(Step.id, Step.title)
        .where(func.lower(Step.title).like(like_pattern(q), escape="\\"))
        .order_by(starts_first(Step.title, q), Step.title, Step.id)
        .limit(LIMIT)
    )
    return [(sid, step_label(sid, title)) for sid, title in rows]


def resolve_step(text: str, user=None) -> list[tuple[int, str]]:
    match = _NUMBER.search(text)
    if match:
        stmt = select(Step.id, Step.title).where(Step.id == int(match.group(1)))
    else:
        stmt = select(Step.id, Step.title).where(func.lower(Step.title) == text.strip().lower())
    return [(sid, step_label(sid, title)) for sid, title in db.session.execute(stmt.limit(5))]


LOOKUPS["schritte"] = Lookup(Permission.PROCESS_VIEW, search_steps, resolve_step)
