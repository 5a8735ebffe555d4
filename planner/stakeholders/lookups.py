"""Type-ahead for persons (Ansprechpersonen): "Name (Organisation)"."""

from __future__ import annotations

import re

from sqlalchemy import func, or_, select

from planner.accounts.models import Organisation
from planner.core.lookup import LIMIT, LOOKUPS, Lookup, like_pattern, starts_first
from planner.core.permissions import Permission
from planner.extensions import db
from planner.stakeholders.models import Person

_SUFFIX = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")


def person_label(name: str, org_short: str | None, org_name: str | None) -> str:
    org = org_short or org_name
    return f"{name} ({org})" if org else name


def label_of(person: Person) -> str:
    """The label of a loaded person, as the type-ahead suggests and resolves it."""
    org = person.organisation
    return person_label(person.name, org.short_name if org else None, org.name if org else None)


def _rows(stmt, limit, q: str | None = None):
    order = [starts_first(Person.name, q)] if q else []
    stmt = (
        stmt.outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .where(Person.archived.is_(False))
        .order_by(*order, Person.name, Person.id)
        .limit(limit)
    )
    return [
        (pid, person_label(name, short, org)) for pid, name, short, org in db.session.execute(stmt)
    ]


def search_persons(q: str, user=None) -> list[tuple[int, str]]:
    pattern = like_pattern(q)
    stmt = select(Person.id, Person.name, Organisation.short_name, Organisation.name).where(
        or_(
            func.lower(Person.name).like(pattern, escape="\\"),
            func.lower(Person.function).like(pattern, escape="\\"),
        )
    )
    return _rows(stmt, LIMIT, q)


def resolve_person(text: str, user=None) -> list[tuple[int, str]]:
    text = text.strip()
    match = _SUFFIX.match(text)
    stmt = select(Person.id, Person.name, Organisation.short_name, Organisation.name)
    if match:
        name, org = match.group(1).strip().lower(), match.group(2).strip().lower()
        stmt = stmt.where(
            func.lower(Person.name) == name,
            or_(func.lower(Organisation.short_name) == org, func.lower(Organisation.name) == org),
        )
        rows = _rows(stmt, 5)
        if rows:
            return rows
        stmt = select(Person.id, Person.name, Organisation.short_name, Organisation.name)
    return _rows(stmt.where(func.lower(Person.name) == text.lower()), 5)


LOOKUPS["ansprechpersonen"] = Lookup(Permission.PERSONS_VIEW, search_persons, resolve_person)
