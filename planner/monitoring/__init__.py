"""Small-area social monitoring: areas, indicators, observations, deliveries, index, maps."""

from flask import Blueprint

bp = Blueprint("monitoring", __name__)

from planner.monitoring import delivery_views, lookups, views  # noqa: E402,F401
