"""The one file service every domain uses.

A domain declares who may see and change the files of its objects (:func:`register_owner`);
``store`` checks name, size and type (by the content, never by the name), writes the bytes
once under ``UPLOAD_DIR/<aa>/<sha256>`` and adds the row in the caller's transaction.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import filetype
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from planner.core.transaction import DomainError
from planner.extensions import db
from planner.files.models import StoredFile

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
CHUNK = 1024 * 1024
MAX_FILES_PER_OWNER = 200

# what may be uploaded: MIME type (as the content shows it) -> label
ALLOWED = {
    "application/pdf": _l("PDF"),
    "application/vnd.oasis.opendocument.text": _l("ODF-Text"),
    "application/vnd.oasis.opendocument.spreadsheet": _l("ODF-Tabelle"),
    "application/vnd.oasis.opendocument.presentation": _l("ODF-Präsentation"),
    "application/msword": _l("Word (alt)"),
    "application/vnd.ms-excel": _l("Excel (alt)"),
    "application/vnd.ms-powerpoint": _l("PowerPoint (alt)"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": _l("Word"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": _l("Excel"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": _l("PowerPoint"),
    "image/png": _l("PNG-Bild"),
    "image/jpeg": _l("JPEG-Bild"),
    "image/gif": _l("GIF-Bild"),
    "image/webp": _l("WebP-Bild"),
    "image/tiff": _l("TIFF-Bild"),
    "text/csv": _l("CSV"),
    "text/plain": _l("Text"),
}
ALLOWED_TEXT = _l("PDF, ODF (Text, Tabelle, Präsentation), Word, Excel, PowerPoint, Bilder (PNG, "
                  "JPEG, GIF, WebP, TIFF), CSV und Text")  # fmt: skip

_OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_NAME_TRICKS = re.compile(r"[\x00-\x1f\x7f-\x9f/\\\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_BINARY = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")


class FileError(DomainError):
    """A file that may not be stored; the message says why."""


@dataclass(frozen=True)
class FileOwner:
    """A kind of object that has files. ``can_see``/``can_edit`` get (user, owner id)."""

    key: str
    label: str
    can_see: Callable[[object, int], bool]
    can_edit: Callable[[object, int], bool]
    url: Callable[[int], str]  # the owner's page, where the files are listed


FILE_OWNERS: dict[str, FileOwner] = {}


def register_owner(owner: FileOwner) -> None:
    FILE_OWNERS[owner.key] = owner


def max_bytes() -> int:
    return int(current_app.config.get("UPLOAD_MAX_BYTES") or DEFAULT_MAX_BYTES)


def _megabytes(n: int) -> str:
    from flask_babel import format_decimal

    return format_decimal(round(n / 1024 / 1024, 1))


def clean_name(name: str | None) -> str:
    """The original name as it may be shown and sent back; path tricks are refused."""
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not name:
        raise FileError(_("Bitte wählen Sie eine Datei aus."))
    if _NAME_TRICKS.search(name) or ".." in name or name.startswith("."):
        raise FileError(
            _(
                "Der Dateiname enthält Pfadangaben oder unzulässige Zeichen. Bitte benennen "
                "Sie die Datei um (nur der Name, ohne „/“, „\\“, „..“ und Steuerzeichen)."
            )
        )
    if len(name) > 200:
        raise FileError(_("Der Dateiname ist zu lang (höchstens 200 Zeichen)."))
    return name


def _zip_type(path: Path) -> str | None:
    """ODF and Office Open XML are ZIP archives: what is inside says which one (only the
    archive's directory is read, nothing is unpacked)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                if archive.getinfo("mimetype").file_size > 100:
                    return None  # no ODF file: its mimetype entry is one short line
                with archive.open("mimetype") as entry:
                    declared = entry.read(100).decode("ascii", "replace").strip()
                return declared if declared in ALLOWED else None
            if "[Content_Types].xml" in names:
                for prefix, mime in _OOXML.items():
                    if any(n.startswith(prefix) for n in names):
                        return mime
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError):
        return None
    return None


def _text_type(path: Path, name: str) -> str | None:
    """Text (UTF-8 or Windows-1252) without binary control bytes; CSV by its name's ending
    (both are shown and served as text, so the name decides only the label)."""
    data = path.read_bytes()
    if _BINARY.search(data):
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return None
    return "text/csv" if name.lower().endswith(".csv") else "text/plain"


def detect_type(path: Path, name: str) -> str | None:
    with path.open("rb") as fh:
        head = fh.read(8192)
    if not head:
        return None
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime in ("application/zip", "application/epub+zip") or (
        mime in ALLOWED and "openxml" in mime
    ):
        mime = _zip_type(path)
    elif mime is None:
        mime = _text_type(path, name)
    return mime if mime in ALLOWED else None


