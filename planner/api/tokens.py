"""API access keys: created and revoked by their owner, checked on every API request.

A token is shown once, when it is created; the database keeps only its SHA-256. It acts with
its owner's role and organisation, so it can never do more than its owner can in the pages,
and stops working when it expires, is revoked, the account is deactivated or its password is
changed or reset (every credential the old password opened is closed then).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from planner.accounts.models import User
from planner.api.models import ApiToken
from planner.core.i18n import BERLIN
from planner.core.models import utcnow
from planner.core.transaction import DomainError, flush_or_raise
from planner.extensions import db

PREFIX = "pl_"
MAX_ACTIVE = 20
MAX_DAYS = 366
# the last use is written at most this often (not one write per read request)
TOUCH_EVERY = timedelta(minutes=5)


class TokenError(DomainError):
    """A broken rule about API access keys (shown at the form's field)."""


class TokenNameTaken(TokenError):
    pass


class TokenExpiryError(TokenError):
    pass


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _end_of(day: date) -> datetime:
    """The last moment of ``day`` in Berlin."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=BERLIN) - timedelta(
        microseconds=1
    )


def expiry_error(day: date, today: date) -> str | None:
    if day < today:
        return _("Das Ablaufdatum liegt in der Vergangenheit.")
    if day > today + timedelta(days=MAX_DAYS):
        return _("Ein Zugang gilt höchstens ein Jahr; bitte wählen Sie ein früheres Datum.")
    return None


def _tokens_of(user: User, condition, limit: int) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, condition)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
            .limit(limit)
        )
    )


def active_tokens(user: User, now: datetime | None = None) -> list[ApiToken]:
    now = now or utcnow()
    valid = ApiToken.revoked_at.is_(None) & (ApiToken.expires_at > now)
    return _tokens_of(user, valid, MAX_ACTIVE + 1)


def past_tokens(user: User, now: datetime | None = None, limit: int = 20) -> list[ApiToken]:
    """Revoked or expired keys, newest first (for the owner's overview)."""
    now = now or utcnow()
    return _tokens_of(user, ApiToken.revoked_at.is_not(None) | (ApiToken.expires_at <= now), limit)


def create_token(
    user: User, name: str, expires_on: date, now: datetime | None = None
) -> tuple[ApiToken, str]:
    """A new key for ``user``; returns it with the plain token (shown once, never stored)."""
    now = now or utcnow()
    name = name.strip()
    if error := expiry_error(expires_on, now.astimezone(BERLIN).date()):
        raise TokenExpiryError(error)
    if len(active_tokens(user, now)) >= MAX_ACTIVE:
        raise TokenError(
            _(
                "Sie haben bereits %(count)s gültige Zugänge; bitte widerrufen Sie zuerst einen.",
                count=MAX_ACTIVE,
            )
        )
    taken = db.session.scalar(
        select(func.count())
        .select_from(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.name == name)
    )
    if taken:
        raise TokenNameTaken(_("Einen Zugang mit dieser Bezeichnung haben Sie schon."))
    plain = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=digest(plain),
        hint=plain[:8],
        expires_at=_end_of(expires_on),
    )
    db.session.add(token)
    flush_or_raise(TokenNameTaken(_("Einen Zugang mit dieser Bezeichnung haben Sie schon.")))
    return token, plain


def revoke(user: User, token_id: int, now: datetime | None = None) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise TokenError(_("Diesen Zugang gibt es nicht (mehr)."))
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
        db.session.flush()
    return token


def revoke_all(user: User) -> None:
    """Every key of ``user`` stops working (a changed or reset password)."""
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def user_for(header: str | None, now: datetime | None = None) -> tuple[User | None, str | None]:
    """The account behind an ``Authorization: Bearer`` header and the key for its rate limit,
    or (None, None) when the header holds no valid token."""
    if not header:
        return None, None
    scheme, _sep, plain = header.partition(" ")
    plain = plain.strip()
    if scheme.lower() != "bearer" or not plain.startswith(PREFIX) or len(plain) > 100:
        return None, None
    now = now or utcnow()
    hashed = digest(plain)
    row = db.session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == hashed)
    ).first()
    if row is None:
        return None, None
    token, user = row
    if token.revoked_at is not None or token.expires_at <= now:
        return None, None
    if not user.active or user.must_change_password:
        return None, None
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        # its own short transaction: a read request commits nothing else
        db.session.execute(
            update(ApiToken)
            .where(ApiToken.id == token.id)
            .values(last_used_at=now, updated_at=ApiToken.updated_at)
        )
        db.session.commit()
    return user, hashed[:16]
