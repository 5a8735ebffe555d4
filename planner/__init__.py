"""Planner: strategic social planning for German districts and cities."""

from __future__ import annotations

import gc

from flask import Flask

from config import Config, config_from_env


def create_app(config_class: type[Config] | None = None, **overrides) -> Flask:
    config_class = config_class or config_from_env()
    app = Flask(
        __name__,
        template_folder="../templates",
        instance_relative_config=True,
    )
    app.config.from_object(config_class)
    app.config.update(overrides)
    config_class.init_app(app)

    from planner.core.sessions import PageSessionInterface
    from planner.core.urls import IdConverter

    app.session_interface = PageSessionInterface()

    app.url_map.converters["id"] = IdConverter
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # behind nginx or Apache: the client address, scheme and host from X-Forwarded-*
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    register_extensions(app)
    register_blueprints(app)
    register_shell(app)
    register_commands(app)
    register_domains(app)

    from planner.core import logs

    logs.install(app.logger)
    if not app.testing:
        # what exists after start-up lives as long as the process: keep it out of the garbage
        # collector's full collections (gunicorn freezes again after each fork)
        gc.freeze()
    return app


def register_extensions(app: Flask) -> None:
    from flask_babel import gettext

    from planner.core.i18n import select_locale, select_timezone
    from planner.extensions import (
        babel,
        csrf,
        db,
        include_object,
        limiter,
        login_manager,
        migrate,
    )

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(app.root_path + "/../migrations"), include_object=include_object
    )
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Bitte melden Sie sich an, um diese Seite zu sehen."
    login_manager.localize_callback = gettext
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    from planner.core import (
        audit,  # noqa: F401  (registers the session listener)
        sqlite,  # noqa: F401  (foreign keys on for SQLite)
    )


def register_blueprints(app: Flask) -> None:
    from planner.accounts import bp as accounts_bp
    from planner.api import bp as api_bp
    from planner.api import pages_bp as api_pages_bp
    from planner.core import bp as core_bp
    from planner.core.permissions import enforce_permissions
    from planner.core.shell import init_shell
    from planner.deadlines import bp as deadlines_bp
    from planner.files import bp as files_bp
    from planner.funding import bp as funding_bp
    from planner.governance import bp as governance_bp
    from planner.measures import bp as measures_bp
    from planner.meetings import bp as meetings_bp
    from planner.monitoring import bp as monitoring_bp
    from planner.oparl import bp as oparl_bp
    from planner.process import bp as process_bp
    from planner.reports import bp as reports_bp
    from planner.stakeholders import bp as stakeholders_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(deadlines_bp)
    app.register_blueprint(files_bp)
    app.register_blueprint(stakeholders_bp)
    app.register_blueprint(governance_bp)
    app.register_blueprint(process_bp)
    app.register_blueprint(monitoring_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(measures_bp)
    app.register_blueprint(funding_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(api_pages_bp)
    app.register_blueprint(oparl_bp)
    app.before_request(enforce_permissions)
    init_shell(app)


def register_shell(app: Flask) -> None:
    from planner.extensions import db

    @app.shell_context_processor
    def shell_context():
        return {"db": db}


def register_commands(app: Flask) -> None:
    from planner.cli import register

    register(app)


def register_domains(app: Flask) -> None:
    """Each domain hooks itself into the shell (navigation, dashboard, health, scheduler)."""
    from planner.api import setup as api_setup
    from planner.deadlines import setup as deadlines_setup
    from planner.files import setup as files_setup
    from planner.funding import setup as funding_setup
    from planner.governance import setup as governance_setup
    from planner.measures import setup as measures_setup
    from planner.meetings import setup as meetings_setup
    from planner.monitoring import setup as monitoring_setup
    from planner.oparl import setup as oparl_setup
    from planner.process import setup as process_setup
    from planner.reports import setup as reports_setup
    from planner.stakeholders import setup as stakeholders_setup

    for domain in (
        deadlines_setup,
        files_setup,
        stakeholders_setup,
        governance_setup,
        process_setup,
        monitoring_setup,
        meetings_setup,
        measures_setup,
        funding_setup,
        reports_setup,
        api_setup,
        oparl_setup,
    ):
        domain.init_app(app)
