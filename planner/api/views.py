"""The API's routes: lists with cursor paging, single objects, writes, the OpenAPI document.

Every route but the document needs an API access key (``Authorization: Bearer``); the
resource's permission and its visibility rule are those of the pages. Errors are problem
details with German texts.
"""

from __future__ import annotations

from flask import abort, current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner.api import bp, openapi, services
from planner.api.problems import ApiProblem, install, json_response, problem
from planner.api.registry import RESOURCES, Resource
from planner.core.permissions import Permission, public, requires, role_can
from planner.core.transaction import DomainError
from planner.extensions import db


def _resource(segment: str) -> Resource:
    """The resource, and for reading its permission (a write checks its own)."""
    resource = RESOURCES.get(segment)
    if resource is None:
        abort(404)
    if request.method == "GET" and not role_can(current_user.role, resource.permission):
        abort(403)
    return resource


def _url(resource: Resource, obj_id: int) -> str:
    return url_for("api.item", segment=resource.path, obj_id=obj_id, _external=True)


@bp.route("/")
@requires(Permission.ACCOUNT_SELF)
def index():
    """What this key may read, with the address of each list."""
    items = [
        {
            "name": r.path,
            "title": str(r.title),
            "url": url_for("api.collection", segment=r.path, _external=True),
            "writable": bool(r.write),
        }
        for r in RESOURCES.values()
        if role_can(current_user.role, r.permission)
    ]
    return json_response(
        {
            "user": {
                "id": current_user.id,
                "name": current_user.name,
                "role": str(current_user.role),
            },  # fmt: skip
            "resources": items,
            "openapi": url_for("api.document", _external=True),
        }
    )


@bp.route("/openapi.json")
@public
def document():
    return json_response(openapi.document())


@bp.route("/<segment>", methods=["GET", "POST"])
@requires(Permission.ACCOUNT_SELF)
def collection(segment: str):
    resource = _resource(segment)
    if request.method == "POST":
        return _write(resource, None)
    args = services.parse_list_args(resource, request.args)
    rows, cursor = services.list_page(resource, current_user, args)
    data = [resource.serialise(obj, current_user, _url(resource, obj.id)) for obj in rows]
    links = {}
    if cursor is not None:
        query = {k: v for k, v in request.args.items() if k != "cursor"}
        query["cursor"] = cursor
        links["next"] = url_for("api.collection", segment=segment, _external=True, **query)
    return json_response({"data": data, "links": links})


@bp.route("/<segment>/<id:obj_id>", methods=["GET", "PATCH"])
@requires(Permission.ACCOUNT_SELF)
def item(segment: str, obj_id: int):
    resource = _resource(segment)
    if request.method == "PATCH" and not (resource.write and resource.write.update):
        abort(405)
    obj = services.get_one(resource, current_user, obj_id)
    if obj is None:
        abort(404)
    if request.method == "PATCH":
        return _write(resource, obj)
    return json_response(resource.serialise(obj, current_user, _url(resource, obj.id)))


def _write(resource: Resource, obj):
    write = resource.write
    action = (write.update if obj is not None else write.create) if write else None
    if action is None:
        abort(405)
    if not role_can(current_user.role, write.permission or resource.permission):
        abort(403)
    if not request.is_json:
        raise ApiProblem(415, _("Bitte senden Sie JSON (Content-Type: application/json)."))
    data = request.get_json(silent=True)
    if data is None:
        raise ApiProblem(400, _("Der Inhalt ist kein gültiges JSON."))
    checked = services.check_body(write.body, data, partial=obj is not None)
    try:
        saved = action(checked, current_user) if obj is None else action(obj, checked, current_user)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        # a rule about the input (422) or, where the service says so, about the user (403)
        status = getattr(exc, "http_status", 422)
        raise ApiProblem(status, str(exc), [{"field": getattr(exc, "field", None) or "", "message": str(exc)}]) from None  # fmt: skip
    except ApiProblem:
        db.session.rollback()
        raise
    if isinstance(saved, dict):  # a write that answers with a report (a delivery)
        return json_response(saved, 201 if obj is None else 200)
    body = resource.serialise(saved, current_user, _url(resource, saved.id))
    if obj is not None:
        return json_response(body)
    return json_response(body, 201, {"Location": _url(resource, saved.id)})


install(bp)


@bp.errorhandler(Exception)
def _unexpected(error: Exception):
    db.session.rollback()
    current_app.logger.exception("API error on %s", request.path)
    return problem(500)
