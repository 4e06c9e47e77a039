"""Alembic environment for Flask-Migrate: the app's engine and the portal's metadata.

Unlike Flask-Migrate's template this does not call ``logging.config.fileConfig``: that would
reconfigure (and silence) the app's own loggers whenever migrations run inside a process.
"""
import logging

from alembic import context
from flask import current_app

import db.models  # noqa: F401  (registers the tables on the metadata for autogenerate)
import db.handoff  # noqa: F401  (used handoff token ids)
import db.payments  # noqa: F401  (payment intents)
import db.staff  # noqa: F401  (staff accounts and support views)
import db.shared  # noqa: F401  (webhook events, the Zoho token, cache generations, throttles)

config = context.config
logger = logging.getLogger("alembic.env")
target_db = current_app.extensions["migrate"].db


def _engine():
    return target_db.engine


def run_migrations_offline() -> None:
    url = _engine().url.render_as_string(hide_password=False)
    context.configure(url=url, target_metadata=target_db.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    def skip_empty_autogenerate(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", skip_empty_autogenerate)
    with _engine().connect() as connection:
        context.configure(connection=connection, target_metadata=target_db.metadata, **conf_args)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
