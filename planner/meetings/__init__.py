"""Meetings and specialist planner conferences: agenda, invitations, attendance, minutes."""

from flask import Blueprint

bp = Blueprint("meetings", __name__)

from planner.meetings import reply_views, views  # noqa: E402,F401
