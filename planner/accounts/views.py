"""Login, logout, own password, user administration."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from planner.accounts import bp, password_reset, services
from planner.accounts.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    NewUserForm,
    ResetPasswordForm,
    SetPasswordForm,
    UserForm,
)
from planner.accounts.models import Organisation, User
from planner.core.exports import Column
from planner.core.permissions import ROLE_LABELS, Permission, public, requires
from planner.core.transaction import commit_or_show
from planner.core.urls import page_arg
from planner.core.views import list_download
from planner.extensions import db


def _safe_next(target: str | None) -> str:
    if target and "\\" not in target:  # browsers read "/\\evil.example" as "//evil.example"
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
        ):
            return target
    return url_for("core.dashboard")


def _start_session(user: User) -> None:
    """A fresh session for a login: nothing of the anonymous one is kept, and the CSRF token
    is a new one (a token planted before the login is worth nothing after it)."""
    session.clear()
    g.pop("csrf_token", None)
    login_user(user)


@bp.route("/anmelden", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                form.email.data, form.password.data, request.remote_addr or "unknown"
            )
        except services.LoginThrottled as exc:
            db.session.rollback()
            form.email.errors.append(str(exc))
        except services.AccountError as exc:
            db.session.rollback()
            form.password.errors.append(str(exc))
        else:
            db.session.commit()
            _start_session(user)
            if user.must_change_password:
                flash(_("Bitte wählen Sie jetzt Ihr eigenes Passwort."), "info")
                return redirect(url_for("accounts.change_password"))
            flash(_("Willkommen, %(name)s.", name=user.name), "success")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form), 200 if not form.errors else 422


@bp.route("/abmelden", methods=["POST"])
@requires(Permission.ACCOUNT_SELF)
def logout():
    services.logout(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Sie sind abgemeldet."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/konto/passwort", methods=["GET", "POST"])
@requires(Permission.ACCOUNT_SELF)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        ok, _saved = commit_or_show(
            form.new,
            lambda: services.change_password(current_user, form.current.data, form.new.data),
            _("Ihr Passwort wurde geändert. Alle anderen Anmeldungen sind beendet."),
            fields={services.WrongPassword: form.current},
        )
        if ok:
            login_user(current_user._get_current_object())  # this session goes on, new version
            return redirect(url_for("core.dashboard"))
    return render_template(
        "accounts/password_change.html", form=form, forced=current_user.must_change_password
    ), 422 if form.errors else 200


@bp.route("/passwort-vergessen", methods=["GET", "POST"])
@public
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        password_reset.request_reset(form.email.data, request.remote_addr or "unknown")
        db.session.commit()
        return render_template("accounts/password_forgot.html", form=form, sent=True)
    return render_template(
        "accounts/password_forgot.html", form=form, sent=False
    ), 422 if form.errors else 200


@bp.route("/passwort-neu/<token>", methods=["GET", "POST"])
@public
def reset_with_token(token: str):
    user = password_reset.user_for_token(token)
    if user is None:
        return render_template("accounts/password_reset_invalid.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        ok, _saved = commit_or_show(
            form.new,
            lambda: services.set_own_password(user, form.new.data),
            _("Ihr neues Passwort gilt. Bitte melden Sie sich damit an."),
        )
        if ok:
            logout_user()
            session.clear()  # the message goes into the fresh session
            flash(_("Ihr neues Passwort gilt. Bitte melden Sie sich damit an."), "success")
            return redirect(url_for("accounts.login"))
    return render_template(
        "accounts/password_reset.html", form=form, user=user
    ), 422 if form.errors else 200


def _organisation(form: UserForm) -> Organisation | None:
    org_id = form.organisation.chosen_id
    return db.session.get(Organisation, org_id) if org_id else None


def _fill(form: UserForm, user: User) -> None:
    form.organisation.data = user.organisation.name if user.organisation else ""
    form.role.data = user.role.value


def _users(page: int):
    query = request.args.get("q", "").strip()[:100]
    role = request.args.get("role") if request.args.get("role") in ROLE_LABELS else None
    return query, role, services.user_page(query=query or None, role=role, page=page)


@bp.route("/admin/benutzer")
@requires(Permission.USERS_MANAGE)
def user_list():
    query, role, page = _users(page_arg())
    return render_template(
        "accounts/user_list.html", page=page, q=query, role=role, roles=ROLE_LABELS
    )


USER_COLUMNS = [
    Column(_l("Name"), lambda u: u.name),
    Column(_l("E-Mail-Adresse"), lambda u: u.email),
    Column(_l("Rolle"), lambda u: str(u.role_label)),
    Column(_l("Organisation"), lambda u: u.organisation.name if u.organisation else None),
    Column(_l("Aktiv"), lambda u: u.active),
    Column(_l("Letzte Anmeldung"), lambda u: u.last_login_at),
]


@bp.route("/admin/benutzer/export.<any(csv, xlsx):kind>")
@requires(Permission.USERS_MANAGE)
def user_list_export(kind: str):
    return list_download(kind, "benutzerkonten", USER_COLUMNS, lambda: _users(1)[2], _("Benutzerkonten"))  # fmt: skip


@bp.route("/admin/benutzer/neu", methods=["GET", "POST"])
@requires(Permission.USERS_MANAGE)
def user_create():
    form = NewUserForm()
    if form.validate_on_submit():
        ok, _saved = commit_or_show(
            form.email,
            lambda: services.create_user(
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                password=form.password.data,
                organisation=_organisation(form),
                active=form.active.data,
                must_change_password=True,
            ),
            lambda user: _(
                "Das Konto für %(name)s wurde angelegt. Bei der ersten Anmeldung wählt die "
                "Person ein eigenes Passwort.",
                name=user.name,
            ),
        )
        if ok:
            return redirect(url_for("accounts.user_list"))
    return render_template(
        "accounts/user_form.html", form=form, user=None
    ), 422 if form.errors else 200


@bp.route("/admin/benutzer/<id:user_id>", methods=["GET", "POST"])
@requires(Permission.USERS_MANAGE)
def user_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user)
    if request.method == "GET":
        _fill(form, user)
    if form.validate_on_submit():
        ok, _saved = commit_or_show(
            form.role,
            lambda: services.update_user(
                user,
                actor=current_user,
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                organisation=_organisation(form),
                active=form.active.data,
            ),
            lambda changed: _("Das Konto von %(name)s wurde gespeichert.", name=changed.name),
        )
        if ok:
            return redirect(url_for("accounts.user_list"))
    return (
        render_template(
            "accounts/user_form.html", form=form, user=user, reset_form=ResetPasswordForm()
        ),
        422 if form.errors else 200,
    )


@bp.route("/admin/benutzer/<id:user_id>/passwort", methods=["POST"])
@requires(Permission.USERS_MANAGE)
def user_reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        ok, _saved = commit_or_show(
            form.password,
            lambda: services.reset_password(user, form.password.data),
            _(
                "Das Passwort von %(name)s wurde neu gesetzt; die Person ist abgemeldet und "
                "wählt bei der nächsten Anmeldung ein eigenes.",
                name=user.name,
            ),
        )
        if ok:
            return redirect(url_for("accounts.user_edit", user_id=user.id))
    edit_form = UserForm(formdata=None, obj=user)  # the account as it is, not the reset's POST
    _fill(edit_form, user)
    return render_template(
        "accounts/user_form.html", form=edit_form, user=user, reset_form=form
    ), 422


@bp.route("/admin/benutzer/<id:user_id>/auskunft.json")
@requires(Permission.PRIVACY_MANAGE)
def user_export(user_id: int):
    """Art. 15 DSGVO: everything stored about the account, as a JSON download."""
    from planner.accounts.privacy import export_user
    from planner.core.views import json_download

    user = db.get_or_404(User, user_id)
    return json_download(export_user(user), f"auskunft-konto-{user.id}.json")


# old English paths lead to the German ones (bookmarks, links in old mails)
for _old, _new in (
    ("/login", "/anmelden"),
    ("/logout", "/abmelden"),
    ("/account/password", "/konto/passwort"),
    ("/admin/users", "/admin/benutzer"),
    ("/admin/users/new", "/admin/benutzer/neu"),
    ("/admin/users/<id:user_id>", "/admin/benutzer/<user_id>"),
    ("/admin/users/<id:user_id>/password", "/admin/benutzer/<user_id>/passwort"),
):
    bp.add_url_rule(_old, endpoint=f"legacy{_old}", redirect_to=_new, methods=["GET", "POST"])


@bp.before_app_request
def require_own_password():
    """Whoever signed in with a password an administrator chose sets their own first."""
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in FORCED_CHANGE_ALLOWS
    ):
        flash(_("Bitte wählen Sie zuerst Ihr eigenes Passwort."), "info")
        return redirect(url_for("accounts.change_password"))
    return None


FORCED_CHANGE_ALLOWS = {
    None,
    "static",
    "accounts.change_password",
    "accounts.logout",
    "core.health",
    "core.accessibility",
}
