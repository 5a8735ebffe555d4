"""The page shell: template helpers, navigation, error pages, security headers."""

from __future__ import annotations

import re
import time
from urllib.parse import urlencode

from flask import Flask, abort, g, has_request_context, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from planner.core.i18n import fmt_date, fmt_datetime, fmt_money
from planner.core.markdown import render_markdown
from planner.core.permissions import PERMISSION_LABELS, Permission, can
from planner.extensions import db

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# (endpoint, label, permission). Later domains append their entries.
NAVIGATION: list[tuple[str, str, Permission]] = [
    ("core.dashboard", _l("Übersicht"), Permission.DASHBOARD_VIEW),
    ("accounts.user_list", _l("Benutzer"), Permission.USERS_MANAGE),
    ("core.audit_log", _l("Protokoll"), Permission.AUDIT_VIEW),
]


# the links beside the user's name (endpoint, label, permission), e.g. the API access keys
USER_MENU: list[tuple[str, str, Permission]] = []

# interfaces for machines answer errors in their own format: (path prefix, renderer(code, error))
ERROR_RENDERERS: list[tuple[str, object]] = []


def add_navigation(endpoint: str, label, permission: Permission) -> None:
    """A domain's entry, before the administration's entries (Benutzer, Protokoll, ...)."""
    if any(e == endpoint for e, _l, _p in NAVIGATION):
        return
    admin = next(
        (i for i, (e, _l, _p) in enumerate(NAVIGATION) if e == "accounts.user_list"),
        len(NAVIGATION),
    )
    NAVIGATION.insert(admin, (endpoint, label, permission))


def page_url(number: int) -> str:
    """This page's address with another page number; every other query argument is kept as
    it came, never handed to ``url_for`` (where ``endpoint`` or ``_method`` would change what
    is built)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
    args.append(("page", str(number)))
    return f"{request.path}?{urlencode(args)}"


def list_query() -> str:
    """This list's query (its filters) without the page number, for its export links: "?q=…"
    or empty."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
    return "?" + urlencode(args) if args else ""


_DEMO_CACHE: dict[str, tuple[float, bool]] = {}
DEMO_CACHE_SECONDS = 60


def demo_mode() -> bool:
    """True while demo accounts exist. Asked once a minute per process, not on every page (a
    LIKE over every account was part of each request)."""
    if "demo_mode" not in g:
        from flask import current_app

        from planner.accounts.services import demo_accounts_exist

        key = current_app.config["SQLALCHEMY_DATABASE_URI"]
        cached = _DEMO_CACHE.get(key)
        ttl = current_app.config.get("DEMO_BANNER_CACHE_SECONDS", DEMO_CACHE_SECONDS)
        if cached and time.monotonic() - cached[0] < ttl:
            g.demo_mode = cached[1]
        else:
            try:
                g.demo_mode = demo_accounts_exist()
                _DEMO_CACHE[key] = (time.monotonic(), g.demo_mode)
            except SQLAlchemyError:  # the error page must render even without a database
                db.session.rollback()
                g.demo_mode = False
    return g.demo_mode


def init_shell(app: Flask) -> None:
    app.jinja_env.filters["date"] = fmt_date
    app.jinja_env.filters["datetime"] = fmt_datetime
    app.jinja_env.filters["money"] = fmt_money
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.globals["page_url"] = page_url
    app.jinja_env.globals["list_query"] = list_query
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def shell_context():
        logged_in = has_request_context() and current_user.is_authenticated
        nav = [
            (endpoint, label)
            for endpoint, label, permission in NAVIGATION
            if logged_in and can(permission)
        ]
        return {
            "can": can,
            "Permission": Permission,
            "permission_labels": PERMISSION_LABELS,
            "navigation": nav,
            "user_menu": [
                (endpoint, label)
                for endpoint, label, permission in USER_MENU
                if logged_in and can(permission)
            ],
            "demo_mode": demo_mode,
        }

    @app.before_request
    def refuse_control_characters():
        """Query arguments and the path are text for searches and filters: a NUL byte (which
        PostgreSQL refuses) or another C0 control character in them is a broken or hostile
        address, answered with 400 before any view or database sees it."""
        if _CONTROL.search(request.path) or any(
            _CONTROL.search(key) or _CONTROL.search(value)
            for key, value in request.args.items(multi=True)
        ):
            abort(400)
        return None

    @app.after_request
    def security_headers(response):
        if has_request_context() and current_user.is_authenticated:
            # pages with personal data stay out of shared and browser caches ("Zurück" after
            # the logout shows nothing)
            response.headers["Cache-Control"] = "no-store"
        if app.config.get("HSTS"):
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        )
        return response

    for code in (400, 403, 404, 405, 413, 500):
        app.register_error_handler(code, _error_page)

    from flask_wtf.csrf import CSRFError

    app.register_error_handler(CSRFError, _csrf_error)


def _error_page(error):
    code = getattr(error, "code", 500) or 500
    if code == 500:
        db.session.rollback()
    for prefix, renderer in ERROR_RENDERERS:
        if request.path.startswith(prefix):
            return renderer(code, error)
    if request.path.startswith("/health") or request.accept_mimetypes.best == "application/json":
        return {"error": code}, code
    template = f"errors/{code}.html" if code in (403, 404, 500) else "errors/generic.html"
    return render_template(template, code=code, error=error), code


def _csrf_error(error):
    return (
        render_template(
            "errors/generic.html",
            code=400,
            error=error,
            message=_(
                "Das Formular ist abgelaufen oder unvollständig (Sicherheitsprüfung). "
                "Bitte laden Sie die Seite neu und senden Sie es erneut."
            ),
        ),
        400,
    )
