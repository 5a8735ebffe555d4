"""Type-ahead for funding applications ("foerderantraege"): „Titel (Antrag 12)“."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from planner.core.lookup import LIMIT, LOOKUPS, Lookup, like_pattern, starts_first
from planner.core.permissions import Permission
from planner.extensions import db
from planner.funding.models import FundingApplication

_NUMBER = re.compile(r"\(Antrag\s*(\d{1,9})\)\s*$")


def application_label(application_id: int, title: str) -> str:
    return f"{title} (Antrag {application_id})"


def search_applications(q: str, user=None) -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(FundingApplication.id, FundingApplication.title)
        .where(func.lower(FundingApplication.title).like(like_pattern(q), escape="\\"))
        .order_by(starts_first(FundingApplication.title, q), FundingApplication.title,
                  FundingApplication.id)
        .limit(LIMIT)
    )  # fmt: skip
    return [(aid, application_label(aid, title)) for aid, title in rows]


def resolve_application(text: str, user=None) -> list[tuple[int, str]]:
    match = _NUMBER.search(text)
    column = FundingApplication.id
    if match:
        stmt = select(column, FundingApplication.title).where(column == int(match.group(1)))
    else:
        stmt = select(column, FundingApplication.title).where(
            func.lower(FundingApplication.title) == text.strip().lower()
        )
    return [
        (aid, application_label(aid, title)) for aid, title in db.session.execute(stmt.limit(5))
    ]


LOOKUPS["foerderantraege"] = Lookup(
    Permission.FUNDING_VIEW, search_applications, resolve_application
)
