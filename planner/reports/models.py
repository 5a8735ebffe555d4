"""The social report (Sozialbericht): editions with sections in Markdown whose live blocks embed
monitoring tables, charts, maps, index runs, area profiles and measures; the snapshot of the
data an edition cites once it goes to agreement; the comments of the agreement."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.accounts.models import User, enum_column
from planner.core.models import Audited, TimestampMixin, UTCDateTime, utcnow
from planner.extensions import db

SECTION_MAX = 50_000  # characters of one section's Markdown (the renderer's bound)


class EditionState(enum.StrEnum):
    ENTWURF = "entwurf"
    ABSTIMMUNG = "abstimmung"
    BESCHLOSSEN = "beschlossen"
    VEROEFFENTLICHT = "veroeffentlicht"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]

    @property
    def frozen(self) -> bool:
        return self is not EditionState.ENTWURF


STATE_LABELS = {
    EditionState.ENTWURF: _l("Entwurf"),
    EditionState.ABSTIMMUNG: _l("in Abstimmung"),
    EditionState.BESCHLOSSEN: _l("beschlossen"),
    EditionState.VEROEFFENTLICHT: _l("veröffentlicht"),
}


class ReportEdition(Audited, TimestampMixin, db.Model):
    __tablename__ = "report_editions"
    __audit_type__ = _l("Sozialbericht")
    __audit_fields__ = {
        "title": _l("Titel"),
        "year": _l("Berichtsjahr"),
        "summary": _l("Kurzbeschreibung"),
        "state": _l("Stand"),
        "agreement_step_id": _l("Prozessschritt der Abstimmung"),
        "agreement_due": _l("Stellungnahmen bis"),
        "resolution_id": _l("Beschluss"),
        "frozen_at": _l("Daten eingefroren am"),
        "published_on": _l("Veröffentlicht am"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str | None] = mapped_column(Text)
    state: Mapped[EditionState] = mapped_column(
        enum_column(EditionState, "report_edition_state"), default=EditionState.ENTWURF
    )
    agreement_step_id: Mapped[int | None] = mapped_column(
        ForeignKey("steps.id", ondelete="SET NULL"), index=True
    )
    agreement_due: Mapped[date | None] = mapped_column(Date)
    resolution_id: Mapped[int | None] = mapped_column(
        ForeignKey("resolutions.id", ondelete="SET NULL"), index=True
    )
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    created_by: Mapped[User | None] = relationship()
    sections: Mapped[list[ReportSection]] = relationship(
        back_populates="edition",
        cascade="all, delete-orphan",
        order_by="(ReportSection.position, ReportSection.id)",
    )

    __table_args__ = (
        CheckConstraint("length(trim(title)) > 0", name="title_not_blank"),
        CheckConstraint("year >= 1990 AND year <= 2100", name="year_range"),
        Index("ix_report_editions_state_year", "state", "year"),
    )

    def __str__(self) -> str:
        return self.title


class ReportSection(Audited, TimestampMixin, db.Model):
    __tablename__ = "report_sections"
    __audit_type__ = _l("Abschnitt eines Sozialberichts")
    __audit_fields__ = {"title": _l("Überschrift"), "body": _l("Text"), "position": _l("Stelle")}

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("report_editions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")

    edition: Mapped[ReportEdition] = relationship(back_populates="sections")

    __table_args__ = (
        CheckConstraint("length(trim(title)) > 0", name="title_not_blank"),
        Index("ix_report_sections_edition_position", "edition_id", "position"),
    )

    def __str__(self) -> str:
        return self.title


class ReportBlock(db.Model):
    """The data of one live block as it was when the edition went to agreement (the frozen
    edition renders from here, not from the monitoring)."""

    __tablename__ = "report_blocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("report_editions.id", ondelete="CASCADE"))
    section_id: Mapped[int] = mapped_column(ForeignKey("report_sections.id", ondelete="CASCADE"))
    tag: Mapped[str] = mapped_column(String(500))  # the tag in its normal form
    data: Mapped[dict] = mapped_column(JSON)

    __table_args__ = (UniqueConstraint("edition_id", "section_id", "tag", name="uq_report_block"),)


class ReportCitation(db.Model):
    """One observation a frozen edition cites, with the value it had then: compared with the
    monitoring, it says which cited values were corrected since."""

    __tablename__ = "report_citations"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("report_editions.id", ondelete="CASCADE"))
    section_id: Mapped[int] = mapped_column(ForeignKey("report_sections.id", ondelete="CASCADE"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(7))
    value: Mapped[float | None] = mapped_column(Float)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    withheld: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    state: Mapped[str | None] = mapped_column(String(20))

    derived = False  # read like an observation by values.show

    __table_args__ = (
        UniqueConstraint(
            "edition_id", "section_id", "indicator_id", "area_id", "period",
            name="uq_report_citation",
        ),
        Index("ix_report_citations_observation", "indicator_id", "area_id", "period"),
    )  # fmt: skip


class ReportComment(Audited, db.Model):
    """A comment of the agreement on one section, answered and resolved by the planners."""

    __tablename__ = "report_comments"
    __audit_type__ = _l("Stellungnahme zum Sozialbericht")
    __audit_fields__ = {"body": _l("Stellungnahme"), "answer": _l("Antwort"),
                        "resolved_at": _l("Erledigt am")}  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("report_editions.id", ondelete="CASCADE"))
    section_id: Mapped[int] = mapped_column(ForeignKey("report_sections.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    section: Mapped[ReportSection] = relationship()
    # the name is read from the account (no copy): a deleted account leaves "Konto gelöscht"
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])

    __table_args__ = (
        CheckConstraint("length(trim(body)) > 0", name="body_not_blank"),
        Index("ix_report_comments_edition_open", "edition_id", "resolved_at"),
        Index("ix_report_comments_section", "section_id", "created_at"),
    )

    def __str__(self) -> str:
        return self.body[:80]
