"""The application factory: a readable list of small steps, no module-level app.

``create_app()`` is what gunicorn and the ``flask`` CLI call. It does no network I/O and no
database queries: reachability belongs to /readyz and ``flask portal check-zoho``.
"""
from __future__ import annotations

import sys

from flask import Flask

from config.logging import configure_logging
from config.settings import INSTANCE_DIR, ConfigError, Settings, load_settings
from extensions import csrf, db, limiter, login_manager, migrate
from services.schema_check import MIGRATIONS_DIR
from views.cli import looking_up_commands, mark_unconfigured, portal_cli

APP_LOAD_ERROR = 4


def create_app(settings: Settings | None = None) -> Flask:
    if settings is None:
        try:
            settings = load_settings()
        except ConfigError as error:
            if looking_up_commands():
                return create_command_only_app(error)
            # One line naming the variable, not a traceback; exit status 4 is the one gunicorn
            # reads as "the application cannot load" and stops on, instead of rebooting workers.
            print(error, file=sys.stderr)
            raise SystemExit(APP_LOAD_ERROR) from None
    configure_logging(settings.LOG_LEVEL, settings.LOG_FORMAT)

    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    configure_app(app, settings)
    # First, so that every later hook (CSRF checks included) and every error page has a request id.
    register_request_hooks(app)
    register_extensions(app, settings)
    register_blueprints(app)
    register_error_handlers(app)
    register_commands(app)
    return app


def create_command_only_app(error: ConfigError) -> Flask:
    """What ``flask --help`` and ``flask portal …`` get without a valid configuration: the commands,
    whose help works and each of which (but ``doctor``) stops with the configuration error."""
    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    mark_unconfigured(app, error)
    register_commands(app)
    return app


def configure_app(app: Flask, settings: Settings) -> None:
    app.extensions["settings"] = settings
    app.config.update(
        TESTING=settings.PORTAL_ENV == "testing",
        SECRET_KEY=settings.SECRET_KEY,
        SQLALCHEMY_DATABASE_URI=settings.DATABASE_URL,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        MAX_CONTENT_LENGTH=1024 * 1024,
        PREFERRED_URL_SCHEME="https" if settings.is_production else "http",
        RATELIMIT_STORAGE_URI=settings.REDIS_URL or "memory://",
        RATELIMIT_HEADERS_ENABLED=True,
    )
    if settings.DATABASE_URL.startswith("sqlite:///"):
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)


def register_extensions(app: Flask, settings: Settings) -> None:
    from services.billing import init_billing
    from services.formatting import register_template_filters
    from services.mail import init_mail
    from services.ratelimits import init_throttles
    from services.sessions import init_sessions
    from services.shared_redis import init_shared_redis
    from services.webhooks import init_webhooks
    from services.zoho import init_zoho

    from views.language import init_language

    init_language(app)  # before anything renders or formats: every word and number is in a language
    init_shared_redis(app, settings)  # first: the cache, sessions, token and back-off share its pool
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    init_zoho(app, settings)
    init_billing(app, settings)
    register_template_filters(app)
    init_mail(app, settings)
    init_throttles(app, settings)
    init_sessions(app, settings)
    init_webhooks(app, settings)


def register_blueprints(app: Flask) -> None:
    from views import auth, handoff, health, language, metrics, webhooks
    from views.page_memo import init_page_memo
    from views.portal.blueprint import bp as portal
    from views.staff.blueprint import bp as staff, staff_auth

    app.register_blueprint(health.bp)
    app.register_blueprint(metrics.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(portal)
    app.register_blueprint(handoff.bp)
    app.register_blueprint(language.bp)
    app.register_blueprint(webhooks.bp)
    app.register_blueprint(staff_auth)
    app.register_blueprint(staff)
    # After every blueprint and extension: it takes over the templates' csrf_token() (Flask-WTF's).
    init_page_memo(app)


def register_request_hooks(app: Flask) -> None:
    from views.auth_session import init_auth_session, session_actor
    from views.http_security import init_http_security
    from views.layout import init_layout
    from views.pipeline import init_pipeline
    from views.request_id import init_request_id
    from views.staff_session import init_staff_session

    settings = app.extensions["settings"]
    if settings.TRUSTED_PROXY_COUNT:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Behind N load balancers or proxies: the client's address (per-IP limits, the audit log)
        # and scheme come from the last N X-Forwarded-For/-Proto entries; never trusted otherwise.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.TRUSTED_PROXY_COUNT,
                                x_proto=settings.TRUSTED_PROXY_COUNT)
    init_request_id(app)
    init_http_security(app, settings)
    init_auth_session(app, settings)
    init_pipeline(app, [session_actor])
    init_staff_session(app, settings)
    init_layout(app)


def register_error_handlers(app: Flask) -> None:
    from views.errors import init_error_handlers

    init_error_handlers(app)


def register_commands(app: Flask) -> None:
    from views import handoff  # noqa: F401  defines `flask portal handoff-url` on portal_cli
    from views.accounts_cli import register_account_commands
    from views.doctor_cli import doctor_command
    from views.operations_cli import register_operations_commands
    from views.staff_cli import staff_cli

    register_account_commands(portal_cli)
    register_operations_commands(portal_cli)
    portal_cli.add_command(doctor_command)
    portal_cli.add_command(staff_cli)
    app.cli.add_command(portal_cli)
