"""What the REST API serves: each domain declares its resources here (from its setup).

A resource names its model, the permission that opens it, its fields (which also make the
OpenAPI schema) and the rule that narrows the rows to those its reader sees in the pages. The
API package holds no domain rule of its own: it pages, filters by date, serialises and
documents what the domains declare.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from enum import Enum
from typing import Any

from planner.core.permissions import Permission


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # integer, number, string, boolean, date, date-time, object, array
    description: str
    nullable: bool = False
    enum: tuple[str, ...] | None = None
    # how to read the value (default: the attribute of the same name); gets (obj, user)
    get: Callable[[Any, Any], Any] | None = None
    items: dict | None = None  # the schema of an array's items
    max_length: int | None = None

    def value(self, obj, user):
        raw = self.get(obj, user) if self.get else getattr(obj, self.name)
        return plain(raw)

    def schema(self) -> dict:
        kinds = {
            "date": {"type": "string", "format": "date"},
            "date-time": {"type": "string", "format": "date-time"},
        }
        out = dict(kinds.get(self.type, {"type": self.type}))
        if self.enum:
            out["enum"] = list(self.enum) + ([None] if self.nullable else [])
        if self.items is not None:
            out["items"] = self.items
        if self.nullable:
            out["type"] = [out["type"], "null"]
        out["description"] = self.description
        return out


def plain(value):
    """A value as JSON has it: dates in ISO 8601, amounts as numbers, enums by their key."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | time):  # a datetime is a date too
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


@dataclass(frozen=True)
class Filter:
    """A query argument of a list (besides paging and ``modified_since``)."""

    name: str
    type: str  # integer, string, boolean
    description: str
    apply: Callable[[Any, Any], Any]  # (statement, parsed value) -> statement
    enum: tuple[str, ...] | None = None
    max_length: int = 100
    needs: tuple[str, ...] = ()  # usable only together with one of these (an index needs them)


@dataclass(frozen=True)
class Write:
    """A resource that takes writes: ``create(data, user)`` / ``update(obj, data, user)``
    return the object (or raise a DomainError / WriteError); ``body`` is the request
    schema."""

    body: dict
    create: Callable | None = None
    update: Callable | None = None
    permission: Permission | None = None  # default: the resource's permission
    description: str = ""


@dataclass(frozen=True)
class Resource:
    path: str  # the German URL segment under /api/v1/
    model: type
    title: str
    description: str
    permission: Permission
    fields: tuple[Field, ...]
    # narrows a select(model) to what ``user`` sees, or None when nothing at all
    scope: Callable[[Any, Any], Any] | None = None
    options: Callable[[], list] | None = None  # loader options for the page's rows
    filters: tuple[Filter, ...] = ()
    modified: str | None = "updated_at"  # the column behind modified_since (None: no filter)
    write: Write | None = None

    @property
    def schema_name(self) -> str:
        return self.model.__name__

    def serialise(self, obj, user, url: str) -> dict:
        out: dict = {"id": obj.id, "url": url}
        for f in self.fields:
            out[f.name] = f.value(obj, user)
        return out


# the two time stamps most objects carry
STAMPS = (
    Field("created_at", "date-time", "Angelegt"),
    Field("updated_at", "date-time", "Zuletzt geändert"),
)

RESOURCES: dict[str, Resource] = {}


def register(resource: Resource) -> None:
    """Declare a resource; with a modification column, its index for ``modified_since``
    (the list is then read in the order of that column)."""
    if resource.path in RESOURCES:
        return
    RESOURCES[resource.path] = resource
    if resource.modified:
        from sqlalchemy import Index

        table = resource.model.__table__
        wanted = [resource.modified, "id"]
        if not any([c.name for c in ix.columns] == wanted for ix in table.indexes):
            Index(f"ix_{table.name}_api_modified", table.c[resource.modified], table.c.id)
