"""gunicorn reads this file from the working directory on its own.

Each worker checks the database schema once after loading the app and refuses to serve an
outdated one: exit status 4 makes gunicorn stop instead of rebooting the worker in a loop.
"""
import sys

from gunicorn.glogging import Logger

APP_LOAD_ERROR = 4


class AppWritesTheAccessLog(Logger):
    """gunicorn's logger without its access line.

    The app writes one access line per request (method, path without the query string, status,
    duration, request id; views/request_id.py) in the configured LOG_FORMAT. gunicorn's own would
    be a second line per request, without the request id, so it stays off even when
    ``--access-logfile`` is given.
    """

    def access(self, resp, req, environ, request_time):
        pass


logger_class = AppWritesTheAccessLog


def post_worker_init(worker):
    import logging

    from extensions import db
    from services.schema_check import MIGRATIONS_DIR, OUTDATED_MESSAGE, schema_is_current

    app = worker.wsgi
    # Alembic announces its dialect at INFO on every check; only a problem is worth a line here.
    logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
    with app.app_context():
        if not schema_is_current(db.engine, MIGRATIONS_DIR):
            print(OUTDATED_MESSAGE, file=sys.stderr, flush=True)
            sys.exit(APP_LOAD_ERROR)
