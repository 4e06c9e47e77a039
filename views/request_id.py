"""Every request gets an id: the caller's X-Request-ID when it is sane, otherwise a new one.

It is stamped on every log line, returned in the response header, and shown on error pages so
that a customer can quote it to support.
"""
from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, g, request

from services import metrics

_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
access_log = logging.getLogger("portal.access")


def init_request_id(app: Flask) -> None:
    @app.before_request
    def assign_request_id() -> None:
        supplied = request.headers.get("X-Request-ID", "")
        g.request_id = supplied if _SANE_ID.match(supplied) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def stamp_and_log(response):
        request_id = g.get("request_id")
        if request_id:
            response.headers["X-Request-ID"] = request_id
        started = g.get("request_started")
        duration_ms = round((time.perf_counter() - started) * 1000, 1) if started else None
        if started:
            route = request.url_rule.endpoint if request.url_rule is not None else "unmatched"
            metrics.request_done(route, request.method, duration_ms / 1000)
        # The one access line per request (gunicorn's own is off: gunicorn.conf.py). The message
        # carries the fields for text logs, the extras for JSON. The path only, never the query
        # string: handoff, reset and invitation tokens travel there.
        access_log.info(
            "%s %s %s %s ms",
            request.method, request.path, response.status_code, duration_ms,
            extra={"method": request.method, "path": request.path, "status": response.status_code,
                   "duration_ms": duration_ms},
        )
        return response
