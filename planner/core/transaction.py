"""One write per request: run a service call, commit it, or roll back and show why."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import flash
from wtforms import Field

from planner.extensions import db

T = TypeVar("T")


class DomainError(Exception):
    """A broken domain rule. Services raise it (or a subclass) with a German message for the
    user; nothing of the attempted change is kept."""


def commit_or_show(
    field: Field,
    action: Callable[[], T],
    success: str | Callable[[T], str],
    *,
    fields: dict[type[DomainError], Field] | None = None,
) -> tuple[bool, T | None]:
    """Run ``action`` as the request's transaction. On success commit and flash ``success``
    (a text, or a function of the result); on a :class:`DomainError` roll back and show its
    message at ``field``, where the input came from, or at the field ``fields`` names for that
    kind of error (e.g. a wrong current password at the current-password field)."""
    try:
        result = action()
    except DomainError as exc:
        db.session.rollback()
        target = next((f for kind, f in (fields or {}).items() if isinstance(exc, kind)), field)
        target.errors = [*target.errors, str(exc)]
        return False, None
    db.session.commit()
    flash(success(result) if callable(success) else success, "success")
    return True, result


def flush_or_raise(error: DomainError) -> None:
    """Flush; a unique key taken by a concurrent request in the meantime becomes ``error``
    (shown at the field) instead of a server error. The caller's commit_or_show rolls back."""
    from sqlalchemy.exc import IntegrityError

    try:
        db.session.flush()
    except IntegrityError as exc:
        raise error from exc
