"""Account rules: login with lockout, user administration, passwords."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import contains_eager
from werkzeug.security import check_password_hash, generate_password_hash

from planner.accounts.models import LoginFailure, Organisation, User
from planner.core.models import utcnow
from planner.core.pagination import Page, paginate
from planner.core.permissions import Role
from planner.core.transaction import DomainError
from planner.extensions import db

DEMO_DOMAIN = "@demo.example"
# answering unknown addresses as slowly as known ones reveals nothing about who has an account
_DUMMY_HASH = generate_password_hash("no-such-account")
MIN_PASSWORD_LENGTH = 10


class AccountError(DomainError):
    """A broken account rule; the message is shown to the user."""


class LoginLocked(AccountError):
    pass


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def demo_accounts_exist() -> bool:
    return bool(db.session.scalar(select(User.id).where(User.email.endswith(DEMO_DOMAIN)).limit(1)))


def _lock_window(now: datetime) -> datetime:
    return now - timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])


def login_locked(email: str, remote_addr: str, now: datetime | None = None) -> bool:
    """Too many recent failures for this e-mail address or this client address."""
    now = now or utcnow()
    since = _lock_window(now)
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    per_email, per_addr = db.session.execute(
        select(
            func.count().filter(LoginFailure.email == normalise_email(email)),
            func.count().filter(LoginFailure.remote_addr == remote_addr),
        ).where(
            LoginFailure.at >= since,
            or_(
                LoginFailure.email == normalise_email(email),
                LoginFailure.remote_addr == remote_addr,
            ),
        )
    ).one()
    return per_email >= limit or per_addr >= limit


def authenticate(email: str, password: str, remote_addr: str, now: datetime | None = None) -> User:
    """Return the user or raise AccountError; records failures for the lockout."""
    now = now or utcnow()
    email = normalise_email(email)
    if login_locked(email, remote_addr, now):
        minutes = current_app.config["LOGIN_LOCK_MINUTES"]
        raise LoginLocked(
            _(
                "Zu viele fehlgeschlagene Anmeldeversuche. Die Anmeldung ist für "
                "%(minutes)s Minuten gesperrt. Bitte versuchen Sie es später erneut.",
                minutes=minutes,
            )
        )
    user = get_user_by_email(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)  # same work as for a real account
    if user is None or not user.check_password(password) or not user.active:
        db.session.add(LoginFailure(email=email, remote_addr=remote_addr, at=now))
        # old failures are of no use any more
        db.session.execute(delete(LoginFailure).where(LoginFailure.at < now - timedelta(days=1)))
        db.session.flush()
        if user is not None and user.active is False and user.check_password(password):
            raise AccountError(
                _("Dieses Konto ist deaktiviert. Bitte wenden Sie sich an die Administration.")
            )
        raise AccountError(_("E-Mail-Adresse oder Passwort ist falsch."))
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == email))
    user.last_login_at = now
    db.session.flush()
    return user


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _("Das Passwort muss mindestens %(n)s Zeichen lang sein.", n=MIN_PASSWORD_LENGTH)
        )


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise AccountError(_("Das bisherige Passwort ist nicht korrekt."))
    check_password_rules(new)
    user.set_password(new)
    db.session.flush()


def create_user(
    *,
    email: str,
    name: str,
    role: Role | str,
    password: str,
    organisation: Organisation | None = None,
    active: bool = True,
    enforce_rules: bool = True,
) -> User:
    email = normalise_email(email)
    if get_user_by_email(email) is not None:
        raise AccountError(
            _("Es gibt bereits ein Konto mit der E-Mail-Adresse %(email)s.", email=email)
        )
    if enforce_rules:
        check_password_rules(password)
    user = User(
        email=email,
        name=name.strip(),
        role=Role(role),
        organisation=organisation,
        active=active,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(
    user: User,
    *,
    actor: User,
    email: str,
    name: str,
    role: Role | str,
    organisation: Organisation | None,
    active: bool,
) -> User:
    email = normalise_email(email)
    other = get_user_by_email(email)
    if other is not None and other.id != user.id:
        raise AccountError(
            _("Es gibt bereits ein Konto mit der E-Mail-Adresse %(email)s.", email=email)
        )
    role = Role(role)
    if user.id == actor.id and (role != Role.ADMIN or not active):
        raise AccountError(
            _(
                "Sie können sich nicht selbst die Administrationsrechte entziehen "
                "oder sich deaktivieren."
            )
        )
    if (
        user.role == Role.ADMIN
        and user.active
        and (role != Role.ADMIN or not active)
        and _active_admins() <= 1
    ):
        raise AccountError(_("Es muss mindestens ein aktives Administrationskonto geben."))
    user.email, user.name, user.role = email, name.strip(), role
    user.organisation, user.active = organisation, active
    db.session.flush()
    return user


def _active_admins() -> int:
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.active.is_(True))
    )


def reset_password(user: User, new_password: str) -> None:
    check_password_rules(new_password)
    user.set_password(new_password)
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == user.email))
    db.session.flush()


def user_page(*, query: str | None = None, role: str | None = None, page: int = 1) -> Page:
    stmt = select(User).outerjoin(User.organisation).order_by(User.name, User.id)
    if query:
        like = f"%{query.strip().lower()}%"
        stmt = stmt.where(or_(func.lower(User.name).like(like), User.email.like(like)))
    if role:
        stmt = stmt.where(User.role == Role(role))
    stmt = stmt.options(contains_eager(User.organisation))
    return paginate(stmt, page, current_app.config["PAGE_SIZE"])


def organisation_options() -> list[tuple[int, str]]:
    """(id, name) of every organisation, for select fields (no ORM objects: lists are long)."""
    return [
        tuple(row)
        for row in db.session.execute(
            select(Organisation.id, Organisation.name).order_by(Organisation.name)
        )
    ]
