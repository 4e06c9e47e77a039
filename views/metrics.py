"""``GET /metrics`` for Prometheus (``services/metrics.py``): absent (404) unless ``METRICS_TOKEN``
is set, and then only with ``Authorization: Bearer <METRICS_TOKEN>``. (Request latency by route is
recorded with the access line, ``views/request_id.py``.)"""
from __future__ import annotations

import hmac

from flask import Blueprint, Response, abort, current_app, request

from services import metrics

bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
def exposition():
    token = current_app.extensions["settings"].METRICS_TOKEN
    if not token:
        abort(404)
    supplied = request.headers.get("Authorization", "")
    if not hmac.compare_digest(supplied.encode(), f"Bearer {token}".encode()):
        return Response("unauthorized\n", 401, {"WWW-Authenticate": "Bearer", "Content-Type": "text/plain"})
    return Response(metrics.exposition(), 200, {"Content-Type": "text/plain; version=0.0.4; charset=utf-8"})

