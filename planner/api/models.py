"""API access keys (tokens): named, with an expiry, revocable, stored only as a hash."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.accounts.models import User
from planner.core.models import Audited, TimestampMixin, UTCDateTime
from planner.extensions import db


class ApiToken(Audited, TimestampMixin, db.Model):
    __tablename__ = "api_tokens"
    __audit_type__ = _l("API-Zugang")
    __audit_fields__ = {
        "name": _l("Bezeichnung"),
        "user_id": _l("Benutzerkonto"),
        "expires_at": _l("Gültig bis"),
        "revoked_at": _l("Widerrufen am"),
    }
    __audit_exclude__ = Audited.__audit_exclude__ | {"token_hash", "last_used_at", "hint"}

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    # SHA-256 of the token (the token has 256 random bits: a slow hash would add nothing)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # the token's first characters, to recognise it in the list ("pl_Ab3d…")
    hint: Mapped[str] = mapped_column(String(12))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    __table_args__ = (
        UniqueConstraint("user_id", "name", name="uq_api_tokens_user_name"),
        CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
        Index("ix_api_tokens_user_created", "user_id", "created_at"),
    )

    def __str__(self) -> str:
        return self.name
