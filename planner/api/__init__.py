"""The REST API (/api/v1/): JSON for other systems, authenticated by API access keys."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# the owner's pages for the access keys and the readable documentation
pages_bp = Blueprint("api_pages", __name__)

from planner.api import pages as _pages  # noqa: E402,F401
from planner.api import views  # noqa: E402,F401
