"""Cross-cutting pieces: model mixins, permissions, audit log, Markdown, the page shell."""

from flask import Blueprint

bp = Blueprint("core", __name__)

from planner.core import views  # noqa: E402,F401
