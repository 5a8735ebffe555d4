"""Login, logout, own password, user administration."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from planner.accounts import bp, services
from planner.accounts.forms import (
    ChangePasswordForm,
    LoginForm,
    NewUserForm,
    ResetPasswordForm,
    UserForm,
)
from planner.accounts.models import Organisation, User
from planner.core.forms import options
from planner.core.permissions import ROLE_LABELS, Permission, public, requires
from planner.core.transaction import commit_or_show
from planner.extensions import db


def _safe_next(target: str | None) -> str:
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
        ):
            return target
    return url_for("core.dashboard")


@bp.route("/login", methods=["GET", "POST"])
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
        except services.AccountError as exc:
            db.session.commit()  # keep the recorded failure for the lockout
            form.password.errors.append(str(exc))
        else:
            db.session.commit()
            login_user(user)
            flash(f"Willkommen, {user.name}.", "success")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form), 200 if not form.errors else 422


@bp.route("/logout", methods=["POST"])
@requires(Permission.ACCOUNT_SELF)
def logout():
    logout_user()
    flash(_("Sie sind abgemeldet."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@requires(Permission.ACCOUNT_SELF)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        ok, _saved = commit_or_show(
            form.current,
            lambda: services.change_password(current_user, form.current.data, form.new.data),
            _("Ihr Passwort wurde geändert."),
        )
        if ok:
            return redirect(url_for("core.dashboard"))
    return render_template("accounts/password_change.html", form=form), 422 if form.errors else 200


def _organisation_choices(form: UserForm) -> None:
    form.organisation_id.choices = options([("", _("– keine –")), *services.organisation_options()])


def _organisation(form: UserForm) -> Organisation | None:
    return (
        db.session.get(Organisation, int(form.organisation_id.data))
        if form.organisation_id.data
        else None
    )


@bp.route("/admin/users")
@requires(Permission.USERS_MANAGE)
def user_list():
    query = request.args.get("q", "").strip()
    role = request.args.get("role") if request.args.get("role") in ROLE_LABELS else None
    page = services.user_page(
        query=query or None, role=role, page=request.args.get("page", 1, type=int)
    )
    return render_template(
        "accounts/user_list.html", page=page, q=query, role=role, roles=ROLE_LABELS
    )


@bp.route("/admin/users/new", methods=["GET", "POST"])
@requires(Permission.USERS_MANAGE)
def user_create():
    form = NewUserForm()
    _organisation_choices(form)
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
            ),
            lambda user: _("Das Konto für %(name)s wurde angelegt.", name=user.name),
        )
        if ok:
            return redirect(url_for("accounts.user_list"))
    return render_template(
        "accounts/user_form.html", form=form, user=None
    ), 422 if form.errors else 200


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@requires(Permission.USERS_MANAGE)
def user_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user)
    _organisation_choices(form)
    if request.method == "GET":
        form.organisation_id.data = str(user.organisation_id or "")
        form.role.data = user.role.value
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


@bp.route("/admin/users/<int:user_id>/password", methods=["POST"])
@requires(Permission.USERS_MANAGE)
def user_reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        ok, _saved = commit_or_show(
            form.password,
            lambda: services.reset_password(user, form.password.data),
            _("Das Passwort von %(name)s wurde neu gesetzt.", name=user.name),
        )
        if ok:
            return redirect(url_for("accounts.user_edit", user_id=user.id))
    edit_form = UserForm(obj=user)
    _organisation_choices(edit_form)
    edit_form.organisation_id.data = str(user.organisation_id or "")
    edit_form.role.data = user.role.value
    return render_template(
        "accounts/user_form.html", form=edit_form, user=user, reset_form=form
    ), 422
