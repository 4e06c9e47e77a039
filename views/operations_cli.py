"""``flask portal purge | webhooks-check``: housekeeping and the webhook settings, for operators.

``purge`` deletes what the portal no longer needs, each kind after its retention (``RETENTION``),
in one transaction committed at its end; run it daily (cron, a Kubernetes CronJob …) on one host.
"""
from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import and_, delete, or_

from db.handoff import UsedHandoffToken
from db.models import OneTimeToken, RevokedSession
from db.payments import INTENT_STATES, PaymentIntent
from db.shared import ThrottleEvent, WebhookEvent
from db.types import utcnow
from extensions import db

# How long each kind of row is kept after it stopped mattering (documented in the README).
RETENTION = {
    "one-time links (expired or used)": timedelta(days=30),
    "payment intents (settled)": timedelta(days=90),
}
SETTLED_INTENTS = tuple(state for state in INTENT_STATES if state in ("succeeded", "failed"))
FINISHED_EVENTS = ("done", "ignored", "failed")
THROTTLE_WINDOW = timedelta(days=1)  # longer than any lockout or invitation window


@click.command("purge")
@with_appcontext
def purge_command() -> None:
    """Delete expired one-time links, used handoff ids, signed-out sessions, settled payment intents,
    old webhook events and throttle counts (each after its retention; see the README)."""
    now = utcnow()
    links_before = now - RETENTION["one-time links (expired or used)"]
    intents_before = now - RETENTION["payment intents (settled)"]
    deletions = {
        "one-time links": delete(OneTimeToken).where(or_(OneTimeToken.expires_at < links_before,
                                                         OneTimeToken.used_at < links_before)),
        "used handoff ids": delete(UsedHandoffToken).where(UsedHandoffToken.expires_at < now),
        "signed-out sessions": delete(RevokedSession).where(RevokedSession.expires_at < now),
        "settled payment intents": delete(PaymentIntent).where(and_(
            PaymentIntent.state.in_(SETTLED_INTENTS), PaymentIntent.finished_at < intents_before)),
        "webhook events": delete(WebhookEvent).where(and_(WebhookEvent.expires_at < now,
                                                          WebhookEvent.state.in_(FINISHED_EVENTS))),
        "throttle counts": delete(ThrottleEvent).where(
            ThrottleEvent.occurred_at < (now - THROTTLE_WINDOW).timestamp()),
    }
    counts = {what: db.session.execute(statement).rowcount for what, statement in deletions.items()}
    db.session.commit()
    click.echo("Purged: " + ", ".join(f"{count} {what}" for what, count in counts.items()) + ".")


@click.command("webhooks-check")
@with_appcontext
def webhooks_check_command() -> None:
    """Say whether Zoho's recent events were delivered to this portal's /webhooks/zoho, and how that went."""
    from services.webhooks_check import check_deliveries
    from services.zoho import get_zoho

    check = check_deliveries(get_zoho(), current_app.extensions["settings"].PORTAL_BASE_URL)
    click.echo(check.line())
    if check.status != "ok":
        raise SystemExit(1)


def register_operations_commands(group) -> None:
    for command in (purge_command, webhooks_check_command):
        group.add_command(command)
