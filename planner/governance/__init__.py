"""Governance: bodies (Gremien) with memberships, papers (Vorlagen, Anträge) and resolutions."""

from flask import Blueprint

bp = Blueprint("governance", __name__)

from planner.governance import lookups, views  # noqa: E402,F401
