"""Reading and checking for the REST API: cursor pages, date filters, request bodies."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from planner.api.problems import ApiProblem
from planner.api.registry import Resource
from planner.core.forms import CONTROL_LINE, CONTROL_TEXT, INT_MAX
from planner.core.i18n import BERLIN
from planner.core.models import DATE_MAX, DATE_MIN
from planner.extensions import db

PAGE_MAX = 100
PAGING_ARGS = ("limit", "cursor", "modified_since")


@dataclass
class ListArgs:
    limit: int = PAGE_MAX
    after: int = 0
    after_moment: datetime | None = None  # with modified_since: the order is (moment, id)
    modified_since: datetime | None = None
    filters: dict = field(default_factory=dict)


def encode_cursor(last_id: int, moment: datetime | None = None) -> str:
    """Opaque to the client: where the next page starts."""
    raw = f"n{last_id}" if moment is None else f"m{moment.astimezone(UTC).isoformat()}~{last_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(text: str, ordered_by_moment: bool) -> tuple[int, datetime | None]:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    moment, _sep, number = raw[1:].rpartition("~")
    try:
        if ordered_by_moment and raw.startswith("m") and number.isdigit() and len(number) < 20:
            return int(number), datetime.fromisoformat(moment).astimezone(UTC)
    except ValueError:
        pass
    if not ordered_by_moment and raw.startswith("n") and raw[1:].isdigit() and len(raw) < 21:
        return int(raw[1:]), None
    raise ApiProblem(400, _("Der Parameter „cursor“ ist ungültig; bitte nehmen Sie den Link „next“ der vorigen Seite."), [{"field": "cursor", "message": _("ungültig")}])  # fmt: skip


def parse_moment(text: str, name: str) -> datetime:
    """An ISO 8601 date-time (with offset; without it Berlin time) or a date (its start)."""
    value = text.strip()
    try:
        if len(value) == 10:
            moment = datetime.combine(date.fromisoformat(value), datetime.min.time())
        else:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or not DATE_MIN <= moment.date() <= DATE_MAX:
        raise ApiProblem(
            400,
            _(
                "Der Parameter „%(name)s“ braucht ein Datum mit Uhrzeit nach ISO 8601 (z. B. 2026-01-31T12:00:00+01:00) zwischen 1900 und 2199.",
                name=name,
            ),  # fmt: skip
            [{"field": name, "message": _("kein gültiger Zeitpunkt")}],
        )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BERLIN)
    return moment.astimezone(UTC)


def _bad(name: str, message: str) -> ApiProblem:
    return ApiProblem(
        400,
        _("Der Parameter „%(name)s“: %(message)s", name=name, message=message),
        [{"field": name, "message": message}],
    )


def parse_limit(args) -> int:
    """The page size asked for (``limit``, 1 to PAGE_MAX; default PAGE_MAX)."""
    if "limit" not in args:
        return PAGE_MAX
    raw = args["limit"].strip()
    if not raw.isdigit() or not 1 <= int(raw) <= PAGE_MAX:
        raise _bad("limit", _("eine ganze Zahl von 1 bis %(max)s", max=PAGE_MAX))
    return int(raw)


def parse_list_args(resource: Resource, args) -> ListArgs:
    known = {f.name: f for f in resource.filters}
    allowed = set(PAGING_ARGS) | set(known) if resource.modified else ({"limit", "cursor"} | set(known))  # fmt: skip
    unknown = sorted(k for k in args if k not in allowed)
    if unknown:
        raise _bad(unknown[0][:50], _("unbekannt; erlaubt sind: %(names)s", names=", ".join(sorted(allowed))))  # fmt: skip
    out = ListArgs()
    for name, value in args.items():
        if CONTROL_LINE.search(value) or len(value) > 200:
            raise _bad(name, _("enthält Steuerzeichen oder ist zu lang"))
    out.limit = parse_limit(args)
    if "modified_since" in args:
        out.modified_since = parse_moment(args["modified_since"], "modified_since")
    if "cursor" in args:
        out.after, out.after_moment = _decode_cursor(args["cursor"], out.modified_since is not None)  # fmt: skip
    for name, spec in known.items():
        if name not in args:
            continue
        raw = args[name].strip()
        if spec.type == "integer":
            if not raw.isdigit() or not 1 <= int(raw) <= INT_MAX:
                raise _bad(name, _("eine positive ganze Zahl"))
            out.filters[name] = int(raw)
        elif spec.type == "boolean":
            if raw not in ("true", "false"):
                raise _bad(name, _("„true“ oder „false“"))
            out.filters[name] = raw == "true"
        else:
            if not raw or len(raw) > spec.max_length:
                raise _bad(name, _("leer oder zu lang"))
            if spec.enum and raw not in spec.enum:
                raise _bad(name, _("einer der Werte %(values)s", values=", ".join(spec.enum)))
            out.filters[name] = raw
    for name, spec in known.items():
        if name in out.filters and spec.needs and not any(n in out.filters for n in spec.needs):
            raise _bad(name, _("nur zusammen mit %(names)s", names=" oder ".join(spec.needs)))
    return out


def _scoped(resource: Resource, user):
    stmt = select(resource.model)
    if resource.scope is not None:
        stmt = resource.scope(stmt, user)
    return stmt


def list_page(resource: Resource, user, args: ListArgs) -> tuple[list, str | None]:
    """One page after the cursor, in id order, or with ``modified_since`` in the order of the
    modification (then id): a client that syncs keeps the last cursor. Returns the rows and
    the next page's cursor when more follow."""
    stmt = _scoped(resource, user)
    if stmt is None:
        return [], None
    model = resource.model
    for spec in resource.filters:
        if spec.name in args.filters:
            stmt = spec.apply(stmt, args.filters[spec.name])
    if args.modified_since is not None:
        moment = getattr(model, resource.modified)
        stmt = stmt.where(moment >= args.modified_since)
        if args.after_moment is not None:
            stmt = stmt.where(
                (moment > args.after_moment)
                | ((moment == args.after_moment) & (model.id > args.after))  # fmt: skip
            )
        order = (moment, model.id)
    else:
        if args.after:
            stmt = stmt.where(model.id > args.after)
        order = (model.id,)
    if resource.options:
        stmt = stmt.options(*resource.options())
    rows = list(db.session.scalars(stmt.order_by(*order).limit(args.limit + 1)).unique())
    if len(rows) <= args.limit:
        return rows, None
    rows = rows[: args.limit]
    last = rows[-1]
    moment = getattr(last, resource.modified) if args.modified_since is not None else None
    return rows, encode_cursor(last.id, moment)


