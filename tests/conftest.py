"""Fixtures: app, db, client, login_as(role), live_server. Runs on SQLite by default and on
PostgreSQL when PLANNER_TEST_DATABASE_URL is set (the same suite)."""

from __future__ import annotations

import contextvars
import hashlib
import os
import socket
import threading
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import text
from werkzeug.serving import make_server

from config import TestConfig
from planner import create_app
from planner.extensions import db as _db
from tests import factories

PASSWORD = factories.PASSWORD


class Client(FlaskClient):
    """Test client that behaves like a browser on a fresh request.

    Every request runs in an empty context, so it gets its own app context and database
    session, as in production, even while the test holds an app context of its own.
    POSTs get a valid CSRF token unless the test passes ``csrf=False``.
    """

    def csrf_token(self) -> str:
        with self.session_transaction() as session:
            if "csrf_token" not in session:
                session["csrf_token"] = hashlib.sha1(os.urandom(64)).hexdigest()
            raw = session["csrf_token"]
        return URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token").dumps(raw)

    def open(self, *args, csrf: bool = True, **kwargs):
        method = kwargs.get("method", "GET").upper()
        data = kwargs.get("data")
        if csrf and method == "POST" and (data is None or isinstance(data, dict)):
            data = dict(data or {})
            data.setdefault("csrf_token", self.csrf_token())
            kwargs["data"] = data
        return contextvars.Context().run(super().open, *args, **kwargs)


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("PLANNER_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    application = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=_database_url(tmp_path_factory))
    application.instance_path = str(instance)
    application.config["MAIL_DIR"] = str(instance / "mail")
    application.config["UPLOAD_DIR"] = str(instance / "uploads")
    application.test_client_class = Client
    with application.app_context():
        _db.drop_all()
        _db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        _db.session.commit()
        _db.create_all()
    yield application
    with application.app_context():
        _db.engine.dispose()


def _empty_tables() -> None:
    tables = _db.metadata.sorted_tables
    if _db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        _db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        # rows that point to rows of their own table (organisations below organisations) go
        # in one statement: the foreign keys are checked at the commit
        _db.session.execute(text("PRAGMA defer_foreign_keys = ON"))
        for table in reversed(tables):
            _db.session.execute(table.delete())
    _db.session.commit()


@pytest.fixture
def db(app):
    """An app context with the database; every table is emptied after the test."""
    with app.app_context():
        yield _db
        _db.session.rollback()
        _empty_tables()
        _db.session.remove()


@pytest.fixture
def client(app, db) -> Client:
    return app.test_client()


@pytest.fixture
def login_as(client, db):
    """login_as("planner") creates a user of that role and logs the client in through /login."""

    def login(role: str, **attrs):
        user = factories.UserFactory(role=role, **attrs)
        response = client.post("/anmelden", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return login


@pytest.fixture(scope="session")
def live_server(app):
    """The app served over HTTP in a thread, for the browser tests."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


# --- a real SMTP server (aiosmtpd) on a free local port -----------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """Collects every message the SMTP server accepts."""

    def __init__(self) -> None:
        self.messages: list = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        msg = message_from_bytes(envelope.original_content, policy=policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for rcpts, m in self.messages if address in rcpts]


class SMTPServer:
    def __init__(self) -> None:
        self.port = _free_port()
        self.inbox = Inbox()
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(app):
    server = SMTPServer()
    server.start()
    old = app.config.get("MAIL_URL")
    app.config["MAIL_URL"] = server.url
    yield server
    app.config["MAIL_URL"] = old
    server.stop()
