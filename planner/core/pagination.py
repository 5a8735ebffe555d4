"""Bounded pagination: a capped count and one page query, whatever the table size.

Counting a table of half a million rows exactly on every request costs more than the page
itself; the count stops at ``COUNT_CAP`` ("mehr als 10.000 Einträge") and paging goes as far
as that. Whoever needs rows beyond it narrows the filter.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from math import ceil
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from planner.extensions import db

COUNT_CAP = 10_000


@dataclass
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int
    capped: bool = False  # total is COUNT_CAP and there are more

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def total_label(self) -> str:
        """The number of entries as a German text: "1.234" or "mehr als 10.000"."""
        number = format_decimal(self.total)
        return _("mehr als %(num)s", num=number) if self.capped else number

    @property
    def summary(self) -> str:
        if self.capped:
            return _(
                "Seite %(page)s von mehr als %(pages)s (mehr als %(total)s Einträge; "
                "grenzen Sie die Auswahl mit den Filtern ein)",
                page=format_decimal(self.page),
                pages=format_decimal(self.pages),
                total=format_decimal(self.total),
            )
        return _(
            "Seite %(page)s von %(pages)s (%(total)s Einträge)",
            page=format_decimal(self.page),
            pages=format_decimal(self.pages),
            total=format_decimal(self.total),
        )


def capped_count(stmt: Select, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(count, capped): counts at most ``cap + 1`` rows of ``stmt``."""
    limited = stmt.order_by(None).limit(cap + 1).subquery()
    total = db.session.scalar(select(func.count()).select_from(limited)) or 0
    return (cap, True) if total > cap else (total, False)


_WHOLE = contextvars.ContextVar("whole_list", default=False)


@contextmanager
def whole_list() -> Iterator[None]:
    """Within it, a list's page is the whole list (up to EXPORT_LIMIT rows, no count): its
    export runs the page's own query with its filters and visibility."""
    token = _WHOLE.set(True)
    try:
        yield
    finally:
        _WHOLE.reset(token)


def paginate(stmt: Select, page: int, per_page: int = 50, scalars: bool = True) -> Page:
    if _WHOLE.get():
        from planner.core.exports import EXPORT_LIMIT

        result = db.session.execute(stmt.limit(EXPORT_LIMIT))
        items = list(result.scalars() if scalars else result)
        return Page(items=items, page=1, per_page=max(len(items), 1), total=len(items))
    total, capped = capped_count(stmt)
    pages = max(1, ceil(total / per_page))
    page = min(max(1, page), pages)
    result = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    items = list(result.scalars() if scalars else result)
    return Page(items=items, page=page, per_page=per_page, total=total, capped=capped)
