"""Accounts: login, own password, user administration."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from planner.accounts import views  # noqa: E402,F401


def _register_loader() -> None:
    from planner.accounts.models import User
    from planner.extensions import db, login_manager

    @login_manager.user_loader
    def load_user(user_id: str):
        user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
        return user if user is not None and user.active else None


_register_loader()
