"""Wires the REST API into the app: stateless token authentication, problem details for
errors, the rate limit per token, the owner's page in the user menu."""

from __future__ import annotations

from flask import current_app, g
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user

from planner.accounts.privacy import USER_EXPORTS
from planner.accounts.services import CREDENTIALS_CHANGED
from planner.api import bp, tokens
from planner.api.problems import from_http_error
from planner.core.permissions import Permission
from planner.core.sessions import STATELESS_PREFIXES, is_stateless
from planner.core.shell import ERROR_RENDERERS, USER_MENU
from planner.extensions import csrf, limiter, login_manager

PREFIX = "/api/v1"


def _rate_key() -> str:
    current_user.is_authenticated  # noqa: B018 - loads the token's account (and its key)
    return g.get("api_token_key") or f"anonym:{get_remote_address()}"


# Registered once, when the module is first imported (create_app may run many times).
STATELESS_PREFIXES.append(PREFIX)
ERROR_RENDERERS.append((PREFIX, from_http_error))
USER_MENU.append(("api_pages.token_list", _l("API-Zugänge"), Permission.ACCOUNT_SELF))
CREDENTIALS_CHANGED.append(tokens.revoke_all)
limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=_rate_key)(bp)


@login_manager.request_loader
def _load_from_token(req):
    """An API request's account from its access key; no other request is ever authenticated
    this way (the pages use the session only)."""
    if not is_stateless(req.path) or not req.path.startswith(PREFIX):
        return None
    user, key = tokens.user_for(req.headers.get("Authorization"))
    if key:
        g.api_token_key = key
    return user


def _export_tokens(user) -> list[dict]:
    from sqlalchemy import select

    from planner.api.models import ApiToken
    from planner.extensions import db

    rows = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id).limit(1000)
    )
    return [
        {
            "bezeichnung": t.name,
            "angelegt": t.created_at.isoformat(),
            "gueltig_bis": t.expires_at.isoformat(),
            "widerrufen": t.revoked_at.isoformat() if t.revoked_at else None,
            "zuletzt_benutzt": t.last_used_at.isoformat() if t.last_used_at else None,
        }
        for t in rows
    ]


USER_EXPORTS.append(("api_zugaenge", _export_tokens))


def init_app(app) -> None:
    csrf.exempt(bp)
    login_manager.blueprint_login_views["api"] = None
