"""Bodies, memberships, papers and resolutions."""

from __future__ import annotations

import enum
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.accounts.models import Organisation, enum_column
from planner.core.models import Audited, TimestampMixin
from planner.extensions import db
from planner.stakeholders.models import Person


class BodyKind(enum.StrEnum):
    KREISTAG = "kreistag"
    AUSSCHUSS = "ausschuss"
    DIENSTBESPRECHUNG = "dienstbesprechung"
    LENKUNGSGRUPPE = "lenkungsgruppe"
    ARBEITSGRUPPE = "arbeitsgruppe"
    SONSTIGES = "sonstiges"

    @property
    def label(self) -> str:
        return BODY_KIND_LABELS[self]


BODY_KIND_LABELS = {
    BodyKind.KREISTAG: _l("Kreistag / Rat"),
    BodyKind.AUSSCHUSS: _l("Ausschuss"),
    BodyKind.DIENSTBESPRECHUNG: _l("Dienstbesprechung"),
    BodyKind.LENKUNGSGRUPPE: _l("Lenkungsgruppe"),
    BodyKind.ARBEITSGRUPPE: _l("Arbeitsgruppe"),
    BodyKind.SONSTIGES: _l("Sonstiges Gremium"),
}


class Body(Audited, TimestampMixin, db.Model):
    __tablename__ = "bodies"
    __audit_type__ = _l("Gremium")
    __audit_fields__ = {
        "name": _l("Name"),
        "short_name": _l("Kurzname"),
        "kind": _l("Art"),
        "organisation_id": _l("Gehört zu"),
        "description": _l("Beschreibung"),
        "archived": _l("Archiviert"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str | None] = mapped_column(String(60))
    kind: Mapped[BodyKind] = mapped_column(enum_column(BodyKind, "body_kind"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    description: Mapped[str | None] = mapped_column(Text)
    archived: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    organisation: Mapped[Organisation | None] = relationship()

    __table_args__ = (
        CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
        Index("ix_bodies_archived_name", "archived", "name"),
    )

    def __str__(self) -> str:
        return self.name


class MembershipRole(enum.StrEnum):
    VORSITZ = "vorsitz"
    MITGLIED = "mitglied"
    STELLVERTRETUNG = "stellvertretung"
    BERATEND = "beratend"

    @property
    def label(self) -> str:
        return MEMBERSHIP_ROLE_LABELS[self]


MEMBERSHIP_ROLE_LABELS = {
    MembershipRole.VORSITZ: _l("Vorsitz"),
    MembershipRole.MITGLIED: _l("Mitglied"),
    MembershipRole.STELLVERTRETUNG: _l("Stellvertretung"),
    MembershipRole.BERATEND: _l("beratendes Mitglied"),
}


class Membership(Audited, TimestampMixin, db.Model):
    __tablename__ = "memberships"
    __audit_type__ = _l("Mitgliedschaft")
    __audit_fields__ = {
        "body_id": _l("Gremium"),
        "person_id": _l("Person"),
        "role": _l("Rolle"),
        "start_date": _l("Von"),
        "end_date": _l("Bis"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="RESTRICT"), index=True
    )
    role: Mapped[MembershipRole] = mapped_column(enum_column(MembershipRole, "membership_role"))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)

    body: Mapped[Body] = relationship()
    person: Mapped[Person] = relationship()

    __table_args__ = (
        CheckConstraint(
            "start_date IS NULL OR end_date IS NULL OR end_date >= start_date", name="period_order"
        ),
        Index("ix_memberships_body_end", "body_id", "end_date"),
    )

    def __str__(self) -> str:
        return f"{self.person} – {self.body}"

    def audit_label(self) -> str:
        """Also for a row just added by ids (its relationships are not loaded yet)."""
        person = self.person or (db.session.get(Person, self.person_id) if self.person_id else None)
        body = self.body or (db.session.get(Body, self.body_id) if self.body_id else None)
        return f"{person} – {body}"

    def current(self, today: date) -> bool:
        return (self.start_date is None or self.start_date <= today) and (
            self.end_date is None or self.end_date >= today
        )


class PaperKind(enum.StrEnum):
    VORLAGE = "vorlage"
    ANTRAG = "antrag"
    MITTEILUNG = "mitteilung"

    @property
    def label(self) -> str:
        return PAPER_KIND_LABELS[self]


PAPER_KIND_LABELS = {
    PaperKind.VORLAGE: _l("Beschlussvorlage"),
    PaperKind.ANTRAG: _l("Antrag"),
    PaperKind.MITTEILUNG: _l("Mitteilungsvorlage"),
}


class Paper(Audited, TimestampMixin, db.Model):
    __tablename__ = "papers"
    __audit_type__ = _l("Vorlage")
    __audit_fields__ = {
        "reference": _l("Drucksachennummer"),
        "title": _l("Betreff"),
        "kind": _l("Art"),
        "originator_id": _l("Eingebracht von"),
        "date": _l("Datum"),
        "text": _l("Text"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[PaperKind] = mapped_column(enum_column(PaperKind, "paper_kind"))
    originator_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    date: Mapped[date] = mapped_column(Date)
    text: Mapped[str | None] = mapped_column(Text)

    originator: Mapped[Organisation | None] = relationship()

    __table_args__ = (
        CheckConstraint("length(trim(reference)) > 0", name="reference_not_blank"),
        CheckConstraint("length(trim(title)) > 0", name="title_not_blank"),
        Index("ix_papers_date_id", "date", "id"),
        Index("ix_papers_kind_date", "kind", "date"),
    )

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class Vote(enum.StrEnum):
    EINSTIMMIG = "einstimmig"
    MEHRHEITLICH = "mehrheitlich"
    ABGELEHNT = "abgelehnt"
    AUSGEZAEHLT = "ausgezaehlt"

    @property
    def label(self) -> str:
        return VOTE_LABELS[self]


VOTE_LABELS = {
    Vote.EINSTIMMIG: _l("einstimmig angenommen"),
    Vote.MEHRHEITLICH: _l("mehrheitlich angenommen"),
    Vote.ABGELEHNT: _l("abgelehnt"),
    Vote.AUSGEZAEHLT: _l("nach Stimmen (Ja/Nein/Enthaltung)"),
}


class Resolution(Audited, TimestampMixin, db.Model):
    __tablename__ = "resolutions"
    __audit_type__ = _l("Beschluss")
    __audit_fields__ = {
        "body_id": _l("Gremium"),
        "date": _l("Datum"),
        "title": _l("Betreff"),
        "text": _l("Beschlusstext"),
        "vote": _l("Abstimmung"),
        "votes_yes": _l("Ja-Stimmen"),
        "votes_no": _l("Nein-Stimmen"),
        "votes_abstain": _l("Enthaltungen"),
        "paper_id": _l("Vorlage"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="RESTRICT"))
    date: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str | None] = mapped_column(Text)
    vote: Mapped[Vote | None] = mapped_column(enum_column(Vote, "resolution_vote"))
    votes_yes: Mapped[int | None] = mapped_column(Integer)
    votes_no: Mapped[int | None] = mapped_column(Integer)
    votes_abstain: Mapped[int | None] = mapped_column(Integer)
    paper_id: Mapped[int | None] = mapped_column(
        ForeignKey("papers.id", ondelete="SET NULL"), index=True
    )

    body: Mapped[Body] = relationship()
    paper: Mapped[Paper | None] = relationship()

    __table_args__ = (
        CheckConstraint("length(trim(title)) > 0", name="title_not_blank"),
        CheckConstraint(
            "(votes_yes IS NULL OR votes_yes >= 0) AND (votes_no IS NULL OR votes_no >= 0) "
            "AND (votes_abstain IS NULL OR votes_abstain >= 0)",
            name="votes_not_negative",
        ),
        Index("ix_resolutions_body_date", "body_id", "date"),
        Index("ix_resolutions_date_id", "date", "id"),
    )

    def __str__(self) -> str:
        body = self.body or (db.session.get(Body, self.body_id) if self.body_id else None)
        return f"{body.name if body else ''}, {self.date:%d.%m.%Y}: {self.title}"

    @property
    def adopted(self) -> bool:
        if self.vote == Vote.ABGELEHNT:
            return False
        if self.vote == Vote.AUSGEZAEHLT:
            return (self.votes_yes or 0) > (self.votes_no or 0)
        return True

    @property
    def vote_text(self) -> str:
        if self.vote is None:
            return str(_l("angenommen (Stimmenverhältnis nicht erfasst)"))
        if self.vote == Vote.AUSGEZAEHLT:
            from flask_babel import gettext

            result = gettext("angenommen") if self.adopted else gettext("abgelehnt")
            return gettext(
                "%(result)s (Ja: %(yes)s, Nein: %(no)s, Enthaltung: %(abstain)s)",
                result=result,
                yes=self.votes_yes or 0,
                no=self.votes_no or 0,
                abstain=self.votes_abstain or 0,
            )
        return str(self.vote.label)
