"""The social report: editions with live blocks, frozen data, agreement, HTML, PDF and DOCX."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from planner.reports import views  # noqa: E402,F401
