"""OParl 1.1 (/oparl/v1/): the council's public data for council information systems."""

from flask import Blueprint

bp = Blueprint("oparl", __name__, url_prefix="/oparl/v1")

from planner.oparl import views  # noqa: E402,F401
