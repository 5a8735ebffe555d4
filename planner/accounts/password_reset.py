""" "Passwort vergessen?": a signed link by mail, valid for an hour and only once.

The token is signed with the app's secret and carries the account's session version and a
piece of its password hash: once the password is set (by this link or otherwise) the link is
worth nothing. Nothing is stored. The answer to the request is the same whether or not an
account exists, and a throttle keeps anyone from flooding a mailbox.
"""

from __future__ import annotations

import hashlib

from flask import current_app, render_template
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer

from planner.accounts import throttle
from planner.accounts.models import User
from planner.accounts.services import get_user_by_email, normalise_email
from planner.core.mail import Mailer, MailError, build_message
from planner.core.models import utcnow
from planner.core.urls import external_url
from planner.extensions import db

SALT = "planner-password-reset"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def _fingerprint(user: User) -> str:
    text = f"{user.password_hash}|{user.session_version}|{user.email}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def make_token(user: User) -> str:
    return _serializer().dumps({"u": user.id, "f": _fingerprint(user)})


def user_for_token(token: str) -> User | None:
    if len(token) > 300:
        return None
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    if not 0 < data["u"] < 2**31:
        return None
    user = db.session.get(User, data["u"])
    if user is None or not user.active or data.get("f") != _fingerprint(user):
        return None
    return user


def request_reset(email: str, remote_addr: str) -> None:
    """Send the link if an active account has this address; answer alike in every case."""
    email = normalise_email(email)
    keys = [
        (throttle.RESET_MAIL, f"{throttle.RESET_MAIL.prefix}:{email}"),
        (throttle.ADDRESS, f"reset-{throttle.ADDRESS.prefix}:{remote_addr}"),
    ]
    if throttle.take(keys, utcnow()) is not None:
        return
    user = get_user_by_email(email)
    if user is None or not user.active:
        return
    link = external_url("accounts.reset_with_token", token=make_token(user))
    hours = current_app.config["PASSWORD_RESET_MAX_AGE"] // 3600
    msg = build_message(
        to=user.email,
        subject=_("Planner: Ihr Link zum neuen Passwort"),
        text=render_template("emails/password_reset.txt", user=user, link=link, hours=hours),
    )
    try:
        with Mailer() as mailer:
            mailer.send(msg)
    except MailError as exc:
        current_app.logger.warning("password reset mail to user %s failed: %s", user.id, exc)
