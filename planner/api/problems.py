"""Errors as RFC 9457 problem details (application/problem+json), with German texts."""

from __future__ import annotations

from flask import Response, json
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

MEDIA_TYPE = "application/problem+json"


def _titles() -> dict[int, str]:
    return {
        400: _("Ungültige Anfrage"),
        401: _("Anmeldung erforderlich"),
        403: _("Keine Berechtigung"),
        404: _("Nicht gefunden"),
        405: _("Methode nicht erlaubt"),
        409: _("Konflikt"),
        413: _("Anfrage zu groß"),
        415: _("Nicht unterstütztes Format"),
        422: _("Daten nicht verarbeitbar"),
        429: _("Zu viele Anfragen"),
        500: _("Interner Fehler"),
    }


def _details() -> dict[int, str]:
    return {
        401: _(
            "Bitte senden Sie einen gültigen API-Zugang im Kopf „Authorization: Bearer …“. "
            "Zugänge legen Sie in Planner unter „API-Zugänge“ an."
        ),
        403: _("Ihr Konto darf dies nicht sehen oder ändern."),
        404: _("Diese Adresse oder dieses Objekt gibt es nicht (oder Sie dürfen es nicht sehen)."),
        400: _("Die Anfrage ist nicht lesbar (z. B. kein gültiges JSON)."),
        405: _("Diese Methode ist für diese Adresse nicht vorgesehen."),
        413: _("Die Anfrage ist zu groß."),
        429: _("Sie haben zu viele Anfragen gesendet. Bitte warten Sie kurz."),
        500: _("Ein unerwarteter Fehler ist aufgetreten; er wurde protokolliert."),
    }


def problem(status: int, detail: str | None = None, errors: list[dict] | None = None,
            headers: dict | None = None) -> Response:  # fmt: skip
    body: dict = {
        "type": "about:blank",
        "title": _titles().get(status, _("Fehler")),
        "status": status,
        "detail": detail or _details().get(status, _titles().get(status, _("Fehler"))),
    }
    if errors:
        body["errors"] = errors
    if status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": 'Bearer realm="planner"'}
    return json_response(body, status, headers, mimetype=MEDIA_TYPE)


def from_http_error(code: int, error) -> Response:
    """An HTTP error raised anywhere under the API (abort, unknown address, rate limit)."""
    headers = {}
    if code == 429:
        retry = getattr(error, "retry_after", None)
        if retry:
            headers["Retry-After"] = str(retry)
    return problem(code, None, headers=headers)


class ApiProblem(Exception):
    """Raised by the API's own checks; answered as problem details."""

    def __init__(self, status: int, detail: str, errors: list[dict] | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors


def json_response(payload, status: int = 200, headers: dict | None = None,
                  mimetype: str = "application/json") -> Response:  # fmt: skip
    """JSON as UTF-8 text (umlauts unescaped)."""
    out = Response(json.dumps(payload, ensure_ascii=False), status=status, mimetype=mimetype)
    for key, value in (headers or {}).items():
        out.headers[key] = value
    return out


def install(blueprint) -> None:
    """A machine interface's blueprint answers its own checks and every HTTP error as problem
    details."""
    blueprint.register_error_handler(
        ApiProblem, lambda error: problem(error.status, error.detail, error.errors)
    )
    blueprint.register_error_handler(
        HTTPException, lambda error: from_http_error(error.code or 500, error)
    )
