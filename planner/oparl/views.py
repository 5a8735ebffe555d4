"""OParl 1.1 endpoints: public, read-only, paged lists with the standard's date filters."""

from __future__ import annotations

from collections import defaultdict

from flask import Response, abort, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from planner.accounts.models import Organisation
from planner.api.problems import ApiProblem, install, json_response
from planner.api.services import parse_limit, parse_moment
from planner.core.permissions import public
from planner.extensions import db
from planner.files.models import StoredFile
from planner.files.services import blob_path
from planner.governance.models import Body, Membership, Paper
from planner.meetings.models import AgendaItem, Meeting
from planner.oparl import bp
from planner.oparl import objects as o
from planner.stakeholders.models import Person

_FILTERS = ("created_since", "created_until", "modified_since", "modified_until")


def _args(extra: tuple[str, ...] = ()) -> tuple[int, str | None, dict]:
    allowed = {"limit", "cursor", *_FILTERS, *extra}
    for key, value in request.args.items():
        if key not in allowed:
            raise ApiProblem(400, _("Unbekannter Parameter „%(name)s“.", name=key[:50]))
        if len(value) > 100:
            raise ApiProblem(400, _("Der Parameter „%(name)s“ ist zu lang.", name=key))
    limit = parse_limit(request.args)
    moments = {k: parse_moment(request.args[k], k) for k in _FILTERS if k in request.args}
    return limit, request.args.get("cursor"), moments


def _dated(stmt, model, moments: dict):
    for key, moment in moments.items():
        column = model.created_at if key.startswith("created") else model.updated_at
        stmt = stmt.where(column >= moment if key.endswith("since") else column <= moment)
    return stmt


def _after(cursor: str | None, prefix: str) -> int:
    if cursor is None:
        return 0
    if cursor.startswith(prefix) and cursor[1:].isdigit() and len(cursor) < 20:
        return int(cursor[1:])
    raise ApiProblem(400, _("Der Parameter „cursor“ ist ungültig; bitte folgen Sie dem Link „next“."))  # fmt: skip


