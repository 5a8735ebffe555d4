"""Dashboard, health check and the audit log."""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import urlencode

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import text

from planner.core import bp, services
from planner.core.audit_view import describe
from planner.core.forms import AuditFilterForm, options
from planner.core.lookup import LOOKUPS, MAX_QUERY
from planner.core.permissions import Permission, can, public, requires
from planner.core.urls import page_arg
from planner.extensions import db


def form_page(form, heading: str, back: str, **extra):
    """A plain form page (templates/form_page.html); 422 when the form shows errors."""
    return render_template(
        "form_page.html", form=form, heading=heading, back=back, **extra
    ), 422 if form.errors else 200


def delete_or_explain(action, done: str, to: str, back: str):
    """A button's POST that a rule may refuse (delete, mark as checked): the service call and
    one commit, or the reason (a DomainError) as a message on the page it came from."""
    from planner.core.forms import Form
    from planner.core.transaction import DomainError

    if not Form().validate_on_submit():
        abort(400)
    try:
        action()
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(back)
    db.session.commit()
    flash(done, "success")
    return redirect(to)


def saved_upload(storage) -> Path:
    """An uploaded file (within the request's size limit) in a temporary file of its own; the
    caller removes it when done."""
    handle = tempfile.NamedTemporaryFile(delete=False, suffix=".upload")
    storage.save(handle)
    handle.close()
    return Path(handle.name)


# the content types of the list exports, by file kind
TABLE_MIMETYPES = {"csv": "text/csv; charset=utf-8",
                   "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}  # fmt: skip


def download(body, filename: str, mimetype: str, *, private: bool = False) -> Response:
    """A file to save (CSV, XLSX, JSON): ``private`` ones are never cached."""
    # a mimetype that names its charset is the whole content type (no second "; charset=")
    response = (Response(body, content_type=mimetype) if "charset=" in mimetype
                else Response(body, mimetype=mimetype))  # fmt: skip
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    if private:
        response.headers["Cache-Control"] = "no-store"
    return response


def list_download(kind: str, name: str, columns, page_of, title: str) -> Response:
    """A list page as CSV or XLSX: ``page_of()`` builds the page as the list does (its filters
    and the reader's visibility); here it yields the whole list."""
    from planner.core.exports import table_bytes
    from planner.core.pagination import whole_list

    with whole_list():
        page = page_of()
    return download(table_bytes(kind, columns, page.items, title), f"{name}.{kind}", TABLE_MIMETYPES[kind])  # fmt: skip


def json_download(data, filename: str) -> Response:
    """A JSON document as a download (DSGVO exports): UTF-8, readable, never cached."""
    import json

    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return download(body, filename, "application/json", private=True)


@bp.route("/")
@requires(Permission.DASHBOARD_VIEW)
def dashboard():
    panels = services.dashboard_panels()
    return render_template("core/dashboard.html", panels=panels)


@bp.route("/health")
@public
def health():
    """200 with every probe when all is well; 503 with ``database: unreachable`` when the
    database does not answer (within the connect and statement timeouts), without asking
    the probes that would need it."""
    status, code = {"status": "ok"}, 200
    try:
        db.session.execute(text("SELECT 1"))
        status["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - health reports any failure
        current_app.logger.warning("health: database unreachable: %s", exc)
        db.session.rollback()
        status.update(status="error", database="unreachable")
        return status, 503
    for name, probe in services.HEALTH_PROBES.items():
        try:
            status[name] = probe()
        except Exception as exc:  # noqa: BLE001 - one broken probe must not hide the others
            current_app.logger.warning("health: probe %s failed: %s", name, exc)
            db.session.rollback()
            status[name] = "error"
            status["status"], code = "error", 503
    return status, code


@bp.route("/suche/<name>")
@requires(Permission.DASHBOARD_VIEW)
def lookup(name: str):
    """Suggestions for a type-ahead field: at most 20 (id, label) pairs as JSON. Every lookup
    names the permission it needs; what a user may not see is not suggested."""
    found = LOOKUPS.get(name)
    if found is None:
        abort(404)
    if not can(found.permission):
        abort(403)
    query = request.args.get("q", "")[:MAX_QUERY]
    items = found.search(query, current_user) if query.strip() else []
    response = jsonify([{"id": item_id, "label": label} for item_id, label in items])
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/barrierefreiheit")
@public
def accessibility():
    return render_template(
        "core/accessibility.html",
        contact=current_app.config["ACCESSIBILITY_CONTACT"],
        extra=services.installation_text("barrierefreiheit"),
    )


@bp.route("/impressum")
@public
def imprint():
    return _legal_page("impressum", _("Impressum"))


@bp.route("/datenschutz")
@public
def privacy():
    return _legal_page("datenschutz", _("Datenschutzerklärung"))


def _legal_page(name: str, title: str):
    return render_template(
        "core/legal.html",
        title=title,
        text=services.installation_text(name),
        filename=f"{name}.md",
        variable=f"PLANNER_{name.upper()}_FILE",
    )


def _audit_user_ids(text: str) -> list[int]:
    """A chosen suggestion ("Name <mail>") means that account; other text, every account whose
    name or address contains it."""
    lookup = LOOKUPS["benutzer"]
    exact = lookup.resolve(text, current_user)
    return [uid for uid, _label in (exact or lookup.search(text, current_user))]


def _audit_filters() -> tuple[AuditFilterForm, dict]:
    form = AuditFilterForm(request.args, meta={"csrf": False})
    form.object_type.choices = options([("", _("Alle")), *services.audit_object_types()])
    valid = form.validate()
    user_text = (form.user.data or "").strip() if valid else ""
    filters = {
        "object_type": (form.object_type.data or None) if valid else None,
        "user_ids": _audit_user_ids(user_text) if user_text else None,
        "date_from": form.date_from.data if valid else None,
        "date_to": form.date_to.data if valid else None,
    }
    return form, filters


@bp.route("/admin/protokoll")
@requires(Permission.AUDIT_VIEW)
def audit_log():
    form, filters = _audit_filters()
    page = services.audit_page(**filters, page=page_arg())
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
    return render_template(
        "core/audit_log.html",
        form=form,
        page=page,
        rows=describe(page.items),
        export_url=url_for("core.audit_export") + ("?" + urlencode(args) if args else ""),
    )


@bp.route("/admin/protokoll.csv")
@requires(Permission.AUDIT_VIEW)
def audit_export():
    """The raw entries of the current selection (values as stored), newest first."""
    _form, filters = _audit_filters()
    return download(
        "".join(services.audit_csv(**filters)), "protokoll.csv", "text/csv; charset=utf-8"
    )


bp.add_url_rule("/admin/audit", endpoint="legacy_audit", redirect_to="/admin/protokoll")
