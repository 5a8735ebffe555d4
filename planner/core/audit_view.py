"""The audit log as people read it: German names of objects and fields, dates in Berlin time,
ja/nein, the labels of kinds and states, and the names of referenced objects instead of
their ids. The raw values stay in the database and in the CSV export."""

from __future__ import annotations

import datetime as dt
import enum
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import Boolean, Date, DateTime, Enum, Time, inspect, select

from planner.core.audit import SECRET, AuditEntry
from planner.core.i18n import BERLIN
from planner.core.models import Audited
from planner.extensions import db


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Row:
    entry: AuditEntry
    type_label: str
    action_label: str
    changes: list[Change] = field(default_factory=list)


def audited_classes() -> dict[str, type]:
    return {
        m.class_.__name__: m.class_
        for m in db.Model.registry.mappers
        if issubclass(m.class_, Audited)
    }


def _class_for_table(table_name: str) -> type | None:
    for mapper in db.Model.registry.mappers:
        if mapper.local_table is not None and mapper.local_table.name == table_name:
            return mapper.class_
    return None


def _column(cls: type | None, key: str):
    if cls is None:
        return None
    attr = inspect(cls).attrs.get(key)
    columns = getattr(attr, "columns", None)
    return columns[0] if columns else None


def _plain_text(column, value) -> str:
    if value is None or value == "":
        return "–"
    if value == SECRET:
        return _("(verborgen)")
    kind = column.type if column is not None else None
    kind = getattr(kind, "impl", kind)  # UTCDateTime and other decorators: the type beneath
    try:
        if isinstance(kind, Boolean) or isinstance(value, bool):
            return _("ja") if value else _("nein")
        if isinstance(kind, Enum) and kind.enum_class is not None:
            member = kind.enum_class(value)
            return str(getattr(member, "label", member.value))
        if isinstance(kind, DateTime):
            moment = dt.datetime.fromisoformat(value).astimezone(BERLIN)
            return moment.strftime("%d.%m.%Y, %H:%M Uhr")
        if isinstance(kind, Date):
            return dt.date.fromisoformat(value).strftime("%d.%m.%Y")
        if isinstance(kind, Time):
            return dt.time.fromisoformat(value).strftime("%H:%M")
    except (ValueError, TypeError):
        pass
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def describe(entries: list[AuditEntry]) -> list[Row]:
    """One readable row per entry; referenced objects are named with one query per kind."""
    classes = audited_classes()
    references: dict[type, set[int]] = defaultdict(set)
    plan = []
    for entry in entries:
        cls = classes.get(entry.object_type)
        items = []
        for key, values in (entry.changes or {}).items():
            old, new = values if isinstance(values, list) and len(values) == 2 else (None, values)
            column = _column(cls, key)
            target = None
            if column is not None and column.foreign_keys:
                target = _class_for_table(next(iter(column.foreign_keys)).column.table.name)
                for value in (old, new):
                    if isinstance(value, int):
                        references[target].add(value)
            items.append((key, column, target, old, new))
        plan.append((entry, cls, items))

    names: dict[tuple[type, int], str] = {}
    for target, ids in references.items():
        if target is None:
            continue
        for obj in db.session.scalars(select(target).where(target.id.in_(sorted(ids)))):
            names[(target, obj.id)] = getattr(obj, "name", None) or str(obj)

    rows = []
    for entry, cls, items in plan:
        fields = getattr(cls, "__audit_fields__", {}) if cls else {}
        row = Row(
            entry=entry,
            type_label=cls.audit_type_label() if cls else entry.object_type,
            action_label=_action_label(entry),
        )
        for key, column, target, old, new in items:

            def text(value, column=column, target=target):
                if target is not None and isinstance(value, int):
                    return names.get((target, value), _("Nr. %(id)s (gelöscht)", id=value))
                return _plain_text(column, value)

            row.changes.append(Change(str(fields.get(key, key)), text(old), text(new)))
        rows.append(row)
    return rows


def _action_label(entry: AuditEntry) -> str:
    changes = entry.changes or {}
    if entry.action == "update" and "deleted_at" in changes:
        old, new = changes["deleted_at"]
        return _("in den Papierkorb") if new else _("wiederhergestellt")
    return {"create": _("angelegt"), "update": _("geändert"), "delete": _("gelöscht")}.get(
        entry.action, entry.action
    )


def readable(entries: list[AuditEntry]) -> list[dict]:
    """Entries as a person reads them (for DSGVO exports): Berlin time, German names of
    actions and fields, names instead of ids."""
    return [
        {
            "zeitpunkt": row.entry.at.astimezone(BERLIN).strftime("%d.%m.%Y, %H:%M Uhr"),
            "aktion": row.action_label,
            "objekt": f"{row.type_label}: {row.entry.object_label}",
            "durch": row.entry.user_label.split(" <")[0],
            "aenderungen": {c.label: {"vorher": c.old, "nachher": c.new} for c in row.changes},
        }
        for row in describe(entries)
    ]
