"""The file service: size limit, type by content (not by name), names with path tricks,
storage by content hash, access only for who may see the owner, the download's headers."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from planner.extensions import db as _db
from planner.files.models import StoredFile
from planner.files.services import blob_path
from tests.factories import PaperFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = (
    bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")
    + b"\x00" * 40
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})
PLAIN_ZIP = _zip({"a.txt": b"hallo"})
CSV = "Kommune;Wert\nSiegburg;12,5\nTroisdorf;9,1\n".encode("cp1252")


def _upload(client, owner_type, owner_id, data: bytes, name: str):
    return client.post(
        f"/dateien/anhaengen/{owner_type}/{owner_id}",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _files() -> list[StoredFile]:
    _db.session.expire_all()
    return list(_db.session.scalars(select(StoredFile).order_by(StoredFile.id)))


def _flash(client, response) -> str:
    return client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "name", "mime"),
    [
        (PDF, "Vorlage.pdf", "application/pdf"),
        (PDF, "sieht-aus-wie-text.txt", "application/pdf"),  # the content decides
        (PNG, "Karte.png", "image/png"),
        (
            DOCX,
            "Beschluss.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (ODT, "Konzept.odt", "application/vnd.oasis.opendocument.text"),
        (CSV, "Daten 2017.csv", "text/csv"),
        (b"<script>alert(1)</script>", "notiz.txt", "text/plain"),
    ],
)
def test_allowed_types_are_recognised_by_their_content(client, db, login_as, data, name, mime):
    paper = PaperFactory()
    login_as("planner")
    response = _upload(client, "paper", paper.id, data, name)
    assert response.status_code == 302
    [stored] = _files()
    assert (stored.mime_type, stored.original_name, stored.size) == (mime, name, len(data))
    assert blob_path(stored.sha256).read_bytes() == data


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (EXE, "harmlos.pdf"),
        (PLAIN_ZIP, "archiv.docx"),
        (b"\x00\x01\x02\x03binary", "daten.csv"),
        (b"", "leer.pdf"),
    ],  # fmt: skip
)
def test_forbidden_types_are_refused_whatever_the_name_says(client, db, login_as, data, name):
    paper = PaperFactory()
    login_as("planner")
    response = _upload(client, "paper", paper.id, data, name)
    page = _flash(client, response)
    assert "nicht erlaubt" in page or "leer" in page
    assert _files() == []


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "ordner/vorlage.pdf", "..\\..\\x.pdf",
                                  ".htaccess", "a\x00b.pdf", "\u202egpj.exe"])  # fmt: skip
def test_names_with_path_tricks_are_refused_and_nothing_is_stored(client, db, login_as, name, app):
    paper = PaperFactory()
    login_as("planner")
    before = sorted(p.name for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file())
    response = _upload(client, "paper", paper.id, PDF, name)
    assert "Pfadangaben" in _flash(client, response)
    assert _files() == []
    after = sorted(p.name for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file())
    assert after == before


def test_files_over_the_limit_are_refused(client, db, login_as, app):
    paper = PaperFactory()
    login_as("planner")
    old = app.config["UPLOAD_MAX_BYTES"]
    app.config["UPLOAD_MAX_BYTES"] = 1024
    try:
        response = _upload(client, "paper", paper.id, PDF + b"0" * 2000, "gross.pdf")
        assert "zu groß" in _flash(client, response)
        assert _files() == []
        assert _upload(client, "paper", paper.id, PDF, "klein.pdf").status_code == 302
        assert len(_files()) == 1
    finally:
        app.config["UPLOAD_MAX_BYTES"] = old


def test_the_same_content_is_stored_once_and_removed_with_its_last_row(client, db, login_as):
    first, second = PaperFactory(), PaperFactory()
    login_as("planner")
    _upload(client, "paper", first.id, PDF, "a.pdf")
    _upload(client, "paper", second.id, PDF, "b.pdf")
    a, b = _files()
    assert a.sha256 == b.sha256
    path = blob_path(a.sha256)
    client.post(f"/dateien/{a.id}/entfernen")
    assert path.exists()  # still b's
    client.post(f"/dateien/{b.id}/entfernen")
    assert not path.exists()
    assert _files() == []


def test_download_only_for_who_may_see_the_owner_with_name_and_type(client, db, login_as):
    paper = PaperFactory()
    login_as("planner")
    _upload(client, "paper", paper.id, PDF, "Sitzung 19.06.2017 – Übersicht.pdf")
    [stored] = _files()
    response = client.get(f"/dateien/{stored.id}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data == PDF
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "filename*=UTF-8''Sitzung%2019.06.2017%20%E2%80%93%20%C3%9Cbersicht.pdf" in disposition
    assert "sandbox" in response.headers["Content-Security-Policy"]
    response.close()
    client.post("/abmelden")
    assert client.get(f"/dateien/{stored.id}").status_code == 302  # to the login
    login_as("viewer")  # politicians read papers and their files
    response = client.get(f"/dateien/{stored.id}")
    assert response.status_code == 200
    response.close()
    assert client.post(f"/dateien/{stored.id}/entfernen").status_code == 403
    assert _upload(client, "paper", paper.id, PDF, "x.pdf").status_code == 403
    client.post("/abmelden")
    login_as("supplier")  # suppliers see nothing of the papers
    assert client.get(f"/dateien/{stored.id}").status_code == 404
    assert client.get("/dateien/999999").status_code == 404


def test_unknown_owners_and_missing_objects_take_no_files(client, db, login_as):
    login_as("planner")
    assert _upload(client, "nirgendwo", 1, PDF, "a.pdf").status_code == 404
    assert _upload(client, "paper", 424242, PDF, "a.pdf").status_code == 404
    assert _db.session.scalar(select(func.count()).select_from(StoredFile)) == 0


def test_an_archive_whose_type_entry_would_unpack_huge_is_refused_unread(client, db, login_as):
    paper = PaperFactory()
    login_as("planner")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", b"a" * 5_000_000)  # a few KB packed, 5 MB unpacked
    response = _upload(client, "paper", paper.id, bomb.getvalue(), "bombe.odt")
    assert "nicht erlaubt" in _flash(client, response)
    assert _files() == []


def test_a_request_beyond_the_limit_returns_to_its_page_with_the_limit(client, db, login_as, app):
    paper = PaperFactory()
    login_as("planner")
    old = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 2000
    try:
        response = _upload(client, "paper", paper.id, PDF + b"0" * 5000, "riesig.pdf")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = old
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/vorlagen/{paper.id}#dateien")
    assert "zu groß: höchstens 20 MB" in _flash(client, response)
    assert _files() == []
