"""Account rules: login with growing delays, sessions, user administration, passwords."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager
from werkzeug.security import check_password_hash
from zxcvbn import zxcvbn

from planner.accounts import throttle
from planner.accounts.models import Organisation, User, hash_password
from planner.core.models import utcnow
from planner.core.pagination import Page, paginate
from planner.core.permissions import Role
from planner.core.transaction import DomainError, flush_or_raise
from planner.extensions import db

DEMO_DOMAIN = "@demo.example"
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128
MIN_PASSWORD_SCORE = 3  # zxcvbn: 0 (trivial) .. 4 (strong)
# words zxcvbn's English lists miss, taken as guessable like dictionary words
GERMAN_COMMON = (
    "passwort kennwort geheim hallo sommer winter frühling herbst sonne schatz liebe "
    "fussball fußball bayern schalke dortmund deutschland berlin köln bonn siegburg "
    "rhein sieg kreis planner planung sozial verwaltung montag freitag januar dezember "
    "willkommen start anmelden benutzer admin test demo qwertz asdfgh"
).split()


@cache
def _dummy_hash_for(method: str | None) -> str:
    return hash_password("no-such-account")


def _dummy_hash() -> str:
    """Answering unknown addresses as slowly as known ones reveals nothing about who has an
    account. Computed on first use, not at import (that cost every process 100 ms)."""
    return _dummy_hash_for(current_app.config.get("PASSWORD_HASH_METHOD"))


# Called with the user whenever their password changes (own change, reset link, admin reset):
# other ways in that the old credentials opened are closed (the deadlines domain revokes the
# personal calendar feed).
CREDENTIALS_CHANGED: list[Callable[[User], None]] = []


def _credentials_changed(user: User) -> None:
    for hook in CREDENTIALS_CHANGED:
        hook(user)


class AccountError(DomainError):
    """A broken account rule; the message is shown to the user."""


class WrongPassword(AccountError):
    """The current password given to confirm a change is not right."""


class LoginThrottled(AccountError):
    """Too many tries: wait. Shown at the e-mail field (it concerns the account)."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def demo_accounts_exist() -> bool:
    return bool(db.session.scalar(select(User.id).where(User.email.endswith(DEMO_DOMAIN)).limit(1)))