def _rows(stmt, model, limit: int, after: int, moments: dict) -> tuple[list, bool]:
    stmt = _dated(stmt, model, moments).where(model.id > after)
    rows = list(db.session.scalars(stmt.order_by(model.id).limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def _list(data: list, limit: int, next_cursor: str | None) -> Response:
    base = {k: v for k, v in request.args.items() if k != "cursor"}
    links = {"first": url_for(request.endpoint, _external=True, **request.view_args, **base)}
    if next_cursor:
        links["next"] = url_for(request.endpoint, _external=True, **request.view_args, **base, cursor=next_cursor)  # fmt: skip
    return json_response({"data": data, "pagination": {"elementsPerPage": limit}, "links": links})


def _simple_list(stmt, model, prefix: str, build, extra: tuple[str, ...] = ()) -> Response:
    limit, cursor, moments = _args(extra)
    rows, more = _rows(stmt, model, limit, _after(cursor, prefix), moments)
    return _list(build(rows), limit, f"{prefix}{rows[-1].id}" if more and rows else None)


def _one(stmt, model, obj_id: int):
    obj = db.session.scalars(stmt.where(model.id == obj_id)).first()
    if obj is None:
        abort(404)
    return obj


# --- batch builders (one query per page for what an object embeds) --------------------------


def _meetings(rows: list[Meeting]) -> list[dict]:
    items = defaultdict(list)
    ids = [m.id for m in rows]
    if ids:
        for item in db.session.scalars(o.public_items().where(AgendaItem.meeting_id.in_(ids)).order_by(AgendaItem.position, AgendaItem.id)):  # fmt: skip
            items[item.meeting_id].append(item)
    return [o.meeting(m, items[m.id]) for m in rows]


def _papers(rows: list[Paper]) -> list[dict]:
    ids = [p.id for p in rows]
    consults, files = defaultdict(list), defaultdict(list)
    if ids:
        items = list(db.session.scalars(o.consultations().where(AgendaItem.paper_id.in_(ids)).order_by(AgendaItem.id)))  # fmt: skip
        bodies = _bodies_of(items)
        for item in items:
            consults[item.paper_id].append((item, bodies.get(item.meeting_id)))
        for stored in db.session.scalars(o.public_files().where(StoredFile.owner_id.in_(ids)).order_by(StoredFile.id)):  # fmt: skip
            files[stored.owner_id].append(stored)
    return [o.paper(p, consults[p.id], files[p.id]) for p in rows]


def _persons(rows: list[Person]) -> list[dict]:
    ids = [p.id for p in rows]
    members = defaultdict(list)
    if ids:
        for m in db.session.scalars(select(Membership).where(Membership.person_id.in_(ids)).order_by(Membership.id)):  # fmt: skip
            members[m.person_id].append(m)
    return [o.person(p, members[p.id]) for p in rows]


def _gremien(rows: list[Body]) -> list[dict]:
    ids = [b.id for b in rows]
    members = defaultdict(list)
    if ids:
        for m_id, body_id in db.session.execute(o.public_memberships().with_only_columns(Membership.id, Membership.body_id).where(Membership.body_id.in_(ids)).order_by(Membership.id)):  # fmt: skip
            members[body_id].append(m_id)
    for b in rows:
        b._membership_ids = members[b.id]
    return [o.gremium(b) for b in rows]


def _bodies_of(items: list[AgendaItem]) -> dict[int, int | None]:
    """The body of each item's meeting (one query)."""
    if not items:
        return {}
    stmt = select(Meeting.id, Meeting.body_id).where(Meeting.id.in_({i.meeting_id for i in items}))
    return dict(db.session.execute(stmt).all())


def _consultations(rows: list[AgendaItem]) -> list[dict]:
    bodies = _bodies_of(rows)
    return [o.consultation(i, bodies.get(i.meeting_id)) for i in rows]


# --- routes --------------------------------------------------------------------------------


@bp.route("/")
@bp.route("/system")
@public
def system():
    return json_response(o.system())


@bp.route("/koerperschaften")
@public
def bodies():
    return json_response({"data": [o.body()], "pagination": {"elementsPerPage": 1}, "links": {}})


@bp.route("/koerperschaft")
@public
def body():
    return json_response(o.body())


@bp.route("/koerperschaft/organisationen")
@public
def organizations():
    """The bodies first, then the stakeholder organisations (one cursor across both)."""
    limit, cursor, moments = _args()
    if cursor is None or cursor.startswith("g"):
        rows, more = _rows(select(Body), Body, limit, _after(cursor, "g"), moments)
        data = _gremien(rows)
        if more:
            return _list(data, limit, f"g{rows[-1].id}")
        rest = limit - len(rows)
        orgs, more = _rows(select(Organisation), Organisation, rest, 0, moments) if rest else ([], True)  # fmt: skip
        data += [o.organisation(x) for x in orgs]
        return _list(data, limit, (f"o{orgs[-1].id}" if orgs else "o0") if more else None)
    orgs, more = _rows(select(Organisation), Organisation, limit, _after(cursor, "o"), moments)
    return _list([o.organisation(x) for x in orgs], limit, f"o{orgs[-1].id}" if more and orgs else None)  # fmt: skip


@bp.route("/koerperschaft/personen")
@public
def persons():
    return _simple_list(o.public_persons(), Person, "p", _persons)


@bp.route("/koerperschaft/sitzungen")
@public
def meetings():
    """The meetings of bodies (?gremium=<id>: of one body)."""
    stmt = o.public_meetings()
    if "gremium" in request.args:
        raw = request.args["gremium"]
        if not raw.isdigit() or not 1 <= int(raw) <= 2**31 - 1:
            raise ApiProblem(400, _("gremium: die Nummer eines Gremiums."))
        stmt = stmt.where(Meeting.body_id == int(raw))
    return _simple_list(stmt, Meeting, "m", _meetings, extra=("gremium",))


@bp.route("/koerperschaft/vorlagen")
@public
def papers():
    return _simple_list(select(Paper), Paper, "v", _papers)


@bp.route("/koerperschaft/tagesordnungspunkte")
@public
def agenda_items():
    return _simple_list(o.public_items(), AgendaItem, "t", lambda rows: [o.agenda_item(i) for i in rows])  # fmt: skip


@bp.route("/koerperschaft/beratungen")
@public
def consultations():
    return _simple_list(o.consultations(), AgendaItem, "b", _consultations)


@bp.route("/koerperschaft/mitgliedschaften")
@public
def memberships():
    return _simple_list(o.public_memberships(), Membership, "s", lambda rows: [o.membership(m) for m in rows])  # fmt: skip


@bp.route("/koerperschaft/dateien")
@public
def files():
    return _simple_list(o.public_files(), StoredFile, "d", lambda rows: [o.file(f) for f in rows])


@bp.route("/koerperschaft/orte")
@public
def locations():
    stmt = o.public_meetings().where(Meeting.place.is_not(None))
    return _simple_list(stmt, Meeting, "l", lambda rows: [o.location(m) for m in rows])


@bp.route("/koerperschaft/wahlperioden")
@public
def legislative_terms():
    data = [o.legislative_term(n) for n, _s, _e in o.TERMS]
    return json_response({"data": data, "pagination": {"elementsPerPage": len(data)}, "links": {}})


@bp.route("/wahlperiode/<int:obj_id>")
@public
def legislative_term(obj_id: int):
    try:
        return json_response(o.legislative_term(obj_id))
    except KeyError:
        abort(404)


@bp.route("/gremium/<id:obj_id>")
@public
def gremium(obj_id: int):
    return json_response(_gremien([_one(select(Body), Body, obj_id)])[0])


@bp.route("/organisation/<id:obj_id>")
@public
def organisation(obj_id: int):
    return json_response(o.organisation(_one(select(Organisation), Organisation, obj_id)))


@bp.route("/person/<id:obj_id>")
@public
def person(obj_id: int):
    return json_response(_persons([_one(o.public_persons(), Person, obj_id)])[0])


@bp.route("/mitgliedschaft/<id:obj_id>")
@public
def membership(obj_id: int):
    return json_response(o.membership(_one(o.public_memberships(), Membership, obj_id)))


@bp.route("/sitzung/<id:obj_id>")
@public
def meeting(obj_id: int):
    return json_response(_meetings([_one(o.public_meetings(), Meeting, obj_id)])[0])


@bp.route("/ort/<id:obj_id>")
@public
def location(obj_id: int):
    meeting = _one(o.public_meetings().where(Meeting.place.is_not(None)), Meeting, obj_id)
    return json_response(o.location(meeting))


@bp.route("/tagesordnungspunkt/<id:obj_id>")
@public
def agenda_item(obj_id: int):
    return json_response(o.agenda_item(_one(o.public_items(), AgendaItem, obj_id)))


@bp.route("/beratung/<id:obj_id>")
@public
def consultation(obj_id: int):
    return json_response(_consultations([_one(o.consultations(), AgendaItem, obj_id)])[0])


@bp.route("/vorlage/<id:obj_id>")
@public
def paper(obj_id: int):
    return json_response(_papers([_one(select(Paper), Paper, obj_id)])[0])


@bp.route("/datei/<id:obj_id>")
@public
def file(obj_id: int):
    return json_response(o.file(_one(o.public_files(), StoredFile, obj_id)))


@bp.route("/datei/<id:obj_id>/inhalt")
@public
def file_content(obj_id: int):
    stored = _one(o.public_files(), StoredFile, obj_id)
    path = blob_path(stored.sha256)
    if not path.exists():
        abort(404)
    # only a PDF is shown in the browser; everything else is a download (never HTML or SVG
    # from this origin)
    inline = stored.mime_type == "application/pdf" and request.args.get("download") != "1"
    return send_file(
        path,
        mimetype=stored.mime_type,
        as_attachment=not inline,
        download_name=stored.original_name,
    )


install(bp)
