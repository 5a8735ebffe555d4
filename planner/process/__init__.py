"""The planning process: processes in cycles, phases, steps with dependencies, the standard
template, the overview, the timeline and "Meine Aufgaben"."""

from flask import Blueprint

bp = Blueprint("process", __name__)

from planner.process import lookups, views  # noqa: E402,F401