def wait_message(wait: timedelta) -> str:
    seconds = int(wait.total_seconds() + 0.999)
    if seconds < 120:
        amount = ngettext("%(num)s Sekunde", "%(num)s Sekunden", seconds)
    else:
        amount = ngettext("%(num)s Minute", "%(num)s Minuten", (seconds + 59) // 60)
    return _(
        "Zu viele fehlgeschlagene Anmeldeversuche für dieses Konto. Bitte warten Sie "
        "%(amount)s und versuchen Sie es dann erneut.",
        amount=amount,
    )


def authenticate(email: str, password: str, remote_addr: str, now: datetime | None = None) -> User:
    """Return the user or raise AccountError. Every try first takes its slot in the throttle
    (refused at once while the account must wait); every refusal costs the same one password
    hash, whether the account is unknown, deactivated or the password wrong."""
    now = now or utcnow()
    email = normalise_email(email)
    keys = throttle.login_keys(email, remote_addr)
    wait = throttle.take(keys, now)
    if wait is not None:
        raise LoginThrottled(wait_message(wait))
    user = get_user_by_email(email)
    correct = check_password_hash(user.password_hash if user else _dummy_hash(), password)
    if user is None or not correct:
        raise AccountError(_("E-Mail-Adresse oder Passwort ist falsch."))
    if not user.active:
        raise AccountError(
            _("Dieses Konto ist deaktiviert. Bitte wenden Sie sich an die Administration.")
        )
    throttle.succeeded(keys)
    throttle.forget_old(now)
    user.last_login_at = now
    db.session.flush()
    return user


def logout(user: User) -> None:
    """Ends this session and every other session of the user (captured cookies included)."""
    user.end_sessions()
    db.session.flush()


def check_password_rules(password: str, *, user_inputs: tuple[str, ...] = ()) -> None:
    """Long enough, not absurdly long, and not among the easily guessed (common passwords,
    keyboard walks, repetitions, the person's own name or address)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _("Das Passwort muss mindestens %(n)s Zeichen lang sein.", n=MIN_PASSWORD_LENGTH)
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(
            _("Das Passwort darf höchstens %(n)s Zeichen lang sein.", n=MAX_PASSWORD_LENGTH)
        )
    words = [
        w.lower() for text in user_inputs if text for w in re.split(r"[\W_]+", text) if len(w) > 2
    ]
    dictionary = [*GERMAN_COMMON, *words]
    # zxcvbn counts separators as random characters: "annegret.schulze" is checked without them too
    variants = {password[:72], re.sub(r"[\W_]+", "", password)[:72]}
    if min(zxcvbn(v, user_inputs=dictionary)["score"] for v in variants if v) < MIN_PASSWORD_SCORE:
        raise AccountError(
            _(
                "Dieses Passwort ist zu leicht zu erraten (ein häufiges Passwort, ein Muster "
                "oder Ihr Name). Wählen Sie zum Beispiel mehrere Wörter, die nicht zusammengehören."
            )
        )


def _inputs(user: User) -> tuple[str, ...]:
    return (user.email, user.name)


def change_password(user: User, current: str, new: str) -> None:
    """The person's own choice: the forced change is done; every other session ends."""
    if not user.check_password(current):
        raise WrongPassword(_("Das bisherige Passwort ist nicht korrekt."))
    if new == current:
        raise AccountError(_("Das neue Passwort muss sich vom bisherigen unterscheiden."))
    _replace_password(user, new, chosen_by_admin=False)


def set_own_password(user: User, new: str) -> None:
    """A password chosen through the reset link."""
    throttle.clear_account(user.email)
    _replace_password(user, new, chosen_by_admin=False)


def _replace_password(user: User, new: str, *, chosen_by_admin: bool) -> None:
    """Checked against the policy; every session and every other way in (the calendar feed)
    the old password opened ends. A password an administrator chose must be replaced by the
    person at the next login."""
    check_password_rules(new, user_inputs=_inputs(user))
    user.set_password(new)
    user.must_change_password = chosen_by_admin
    user.end_sessions()
    _credentials_changed(user)
    db.session.flush()


def _duplicate(email: str) -> AccountError:
    return AccountError(
        _("Es gibt bereits ein Konto mit der E-Mail-Adresse %(email)s.", email=email)
    )


def create_user(
    *,
    email: str,
    name: str,
    role: Role | str,
    password: str,
    organisation: Organisation | None = None,
    active: bool = True,
    enforce_rules: bool = True,
    must_change_password: bool = False,
) -> User:
    """``must_change_password``: an administrator chose the password, the person replaces it
    at the first login."""
    email = normalise_email(email)
    if get_user_by_email(email) is not None:
        raise _duplicate(email)
    if enforce_rules:
        check_password_rules(password, user_inputs=(email, name))
    user = User(
        email=email,
        name=name.strip(),
        role=Role(role),
        organisation=organisation,
        active=active,
        must_change_password=must_change_password,
        session_version=0,
    )
    user.set_password(password)
    db.session.add(user)
    flush_or_raise(_duplicate(email))
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
        raise _duplicate(email)
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
    if not active:
        user.end_sessions()
    flush_or_raise(_duplicate(email))
    return user


def _active_admins() -> int:
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.active.is_(True))
    )


def reset_password(user: User, new_password: str) -> None:
    """An administrator sets a password: the person's sessions end, every delay on the account
    is lifted, and the person chooses their own password at the next login."""
    throttle.clear_account(user.email)
    _replace_password(user, new_password, chosen_by_admin=True)


def user_page(*, query: str | None = None, role: str | None = None, page: int = 1) -> Page:
    stmt = select(User).outerjoin(User.organisation).order_by(User.name, User.id)
    if query:
        like = f"%{query.strip().lower()}%"
        stmt = stmt.where(or_(func.lower(User.name).like(like), User.email.like(like)))
    if role:
        stmt = stmt.where(User.role == Role(role))
    stmt = stmt.options(contains_eager(User.organisation))
    return paginate(stmt, page, current_app.config["PAGE_SIZE"])
