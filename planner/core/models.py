"""Model helpers shared by every domain."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import DateTime, TypeDecorator
from sqlalchemy.orm import Mapped, mapped_column

# the dates a district administration can mean; beyond them a typo (10.12.0202) or an attack,
# and arithmetic near the calendar's ends (31.12.9999 + 1 day) would overflow
DATE_MIN, DATE_MAX = date(1900, 1, 1), date(2199, 12, 31)


def date_range_error(day: date) -> str | None:
    """The German message when ``day`` lies outside DATE_MIN..DATE_MAX, else None."""
    if DATE_MIN <= day <= DATE_MAX:
        return None
    from flask_babel import gettext as _

    return _(
        "Bitte geben Sie ein Datum zwischen dem %(start)s und dem %(end)s an.",
        start=f"{DATE_MIN:%d.%m.%Y}",
        end=f"{DATE_MAX:%d.%m.%Y}",
    )


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware values")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False
    )


class Audited:
    """Marker: create/update/delete of instances is written to the audit log automatically.

    ``__audit_exclude__`` names columns that are left out of the change record,
    ``__audit_secret__`` names columns whose change is recorded without the values.
    """

    __audit_exclude__: frozenset[str] = frozenset({"id", "created_at", "updated_at"})
    __audit_secret__: frozenset[str] = frozenset()
    # German names for the audit log: of the kind of object and of its fields
    __audit_type__: str = ""
    __audit_fields__: dict[str, str] = {}

    @classmethod
    def audit_type_label(cls) -> str:
        return str(cls.__audit_type__ or cls.__name__)

    def audit_label(self) -> str:
        return str(self)


def trigram_index(table, column: str) -> str:
    """A trigram index on ``lower(column)`` for PostgreSQL, behind the "contains" searches of
    lists and type-ahead (without it a search over 20,000 persons scans them all). Created by
    the migrations and, for create_all, here; kept out of the metadata, because Alembic cannot
    compare expression indexes (see extensions.OUTSIDE_METADATA)."""
    from sqlalchemy import event

    from planner.extensions import OUTSIDE_METADATA

    name = f"ix_{table.name}_{column}_trgm"
    OUTSIDE_METADATA.add(name)

    @event.listens_for(table, "after_create")
    def _create(target, connection, **kw) -> None:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            connection.exec_driver_sql(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table.name} "
                f"USING gin (lower({column}) gin_trgm_ops)"
            )

    return name
