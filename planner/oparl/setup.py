"""Wires OParl into the app: public, without the session cookie, errors as problem details."""

from __future__ import annotations

from planner.api.problems import from_http_error
from planner.core.sessions import STATELESS_PREFIXES
from planner.core.shell import ERROR_RENDERERS

PREFIX = "/oparl/"

STATELESS_PREFIXES.append(PREFIX)
ERROR_RENDERERS.append((PREFIX, from_http_error))


def init_app(app) -> None:
    pass
