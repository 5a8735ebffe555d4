"""Measures derived at conferences, justified by indicators, with their progress."""

from flask import Blueprint

bp = Blueprint("measures", __name__)

from planner.measures import lookups, views  # noqa: E402,F401
