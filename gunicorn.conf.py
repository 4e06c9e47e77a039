"""gunicorn reads this file from the working directory on its own.

Each worker checks the database schema once after loading the app and refuses to serve an
outdated one: exit status 4 makes gunicorn stop instead of rebooting the worker in a loop.
"""
import sys

APP_LOAD_ERROR = 4
# gunicorn's default access line holds the request line ("%(r)s"), query string included: handoff,
# reset and invitation tokens travel there. Log the path alone ("%(U)s"), never the query.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(f)s" "%(a)s"'


def post_worker_init(worker):
    import logging

    from app import MIGRATIONS_DIR
    from extensions import db
    from services.schema_check import OUTDATED_MESSAGE, schema_is_current

    app = worker.wsgi
    # Alembic announces its dialect at INFO on every check; only a problem is worth a line here.
    logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
    with app.app_context():
        if not schema_is_current(db.engine, MIGRATIONS_DIR):
            print(OUTDATED_MESSAGE, file=sys.stderr, flush=True)
            sys.exit(APP_LOAD_ERROR)
