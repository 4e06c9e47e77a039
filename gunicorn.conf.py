"""gunicorn reads this file from the working directory on its own.

Workers are threaded (``gthread``): a page that waits for Zoho holds one thread, not the worker, so
``/healthz`` and pages served from the cache keep answering while Zoho hangs (each page's Zoho calls
end within ZOHO_PAGE_BUDGET_SECONDS). ``-k`` and ``--threads`` on the command line still win.

Each worker checks the database schema once after loading the app and refuses to serve an
outdated one: exit status 4 makes gunicorn stop instead of rebooting the worker in a loop. It then
takes up webhook events a worker before it left half done (``services/webhooks.py``).

With ``METRICS_TOKEN`` set, the workers of this host share one prometheus-client multiprocess
directory, so that ``/metrics`` on any worker reports the whole host.
"""
import os
import sys
import tempfile

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
worker_class = "gthread"
threads = 16


def on_starting(server):
    if os.environ.get("METRICS_TOKEN") and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Read by prometheus-client when the workers import it (after the fork: the app is not preloaded).
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="portal-metrics-")


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


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
    app.extensions["webhooks"].wake()
