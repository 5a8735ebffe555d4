"""Stakeholders: organisations (grown from the accounts' model) and persons, with the DSGVO
duties (legal basis, art. 15 export, art. 17 erasure)."""

from flask import Blueprint

bp = Blueprint("stakeholders", __name__)

from planner.stakeholders import lookups, views  # noqa: E402,F401
