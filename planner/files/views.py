"""Upload, download and removal of attachments, for every kind of owner."""

from __future__ import annotations

from flask import abort, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner.core.forms import Form
from planner.core.permissions import Permission, requires
from planner.core.transaction import DomainError
from planner.extensions import db
from planner.files import bp, services
from planner.files.forms import FileUploadForm


@bp.route("/dateien/anhaengen/<owner_type>/<id:owner_id>", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def upload(owner_type: str, owner_id: int):
    if owner_type not in services.FILE_OWNERS:
        abort(404)
    if not services.may_edit(current_user, owner_type, owner_id):
        abort(404)
    form = FileUploadForm()
    back = services.owner_url(owner_type, owner_id)
    if not form.validate_on_submit():
        flash(
            _("Die Datei konnte nicht angenommen werden. Bitte versuchen Sie es erneut."), "error"
        )
        return redirect(back + "#dateien")
    upload_ = form.file.data
    if upload_ is None or not hasattr(upload_, "stream"):
        flash(_("Bitte wählen Sie eine Datei aus."), "error")
        return redirect(back + "#dateien")
    try:
        stored = services.store(
            owner_type, owner_id, upload_.stream, upload_.filename, current_user
        )
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(back + "#dateien")
    db.session.commit()
    flash(_("Die Datei „%(name)s“ wurde angehängt.", name=stored.original_name), "success")
    return redirect(back + "#dateien")


@bp.errorhandler(413)
def too_large(error):
    """A request beyond MAX_CONTENT_LENGTH: the message at the place it came from."""
    args = request.view_args or {}
    owner_type, owner_id = args.get("owner_type"), args.get("owner_id")
    flash(
        _(
            "Die Datei ist zu groß: höchstens %(mb)s MB sind erlaubt.",
            mb=services._megabytes(services.max_bytes()),
        ),
        "error",
    )
    if owner_type in services.FILE_OWNERS and owner_id:
        return redirect(services.owner_url(owner_type, owner_id) + "#dateien")
    return redirect(url_for("core.dashboard"))


@bp.route("/dateien/<id:file_id>")
@requires(Permission.DOMAIN_READ)
def download(file_id: int):
    stored = services.visible_file(current_user, file_id)
    if stored is None:
        abort(404)
    path = services.blob_path(stored.sha256)
    if not path.exists():
        abort(404)
    response = send_file(
        path,
        mimetype=stored.mime_type,
        as_attachment=True,
        download_name=stored.original_name,
        conditional=True,
        max_age=0,
    )
    # whatever the bytes say, nothing of it runs in our origin
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/dateien/<id:file_id>/entfernen", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def remove(file_id: int):
    stored = services.visible_file(current_user, file_id)
    if stored is None or not services.may_edit(current_user, stored.owner_type, stored.owner_id):
        abort(404)
    if not Form().validate_on_submit():
        abort(400)
    back = services.owner_url(stored.owner_type, stored.owner_id)
    name = stored.original_name
    sha = services.delete_file(stored)
    db.session.commit()
    services.drop_unreferenced(sha)
    flash(_("Die Datei „%(name)s“ wurde entfernt.", name=name), "success")
    return redirect(back + "#dateien")
