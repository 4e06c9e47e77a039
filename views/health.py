"""Liveness and readiness for load balancers and operators.

/healthz says the process answers; /readyz says it can do its job: the database answers, the
schema is current, and Zoho is reachable with our credentials.
"""
from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from sqlalchemy import text

from extensions import db
from services.zoho import get_zoho

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


def _check_database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # any driver error means "not ready", and the reason is logged
        log.warning("readiness: database unavailable", extra={"error": type(error).__name__})
        return "unavailable"
    finally:
        db.session.rollback()
    return "ok"


def _check_zoho() -> str:
    from zoho_client.errors import ZohoError

    try:
        get_zoho().organization.get()
    except ZohoError as error:
        log.warning("readiness: zoho unavailable", extra={"error": type(error).__name__})
        return "unavailable"
    return "ok"


@bp.get("/readyz")
def readyz():
    checks = {"database": _check_database(), "zoho": _check_zoho()}
    ready = all(value == "ok" for value in checks.values())
    return jsonify(status="ready" if ready else "not ready", checks=checks), 200 if ready else 503
