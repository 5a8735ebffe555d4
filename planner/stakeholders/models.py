"""Persons (Ansprechpersonen): contact data with its legal basis."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.accounts.models import Organisation, User, enum_column
from planner.core.models import Audited, TimestampMixin, UTCDateTime, trigram_index
from planner.extensions import db

ERASED_NAME = "gelöschte Person"


class LegalBasis(enum.StrEnum):
    EINWILLIGUNG = "einwilligung"
    AMT = "amt"
    AUFGABE = "aufgabe"

    @property
    def label(self) -> str:
        return LEGAL_BASIS_LABELS[self]


LEGAL_BASIS_LABELS = {
    LegalBasis.EINWILLIGUNG: _l("Einwilligung (Art. 6 Abs. 1 lit. a DSGVO)"),
    LegalBasis.AMT: _l("Öffentliches Amt oder Mandat"),
    LegalBasis.AUFGABE: _l("Aufgabe der Behörde (Art. 6 Abs. 1 lit. e DSGVO)"),
}


class Person(Audited, TimestampMixin, db.Model):
    __tablename__ = "persons"
    __audit_type__ = _l("Person")
    __audit_fields__ = {
        "name": _l("Name"),
        "function": _l("Funktion"),
        "organisation_id": _l("Organisation"),
        "email": _l("E-Mail-Adresse"),
        "phone": _l("Telefon"),
        "user_id": _l("Benutzerkonto"),
        "legal_basis": _l("Rechtsgrundlage"),
        "consent_date": _l("Einwilligung vom"),
        "archived": _l("Archiviert"),
        "erased_at": _l("Personendaten gelöscht am"),
    }
    # the fields that identify a person: blanked by an erasure, also in the audit log
    PERSONAL_FIELDS = ("name", "function", "email", "phone", "user_id", "consent_date")

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    function: Mapped[str | None] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(60))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    legal_basis: Mapped[LegalBasis] = mapped_column(enum_column(LegalBasis, "legal_basis"))
    consent_date: Mapped[date | None] = mapped_column(Date)
    archived: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation | None] = relationship()
    user: Mapped[User | None] = relationship()

    __table_args__ = (
        CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
        CheckConstraint(
            "legal_basis <> 'einwilligung' OR consent_date IS NOT NULL OR erased_at IS NOT NULL",
            name="consent_has_date",
        ),
        Index("ix_persons_archived_name", "archived", "name", "id"),
        Index("ix_persons_organisation_name", "organisation_id", "name"),
    )

    def __str__(self) -> str:
        return self.name

    @property
    def erased(self) -> bool:
        return self.erased_at is not None


# "Name oder Funktion enthält" and the type-ahead of persons
trigram_index(Person.__table__, "name")
trigram_index(Person.__table__, "function")