def _upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def blob_path(sha256: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise ValueError("not a SHA-256 hex digest")
    return _upload_dir() / sha256[:2] / sha256


def store(
    owner_type: str, owner_id: int, stream: IO[bytes], filename: str | None, user=None
) -> StoredFile:
    """Check and keep one uploaded file. Nothing is written (neither bytes nor row) when any
    check fails."""
    if owner_type not in FILE_OWNERS:
        raise FileError(_("An dieses Objekt können keine Dateien angehängt werden."))
    name = clean_name(filename)
    count = db.session.scalar(
        select(func.count()).where(
            StoredFile.owner_type == owner_type, StoredFile.owner_id == owner_id
        )
    )
    if count >= MAX_FILES_PER_OWNER:
        raise FileError(_("Hier sind schon %(n)s Dateien angehängt.", n=MAX_FILES_PER_OWNER))
    limit = max_bytes()
    tmp_dir = _upload_dir() / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    fd, tmp_name = tempfile.mkstemp(dir=tmp_dir)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise FileError(
                        _(
                            "Die Datei ist zu groß: höchstens %(mb)s MB sind erlaubt.",
                            mb=_megabytes(limit),
                        )
                    )
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise FileError(_("Die Datei ist leer."))
        mime = detect_type(tmp, name)
        if mime is None:
            raise FileError(
                _(
                    "Dieser Dateityp ist nicht erlaubt (geprüft wird der Inhalt, nicht die "
                    "Endung). Erlaubt sind: %(types)s.",
                    types=ALLOWED_TEXT,
                )
            )
        sha = digest.hexdigest()
        target = blob_path(sha)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            tmp.unlink()
        else:
            os.chmod(tmp, 0o640)
            os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    stored = StoredFile(
        owner_type=owner_type,
        owner_id=owner_id,
        original_name=name,
        mime_type=mime,
        size=size,
        sha256=sha,
        uploaded_by_id=getattr(user, "id", None),
    )
    db.session.add(stored)
    db.session.flush()
    return stored


def files_of(owner_type: str, owner_id: int) -> list[StoredFile]:
    return list(
        db.session.scalars(
            select(StoredFile)
            .where(StoredFile.owner_type == owner_type, StoredFile.owner_id == owner_id)
            .order_by(StoredFile.id)
            .limit(MAX_FILES_PER_OWNER)
        )
    )


def visible_file(user, file_id: int) -> StoredFile | None:
    """The file when ``user`` may see its owner, else None (the caller answers 404)."""
    stored = db.session.get(StoredFile, file_id)
    if stored is None:
        return None
    owner = FILE_OWNERS.get(stored.owner_type)
    if owner is None or not owner.can_see(user, stored.owner_id):
        return None
    return stored


def may_edit(user, owner_type: str, owner_id: int) -> bool:
    owner = FILE_OWNERS.get(owner_type)
    return bool(owner and owner.can_edit(user, owner_id))


def owner_url(owner_type: str, owner_id: int) -> str:
    return FILE_OWNERS[owner_type].url(owner_id)


def delete_file(stored: StoredFile) -> str:
    """Remove the row; returns the hash so that the caller can drop the bytes after the commit
    (:func:`drop_unreferenced`)."""
    sha = stored.sha256
    db.session.delete(stored)
    db.session.flush()
    return sha


def delete_files_of(owner_type: str, owner_id: int) -> list[str]:
    """For an owner being deleted: its rows go, the hashes come back for drop_unreferenced."""
    hashes = []
    for stored in files_of(owner_type, owner_id):
        hashes.append(delete_file(stored))
    return hashes


def drop_unreferenced(sha256: str) -> None:
    """After the commit: the bytes go when no row refers to them any more."""
    still = db.session.scalar(select(StoredFile.id).where(StoredFile.sha256 == sha256).limit(1))
    if still is None:
        blob_path(sha256).unlink(missing_ok=True)


def human_size(size: int) -> str:
    from flask_babel import format_decimal

    if size < 1024:
        return _("%(n)s Byte", n=format_decimal(size))
    if size < 1024 * 1024:
        return _("%(n)s KB", n=format_decimal(round(size / 1024, 1)))
    return _("%(n)s MB", n=format_decimal(round(size / 1024 / 1024, 1)))


def files_of_kind(owner_type: str):
    """Every file attached to objects of one kind (e.g. the papers' files, which are public)."""
    return select(StoredFile).where(StoredFile.owner_type == owner_type)
