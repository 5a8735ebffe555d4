"""Absolute links for mails and feeds, built from PLANNER_BASE_URL (no request needed)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request
from werkzeug.routing import IntegerConverter


def url_builder() -> Callable[..., str]:
    """A function ``(endpoint, **values) -> absolute URL``; bind once, build many links."""
    base_url = current_app.config["BASE_URL"]
    if current_app.config.get("BASE_URL_FROM_REQUEST") and has_request_context():
        base_url = request.host_url
    base = urlsplit(base_url)
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path.rstrip("/") or "/", url_scheme=base.scheme or "https"
    )

    def build(endpoint: str, **values) -> str:
        return adapter.build(endpoint, values, force_external=True)

    return build


def external_url(endpoint: str, **values) -> str:
    return url_builder()(endpoint, **values)


class IdConverter(IntegerConverter):
    """``<id:name>``: a database id, 1 .. 2**31-1 (an INTEGER column on every database). A
    larger number is no id of ours: 404, never a database error."""

    def __init__(self, map, **kwargs) -> None:  # noqa: A002 - werkzeug's signature
        super().__init__(map, min=1, max=2**31 - 1)


def id_arg(name: str) -> int | None:
    """A query argument that names a database id (``?organisation=12``): the number when it is
    one (1 .. 2**31-1), else None."""
    value = request.args.get(name, type=int)
    return value if value is not None and 1 <= value <= 2**31 - 1 else None


def page_arg() -> int:
    """The list page asked for (``?page=3``); paginate() keeps it within the pages there are."""
    return request.args.get("page", 1, type=int)
