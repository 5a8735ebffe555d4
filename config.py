"""Configuration, read from the environment.

PLANNER_ENV            development (default), production or test: picks the class below
PLANNER_DATABASE_URL   SQLAlchemy URL (default: SQLite file in the instance folder)
PLANNER_SECRET_KEY     required in production; in development generated once into the instance folder
PLANNER_BASE_URL       external base URL for links in mails and feeds (development without it:
                       the address the request came to, else http://127.0.0.1:$PORT)
PLANNER_MAIL_URL       smtp://user:pass@host:port or smtps://...; unset: mails go to instance/mail/
PLANNER_MAIL_FROM      sender address of outgoing mail
PLANNER_SCHEDULER      "inline" runs the reminder sweep inside the web process, "off" does not
PLANNER_UPLOAD_DIR     where uploaded files are kept (default: instance/uploads)
PLANNER_UPLOAD_MAX_MB  largest file that may be attached, in MB (default 20)
PLANNER_SECRECY_MIN_COUNT  values resting on a smaller count are withheld (default 3)
PLANNER_IMPORT_BACKGROUND_KB   imports above this size run in the background (default 256)
PLANNER_REPLY_LINK_MAX_AGE_DAYS  days the reply link of an invitation mail works at most; it
                       stops anyway when the meeting is over or cancelled (default 180)
PLANNER_AUDIT_RETENTION_YEARS  audit entries older than this lose their old/new values when
                       `flask --app planner audit thin` runs (default 10)
PLANNER_PROXY_HOPS     number of reverse proxies in front of Planner (nginx: 1); their
                       X-Forwarded-For/-Proto/-Host are trusted that many hops deep. 0 (default)
                       trusts none: then every user behind a proxy shares one client address.
PLANNER_IMPRESSUM_FILE, PLANNER_DATENSCHUTZ_FILE, PLANNER_BARRIEREFREIHEIT_FILE
                       Markdown texts of the installation (default: <name>.md in the instance folder)
PLANNER_ACCESSIBILITY_CONTACT  who takes reports of barriers (e-mail or office), shown in the
                       accessibility statement
PLANNER_DB_STATEMENT_TIMEOUT  seconds one SQL statement may run on PostgreSQL (default 30)
PLANNER_API_RATE_LIMIT  requests one API token may make (default "600 per minute"; Flask-Limiter
                       notation)
PLANNER_RATELIMIT_STORAGE_URI  where the API's rate-limit counters live: "memory://" (default,
                       one process) or redis://host:6379/0 so that all gunicorn workers share them
PLANNER_OPARL_CONTACT_EMAIL, PLANNER_OPARL_CONTACT_NAME  the contact the OParl System names
PLANNER_OPARL_RATE_LIMIT  requests one client address may make to OParl (default "1200 per minute")
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


class Config:
    TESTING = False
    DEBUG = False
    SQLALCHEMY_DATABASE_URI = _env("PLANNER_DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SECRET_KEY = _env("PLANNER_SECRET_KEY")
    BASE_URL = _env("PLANNER_BASE_URL", f"http://127.0.0.1:{_env('PORT', '5000')}")
    # development: links in mails and feeds built during a request follow the address served
    BASE_URL_FROM_REQUEST = False
    MAIL_URL = _env("PLANNER_MAIL_URL")
    MAIL_FROM = _env("PLANNER_MAIL_FROM", "planner@localhost")
    SCHEDULER = _env("PLANNER_SCHEDULER", "off")
    UPLOAD_DIR = _env("PLANNER_UPLOAD_DIR")
    PROXY_HOPS = int(_env("PLANNER_PROXY_HOPS", "0"))
    # texts of the installation (Markdown files; default: impressum.md etc. in the instance folder)
    IMPRESSUM_FILE = _env("PLANNER_IMPRESSUM_FILE")
    DATENSCHUTZ_FILE = _env("PLANNER_DATENSCHUTZ_FILE")
    BARRIEREFREIHEIT_FILE = _env("PLANNER_BARRIEREFREIHEIT_FILE")
    # who takes reports of barriers (BITV 2.0 feedback mechanism)
    ACCESSIBILITY_CONTACT = _env(
        "PLANNER_ACCESSIBILITY_CONTACT", "die Administration dieser Planner-Installation"
    )
    DB_STATEMENT_TIMEOUT = int(_env("PLANNER_DB_STATEMENT_TIMEOUT", "30"))
    HSTS = False

    BABEL_DEFAULT_LOCALE = "de"
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=10)
    WTF_CSRF_TIME_LIMIT = None  # token lives as long as the session

    UPLOAD_MAX_BYTES = int(float(_env("PLANNER_UPLOAD_MAX_MB", "20")) * 1024 * 1024)
    # the request may carry the form around the largest file; the file service checks the file
    MAX_CONTENT_LENGTH = UPLOAD_MAX_BYTES + 1024 * 1024
    AUDIT_RETENTION_YEARS = int(_env("PLANNER_AUDIT_RETENTION_YEARS", "10"))
    # values resting on a numerator below this are withheld from everyone but planners
    SECRECY_MIN_COUNT = int(_env("PLANNER_SECRECY_MIN_COUNT", "3"))
    # uploaded imports larger than this run in a background thread with a progress bar
    IMPORT_BACKGROUND_BYTES = int(float(_env("PLANNER_IMPORT_BACKGROUND_KB", "256")) * 1024)
    # seconds the signed reply link of an invitation works at most
    REPLY_LINK_MAX_AGE = int(float(_env("PLANNER_REPLY_LINK_MAX_AGE_DAYS", "180")) * 86400)

    PASSWORD_HASH_METHOD = None  # werkzeug's default (scrypt)
    PASSWORD_RESET_MAX_AGE = 3600  # seconds a "Passwort vergessen?" link is valid
    PAGE_SIZE = 50

    # the REST API: requests per token (Flask-Limiter notation), counters' storage
    API_RATE_LIMIT = _env("PLANNER_API_RATE_LIMIT", "600 per minute")
    RATELIMIT_STORAGE_URI = _env("PLANNER_RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # OParl is public: requests per client address
    OPARL_RATE_LIMIT = _env("PLANNER_OPARL_RATE_LIMIT", "1200 per minute")
    OPARL_CONTACT_EMAIL = _env("PLANNER_OPARL_CONTACT_EMAIL")
    OPARL_CONTACT_NAME = _env("PLANNER_OPARL_CONTACT_NAME")

    @classmethod
    def init_app(cls, app) -> None:
        """Fill in what depends on the instance folder."""
        instance = Path(app.instance_path)
        instance.mkdir(parents=True, exist_ok=True)
        if not app.config.get("SQLALCHEMY_DATABASE_URI"):
            app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'planner.db'}"
        uri = app.config["SQLALCHEMY_DATABASE_URI"]
        if uri.startswith("postgresql"):
            # fail fast instead of hanging: a connection within 5 s, no statement beyond the
            # timeout; JIT compiling cost more than these short queries take
            options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
            connect_args = dict(options.get("connect_args") or {})
            connect_args.setdefault("connect_timeout", 5)
            connect_args.setdefault(
                "options", f"-c statement_timeout={app.config['DB_STATEMENT_TIMEOUT']}s -c jit=off"
            )
            options["connect_args"] = connect_args
            app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
        if not app.config.get("UPLOAD_DIR"):
            app.config["UPLOAD_DIR"] = str(instance / "uploads")
        app.config.setdefault("MAIL_DIR", str(instance / "mail"))


class DevelopmentConfig(Config):
    DEBUG = True
    BASE_URL_FROM_REQUEST = _env("PLANNER_BASE_URL") is None
    SCHEDULER = _env("PLANNER_SCHEDULER", "inline")

    @classmethod
    def init_app(cls, app) -> None:
        super().init_app(app)
        if not app.config.get("SECRET_KEY"):
            key_file = Path(app.instance_path) / "secret_key"
            if not key_file.exists():
                key_file.write_text(secrets.token_hex(32))
                key_file.chmod(0o600)
            app.config["SECRET_KEY"] = key_file.read_text().strip()


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = _env("PLANNER_TEST_DATABASE_URL")
    SCHEDULER = "off"
    MAIL_URL = None
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast for tests; never in production
    DEMO_BANNER_CACHE_SECONDS = 0
    SERVER_NAME = None
    # counters live as long as the test session: the tests that check a limit set their own
    API_RATE_LIMIT = "100000 per minute"
    OPARL_RATE_LIMIT = "100000 per minute"


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS = True

    @classmethod
    def init_app(cls, app) -> None:
        if not app.config.get("SECRET_KEY"):
            raise RuntimeError(
                "PLANNER_SECRET_KEY must be set in production (e.g. python -c "
                "'import secrets; print(secrets.token_hex(32))')."
            )
        super().init_app(app)


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    return CONFIGS[_env("PLANNER_ENV", "development")]
