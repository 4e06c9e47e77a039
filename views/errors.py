"""Error pages: every failure becomes a calm page (or JSON for API callers) with the right status.

Zoho's failures are translated here, once: a missing object is a 404 like any other, an outage or
a rate limit is a 503 that says what to do, and a credentials problem is our fault (500 + an
error log), never the customer's.
"""
from __future__ import annotations

import logging

from flask import Flask, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException
from services.texts import _l

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Something in that request wasn't right"), _l("Please go back, check what you entered and try again.")),
    403: (_l("You can't do that here"), _l("Your account doesn't allow this action. If you think it should, contact support.")),
    404: (_l("We couldn't find that page"), _l("The link may be out of date, or the item isn't part of your account.")),
    405: (_l("That action isn't available"), _l("This page can't be used that way. Please go back and use the buttons on the page.")),
    413: (_l("That was too large"), _l("What you sent is larger than we accept. Please shorten it and try again.")),
    415: (_l("That format isn't supported"), _l("Please send the form from the page itself.")),
    429: (_l("Too many attempts"), _l("Please wait a few minutes before trying again.")),
    500: (_l("Something went wrong on our side"), _l("We've been notified. Please try again in a few minutes.")),
    503: (
        _l("Billing is temporarily unavailable"),
        _l("We can't reach our billing system right now. Nothing has been changed. Please try again in a few minutes."),
    ),
}


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def render_error(status: int, title: str | None = None, detail: str | None = None, headers=None):
    default_title, default_detail = MESSAGES.get(status, MESSAGES[500] if status >= 500 else MESSAGES[400])
    title, detail = title or default_title, detail or default_detail
    request_id = g.get("request_id", "-")
    if wants_json():
        response = jsonify(error=title, detail=detail, status=status, request_id=request_id)
    else:
        response = render_template("errors/error.html", status=status, title=title, detail=detail, request_id=request_id)
    return response, status, headers or {}


def _handle_http_exception(error: HTTPException):
    status = error.code or 500
    # Our own aborts may carry a sentence meant for the user; Werkzeug's defaults are not.
    custom = error.description if getattr(error, "portal_message", False) else None
    headers = {}
    if status == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    return render_error(status, detail=custom, headers=headers)


def _handle_zoho_error(error):
    from zoho_client import errors as zoho

    if isinstance(error, zoho.ZohoNotFound):
        return render_error(404)
    if isinstance(error, (zoho.ZohoUnavailable, zoho.ZohoRateLimited, zoho.ZohoBadResponse)):
        log.warning("zoho unavailable", extra={"zoho_error": type(error).__name__, "zoho_status": error.status})
        return render_error(503, headers={"Retry-After": "60"})
    log.error("zoho call failed", extra={"zoho_error": type(error).__name__, "zoho_code": error.code})
    return render_error(500)


def _handle_unexpected(error: Exception):
    # HTTPExceptions never get here: their own handler is the closer match.
    log.exception("unhandled error")
    return render_error(500)


def init_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, _handle_http_exception)
    from zoho_client.errors import ZohoError

    app.register_error_handler(ZohoError, _handle_zoho_error)
    if not app.testing:
        # Under test, unexpected exceptions propagate so that bugs fail loudly.
        app.register_error_handler(Exception, _handle_unexpected)
