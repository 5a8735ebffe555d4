"""Type-ahead lookups of the accounts domain: organisations, persons (accounts), users for the
audit log. Registered in ``planner.core.lookup.LOOKUPS``."""

from __future__ import annotations

import re

from sqlalchemy import func, or_, select, true

from planner.accounts.models import Organisation, User
from planner.core.lookup import LIMIT, LOOKUPS, Lookup, like_pattern, starts_first
from planner.core.permissions import Permission, Role
from planner.extensions import db

_ADDRESS = re.compile(r"<\s*([^<>\s]+@[^<>\s]+)\s*>\s*$")


def organisation_label(org: Organisation) -> str:
    return org.name


def organisation_matches(q: str):
    """The condition: the organisation's name or short name contains ``q``."""
    pattern = like_pattern(q)
    return or_(
        func.lower(Organisation.name).like(pattern, escape="\\"),
        func.lower(Organisation.short_name).like(pattern, escape="\\"),
    )


def _own_only(user):
    """A supplier is told of no organisation but its own."""
    if user is not None and getattr(user, "role", None) == Role.SUPPLIER:
        return Organisation.id == (user.organisation_id or -1)
    return true()


def search_organisations(q: str, user=None) -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(Organisation.id, Organisation.name)
        .where(organisation_matches(q), Organisation.archived.is_(False), _own_only(user))
        .order_by(starts_first(Organisation.name, q), Organisation.name)
        .limit(LIMIT)
    )
    return [tuple(r) for r in rows]


def resolve_organisation(text: str, user=None) -> list[tuple[int, str]]:
    text = text.strip().lower()
    rows = db.session.execute(
        select(Organisation.id, Organisation.name)
        .where(
            or_(func.lower(Organisation.name) == text, func.lower(Organisation.short_name) == text),
            _own_only(user),
        )
        .limit(5)
    )
    return [tuple(r) for r in rows]


def person_label(user: User) -> str:
    return f"{user.name} <{user.email}>"


def _person_rows(stmt, limit: int) -> list[tuple[int, str]]:
    rows = db.session.execute(stmt.order_by(User.name, User.id).limit(limit))
    return [(uid, f"{name} <{email}>") for uid, name, email in rows]


def search_people(q: str, user=None, *, active_only: bool = True) -> list[tuple[int, str]]:
    pattern = like_pattern(q)
    stmt = select(User.id, User.name, User.email).where(
        or_(func.lower(User.name).like(pattern, escape="\\"), User.email.like(pattern, escape="\\"))
    )
    if active_only:
        stmt = stmt.where(User.active.is_(True))
    return _person_rows(stmt, LIMIT)


def resolve_person(text: str, user=None, *, active_only: bool = True) -> list[tuple[int, str]]:
    """ "Name <mail>" or a mail address mean that account; a bare name the accounts of that name."""
    text = text.strip()
    match = _ADDRESS.search(text)
    email = (match.group(1) if match else text if "@" in text else "").lower()
    condition = User.email == email if email else func.lower(User.name) == text.lower()
    stmt = select(User.id, User.name, User.email).where(condition)
    if active_only:
        stmt = stmt.where(User.active.is_(True))
    return _person_rows(stmt, 5)


LOOKUPS["organisationen"] = Lookup(
    Permission.DASHBOARD_VIEW, search_organisations, resolve_organisation
)
LOOKUPS["personen"] = Lookup(Permission.DEADLINES_EDIT, search_people, resolve_person)
LOOKUPS["benutzer"] = Lookup(
    Permission.AUDIT_VIEW,
    lambda q, u: search_people(q, u, active_only=False),
    lambda t, u: resolve_person(t, u, active_only=False),
)


def _municipalities(rows: list[tuple[int, str]]) -> list[tuple[int, str]]:
    if not rows:
        return rows
    from planner.accounts.models import OrganisationKind

    kommunen = set(
        db.session.scalars(
            select(Organisation.id).where(
                Organisation.id.in_([r[0] for r in rows]),
                Organisation.kind == OrganisationKind.KOMMUNE,
            )
        )
    )
    return [r for r in rows if r[0] in kommunen]


def search_municipalities(q: str, user=None) -> list[tuple[int, str]]:
    from planner.accounts.models import OrganisationKind

    rows = db.session.execute(
        select(Organisation.id, Organisation.name)
        .where(organisation_matches(q), Organisation.archived.is_(False),
               Organisation.kind == OrganisationKind.KOMMUNE)
        .order_by(starts_first(Organisation.name, q), Organisation.name)
        .limit(LIMIT)
    )  # fmt: skip
    return [tuple(r) for r in rows]


# organisations of the kind "Kommune" (the municipality of a municipal conference)
LOOKUPS["kommunen"] = Lookup(
    Permission.DASHBOARD_VIEW,
    search_municipalities,
    lambda t, u: _municipalities(resolve_organisation(t, u)),
)
