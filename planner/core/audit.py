"""The audit log: every create, update and delete of an ``Audited`` model is recorded.

Services never call this; an ``after_flush`` listener on the session reads the pending
changes (attribute history is still available there) and inserts the entries in the same
transaction, so an audit row exists exactly when the change it describes is committed.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import json
from typing import Any

from flask import has_request_context
from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, event, false, inspect
from sqlalchemy.orm import Mapped, Mapper, Session, mapped_column

from planner.core.models import Audited, UTCDateTime, utcnow
from planner.extensions import db

SECRET = "***"


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # kept when the user is deleted later; "System" for CLI and scheduler
    user_label: Mapped[str] = mapped_column(String(300))
    action: Mapped[str] = mapped_column(String(10))  # create | update | delete
    object_type: Mapped[str] = mapped_column(String(80))
    object_id: Mapped[str] = mapped_column(String(80))
    object_label: Mapped[str] = mapped_column(String(300))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # past the retention period the old and new values are removed; the entry stays
    values_removed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (
        Index("ix_audit_entries_object", "object_type", "object_id"),
        Index("ix_audit_entries_type_at", "object_type", "at"),
    )

    ACTION_LABELS = {"create": "angelegt", "update": "geändert", "delete": "gelöscht"}

    @property
    def action_label(self) -> str:
        return self.ACTION_LABELS.get(self.action, self.action)


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _columns(obj: Audited):
    mapper = inspect(obj).mapper
    for attr in mapper.column_attrs:
        if attr.key not in obj.__audit_exclude__:
            yield attr.key


def _changes(obj: Audited, action: str) -> dict[str, list[Any]]:
    state = inspect(obj)
    changes: dict[str, list[Any]] = {}
    for key in _columns(obj):
        if action == "create":
            old, new = None, getattr(obj, key)
            if new is None:
                continue
        elif action == "delete":
            old, new = state.dict.get(key), None
            if old is None:
                continue
        else:
            hist = state.attrs[key].history
            if not hist.has_changes():
                continue
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if old == new:
                continue
        if key in obj.__audit_secret__:
            changes[key] = [SECRET if old is not None else None, SECRET]
        else:
            changes[key] = [_plain(old), _plain(new)]
    if action == "update":
        # many-to-many links (e.g. responsible people): [removed, added]
        for rel in state.mapper.relationships:
            if rel.secondary is None or rel.key in obj.__audit_exclude__:
                continue
            hist = state.attrs[rel.key].history
            if hist.added or hist.deleted:
                removed = ", ".join(sorted(str(o) for o in hist.deleted)) or None
                added = ", ".join(sorted(str(o) for o in hist.added)) or None
                changes[rel.key] = [removed, added]
    return changes


def _actor() -> tuple[int | None, str]:
    if has_request_context():
        from flask_login import current_user

        if current_user and current_user.is_authenticated:
            return current_user.id, f"{current_user.name} <{current_user.email}>"
        return None, "Anonym"
    return None, "System"


def _identity(obj) -> str:
    state = inspect(obj)
    # a row inserted by this flush has its primary key, but no identity key yet
    ident = state.identity or state.mapper.primary_key_from_instance(obj)
    return ",".join(str(v) for v in ident) if ident and None not in ident else "?"


def _keep_old_value(target, value, oldvalue, initiator):
    return value


@event.listens_for(Mapper, "mapper_configured")
def _load_old_values(mapper: Mapper, cls) -> None:
    """Audited columns load their old value before a change even when it was expired (e.g.
    after a commit), so the log always shows "old -> new", never "unknown -> new"."""
    if not issubclass(cls, Audited):
        return
    for attr in mapper.column_attrs:
        if attr.key not in cls.__audit_exclude__:
            event.listen(
                getattr(cls, attr.key), "set", _keep_old_value, active_history=True, retval=True
            )


@event.listens_for(Session, "before_flush")
def _load_deleted(session: Session, flush_context, instances) -> None:
    """Objects about to be deleted get their values loaded, so the log keeps them."""
    for obj in session.deleted:
        if isinstance(obj, Audited):
            for key in _columns(obj):
                getattr(obj, key)


AUDIT_OFF = "audit_off"  # session.info key: loading demo data is no change anyone made
_PENDING = "audit_pending"


@event.listens_for(Session, "after_flush")
def _collect(session: Session, flush_context) -> None:
    """Every flush adds its changes to the transaction's pending entries, merged per object:
    an edit that flushes twice still gives one entry."""
    if session.info.get(AUDIT_OFF):
        return
    pending: dict[tuple[str, str], dict] = session.info.setdefault(_PENDING, {})
    for action, objs in (
        ("create", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objs:
            if not isinstance(obj, Audited):
                continue
            if action == "update" and not session.is_modified(obj):
                continue
            changes = _changes(obj, action)
            if action == "update" and not changes:
                continue
            key = (type(obj).__name__, _identity(obj))
            row = pending.get(key)
            if row is None:
                pending[key] = {
                    "object_type": key[0],
                    "object_id": key[1],
                    "object_label": obj.audit_label()[:300],
                    "action": action,
                    "changes": changes,
                }
                continue
            _merge(row, action, changes, obj.audit_label()[:300])


def _merge(row: dict, action: str, changes: dict, label: str) -> None:
    """A later flush's changes on the same object: keep the first old and the last new value."""
    if row["action"] == "create" and action == "delete":
        row["action"] = "dropped"
        return
    if action == "delete":
        row["action"] = "delete"
    for field, (old, new) in changes.items():
        if field in row["changes"]:
            row["changes"][field] = [row["changes"][field][0], new]
        else:
            row["changes"][field] = [old, new]
    row["changes"] = {
        f: v for f, v in row["changes"].items() if v[0] != v[1] or row["action"] != "update"
    }
    row["object_label"] = label


