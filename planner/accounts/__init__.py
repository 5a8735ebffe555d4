"""Accounts: login, own password, user administration."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from planner.accounts import lookups, views  # noqa: E402,F401


def _register_loader() -> None:
    from planner.accounts.models import User
    from planner.extensions import db, login_manager

    @login_manager.user_loader
    def load_user(session_id: str):
        """The session holds "id:version"; a session issued before the last logout, password
        change or reset carries an old version and is no longer accepted."""
        user_id, _sep, version = session_id.partition(":")
        if not (user_id.isdigit() and version.isdigit()) or len(user_id) > 18:
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.active or int(version) != (user.session_version or 0):
            return None
        return user


_register_loader()
