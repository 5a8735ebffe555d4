"""Panels on detail pages, filled by the domains that know something about the object.

An organisation's page shows its persons (stakeholders), memberships (governance), the steps it
is responsible for (process), its deadlines (deadlines) and, with later issues, meetings,
measures and deliveries – each domain adds a panel here the way it adds a dashboard panel,
and the page that shows the object imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# page key ("organisation", "person", "body", "resolution") -> (order, template, builder)
DETAIL_PANELS: dict[str, list[tuple[int, str, Callable[[Any], dict[str, Any] | None]]]] = {}


def add_panel(
    page: str, template: str, build: Callable[[Any], dict[str, Any] | None], order: int = 50
) -> None:
    """``build(obj)`` returns the template's context, or None to leave the panel out."""
    panels = DETAIL_PANELS.setdefault(page, [])
    if all(t != template for _o, t, _b in panels):
        panels.append((order, template, build))
        panels.sort(key=lambda p: p[0])


def panels_for(page: str, obj: Any) -> list[tuple[str, dict[str, Any]]]:
    result = []
    for _order, template, build in DETAIL_PANELS.get(page, []):
        context = build(obj)
        if context is not None:
            result.append((template, context))
    return result