@event.listens_for(Session, "before_commit")
def _write_audit(session: Session) -> None:
    """The merged entries go in with the commit of the change they describe."""
    if session.info.get(_PENDING) is None and not (session.new or session.dirty or session.deleted):
        return
    session.flush()  # the last changes of the transaction are collected first
    pending = session.info.pop(_PENDING, {})
    rows = [
        r
        for r in pending.values()
        if r["action"] != "dropped" and (r["changes"] or r["action"] != "update")
    ]
    if not rows:
        return
    user_id, user_label = _actor()
    now = utcnow()
    for row in rows:
        row.update(user_id=user_id, user_label=user_label[:300], at=now)
    session.connection().execute(AuditEntry.__table__.insert(), rows)


@event.listens_for(Session, "after_rollback")
@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, *args) -> None:
    session.info.pop(_PENDING, None)


@event.listens_for(Session, "after_commit")
def _reset(session: Session) -> None:
    session.info.pop(AUDIT_OFF, None)


# --- DSGVO: erasure and retention ---------------------------------------------------------

REDACTED = "(gelöscht)"


def _blank(changes: dict, fields) -> dict:
    result = dict(changes or {})
    for key in fields:
        if key in result and isinstance(result[key], list) and len(result[key]) == 2:
            result[key] = [None if v is None else REDACTED for v in result[key]]
    return result


def redact_object(
    session: Session, object_type: str, object_id: int | str, fields, label: str
) -> int:
    """Blank the personal values of one object's entries, stored and still pending in this
    transaction (the erasure's own entry included); the entries stay, with ``label``."""
    from sqlalchemy import select

    session.flush()
    key = (object_type, str(object_id))
    row = session.info.get(_PENDING, {}).get(key)
    if row is not None:
        row["changes"] = _blank(row["changes"], fields)
        row["object_label"] = label
    count = 0
    for entry in session.scalars(
        select(AuditEntry).where(
            AuditEntry.object_type == object_type, AuditEntry.object_id == str(object_id)
        )
    ):
        entry.changes = _blank(entry.changes, fields)
        entry.object_label = label
        count += 1
    return count


def _word(text: str):
    import re

    return re.compile(r"(?<!\w)" + re.escape(text) + r"(?!\w)")


def _replace_text(value, text: str, by: str):
    if isinstance(value, str):
        return _word(text).sub(by, value)
    if isinstance(value, list):
        return [_replace_text(v, text, by) for v in value]
    if isinstance(value, dict):
        return {k: _replace_text(v, text, by) for k, v in value.items()}
    return value


MIN_REPLACE = 5


def replace_everywhere(session: Session, texts, by: str) -> int:
    """Where a person's name or address appears in other objects' entries (labels such as
    "Mitgliedschaft: Name", lists of linked people), it is replaced by ``by``. Texts shorter
    than MIN_REPLACE characters are left alone (they would hit unrelated words)."""
    from sqlalchemy import String, cast, func, or_, select

    from planner.core.lookup import like_pattern

    texts = [t for t in texts if t and len(t) >= MIN_REPLACE]
    if not texts:
        return 0
    session.flush()
    for row in session.info.get(_PENDING, {}).values():
        for text in texts:
            row["object_label"] = _replace_text(row["object_label"], text, by)
            row["changes"] = _replace_text(row["changes"], text, by)
    conditions = []
    for text in texts:
        pattern = like_pattern(text)
        conditions.append(func.lower(AuditEntry.object_label).like(pattern, escape="\\"))
        # the JSON text holds "ü" as "\u00fc": look for both spellings
        for spelling in {text, json.dumps(text)[1:-1]}:
            conditions.append(
                func.lower(cast(AuditEntry.changes, String)).like(
                    like_pattern(spelling), escape="\\"
                )
            )
    count = 0
    for entry in session.scalars(select(AuditEntry).where(or_(*conditions))):
        label, changes = entry.object_label, entry.changes
        for text in texts:
            label = _replace_text(label, text, by)
            changes = _replace_text(changes, text, by)
        entry.object_label, entry.changes = label, changes
        count += 1
    return count


def remove_old_values(session: Session, before: dt.datetime, batch: int = 1000) -> int:
    """Entries older than ``before`` lose their old and new values (the fields that changed
    stay named); returns how many entries were thinned. Commits per batch, so that a cron run
    over half a million entries holds no long transaction."""
    from sqlalchemy import select, update

    total = 0
    while True:
        rows = session.execute(
            select(AuditEntry.id, AuditEntry.changes)
            .where(AuditEntry.at < before, AuditEntry.values_removed.is_(False))
            .order_by(AuditEntry.id)
            .limit(batch)
        ).all()
        if not rows:
            return total
        for entry_id, changes in rows:
            session.execute(
                update(AuditEntry)
                .where(AuditEntry.id == entry_id)
                .values(
                    changes={k: [None, None] for k in (changes or {})},
                    values_removed=True,
                )
            )
        session.commit()
        total += len(rows)