def get_one(resource: Resource, user, obj_id: int):
    stmt = _scoped(resource, user)
    if stmt is None:
        return None
    stmt = stmt.where(resource.model.id == obj_id)
    if resource.options:
        stmt = stmt.options(*resource.options())
    return db.session.scalars(stmt).unique().first()


# --- request bodies ---------------------------------------------------------------------------


def check_body(schema: dict, data, partial: bool = False) -> dict:
    """``data`` against the write schema: known keys, types, lengths, ranges, dates. Every
    problem is listed with its field and a German message (422)."""
    if not isinstance(data, dict):
        raise ApiProblem(422, _("Der Inhalt muss ein JSON-Objekt sein."))
    props = schema["properties"]
    errors: list[dict] = []
    for key in data:
        if key not in props:
            errors.append({"field": str(key)[:50], "message": _("unbekanntes Feld")})
    if not partial:
        for key in schema.get("required", []):
            if key not in data or data[key] is None:
                errors.append({"field": key, "message": _("fehlt")})
    out: dict = {}
    for key, spec in props.items():
        if key not in data:
            continue
        message, value = _check_value(spec, data[key])
        if message:
            errors.append({"field": key, "message": message})
        else:
            out[key] = value
    if errors:
        raise ApiProblem(422, _("Bitte prüfen Sie die markierten Felder."), errors)
    return out


def _types(spec: dict) -> list[str]:
    kind = spec.get("type")
    return kind if isinstance(kind, list) else [kind]


def _check_value(spec: dict, value):  # noqa: C901 - one branch per JSON type
    kinds = _types(spec)
    if value is None:
        return (None, None) if "null" in kinds else (_("darf nicht leer sein"), None)
    if "string" in kinds and isinstance(value, str):
        if spec.get("format") == "date":
            try:
                day = date.fromisoformat(value)
            except ValueError:
                return _("ein Datum im Format JJJJ-MM-TT"), None
            if not DATE_MIN <= day <= DATE_MAX:
                return _("ein Datum zwischen 1900 und 2199"), None
            return None, day
        pattern = CONTROL_TEXT if spec.get("x-multiline") else CONTROL_LINE
        if pattern.search(value):
            return _("enthält unzulässige Steuerzeichen"), None
        if len(value) > spec.get("maxLength", 10_000):
            return _("höchstens %(n)s Zeichen", n=spec.get("maxLength", 10_000)), None
        if spec.get("minLength") and len(value.strip()) < spec["minLength"]:
            return _("darf nicht leer sein"), None
        if spec.get("enum") and value not in spec["enum"]:
            return _("einer der Werte %(v)s", v=", ".join(v for v in spec["enum"] if v)), None
        return None, value
    if "boolean" in kinds and isinstance(value, bool):
        return None, value
    if "integer" in kinds and isinstance(value, int) and not isinstance(value, bool):
        low, high = spec.get("minimum", -INT_MAX - 1), spec.get("maximum", INT_MAX)
        if not low <= value <= high:
            return _("eine ganze Zahl von %(a)s bis %(b)s", a=low, b=high), None
        return None, value
    if "number" in kinds and isinstance(value, int | float) and not isinstance(value, bool):
        low, high = spec.get("minimum", -1e15), spec.get("maximum", 1e15)
        if value != value or not low <= value <= high:  # NaN compares false
            return _("eine Zahl im zulässigen Bereich"), None
        return None, value
    if "array" in kinds and isinstance(value, list):
        if len(value) > spec.get("maxItems", 1000):
            return _("höchstens %(n)s Einträge", n=spec.get("maxItems", 1000)), None
        items = []
        for item in value:
            message, checked = _check_value(spec.get("items", {}), item)
            if message:
                return message, None
            items.append(checked)
        return None, items
    if "object" in kinds and isinstance(value, dict):
        return None, value
    return _("hat den falschen Typ (erwartet: %(t)s)", t=", ".join(k for k in kinds if k != "null")), None  # fmt: skip
