"""Files: attachments on papers, process steps and later other objects. One service for all:
type checked by content, size limited, stored by content hash, served only to who may see
the owner."""

from flask import Blueprint

bp = Blueprint("files", __name__)

from planner.files import views  # noqa: E402,F401
