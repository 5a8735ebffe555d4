"""Wires OParl into the app: public, without the session cookie, errors as problem details."""

from __future__ import annotations

from flask import current_app

from planner.api.problems import from_http_error
from planner.core.sessions import STATELESS_PREFIXES
from planner.core.shell import ERROR_RENDERERS
from planner.extensions import limiter
from planner.oparl import bp

PREFIX = "/oparl/"

# Registered once, when the module is first imported (create_app may run many times).
STATELESS_PREFIXES.append(PREFIX)
ERROR_RENDERERS.append((PREFIX, from_http_error))
# public, so limited per client address (behind a proxy: PLANNER_PROXY_HOPS)
limiter.limit(lambda: current_app.config["OPARL_RATE_LIMIT"])(bp)


def init_app(app) -> None:
    pass
