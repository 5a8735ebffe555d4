"""Deadlines: one calendar for every dated duty, iCal feeds, e-mail reminders."""

from flask import Blueprint

bp = Blueprint("deadlines", __name__)

from planner.deadlines import views  # noqa: E402,F401
