"""The OpenAPI 3.1 document, generated from the registered resources."""

from __future__ import annotations

from flask import request

from planner.api.registry import RESOURCES, Resource
from planner.api.services import PAGE_MAX

_PROBLEM = {"$ref": "#/components/schemas/Problem"}


def _problem_response(text: str) -> dict:
    return {"description": text, "content": {"application/problem+json": {"schema": _PROBLEM}}}


_ERRORS = {
    "400": _problem_response("Ungültige Parameter"),
    "401": _problem_response("Kein gültiger API-Zugang"),
    "403": _problem_response("Keine Berechtigung"),
    "429": _problem_response("Zu viele Anfragen (Rate-Limit je Zugang)"),
}


def _object_schema(resource: Resource) -> dict:
    props = {
        "id": {"type": "integer", "description": "Nummer"},
        "url": {"type": "string", "format": "uri", "description": "Adresse dieses Objekts"},
    }
    for field in resource.fields:
        props[field.name] = field.schema()
    return {
        "type": "object",
        "title": str(resource.title),
        "properties": props,
        "required": list(props),
        "additionalProperties": False,
    }


def _parameters(resource: Resource) -> list[dict]:
    params = [
        {"name": "limit", "in": "query", "description": f"Einträge je Seite (1 bis {PAGE_MAX})",
         "schema": {"type": "integer", "minimum": 1, "maximum": PAGE_MAX, "default": PAGE_MAX}},
        {"name": "cursor", "in": "query", "description": "Der Wert aus links.next der vorigen Seite",
         "schema": {"type": "string", "maxLength": 200}},
    ]  # fmt: skip
    if resource.modified:
        params.append({
            "name": "modified_since", "in": "query",
            "description": "Nur Objekte, die seit diesem Zeitpunkt (ISO 8601) angelegt oder geändert wurden; die Liste ist dann nach Änderung geordnet.",  # fmt: skip
            "schema": {"type": "string", "format": "date-time"},
        })  # fmt: skip
    for spec in resource.filters:
        schema: dict = {"type": spec.type}
        if spec.type == "integer":
            schema.update(minimum=1, maximum=2**31 - 1)
        elif spec.type == "string":
            schema.update(minLength=1, maxLength=spec.max_length, pattern=r"^\S(.*\S)?$")
        if spec.enum:
            schema = {"type": "string", "enum": list(spec.enum)}
        params.append({"name": spec.name, "in": "query", "description": spec.description, "schema": schema})  # fmt: skip
    return params


def _write_body(resource: Resource, partial: bool) -> dict:
    body = dict(resource.write.body)
    if partial:
        body.pop("required", None)
    return {"required": True, "content": {"application/json": {"schema": body}}}


def _paths(resource: Resource) -> dict:
    ref = {"$ref": f"#/components/schemas/{resource.schema_name}"}
    tag = str(resource.title)
    listing = {
        "type": "object",
        "required": ["data", "links"],
        "properties": {
            "data": {"type": "array", "items": ref},
            "links": {
                "type": "object",
                "properties": {"next": {"type": "string", "format": "uri"}},
                "additionalProperties": False,
            },  # fmt: skip
        },
        "additionalProperties": False,
    }
    collection: dict = {
        "get": {
            "tags": [tag], "summary": f"{tag}: Liste", "description": resource.description,
            "operationId": f"list_{resource.path}", "parameters": _parameters(resource),
            "responses": {"200": {"description": "Eine Seite", "content": {"application/json": {"schema": listing}}}, **_ERRORS},  # fmt: skip
        },
    }  # fmt: skip
    item_params = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}}]  # fmt: skip
    item: dict = {
        "parameters": item_params,
        "get": {
            "tags": [tag], "summary": f"{tag}: ein Objekt", "operationId": f"get_{resource.path}",
            "responses": {"200": {"description": "Das Objekt", "content": {"application/json": {"schema": ref}}},
                          "404": _problem_response("Nicht vorhanden oder nicht sichtbar"), **_ERRORS},
        },
    }  # fmt: skip
    write = resource.write
    written = {
        "422": _problem_response("Die Daten verletzen eine Regel (Felder mit Meldung)"),
        "415": _problem_response("Kein JSON"),
        **_ERRORS,
    }
    if write and write.create:
        created = {"description": "Angelegt", "content": {"application/json": {"schema": ref}}}
        if resource.path == "werte":
            created = {"description": "Übernommen", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Import"}}}}  # fmt: skip
        collection["post"] = {
            "tags": [tag], "summary": f"{tag}: anlegen", "description": write.description,
            "operationId": f"create_{resource.path}", "requestBody": _write_body(resource, False),
            "responses": {"201": created, **written},
        }  # fmt: skip
    if write and write.update:
        item["patch"] = {
            "tags": [tag], "summary": f"{tag}: ändern", "description": write.description,
            "operationId": f"update_{resource.path}", "requestBody": _write_body(resource, True),
            "responses": {"200": {"description": "Geändert", "content": {"application/json": {"schema": ref}}},
                          "404": _problem_response("Nicht vorhanden oder nicht sichtbar"), **written},
        }  # fmt: skip
    return {f"/{resource.path}": collection, f"/{resource.path}/{{id}}": item}


def document() -> dict:
    paths: dict = {}
    schemas: dict = {
        "Problem": {
            "type": "object",
            "description": "Fehler nach RFC 9457 mit deutschen Texten",
            "required": ["type", "title", "status", "detail"],
            "properties": {
                "type": {"type": "string"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
                "errors": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                    },
                },  # fmt: skip
            },
        },
        "Import": {
            "type": "object",
            "description": "Bericht über eine übernommene Lieferung",
            "required": ["import", "rows", "written", "corrected", "message"],
            "properties": {
                "import": {"type": "integer", "description": "Nummer des Imports"},
                "rows": {"type": "integer"},
                "written": {"type": "integer"},
                "corrected": {"type": "integer"},
                "message": {"type": ["string", "null"]},
            },
        },
    }
    for resource in RESOURCES.values():
        paths.update(_paths(resource))
        schemas[resource.schema_name] = _object_schema(resource)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Planner – REST-API",
            "version": "1",
            "description": (
                "Lesen und Schreiben der Daten der strategischen Sozialplanung. Jede Anfrage "
                "trägt einen API-Zugang (Authorization: Bearer …), den ein Konto unter "
                "„API-Zugänge“ anlegt; der Zugang darf genau das, was sein Konto in den Seiten "
                "darf. Listen sind seitenweise (cursor), Fehler kommen als "
                "application/problem+json mit deutschen Texten."
            ),
        },
        "servers": [{"url": request.url_root.rstrip("/") + "/api/v1"}],
        "security": [{"token": []}],
        "components": {
            "securitySchemes": {
                "token": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "API-Zugang aus Planner",
                }
            },  # fmt: skip
            "schemas": schemas,
        },
        "paths": paths,
    }
