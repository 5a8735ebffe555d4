"""The owner's pages for API access keys, and the readable API documentation."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner.api import pages_bp as bp
from planner.api import tokens
from planner.api.forms import TokenForm
from planner.api.registry import RESOURCES
from planner.core.i18n import BERLIN
from planner.core.models import utcnow
from planner.core.permissions import Permission, requires, role_can
from planner.core.transaction import commit_or_show
from planner.core.views import delete_or_explain


@bp.route("/konto/api-zugaenge", methods=["GET", "POST"])
@requires(Permission.ACCOUNT_SELF)
def token_list():
    form = TokenForm()
    today = utcnow().astimezone(BERLIN).date()
    if not form.is_submitted():
        form.expires_on.data = today + timedelta(days=90)
    created = None
    if form.validate_on_submit():
        ok, result = commit_or_show(
            form.name,
            lambda: tokens.create_token(current_user, form.name.data, form.expires_on.data),
            _(
                "Der Zugang wurde angelegt. Kopieren Sie ihn jetzt: er wird nur dieses eine Mal angezeigt."
            ),  # fmt: skip
            fields={tokens.TokenExpiryError: form.expires_on},
        )
        if ok:
            created = result[1]
            form = TokenForm(formdata=None)
            form.expires_on.data = today + timedelta(days=90)
    now = utcnow()
    return render_template(
        "api/tokens.html",
        form=form,
        created=created,
        active=tokens.active_tokens(current_user, now),
        past=tokens.past_tokens(current_user, now),
    ), (422 if form.errors else 200)


@bp.route("/konto/api-zugaenge/<id:token_id>/widerrufen", methods=["POST"])
@requires(Permission.ACCOUNT_SELF)
def token_revoke(token_id: int):
    back = url_for("api_pages.token_list")
    return delete_or_explain(
        lambda: tokens.revoke(current_user, token_id),
        _("Der Zugang wurde widerrufen; er funktioniert ab sofort nicht mehr."),
        back,
        back,
    )


@bp.route("/api")
@requires(Permission.ACCOUNT_SELF)
def documentation():
    readable = [
        (resource, role_can(current_user.role, resource.permission))
        for resource in RESOURCES.values()
    ]
    return render_template("api/documentation.html", resources=readable)
