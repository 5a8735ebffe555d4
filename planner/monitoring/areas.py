"""Areas: the tree, saving one area, and imports from CSV and GeoJSON (all-or-nothing,
updating areas that exist by their key). Geometry is kept as delivered; a simplified copy
(an SVG path in a fixed projection, with its bounding box) is what maps draw."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from planner.core.pagination import Page, paginate
from planner.core.transaction import DomainError, flush_or_raise
from planner.extensions import db
from planner.monitoring import tabular
from planner.monitoring.imports import ImportFailed, Problem
from planner.monitoring.models import Area, IndexResult, Observation

MAX_FEATURES = 20_000
MAX_POINTS = 500_000  # per feature
MAX_DEPTH = 12
COS_LAT = math.cos(math.radians(51))  # Germany's middle: a fair equirectangular projection
SCALE = 1000


class AreaError(DomainError):
    pass


class CodeTaken(AreaError):
    pass


# --- geometry ---------------------------------------------------------------------------


def _project(geom):
    from shapely import transform

    minx, miny, maxx, maxy = geom.bounds
    geographic = -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90
    if geographic:
        return transform(geom, lambda xy: xy * [COS_LAT * SCALE, -SCALE])
    return transform(geom, lambda xy: xy * [0.01, -0.01])  # metres (UTM) -> 100 m units


def _path(geom) -> str:
    parts = []
    polygons = getattr(geom, "geoms", [geom])
    for polygon in polygons:
        if polygon.is_empty or polygon.geom_type != "Polygon":
            continue
        for ring in [polygon.exterior, *polygon.interiors]:
            coords = list(ring.coords)
            if len(coords) < 3:
                continue
            parts.append("M" + " ".join(f"{x:.1f},{y:.1f}" for x, y in coords[:-1]) + "Z")
    return "".join(parts)


def geometry_fields(geojson: dict) -> dict:
    """The stored fields of a GeoJSON geometry: as delivered, and the display copy."""
    from shapely.geometry import shape

    try:
        geom = shape(geojson)
    except Exception as exc:  # shapely raises several kinds for malformed input
        raise AreaError(_("Die Geometrie ist ungültig.")) from exc
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise AreaError(_("Nur Flächen (Polygon, MultiPolygon) sind als Geometrie möglich."))
    if geom.is_empty:
        raise AreaError(_("Die Geometrie ist leer."))
    import shapely

    if shapely.get_num_coordinates(geom) > MAX_POINTS:
        raise AreaError(_("Die Geometrie hat zu viele Punkte (höchstens %(n)s).", n=MAX_POINTS))
    projected = _project(geom)
    if not projected.is_valid:
        projected = projected.buffer(0)
    minx, miny, maxx, maxy = projected.bounds
    tolerance = max(maxx - minx, maxy - miny) / 300
    simple = projected.simplify(tolerance, preserve_topology=True)
    return {
        "geometry": json.dumps(geojson, separators=(",", ":")),
        "shape": _path(simple),
        "min_x": minx,
        "min_y": miny,
        "max_x": maxx,
        "max_y": maxy,
    }


# --- the tree ---------------------------------------------------------------------------


def roots() -> list[Area]:
    return db.session.scalars(
        select(Area).where(Area.parent_id.is_(None)).order_by(Area.name).limit(200)
    ).all()


def children_page(
    area_id: int | None, page: int, q: str | None = None, level: str | None = None
) -> Page:
    stmt = select(Area)
    if q:
        from planner.core.lookup import like_pattern

        stmt = stmt.where(
            func.lower(Area.name).like(like_pattern(q), escape="\\")
            | (func.lower(Area.code) == q.strip().lower())
        )
    elif level:
        stmt = stmt.where(Area.level == level)
    else:
        stmt = stmt.where(Area.parent_id == area_id if area_id else Area.parent_id.is_(None))
    return paginate(stmt.order_by(Area.name, Area.id), page)


def child_counts(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    return dict(
        db.session.execute(
            select(Area.parent_id, func.count())
            .where(Area.parent_id.in_(ids))
            .group_by(Area.parent_id)
        ).all()
    )


@dataclass
class AreaData:
    code: str
    name: str
    level: str
    parent_id: int | None = None
    population: int | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    notes: str | None = None


def _check_parent(area: Area | None, parent_id: int | None) -> Area | None:
    if parent_id is None:
        return None
    parent = db.session.get(Area, parent_id)
    if parent is None:
        raise AreaError(_("Der übergeordnete Raum ist unbekannt."))
    current, steps = parent, 0
    while current is not None:
        if area is not None and current.id == area.id:
            raise AreaError(
                _("Ein Raum kann nicht unter sich selbst oder einem seiner Teilräume liegen.")
            )
        current = current.parent
        steps += 1
        if steps > MAX_DEPTH:
            raise AreaError(_("Der Raumbaum ist zu tief (höchstens %(n)s Ebenen).", n=MAX_DEPTH))
    return parent


def save_area(area: Area | None, data: AreaData) -> Area:
    code = data.code.strip()
    taken = db.session.scalar(select(Area.id).where(func.lower(Area.code) == code.lower()))
    if taken and (area is None or taken != area.id):
        raise CodeTaken(_("Der Schlüssel %(c)s ist schon vergeben.", c=code))
    parent = _check_parent(area, data.parent_id)
    if data.valid_from and data.valid_to and data.valid_to < data.valid_from:
        raise AreaError(_("„Gültig bis“ liegt vor „Gültig ab“."))
    moved = area is not None and area.parent_id != data.parent_id
    if area is None:
        area = Area()
        db.session.add(area)
    area.code = code
    area.name = data.name.strip()
    area.level = data.level.strip()
    area.parent_id = parent.id if parent else None
    area.depth = parent.depth + 1 if parent else 0
    area.population = data.population
    area.valid_from = data.valid_from
    area.valid_to = data.valid_to
    area.notes = data.notes
    flush_or_raise(CodeTaken(_("Der Schlüssel %(c)s ist schon vergeben.", c=code)))
    if moved:
        fix_depths()
    return area


# other domains' references to an area: (label, function(area_id) -> a Select of ids)
AREA_REFERENCES: list[tuple[str, object]] = []


def references(area: Area) -> list[str]:
    found = []
    checks = [
        (_("Teilräume"), select(Area.id).where(Area.parent_id == area.id)),
        (_("Werte"), select(Observation.id).where(Observation.area_id == area.id)),
        (_("Indexläufe"), select(IndexResult.id).where(IndexResult.area_id == area.id)),
    ]
    from planner.monitoring.models import DeliverySchedule

    checks.append(
        (_("Lieferpläne"), select(DeliverySchedule.id).where(DeliverySchedule.within_id == area.id))
    )
    checks += [(str(label), build(area.id)) for label, build in AREA_REFERENCES]
    for label, stmt in checks:
        if db.session.scalar(stmt.limit(1)) is not None:
            found.append(label)
    return found


def delete_area(area: Area) -> None:
    refs = references(area)
    if refs:
        raise AreaError(_("Der Raum wird noch verwendet: %(r)s.", r=", ".join(refs)))
    db.session.delete(area)
    db.session.flush()


def fix_depths() -> None:
    """Depth of every area from its parent chain (after an import or a move)."""
    parent_of = dict(db.session.execute(select(Area.id, Area.parent_id)).all())
    stored = dict(db.session.execute(select(Area.id, Area.depth)).all())
    depth: dict[int, int] = {}

    def depth_of(aid: int) -> int:
        chain = []
        while aid is not None and aid not in depth:
            chain.append(aid)
            aid = parent_of.get(aid)
            if len(chain) > MAX_DEPTH + 1:
                raise AreaError(_("Der Raumbaum ist zu tief oder enthält einen Kreis."))
        base = depth[aid] if aid is not None else -1
        for item in reversed(chain):
            base += 1
            depth[item] = base
        return depth[chain[0]] if chain else base

    changed = defaultdict(list)
    for aid in parent_of:
        d = depth_of(aid)
        if stored.get(aid) != d:
            changed[d].append(aid)
    for d, ids in changed.items():
        for start in range(0, len(ids), 500):
            db.session.execute(
                update(Area).where(Area.id.in_(ids[start : start + 500])).values(depth=d)
            )


# --- imports ----------------------------------------------------------------------------


@dataclass
class AreaImportResult:
    created: int = 0
    updated: int = 0
    geometries: int = 0


def _int(cell) -> int | None:
    value = tabular.parse_number(cell)
    if value is None or value is tabular.WITHHELD_VALUE:
        return None
    if value < 0 or value != int(value) or value > 2**31 - 1:
        raise ValueError
    return int(value)


def _apply_records(records: list[dict], problems: list[Problem]) -> AreaImportResult:
    """records: row, code, name, parent, level, population, geometry fields (optional)."""
    existing = {code.lower(): aid for aid, code in db.session.execute(select(Area.id, Area.code))}
    in_file = {}
    for rec in records:
        key = rec["code"].lower()
        if key in in_file:
            problems.append(
                Problem(
                    rec["row"],
                    "code",
                    _(
                        "Der Schlüssel %(c)s steht schon in Zeile %(r)s.",
                        c=rec["code"],
                        r=in_file[key]["row"],
                    ),
                )
            )
        in_file[key] = rec
    for rec in records:
        parent = (rec.get("parent") or "").lower()
        if parent and parent not in existing and parent not in in_file:
            problems.append(
                Problem(
                    rec["row"],
                    "parent",
                    _("Unbekannter übergeordneter Raum „%(c)s“.", c=rec["parent"][:40]),
                )
            )
        if parent == rec["code"].lower():
            problems.append(
                Problem(rec["row"], "parent", _("Ein Raum kann nicht unter sich selbst liegen."))
            )
        if rec["code"].lower() not in existing and (not rec.get("name") or not rec.get("level")):
            problems.append(
                Problem(rec["row"], "name", _("Ein neuer Raum braucht Name und Ebene."))
            )
    if problems:
        raise ImportFailed(problems[:500], len(problems))
    result = AreaImportResult()
    objects = {}
    for rec in records:
        key = rec["code"].lower()
        area = db.session.get(Area, existing[key]) if key in existing else None
        if area is None:
            area = Area(code=rec["code"], depth=0)
            db.session.add(area)
            result.created += 1
        else:
            result.updated += 1
        for attr in ("name", "level", "population"):
            if rec.get(attr) not in (None, ""):
                setattr(area, attr, rec[attr])
        if rec.get("geometry_fields"):
            for attr, value in rec["geometry_fields"].items():
                setattr(area, attr, value)
            result.geometries += 1
        objects[key] = area
    db.session.flush()
    ids = {**existing, **{k: a.id for k, a in objects.items()}}
    for rec in records:
        if rec.get("parent"):
            objects[rec["code"].lower()].parent_id = ids[rec["parent"].lower()]
    db.session.flush()
    try:
        fix_depths()
    except AreaError as exc:
        raise ImportFailed([Problem(0, "parent", str(exc))], 1) from exc
    return result


def import_areas_csv(path: Path) -> AreaImportResult:
    table = tabular.open_table(path)
    problems: list[Problem] = []
    records = []
    try:
        if "code" not in table.header:
            raise ImportFailed(
                [
                    Problem(
                        1,
                        "",
                        _(
                            "Es fehlt die Spalte „code“. Erwartet wird die Kopfzeile code;name;parent;level;population."
                        ),
                    )
                ],
                1,
            )
        col = {name: i for i, name in enumerate(table.header)}
        for row, cells in table.rows:
            get = partial(tabular.named_cell, cells, col)
            rec = {
                "row": row,
                "code": get("code"),
                "name": get("name"),
                "parent": get("parent"),
                "level": get("level"),
            }
            bad = next(
                (
                    k
                    for k in ("code", "name", "parent", "level")
                    if tabular.has_control(rec[k]) or len(rec[k]) > (200 if k == "name" else 60)
                ),
                None,
            )
            if bad:
                problems.append(
                    Problem(row, bad, _("Der Eintrag ist zu lang oder enthält Steuerzeichen."))
                )
                continue
            if not rec["code"]:
                problems.append(Problem(row, "code", _("Der Schlüssel fehlt.")))
                continue
            try:
                rec["population"] = (
                    _int(cells[col["population"]])
                    if "population" in col and col["population"] < len(cells)
                    else None
                )
            except ValueError:
                problems.append(
                    Problem(
                        row, "population", _("Die Einwohnerzahl muss eine ganze Zahl ab 0 sein.")
                    )
                )
                continue
            records.append(rec)
    finally:
        table.close()
    if not records and not problems:
        problems.append(Problem(2, "", _("Die Datei enthält keine Räume.")))
    return _apply_records(records, problems)


def import_areas_geojson(path: Path, key_property: str) -> AreaImportResult:
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ImportFailed([Problem(1, "", _("Die Datei ist kein gültiges GeoJSON."))], 1) from exc
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise ImportFailed([Problem(1, "", _("Die Datei ist keine GeoJSON-FeatureCollection."))], 1)
    if len(features) > MAX_FEATURES:
        raise ImportFailed(
            [Problem(1, "", _("Höchstens %(n)s Flächen je Datei.", n=MAX_FEATURES))], 1
        )
    problems: list[Problem] = []
    records = []
    for number, feature in enumerate(features, 1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            problems.append(Problem(number, "properties", _("Die Fläche hat keine Eigenschaften.")))
            continue
        code = tabular.clean_text(props.get(key_property))
        if not code or len(code) > 40 or tabular.has_control(code):
            problems.append(
                Problem(
                    number,
                    key_property,
                    _(
                        "Die Eigenschaft „%(k)s“ mit dem Schlüssel fehlt oder ist ungültig.",
                        k=key_property[:40],
                    ),
                )
            )
            continue
        rec = {"row": number, "code": code}
        for attr in ("name", "parent", "level"):
            text = tabular.clean_text(props.get(attr))
            rec[attr] = text[:200] if not tabular.has_control(text) else ""
        try:
            rec["population"] = _int(props.get("population"))
        except (ValueError, TypeError):
            problems.append(
                Problem(
                    number, "population", _("Die Einwohnerzahl muss eine ganze Zahl ab 0 sein.")
                )
            )
            continue
        geometry = feature.get("geometry")
        if geometry is not None:
            try:
                rec["geometry_fields"] = geometry_fields(geometry)
            except AreaError as exc:
                problems.append(Problem(number, "geometry", str(exc)))
                continue
        records.append(rec)
    if not records and not problems:
        problems.append(Problem(1, "", _("Die Datei enthält keine Flächen.")))
    return _apply_records(records, problems)


def import_areas_file(path: Path, key_property: str = "code") -> AreaImportResult:
    """GeoJSON or a table (CSV, XLSX), told apart by the content, not the name."""
    with path.open("rb") as handle:
        head = handle.read(200).lstrip(b"\xef\xbb\xbf \r\n\t")
    if head.startswith(b"{"):
        return import_areas_geojson(path, key_property)
    return import_areas_csv(path)
