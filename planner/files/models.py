"""A stored file: the bytes live under the upload folder by their SHA-256, the row says whose
attachment it is, what it is called and what it is."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.accounts.models import User
from planner.core.models import Audited, TimestampMixin
from planner.extensions import db


class StoredFile(Audited, TimestampMixin, db.Model):
    __tablename__ = "files"
    __audit_type__ = _l("Datei")
    __audit_fields__ = {
        "owner_type": _l("Gehört zu (Art)"),
        "owner_id": _l("Gehört zu (Nr.)"),
        "original_name": _l("Dateiname"),
        "mime_type": _l("Dateityp"),
        "size": _l("Größe (Bytes)"),
        "sha256": _l("Prüfsumme (SHA-256)"),
        "uploaded_by_id": _l("Hochgeladen von"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_type: Mapped[str] = mapped_column(String(60))
    owner_id: Mapped[int] = mapped_column(Integer)
    original_name: Mapped[str] = mapped_column(String(200))
    mime_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    uploaded_by: Mapped[User | None] = relationship()

    __table_args__ = (
        Index("ix_files_owner", "owner_type", "owner_id", "id"),
        CheckConstraint("size >= 0", name="size_not_negative"),
        CheckConstraint("length(sha256) = 64", name="sha256_length"),
        # SQLite: the id of a removed file is never given to another (old links stay dead)
        {"sqlite_autoincrement": True},
    )

    def __str__(self) -> str:
        return self.original_name
