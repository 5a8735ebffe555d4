"""Funding: programmes, calls, applications and their grants, budget lines with a block."""

from flask import Blueprint

bp = Blueprint("funding", __name__)

from planner.funding import lookups, views  # noqa: E402,F401
