"""``POST /webhooks/zoho``: Zoho's webhooks (``services/webhooks.py`` checks, records and acts).

A pipeline route for a machine: no session, no actor, no CSRF token (the signature proves the
sender), one commit. It answers at once: 200 for a new or repeated event (Zoho stops retrying), 401
for a bad signature, 400 for a stale or unreadable event, each with a small JSON body. An address
that sends more than ``INVALID_SIGNATURES_PER_MINUTE`` bad signatures a minute is answered 429
without any check (and one alert line is logged per minute), so a flood costs no HMAC and no query.
"""
from __future__ import annotations

import logging

from flask import current_app, jsonify, request
from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from services import metrics, webhooks
from services.context import RequestContext
from views.pipeline import Audience, PipelineBlueprint

log = logging.getLogger(__name__)
bp = PipelineBlueprint("webhooks", __name__, audience=Audience.MACHINE)
INVALID_SIGNATURES_PER_MINUTE = 100
_BAD_SIGNATURES = RateLimitItemPerMinute(INVALID_SIGNATURES_PER_MINUTE)


def _limiter() -> FixedWindowRateLimiter:
    limiter = current_app.extensions.get("webhook_signature_limiter")
    if limiter is None:
        settings = current_app.extensions["settings"]
        limiter = FixedWindowRateLimiter(storage_from_string(settings.REDIS_URL or "memory://"))
        current_app.extensions["webhook_signature_limiter"] = limiter
    return limiter


def zoho(ctx: RequestContext):
    address = request.remote_addr or "-"
    limiter = _limiter()
    if not limiter.test(_BAD_SIGNATURES, "webhook-bad-signature", address):
        metrics.webhook("-", "rate_limited")
        return jsonify(error="too many invalid signatures"), 429, {"Retry-After": "60"}
    body = request.get_data(cache=True, as_text=False, parse_form_data=False)  # the exact bytes, first
    form = list(request.form.items(multi=True)) if request.mimetype == "application/x-www-form-urlencoded" else []
    try:
        received = webhooks.receive(ctx.settings, request.query_string, form, body,
                                    request.headers.get(webhooks.SIGNATURE_HEADER))
    except webhooks.WebhookRefused as refused:
        metrics.webhook("-", refused.reason if refused.status != 401 else "bad_signature")
        if refused.status == 401:
            limiter.hit(_BAD_SIGNATURES, "webhook-bad-signature", address)
            if not limiter.test(_BAD_SIGNATURES, "webhook-bad-signature", address):
                log.error("webhook alert: %d invalid signatures in a minute from one address; refusing it for "
                          "the rest of the minute", INVALID_SIGNATURES_PER_MINUTE, extra={"client_ip": address})
        else:
            log.warning("webhook refused", extra={"reason": refused.reason})
        return jsonify(error=refused.reason), refused.status
    outcome = "duplicate" if received.duplicate else ("recorded" if received.known else "unknown_type")
    metrics.webhook(received.event_type, outcome)
    log.info("zoho webhook received", extra={"event_id": received.event_id, "event_type": received.event_type,
                                             "outcome": outcome})
    return jsonify(status=outcome, event_id=received.event_id), 200


bp.add_url_rule("/webhooks/zoho", "zoho", zoho, methods=("POST",))
