"""Accounts: organisations, users and the login throttle."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from planner.core.models import Audited, TimestampMixin, UTCDateTime, trigram_index, utcnow
from planner.core.permissions import Role
from planner.extensions import db


def enum_column(enum_cls: type[enum.Enum], name: str) -> Enum:
    """Store enum *values* (not names) as a VARCHAR with a CHECK constraint on every backend."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=40,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


def hash_password(password: str) -> str:
    """With PASSWORD_HASH_METHOD when set (the tests use a fast one), else werkzeug's default."""
    from flask import current_app

    method = current_app.config.get("PASSWORD_HASH_METHOD")
    return (
        generate_password_hash(password, method=method)
        if method
        else generate_password_hash(password)
    )


class OrganisationKind(enum.StrEnum):
    KREISVERWALTUNG = "kreisverwaltung"
    KOMMUNE = "kommune"
    JOBCENTER = "jobcenter"
    WOHLFAHRT = "wohlfahrt"
    FACHSTELLE = "fachstelle"
    LAND = "land"
    FRAKTION = "fraktion"
    SONSTIGE = "sonstige"

    @property
    def label(self) -> str:
        return ORGANISATION_KIND_LABELS[self]


ORGANISATION_KIND_LABELS = {
    OrganisationKind.KREISVERWALTUNG: _l("Kreisverwaltung"),
    OrganisationKind.KOMMUNE: _l("Kommune"),
    OrganisationKind.JOBCENTER: _l("Jobcenter"),
    OrganisationKind.WOHLFAHRT: _l("Freie Wohlfahrtspflege"),
    OrganisationKind.FACHSTELLE: _l("Fachstelle"),
    OrganisationKind.LAND: _l("Ministerium/Land"),
    OrganisationKind.FRAKTION: _l("Fraktion"),
    OrganisationKind.SONSTIGE: _l("Sonstige"),
}


class Organisation(Audited, TimestampMixin, db.Model):
    __tablename__ = "organisations"
    __audit_type__ = _l("Organisation")
    __audit_fields__ = {
        "name": _l("Name"),
        "short_name": _l("Kurzname"),
        "kind": _l("Art"),
        "notes": _l("Notizen"),
        "address": _l("Anschrift"),
        "website": _l("Website"),
        "parent_id": _l("Übergeordnete Organisation"),
        "archived": _l("Archiviert"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str | None] = mapped_column(String(60))
    kind: Mapped[OrganisationKind] = mapped_column(
        enum_column(OrganisationKind, "organisation_kind"), index=True
    )
    notes: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(String(300))
    # a department of a Kreis, a local branch of a welfare association; deleting a parent that
    # still has parts is refused by the service (RESTRICT keeps the database honest as well)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    archived: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    users: Mapped[list[User]] = relationship(back_populates="organisation")
    parent: Mapped[Organisation | None] = relationship(remote_side="Organisation.id")

    __table_args__ = (
        CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        # the organisation list: active ones by name, filtered by kind
        Index("ix_organisations_archived_name", "archived", "name"),
        Index("ix_organisations_kind_archived_name", "kind", "archived", "name"),
    )

    def __str__(self) -> str:
        return self.name


class User(UserMixin, Audited, TimestampMixin, db.Model):
    __tablename__ = "users"
    __audit_secret__ = frozenset({"password_hash"})
    __audit_type__ = _l("Benutzerkonto")
    __audit_fields__ = {
        "email": _l("E-Mail-Adresse"),
        "name": _l("Name"),
        "password_hash": _l("Passwort"),
        "role": _l("Rolle"),
        "active": _l("Konto aktiv"),
        "organisation_id": _l("Organisation"),
        "must_change_password": _l("Muss eigenes Passwort wählen"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    # stored lower-cased (see services.normalise_email), so unique regardless of case
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, "user_role"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # part of the login session's id: raised by logout, a password change or a reset, so that
    # every session (and captured cookie) issued before ends at once
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # set when an administrator chose the password: the person must choose their own first
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )

    organisation: Mapped[Organisation | None] = relationship(back_populates="users")

    __table_args__ = (
        CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
        CheckConstraint("email LIKE '%_@_%' AND email = lower(email)", name="email_shape"),
        # the user list and the type-ahead read people in name order
        Index("ix_users_name_id", "name", "id"),
    )

    __audit_exclude__ = Audited.__audit_exclude__ | {"last_login_at", "session_version"}

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    def get_id(self) -> str:
        """The session's user id carries the session version (Flask-Login's alternative id)."""
        return f"{self.id}:{self.session_version or 0}"

    def end_sessions(self) -> None:
        """Every session issued so far stops working."""
        self.session_version = (self.session_version or 0) + 1

    # Flask-Login uses is_active to refuse deactivated accounts.
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return bool(self.active)

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def role_label(self) -> str:
        return Role(self.role).label


class LoginThrottle(db.Model):
    """Tries per key (an account, an account from one address, one address), for the growing
    delays of the login and of password-reset mails. Updated by one atomic upsert per try."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    next_allowed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


# "Name enthält" of lists and filters, and the organisation type-ahead
trigram_index(Organisation.__table__, "name")
trigram_index(Organisation.__table__, "short_name")
